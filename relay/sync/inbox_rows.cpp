#include "relay/sync/inbox_rows.hpp"

#include "relay/crypto/hmac.hpp"
#include "shared/domain/telephony.hpp"
#include "shared/wire/altegio.hpp"
#include "shared/wire/json_read.hpp"
#include "shared/wire/kommo_hooks.hpp"
#include "shared/wire/telephony.hpp"

namespace kb::sync {

using wire::Json;

namespace {

// Every row is made here: who it is for, where it came from, what it is about and how to tell it apart.
store::InboxEvent row(int64_t account_id, const char* from, const std::string& resource, int64_t resource_id, std::string type,
                      std::string dedupe_key, const Json& body) {
    store::InboxEvent out;
    out.account_id = account_id;
    out.source = from;
    out.resource = resource;
    out.resource_id = resource_id;
    out.event_type = std::move(type);
    out.dedupe_key = std::move(dedupe_key);
    out.body = body.dump();
    return out;
}

tl::unexpected<Error> bad_webhook(std::string detail) { return fail(Errc::bad_input, "ui.error.bad_webhook", std::move(detail)); }

}  // namespace

bool altegio_source(const std::string& from) { return from == source::altegio || from == source::reconciler || from == source::widget; }

std::string altegio_dedupe_key(int64_t account_id, int64_t company_id, const std::string& resource, int64_t resource_id,
                               const std::string& event_type, const Json& data) {
    std::string changed = data.is_object() ? wire::read_text(data, "last_change_date") : "";
    // What a person sees of the change; a webhook and the reconciler's copy of the same change agree on it.
    Json seen = Json::object();
    if (data.is_object())
        for (const char* member : {"datetime", "staff_id", "attendance", "deleted", "seance_length", "comment", "services", "record_labels",
                                   "amount", "record_id", "name", "phone", "email"})
            if (const Json* value = wire::member(data, member)) seen[member] = *value;
    // The account first: two Kommo accounts connected to one branch each get every change of it.
    std::string prefix = "altegio|" + std::to_string(account_id) + "|" + std::to_string(company_id) + "|" + resource + "|" + std::to_string(resource_id) + "|";
    // With a change date the event type is left out: the reconciler cannot tell whether the change it reads
    // back arrived as "create" or "update", and the same change must get the same key.
    if (changed.empty()) return prefix + event_type + "|#" + crypto::digest_hex(data.dump());
    return prefix + changed + "#" + crypto::digest_hex(seen.dump()).substr(0, 12);
}

store::InboxEvent altegio_row(int64_t account_id, const char* from, int64_t company_id, const std::string& resource,
                              int64_t resource_id, const std::string& type, const Json& data, int64_t received_at_ms) {
    store::InboxEvent out = row(account_id, from, resource, resource_id, type,
                                altegio_dedupe_key(account_id, company_id, resource, resource_id, type, data),
                                Json{{"company_id", company_id}, {"resource", resource}, {"resource_id", resource_id}, {"status", type}, {"data", data}});
    out.company_id = company_id;
    out.received_at_ms = received_at_ms;
    return out;
}

Result<std::vector<store::InboxEvent>> altegio_webhook_rows(int64_t account_id, const std::string& body) {
    auto events = wire::altegio::decode_webhook_body(body);
    if (!events) return bad_webhook(events.error().detail);
    std::vector<store::InboxEvent> rows;
    for (const auto& e : *events)   // received_at_ms is set when they are stored
        rows.push_back(altegio_row(account_id, source::altegio, e.company_id, e.resource, e.resource_id, e.status, e.data, 0));
    return rows;
}

Result<std::vector<store::InboxEvent>> kommo_trigger_rows(int64_t account_id, const std::string& body) {
    auto trigger = wire::kommo::decode_dp_trigger(body);
    if (!trigger) return bad_webhook(trigger.error().detail);
    if (trigger->account_id != 0 && trigger->account_id != account_id)
        return fail(Errc::forbidden, "ui.error.bad_webhook", "the trigger names another account");
    trigger->settings.erase("intake_key");   // the account's key stays out of the inbox and the history
    std::string key = "kommo_dp|" + std::to_string(account_id) + "|" + std::to_string(trigger->lead_id) + "|" + std::to_string(trigger->status_id) + "|" +
                      std::to_string(trigger->time) + "|" + trigger->settings.dump();
    return std::vector<store::InboxEvent>{row(account_id, source::kommo_dp, "lead", trigger->lead_id, trigger->type_code.empty() ? "trigger" : trigger->type_code,
                                              std::move(key),
                                              Json{{"lead_id", trigger->lead_id}, {"status_id", trigger->status_id}, {"pipeline_id", trigger->pipeline_id},
                                                   {"time", trigger->time}, {"settings", trigger->settings}})};
}

Result<std::vector<store::InboxEvent>> kommo_hook_rows(int64_t account_id, const std::string& body) {
    auto hook = wire::kommo::decode_account_hook(body);
    if (!hook) return bad_webhook(hook.error().detail);
    if (hook->account_id != 0 && hook->account_id != account_id)
        return fail(Errc::forbidden, "ui.error.bad_webhook", "the webhook names another account");
    std::vector<store::InboxEvent> rows;
    for (const auto& e : hook->entities) {
        bool stage_changed = e.entity == "leads" && e.status_id != 0 && (e.action == "status" || (e.action == "add" && e.old_status_id == 0));
        if (!stage_changed) continue;
        std::string key = "kommo|" + std::to_string(account_id) + "|lead|" + std::to_string(e.id) + "|" + std::to_string(e.pipeline_id) + "|" +
                          std::to_string(e.status_id) + "|" + std::to_string(e.updated_at);
        rows.push_back(row(account_id, source::kommo, "lead", e.id, "status", std::move(key),
                           Json{{"lead_id", e.id}, {"status_id", e.status_id}, {"pipeline_id", e.pipeline_id}, {"old_status_id", e.old_status_id},
                                {"old_pipeline_id", e.old_pipeline_id}, {"updated_at", e.updated_at}}));
    }
    return rows;
}

Result<std::vector<store::InboxEvent>> call_rows(const store::TelephonyChain& chain, const std::string& body, int64_t now_ms) {
    auto parsed = wire::parse_json(body);
    if (!parsed) return bad_webhook(parsed.error().detail);
    const Json items = parsed->is_array() ? *parsed : Json::array({*parsed});
    if (items.empty()) return bad_webhook("no call events");
    std::vector<store::InboxEvent> rows;
    for (size_t i = 0; i < items.size(); ++i) {
        auto event = wire::telephony::decode_call_event(items[i], now_ms / 1000);
        if (!event) return bad_webhook((parsed->is_array() ? wire::index_path("", i) + "." : "") + event.error().detail);
        std::string state = domain::call_state_name(event->state);
        // The same post twice is one event; the same state with other data (a recording added) is another.
        std::string key = "telephony|" + chain.key + "|" + event->call_id + "|" + state + "#" + crypto::digest_hex(items[i].dump());
        rows.push_back(row(chain.account_id, source::telephony, "call", crypto::digest_id(chain.key + "|" + event->call_id),   // one call's events in line
                           state, std::move(key), Json{{"chain_key", chain.key}, {"event", wire::telephony::encode_call_event(*event)}}));
    }
    return rows;
}

store::InboxEvent tracked_lead_row(int64_t account_id, const std::string& lead_id, const char* event_type, const Json& body, const std::string& tag) {
    return row(account_id, source::tracking, "tracked_lead", crypto::digest_id(std::to_string(account_id) + "|" + lead_id), event_type,
               "tracking|" + std::to_string(account_id) + "|" + lead_id + "|" + tag, body);
}

}  // namespace kb::sync
