// Payments taken in Altegio (finances_operation webhooks) reach the lead of their record: the payments field
// follows the record's total both ways, and a journal note says by how much it changed.
#include "sync_helpers.hpp"
#include "unit/fixture.hpp"

using namespace kb;
using namespace kb::testing;

namespace {

constexpr int64_t payments_field = 880011;   // "Оплачено", a numeric lead field of the seed

// An installed account whose payments field and journal notes are on, and a lead for a new record; the record.
Json record_with_lead(World& world) {
    world.install();
    configure(world);
    auto settings = settings_of(world);
    settings.lead_fields.payments_amount = payments_field;
    save_settings(world, settings);
    auto record = staff_creates(world, free_slot(world, 5001, 7001), "Lucía Gómez", "+34 611 222 333");
    if (world.relay_config.workers.threads == 0) {
        delivered(world);
        run_inbox(world);
    } else {
        settle(world);
    }
    return record;
}

std::vector<std::string> note_texts(World& world, int64_t lead_id) {
    std::vector<std::string> out;
    for (const auto& n : of_lead(world, "notes", lead_id)) out.push_back(n["params"]["text"]);
    return out;
}

// A payment taken in Altegio; the operation its webhook carries.
Json pay(World& world, const Json& record, const Json& amount, bool listed = true) {
    auto paid = world.control("POST", "/__sandbox/altegio/payments",
                              Json{{"company_id", 400001}, {"record_id", record["id"]}, {"amount", amount}, {"listed", listed}});
    REQUIRE_MESSAGE(paid.status == 201, paid.body);
    return body_of(paid)["operation"];
}

// A fixture's webhook for `record_id` under a fresh operation id.
std::string payment_webhook(const char* file, int64_t record_id, int64_t operation_id) {
    Json body = World::body_of_text(read_fixture(std::string(KB_OWN_FIXTURES "/altegio/") + file));
    body["resource_id"] = operation_id;
    body["data"]["id"] = operation_id;
    body["data"]["record_id"] = record_id;
    body["data"]["visit_id"] = record_id;
    return body.dump();
}

}  // namespace

TEST_CASE("a payment in Altegio writes the record's total paid into its lead, with a note; a repeat does not add it twice") {
    World world(1000.0, 2);
    auto record = record_with_lead(world);
    int64_t lead_id = lead_of(world, record);
    pay(world, record, 1000);
    settle(world);
    pay(world, record, "500.50");
    settle(world);
    CHECK(field_value(lead(world, lead_id), payments_field) == "1500.5");
    auto notes = note_texts(world, lead_id);
    REQUIRE(notes.size() == 3);   // created, then one per payment
    CHECK(notes.back().find("total paid 1,500.50 ₽ (+500.50 ₽)") != std::string::npos);
}

TEST_CASE("a refund of everything paid writes 0 into the payments field, and the note says the total went down") {
    World world(1000.0, 0);
    auto record = record_with_lead(world);
    int64_t lead_id = lead_of(world, record);
    pay(world, record, 4500);
    delivered(world);
    auto paid = run_inbox(world);
    REQUIRE(paid.size() == 1);
    CHECK(paid[0].find("field written") != std::string::npos);
    CHECK(field_value(lead(world, lead_id), payments_field) == "4500");

    pay(world, record, -4500);
    delivered(world);
    auto refunded = run_inbox(world);
    REQUIRE(refunded.size() == 1);
    CHECK(refunded[0].find("field written") != std::string::npos);
    CHECK(field_value(lead(world, lead_id), payments_field) == "0");
    auto notes = note_texts(world, lead_id);
    REQUIRE(notes.size() == 3);
    CHECK(notes[1].find("total paid 4,500 ₽ (+4,500 ₽)") != std::string::npos);
    CHECK(notes[2].find("total paid 0 ₽ (\u22124,500 ₽)") != std::string::npos);
}

TEST_CASE("while Altegio's list of the record's payments lags behind the webhook, the webhook's own amount counts") {
    World world(1000.0, 0);
    auto record = record_with_lead(world);
    int64_t lead_id = lead_of(world, record);
    pay(world, record, 2000);
    pay(world, record, 700, false);   // the list does not show this one yet
    delivered(world);
    run_inbox(world);
    CHECK(field_value(lead(world, lead_id), payments_field) == "2700");
    CHECK(note_texts(world, lead_id).back().find("total paid 2,700 ₽ (+700 ₽)") != std::string::npos);
}

TEST_CASE("both documented payment shapes apply, and an operation that is not for a record changes nothing") {
    World world(1000.0, 0);
    auto record = record_with_lead(world);
    int64_t lead_id = lead_of(world, record);
    size_t notes_before = note_texts(world, lead_id).size();

    // 2020: no last_change_date, sold_item_type "", the amount a decimal string (a refund of part of a payment
    // Altegio does not list yet either).
    REQUIRE(post_altegio_webhook(world, payment_webhook("finances_operation_2020.json", record["id"], 512000202)).status == 200);
    // 2025: last_change_date, sold_item_type null.
    REQUIRE(post_altegio_webhook(world, payment_webhook("finances_operation_2025.json", record["id"], 912000101)).status == 200);
    auto outcomes = run_inbox(world);
    REQUIRE(outcomes.size() == 2);
    CHECK(outcomes[0].find("total paid 120050") != std::string::npos);
    CHECK(outcomes[1].find("total paid 450000") != std::string::npos);   // the 2025 one; the 2020 one is not listed either
    CHECK(field_value(lead(world, lead_id), payments_field) == "4500");
    CHECK(note_texts(world, lead_id).size() == notes_before + 2);

    // Record id 0: a sale of goods or a deposit. Recorded as such; no field, no note.
    REQUIRE(post_altegio_webhook(world, payment_webhook("finances_operation_2025.json", 0, 912000102)).status == 200);
    auto unrelated = run_inbox(world);
    REQUIRE(unrelated.size() == 1);
    CHECK(unrelated[0].find("not for a record; nothing changed") != std::string::npos);
    CHECK(field_value(lead(world, lead_id), payments_field) == "4500");
    CHECK(note_texts(world, lead_id).size() == notes_before + 2);
}

TEST_CASE("a payment delivered again after its lead shows the total adds no second note") {
    World world(1000.0, 0);
    auto record = record_with_lead(world);
    int64_t lead_id = lead_of(world, record);
    Json operation = pay(world, record, 900);
    delivered(world);
    run_inbox(world);
    size_t notes = note_texts(world, lead_id).size();
    // Altegio sends the same operation again with another change date (so the inbox takes it as new).
    operation["last_change_date"] = "2031-01-01T00:00:00+0300";
    Json again{{"company_id", 400001}, {"resource", "finances_operation"}, {"resource_id", operation["id"]}, {"status", "update"},
               {"data", operation}};
    REQUIRE(post_altegio_webhook(world, again.dump()).status == 200);
    auto outcomes = run_inbox(world);
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].find("as before; nothing changed") != std::string::npos);
    CHECK(note_texts(world, lead_id).size() == notes);
}
