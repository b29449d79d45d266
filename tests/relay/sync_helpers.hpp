#pragma once
// Helpers for the sync tests: the admin's settings, waiting for the inbox, and making records as a manager
// (through the widget API) or as Altegio staff (through the sandbox).
#include <limits>
#include <thread>
#include "relay/hooks/intake_keys.hpp"
#include "shared/wire/settings.hpp"
#include "world.hpp"

namespace kb::testing {

// The installation's settings document, as the relay reads it, and saving a changed one.
inline domain::Settings settings_of(World& world) {
    auto installation = *world.relay->store().find_installation(31000001);
    return *wire::decode_settings(*wire::parse_json(installation->settings_json));
}

inline void save_settings(World& world, const domain::Settings& settings) {
    auto installation = *world.relay->store().find_installation(31000001);
    installation->settings_json = wire::encode_settings(settings).dump();
    REQUIRE(world.relay->store().save_installation(*installation));
}

// The tasks or notes ("tasks", "notes") that simulated Kommo holds for a lead.
inline std::vector<Json> of_lead(World& world, const char* what, int64_t lead_id) {
    std::vector<Json> out;
    Json state = world.sandbox_state();
    for (const auto& item : state["kommo"][what])
        if (item["entity_id"] == lead_id) out.push_back(item);
    return out;
}

// The admin's choices for these tests: stages by record state, duplicate search on stage 77003, notes on.
inline void configure(World& world, bool no_lead_for_altegio_records = false) {
    auto& store = world.relay->store();
    auto installation = *store.find_installation(31000001);
    auto settings = *wire::decode_settings(*wire::parse_json(installation->settings_json));
    settings.status_sync.mode = domain::StatusSyncMode::without_conditions;
    settings.status_sync.map.targets = {{domain::RecordState::confirmed, {7700001, 77004}},
                                        {domain::RecordState::came, {7700001, 77005}},
                                        {domain::RecordState::did_not_come, {7700001, 77006}}};
    settings.duplicates.enabled = true;
    settings.duplicates.statuses = {{0, 77003}};
    settings.automation.no_lead_for_records_made_in_altegio = no_lead_for_altegio_records;
    settings.automation.new_lead_pipeline_id = 7700001;
    settings.automation.new_lead_status_id = 77002;
    installation->settings_json = wire::encode_settings(settings).dump();
    REQUIRE(store.save_installation(*installation));
}

// configure(), and a task for every new record.
inline void configure_with_task_on_new_record(World& world) {
    configure(world);
    auto settings = settings_of(world);
    settings.automation.task_on_new_record = true;
    save_settings(world, settings);
}

// How many requests of this kind ("kommo.create_lead", ...) the first account's history holds.
inline size_t calls_of_kind(World& world, const std::string& kind) {
    auto entries = world.relay->store().recent_history(31000001, 5000);   // named: a loop over a temporary's value dangles
    REQUIRE(entries);
    return static_cast<size_t>(std::count_if(entries->begin(), entries->end(), [&](const store::HistoryEntry& e) { return e.kind == kind; }));
}

// Waits (up to `seconds`) until the sandbox has delivered every webhook and the inbox has nothing left to do.
inline void settle(World& world, int seconds = 10) {
    for (int i = 0; i < seconds * 100; ++i) {
        // Delivered first, then the inbox: a webhook counts as pending in the sandbox until the relay has stored it,
        // so read in this order no event can slip between the two looks.
        bool delivered = world.sandbox_state()["altegio"]["webhooks_pending"] == 0;
        auto c = world.relay->store().inbox_counts();
        if (delivered && c && c->pending == 0 && c->processing == 0) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL("the inbox did not settle");
}

// Waits until the sandbox has delivered every webhook (for tests without workers).
inline void delivered(World& world) {
    for (int i = 0; i < 1000 && world.sandbox_state()["altegio"]["webhooks_pending"] != 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

// For worlds without workers: claims every waiting event and handles it as a worker would, in order; what each
// one came to ("error: ..." for one that failed), and its inbox state as the worker leaves it.
inline std::vector<std::string> run_inbox(World& world) {
    auto& store = world.relay->store();
    std::vector<std::string> outcomes;
    for (;;) {
        auto event = store.claim_inbox_event(std::numeric_limits<int64_t>::max() / 2);
        REQUIRE(event);
        if (!*event) return outcomes;
        auto done = world.relay->handle_event(**event);
        outcomes.push_back(done ? *done : "error: " + done.error().detail);
        REQUIRE(store.finish_inbox_event((*event)->id, done ? store::InboxOutcome::done : store::InboxOutcome::failed,
                                         outcomes.back(), 0));
    }
}

// Posts a webhook body to the installed account's Altegio intake address, as Altegio would.
inline http::Response post_altegio_webhook(World& world, const std::string& body) {
    return world.relay_to_router_send({"POST", world.intake_url(hooks::Intake::altegio), {{"Content-Type", "application/json"}}, body});
}

// A lead's custom field value as JSON text ("1500.5", "\"09:15\""); "" when the lead has none.
inline std::string field_value(const Json& lead, int64_t field_id) {
    for (const auto& field : lead.value("custom_fields_values", Json::array()))
        if (field["field_id"] == field_id) return field["values"][0]["value"].dump();
    return "";
}

// The same as text: a string value without its quotes.
inline std::string field_text(const Json& entity, int64_t field_id) {
    for (const auto& field : entity.value("custom_fields_values", Json::array()))
        if (field["field_id"] == field_id) {
            const Json& value = field["values"][0]["value"];
            return value.is_string() ? value.get<std::string>() : value.dump();
        }
    return "";
}

// The lead the first account linked to a record of the Moscow branch (0: none).
inline int64_t lead_of(World& world, const Json& record) {
    return world.relay->store().lead_of_record(31000001, 400001, record["id"])->value_or(0);
}

inline Json lead(World& world, int64_t id) {
    Json state = world.sandbox_state();
    for (const auto& l : state["kommo"]["leads"])
        if (l["id"] == id) return l;
    return Json();
}

inline std::string free_slot(World& world, int64_t staff, int64_t service) {
    std::string token = world.sandbox.disposable_token(9001);
    auto dates = body_of(world.call_with_token("GET", "/api/v1/branches/400001/dates?staff_id=" + std::to_string(staff) +
                                                          "&service_ids=" + std::to_string(service), token));
    REQUIRE(dates["dates"].size() >= 2);   // the second bookable day is a whole working day at any hour
    auto times = body_of(world.call("GET", "/api/v1/branches/400001/times?staff_id=" + std::to_string(staff) + "&date=" +
                                               dates["dates"][1].get<std::string>() + "&service_ids=" + std::to_string(service)));
    return times["times"].back()["datetime"];
}

// Books through the widget API, as a manager in the lead card would; returns the Altegio record id.
inline int64_t book_for(World& world, int64_t lead, const std::string& slot, const std::string& name, const std::string& phone,
                 const std::string& key) {
    auto booked = world.call("POST", "/api/v1/records", Json{{"lead_id", lead}, {"company_id", 400001}, {"staff_id", 5001},
                                                            {"service_ids", {7001}}, {"datetime", slot},
                                                            {"client", {{"name", name}, {"phone", phone}}}, {"request_key", key}});
    REQUIRE_MESSAGE(booked.status == 200, booked.body);
    return body_of(booked)["record"]["id"];
}

inline Json staff_creates(World& world, const std::string& datetime, const std::string& name, const std::string& phone) {
    auto reply = world.control("POST", "/__sandbox/altegio/records",
                               Json{{"company_id", 400001}, {"staff_id", 5001}, {"services", {{{"id", 7001}}}}, {"datetime", datetime},
                                    {"client", {{"name", name}, {"phone", phone}}}});
    REQUIRE_MESSAGE(reply.status == 201, reply.body);
    return body_of(reply)["record"];
}


}  // namespace kb::testing
