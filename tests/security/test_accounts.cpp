// Two Kommo accounts connected to the same Altegio branch are separate: what one receives never stands in for
// what the other receives.
#include "relay/world.hpp"

#include "relay/hooks/intake.hpp"

using namespace kb;
using namespace kb::testing;

TEST_CASE("security: the same Altegio change reaches both accounts connected to its branch") {
    World world;
    Json data = {{"id", 70000001}, {"datetime", "2027-03-03T10:00:00+03:00"}, {"last_change_date", "2027-03-02T09:00:00+0300"},
                 {"staff_id", 5001}};
    auto first = hooks::altegio_inbox_row(31000001, "altegio", 400001, "record", 70000001, "update", data, 1000);
    auto second = hooks::altegio_inbox_row(31000002, "altegio", 400001, "record", 70000001, "update", data, 1000);
    CHECK(first.dedupe_key != second.dedupe_key);
    CHECK(*world.relay->store().append_to_inbox({first, second}) == 2);
    CHECK(*world.relay->store().append_to_inbox({first}) == 0);   // a repeat for one account is still a repeat
}
