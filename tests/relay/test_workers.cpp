// The sync workers on a faulty store (the same rules over loopback: tests/security/storage.test.mjs): an outcome the
// database refused is saved by the worker once it answers again, and an event a lost claim left "processing" is put
// back by the sweep while the one a worker holds stays with it. Named "sqlite:": they fault SQLite and run once.
#include <SQLiteCpp/SQLiteCpp.h>
#include <future>
#include "relay/crypto/secret_box.hpp"
#include "relay/sync/inbox_rows.hpp"
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

TEST_CASE("sqlite: workers: an outcome the database refused is saved once it answers again, without a restart") {
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
    }, Clock(now_ms), options);
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

TEST_CASE("sqlite: workers: an event left in processing by a lost claim is queued again while the relay runs; one in hand is not") {
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
    }, Clock(now_ms), options);
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

TEST_CASE("sqlite: workers: a write a lock refused leaves nothing open, so the next outcome is committed") {
    SqliteFixture db;
    REQUIRE(*db.store->append_to_inbox({record_event(70000001)}) == 1);
    auto claimed = db.store->claim_inbox_event(now_ms());
    REQUIRE((claimed && claimed->has_value()));
    {
        SQLite::Database other(db.path, SQLite::OPEN_READWRITE);
        other.exec("BEGIN EXCLUSIVE");
        // A worker's call is logged while another process holds the lock: refused after the 5 s busy timeout.
        CHECK_FALSE(db.store->add_history(store::HistoryEntry{0, now_ms(), 31000001, "out", "kommo.add_note", "POST", "x", 200, "", "", "", 1}));
        other.exec("ROLLBACK");
    }
    REQUIRE(db.store->finish_inbox_event((*claimed)->id, store::InboxOutcome::done, "applied", 0));
    // Read by another connection: committed, not held in a transaction the refused insert left open.
    SQLite::Database reader(db.path, SQLite::OPEN_READONLY);
    SQLite::Statement state(reader, "SELECT state FROM inbox WHERE id = ?");
    state.bind(1, (*claimed)->id);
    REQUIRE(state.executeStep());
    CHECK(state.getColumn(0).getString() == "done");
}
