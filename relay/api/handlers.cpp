#include "relay/api/handlers.hpp"

#include <spdlog/spdlog.h>
#include "relay/api/error_status.hpp"
#include "relay/clients/call_log.hpp"
#include "relay/crypto/hmac.hpp"
#include "relay/crypto/jwt.hpp"
#include "relay/crypto/secret_box.hpp"
#include "shared/wire/json_read.hpp"

namespace kb::api {

using http::Request;
using http::Response;

// What a caller reads never holds the relay's own failure text (a database's message, a file path): a local
// failure answers its message key and a reference that finds the full text in the relay's log.
Response error_response(const Error& error) {
    wire::api::ApiError shown = wire::api::to_api_error(error);
    if (error.code == Errc::internal || error.code == Errc::upstream_unavailable) {
        std::string reference = crypto::random_token(6);
        spdlog::error("{} (reference {}): {}", errc_name(error.code), reference, error.detail);
        if (error.code == Errc::internal) shown.detail = "reference " + reference;
    }
    return http::json_response(http_status_for(error.code), wire::api::encode(shown).dump());
}

Result<services::Caller> authenticate(const Request& request, const Authenticator& auth) {
    crypto::TokenExpectations expect{auth.config.client_secret, auth.config.audience, auth.clock.seconds(), 60, auth.config.client_id};
    std::string text = request.header("x-auth-token");
    auto token = crypto::verify_disposable_token(text, expect);
    if (!token) return tl::unexpected(token.error());
    // Single use across every relay on the database: by its id, or (a token without one) by its own digest.
    std::string once = token->jti.empty() ? "digest:" + crypto::digest_hex(text) : "jti:" + token->jti;
    auto first = auth.store.first_use(once, token->expires_at + expect.leeway_seconds, expect.now);
    if (!first) return tl::unexpected(first.error());
    if (!*first) return fail(Errc::unauthorized, "ui.error.unauthorized", "disposable token used twice");
    auto installation = auth.store.find_installation(token->account_id);
    if (!installation) return tl::unexpected(installation.error());
    if (!*installation) return fail(Errc::unauthorized, "ui.error.not_installed", "the account has not installed the integration");
    if (!crypto::token_names_account(*token, (*installation)->subdomain))
        return fail(Errc::unauthorized, "ui.error.unauthorized", "disposable token: iss or subdomain of another account");
    return services::Caller{token->account_id, token->user_id, token->is_admin};
}

http::Handler authorised(const Authenticator& auth, std::function<Response(const Request&, const services::Caller&)> handler) {
    return [auth, handler](const Request& request) {
        auto caller = authenticate(request, auth);
        if (!caller) return error_response(caller.error());
        clients::PersonScope person;   // someone waits on this answer: its Kommo and Altegio calls go before background work
        return handler(request, *caller);
    };
}

}  // namespace kb::api
