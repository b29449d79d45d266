#pragma once
// The store on PostgreSQL, shared by several relay processes: the SQL store (store/sql_store.hpp) over the PostgreSQL
// adapter (store/postgres/pg_db.hpp), migrated from store/migrations at open.
// Usage:
//   auto store = kb::store::PgStore::open("postgresql:///kommo_altegio?host=/run/postgresql", secret_box);
#include "relay/store/postgres/pg_db.hpp"
#include "relay/store/sql_store.hpp"

namespace kb::store {

class PgStore final : public SqlStore {
public:
    // `pool_size`: connections opened at most (each serves one call at a time).
    static Result<std::unique_ptr<PgStore>> open(const std::string& url, crypto::SecretBox box, int pool_size = 8, PgLimits limits = {}) {
        auto db = PgDb::open(url, pool_size, limits);
        if (!db) return tl::unexpected(db.error());
        return std::unique_ptr<PgStore>(new PgStore(std::move(*db), box));
    }
    using SqlStore::SqlStore;
};

}  // namespace kb::store
