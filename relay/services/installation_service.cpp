#include "relay/services/installation_service.hpp"

#include <charconv>
#include <spdlog/spdlog.h>
#include "relay/account_context.hpp"
#include "relay/crypto/hmac.hpp"
#include "relay/crypto/secret_box.hpp"
#include "relay/http/http_types.hpp"
#include "relay/http/kommo_host.hpp"
#include "relay/services/kommo_fields.hpp"
#include "shared/wire/json_read.hpp"
#include "shared/wire/settings.hpp"
#include "shared/wire/telephony.hpp"

namespace kb::services {

namespace {

constexpr std::string_view state_prefix = "kb1.";
constexpr int64_t state_lifetime_seconds = 30 * 60;

// Where the account's API answers: https://<referer> in production. The override (tests and the demo) is one address
// for every account, or a list "URL,subdomain=URL,..." where a named subdomain has its own (a second simulated account).
std::string api_base_of(const std::string& override_list, const std::string& referer, const std::string& subdomain) {
    if (override_list.empty()) return "https://" + http::to_lower(referer);
    std::string fallback;
    size_t begin = 0;
    while (begin <= override_list.size()) {
        size_t end = std::min(override_list.find(',', begin), override_list.size());
        std::string entry = override_list.substr(begin, end - begin);
        size_t equals = entry.find('=');
        if (equals != std::string::npos && entry.find('/') > equals) {
            if (entry.substr(0, equals) == subdomain) return entry.substr(equals + 1);
        } else if (fallback.empty()) {
            fallback = entry;
        }
        begin = end + 1;
    }
    return fallback;
}

}  // namespace

std::string InstallationService::start_url() {
    std::string signed_part = std::string(state_prefix) + crypto::random_token(12) + "." + std::to_string(m_clock.seconds() + state_lifetime_seconds);
    std::string state = signed_part + "." + crypto::hmac_sha256_hex(signed_part, m_config.client_secret);
    return m_config.authorize_url + "?client_id=" + http::url_encode(m_config.client_id) + "&state=" + http::url_encode(state) +
           "&mode=post_message";
}

Result<void> InstallationService::check_state(const std::string& state) {
    if (state.rfind(state_prefix, 0) != 0) {
        if (m_config.require_state) return fail(Errc::forbidden, "install.page.bad_state", "the redirect carries no state of this relay");
        return {};
    }
    auto dot = state.rfind('.');
    std::string signed_part = state.substr(0, dot);
    if (dot == std::string::npos || !crypto::same_secret(state.substr(dot + 1), crypto::hmac_sha256_hex(signed_part, m_config.client_secret)))
        return fail(Errc::forbidden, "install.page.bad_state", "the state's signature does not match");
    std::string_view expires_text = std::string_view(signed_part).substr(signed_part.rfind('.') + 1);
    int64_t expires = 0;
    auto [end, parse_error] = std::from_chars(expires_text.data(), expires_text.data() + expires_text.size(), expires);
    if (parse_error != std::errc{} || end != expires_text.data() + expires_text.size() || expires < m_clock.seconds())
        return fail(Errc::forbidden, "install.page.bad_state", "the state has expired");
    auto first = m_store.first_use("state:" + signed_part, expires, m_clock.seconds());
    if (!first) return tl::unexpected(first.error());
    if (!*first) return fail(Errc::forbidden, "install.page.bad_state", "the state was used before");
    return {};
}

Result<InstallOutcome> InstallationService::complete_oauth(const std::string& code, const std::string& referer, const std::string& state) {
    if (code.empty()) return fail(Errc::bad_input, "install.page.not_from_kommo", "the redirect carries no code");
    // The code is exchanged with the integration's secret at the referer's host: anything but a Kommo account host
    // would hand the secret to whoever sent the link. Checked with the sandbox too, which redirects as Kommo does.
    std::string subdomain = http::kommo_account_subdomain(referer);
    if (subdomain.empty()) return fail(Errc::bad_input, "install.page.not_from_kommo", "the referer is not a Kommo account host");
    if (auto checked = check_state(state); !checked) return tl::unexpected(checked.error());
    std::string base = api_base_of(m_config.kommo_api_base_override, referer, subdomain);
    auto tokens = m_kommo.exchange_code(base, code);
    if (!tokens) return tl::unexpected(tokens.error());
    auto account = m_kommo.account(base, tokens->access_token);
    if (!account) return tl::unexpected(account.error());
    if (http::to_lower(account->subdomain) != subdomain)
        return fail(Errc::forbidden, "install.page.other_account",
                    "Kommo answered for account " + account->subdomain + ", the redirect came from " + subdomain);

    auto existing = m_store.find_installation(account->id);
    if (!existing) return tl::unexpected(existing.error());
    // An installed account's tokens and webhook key never move to another API address through a redirect: the
    // administrator uninstalls first (Kommo then calls the revoke hook) and installs again.
    if (*existing && !(*existing)->api_base_url.empty() && (*existing)->api_base_url != base)
        return fail(Errc::forbidden, "install.page.other_address",
                    "account " + std::to_string(account->id) + " is installed at another API address");
    store::Installation installation = existing->value_or(store::Installation{});
    if (!*existing) {   // a reinstall after an uninstall starts from the settings saved last
        auto last = m_store.settings_versions(account->id, 1);
        if (last && !last->empty()) installation.settings_json = last->front().settings_json;
    }
    installation.account_id = account->id;
    installation.subdomain = account->subdomain;
    installation.api_base_url = base;
    installation.access_token = tokens->access_token;
    installation.refresh_token = tokens->refresh_token;
    installation.access_expires_at = m_clock.seconds() + tokens->expires_in;
    if (installation.webhook_key.empty()) installation.webhook_key = crypto::random_token(24);
    if (auto saved = m_store.save_installation(installation); !saved) return tl::unexpected(saved.error());
    spdlog::info("installed for account {} ({})", account->id, account->subdomain);
    m_reference.invalidate(account->id);   // a reinstall may come with new fields, stages or rights
    if (auto fields = ensure_lead_fields(account->id); !fields) return tl::unexpected(fields.error());
    // Stage changes come back as account webhooks; an account whose plan has no webhooks still works through
    // Digital Pipeline triggers, so a refusal here is logged, not fatal.
    if (auto hook = m_kommo.register_webhook(account->id, intake_url(hooks::Intake::kommo, installation), {"status_lead"}); !hook)
        spdlog::warn("Kommo webhook not registered for account {}: {}", account->id, hook.error().detail);
    return InstallOutcome{account->id, account->subdomain};
}

Result<bool> InstallationService::uninstall(const std::string& account_id, const std::string& client_uuid, const std::string& signature) {
    auto id = wire::int_from(wire::Json(account_id), "account_id");
    if (!id || *id <= 0) return fail(Errc::bad_input, "ui.error.bad_request", "the revoke hook carries no account_id");
    if (!client_uuid.empty() && client_uuid != m_config.client_id)
        return fail(Errc::unauthorized, "ui.error.unauthorized", "the revoke hook names another integration");
    std::string expected = crypto::hmac_sha256_hex(m_config.client_id + "|" + account_id, m_config.client_secret);
    if (!crypto::same_secret(signature, expected))
        return fail(Errc::unauthorized, "ui.error.unauthorized", "the revoke hook's signature does not match");
    // The signature is the same for every call about this account, so a captured hook could be sent again after
    // a reinstall: the installation goes only when Kommo confirms that its tokens no longer open the account.
    auto installed = m_store.find_installation(*id);
    if (!installed) return tl::unexpected(installed.error());
    if (!*installed) return false;
    auto granted = m_kommo.access_granted(*id);
    if (!granted) return tl::unexpected(granted.error());
    if (*granted) return fail(Errc::conflict, "ui.error.bad_request", "the revoke hook came while Kommo still grants access");
    // The chains' telephony is switched off in Altegio before their tokens go (best effort: the uninstall goes on).
    if (auto chains = m_store.telephony_chains(*id))
        for (const auto& chain : *chains)
            if (chain.enabled)
                if (auto off = m_altegio.voip(*id, "altegio.voip_disable", wire::telephony::voip_setup(false, chain.crm_token), clients::RetryPolicy::safe());
                    !off)
                    spdlog::warn("telephony of chain {} was not disabled in Altegio on uninstall: {}", chain.name, off.error().detail);
    auto removed = m_store.delete_installation(*id);
    if (!removed) return tl::unexpected(removed.error());
    m_reference.invalidate(*id);
    spdlog::info("uninstalled for account {}{}", *id, *removed ? "" : " (was not installed)");
    return *removed;
}

Result<void> InstallationService::ensure_lead_fields(int64_t account_id) {
    auto existing = m_kommo.lead_field_definitions(account_id);
    if (!existing) return tl::unexpected(existing.error());
    auto installation = m_store.find_installation(account_id);
    if (!installation || !*installation) return fail(Errc::internal, "ui.error.storage", "installation vanished");
    auto settings_json = wire::parse_json((*installation)->settings_json);
    auto settings = settings_json ? wire::decode_settings(*settings_json) : Result<domain::Settings>(domain::Settings{});
    if (!settings) return tl::unexpected(settings.error());
    auto filled = map_missing_fields(m_kommo, account_id, *settings, FieldSet::booking);
    if (!filled) return tl::unexpected(filled.error());
    if (*filled == 0) return {};
    m_reference.invalidate(account_id);
    auto saved = m_store.save_settings(account_id, (*installation)->settings_revision, wire::encode_settings(*settings).dump(), 0,
                                       m_clock.ms());
    if (!saved) return tl::unexpected(saved.error());
    return {};
}

Result<InstallStatus> InstallationService::status(const Caller& caller) {
    auto found = m_store.find_installation(caller.account_id);
    if (!found) return tl::unexpected(found.error());
    if (!*found) return InstallStatus{};
    const store::Installation& installation = **found;
    auto connected = altegio_connected(m_store, installation);
    if (!connected) return tl::unexpected(connected.error());
    InstallStatus status{true, *connected, 0, 0, installation.settings_revision};
    if (auto settings = wire::decode_settings_text(installation.settings_json))
        status.connected_branches = static_cast<int32_t>(settings->connected_branch_ids.size());
    auto failed = m_store.failed_inbox_events(caller.account_id, 100);
    if (!failed) return tl::unexpected(failed.error());
    status.failed_events = static_cast<int32_t>(failed->size());
    return status;
}

Result<std::vector<domain::Branch>> InstallationService::connect_altegio(const Caller& caller, const std::string& login,
                                                                         const std::string& password) {
    if (!caller.is_admin) return fail(Errc::forbidden, "ui.error.admin_only", "only an account administrator may connect Altegio");
    if (login.empty() || password.empty()) return fail(Errc::bad_input, "ui.error.need_login", "login or password missing");
    auto user = m_altegio.sign_in(caller.account_id, login, password);
    if (!user) return tl::unexpected(user.error());
    auto branches = m_altegio.my_branches(caller.account_id, user->user_token);
    if (!branches) return tl::unexpected(branches.error());
    if (auto saved = m_store.save_altegio_token(caller.account_id, user->user_token); !saved) return tl::unexpected(saved.error());
    // The admin signed in with their own Altegio login: it is theirs for booking too (the Users tab shows it).
    store::UserLink own{caller.user_id, user->id, user->name, user->user_token, m_clock.ms()};
    if (auto linked = m_store.save_user_link(caller.account_id, own); !linked) return tl::unexpected(linked.error());
    m_reference.invalidate(caller.account_id);   // the new token may manage other branches
    register_branch_webhooks(caller.account_id, *branches);
    return branches;
}

void InstallationService::register_branch_webhooks(int64_t account_id, const std::vector<domain::Branch>& managed) {
    auto installation = m_store.find_installation(account_id);
    if (!installation || !*installation) return;
    auto decoded = wire::decode_settings_text((*installation)->settings_json);
    domain::Settings settings = decoded ? *decoded : domain::Settings{};   // unreadable: every branch, as none chosen
    std::string url = webhook_url(**installation);
    // This account's earlier addresses on the branch (an older key, or the key itself of an earlier version) give
    // way to the new one; another Kommo account's address on the same branch stays.
    const std::string prefix = m_config.public_url + "/hooks/altegio/";
    const std::vector<std::string> earlier{prefix + std::to_string(account_id) + ".", prefix + (*installation)->webhook_key};
    for (const auto& branch : managed) {
        if (!domain::branch_connected(settings, branch.id)) continue;
        if (auto registered = m_altegio.register_webhook(account_id, (*installation)->altegio_user_token, branch.id, url, earlier);
            !registered)
            spdlog::warn("webhook not registered for branch {}: {}", branch.id, registered.error().detail);
    }
}

std::string InstallationService::intake_key(hooks::Intake intake, const store::Installation& installation) const {
    return m_keys.account_key(intake, installation.account_id, installation.webhook_key);
}

std::string InstallationService::intake_url(hooks::Intake intake, const store::Installation& installation) const {
    std::string key = intake_key(intake, installation);
    switch (intake) {
        case hooks::Intake::altegio: return m_config.public_url + "/hooks/altegio/" + key;
        case hooks::Intake::kommo: return m_config.public_url + "/hooks/kommo/" + key;
        case hooks::Intake::kommo_dp: return m_config.public_url + "/hooks/kommo-dp/" + key;
        case hooks::Intake::tracking: return m_config.public_url + "/tracking/" + key + "/leads";
        case hooks::Intake::telephony: break;          // a chain's address, not an account's (relay/telephony/admin.cpp)
        case hooks::Intake::altegio_location: break;   // a location's address (relay/marketplace/activation.cpp)
    }
    return {};
}

}  // namespace kb::services
