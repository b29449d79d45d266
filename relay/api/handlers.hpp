#pragma once
// What every /api/v1 route shares: the caller's disposable token checked first, and a result turned into its reply
// (200 with the encoded value, or the error's status with its message key).
#include <functional>
#include "relay/api/routes.hpp"
#include "shared/wire/widget_api.hpp"

namespace kb::api {

http::Response error_response(const Error& error);

template <class T>
http::Response reply(const Result<T>& result) {
    if (!result) return error_response(result.error());
    return http::json_response(200, wire::api::encode(*result).dump());
}

// The caller a request's X-Auth-Token names: a valid, unused disposable token of an installed account.
Result<services::Caller> authenticate(const http::Request& request, const RouteDeps& deps);

// Wraps a handler that needs a caller: authentication first (a valid, unused token of an installed account), then the handler.
http::Handler authorised(const RouteDeps& deps, std::function<http::Response(const http::Request&, const services::Caller&)> handler);

}  // namespace kb::api
