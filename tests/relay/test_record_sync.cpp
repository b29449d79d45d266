// Flow 2: Altegio record changes reach Kommo leads through the webhook, the inbox and the sync workers.
#include "world.hpp"

#include <thread>
#include "shared/wire/settings.hpp"

using namespace kb;
using namespace kb::testing;

namespace {

// The admin's choices for these tests: stages by record state, duplicate search on stage 77003, notes on.
void configure(World& world, bool no_lead_for_altegio_records = false) {
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
    std::string user = world.sandbox_user_token();
    REQUIRE(world.altegio_call("POST", "/hooks_settings/400001", user,
                               Json{{"urls", {"http://relay.test/hooks/altegio/" + installation->webhook_key}}, {"active", 1},
                                    {"record", 1}, {"self_sending", 0}}).status == 201);
}

// Waits until the inbox has nothing left to do.
void settle(World& world) {
    for (int i = 0; i < 500; ++i) {
        auto c = world.relay->store().inbox_counts();
        if (c && c->done + c->failed > 0 && c->pending == 0 && c->processing == 0) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL("the inbox did not settle");
}

Json lead(World& world, int64_t id) {
    Json state = world.sandbox_state();
    for (const auto& l : state["kommo"]["leads"])
        if (l["id"] == id) return l;
    return Json();
}

std::string free_slot(World& world, int64_t staff, int64_t service) {
    std::string token = world.sandbox.disposable_token(9001);
    auto dates = body_of(world.call_with_token("GET", "/api/v1/branches/400001/dates?staff_id=" + std::to_string(staff) +
                                                          "&service_ids=" + std::to_string(service), token));
    auto times = body_of(world.call("GET", "/api/v1/branches/400001/times?staff_id=" + std::to_string(staff) + "&date=" +
                                               dates["dates"][0].get<std::string>() + "&service_ids=" + std::to_string(service)));
    return times["times"].back()["datetime"];
}

// Books through the widget API, as a manager in the lead card would; returns the Altegio record id.
int64_t book_for(World& world, int64_t lead, const std::string& slot, const std::string& name, const std::string& phone,
                 const std::string& key) {
    auto booked = world.call("POST", "/api/v1/records", Json{{"lead_id", lead}, {"company_id", 400001}, {"staff_id", 5001},
                                                            {"service_ids", {7001}}, {"datetime", slot},
                                                            {"client", {{"name", name}, {"phone", phone}}}, {"request_key", key}});
    REQUIRE_MESSAGE(booked.status == 200, booked.body);
    return body_of(booked)["record"]["id"];
}

Json staff_creates(World& world, const std::string& datetime, const std::string& name, const std::string& phone) {
    auto reply = world.control("POST", "/__sandbox/altegio/records",
                               Json{{"company_id", 400001}, {"staff_id", 5001}, {"services", {{{"id", 7001}}}}, {"datetime", datetime},
                                    {"client", {{"name", name}, {"phone", phone}}}});
    REQUIRE_MESSAGE(reply.status == 201, reply.body);
    return body_of(reply)["record"];
}

}  // namespace

TEST_CASE("a booked record marked 'came' in Altegio moves its lead to the mapped stage") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    std::string slot = free_slot(world, 5001, 7001);
    int64_t record = book_for(world, 21001, slot, "Анна Иванова", "+79991234567", "sync-1");
    world.control("POST", "/__sandbox/altegio/records/" + std::to_string(record) + "/change", Json{{"attendance", 1}});
    settle(world);
    CHECK(lead(world, 21001)["status_id"] == 77005);
}

TEST_CASE("a record made in Altegio for a known client's phone is merged into the client's lead in a chosen stage") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    // Lead 21004 (stage 77003) belongs to Сергей Новиков, whose contact phone is written "8 (916) 555-44-33".
    auto record = staff_creates(world, free_slot(world, 5001, 7001), "Сергей Новиков", "+7 916 555 44 33");
    settle(world);
    auto merged = lead(world, 21004);
    bool holds_record = false;
    for (const auto& field : merged["custom_fields_values"])
        holds_record = holds_record || field["values"][0]["value"] == std::to_string(record["id"].get<int64_t>());
    CHECK(holds_record);
    CHECK(world.sandbox_state()["kommo"]["leads"].size() == 4);   // no new lead
    CHECK(*world.relay->store().lead_of_record(400001, record["id"]) == 21004);
}

TEST_CASE("a record made in Altegio for a new client creates a lead with its contact and a journal note") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    auto record = staff_creates(world, free_slot(world, 5001, 7001), "Lucía Gómez", "+34 611 222 333");
    settle(world);
    Json state = world.sandbox_state();
    REQUIRE(state["kommo"]["leads"].size() == 5);
    Json created = state["kommo"]["leads"].back();
    CHECK(created["status_id"] == 77002);
    CHECK(created["name"].get<std::string>().find("Lucía Gómez") == 0);
    CHECK(*world.relay->store().lead_of_record(400001, record["id"]) == created["id"]);
    bool noted = false;
    for (const auto& note : state["kommo"]["notes"]) noted = noted || note["entity_id"] == created["id"];
    CHECK(noted);
    bool contact_made = false;
    for (const auto& c : state["kommo"]["contacts"]) contact_made = contact_made || c["name"] == "Lucía Gómez";
    CHECK(contact_made);
}

TEST_CASE("with \"don't create a lead for records made in Altegio\", none is created") {
    World world(1000.0, 2);
    world.install();
    configure(world, true);
    staff_creates(world, free_slot(world, 5001, 7001), "Nobody New", "+34 699 000 111");
    settle(world);
    CHECK(world.sandbox_state()["kommo"]["leads"].size() == 4);
    CHECK(world.relay->store().inbox_counts()->done == 1);
}

TEST_CASE("a webhook Altegio never delivered is repaired by the reconciler, and a delivered one is not applied twice") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    auto first = world.relay->reconciler().run_once();   // marks where watching starts; imports no history
    REQUIRE(first);
    CHECK(first->events_new == 0);
    CHECK(world.sandbox_state()["kommo"]["leads"].size() == 4);

    std::this_thread::sleep_for(std::chrono::milliseconds(1100));   // change dates have one-second resolution
    world.control("POST", "/__sandbox/faults", Json{{"target", "altegio_webhook"}, {"count", 1}});
    auto lost = staff_creates(world, free_slot(world, 5001, 7001), "Emma Brown", "+44 7700 900777");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK(world.relay->store().inbox_counts()->pending + world.relay->store().inbox_counts()->done == 0);   // nothing arrived

    auto repair = world.relay->reconciler().run_once();
    REQUIRE(repair);
    CHECK(repair->events_new == 1);
    world.relay->wake_workers();
    settle(world);
    CHECK(world.sandbox_state()["kommo"]["leads"].size() == 5);
    CHECK(world.relay->store().lead_of_record(400001, lost["id"])->has_value());

    auto again = world.relay->reconciler().run_once();   // the same change is not new any more
    REQUIRE(again);
    CHECK(again->events_new == 0);
}

TEST_CASE("a Digital Pipeline trigger marks the lead's Altegio record as came, then another cancels it") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    std::string slot = free_slot(world, 5001, 7001);
    int64_t record = book_for(world, 21003, slot, "John Miller", "+447700900456", "dp-1");
    std::string key = (*world.relay->store().find_installation(31000001))->webhook_key;
    auto record_in_altegio = [&] {
        Json state = world.sandbox_state();
        for (const auto& r : state["altegio"]["records"])
            if (r["id"] == record) return r;
        return Json();
    };
    auto trigger = [&](const std::string& action, int64_t time) {
        return world.relay_to_router_send({"POST", "http://relay.test/hooks/kommo-dp/" + key, {},
                                           "event[type]=14&event[type_code]=lead_status_changed&event[data][id]=21003&"
                                           "event[data][status_id]=77005&event[data][pipeline_id]=7700001&event[time]=" + std::to_string(time) +
                                           "&action[settings][widget][settings][altegio_action]=" + action + "&account_id=31000001"});
    };
    REQUIRE(trigger("came", 1763900000).status == 200);
    settle(world);
    CHECK(record_in_altegio()["attendance"] == 1);
    REQUIRE(trigger("cancel", 1763900100).status == 200);
    for (int i = 0; i < 300 && !record_in_altegio()["deleted"].get<bool>(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(record_in_altegio()["deleted"] == true);
    CHECK(trigger("came", 1763900000).status == 200);   // a repeated delivery is stored once
    CHECK(body_of(trigger("came", 1763900000))["new"] == 0);
    CHECK(world.relay_to_router_send({"POST", "http://relay.test/hooks/kommo-dp/wrong", {}, "event[data][id]=1"}).status == 404);
    CHECK(world.relay_to_router_send({"POST", "http://relay.test/hooks/kommo-dp/" + key, {}, "account_id=31000001"}).status == 400);
}
