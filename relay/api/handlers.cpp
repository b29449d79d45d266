#include "relay/api/handlers.hpp"

#include <spdlog/spdlog.h>
#include "relay/api/error_status.hpp"
#include "relay/crypto/jwt.hpp"
#include "shared/wire/json_read.hpp"

namespace kb::api {

using http::Request;
using http::Response;

Response error_response(const Error& error) {
    if (error.code == Errc::internal || error.code == Errc::upstream_unavailable) spdlog::error("{}: {}", errc_name(error.code), error.detail);
    return http::json_response(http_status_for(error.code), wire::api::encode(wire::api::to_api_error(error)).dump());
}

Result<services::Caller> authenticate(const Request& request, const RouteDeps& deps) {
    crypto::TokenExpectations expect{deps.auth.client_secret, deps.auth.audience, deps.clock(), 60};
    auto token = crypto::verify_disposable_token(request.header("x-auth-token"), expect);
    if (!token) return tl::unexpected(token.error());
    if (!deps.replay_guard.first_use(token->jti, token->expires_at, expect.now))
        return fail(Errc::unauthorized, "ui.error.unauthorized", "disposable token used twice");
    auto installation = deps.store.find_installation(token->account_id);
    if (!installation) return tl::unexpected(installation.error());
    if (!*installation) return fail(Errc::unauthorized, "ui.error.not_installed", "the account has not installed the integration");
    return services::Caller{token->account_id, token->user_id, token->is_admin};
}

http::Handler authorised(const RouteDeps& deps, std::function<Response(const Request&, const services::Caller&)> handler) {
    return [deps, handler](const Request& request) {
        auto caller = authenticate(request, deps);
        if (!caller) return error_response(caller.error());
        return handler(request, *caller);
    };
}

}  // namespace kb::api
