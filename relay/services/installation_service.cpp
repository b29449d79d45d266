#include "relay/services/installation_service.hpp"

#include <spdlog/spdlog.h>
#include "relay/crypto/secret_box.hpp"
#include "shared/wire/settings.hpp"

namespace kb::services {

namespace {

bool valid_host(const std::string& host) {
    if (host.empty() || host.size() > 253) return false;
    for (char c : host)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':')) return false;
    return true;
}

// The lead fields a booking writes, with the codes the relay recognises them by.
struct FieldSpec {
    const char* code;
    const char* name;
    const char* type;
    int64_t domain::LeadFieldMap::*target;
};
constexpr FieldSpec lead_field_specs[] = {
    {"KB_ALTEGIO_RECORD_ID", "Altegio Record ID", "text", &domain::LeadFieldMap::record_id},
    {"KB_ALTEGIO_DATE", "Altegio: date", "date", &domain::LeadFieldMap::record_date},
    {"KB_ALTEGIO_TIME", "Altegio: time", "text", &domain::LeadFieldMap::record_time},
    {"KB_ALTEGIO_EMPLOYEE", "Altegio: employee", "text", &domain::LeadFieldMap::employee},
    {"KB_ALTEGIO_BRANCH", "Altegio: branch", "text", &domain::LeadFieldMap::branch},
    {"KB_ALTEGIO_SERVICES", "Altegio: services", "textarea", &domain::LeadFieldMap::services},
};

}  // namespace

Result<InstallOutcome> InstallationService::complete_oauth(const std::string& code, const std::string& referer) {
    if (code.empty()) return fail(Errc::bad_input, "ui.error.bad_request", "the redirect carries no code");
    if (m_kommo_api_base_override.empty() && !valid_host(referer))
        return fail(Errc::bad_input, "ui.error.bad_request", "the redirect carries no valid referer");
    std::string base = m_kommo_api_base_override.empty() ? "https://" + referer : m_kommo_api_base_override;
    auto tokens = m_kommo.exchange_code(base, code);
    if (!tokens) return tl::unexpected(tokens.error());
    auto account = m_kommo.account(base, tokens->access_token);
    if (!account) return tl::unexpected(account.error());

    auto existing = m_store.find_installation(account->id);
    if (!existing) return tl::unexpected(existing.error());
    store::Installation installation = existing->value_or(store::Installation{});
    installation.account_id = account->id;
    installation.subdomain = account->subdomain;
    installation.api_base_url = base;
    installation.access_token = tokens->access_token;
    installation.refresh_token = tokens->refresh_token;
    installation.access_expires_at = m_clock() + tokens->expires_in;
    if (installation.webhook_key.empty()) installation.webhook_key = crypto::random_token(24);
    if (auto saved = m_store.save_installation(installation); !saved) return tl::unexpected(saved.error());
    spdlog::info("installed for account {} ({})", account->id, account->subdomain);
    m_reference.invalidate(account->id);   // a reinstall may come with new fields, stages or rights
    if (auto fields = ensure_lead_fields(account->id); !fields) return tl::unexpected(fields.error());
    // Stage changes come back as account webhooks; an account whose plan has no webhooks still works through
    // Digital Pipeline triggers, so a refusal here is logged, not fatal.
    if (auto hook = m_kommo.register_webhook(account->id, m_public_url + "/hooks/kommo/" + installation.webhook_key, {"status_lead"}); !hook)
        spdlog::warn("Kommo webhook not registered for account {}: {}", account->id, hook.error().detail);
    return InstallOutcome{account->id, account->subdomain};
}

Result<void> InstallationService::ensure_lead_fields(int64_t account_id) {
    auto existing = m_kommo.lead_field_definitions(account_id);
    if (!existing) return tl::unexpected(existing.error());
    auto installation = m_store.find_installation(account_id);
    if (!installation || !*installation) return fail(Errc::internal, "ui.error.storage", "installation vanished");
    auto settings_json = wire::parse_json((*installation)->settings_json);
    auto settings = settings_json ? wire::decode_settings(*settings_json) : Result<domain::Settings>(domain::Settings{});
    if (!settings) return tl::unexpected(settings.error());
    for (const auto& spec : lead_field_specs) {
        int64_t& target = settings->lead_fields.*spec.target;
        if (target != 0) continue;   // the admin's choice stands
        auto found = std::find_if(existing->begin(), existing->end(), [&](const auto& f) { return f.code == spec.code; });
        if (found != existing->end()) {
            target = found->id;
            continue;
        }
        auto created = m_kommo.create_lead_field(account_id, spec.name, spec.type, spec.code);
        if (!created) return tl::unexpected(created.error());
        target = created->id;
    }
    (*installation)->settings_json = wire::encode_settings(*settings).dump();
    m_reference.invalidate(account_id);
    return m_store.save_installation(**installation);
}

Result<std::vector<domain::Branch>> InstallationService::connect_altegio(const Caller& caller, const std::string& login,
                                                                         const std::string& password) {
    if (!caller.is_admin) return fail(Errc::forbidden, "ui.error.admin_only", "only an account administrator may connect Altegio");
    if (login.empty() || password.empty()) return fail(Errc::bad_input, "ui.error.need_login", "login or password missing");
    auto token = m_altegio.sign_in(caller.account_id, login, password);
    if (!token) return tl::unexpected(token.error());
    auto branches = m_altegio.my_branches(caller.account_id, *token);
    if (!branches) return tl::unexpected(branches.error());
    if (auto saved = m_store.save_altegio_token(caller.account_id, *token); !saved) return tl::unexpected(saved.error());
    m_reference.invalidate(caller.account_id);   // the new token may manage other branches
    auto installation = m_store.find_installation(caller.account_id);
    if (!installation || !*installation) return fail(Errc::internal, "ui.error.storage", "installation vanished");
    auto settings_json = wire::parse_json((*installation)->settings_json);
    auto settings = settings_json ? wire::decode_settings(*settings_json) : Result<domain::Settings>(domain::Settings{});
    std::string url = m_public_url + "/hooks/altegio/" + (*installation)->webhook_key;
    for (const auto& branch : *branches) {
        const auto& chosen = settings ? settings->connected_branch_ids : std::vector<int64_t>{};
        if (!chosen.empty() && std::find(chosen.begin(), chosen.end(), branch.id) == chosen.end()) continue;
        if (auto registered = m_altegio.register_webhook(caller.account_id, *token, branch.id, url); !registered)
            spdlog::warn("webhook not registered for branch {}: {}", branch.id, registered.error().detail);
    }
    return branches;
}

}  // namespace kb::services
