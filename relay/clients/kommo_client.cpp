#include "relay/clients/kommo_client.hpp"

#include <spdlog/spdlog.h>

namespace kb::clients {

using wire::Json;
namespace kommo = wire::kommo;

namespace {
constexpr int64_t refresh_margin_seconds = 300;   // refresh five minutes before expiry
}

KommoClient::KommoClient(CallLog& log, store::Store& store, KommoConfig config, Clock clock)
    : m_log(log), m_store(store), m_config(std::move(config)), m_clock(std::move(clock)) {}

RateLimiter& KommoClient::limiter_for(const std::string& api_base_url) {
    std::lock_guard lock(m_maps_mutex);
    auto& limiter = m_limiters[api_base_url];
    if (!limiter) limiter = std::make_unique<RateLimiter>(m_config.requests_per_second, 1.0);
    return *limiter;
}

std::mutex& KommoClient::refresh_mutex_for(int64_t account_id) {
    std::lock_guard lock(m_maps_mutex);
    auto& mutex = m_refresh_mutexes[account_id];
    if (!mutex) mutex = std::make_unique<std::mutex>();
    return *mutex;
}

Result<kommo::Tokens> KommoClient::exchange_code(const std::string& api_base_url, const std::string& code) {
    http::OutgoingRequest request{"POST", api_base_url + "/oauth2/access_token", {},
                                  Json{{"client_id", m_config.client_id}, {"client_secret", m_config.client_secret},
                                       {"grant_type", "authorization_code"}, {"code", code},
                                       {"redirect_uri", m_config.redirect_uri}}.dump()};
    auto response = m_log.send(CallInfo{0, "kommo.oauth_code", RetryPolicy::once()}, request, &limiter_for(api_base_url));
    if (response.status != 200) return tl::unexpected(kommo::error_from_reply(response.status, response.body));
    auto body = wire::parse_json(response.body);
    if (!body) return tl::unexpected(body.error());
    return kommo::decode_tokens(*body);
}

Result<KommoAccount> KommoClient::account(const std::string& api_base_url, const std::string& access_token) {
    http::OutgoingRequest request{"GET", api_base_url + "/api/v4/account", {{"Authorization", "Bearer " + access_token}}, ""};
    auto response = m_log.send(CallInfo{0, "kommo.account", RetryPolicy::safe()}, request, &limiter_for(api_base_url));
    if (response.status != 200) return tl::unexpected(kommo::error_from_reply(response.status, response.body));
    auto body = wire::parse_json(response.body);
    if (!body) return tl::unexpected(body.error());
    auto id = wire::read_int(*body, "id", "account");
    if (!id) return tl::unexpected(id.error());
    return KommoAccount{*id, wire::read_text(*body, "subdomain")};
}

Result<std::string> KommoClient::current_access_token(int64_t account_id, const std::string& rejected_token) {
    std::lock_guard refresh_lock(refresh_mutex_for(account_id));
    // Read under the lock: another caller may have refreshed while we waited.
    auto found = m_store.find_installation(account_id);
    if (!found) return tl::unexpected(found.error());
    if (!*found) return fail(Errc::not_configured, "ui.error.not_installed", "the widget is not installed for this account");
    store::Installation& installation = **found;
    bool fresh = installation.access_expires_at - refresh_margin_seconds > m_clock();
    if (fresh && installation.access_token != rejected_token) return installation.access_token;

    http::OutgoingRequest request{"POST", installation.api_base_url + "/oauth2/access_token", {},
                                  Json{{"client_id", m_config.client_id}, {"client_secret", m_config.client_secret},
                                       {"grant_type", "refresh_token"}, {"refresh_token", installation.refresh_token},
                                       {"redirect_uri", m_config.redirect_uri}}.dump()};
    auto response = m_log.send(CallInfo{account_id, "kommo.oauth_refresh", RetryPolicy::safe()}, request,
                               &limiter_for(installation.api_base_url));
    if (response.status != 200) {
        auto error = kommo::error_from_reply(response.status, response.body);
        if (error.code == Errc::unauthorized || response.status == 400) error.message_key = "ui.error.kommo_reinstall";
        return tl::unexpected(error);
    }
    auto body = wire::parse_json(response.body);
    if (!body) return tl::unexpected(body.error());
    auto tokens = kommo::decode_tokens(*body);
    if (!tokens) return tl::unexpected(tokens.error());
    // Persist first: if we crash after this line the new refresh token is not lost.
    if (auto saved = m_store.save_kommo_tokens(account_id, tokens->access_token, tokens->refresh_token, m_clock() + tokens->expires_in);
        !saved)
        return tl::unexpected(saved.error());
    spdlog::info("kommo tokens refreshed for account {}", account_id);
    return tokens->access_token;
}

Result<Json> KommoClient::call(int64_t account_id, const std::string& kind, const std::string& method, const std::string& path,
                               const Json* body, RetryPolicy retry) {
    std::string rejected;
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto token = current_access_token(account_id, rejected);
        if (!token) return tl::unexpected(token.error());
        auto installation = m_store.find_installation(account_id);
        if (!installation || !*installation) return fail(Errc::not_configured, "ui.error.not_installed", "installation vanished");
        http::OutgoingRequest request{method, (*installation)->api_base_url + path, {{"Authorization", "Bearer " + *token}},
                                      body ? body->dump() : std::string()};
        auto response = m_log.send(CallInfo{account_id, kind, retry}, request, &limiter_for((*installation)->api_base_url));
        if (response.status == 401 && attempt == 0) {
            rejected = *token;   // force one refresh, unless someone else already replaced this token
            continue;
        }
        if (response.status == 204) return Json();
        if (response.status < 200 || response.status >= 300) return tl::unexpected(kommo::error_from_reply(response.status, response.body));
        return wire::parse_json(response.body);
    }
    return fail(Errc::unauthorized, "ui.error.kommo_reinstall", "Kommo refused a freshly refreshed token");
}

Result<kommo::Lead> KommoClient::lead(int64_t account_id, int64_t lead_id) {
    auto body = call(account_id, "kommo.get_lead", "GET", "/api/v4/leads/" + std::to_string(lead_id) + "?with=contacts", nullptr,
                     RetryPolicy::safe());
    if (!body) return tl::unexpected(body.error());
    if (body->is_null()) return fail(Errc::not_found, "ui.error.lead_not_found", "lead " + std::to_string(lead_id));
    return kommo::decode_lead(*body);
}

Result<kommo::Contact> KommoClient::contact(int64_t account_id, int64_t contact_id) {
    auto body = call(account_id, "kommo.get_contact", "GET", "/api/v4/contacts/" + std::to_string(contact_id), nullptr,
                     RetryPolicy::safe());
    if (!body) return tl::unexpected(body.error());
    return kommo::decode_contact(*body);
}

Result<void> KommoClient::set_lead_fields(int64_t account_id, int64_t lead_id, const std::vector<domain::FieldValue>& values) {
    if (values.empty()) return {};
    Json body{{"custom_fields_values", kommo::encode_custom_fields(values)}};
    auto reply = call(account_id, "kommo.patch_lead", "PATCH", "/api/v4/leads/" + std::to_string(lead_id), &body, RetryPolicy::safe());
    if (!reply) return tl::unexpected(reply.error());
    return {};
}

Result<std::vector<kommo::FieldDefinition>> KommoClient::lead_field_definitions(int64_t account_id) {
    std::vector<kommo::FieldDefinition> out;
    for (int page = 1; page <= 50; ++page) {
        auto body = call(account_id, "kommo.lead_fields", "GET", "/api/v4/leads/custom_fields?limit=250&page=" + std::to_string(page),
                         nullptr, RetryPolicy::safe());
        if (!body) return tl::unexpected(body.error());
        if (body->is_null()) break;   // 204: past the last page
        const Json* embedded = wire::member(*body, "_embedded");
        auto list = embedded ? wire::read_list(*embedded, "custom_fields", "_embedded") : Result<const Json*>(nullptr);
        if (!list) return tl::unexpected(list.error());
        if (!*list) break;
        auto fields = wire::decode_list<kommo::FieldDefinition>(**list, "custom_fields", kommo::decode_field_definition);
        if (!fields) return tl::unexpected(fields.error());
        out.insert(out.end(), fields->begin(), fields->end());
        const Json* links = wire::member(*body, "_links");
        if (!links || !wire::member(*links, "next")) break;
    }
    return out;
}

Result<kommo::FieldDefinition> KommoClient::create_lead_field(int64_t account_id, const std::string& name, const std::string& type,
                                                              const std::string& code) {
    Json body = Json::array({Json{{"name", name}, {"type", type}, {"code", code}}});
    auto reply = call(account_id, "kommo.create_lead_field", "POST", "/api/v4/leads/custom_fields", &body, RetryPolicy::once());
    if (!reply) return tl::unexpected(reply.error());
    const Json* embedded = wire::member(*reply, "_embedded");
    const Json* fields = embedded ? wire::member(*embedded, "custom_fields") : nullptr;
    if (!fields || !fields->is_array() || fields->empty())
        return fail(Errc::upstream_rejected, "ui.error.kommo_rejected", "field creation answered without the field");
    return kommo::decode_field_definition((*fields)[0]);
}

}  // namespace kb::clients
