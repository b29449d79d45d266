// Flow 2: Altegio record changes reach Kommo leads through the webhook, the inbox and the sync workers.
#include "sync_helpers.hpp"
#include "relay/hooks/intake.hpp"
#include "relay/sync/inbox_rows.hpp"

using namespace kb;
using namespace kb::testing;

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
    CHECK(*world.relay->store().lead_of_record(31000001, 400001, record["id"]) == 21004);
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
    CHECK(*world.relay->store().lead_of_record(31000001, 400001, record["id"]) == created["id"]);
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
    CHECK(repair->events_new >= 1);   // the lost one, and seed records changed in the read-back overlap
    world.relay->wake_workers();
    settle(world);
    CHECK(world.sandbox_state()["kommo"]["leads"].size() == 5);
    CHECK(world.relay->store().lead_of_record(31000001, 400001, lost["id"])->has_value());

    auto again = world.relay->reconciler().run_once();   // the same change is not new any more
    REQUIRE(again);
    CHECK(again->events_new == 0);
}

TEST_CASE("a record made in the same second as the reconciler's last look, its webhook lost, still gets its lead") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    REQUIRE(world.relay->reconciler().run_once());   // marks where watching starts
    // Start early in a second, so the two records below and the look between them share one.
    for (;;) {
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
        if (ms % 1000 < 100) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    world.control("POST", "/__sandbox/faults", Json{{"target", "altegio_webhook"}, {"count", 2}});
    auto seen = staff_creates(world, free_slot(world, 5001, 7001), "Emma Brown", "+44 7700 900777");
    REQUIRE(world.relay->reconciler().run_once());   // the watermark is now this second
    auto unseen = staff_creates(world, free_slot(world, 5001, 7001), "Oliver Green", "+44 7700 900888");
    REQUIRE(seen["create_date"] == unseen["create_date"]);
    REQUIRE(world.relay->reconciler().run_once());
    world.relay->wake_workers();
    settle(world);
    CHECK(world.relay->store().lead_of_record(31000001, 400001, seen["id"])->has_value());
    CHECK(world.relay->store().lead_of_record(31000001, 400001, unseen["id"])->has_value());
}

TEST_CASE("a second 'create' of a record already applied (the reconciler's later copy) notes a change, not a second creation") {
    World world(1000.0, 2);
    world.install();
    configure_with_task_on_new_record(world);
    auto record = staff_creates(world, free_slot(world, 5001, 7001), "Lucía Gómez", "+34 611 222 333");
    settle(world);
    auto lead_id = world.relay->store().lead_of_record(31000001, 400001, record["id"]);
    REQUIRE(lead_id->has_value());
    REQUIRE(of_lead(world, "notes", **lead_id).size() == 1);
    REQUIRE(of_lead(world, "tasks", **lead_id).size() == 1);

    // The reconciler's copy of a later state, typed "create" as it is made within what the read covered.
    Json later = record;
    later["comment"] = "moved to the window seat";
    later["last_change_date"] = "2031-01-01T10:00:00+03:00";
    REQUIRE(world.relay->store().append_to_inbox({sync::altegio_row(31000001, "reconciler", 400001, "record", record["id"].get<int64_t>(),
                                                                             "create", later, 0)}) == 1);
    world.relay->wake_workers();
    settle(world);
    auto notes = of_lead(world, "notes", **lead_id);
    REQUIRE(notes.size() == 2);
    std::string second = notes[1]["params"]["text"];
    CHECK(second.find("created") == std::string::npos);
    CHECK(of_lead(world, "tasks", **lead_id).size() == 1);
    CHECK(world.sandbox_state()["kommo"]["leads"].size() == 5);
}

TEST_CASE("a Digital Pipeline trigger marks the lead's Altegio record as came, then another cancels it") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    std::string slot = free_slot(world, 5001, 7001);
    int64_t record = book_for(world, 21003, slot, "John Miller", "+447700900456", "dp-1");
    std::string url = world.intake_url(hooks::Intake::kommo_dp);
    auto record_in_altegio = [&] {
        Json state = world.sandbox_state();
        for (const auto& r : state["altegio"]["records"])
            if (r["id"] == record) return r;
        return Json();
    };
    auto trigger = [&](const std::string& action, int64_t time) {
        return world.relay_to_router_send({"POST", url, {},
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
    CHECK(world.relay_to_router_send({"POST", url, {}, "account_id=31000001"}).status == 400);
}
