// Databases written by an earlier release (tests/fixtures/store/, made by write_store_fixtures at 6c802ab, the last
// release with a store per backend) opened by today's store: every row reads back as it was written, on SQLite and
// on PostgreSQL. A change of the store or its schema that would lose or misread a deployed database fails here.
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

namespace {
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
}
