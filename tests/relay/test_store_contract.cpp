// The store contract: what the relay relies on from any backend, checked on each backend in `backends()`:
// SQLite, and PostgreSQL when a server is there (the test command runs this suite under tools/with_postgres.sh).
// Nothing here knows which backend it talks to.
#include <doctest/doctest.h>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include "postgres_test_db.hpp"
#include "relay/crypto/secret_box.hpp"
#include "relay/store/postgres/pg_store.hpp"
#include "relay/store/sqlite/sqlite_store.hpp"
#include "world.hpp"   // temp_database_path

using namespace kb;
using namespace kb::store;

namespace {

// Opens a store on one database; each call is another relay process's store on that same database.
using Opener = std::function<std::unique_ptr<Store>()>;

struct Backend {
    const char* name;
    std::function<std::optional<Opener>()> fresh_database;   // none when the backend is not available here
};

std::vector<Backend> backends() {
    static const auto box = *crypto::SecretBox::from_key_text(crypto::SecretBox::generate_key_text());
    return {{"sqlite",
             []() -> std::optional<Opener> {
                 std::string path = testing::temp_database_path();
                 return Opener([path] {
                     auto opened = SqliteStore::open(path, box);
                     REQUIRE_MESSAGE(opened, (opened ? "" : opened.error().detail));
                     return std::unique_ptr<Store>(std::move(*opened));
                 });
             }},
            {"postgres", []() -> std::optional<Opener> {
                 auto url = testing::fresh_postgres_url();
                 if (!url) return std::nullopt;
                 return Opener([url = *url] {
                     auto opened = PgStore::open(url, box);
                     REQUIRE_MESSAGE(opened, (opened ? "" : opened.error().detail));
                     return std::unique_ptr<Store>(std::move(*opened));
                 });
             }}};
}

// Runs `check` once per available backend, on a fresh database.
void on_each_backend(const std::function<void(Store&)>& check) {
    for (const auto& backend : backends()) {
        auto open = backend.fresh_database();
        if (!open) continue;
        INFO("backend: " << std::string(backend.name));
        auto store = (*open)();
        check(*store);
    }
}

// The same, with two relays' stores on one fresh database.
void on_each_backend_with_two_relays(const std::function<void(Store&, Store&)>& check) {
    for (const auto& backend : backends()) {
        auto open = backend.fresh_database();
        if (!open) continue;
        INFO("backend: " << std::string(backend.name));
        auto first = (*open)();
        auto second = (*open)();
        check(*first, *second);
    }
}

Installation installation(int64_t account, const std::string& key) {
    Installation i;
    i.account_id = account;
    i.subdomain = "acc" + std::to_string(account);
    i.api_base_url = "https://acc" + std::to_string(account) + ".kommo.com";
    i.access_token = "access-" + std::to_string(account);
    i.refresh_token = "refresh-" + std::to_string(account);
    i.access_expires_at = 1800000000;
    i.webhook_key = key;
    return i;
}

InboxEvent event(int64_t resource_id, const std::string& key, int64_t received_at_ms = 1000, int64_t account = 1) {
    InboxEvent e;
    e.account_id = account;
    e.source = "altegio";
    e.company_id = 400001;
    e.resource = "record";
    e.resource_id = resource_id;
    e.event_type = "update";
    e.dedupe_key = key;
    e.body = R"({"resource_id":)" + std::to_string(resource_id) + "}";
    e.received_at_ms = received_at_ms;
    return e;
}

int64_t claim_id(Store& store, int64_t now_ms = 1 << 30) {
    auto claimed = store.claim_inbox_event(now_ms);
    REQUIRE(claimed);
    return *claimed ? (*claimed)->id : 0;
}

}  // namespace

TEST_CASE("store: an installation comes back as saved, its tokens replaced in place, found by its webhook key") {
    on_each_backend([](Store& store) {
        REQUIRE(store.save_installation(installation(1, "key-one")));
        REQUIRE(store.save_installation(installation(2, "key-two")));
        auto found = store.find_installation(1);
        REQUIRE(found);
        REQUIRE(*found);
        CHECK((*found)->access_token == "access-1");
        CHECK((*found)->refresh_token == "refresh-1");
        CHECK((*found)->api_base_url == "https://acc1.kommo.com");
        CHECK(**store.account_of_webhook_key("key-two") == 2);
        CHECK_FALSE(store.account_of_webhook_key("key-three")->has_value());
        CHECK_FALSE(store.account_of_webhook_key("")->has_value());
        CHECK(**store.webhook_seed(2) == "key-two");
        CHECK_FALSE(store.webhook_seed(3)->has_value());

        REQUIRE(store.save_kommo_tokens(1, "access-new", "refresh-new", 1900000000));
        REQUIRE(store.save_altegio_token(1, "user-token"));
        found = store.find_installation(1);
        CHECK((*found)->access_token == "access-new");
        CHECK((*found)->refresh_token == "refresh-new");
        CHECK((*found)->access_expires_at == 1900000000);
        CHECK((*found)->altegio_user_token == "user-token");
        CHECK(store.save_kommo_tokens(99, "a", "r", 1).error().code == Errc::not_found);
        auto accounts = store.installed_accounts();   // those with Altegio connected: the reconciler's and pruning's
        REQUIRE(accounts);
        CHECK(*accounts == std::vector<int64_t>{1});
    });
}

TEST_CASE("store: settings are saved only over the revision they were read at; every version is kept, and an uninstall keeps them") {
    on_each_backend([](Store& store) {
        REQUIRE(store.save_installation(installation(1, "k")));
        auto first = store.save_settings(1, 0, R"({"v":1})", 9001, 1000);
        REQUIRE(first);
        auto second = store.save_settings(1, *first, R"({"v":2})", 9002, 2000);
        REQUIRE(second);
        CHECK(*second > *first);
        auto stale = store.save_settings(1, *first, R"({"v":"lost"})", 9003, 3000);   // another admin saved meanwhile
        REQUIRE_FALSE(stale);
        CHECK(stale.error().code == Errc::conflict);
        CHECK((*store.find_installation(1))->settings_json == R"({"v":2})");
        CHECK((*store.find_installation(1))->settings_revision == *second);
        auto versions = store.settings_versions(1, 10);
        REQUIRE(versions);
        REQUIRE(versions->size() == 2);
        CHECK((*versions)[0].revision == *second);   // newest first
        CHECK((*versions)[0].saved_by_user == 9002);
        CHECK((*store.settings_version(1, *first))->settings_json == R"({"v":1})");

        CHECK(*store.delete_installation(1));
        CHECK_FALSE(*store.delete_installation(1));
        CHECK_FALSE(store.find_installation(1)->has_value());
        CHECK(store.settings_versions(1, 10)->size() == 2);
    });
}

TEST_CASE("store: a booking is claimed once per request key; records link to leads") {
    on_each_backend([](Store& store) {
        Booking fresh{1, "req-1", 21001, 400001, "kb-abc", "pending", 0, "", R"({"x":1})"};
        auto first = store.claim_booking(fresh);
        REQUIRE(first);
        Booking again = fresh;
        again.api_id = "kb-other";
        auto second = store.claim_booking(again);   // a retried click: the first one comes back
        REQUIRE(second);
        CHECK(second->api_id == "kb-abc");
        second->state = "booked";
        second->record_id = 70000001;
        REQUIRE(store.update_booking(*second));
        CHECK(store.claim_booking(fresh)->state == "booked");
        CHECK(store.claim_booking(fresh)->record_id == 70000001);

        REQUIRE(store.save_record_link(1, 400001, 70000002, 21001));
        REQUIRE(store.save_record_link(1, 400001, 70000001, 21001));
        REQUIRE(store.save_record_link(1, 400002, 70000003, 21002));
        CHECK(**store.lead_of_record(1, 400001, 70000001) == 21001);
        CHECK_FALSE(store.lead_of_record(1, 400001, 79999999)->has_value());
        // Another Kommo account connected to the same branch has its own lead for the same record.
        CHECK_FALSE(store.lead_of_record(2, 400001, 70000001)->has_value());
        REQUIRE(store.save_record_link(2, 400001, 70000001, 55001));
        CHECK(**store.lead_of_record(2, 400001, 70000001) == 55001);
        CHECK(**store.lead_of_record(1, 400001, 70000001) == 21001);
        auto records = store.records_of_lead(1, 21001);
        REQUIRE(records);
        CHECK(*records == std::vector<std::pair<int64_t, int64_t>>{{400001, 70000001}, {400001, 70000002}});

        CHECK(*store.applied_change(1, 400001, 70000001) == 0);
        REQUIRE(store.save_applied_change(1, 400001, 70000001, 2000));
        REQUIRE(store.save_applied_change(1, 400001, 70000001, 1000));   // an older change never replaces a newer one
        CHECK(*store.applied_change(1, 400001, 70000001) == 2000);
        CHECK(*store.applied_change(2, 400001, 70000001) == 0);   // applied for one account, still new to the other
    });
}

TEST_CASE("store: the inbox keeps an event once, hands events out in order per record and in parallel across records") {
    on_each_backend([](Store& store) {
        CHECK(*store.append_to_inbox({event(70000001, "a1", 1000), event(70000001, "a2", 1001), event(70000002, "b1", 1002)}) == 3);
        CHECK(*store.append_to_inbox({event(70000001, "a1", 1003)}) == 0);   // delivered twice
        auto counts = store.inbox_counts();
        REQUIRE(counts);
        CHECK(counts->pending == 3);
        CHECK(counts->oldest_pending_at_ms == 1000);

        int64_t a1 = claim_id(store);
        int64_t b1 = claim_id(store);   // record 1's second event waits for its first
        CHECK(claim_id(store) == 0);
        REQUIRE(store.finish_inbox_event(a1, InboxOutcome::retry, "Kommo 500", 5000));
        CHECK(claim_id(store, 4999) == 0);   // a2 still waits behind a1, which is not due yet
        auto a1_again = store.claim_inbox_event(5000);
        REQUIRE(*a1_again);
        CHECK((*a1_again)->id == a1);
        CHECK((*a1_again)->attempts == 2);
        REQUIRE(store.finish_inbox_event(a1, InboxOutcome::done, "lead 21001 updated", 0));
        int64_t a2 = claim_id(store, 5000);
        CHECK(a2 > a1);
        REQUIRE(store.finish_inbox_event(b1, InboxOutcome::failed, "Kommo 400: field refused", 0));
        counts = store.inbox_counts();
        CHECK(counts->processing == 1);
        CHECK(counts->done == 1);
        CHECK(counts->failed == 1);
        CHECK(counts->oldest_pending_at_ms == 0);

        // A crash: what was being processed is handed out again.
        CHECK(*store.requeue_interrupted_events() == 1);
        CHECK(claim_id(store, 5000) == a2);
        auto state = store.inbox_event_state(1, a1);
        REQUIRE(state);
        CHECK((*state)->first == "done");
        CHECK((*state)->second == "lead 21001 updated");
        CHECK_FALSE(store.inbox_event_state(2, a1)->has_value());   // another account's event is not there for it
    });
}

TEST_CASE("store: a failed event is listed with its error and repeated once however often the admin asks") {
    on_each_backend([](Store& store) {
        REQUIRE(*store.append_to_inbox({event(70000001, "a1", 1000), event(70000002, "b1", 2000)}) == 2);
        int64_t first = claim_id(store), second = claim_id(store);
        REQUIRE(store.finish_inbox_event(first, InboxOutcome::failed, "first error", 0));
        REQUIRE(store.finish_inbox_event(second, InboxOutcome::failed, "second error", 0));
        auto failed = store.failed_inbox_events(1, 10);
        REQUIRE(failed);
        REQUIRE(failed->size() == 2);
        CHECK((*failed)[0].event.id == second);   // newest first
        CHECK((*failed)[0].last_error == "second error");
        auto between = store.failed_events_between(1, 1500, 3000, 10);
        REQUIRE(between);
        REQUIRE(between->size() == 1);
        CHECK((*between)[0].event.id == second);

        CHECK(**store.repeat_inbox_event(1, first, 3000) == "pending");
        CHECK(**store.repeat_inbox_event(1, first, 3000) == "pending");   // twice is once
        CHECK_FALSE(store.repeat_inbox_event(2, first, 3000)->has_value());
        CHECK(claim_id(store, 3000) == first);
        CHECK(claim_id(store, 3000) == 0);
        CHECK(**store.repeat_inbox_event(1, first, 3000) == "processing");   // not failed now: left as it is
    });
}

TEST_CASE("store: the request history by period, type and page; pruning leaves unfinished events and newer entries") {
    on_each_backend([](Store& store) {
        auto entry = [](int64_t at, const char* direction, const char* kind, int status) {
            return HistoryEntry{0, at, 1, direction, kind, "POST", "/x", status, status >= 400 ? "refused" : "", "{\"req\":1}", "{\"res\":1}", 5};
        };
        REQUIRE(store.add_history(entry(1000, "in", "altegio.webhook", 200)));
        REQUIRE(store.add_history(entry(2000, "out", "kommo.create_lead", 400)));
        REQUIRE(store.add_history(entry(3000, "out", "altegio.get_record", 200)));
        REQUIRE(store.add_history(entry(4000, "out", "alert.kommo_blocked", 403)));
        REQUIRE(store.append_webhook({event(70000001, "a1", 4500)}, entry(4500, "in", "altegio.webhook", 200)));

        auto all = store.find_history(HistoryQuery{1, 0, 10000, {}, 0, 10});
        REQUIRE(all);
        REQUIRE(all->size() == 5);
        CHECK((*all)[0].at_ms == 4500);   // newest first
        CHECK((*all)[0].request_body.empty());   // bodies only through history_entry
        auto requests = store.find_history(HistoryQuery{1, 1500, 10000, {"kommo_request", "altegio_request"}, 0, 10});
        REQUIRE(requests->size() == 2);
        CHECK((*requests)[0].kind == "altegio.get_record");
        auto page = store.find_history(HistoryQuery{1, 0, 10000, {}, (*all)[1].id, 2});   // the page after the first two
        REQUIRE(page->size() == 2);
        CHECK((*page)[0].id == (*all)[2].id);
        auto whole = store.history_entry(1, (*all)[3].id);
        REQUIRE(whole);
        REQUIRE(*whole);
        CHECK((*whole)->request_body == "{\"req\":1}");
        CHECK((*whole)->error == "refused");
        CHECK_FALSE(store.history_entry(2, (*all)[3].id)->has_value());
        CHECK(**store.latest_history_at(1, "alert.kommo_blocked", 0) == 4000);
        CHECK_FALSE(store.latest_history_at(1, "alert.kommo_blocked", 4001)->has_value());

        // Retention: the account's entries and finished events from before 4,200 ms go; an unfinished event stays.
        REQUIRE(*store.append_to_inbox({event(70000002, "b1", 100), event(70000003, "c1", 200)}) == 2);
        int64_t a1 = claim_id(store), b1 = claim_id(store), c1 = claim_id(store);
        REQUIRE(store.finish_inbox_event(a1, InboxOutcome::done, "ok", 0));   // finished, but received at 4,500
        REQUIRE(store.finish_inbox_event(b1, InboxOutcome::done, "ok", 0));   // finished, received at 100: goes
        REQUIRE(store.finish_inbox_event(c1, InboxOutcome::retry, "Kommo 500", 0));   // waits for another try
        auto removed = store.prune(1, 4200);
        REQUIRE(removed);
        CHECK(*removed == 5);   // four history entries and b1
        CHECK(store.find_history(HistoryQuery{1, 0, 10000, {}, 0, 10})->size() == 1);
        CHECK(store.inbox_counts()->done == 1);
        CHECK(store.inbox_counts()->pending == 1);   // c1 still waits, whatever its age
    });
}

TEST_CASE("store: the reconciler's watermark per branch, and when a branch's last webhook came") {
    on_each_backend([](Store& store) {
        CHECK(*store.reconciler_watermark(1, 400001) == "");
        REQUIRE(store.save_reconciler_watermark(1, 400001, "2026-11-22 10:00:00"));
        REQUIRE(store.save_reconciler_watermark(1, 400001, "2026-11-22 10:05:00"));
        CHECK(*store.reconciler_watermark(1, 400001) == "2026-11-22 10:05:00");
        CHECK(*store.reconciler_watermark(1, 400002) == "");
        CHECK(*store.last_webhook_at(1, 400001) == 0);
        REQUIRE(*store.append_to_inbox({event(70000001, "a1", 7000), event(70000002, "b1", 8000)}) == 2);
        CHECK(*store.last_webhook_at(1, 400001) == 8000);
    });
}

TEST_CASE("store: a Kommo user's Altegio account, replaced when linked again") {
    on_each_backend([](Store& store) {
        REQUIRE(store.save_installation(installation(1, "k")));
        REQUIRE(store.save_user_link(1, UserLink{9002, 501, "Ольга Смирнова", "token-a", 1000}));
        REQUIRE(store.save_user_link(1, UserLink{9002, 502, "Ольга С.", "token-b", 2000}));
        auto links = store.user_links(1);
        REQUIRE(links);
        REQUIRE(links->size() == 1);
        CHECK((*links)[0].altegio_user_id == 502);
        CHECK((*links)[0].user_token == "token-b");
        CHECK((*links)[0].altegio_user_name == "Ольга С.");
    });
}

TEST_CASE("store: a lease is held by one relay at a time, until it runs out or is let go") {
    on_each_backend_with_two_relays([](Store& a, Store& b) {
        CHECK(a.instance_id() != b.instance_id());
        CHECK(*a.take_lease("reconciler", 1000, 5000));
        CHECK_FALSE(*b.take_lease("reconciler", 2000, 5000));
        CHECK(*a.take_lease("reconciler", 5000, 5000));          // renewed by its holder: now until 10000
        CHECK_FALSE(*b.take_lease("reconciler", 9999, 5000));
        CHECK(*b.take_lease("reconciler", 10000, 5000));         // ran out: the other relay takes it
        CHECK_FALSE(*a.take_lease("reconciler", 10001, 5000));
        REQUIRE(a.release_lease("reconciler"));                 // not a's to let go: nothing changes
        CHECK_FALSE(*a.take_lease("reconciler", 10002, 5000));
        REQUIRE(b.release_lease("reconciler"));
        CHECK(*a.take_lease("reconciler", 10003, 5000));
        CHECK(*b.take_lease("refresh:1", 10003, 5000));          // another name, another lease
    });
}

TEST_CASE("store: a single-use key is used once across relays, and forgotten once it ran out") {
    on_each_backend_with_two_relays([](Store& a, Store& b) {
        CHECK(*a.first_use("jti:1", 2000, 1000));
        CHECK_FALSE(*b.first_use("jti:1", 2000, 1500));          // the same token through another relay
        CHECK_FALSE(*a.first_use("jti:1", 2000, 1600));
        CHECK(*b.first_use("jti:2", 2000, 1600));
        CHECK(*b.first_use("jti:1", 5000, 2001));                // ran out (the token's exp refuses it anyway)
        CHECK_FALSE(*a.first_use("jti:1", 5000, 2002));
    });
}

TEST_CASE("store: a dead relay's claimed events go back in line; a live relay's stay with it") {
    on_each_backend_with_two_relays([](Store& a, Store& b) {
        REQUIRE(*a.append_to_inbox({event(70000001, "a1"), event(70000001, "a2"), event(70000002, "b1"), event(70000003, "c1")}) == 4);
        REQUIRE(*a.take_lease("relay:" + a.instance_id(), 1000, 10000));   // a beats until 11000
        REQUIRE(*b.take_lease("relay:" + b.instance_id(), 1000, 2000));    // b beat last at 1000
        int64_t a1 = claim_id(a, 1000);
        int64_t b1 = claim_id(b, 1000);
        CHECK(claim_id(b, 1000) != 0);   // c1
        CHECK(claim_id(a, 1000) == 0);   // a2 waits behind a1, whoever holds a1

        CHECK(*a.requeue_abandoned_events(2999) == 0);   // b's lease still runs
        CHECK(*a.requeue_abandoned_events(3000) == 2);   // b died: its two events go back
        CHECK(claim_id(a, 3000) == b1);
        CHECK(*b.requeue_abandoned_events(3000) == 0);   // a is alive: a1 and b1 stay with it

        // A graceful stop hands back what the relay holds; order per record still holds.
        CHECK(*a.hand_back_claimed_events() == 2);
        CHECK(claim_id(b, 3000) == a1);
        REQUIRE(b.finish_inbox_event(a1, InboxOutcome::done, "ok", 0));
        CHECK(claim_id(b, 3000) > a1);   // a2, after a1
    });
}

TEST_CASE("store: a shared rate limit counts a call from its start until a second after its answer, across relays") {
    on_each_backend_with_two_relays([](Store& a, Store& b) {
        auto first = a.take_rate_place("kommo:acc1", 2, 1000);
        auto second = b.take_rate_place("kommo:acc1", 2, 1000);
        REQUIRE(first);
        REQUIRE(second);
        REQUIRE(first->has_value());
        REQUIRE(second->has_value());
        CHECK_FALSE(a.take_rate_place("kommo:acc1", 2, 1100)->has_value());   // both places held
        CHECK(b.take_rate_place("kommo:acc2", 2, 1100)->has_value());         // another account's limit
        REQUIRE(a.release_rate_place(**first, 1200));
        CHECK_FALSE(b.take_rate_place("kommo:acc1", 2, 2199)->has_value());   // answered, still counted for a second
        auto third = b.take_rate_place("kommo:acc1", 2, 2200);
        REQUIRE(third->has_value());
        // The second call never answered (its relay died): its place is freed after a minute.
        CHECK_FALSE(a.take_rate_place("kommo:acc1", 2, 60999)->has_value());
        CHECK(a.take_rate_place("kommo:acc1", 2, 61000)->has_value());
    });
}

TEST_CASE("store: workers of two relays claiming at once take every event once, in order per record") {
    on_each_backend_with_two_relays([](Store& a, Store& b) {
        if (!a.shared()) return;   // one relay per SQLite file: its claims are serialised inside that one process
        constexpr int records = 30, per_record = 8;
        std::vector<InboxEvent> events;
        for (int n = 0; n < per_record; ++n)
            for (int r = 0; r < records; ++r) events.push_back(event(70000000 + r, "e" + std::to_string(r) + "-" + std::to_string(n)));
        REQUIRE(*a.append_to_inbox(events) == records * per_record);

        std::mutex mutex;
        std::map<int64_t, std::vector<int64_t>> claimed_per_record;   // resource -> event ids in the order they were taken
        std::vector<std::string> errors;
        auto work = [&](Store& store) {
            for (int idle = 0; idle < 20;) {
                auto claimed = store.claim_inbox_event(1 << 30);
                if (!claimed) {
                    std::lock_guard lock(mutex);
                    errors.push_back(claimed.error().detail);
                    return;
                }
                if (!*claimed) {
                    ++idle;
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
                    continue;
                }
                idle = 0;
                {
                    std::lock_guard lock(mutex);
                    claimed_per_record[(*claimed)->resource_id].push_back((*claimed)->id);
                }
                if (auto done = store.finish_inbox_event((*claimed)->id, InboxOutcome::done, "ok", 0); !done) {
                    std::lock_guard lock(mutex);
                    errors.push_back(done.error().detail);
                }
            }
        };
        std::vector<std::thread> threads;
        for (int t = 0; t < 3; ++t) {
            threads.emplace_back(work, std::ref(a));
            threads.emplace_back(work, std::ref(b));
        }
        for (auto& thread : threads) thread.join();

        CHECK(errors.empty());
        CHECK(claimed_per_record.size() == records);
        for (const auto& [record, ids] : claimed_per_record) {
            INFO("record " << record);
            CHECK(ids.size() == per_record);                        // each once
            CHECK(std::is_sorted(ids.begin(), ids.end()));           // in the order they arrived
        }
        CHECK(a.inbox_counts()->done == records * per_record);
    });
}

TEST_CASE("store: a webhook's events and its history entry are kept together; a redelivery adds only the entry") {
    on_each_backend([](Store& store) {
        HistoryEntry received{0, 1000, 1, "in", "altegio.webhook", "POST", "/hooks/altegio/***", 200, "", "[...]", "", 1};
        CHECK(*store.append_webhook({event(70000001, "a1")}, received) == 1);
        CHECK(*store.append_webhook({event(70000001, "a1")}, received) == 0);   // Altegio sent it again
        CHECK(*store.append_webhook({event(70000002, "b1"), event(70000003, "c1"), event(70000001, "a1")}, received) == 2);
        CHECK(*store.append_webhook({}, received) == 0);                          // nothing the relay acts on
        CHECK(store.inbox_counts()->pending == 3);
        CHECK(store.recent_history(1, 10)->size() == 4);                          // every delivery is in the history
    });
}

TEST_CASE("store: Marketplace users are recognised when they come back; locations keep their activation state and key") {
    on_each_backend([](Store& store) {
        CHECK(*store.save_marketplace_user(MarketplaceUser{7001, "Ирина", "irina@bella.example", "+79161234567", 1000, 1000}));
        CHECK_FALSE(*store.save_marketplace_user(MarketplaceUser{7001, "Ирина К.", "irina@bella.example", "+79161234567", 5000, 5000}));
        auto user = store.marketplace_user(7001);
        REQUIRE(user);
        REQUIRE(*user);
        CHECK((*user)->name == "Ирина К.");
        CHECK((*user)->registered_at_ms == 1000);   // first seen stays
        CHECK((*user)->last_seen_at_ms == 5000);
        CHECK_FALSE(store.marketplace_user(7002)->has_value());

        REQUIRE(store.save_marketplace_location(MarketplaceLocation{400001, 0, 7001, "pending", "key-one", 1000, 0, 1000, "", 1000}));
        REQUIRE(store.save_marketplace_location(MarketplaceLocation{400002, 0, 7001, "pending", "key-two", 2000, 1, 9000, "Altegio 500", 2000}));
        REQUIRE(store.save_marketplace_location(MarketplaceLocation{400003, 0, 7001, "active", "key-three", 500, 1, 0, "", 600}));
        auto due = store.due_marketplace_activations(5000);
        REQUIRE(due);
        REQUIRE(due->size() == 1);   // 400002 waits until 9000; 400003 is done
        CHECK((*due)[0].salon_id == 400001);
        CHECK((*due)[0].key_seed == "key-one");
        CHECK(store.due_marketplace_activations(9000)->size() == 2);

        auto first = **store.marketplace_location(400001);
        first.state = "active";
        first.attempts = 1;
        REQUIRE(store.save_marketplace_location(first));
        auto again = store.marketplace_location(400001);
        CHECK((*again)->state == "active");
        CHECK((*again)->key_seed == "key-one");
        CHECK(store.due_marketplace_activations(9000)->size() == 1);
        CHECK_FALSE(store.marketplace_location(499999)->has_value());
    });
}

TEST_CASE("store: a location's code connects it to one account once; its telephony token is sealed; uninstalled locations drop out") {
    on_each_backend([](Store& store) {
        MarketplaceLocation location{400001, 0, 7001, "active", "seed-one", 1000, 1, 0, "", 1000, "crm-token-of-bella", "hash-one", 50000};
        REQUIRE(store.save_marketplace_location(location));
        MarketplaceLocation pending{400002, 0, 7001, "pending", "seed-two", 1000, 0, 0, "", 1000, "", "hash-two", 50000};
        REQUIRE(store.save_marketplace_location(pending));
        CHECK((**store.marketplace_location(400001)).crm_token == "crm-token-of-bella");
        CHECK((**store.marketplace_location(400001)).claim_code_hash == "hash-one");

        CHECK_FALSE(store.claim_marketplace_location("hash-one", 31900001, 50000)->has_value());   // expired at 50000
        CHECK_FALSE(store.claim_marketplace_location("hash-two", 31900001, 2000)->has_value());    // not active yet
        CHECK_FALSE(store.claim_marketplace_location("", 31900001, 2000)->has_value());
        auto claimed = store.claim_marketplace_location("hash-one", 31900001, 2000);
        REQUIRE(claimed);
        REQUIRE(*claimed);
        CHECK((*claimed)->salon_id == 400001);
        CHECK((*claimed)->crm_token == "crm-token-of-bella");
        CHECK_FALSE(store.claim_marketplace_location("hash-one", 31900002, 2001)->has_value());   // a code is good once
        CHECK((**store.marketplace_location(400001)).claim_code_hash.empty());
        CHECK(*store.marketplace_salons(31900001) == std::vector<int64_t>{400001});
        CHECK(store.marketplace_salons(31900002)->empty());

        location = **store.marketplace_location(400001);
        location.state = "frozen";   // frozen keeps the connection (Altegio resumes it after payment)
        REQUIRE(store.save_marketplace_location(location));
        CHECK(store.marketplace_salons(31900001)->size() == 1);
        location.state = "uninstalled";
        REQUIRE(store.save_marketplace_location(location));
        CHECK(store.marketplace_salons(31900001)->empty());
    });
}

TEST_CASE("store: telephony chains keep their token sealed and their numbers; calls are kept per chain and go with it") {
    on_each_backend([](Store& store) {
        TelephonyChain bella{"key-bella", 31900001, "Bella", "crm-token-1", {"+7 495 100-20-30", "+7 495 100-20-31"}, true, true, "", "", 1000, 1000, 0};
        TelephonyChain other{"key-other", 31900002, "Other", "crm-token-2", {"+34 600 111 222"}, false, false, "ui.error.altegio_rejected", "403", 500, 500, 0};
        REQUIRE(store.save_telephony_chain(bella));
        REQUIRE(store.save_telephony_chain(other));
        auto chains = store.telephony_chains(31900001);
        REQUIRE(chains);
        REQUIRE(chains->size() == 1);
        CHECK((*chains)[0].crm_token == "crm-token-1");
        CHECK((*chains)[0].numbers == bella.numbers);
        CHECK((*chains)[0].new_lead_for_unknown);
        CHECK((*chains)[0].enabled);
        auto read = store.telephony_chain("key-other");
        REQUIRE(*read);
        CHECK((*read)->error_key == "ui.error.altegio_rejected");
        CHECK_FALSE((*read)->enabled);
        CHECK_FALSE(store.telephony_chain("key-none")->has_value());

        // Another account cannot take over a chain by its key; its own account changes it.
        TelephonyChain hijack = bella;
        hijack.account_id = 31900002;
        hijack.name = "Taken";
        REQUIRE(store.save_telephony_chain(hijack));
        CHECK((**store.telephony_chain("key-bella")).name == "Bella");
        bella.name = "Bella Studio";
        bella.numbers = {"+7 495 100-20-30"};
        bella.updated_at_ms = 2000;
        REQUIRE(store.save_telephony_chain(bella));
        auto renamed = **store.telephony_chain("key-bella");
        CHECK(renamed.name == "Bella Studio");
        CHECK(renamed.numbers.size() == 1);
        CHECK(renamed.created_at_ms == 1000);

        // Calls: one row per (chain, call id), replaced as the call goes on; the chain shows its latest.
        CHECK_FALSE(store.telephony_call("key-bella", "pbx-1")->has_value());
        REQUIRE(store.save_telephony_call(TelephonyCall{"key-bella", "pbx-1", 31900001, R"({"ended":false})", 3000}));
        REQUIRE(store.save_telephony_call(TelephonyCall{"key-bella", "pbx-1", 31900001, R"({"ended":true})", 4000}));
        REQUIRE(store.save_telephony_call(TelephonyCall{"key-bella", "pbx-2", 31900001, R"({})", 9000}));
        CHECK((**store.telephony_call("key-bella", "pbx-1")).record_json == R"({"ended":true})");
        CHECK((**store.telephony_call("key-bella", "pbx-1")).updated_at_ms == 4000);
        CHECK((**store.telephony_chain("key-bella")).last_call_at_ms == 9000);

        // The history's retention takes old calls; removing the chain takes the rest, for its own account only.
        CHECK(*store.prune(31900001, 5000) >= 1);
        CHECK_FALSE(store.telephony_call("key-bella", "pbx-1")->has_value());
        CHECK(store.telephony_call("key-bella", "pbx-2")->has_value());
        CHECK_FALSE(*store.delete_telephony_chain(31900002, "key-bella"));
        CHECK(*store.delete_telephony_chain(31900001, "key-bella"));
        CHECK_FALSE(store.telephony_chain("key-bella")->has_value());
        CHECK_FALSE(store.telephony_call("key-bella", "pbx-2")->has_value());

        // Call events share the durable inbox.
        InboxEvent event;
        event.account_id = 31900002;
        event.source = "telephony";
        event.resource = "call";
        event.resource_id = 77;
        event.event_type = "ringing";
        event.dedupe_key = "telephony|key-other|pbx-9|ringing";
        event.body = "{}";
        CHECK(*store.append_to_inbox({event}) == 1);
    });
}

TEST_CASE("store: tracked leads are kept per account and lead id; due searches come oldest first; uninstall and retention take them") {
    on_each_backend([](Store& store) {
        CHECK_FALSE(store.tracked_lead(31900001, "at-1")->has_value());
        REQUIRE(store.save_tracked_lead(TrackedLeadRow{31900001, "at-1", R"({"state":"searching"})", 8000, 1000}));
        REQUIRE(store.save_tracked_lead(TrackedLeadRow{31900001, "at-2", R"({"state":"searching"})", 6000, 1000}));
        REQUIRE(store.save_tracked_lead(TrackedLeadRow{31900001, "at-3", R"({"state":"linked"})", 0, 1000}));
        REQUIRE(store.save_tracked_lead(TrackedLeadRow{31900002, "at-1", R"({"state":"fresh"})", 0, 9000}));   // another account's lead 1

        auto due = store.due_tracking_searches(9000, 10);
        REQUIRE(due);
        REQUIRE(due->size() == 2);
        CHECK((*due)[0].lead_id == "at-2");   // due since 6000
        CHECK((*due)[1].lead_id == "at-1");
        CHECK(store.due_tracking_searches(7000, 10)->size() == 1);
        CHECK(store.due_tracking_searches(9000, 1)->size() == 1);

        // Found: no more searches; the record is replaced whole.
        REQUIRE(store.save_tracked_lead(TrackedLeadRow{31900001, "at-2", R"({"state":"linked"})", 0, 7000}));
        CHECK((**store.tracked_lead(31900001, "at-2")).record_json == R"({"state":"linked"})");
        CHECK((**store.tracked_lead(31900001, "at-2")).updated_at_ms == 7000);
        CHECK(store.due_tracking_searches(9000, 10)->size() == 1);
        CHECK((**store.tracked_lead(31900002, "at-1")).record_json == R"({"state":"fresh"})");

        CHECK(*store.prune(31900001, 5000) >= 2);   // at-1 and at-3, last changed at 1000
        CHECK_FALSE(store.tracked_lead(31900001, "at-1")->has_value());
        CHECK(store.tracked_lead(31900001, "at-2")->has_value());
        REQUIRE(store.save_installation(Installation{31900002, "other", "http://kommo.test", "a", "r", 0, "", "hook-key", "{}", 0, 0}));
        REQUIRE(store.delete_installation(31900002));
        CHECK_FALSE(store.tracked_lead(31900002, "at-1")->has_value());
        CHECK(store.tracked_lead(31900001, "at-2")->has_value());
    });
}

TEST_CASE("store: the contact index keeps each contact's phones per account, replaced whole, and starts again when cleared") {
    on_each_backend([](Store& store) {
        CHECK(store.contact_index_state(31900001)->state.empty());
        REQUIRE(store.save_contact_index_state(ContactIndexState{31900001, "filling", "34", 3, 1700000000, 0}));
        auto state = *store.contact_index_state(31900001);
        CHECK(state.state == "filling");
        CHECK(state.country_code == "34");
        CHECK(state.next_page == 3);
        CHECK(state.changed_up_to == 1700000000);

        REQUIRE(store.index_contacts(31900001, {{501, {"611222333", "911000111"}}, {502, {"611222333"}}}));
        REQUIRE(store.index_contacts(31900002, {{601, {"611222333"}}}));   // another account's contact with the same number
        CHECK(*store.contacts_with_phone(31900001, "611222333") == std::vector<int64_t>{501, 502});
        REQUIRE(store.index_contacts(31900001, {{501, {"699000000"}}, {502, {}}}));   // 501's number changed, 502 deleted
        CHECK(store.contacts_with_phone(31900001, "611222333")->empty());
        CHECK(*store.contacts_with_phone(31900001, "699000000") == std::vector<int64_t>{501});
        CHECK(*store.contacts_with_phone(31900002, "611222333") == std::vector<int64_t>{601});

        REQUIRE(store.clear_contact_index(31900001));
        CHECK(store.contact_index_state(31900001)->state.empty());
        CHECK(store.contacts_with_phone(31900001, "699000000")->empty());
        CHECK(*store.contacts_with_phone(31900002, "611222333") == std::vector<int64_t>{601});
    });
}
