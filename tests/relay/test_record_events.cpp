// Record events as Altegio really sends them: trimmed data completed from Altegio, records Altegio no longer has,
// branches the account has not connected, service categories from the branch's catalogue, the client's contact
// fields, and a Record ID a manager typed on a lead by hand.
#include "sync_helpers.hpp"
#include "unit/fixture.hpp"

using namespace kb;
using namespace kb::testing;

namespace {

// The trimmed record event (no date, services, employee or company in `data`) for an existing record.
std::string trimmed_event(int64_t record_id) {
    Json body = World::body_of_text(read_fixture(KB_OWN_FIXTURES "/altegio/record_update_trimmed.json"));
    body["resource_id"] = record_id;
    body["data"]["id"] = record_id;
    return body.dump();
}

// A world without workers, installed and configured; `run_inbox` drives the events.
void ready(World& world, bool no_lead_for_altegio_records = false) {
    world.install();
    configure(world, no_lead_for_altegio_records);
}

std::vector<std::string> after(World& world) {
    delivered(world);
    return run_inbox(world);
}

// Creates every field the settings page offers to create (record, contact and client fields) and returns the settings.
domain::Settings with_created_fields(World& world) {
    auto page = body_of(world.call("GET", "/api/v1/settings"));
    auto created = world.call("POST", "/api/v1/settings/fields", Json{{"base_revision", page["revision"]}});
    REQUIRE_MESSAGE(created.status == 200, created.body);
    return settings_of(world);
}


}  // namespace

TEST_CASE("a record event whose data lacks the date, services and employee is completed from Altegio, even with a client") {
    World world(1000.0, 0);
    ready(world);
    auto record = staff_creates(world, free_slot(world, 5001, 7001), "Lucía Gómez", "+34 611 222 333");
    after(world);
    int64_t lead_id = lead_of(world, record);
    REQUIRE(lead_id != 0);

    // The company is only in the envelope; the client is in the data.
    REQUIRE(post_altegio_webhook(world, trimmed_event(record["id"])).status == 200);
    auto outcomes = run_inbox(world);
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].find("completed from Altegio: the event lacked the date, the services, the employee") != std::string::npos);
    CHECK(outcomes[0].find("updated lead " + std::to_string(lead_id)) == 0);
    auto notes = of_lead(world, "notes", lead_id);
    REQUIRE(notes.size() == 2);
    std::string text = notes.back()["params"]["text"];
    CHECK(text.find(record["date"].get<std::string>().substr(0, 10)) != std::string::npos);   // never a blank date
    CHECK(text.find("Женская стрижка") != std::string::npos);
}

TEST_CASE("a lead for a client known only by phone is named by the phone, never \" — \"") {
    World world(1000.0, 0);
    ready(world);
    auto record = staff_creates(world, free_slot(world, 5001, 7001), "", "+34 655 100 200");
    after(world);
    Json made = lead(world, lead_of(world, record));
    CHECK(made["name"].get<std::string>().rfind("+34 655 100 200 — Женская стрижка", 0) == 0);
}

TEST_CASE("a record Altegio no longer has ends as deleted in Altegio at once, and the cancel rules move its lead") {
    World world(1000.0, 0);
    ready(world);
    auto settings = settings_of(world);
    settings.status_sync.map.targets[domain::RecordState::deleted] = {7700001, 77006};
    save_settings(world, settings);
    auto record = staff_creates(world, free_slot(world, 5001, 7001), "Lucía Gómez", "+34 611 222 333");
    after(world);
    int64_t lead_id = lead_of(world, record);

    REQUIRE(world.control("POST", "/__sandbox/altegio/records/" + std::to_string(record["id"].get<int64_t>()) + "/purge").status == 200);
    REQUIRE(post_altegio_webhook(world, trimmed_event(record["id"])).status == 200);
    auto outcomes = run_inbox(world);
    REQUIRE(outcomes.size() == 1);
    CAPTURE(outcomes[0]);
    CHECK(outcomes[0].find("record deleted in Altegio") != std::string::npos);
    CHECK(outcomes[0].find("Altegio HTTP 404") != std::string::npos);   // why the relay read it, and what it found
    CHECK(lead(world, lead_id)["status_id"] == 77006);
    CHECK(of_lead(world, "notes", lead_id).back()["params"]["text"].get<std::string>().find("was deleted in Altegio") != std::string::npos);
    CHECK(world.relay->store().inbox_counts()->failed == 0);
}

TEST_CASE("events for a branch the account has not connected are skipped and recorded, with or without a choice of branches") {
    World world(1000.0, 0);
    ready(world);
    auto record = staff_creates(world, free_slot(world, 5001, 7001), "Lucía Gómez", "+34 611 222 333");
    after(world);
    size_t leads = world.sandbox_state()["kommo"]["leads"].size();

    // No branch chosen: only the branches the Altegio user manages count; 400999 is not one of them.
    Json data = Json(record);
    data["id"] = 99000001;
    data["company_id"] = 400999;
    data["client"]["phone"] = "+34 600 999 999";
    Json create{{"company_id", 400999}, {"resource", "record"}, {"resource_id", 99000001}, {"status", "create"}, {"data", data}};
    REQUIRE(post_altegio_webhook(world, create.dump()).status == 200);
    auto outcomes = run_inbox(world);
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0] == "ignored: branch 400999 is not connected");
    CHECK(world.sandbox_state()["kommo"]["leads"].size() == leads);

    // Madrid chosen: Moscow's events are skipped too.
    auto settings = settings_of(world);
    settings.connected_branch_ids = {400002};
    save_settings(world, settings);
    world.control("POST", "/__sandbox/altegio/records/" + std::to_string(record["id"].get<int64_t>()) + "/change", Json{{"attendance", 1}});
    auto skipped = after(world);
    REQUIRE(skipped.size() == 1);
    CHECK(skipped[0] == "ignored: branch 400001 is not connected");
}

TEST_CASE("the service category field and the schemes' category condition come from the branch's service list") {
    World world(1000.0, 0);
    ready(world);
    auto settings = with_created_fields(world);
    REQUIRE(settings.lead_fields.service_category != 0);
    settings.status_sync.mode = domain::StatusSyncMode::with_conditions;
    domain::DistributionScheme hair;
    hair.name = "Hair";
    hair.conditions.service_category_ids = {101};   // "Волосы": service 7001's category in the catalogue
    hair.map.targets = {{domain::RecordState::came, {7700001, 77005}}};
    settings.status_sync.schemes = {hair};
    settings.status_sync.fallback.targets = {{domain::RecordState::came, {7700001, 77004}}};
    save_settings(world, settings);

    auto record = staff_creates(world, free_slot(world, 5001, 7001), "Lucía Gómez", "+34 611 222 333");
    after(world);
    int64_t lead_id = lead_of(world, record);
    CHECK(field_text(lead(world, lead_id), settings.lead_fields.service_category) == "Волосы");
    world.control("POST", "/__sandbox/altegio/records/" + std::to_string(record["id"].get<int64_t>()) + "/change", Json{{"attendance", 1}});
    after(world);
    CHECK(lead(world, lead_id)["status_id"] == 77005);   // the scheme, not the fallback
}

TEST_CASE("a record event fills the client's contact fields, and a contact made with a lead has the phone in the admin's format") {
    World world(1000.0, 0);
    ready(world);
    auto settings = with_created_fields(world);
    settings.contact_fields.phone_format = domain::PhoneFormat::e164;
    save_settings(world, settings);
    REQUIRE(settings.contact_fields.client_id != 0);

    auto record = staff_creates(world, free_slot(world, 5001, 7001), "Lucía Gómez", "+34 611-222-333");
    auto outcomes = after(world);
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].find("; contact: updated contact") != std::string::npos);
    Json made, state = world.sandbox_state();
    for (const auto& c : state["kommo"]["contacts"])
        if (c["name"] == "Lucía Gómez") made = c;
    REQUIRE(made.is_object());
    CHECK(field_text(made, 880001) == "+34611222333");
    CHECK(field_text(made, settings.contact_fields.client_id) == std::to_string(record["client"]["id"].get<int64_t>()));
}

TEST_CASE("a Record ID typed by hand on a lead finds it, even when the record's phone belongs to another contact") {
    World world(1000.0, 0);
    ready(world, true);   // no lead for records made in Altegio: the record stays without one
    auto settings = settings_of(world);
    REQUIRE(settings.lead_fields.record_id != 0);
    auto record = staff_creates(world, free_slot(world, 5001, 7001), "Lucía Gómez", "+34 611 222 333");
    after(world);
    REQUIRE(lead_of(world, record) == 0);

    // A manager types the record's id into lead 21001 (Анна Иванова's), as Kommo's API would store it.
    auto installation = *world.relay->store().find_installation(31000001);
    Json patch{{"custom_fields_values", {{{"field_id", settings.lead_fields.record_id},
                                          {"values", {{{"value", std::to_string(record["id"].get<int64_t>())}}}}}}}};
    auto typed = world.to_sandbox.send({"PATCH", "http://sandbox.test/kommo/api/v4/leads/21001",
                                        {{"Authorization", "Bearer " + installation->access_token}, {"Content-Type", "application/json"}},
                                        patch.dump()});
    REQUIRE_MESSAGE(typed.status == 200, typed.body);

    world.control("POST", "/__sandbox/altegio/records/" + std::to_string(record["id"].get<int64_t>()) + "/change", Json{{"attendance", 1}});
    auto outcomes = after(world);
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].find("found by its Record ID field") != std::string::npos);
    CHECK(lead(world, 21001)["status_id"] == 77005);
    CHECK(lead_of(world, record) == 21001);
}
