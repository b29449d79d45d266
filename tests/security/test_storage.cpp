// Storage faults (a locked database reported by /healthz, and the first webhook after it kept, are proved against the
// relay and sandbox processes in storage.test.mjs): an outcome that could not be saved is saved once the database
// answers again, events a fault left in "processing" go back in line without a restart, waits on
// PostgreSQL are bounded, and history of accounts that are gone is pruned too. Tests named "sqlite:" or
// "postgres:" fault one backend and run once (relay_on_postgres leaves them out).
#include <SQLiteCpp/SQLiteCpp.h>
#include <future>
#include "relay/crypto/secret_box.hpp"
#include "relay/sync/inbox_rows.hpp"
#include "relay/store/postgres/pg_store.hpp"
#include "relay/store/sqlite/sqlite_store.hpp"
#include "relay/sync/workers.hpp"
#include "relay/world.hpp"

using namespace kb;
using namespace kb::testing;
using namespace std::chrono_literals;

namespace {

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

store::InboxEvent record_event(int64_t record_id) {
    return sync::altegio_row(31000001, "altegio", 400001, "record", record_id, "update",
                                    Json{{"id", record_id}, {"datetime", "2027-03-03T10:00:00+03:00"}}, now_ms());
}

// Waits up to `limit` for `done()`, checking every 20 ms.
template <class Done>
bool eventually(Done done, std::chrono::milliseconds limit = 20s) {
    for (auto until = std::chrono::steady_clock::now() + limit; std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(20ms))
        if (done()) return true;
    return done();
}

struct SqliteFixture {
    std::string path = temp_database_path();
    std::unique_ptr<store::SqliteStore> store;
    SqliteFixture() {
        auto opened = store::SqliteStore::open(path, *crypto::SecretBox::from_key_text(crypto::SecretBox::generate_key_text()));
        REQUIRE(opened);
        store = std::move(*opened);
    }
    ~SqliteFixture() {
        store.reset();
        remove_database(path);
    }
};

}  // namespace

TEST_CASE("sqlite: security: an outcome the database refused is saved once it answers again, without a restart") {
    SqliteFixture db;
    REQUIRE(*db.store->append_to_inbox({record_event(70000001)}) == 1);
    std::promise<void> started, release;
    auto released = release.get_future().share();
    bool first = true;
    sync::WorkerOptions options;
    options.threads = 1;
    sync::Workers workers(*db.store, [&](const store::InboxEvent&) -> Result<std::string> {
        if (std::exchange(first, false)) {
            started.set_value();
            released.wait();
        }
        return std::string("applied");
    }, now_ms, options);
    started.get_future().wait();
    {
        SQLite::Database other(db.path, SQLite::OPEN_READWRITE);
        other.exec("BEGIN EXCLUSIVE");
        release.set_value();                  // the worker's "done" now meets a locked database (5 s busy timeout)
        std::this_thread::sleep_for(5500ms);
        CHECK(db.store->inbox_counts()->processing == 1);
        other.exec("ROLLBACK");
    }
    CHECK(eventually([&] { return db.store->inbox_counts()->done == 1; }));
    CHECK(db.store->inbox_counts()->processing == 0);
}

TEST_CASE("sqlite: security: an event left in processing by a lost claim is queued again while the relay runs; one in hand is not") {
    SqliteFixture db;
    REQUIRE(*db.store->append_to_inbox({record_event(70000001)}) == 1);
    std::promise<void> started, release;
    auto released = release.get_future().share();
    std::mutex seen_mutex;
    std::vector<int64_t> seen;
    sync::WorkerOptions options;
    options.threads = 1;
    options.sweep_period = 200ms;
    sync::Workers workers(*db.store, [&](const store::InboxEvent& event) -> Result<std::string> {
        {
            std::lock_guard lock(seen_mutex);
            seen.push_back(event.resource_id);
            if (seen.size() == 1) started.set_value();
        }
        if (event.resource_id == 70000001) released.wait();
        return std::string("applied");
    }, now_ms, options);
    started.get_future().wait();   // the only worker holds record 70000001
    REQUIRE(*db.store->append_to_inbox({record_event(70000002)}) == 1);
    auto lost = db.store->claim_inbox_event(now_ms());   // claimed as this relay, and its answer never reached a worker
    REQUIRE(lost);
    REQUIRE(lost->has_value());
    CHECK((*lost)->resource_id == 70000002);
    CHECK(eventually([&] { return db.store->inbox_counts()->pending == 1; }, 5s));   // the sweep put it back
    CHECK(db.store->inbox_counts()->processing == 1);                                // the one in hand stays
    release.set_value();
    CHECK(eventually([&] { return db.store->inbox_counts()->done == 2; }));
    std::lock_guard lock(seen_mutex);
    CHECK(seen == std::vector<int64_t>{70000001, 70000002});   // each once
}

TEST_CASE("postgres: security: PostgreSQL calls end with an error when a statement or the pool's wait runs past its limit") {
    auto url = fresh_postgres_url();
    if (!url) return;
    auto box = *crypto::SecretBox::from_key_text(crypto::SecretBox::generate_key_text());
    auto opened = store::PgStore::open(*url, box, 1, store::PgLimits{300ms, 1000ms});
    REQUIRE(opened);
    auto& store = **opened;
    pqxx::connection other(*url);
    pqxx::work lock(other);
    lock.exec("LOCK TABLE schema_migrations IN ACCESS EXCLUSIVE MODE");
    auto began = std::chrono::steady_clock::now();
    auto health = std::async(std::launch::async, [&] { return store.check_health(); });   // holds the only connection
    std::this_thread::sleep_for(100ms);
    auto waited = store.find_installation(31000001);   // no connection comes free within 300 ms
    REQUIRE_FALSE(waited);
    CHECK(waited.error().detail.find("pool") != std::string::npos);
    auto checked = health.get();
    REQUIRE_FALSE(checked);   // the statement was cancelled at its limit
    CHECK(std::chrono::steady_clock::now() - began < 5s);
    lock.abort();
    CHECK(store.check_health());
}

TEST_CASE("security: history of uninstalled accounts and of no account is pruned like an installed account's") {
    World world;
    world.install();
    auto& store = world.relay->store();
    int64_t old_ms = now_ms() - 31LL * 86400 * 1000;
    for (int64_t account : {int64_t{0}, int64_t{31000077}, int64_t{31000001}})
        REQUIRE(store.add_history(store::HistoryEntry{0, old_ms, account, "in", "altegio.webhook", "POST", "x", 404, "", "", "", 1}));
    auto pruned = world.relay->prune_old_entries();
    REQUIRE(pruned);
    CHECK(*pruned == 3);
    for (int64_t account : {int64_t{0}, int64_t{31000077}}) {
        auto kept = store.recent_history(account, 100000);
        REQUIRE(kept);
        for (const auto& entry : *kept) CHECK(entry.at_ms > old_ms);
    }
}
