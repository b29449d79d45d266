#pragma once
// The store on SQLite, the embedded default for one relay: the SQL store (store/sql_store.hpp) over the SQLite adapter
// (store/sqlite/sqlite_db.hpp), migrated from store/migrations at open.
// Usage:
//   auto store = kb::store::SqliteStore::open("/var/lib/kommo-altegio/relay.db", secret_box);
#include "relay/store/sql_store.hpp"
#include "relay/store/sqlite/sqlite_db.hpp"

namespace kb::store {

class SqliteStore final : public SqlStore {
public:
    static Result<std::unique_ptr<SqliteStore>> open(const std::string& path, crypto::SecretBox box) {
        auto db = SqliteDb::open(path);
        if (!db) return tl::unexpected(db.error());
        return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(*db), box));
    }
    using SqlStore::SqlStore;
};

}  // namespace kb::store
