#pragma once
// Record links and applied changes as the stores kept them before they were per account, and what the migration
// must make of them; test_sqlite_store.cpp and test_pg_store.cpp write the old tables their own way, then check.
#include <doctest/doctest.h>
#include "relay/store/store.hpp"

namespace kb::testing {

inline constexpr const char* links_before_accounts =
    "INSERT INTO record_links VALUES (31000001, 400001, 70000001, 21001, 5), (31000002, 400002, 70000002, 22002, 6);"
    "INSERT INTO applied_changes VALUES (400001, 70000001, 1000), (400002, 70000002, 2000), (400003, 70000003, 3000);";

inline void check_links_migrated(store::Store& store) {
    CHECK(**store.lead_of_record(31000001, 400001, 70000001) == 21001);
    CHECK(**store.lead_of_record(31000002, 400002, 70000002) == 22002);
    CHECK(*store.applied_change(31000001, 400001, 70000001) == 1000);
    CHECK(*store.applied_change(31000002, 400002, 70000002) == 2000);
    REQUIRE(store.save_record_link(31000003, 400001, 70000001, 23003));   // a second account on the same branch
    CHECK(**store.lead_of_record(31000001, 400001, 70000001) == 21001);
}

}  // namespace kb::testing
