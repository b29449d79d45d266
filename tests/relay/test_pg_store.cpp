// What only the PostgreSQL backend does (the shared contract is in test_store_contract.cpp): its schema version,
// migrated once however many relays start together. Skipped without the server tools/with_postgres.sh starts.
#include <doctest/doctest.h>
#include <pqxx/pqxx>
#include <thread>
#include "postgres_test_db.hpp"
#include "relay/crypto/secret_box.hpp"
#include "links_migration.hpp"
#include "relay/store/postgres/pg_store.hpp"

using namespace kb;

namespace kb::store {
extern const std::vector<std::pair<int, const char*>> postgres_migrations;   // generated from relay/store/migrations
}

TEST_CASE("postgres: relays starting together migrate once; a database a newer relay migrated is refused, saying so") {
    auto url = testing::fresh_postgres_url();
    if (!url) return;
    auto box = *crypto::SecretBox::from_key_text(crypto::SecretBox::generate_key_text());
    std::vector<Result<std::unique_ptr<store::PgStore>>> opened;
    for (int relay = 0; relay < 4; ++relay) opened.emplace_back(fail(Errc::internal, "", "not run"));
    {
        std::vector<std::thread> relays;
        for (auto& slot : opened) relays.emplace_back([&] { slot = store::PgStore::open(*url, box); });
        for (auto& relay : relays) relay.join();
    }
    for (const auto& store : opened) REQUIRE_MESSAGE(store, (store ? "" : store.error().detail));
    REQUIRE((*opened[0])->save_installation(store::Installation{31000001, "bella", "https://bella.kommo.com", "a", "r", 1, "", "key"}));
    CHECK((*opened[3])->find_installation(31000001)->has_value());
    {
        pqxx::connection db(*url);
        pqxx::work tx(db);
        auto applied = tx.exec("SELECT COUNT(*), MAX(version) FROM schema_migrations")[0];
        CHECK(applied[0].as<size_t>() == store::postgres_migrations.size());   // each step once
        CHECK(applied[1].as<int>() == store::postgres_migrations.back().first);
        tx.exec("INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 0)");   // as a future relay would
        tx.commit();
    }
    auto refused = store::PgStore::open(*url, box);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == Errc::not_configured);
    CHECK(refused.error().detail.find("schema version 9999, newer than this relay knows") != std::string::npos);
}

TEST_CASE("postgres: an unreachable server is an error that names PostgreSQL, not a crash") {
    auto box = *crypto::SecretBox::from_key_text(crypto::SecretBox::generate_key_text());
    auto refused = store::PgStore::open("postgresql:///nothing?host=/nonexistent-kb-socket-dir", box);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().detail.find("PostgreSQL") != std::string::npos);
}

TEST_CASE("postgres: links and applied changes written before they were kept per account are migrated to their account") {
    auto url = testing::fresh_postgres_url();
    if (!url) return;
    auto box = *crypto::SecretBox::from_key_text(crypto::SecretBox::generate_key_text());
    REQUIRE(store::PgStore::open(*url, box));
    {   // the tables as step 12 left them, with rows
        pqxx::connection db(*url);
        pqxx::work tx(db);
        tx.exec("DROP TABLE record_links; DROP TABLE applied_changes; DELETE FROM schema_migrations WHERE version = 13;"
                "CREATE TABLE record_links (account_id BIGINT NOT NULL, company_id BIGINT NOT NULL, record_id BIGINT NOT NULL,"
                " lead_id BIGINT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (company_id, record_id));"
                "CREATE INDEX record_links_by_lead ON record_links (account_id, lead_id);"
                "CREATE TABLE applied_changes (company_id BIGINT NOT NULL, record_id BIGINT NOT NULL, changed_at BIGINT NOT NULL,"
                " PRIMARY KEY (company_id, record_id));" + std::string(testing::links_before_accounts));
        tx.commit();
    }
    auto store = store::PgStore::open(*url, box);
    REQUIRE_MESSAGE(store, (store ? "" : store.error().detail));
    testing::check_links_migrated(**store);
}
