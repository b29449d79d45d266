// Databases written by an earlier release (tests/fixtures/store/, made by write_store_fixtures at 6c802ab, the last
// release with a store per backend) opened by today's store: every row reads back as it was written, on SQLite and
// on PostgreSQL, and the steps the database records are those of today's list. A change of the store or its schema
// that would lose or misread a deployed database fails here.
#include <SQLiteCpp/SQLiteCpp.h>
#include <doctest/doctest.h>
#include <fstream>
#include <sstream>
#include "postgres_test_db.hpp"
#include "relay/crypto/secret_box.hpp"
#include "relay/store/postgres/pg_store.hpp"
#include "relay/store/sqlite/sqlite_store.hpp"
#include "store_rows.hpp"
#include "world.hpp"   // temp_database_path

using namespace kb;

namespace kb::store {   // generated from relay/store/migrations
extern const std::vector<std::pair<int, const char*>> sqlite_migrations;
extern const std::vector<std::pair<int, const char*>> postgres_migrations;
}

namespace {

// The steps of the shared list a backend needs, as schema_migrations should record them once migrated.
std::vector<int64_t> steps_of(const std::vector<std::pair<int, const char*>>& migrations) {
    std::vector<int64_t> steps;
    for (const auto& migration : migrations) steps.push_back(migration.first);
    return steps;
}

std::string fixture_text(const std::string& name) {
    std::ifstream file(std::string(KB_OWN_FIXTURES "/store/") + name);
    REQUIRE_MESSAGE(file, name);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}
}  // namespace

TEST_CASE("store: a SQLite database written by an earlier release reads back row for row") {
    auto box = *crypto::SecretBox::from_key_text(testing::fixture_box_key);
    std::string path = testing::temp_database_path();
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec(fixture_text("sqlite.sql"));
    }
    {
        auto opened = store::SqliteStore::open(path, box);
        REQUIRE_MESSAGE(opened, (opened ? "" : opened.error().detail));
        testing::check_every_table(**opened);
    }
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    SQLite::Statement versions(db, "SELECT version FROM schema_migrations ORDER BY version");
    std::vector<int64_t> recorded;
    while (versions.executeStep()) recorded.push_back(versions.getColumn(0).getInt64());
    CHECK(recorded == steps_of(store::sqlite_migrations));
    testing::remove_database(path);
}

TEST_CASE("store: a PostgreSQL database written by an earlier release reads back row for row") {
    auto url = testing::fresh_postgres_url();
    if (!url) return;
    auto box = *crypto::SecretBox::from_key_text(testing::fixture_box_key);
    {
        pqxx::connection db(*url);
        pqxx::nontransaction session(db);
        session.exec(fixture_text("postgres.sql"));
    }
    auto opened = store::PgStore::open(*url, box);
    REQUIRE_MESSAGE(opened, (opened ? "" : opened.error().detail));
    testing::check_every_table(**opened);
    // The release numbered PostgreSQL's steps 1 to 6 on their own; they are renumbered into the shared list, none run twice.
    pqxx::connection db(*url);
    pqxx::read_transaction tx(db);
    std::vector<int64_t> recorded;
    for (const auto& row : tx.exec("SELECT version FROM schema_migrations ORDER BY version")) recorded.push_back(row[0].as<int64_t>());
    CHECK(recorded == steps_of(store::postgres_migrations));
}
