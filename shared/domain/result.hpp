#pragma once
// Errors are values at every boundary: Result<T> holds either a T or an Error.
// Usage:
//   kb::Result<int64_t> r = parse_id(text);
//   if (!r) return tl::unexpected(r.error());
#include <string>
#include <utility>
#include <tl/expected.hpp>

namespace kb {

// One code per way a request can fail; the relay maps each to one HTTP status (relay/api/error_status.cpp).
enum class Errc {
    bad_input,             // the caller sent something malformed or incomplete
    not_found,             // the thing asked for does not exist
    conflict,              // the slot was taken, or the state changed under us
    unauthorized,          // missing or invalid credentials (JWT, tokens)
    forbidden,             // valid credentials without the right to do this
    not_configured,        // the installation lacks a setting this needs
    rate_limited,          // a remote API said 429 and retries ran out
    upstream_unavailable,  // a remote API did not answer, or answered 5xx
    upstream_rejected,     // a remote API refused the request (4xx other than the above)
    internal,              // a bug or a local failure (disk, database)
};

struct Error {
    Errc code = Errc::internal;
    std::string message_key;  // i18n key under "ui.error.*", shown to the user in their language
    std::string detail;       // technical detail for logs and the request history (never secrets)
};

template <class T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(Errc code, std::string message_key, std::string detail = {}) {
    return tl::unexpected(Error{code, std::move(message_key), std::move(detail)});
}

const char* errc_name(Errc code);

}  // namespace kb
