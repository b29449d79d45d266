// Writes this release's databases as fixtures for test_store_upgrade.cpp: a row in every table (store_rows.hpp),
// written by this build's store, dumped as SQL. Run it at a release that changes the store or its schema and
// commit the two files it writes; the upgrade test then proves every later build reads them back.
//   cmake --build --preset native --target write_store_fixtures
//   KB_STORE_FIXTURES_DIR=$PWD/tests/fixtures/store bash tools/with_postgres.sh build/native/tests/relay/write_store_fixtures
// Needs the sqlite3 and pg_dump programs (Debian packages sqlite3 and postgresql-client).
#include <doctest/doctest.h>
#include <cstdlib>
#include <filesystem>
#include "postgres_test_db.hpp"
#include "relay/crypto/secret_box.hpp"
#include "relay/store/postgres/pg_store.hpp"
#include "relay/store/sqlite/sqlite_store.hpp"
#include "store_rows.hpp"
#include "world.hpp"   // temp_database_path

using namespace kb;

namespace {

std::string output_dir() {
    const char* dir = std::getenv("KB_STORE_FIXTURES_DIR");
    return dir != nullptr ? dir : "";
}

void run(const std::string& command) {
    INFO(command);
    REQUIRE(std::system(command.c_str()) == 0);
}

}  // namespace

TEST_CASE("write this build's SQLite and PostgreSQL databases as fixtures") {
    std::string dir = output_dir();
    REQUIRE_MESSAGE(!dir.empty(), "set KB_STORE_FIXTURES_DIR to the folder to write");
    auto box = *crypto::SecretBox::from_key_text(testing::fixture_box_key);
    std::string path = testing::temp_database_path();
    {
        auto opened = store::SqliteStore::open(path, box);
        REQUIRE(opened);
        testing::write_every_table(**opened);
    }
    run("sqlite3 '" + path + "' .dump > '" + dir + "/sqlite.sql'");
    testing::remove_database(path);

    auto url = testing::fresh_postgres_url();
    REQUIRE_MESSAGE(url, "run under tools/with_postgres.sh");
    {
        auto opened = store::PgStore::open(*url, box);
        REQUIRE(opened);
        testing::write_every_table(**opened);
    }
    // Without psql's meta-commands (\restrict ...): the test runs the dump as plain SQL.
    run("pg_dump --inserts --no-owner --no-privileges --no-comments --dbname='" + *url + "' | grep -v '^\\\\' > '" + dir + "/postgres.sql'");
}
