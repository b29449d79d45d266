// What only the SQLite backend does (the shared contract is in test_store_contract.cpp): its schema version, and a
// health probe that tells a busy database from a broken one.
#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <atomic>
#include <chrono>
#include <thread>
#include "relay/crypto/secret_box.hpp"
#include "links_migration.hpp"
#include "relay/store/sqlite/sqlite_store.hpp"
#include "world.hpp"   // temp_database_path

using namespace kb;

TEST_CASE("sqlite: a database a newer relay migrated is refused with a message that says so; an older one is brought up to date") {
    auto box = *crypto::SecretBox::from_key_text(crypto::SecretBox::generate_key_text());
    std::string path = testing::temp_database_path();
    {
        auto store = store::SqliteStore::open(path, box);
        REQUIRE(store);
        REQUIRE((*store)->save_installation(store::Installation{31000001, "bella", "https://bella.kommo.com", "a", "r", 1, "", "key"}));
    }
    {
        auto again = store::SqliteStore::open(path, box);   // reopening the same version changes nothing
        REQUIRE(again);
        CHECK((*again)->find_installation(31000001)->has_value());
    }
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        db.exec("INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 0)");   // as a future relay would
    }
    auto refused = store::SqliteStore::open(path, box);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Errc::not_configured);
    CHECK(refused.error().detail.find("schema version 9999, newer than this relay knows") != std::string::npos);
    testing::remove_database(path);
}

TEST_CASE("sqlite: links and applied changes written before they were kept per account are migrated to their account") {
    auto box = *crypto::SecretBox::from_key_text(crypto::SecretBox::generate_key_text());
    std::string path = testing::temp_database_path();
    REQUIRE(store::SqliteStore::open(path, box));
    {   // the tables as schema version 12 had them, with rows (the later steps stay applied)
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        db.exec("DROP TABLE record_links; DROP TABLE applied_changes; DELETE FROM schema_migrations WHERE version = 13;"
                "CREATE TABLE record_links (account_id INTEGER NOT NULL, company_id INTEGER NOT NULL, record_id INTEGER NOT NULL,"
                " lead_id INTEGER NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (company_id, record_id));"
                "CREATE TABLE applied_changes (company_id INTEGER NOT NULL, record_id INTEGER NOT NULL, changed_at INTEGER NOT NULL,"
                " PRIMARY KEY (company_id, record_id));" + std::string(testing::links_before_accounts));
    }
    auto store = store::SqliteStore::open(path, box);
    REQUIRE(store);
    testing::check_links_migrated(**store);
    store->reset();
    testing::remove_database(path);
}

// The relay's workers write without pause while they go through a backlog, and /healthz must still say the database
// is fine: a probe that queued for SQLite's lock beside them (polling every 100 ms) lost to them and answered 503.
// Another process holding the lock is still a fault (tests/security/storage.test.mjs).
TEST_CASE("sqlite: the database is healthy while the relay itself writes without pause, and unhealthy while another process holds it") {
    auto box = *crypto::SecretBox::from_key_text(crypto::SecretBox::generate_key_text());
    std::string path = testing::temp_database_path();
    auto opened = store::SqliteStore::open(path, box);
    REQUIRE(opened);
    store::SqliteStore& store = **opened;
    std::atomic<bool> stop = false;
    std::atomic<int64_t> written = 0;
    std::thread writer([&] {
        for (int64_t n = 1; !stop; ++n) {
            store::InboxEvent e{0, 31000001, "altegio", 400001, "record", n, "create", "busy-" + std::to_string(n), "{}", n};
            if (store.append_to_inbox({e})) ++written;
        }
    });
    int failed = 0;
    for (int probe = 0; probe < 12; ++probe) {
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
        if (!store.check_health()) ++failed;
    }
    stop = true;
    writer.join();
    CHECK(written > 50);
    CHECK(failed == 0);

    std::this_thread::sleep_for(std::chrono::milliseconds(1100));   // nothing written for a second
    {
        SQLite::Database other(path, SQLite::OPEN_READWRITE);
        other.exec("BEGIN EXCLUSIVE");
        CHECK_FALSE(store.check_health());
        other.exec("ROLLBACK");
    }
    CHECK(store.check_health());
    opened->reset();
    testing::remove_database(path);
}
