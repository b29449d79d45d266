#include "relay/marketplace/claim.hpp"

#include <algorithm>
#include <spdlog/spdlog.h>
#include "relay/marketplace/claim_code.hpp"
#include "shared/wire/json_read.hpp"

namespace kb::marketplace {

bool Claims::within_attempts(int64_t account_id) {
    std::lock_guard lock(m_mutex);
    int64_t now = m_clock.ms();
    if (m_attempts.size() > 10000) m_attempts.clear();   // a flood of accounts: forget, do not grow
    auto& times = m_attempts[account_id];
    std::erase_if(times, [&](int64_t at) { return at <= now - claim_window_ms; });
    if (times.size() >= claim_attempts_per_window) return false;
    times.push_back(now);
    return true;
}

Result<ClaimReply> Claims::claim(const services::Caller& caller, const std::string& typed_code, bool telephony) {
    if (!caller.is_admin) return fail(Errc::forbidden, "ui.error.admin_only", "connecting a Marketplace location is for account administrators");
    if (!within_attempts(caller.account_id))
        return fail(Errc::rate_limited, "ui.error.claim_slow_down", "too many Marketplace codes tried by this account");
    auto code = normalise_claim_code(typed_code);
    if (!code) return fail(Errc::bad_input, "ui.error.claim_code_invalid", "not a Marketplace code");
    auto claimed = m_store.claim_marketplace_location(claim_code_hash(*code), caller.account_id, m_clock.ms());
    if (!claimed) return tl::unexpected(claimed.error());
    if (!*claimed) return fail(Errc::not_found, "ui.error.claim_code_unknown", "no open Marketplace code matches");
    const store::MarketplaceLocation& location = **claimed;
    m_reference.invalidate(caller.account_id);
    spdlog::info("marketplace: location {} connected to account {} by user {}", location.salon_id, caller.account_id, caller.user_id);

    ClaimReply reply{location.salon_id, "Altegio " + std::to_string(location.salon_id), "not_asked"};
    auto installation = m_store.find_installation(caller.account_id);
    if (installation && *installation)
        if (auto branches = m_reference.branches(caller.account_id, (*installation)->altegio_user_token))
            for (const auto& b : *branches)
                if (b.id == location.salon_id) reply.title = b.title;
    if (telephony) {
        if (location.crm_token.empty()) {
            reply.telephony = "no_token";
        } else {
            auto chain = m_telephony.adopt(caller.account_id, reply.title, location.crm_token);
            if (!chain) return tl::unexpected(chain.error());
            reply.telephony = chain->enabled ? "enabled" : "refused";
        }
    }
    return reply;
}

void add_claim_route(http::Router& router, const api::Authenticator& auth, Claims& claims) {
    router.add("POST", "/api/v1/settings/marketplace", api::authorised(auth, [&claims](const http::Request& request, const services::Caller& caller) {
        auto body = wire::parse_json(request.body);
        if (!body) return api::error_response(body.error());
        if (!body->is_object() || !body->contains("code") || !(*body)["code"].is_string() || (body->contains("telephony") && !(*body)["telephony"].is_boolean()))
            return api::error_response(Error{Errc::bad_input, "ui.error.claim_code_invalid", "expected {code, telephony?}"});
        auto claimed = claims.claim(caller, (*body)["code"].get<std::string>(), body->value("telephony", false));
        if (!claimed) return api::error_response(claimed.error());
        return http::json_response(200, wire::Json{{"salon_id", claimed->salon_id}, {"title", claimed->title}, {"telephony", claimed->telephony}}.dump());
    }));
}

}  // namespace kb::marketplace
