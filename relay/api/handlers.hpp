#pragma once
// What every /api/v1 route shares, whatever area declares it (relay/api/routes.hpp, relay/telephony/routes.hpp): the
// caller's disposable token checked first, and a result turned into its reply (200 with the encoded value, or the
// error's status with its message key).
#include <functional>
#include <string>
#include "relay/clock.hpp"
#include "relay/http/router.hpp"
#include "relay/services/caller.hpp"
#include "relay/store/store.hpp"
// The encoders of every area's answers (reply below names them when it is defined).
#include "shared/wire/history_api.hpp"
#include "shared/wire/settings_api.hpp"
#include "shared/wire/telephony_api.hpp"
#include "shared/wire/widget_api.hpp"

namespace kb::api {

struct AuthConfig {
    std::string client_secret;   // the integration's secret: disposable tokens are signed with it
    std::string audience;        // scheme://host of the redirect URI
    std::string client_id;       // the integration's client id: the client_uuid of every disposable token
};

// What checking a caller takes: the config, the store (installations, tokens already used) and the time.
struct Authenticator {
    store::Store& store;
    AuthConfig config;
    Clock clock;
};

http::Response error_response(const Error& error);

template <class T>
http::Response reply(const Result<T>& result) {
    if (!result) return error_response(result.error());
    return http::json_response(200, wire::api::encode(*result).dump());
}

// The caller a request's X-Auth-Token names: a valid, unused disposable token of an installed account.
Result<services::Caller> authenticate(const http::Request& request, const Authenticator& auth);

// Wraps a handler that needs a caller: authentication first (a valid, unused token of an installed account), then the handler.
http::Handler authorised(const Authenticator& auth, std::function<http::Response(const http::Request&, const services::Caller&)> handler);

}  // namespace kb::api
