// The SQL store: what several relays on one database coordinate through it: named leases, places among the calls a
// rate limit allows at once, and single-use keys.
#include "relay/store/sql_rows.hpp"
#include "relay/store/sql_store.hpp"

namespace kb::store {

using db::Rows;
using db::Session;

Result<bool> SqlStore::take_lease(const std::string& name, int64_t now_ms, int64_t ttl_ms) {
    return m_db
        ->change("INSERT INTO leases (name, holder, expires_at_ms) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE"
                 " SET holder = excluded.holder, expires_at_ms = excluded.expires_at_ms"
                 " WHERE leases.holder = excluded.holder OR leases.expires_at_ms <= ?",
                 {name, m_instance, now_ms + ttl_ms, now_ms})
        .map([](int64_t taken) { return taken > 0; });
}

Result<void> SqlStore::release_lease(const std::string& name) {
    return sql::written(m_db->change("DELETE FROM leases WHERE name = ? AND holder = ?", {name, m_instance}));
}

// One key's places are counted and taken under the dialect's lock on the key (or the backend's single writer), so two
// relays never both see the last free place. Relaxed: a place lost in a crash only frees a call early.
Result<std::optional<int64_t>> SqlStore::take_rate_place(const std::string& key, int32_t limit, int64_t now_ms) {
    return m_db->transact(db::Mode::relaxed, [&](Session& s) -> Result<std::optional<int64_t>> {
        if (m_dialect.lock_key) s.query(m_dialect.lock_key, {key});
        s.exec("DELETE FROM rate_places WHERE key = ? AND (answered_at_ms <= ? OR (answered_at_ms IS NULL AND taken_at_ms <= ?))",
               {key, now_ms - 1000, now_ms - 60000});
        if (s.query("SELECT COUNT(*) FROM rate_places WHERE key = ?", {key})[0].integer(0) >= limit) return std::optional<int64_t>();
        return s.query("INSERT INTO rate_places (key, taken_at_ms) VALUES (?, ?) RETURNING id", {key, now_ms})[0].integer(0);
    });
}

Result<void> SqlStore::release_rate_place(int64_t place, int64_t now_ms) {
    return sql::written(m_db->change("UPDATE rate_places SET answered_at_ms = ? WHERE id = ?", {now_ms, place}, db::Mode::relaxed));
}

Result<bool> SqlStore::first_use(const std::string& key, int64_t expires_at, int64_t now) {
    return m_db->write([&](Session& s) -> Result<bool> {
        s.exec("DELETE FROM used_keys WHERE expires_at < ?", {now});   // keys that ran out
        return s.exec("INSERT INTO used_keys (token_key, expires_at) VALUES (?, ?) ON CONFLICT (token_key) DO UPDATE"
                      " SET expires_at = excluded.expires_at WHERE used_keys.expires_at < ?",
                      {key, expires_at, now}) > 0;
    });
}

}  // namespace kb::store
