#pragma once
// A row in every table of the store, written through the Store interface and read back through it. A release's
// databases are kept as fixtures written by `write_store_fixtures` (tests/fixtures/store/); test_store_upgrade.cpp
// opens them with today's store and reads every row back, so a change of the store or its schema that would lose
// or misread a deployed database fails there.
#include <doctest/doctest.h>
#include <string>
#include "relay/store/store.hpp"

namespace kb::testing {

// The key the fixtures' secrets are sealed with (a test key, in the repository on purpose).
inline constexpr const char* fixture_box_key = "6b622d73746f72652d666978747572652d6b65792d6f662d7468652074657374";

inline constexpr int64_t rows_account = 31000001;

inline store::InboxEvent rows_event(int64_t n, const std::string& type) {
    return store::InboxEvent{0, rows_account, "altegio", 400001, "record", 70000000 + n, type, "rows-" + std::to_string(n),
                             R"({"resource":"record","resource_id":)" + std::to_string(70000000 + n) + "}", 1700000000000 + n, 0};
}

inline store::HistoryEntry rows_history(int64_t n) {
    return store::HistoryEntry{0, 1700000000000 + n, rows_account, n % 2 ? "in" : "out", n % 2 ? "altegio.webhook" : "kommo.patch_lead",
                               "POST", "https://bella.kommo.com/api/v4/leads/" + std::to_string(n), 200 + static_cast<int32_t>(n),
                               n == 3 ? "timeout" : "", R"({"n":)" + std::to_string(n) + "}", "{}", 10 + n};
}

// Writes one or more rows in every table. Fails the test when a write fails.
inline void write_every_table(store::Store& s) {
    REQUIRE(s.save_installation(store::Installation{rows_account, "bella", "https://bella.kommo.com", "access-1", "refresh-1", 1700003600,
                                                    "altegio-user-token", "seed-of-bella", "{}", 0, 1700000000}));
    REQUIRE(*s.save_settings(rows_account, 0, R"({"version":1,"pipeline_id":1})", 9001, 1700000001000) == 1);
    REQUIRE(*s.save_settings(rows_account, 1, R"({"version":1,"pipeline_id":2})", 9002, 1700000002000) == 2);
    REQUIRE(s.save_user_link(rows_account, store::UserLink{9001, 5001, "Olga", "olga-token", 1700000003000}));
    auto booking = s.claim_booking(store::Booking{rows_account, "request-1", 21001, 400001, "api-1", "pending", 0, "", R"({"lead_id":21001})"});
    REQUIRE(booking);
    booking->state = "done";
    booking->record_id = 70000001;
    booking->result_json = R"({"record_id":70000001})";
    REQUIRE(s.update_booking(*booking));
    REQUIRE(s.save_record_link(rows_account, 400001, 70000001, 21001));
    REQUIRE(s.save_applied_change(rows_account, 400001, 70000001, 1700000100));
    REQUIRE(s.save_reconciler_watermark(rows_account, 400001, "2026-12-01 10:00:00"));
    REQUIRE(*s.append_webhook({rows_event(1, "create")}, rows_history(1)) == 1);
    REQUIRE(*s.append_to_inbox({rows_event(2, "update"), rows_event(3, "delete")}) == 2);
    for (int64_t n = 2; n <= 4; ++n) REQUIRE(s.add_history(rows_history(n)));
    auto first = s.claim_inbox_event(1800000000000);
    REQUIRE((first && *first));
    REQUIRE(s.finish_inbox_event((*first)->id, store::InboxOutcome::done, "lead 21001 updated", 0));
    auto second = s.claim_inbox_event(1800000000000);
    REQUIRE((second && *second));
    REQUIRE(s.finish_inbox_event((*second)->id, store::InboxOutcome::failed, "ui.error.kommo_refused", 0));
    REQUIRE(s.save_marketplace_user(store::MarketplaceUser{5001, "Olga", "olga@example.com", "+79001234567", 1700000004000, 1700000005000}));
    REQUIRE(s.save_marketplace_location(store::MarketplaceLocation{400001, 300001, 5001, "active", "seed-location-key", 1700000006000, 1, 0,
                                                                   "", 1700000007000}));
    REQUIRE(s.save_telephony_chain(store::TelephonyChain{"chain-key-1", rows_account, "Bella calls", "crm-token-1", {"+74950000001", "+74950000002"},
                                                         true, true, "", "", 1700000008000, 1700000009000, 0}));
    REQUIRE(s.save_telephony_call(store::TelephonyCall{"chain-key-1", "call-1", rows_account, R"({"from":"+79001234567"})", 1700000010000}));
    REQUIRE(s.save_tracked_lead(store::TrackedLeadRow{rows_account, "track-1", R"({"utm_source":"ads"})", 1700000011000, 1700000012000}));
    REQUIRE(*s.take_lease("reconciler", 1700000000000, 60000));
    REQUIRE(*s.first_use("jti-1", 1900000000, 1700000000));
}

// Reads back every row write_every_table wrote.
inline void check_every_table(store::Store& s) {
    auto installation = s.find_installation(rows_account);
    REQUIRE((installation && *installation));
    const auto& i = **installation;
    CHECK(i.subdomain == "bella");
    CHECK(i.api_base_url == "https://bella.kommo.com");
    CHECK(i.access_token == "access-1");
    CHECK(i.refresh_token == "refresh-1");
    CHECK(i.access_expires_at == 1700003600);
    CHECK(i.altegio_user_token == "altegio-user-token");
    CHECK(i.webhook_key == "seed-of-bella");
    CHECK(i.settings_json == R"({"version":1,"pipeline_id":2})");
    CHECK(i.settings_revision == 2);
    CHECK(i.installed_at == 1700000000);
    CHECK(**s.webhook_seed(rows_account) == "seed-of-bella");
    CHECK(**s.account_of_webhook_key("seed-of-bella") == rows_account);
    CHECK(*s.installed_accounts() == std::vector<int64_t>{rows_account});

    auto versions = *s.settings_versions(rows_account, 10);
    REQUIRE(versions.size() == 2);
    CHECK(versions[0].revision == 2);
    CHECK(versions[0].saved_by_user == 9002);
    CHECK(versions[1].settings_json == R"({"version":1,"pipeline_id":1})");
    CHECK(versions[1].saved_at_ms == 1700000001000);
    CHECK((*s.settings_version(rows_account, 1))->saved_by_user == 9001);

    auto links = *s.user_links(rows_account);
    REQUIRE(links.size() == 1);
    CHECK(links[0].kommo_user_id == 9001);
    CHECK(links[0].altegio_user_id == 5001);
    CHECK(links[0].altegio_user_name == "Olga");
    CHECK(links[0].user_token == "olga-token");
    CHECK(links[0].checked_at_ms == 1700000003000);

    auto booking = *s.claim_booking(store::Booking{rows_account, "request-1", 0, 0, "other", "pending", 0, "", ""});
    CHECK(booking.lead_id == 21001);
    CHECK(booking.api_id == "api-1");
    CHECK(booking.state == "done");
    CHECK(booking.record_id == 70000001);
    CHECK(booking.result_json == R"({"record_id":70000001})");
    CHECK(booking.request_json == R"({"lead_id":21001})");

    CHECK(**s.lead_of_record(rows_account, 400001, 70000001) == 21001);
    CHECK(*s.records_of_lead(rows_account, 21001) == std::vector<std::pair<int64_t, int64_t>>{{400001, 70000001}});
    CHECK(*s.applied_change(rows_account, 400001, 70000001) == 1700000100);
    CHECK(*s.reconciler_watermark(rows_account, 400001) == "2026-12-01 10:00:00");

    auto counts = *s.inbox_counts();
    CHECK(counts.done == 1);
    CHECK(counts.failed == 1);
    CHECK(counts.pending == 1);
    CHECK(counts.oldest_pending_at_ms == 1700000000003);
    auto failed = *s.failed_inbox_events(rows_account, 10);
    REQUIRE(failed.size() == 1);
    CHECK(failed[0].event.resource_id == 70000002);
    CHECK(failed[0].event.event_type == "update");
    CHECK(failed[0].event.dedupe_key == "rows-2");
    CHECK(failed[0].event.body == R"({"resource":"record","resource_id":70000002})");
    CHECK(failed[0].event.attempts == 1);
    CHECK(failed[0].last_error == "ui.error.kommo_refused");
    auto done = *s.inbox_event_state(rows_account, failed[0].event.id - 1);
    CHECK(done->first == "done");
    CHECK(done->second == "lead 21001 updated");
    CHECK(*s.last_webhook_at(rows_account, 400001) == 1700000000003);

    auto history = *s.recent_history(rows_account, 10);
    REQUIRE(history.size() == 4);
    for (size_t k = 0; k < history.size(); ++k) {
        auto expected = rows_history(static_cast<int64_t>(4 - k));
        CHECK(history[k].at_ms == expected.at_ms);
        CHECK(history[k].direction == expected.direction);
        CHECK(history[k].kind == expected.kind);
        CHECK(history[k].target == expected.target);
        CHECK(history[k].status == expected.status);
        CHECK(history[k].error == expected.error);
        CHECK(history[k].request_body == expected.request_body);
        CHECK(history[k].duration_ms == expected.duration_ms);
    }
    CHECK(**s.latest_history_at(rows_account, "kommo.patch_lead", 0) == 1700000000004);

    auto user = **s.marketplace_user(5001);
    CHECK(user.email == "olga@example.com");
    CHECK(user.phone == "+79001234567");
    CHECK(user.registered_at_ms == 1700000004000);
    auto location = **s.marketplace_location(400001);
    CHECK(location.salon_group_id == 300001);
    CHECK(location.state == "active");
    CHECK(location.key_seed == "seed-location-key");
    CHECK(location.attempts == 1);
    CHECK(location.updated_at_ms == 1700000007000);

    auto chain = **s.telephony_chain("chain-key-1");
    CHECK(chain.account_id == rows_account);
    CHECK(chain.name == "Bella calls");
    CHECK(chain.crm_token == "crm-token-1");
    CHECK(chain.numbers == std::vector<std::string>{"+74950000001", "+74950000002"});
    CHECK(chain.new_lead_for_unknown);
    CHECK(chain.enabled);
    CHECK(chain.last_call_at_ms == 1700000010000);
    CHECK((**s.telephony_call("chain-key-1", "call-1")).record_json == R"({"from":"+79001234567"})");
    auto tracked = **s.tracked_lead(rows_account, "track-1");
    CHECK(tracked.record_json == R"({"utm_source":"ads"})");
    CHECK(tracked.next_search_ms == 1700000011000);

    CHECK_FALSE(*s.first_use("jti-1", 1900000000, 1700000000));   // still used
    CHECK_FALSE(*s.take_lease("reconciler", 1700000001000, 60000));   // still held by the relay that wrote it
}

}  // namespace kb::testing
