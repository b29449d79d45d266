#include "shared/domain/result.hpp"

namespace kb {

const char* errc_name(Errc code) {
    switch (code) {
        case Errc::bad_input: return "bad_input";
        case Errc::not_found: return "not_found";
        case Errc::conflict: return "conflict";
        case Errc::unauthorized: return "unauthorized";
        case Errc::forbidden: return "forbidden";
        case Errc::not_configured: return "not_configured";
        case Errc::rate_limited: return "rate_limited";
        case Errc::upstream_unavailable: return "upstream_unavailable";
        case Errc::upstream_rejected: return "upstream_rejected";
        case Errc::internal: return "internal";
    }
    return "internal";
}

}  // namespace kb
