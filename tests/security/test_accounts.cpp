// Two Kommo accounts connected to the same Altegio branch are separate: what one receives never stands in for
// what the other receives.
#include "relay/sync_helpers.hpp"

#include "relay/sync/inbox_rows.hpp"

using namespace kb;
using namespace kb::testing;

TEST_CASE("security: the same Altegio change reaches both accounts connected to its branch") {
    World world;
    Json data = {{"id", 70000001}, {"datetime", "2027-03-03T10:00:00+03:00"}, {"last_change_date", "2027-03-02T09:00:00+0300"},
                 {"staff_id", 5001}};
    auto first = sync::altegio_row(31000001, "altegio", 400001, "record", 70000001, "update", data, 1000);
    auto second = sync::altegio_row(31000002, "altegio", 400001, "record", 70000001, "update", data, 1000);
    CHECK(first.dedupe_key != second.dedupe_key);
    CHECK(*world.relay->store().append_to_inbox({first, second}) == 2);
    CHECK(*world.relay->store().append_to_inbox({first}) == 0);   // a repeat for one account is still a repeat
}

TEST_CASE("security: another account's link and applied change for the same record leave this account's lead alone") {
    World world(1000.0, 2);
    world.install();
    configure(world);
    int64_t record = book_for(world, 21001, free_slot(world, 5001, 7001), "Анна Иванова", "+79991234567", "accounts-1");
    settle(world);
    // A second Kommo account on the same branch made its own lead for this record and applied a change from the future.
    REQUIRE(world.relay->store().save_record_link(31000002, 400001, record, 99001));
    REQUIRE(world.relay->store().save_applied_change(31000002, 400001, record, 4102444800));
    CHECK(**world.relay->store().lead_of_record(31000001, 400001, record) == 21001);

    world.control("POST", "/__sandbox/altegio/records/" + std::to_string(record) + "/change", Json{{"attendance", 1}});
    settle(world);
    CHECK(lead(world, 21001)["status_id"] == 77005);   // this account's change applied to this account's lead
    CHECK(**world.relay->store().lead_of_record(31000002, 400001, record) == 99001);
}
