#include "relay/clients/kommo_client.hpp"

#include <algorithm>
#include <thread>
#include <spdlog/spdlog.h>
#include "relay/http/http_types.hpp"
#include "shared/domain/text.hpp"
#include "shared/wire/json_read.hpp"

namespace kb::clients {

using wire::Json;
namespace kommo = wire::kommo;

namespace {

constexpr int64_t refresh_margin_seconds = 300;   // refresh five minutes before expiry
constexpr int64_t refresh_lease_ms = 30000;        // a refresh (with its retries) finishes within this, or its relay died

// The list `_embedded.<name>` of a HAL reply; an empty list when the reply has none (204, or no member).
Result<const Json*> embedded_list(const Json& body, const char* name) {
    static const Json empty = Json::array();
    const Json* embedded = wire::member(body, "_embedded");
    if (!embedded) return &empty;
    return wire::read_list(*embedded, name, "_embedded");
}

Json tag_list(const std::vector<std::string>& tags) {
    Json out = Json::array();
    for (const auto& tag : tags) out.push_back(Json{{"name", tag}});
    return out;
}

// PHONE and EMAIL of a contact, as Kommo's multitext fields.
Json contact_fields(const std::string& phone, const std::string& email) {
    Json values = Json::array();
    if (!phone.empty())
        values.push_back(Json{{"field_code", "PHONE"}, {"values", Json::array({Json{{"value", phone}, {"enum_code", "WORK"}}})}});
    if (!email.empty())
        values.push_back(Json{{"field_code", "EMAIL"}, {"values", Json::array({Json{{"value", email}, {"enum_code", "WORK"}}})}});
    return values;
}

}  // namespace

KommoClient::KommoClient(CallLog& log, store::Store& store, KommoConfig config, Clock clock)
    : m_log(log), m_store(store), m_config(std::move(config)), m_clock(std::move(clock)) {}

RateLimiter& KommoClient::limiter_for(const std::string& api_base_url) {
    std::lock_guard lock(m_maps_mutex);
    auto& limiter = m_limiters[api_base_url];
    if (!limiter)   // on a shared store the limit holds for every relay together
        limiter = std::make_unique<RateLimiter>(m_config.requests_per_second, m_store.shared() ? &m_store : nullptr, "kommo:" + api_base_url);
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

Result<bool> KommoClient::access_granted(int64_t account_id) {
    auto answer = call(account_id, "kommo.account", "GET", "/api/v4/account", nullptr, RetryPolicy::safe());
    if (answer) return true;
    if (answer.error().message_key == "ui.error.kommo_reinstall") return false;
    return tl::unexpected(answer.error());
}

Result<std::optional<int32_t>> KommoClient::utc_offset(int64_t account_id) {
    auto body = call(account_id, "kommo.account", "GET", "/api/v4/account?with=datetime_settings", nullptr, RetryPolicy::safe());
    if (!body) return tl::unexpected(body.error());
    return kommo::decode_utc_offset(*body);
}

Result<KommoClient::Access> KommoClient::current_access(int64_t account_id, const std::string& rejected_token) {
    std::lock_guard refresh_lock(refresh_mutex_for(account_id));
    // Read under the lock: another caller may have refreshed while we waited.
    auto read = [&]() -> Result<store::Installation> {
        auto found = m_store.find_installation(account_id);
        if (!found) return tl::unexpected(found.error());
        if (!*found) return fail(Errc::not_configured, "ui.error.not_installed", "the widget is not installed for this account");
        return std::move(**found);
    };
    auto usable = [&](const store::Installation& i) {
        return i.access_expires_at - refresh_margin_seconds > m_clock.seconds() && i.access_token != rejected_token;
    };
    auto installation = read();
    if (!installation) return tl::unexpected(installation.error());
    if (usable(*installation)) return Access{installation->api_base_url, installation->access_token};
    if (!m_store.shared()) return refresh(account_id, *installation);

    // Several relays: one refresh per account across all of them, under the "refresh:<account>" lease. A relay
    // that finds it taken waits for the other's new token instead of spending the single-use refresh token too.
    const std::string lease = "refresh:" + std::to_string(account_id);
    for (int tries = 0;; ++tries) {
        auto taken = m_store.take_lease(lease, m_clock.ms(), refresh_lease_ms);
        if (!taken) return tl::unexpected(taken.error());
        installation = read();   // after the lease too: the holder before us may have just finished
        if (!installation || usable(*installation)) {
            if (*taken) (void)m_store.release_lease(lease);
            if (!installation) return tl::unexpected(installation.error());
            return Access{installation->api_base_url, installation->access_token};
        }
        if (*taken) {
            auto refreshed = refresh(account_id, *installation);
            (void)m_store.release_lease(lease);
            return refreshed;
        }
        if (tries * 100 > refresh_lease_ms)
            return fail(Errc::upstream_unavailable, "ui.error.kommo_unavailable", "another relay's Kommo token refresh did not finish");
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

Result<KommoClient::Access> KommoClient::refresh(int64_t account_id, const store::Installation& installation) {
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
    if (auto saved = m_store.save_kommo_tokens(account_id, tokens->access_token, tokens->refresh_token, m_clock.seconds() + tokens->expires_in);
        !saved)
        return tl::unexpected(saved.error());
    spdlog::info("kommo tokens refreshed for account {}", account_id);
    return Access{installation.api_base_url, tokens->access_token};
}

Result<Json> KommoClient::call(int64_t account_id, const std::string& kind, const std::string& method, const std::string& path,
                               const Json* body, RetryPolicy retry) {
    if (auto stopped = paused(account_id)) return tl::unexpected(*stopped);
    std::string rejected;
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto access = current_access(account_id, rejected);
        if (!access) return tl::unexpected(access.error());
        http::OutgoingRequest request{method, access->api_base_url + path, {{"Authorization", "Bearer " + access->access_token}},
                                      body ? body->dump() : std::string()};
        auto response = m_log.send(CallInfo{account_id, kind, retry}, request, &limiter_for(access->api_base_url));
        if (response.status == 401 && attempt == 0) {
            rejected = access->access_token;   // force one refresh, unless someone else already replaced this token
            continue;
        }
        if (response.status == 204) return Json();
        if (response.status < 200 || response.status >= 300) {
            auto error = kommo::error_from_reply(response.status, response.body);
            if (error.message_key == "ui.error.kommo_blocked") {
                pause_blocked_account(account_id, error);
                error.code = Errc::upstream_unavailable;   // not for good: the work waits until the block is lifted
            }
            return tl::unexpected(error);
        }
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

Result<std::vector<kommo::FieldDefinition>> KommoClient::lead_field_definitions(int64_t account_id) {
    return field_definitions(account_id, "leads");
}

Result<std::vector<kommo::FieldDefinition>> KommoClient::contact_field_definitions(int64_t account_id) {
    return field_definitions(account_id, "contacts");
}

Result<std::vector<kommo::FieldDefinition>> KommoClient::company_field_definitions(int64_t account_id) {
    return field_definitions(account_id, "companies");
}

Result<void> KommoClient::update_contact(int64_t account_id, int64_t contact_id, const std::vector<domain::FieldValue>& fields) {
    return update_fields(account_id, "contacts", contact_id, fields);
}

Result<void> KommoClient::update_fields(int64_t account_id, const std::string& entity, int64_t id, const std::vector<domain::FieldValue>& fields) {
    if (fields.empty()) return {};
    Json body = Json::array({Json{{"id", id}, {"custom_fields_values", kommo::encode_custom_fields(fields)}}});
    auto reply = call(account_id, "kommo.patch_" + entity, "PATCH", "/api/v4/" + entity, &body, RetryPolicy::safe());
    if (!reply) return tl::unexpected(reply.error());
    return {};
}

Result<std::vector<kommo::FieldDefinition>> KommoClient::field_definitions(int64_t account_id, const std::string& entity) {
    std::vector<kommo::FieldDefinition> out;
    for (int page = 1; page <= 50; ++page) {
        auto body = call(account_id, "kommo." + entity + "_fields", "GET",
                         "/api/v4/" + entity + "/custom_fields?limit=250&page=" + std::to_string(page), nullptr, RetryPolicy::safe());
        if (!body) return tl::unexpected(body.error());
        if (body->is_null()) break;   // 204: past the last page
        auto list = embedded_list(*body, "custom_fields");
        if (!list) return tl::unexpected(list.error());
        auto fields = wire::decode_list<kommo::FieldDefinition>(**list, "custom_fields", kommo::decode_field_definition);
        if (!fields) return tl::unexpected(fields.error());
        out.insert(out.end(), fields->begin(), fields->end());
        const Json* links = wire::member(*body, "_links");
        if (!links || !wire::member(*links, "next")) break;
    }
    return out;
}

Result<std::vector<std::pair<kommo::Contact, std::vector<int64_t>>>> KommoClient::contacts_with_leads(int64_t account_id,
                                                                                                   const std::string& query) {
    auto body = call(account_id, "kommo.search_contacts", "GET", "/api/v4/contacts?with=leads&limit=50&query=" + http::url_encode(query),
                     nullptr, RetryPolicy::safe());
    if (!body) return tl::unexpected(body.error());
    return contacts_and_lead_ids(*body);
}

Result<std::vector<domain::KnownContact>> KommoClient::contacts_by_id(int64_t account_id, const std::vector<int64_t>& ids) {
    std::vector<std::pair<kommo::Contact, std::vector<int64_t>>> found;
    for (size_t start = 0; start < ids.size(); start += 50) {
        std::string path = "/api/v4/contacts?with=leads&limit=250";
        for (size_t i = start; i < ids.size() && i < start + 50; ++i) path += "&filter%5Bid%5D%5B%5D=" + std::to_string(ids[i]);
        auto body = call(account_id, "kommo.get_contacts", "GET", path, nullptr, RetryPolicy::safe());
        if (!body) return tl::unexpected(body.error());
        auto page = contacts_and_lead_ids(*body);
        if (!page) return tl::unexpected(page.error());
        found.insert(found.end(), page->begin(), page->end());
    }
    return known_contacts(account_id, found);
}

Result<KommoClient::ContactPage> KommoClient::contacts_page(int64_t account_id, int page, int64_t changed_since) {
    std::string path = "/api/v4/contacts?limit=250&page=" + std::to_string(page) +
                       (changed_since > 0 ? "&filter%5Bupdated_at%5D%5Bfrom%5D=" + std::to_string(changed_since) + "&order%5Bupdated_at%5D=asc"
                                          : std::string("&order%5Bid%5D=asc"));
    auto body = call(account_id, "kommo.list_contacts", "GET", path, nullptr, RetryPolicy::safe());
    if (!body) return tl::unexpected(body.error());
    ContactPage out;
    if (body->is_null()) return out;   // 204: past the last page
    auto list = embedded_list(*body, "contacts");
    if (!list) return tl::unexpected(list.error());
    for (const auto& item : **list) {
        auto contact = kommo::decode_contact(item);
        if (!contact) return tl::unexpected(contact.error());
        out.contacts.emplace_back(std::move(*contact), wire::read_int_or(item, "updated_at", "contact.updated_at", 0).value_or(0));
    }
    const Json* links = wire::member(*body, "_links");
    out.more = links && wire::member(*links, "next");
    return out;
}

Result<std::vector<std::pair<kommo::Contact, std::vector<int64_t>>>> KommoClient::contacts_and_lead_ids(const Json& body) {
    std::vector<std::pair<kommo::Contact, std::vector<int64_t>>> out;
    if (body.is_null()) return out;   // 204: nobody matches
    auto list = embedded_list(body, "contacts");
    if (!list) return tl::unexpected(list.error());
    for (const auto& item : **list) {
        auto contact = kommo::decode_contact(item);
        if (!contact) return tl::unexpected(contact.error());
        std::vector<int64_t> leads;
        if (const Json* inner = wire::member(item, "_embedded"))
            if (auto ids = wire::read_list(*inner, "leads", "contact._embedded"); ids)
                for (const auto& lead : **ids)
                    if (auto id = wire::read_int(lead, "id", "lead")) leads.push_back(*id);
        out.emplace_back(std::move(*contact), std::move(leads));
    }
    return out;
}

std::string phone_search_text(const domain::PhoneNumber& phone) {
    const std::string& digits = phone.national;
    return digits.size() > 10 ? digits.substr(digits.size() - 10) : digits;
}

domain::KnownLead known_lead(const kommo::Lead& lead) {
    domain::KnownLead k{lead.id, lead.pipeline_id, lead.status_id, 0, {}, lead.responsible_user_id};
    for (const auto& f : lead.custom_fields)
        if (!f.values.empty()) k.field_values[f.field_id] = f.values.front();
    return k;
}

Result<std::vector<domain::KnownContact>> KommoClient::contacts_by_phone(int64_t account_id, const domain::PhoneNumber& phone) {
    auto found = contacts_with_leads(account_id, phone_search_text(phone));
    if (!found) return tl::unexpected(found.error());
    return known_contacts(account_id, *found);
}

Result<std::vector<domain::KnownContact>> KommoClient::known_contacts(int64_t account_id,
                                                                     const std::vector<std::pair<kommo::Contact, std::vector<int64_t>>>& found) {
    std::vector<int64_t> ids;
    for (const auto& [contact, lead_ids] : found) ids.insert(ids.end(), lead_ids.begin(), lead_ids.end());
    std::map<int64_t, domain::KnownLead> leads;
    if (!ids.empty()) {
        auto details = leads_by_id(account_id, ids);
        if (!details) return tl::unexpected(details.error());
        for (const auto& l : *details) leads[l.id] = known_lead(l);
    }
    std::vector<domain::KnownContact> out;
    for (const auto& [contact, lead_ids] : found) {
        domain::KnownContact known{contact.id, contact.phones, {}};
        for (int64_t lead : lead_ids)
            if (auto it = leads.find(lead); it != leads.end()) known.leads.push_back(it->second);   // a deleted lead is left out
        out.push_back(std::move(known));
    }
    return out;
}

Result<std::vector<kommo::Lead>> KommoClient::leads_by_id(int64_t account_id, const std::vector<int64_t>& ids) {
    std::vector<kommo::Lead> out;
    for (size_t start = 0; start < ids.size(); start += 50) {
        std::string path = "/api/v4/leads?limit=250";
        for (size_t i = start; i < ids.size() && i < start + 50; ++i) path += "&filter%5Bid%5D%5B%5D=" + std::to_string(ids[i]);
        auto body = call(account_id, "kommo.get_leads", "GET", path, nullptr, RetryPolicy::safe());
        if (!body) return tl::unexpected(body.error());
        if (body->is_null()) continue;
        auto list = embedded_list(*body, "leads");
        if (!list) return tl::unexpected(list.error());
        auto leads = wire::decode_list<kommo::Lead>(**list, "leads", kommo::decode_lead);
        if (!leads) return tl::unexpected(leads.error());
        out.insert(out.end(), leads->begin(), leads->end());
    }
    return out;
}

Result<std::vector<kommo::Lead>> KommoClient::search_leads(int64_t account_id, const std::string& query) {
    auto body = call(account_id, "kommo.search_leads", "GET", "/api/v4/leads?limit=50&query=" + http::url_encode(query), nullptr,
                     RetryPolicy::safe());
    if (!body) return tl::unexpected(body.error());
    if (body->is_null()) return std::vector<kommo::Lead>{};
    auto list = embedded_list(*body, "leads");
    if (!list) return tl::unexpected(list.error());
    return wire::decode_list<kommo::Lead>(**list, "leads", kommo::decode_lead);
}

Result<std::vector<domain::PipelineInfo>> KommoClient::pipelines(int64_t account_id) {
    auto body = call(account_id, "kommo.pipelines", "GET", "/api/v4/leads/pipelines", nullptr, RetryPolicy::safe());
    if (!body) return tl::unexpected(body.error());
    return kommo::decode_pipelines(*body);
}

Result<std::vector<kommo::Pipeline>> KommoClient::named_pipelines(int64_t account_id) {
    auto body = call(account_id, "kommo.pipelines", "GET", "/api/v4/leads/pipelines", nullptr, RetryPolicy::safe());
    if (!body) return tl::unexpected(body.error());
    return kommo::decode_pipeline_list(*body);
}

Result<std::vector<kommo::User>> KommoClient::users(int64_t account_id) {
    std::vector<kommo::User> out;
    for (int page = 1; page <= 20; ++page) {
        auto body = call(account_id, "kommo.users", "GET", "/api/v4/users?limit=250&page=" + std::to_string(page), nullptr,
                         RetryPolicy::safe());
        if (!body) return tl::unexpected(body.error());
        if (body->is_null()) break;   // 204: past the last page
        auto users = kommo::decode_users(*body);
        if (!users) return tl::unexpected(users.error());
        out.insert(out.end(), users->begin(), users->end());
        const Json* links = wire::member(*body, "_links");
        if (!links || !wire::member(*links, "next")) break;
    }
    return out;
}

template <class Queue>
Queue& KommoClient::queue_for(std::map<int64_t, std::unique_ptr<Queue>>& queues, int64_t account_id) {
    std::lock_guard lock(m_maps_mutex);
    auto& queue = queues[account_id];
    if (!queue) queue = std::make_unique<Queue>();
    return *queue;
}

RateLimiter* KommoClient::account_limiter(int64_t account_id, Error& error) {
    auto installation = m_store.find_installation(account_id);
    if (!installation) {
        error = installation.error();
        return nullptr;
    }
    if (!*installation) {
        error = Error{Errc::not_configured, "ui.error.not_installed", "the widget is not installed for this account"};
        return nullptr;
    }
    return &limiter_for((*installation)->api_base_url);
}

namespace {

// Sends a batch; when Kommo refuses it (one bad item refuses all), each item alone, so only that one fails.
template <class Item, class Outcome>
std::vector<Result<Outcome>> split_on_refusal(const std::vector<const Item*>& items,
                                              const std::function<std::vector<Result<Outcome>>(const std::vector<const Item*>&)>& send) {
    std::vector<Result<Outcome>> outcomes = send(items);
    bool refused = items.size() > 1 && std::any_of(outcomes.begin(), outcomes.end(), [](const auto& o) {
        return !o && o.error().code == Errc::upstream_rejected;
    });
    if (!refused) return outcomes;
    for (size_t i = 0; i < items.size(); ++i) outcomes[i] = send({items[i]}).front();
    return outcomes;
}

// One answer for every item of a request that stands or falls whole.
std::vector<Result<void>> same_for_all(size_t items, const Result<Json>& reply) {
    return std::vector<Result<void>>(items, reply ? Result<void>() : Result<void>(tl::unexpected(reply.error())));
}

}  // namespace

// Every batched write's way: a person's write goes alone, at once, in a person's place at the rate limiter; any other
// waits in the account's queue for the sender's turn, and a batch Kommo refuses is split.
template <class Item, class Outcome>
Result<Outcome> KommoClient::batched_write(int64_t account_id, std::map<int64_t, std::unique_ptr<GroupCommit<Item, Outcome>>>& queues,
                                           const Item& item, size_t max_batch,
                                           const std::function<std::vector<Result<Outcome>>(const std::vector<const Item*>&)>& send,
                                           const typename GroupCommit<Item, Outcome>::Fits& fits) {
    Error error;
    RateLimiter* limiter = account_limiter(account_id, error);
    if (!limiter) return tl::unexpected(error);
    if (PersonScope::active()) return send({&item}).front();
    return queue_for(queues, account_id)
        .submit(item, max_batch, [limiter] { limiter->wait_until_ready(); },
                [&](const std::vector<const Item*>& items) { return split_on_refusal(items, send); }, fits);
}

// Updates waiting at the same time go out as one PATCH /leads, one update per lead (a second update of the same lead
// waits for the next PATCH, keeping their order).
Result<void> KommoClient::update_lead(int64_t account_id, const LeadUpdate& update) {
    std::function<std::vector<Result<void>>(const std::vector<const LeadUpdate*>&)> send = [&](const std::vector<const LeadUpdate*>& updates) {
        if (updates.size() > 1) m_batched_updates += static_cast<int64_t>(updates.size());
        return std::vector<Result<void>>(updates.size(), patch_leads(account_id, updates));
    };
    return batched_write<LeadUpdate, void>(account_id, m_update_queues, update, m_config.max_batch, send,
                                           [](const std::vector<const LeadUpdate*>& batch, const LeadUpdate& next) {
                                               return std::none_of(batch.begin(), batch.end(),
                                                                   [&](const LeadUpdate* u) { return u->lead_id == next.lead_id; });
                                           });
}

Result<void> KommoClient::patch_leads(int64_t account_id, const std::vector<const LeadUpdate*>& updates) {
    Json items = Json::array();
    for (const LeadUpdate* u : updates) {
        Json item{{"id", u->lead_id}};
        if (!u->fields.empty()) item["custom_fields_values"] = kommo::encode_custom_fields(u->fields);
        if (u->stage.status_id != 0) {
            item["status_id"] = u->stage.status_id;
            if (u->stage.pipeline_id != 0) item["pipeline_id"] = u->stage.pipeline_id;
        }
        if (u->responsible_user_id != 0) item["responsible_user_id"] = u->responsible_user_id;
        if (!u->tags.empty()) item["_embedded"] = Json{{"tags", tag_list(u->tags)}};
        if (item.size() > 1) items.push_back(std::move(item));
    }
    if (items.empty()) return {};
    auto reply = items.size() == 1
                     ? call(account_id, "kommo.patch_lead", "PATCH", "/api/v4/leads/" + std::to_string(updates.front()->lead_id),
                            &items[0], RetryPolicy::safe())
                     : call(account_id, "kommo.patch_leads", "PATCH", "/api/v4/leads", &items, RetryPolicy::safe());
    if (!reply) return tl::unexpected(reply.error());
    return {};
}

std::optional<Error> KommoClient::paused(int64_t account_id) {
    std::lock_guard lock(m_maps_mutex);
    if (m_pause_read.insert(account_id).second) {   // once per account and process: a pause outlives a restart
        int64_t since_ms = (m_clock.seconds() - m_config.blocked_pause_seconds) * 1000;
        if (auto alert = m_store.latest_history_at(account_id, "alert.kommo_blocked", since_ms); alert && *alert)
            m_paused_until[account_id] = **alert / 1000 + m_config.blocked_pause_seconds;
        else if (!alert)
            spdlog::error("the pause of Kommo account {} could not be read: {}", account_id, alert.error().detail);
    }
    auto until = m_paused_until.find(account_id);
    if (until == m_paused_until.end() || m_clock.seconds() >= until->second) return std::nullopt;
    return Error{Errc::upstream_unavailable, "ui.error.kommo_blocked",
                 "calls to Kommo are paused: Kommo answered that this account's API is blocked"};
}

void KommoClient::pause_blocked_account(int64_t account_id, const Error& error) {
    {
        std::lock_guard lock(m_maps_mutex);
        m_paused_until[account_id] = m_clock.seconds() + m_config.blocked_pause_seconds;
    }
    spdlog::error("kommo account {} is blocked; calls paused for {} s", account_id, m_config.blocked_pause_seconds);
    store::HistoryEntry alert;
    alert.at_ms = m_clock.ms();
    alert.account_id = account_id;
    alert.direction = "out";   // about the outgoing calls that stop
    alert.kind = "alert.kommo_blocked";
    alert.status = 403;
    alert.error = error.detail + "; calls paused for " + std::to_string(m_config.blocked_pause_seconds) + " s";
    if (auto saved = m_store.add_history(alert); !saved) spdlog::error("alert not written: {}", saved.error().detail);
}

namespace {

// One lead of a complex add, with its contact and company.
Json complex_item(const KommoClient::NewLead& lead) {
    Json item{{"name", lead.name}};
    if (lead.stage.status_id != 0) item["status_id"] = lead.stage.status_id;
    if (lead.stage.pipeline_id != 0) item["pipeline_id"] = lead.stage.pipeline_id;
    if (lead.responsible_user_id != 0) item["responsible_user_id"] = lead.responsible_user_id;
    if (!lead.fields.empty()) item["custom_fields_values"] = kommo::encode_custom_fields(lead.fields);
    Json embedded = Json::object();
    if (!lead.tags.empty()) embedded["tags"] = tag_list(lead.tags);
    Json contact = Json::object();
    if (lead.contact_id != 0) {
        contact["id"] = lead.contact_id;
    } else if (!lead.contact_name.empty() || !lead.contact_phone.empty() || !lead.contact_email.empty()) {
        contact["name"] = lead.contact_name;
        Json values = contact_fields(lead.contact_phone, lead.contact_email);
        for (auto& v : kommo::encode_custom_fields(lead.contact_fields)) values.push_back(std::move(v));
        if (!values.empty()) contact["custom_fields_values"] = values;
        if (lead.responsible_user_id != 0) contact["responsible_user_id"] = lead.responsible_user_id;
        if (!lead.tags.empty()) contact["_embedded"] = Json{{"tags", tag_list(lead.tags)}};
    }
    if (!contact.empty()) embedded["contacts"] = Json::array({contact});
    if (lead.company_id != 0) {
        embedded["companies"] = Json::array({Json{{"id", lead.company_id}}});
    } else if (!lead.company_name.empty()) {
        Json company{{"name", lead.company_name}};
        if (!lead.company_fields.empty()) company["custom_fields_values"] = kommo::encode_custom_fields(lead.company_fields);
        if (lead.responsible_user_id != 0) company["responsible_user_id"] = lead.responsible_user_id;
        if (!lead.tags.empty()) company["_embedded"] = Json{{"tags", tag_list(lead.tags)}};
        embedded["companies"] = Json::array({company});
    }
    if (!embedded.empty()) item["_embedded"] = embedded;
    return item;
}

}  // namespace

Result<KommoClient::CreatedLead> KommoClient::create_lead(int64_t account_id, const NewLead& lead) {
    std::function<std::vector<Result<CreatedLead>>(const std::vector<const NewLead*>&)> send = [&](const std::vector<const NewLead*>& leads) {
        return create_leads(account_id, leads);
    };
    return batched_write<NewLead, CreatedLead>(account_id, m_create_queues, lead, std::min<size_t>(m_config.max_batch, 50), send);
}

// One complex add; each lead's answer is found by its request_id (Kommo answers in order when it gives none).
std::vector<Result<KommoClient::CreatedLead>> KommoClient::create_leads(int64_t account_id, const std::vector<const NewLead*>& leads) {
    Json body = Json::array();
    for (size_t i = 0; i < leads.size(); ++i) {
        Json item = complex_item(*leads[i]);
        item["request_id"] = std::to_string(i);
        body.push_back(std::move(item));
    }
    auto reply = call(account_id, "kommo.create_lead", "POST", "/api/v4/leads/complex", &body, RetryPolicy::once());
    if (!reply) return std::vector<Result<CreatedLead>>(leads.size(), tl::unexpected(reply.error()));
    std::vector<Result<CreatedLead>> out(leads.size(), fail(Errc::upstream_rejected, "ui.error.kommo_rejected", "complex add answered without this lead"));
    if (!reply->is_array()) return out;
    for (size_t n = 0; n < reply->size(); ++n) {
        const Json& made = (*reply)[n];
        size_t index = n;
        if (const Json* ids = wire::member(made, "request_id"); ids && ids->is_array() && !ids->empty() && (*ids)[0].is_string())
            index = static_cast<size_t>(std::strtoull((*ids)[0].get<std::string>().c_str(), nullptr, 10));
        if (index >= leads.size()) continue;
        auto id = wire::read_int(made, "id", "created");
        if (!id) {
            out[index] = tl::unexpected(id.error());
            continue;
        }
        out[index] = CreatedLead{*id, wire::read_int_or(made, "contact_id", "created", 0).value_or(0),
                                 wire::read_int_or(made, "company_id", "created", 0).value_or(0)};
    }
    return out;
}

Result<int64_t> KommoClient::create_entity(int64_t account_id, const std::string& entity, const NewEntity& item) {
    Json object{{"name", item.name}};
    if (item.responsible_user_id != 0) object["responsible_user_id"] = item.responsible_user_id;
    Json values = contact_fields(item.phone, item.email);
    for (auto& v : kommo::encode_custom_fields(item.fields)) values.push_back(std::move(v));
    if (!values.empty()) object["custom_fields_values"] = values;
    if (!item.tags.empty()) object["_embedded"] = Json{{"tags", tag_list(item.tags)}};
    Json body = Json::array({object});
    std::string kind = entity == "companies" ? "kommo.create_company" : "kommo.create_contact";
    auto reply = call(account_id, kind, "POST", "/api/v4/" + entity, &body, RetryPolicy::once());
    if (!reply) return tl::unexpected(reply.error());
    auto list = embedded_list(*reply, entity.c_str());
    if (!list) return tl::unexpected(list.error());
    if ((*list)->empty()) return fail(Errc::upstream_rejected, "ui.error.kommo_rejected", entity + ": created nothing");
    return wire::read_int((**list)[0], "id", entity);
}

Result<int64_t> KommoClient::company_named(int64_t account_id, const std::string& name) {
    auto body = call(account_id, "kommo.search_companies", "GET", "/api/v4/companies?limit=50&query=" + http::url_encode(name), nullptr,
                     RetryPolicy::safe());
    if (!body) return tl::unexpected(body.error());
    if (body->is_null()) return 0;   // 204: nothing matches
    auto list = embedded_list(*body, "companies");
    if (!list) return tl::unexpected(list.error());
    const std::string wanted = domain::fold_case(name);
    for (const auto& item : **list)
        if (domain::fold_case(wire::read_text(item, "name")) == wanted) return wire::read_int(item, "id", "company");
    return 0;
}

Result<void> KommoClient::add_note(int64_t account_id, int64_t lead_id, const std::string& text) {
    std::function<std::vector<Result<void>>(const std::vector<const LeadNote*>&)> send = [&](const std::vector<const LeadNote*>& notes) {
        return add_lead_notes(account_id, notes);
    };
    return batched_write<LeadNote, void>(account_id, m_note_queues, LeadNote{lead_id, text}, m_config.max_batch, send);
}

std::vector<Result<void>> KommoClient::add_lead_notes(int64_t account_id, const std::vector<const LeadNote*>& notes) {
    Json body = Json::array();
    for (const LeadNote* note : notes) {
        Json item = kommo::encode_note(note->text);
        item["entity_id"] = note->lead_id;
        body.push_back(std::move(item));
    }
    return same_for_all(notes.size(), call(account_id, "kommo.add_note", "POST", "/api/v4/leads/notes", &body, RetryPolicy::once()));
}

Result<void> KommoClient::add_note_to(int64_t account_id, const std::string& entity, int64_t id, const std::string& text) {
    Json body = Json::array({kommo::encode_note(text)});
    auto reply = call(account_id, "kommo.add_note", "POST", "/api/v4/" + entity + "/" + std::to_string(id) + "/notes", &body, RetryPolicy::once());
    if (!reply) return tl::unexpected(reply.error());
    return {};
}

Result<void> KommoClient::add_call_note(int64_t account_id, const std::string& entity, int64_t id, const kommo::CallNote& note) {
    Json body = Json::array({kommo::encode_call_note(note)});
    auto reply = call(account_id, "kommo.add_call_note", "POST", "/api/v4/" + entity + "/" + std::to_string(id) + "/notes", &body,
                      RetryPolicy::once());
    if (!reply) return tl::unexpected(reply.error());
    return {};
}

Result<bool> KommoClient::has_call_note(int64_t account_id, const std::string& entity, int64_t id, const std::string& uniq) {
    auto body = call(account_id, "kommo.call_notes", "GET", "/api/v4/" + entity + "/" + std::to_string(id) + "/notes?limit=250", nullptr,
                     RetryPolicy::safe());
    if (!body) return tl::unexpected(body.error());
    if (body->is_null()) return false;
    auto list = embedded_list(*body, "notes");
    if (!list) return tl::unexpected(list.error());
    for (const auto& note : **list)
        if (const Json* params = wire::member(note, "params"); params && wire::read_text(*params, "uniq") == uniq) return true;
    return false;
}

Result<void> KommoClient::add_task(int64_t account_id, const Json& task) {
    std::function<std::vector<Result<void>>(const std::vector<const Json*>&)> send = [&](const std::vector<const Json*>& tasks) {
        Json body = Json::array();
        for (const Json* t : tasks) body.push_back(*t);
        return same_for_all(tasks.size(), call(account_id, "kommo.add_task", "POST", "/api/v4/tasks", &body, RetryPolicy::once()));
    };
    return batched_write<Json, void>(account_id, m_task_queues, task, std::min<size_t>(m_config.max_batch, 50), send);
}

Result<void> KommoClient::register_webhook(int64_t account_id, const std::string& destination, const std::vector<std::string>& events) {
    Json body{{"destination", destination}, {"settings", events}};
    auto reply = call(account_id, "kommo.register_webhook", "POST", "/api/v4/webhooks", &body, RetryPolicy::safe());
    if (!reply) return tl::unexpected(reply.error());
    return {};
}

Result<std::vector<std::string>> KommoClient::lead_note_texts(int64_t account_id, int64_t lead_id) {
    std::vector<std::string> out;
    auto body = call(account_id, "kommo.lead_notes", "GET", "/api/v4/leads/" + std::to_string(lead_id) + "/notes?limit=250", nullptr,
                     RetryPolicy::safe());
    if (!body) return tl::unexpected(body.error());
    if (body->is_null()) return out;
    auto list = embedded_list(*body, "notes");
    if (!list) return tl::unexpected(list.error());
    for (const auto& note : **list)
        if (const Json* params = wire::member(note, "params")) out.push_back(wire::read_text(*params, "text"));
    return out;
}

Result<std::vector<std::string>> KommoClient::lead_task_texts(int64_t account_id, int64_t lead_id) {
    std::vector<std::string> out;
    auto body = call(account_id, "kommo.lead_tasks", "GET",
                     "/api/v4/tasks?limit=250&filter%5Bentity_type%5D=leads&filter%5Bentity_id%5D%5B%5D=" + std::to_string(lead_id),
                     nullptr, RetryPolicy::safe());
    if (!body) return tl::unexpected(body.error());
    if (body->is_null()) return out;
    auto list = embedded_list(*body, "tasks");
    if (!list) return tl::unexpected(list.error());
    for (const auto& task : **list) out.push_back(wire::read_text(task, "text"));
    return out;
}

Result<kommo::FieldDefinition> KommoClient::create_field(int64_t account_id, const std::string& entity, const std::string& name,
                                                         const std::string& type, const std::string& code) {
    Json body = Json::array({Json{{"name", name}, {"type", type}, {"code", code}}});
    auto reply = call(account_id, "kommo.create_" + entity + "_field", "POST", "/api/v4/" + entity + "/custom_fields", &body,
                      RetryPolicy::once());
    if (!reply) return tl::unexpected(reply.error());
    const Json* embedded = wire::member(*reply, "_embedded");
    const Json* fields = embedded ? wire::member(*embedded, "custom_fields") : nullptr;
    if (!fields || !fields->is_array() || fields->empty())
        return fail(Errc::upstream_rejected, "ui.error.kommo_rejected", "field creation answered without the field");
    return kommo::decode_field_definition((*fields)[0]);
}

}  // namespace kb::clients
