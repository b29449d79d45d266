#include "relay/api/error_status.hpp"

namespace kb::api {

int http_status_for(Errc code) {
    switch (code) {
        case Errc::bad_input: return 400;
        case Errc::unauthorized: return 401;
        case Errc::forbidden: return 403;
        case Errc::not_found: return 404;
        case Errc::conflict: return 409;
        case Errc::not_configured: return 412;
        case Errc::upstream_rejected: return 422;
        case Errc::rate_limited: return 429;
        case Errc::upstream_unavailable: return 502;
        case Errc::internal: return 500;
    }
    return 500;
}

}  // namespace kb::api
