// The account's contact index (relay/sync/contact_index.hpp): a record's duplicate search by phone asks Kommo no
// search, finds a contact typed in Kommo a moment ago (its changes are asked for), and never merges into a contact
// that no longer has the phone.
#include <atomic>
#include <doctest/doctest.h>
#include "sync_helpers.hpp"

using namespace kb;
using namespace kb::testing;

namespace {

// A record made in Altegio for this client, once the relay has worked it: the contact its lead got in Kommo.
int64_t contact_of_new_record(World& world, const std::string& name, const std::string& phone) {
    auto record = staff_creates(world, free_slot(world, 5001, 7001), name, phone);
    settle(world);
    int64_t lead_id = lead_of(world, record);
    REQUIRE(lead_id != 0);
    Json contacts = world.sandbox_state()["kommo"]["lead_contacts"][std::to_string(lead_id)];
    REQUIRE(contacts.size() == 1);
    return contacts[0].get<int64_t>();
}

size_t contacts_named(World& world, const std::string& name) {
    Json state = world.sandbox_state();
    return static_cast<size_t>(std::count_if(state["kommo"]["contacts"].begin(), state["kommo"]["contacts"].end(),
                                             [&](const Json& c) { return c["name"] == name; }));
}

// Kommo's API as a manager's browser uses it.
Json by_hand(World& world, const std::string& method, const std::string& path, const Json& body) {
    auto installation = *world.relay->store().find_installation(31000001);
    auto reply = world.to_sandbox.send({method, "http://sandbox.test/kommo/api/v4" + path,
                                        {{"Authorization", "Bearer " + installation->access_token}, {"Content-Type", "application/json"}},
                                        body.dump()});
    REQUIRE_MESSAGE(reply.status == 200, reply.body);
    return body_of(reply);
}

Json phone_field(const std::string& phone) {
    return Json::array({Json{{"field_code", "PHONE"}, {"values", Json::array({Json{{"value", phone}, {"enum_code", "WORK"}}})}}});
}

}  // namespace

TEST_CASE("contact index: a new client's record asks Kommo no contact search, and the client's next record finds the contact made") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    int64_t lucia = contact_of_new_record(world, "Lucía Gómez", "+34 611 222 333");
    CHECK(calls_of_kind(world, "kommo.search_contacts") == 0);
    CHECK(calls_of_kind(world, "kommo.list_contacts") >= 1);   // the index was filled from the contact list
    CHECK(world.raw_value("SELECT state FROM contact_index WHERE account_id = 31000001") == "ready");

    // Her next record, the phone written another way: the same contact, read by id, no search.
    CHECK(contact_of_new_record(world, "Lucía Gómez", "0034 611-222-333") == lucia);
    CHECK(contacts_named(world, "Lucía Gómez") == 1);
    CHECK(calls_of_kind(world, "kommo.search_contacts") == 0);
    CHECK(calls_of_kind(world, "kommo.get_contacts") >= 1);
}

TEST_CASE("contact index: a contact typed in Kommo since is found; one whose phone changed is not merged into") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    std::atomic<int64_t> ahead{0};   // how far the relay's clock runs ahead of the system's (and Kommo's)
    world.restart_relay(Clock([&ahead] { return Clock::system_ms() + ahead.load(); }));
    contact_of_new_record(world, "Lucía Gómez", "+34 611 222 333");   // the index is filled and fresh

    // A manager types a contact in Kommo; ten seconds on, the index asks for Kommo's changes before it answers.
    Json typed = by_hand(world, "POST", "/contacts", Json::array({Json{{"name", "Pablo Ruiz"}, {"custom_fields_values", phone_field("+34 622 333 444")}}}));
    int64_t pablo = typed["_embedded"]["contacts"][0]["id"];
    ahead += 11000;
    CHECK(contact_of_new_record(world, "Pablo Ruiz", "+34 622 333 444") == pablo);
    CHECK(contacts_named(world, "Pablo Ruiz") == 1);
    CHECK(calls_of_kind(world, "kommo.search_contacts") == 0);

    // His phone is changed in Kommo; at once (before the next ask for changes) a record comes for the old number: the
    // index still points at Pablo, but Kommo's copy has no such phone, so a new contact is made (Altegio names its client
    // after the number's first owner: the name is no guide).
    by_hand(world, "PATCH", "/contacts", Json::array({Json{{"id", pablo}, {"custom_fields_values", phone_field("+34 699 000 000")}}}));
    size_t contacts_before = world.sandbox_state()["kommo"]["contacts"].size();
    CHECK(contact_of_new_record(world, "Otro Cliente", "+34 622 333 444") != pablo);
    CHECK(world.sandbox_state()["kommo"]["contacts"].size() == contacts_before + 1);   // a contact of its own
    CHECK(world.raw_value("SELECT COUNT(*) FROM contact_phones WHERE account_id = 31000001 AND contact_id = " + std::to_string(pablo) +
                          " AND phone = '622333444'") == "0");
}

TEST_CASE("contact index: when Kommo's contact list does not filter by change time, contacts are searched in Kommo as before") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    std::atomic<int64_t> ahead{0};
    world.restart_relay(Clock([&ahead] { return Clock::system_ms() + ahead.load(); }));
    contact_of_new_record(world, "Lucía Gómez", "+34 611 222 333");
    REQUIRE(world.control("POST", "/__sandbox/kommo/contacts/ignore_change_filter", Json{{"ignore", true}}).status == 200);
    ahead += 11000;
    int64_t anna = contact_of_new_record(world, "Анна Иванова", "+7 999 123-45-67");   // a client Kommo had before
    CHECK(calls_of_kind(world, "kommo.search_contacts") >= 1);
    size_t lists = calls_of_kind(world, "kommo.list_contacts");
    ahead += 11000;
    CHECK(contact_of_new_record(world, "Анна Иванова", "+7 999 123-45-67") == anna);
    CHECK(calls_of_kind(world, "kommo.list_contacts") == lists);   // not read whole again at every ask
}
