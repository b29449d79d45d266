// The SQL store: the request history (every call out and webhook in, masked), read by the history page a period, a
// type and a page at a time.
#include "relay/store/sql_rows.hpp"
#include "relay/store/sql_store.hpp"

namespace kb::store {

using db::Rows;
using db::Session;
using sql::history_columns;
using sql::history_from;

namespace {
// The request history page's entry types as conditions on direction and kind.
std::string history_type_condition(const std::string& type) {
    if (type == "altegio_webhook") return "(direction = 'in' AND kind LIKE 'altegio.%')";
    if (type == "kommo_webhook") return "(direction = 'in' AND kind LIKE 'kommo.%')";
    if (type == "altegio_request") return "(direction = 'out' AND kind LIKE 'altegio.%')";
    if (type == "kommo_request") return "(direction = 'out' AND kind LIKE 'kommo.%')";
    if (type == "telephony") return "(kind LIKE 'telephony.%')";
    if (type == "tracking") return "(kind LIKE 'tracking.%')";
    if (type == "alert") return "(kind LIKE 'alert.%')";
    return "(1 = 0)";   // an unknown type matches nothing
}
}  // namespace

// Relaxed: workers write an entry per outgoing call, and waiting for the disk each time would make webhooks wait
// behind them. Inbox rows, and the entry of the webhook that brought them, are always durable.
Result<void> SqlStore::add_history(const HistoryEntry& e) {
    return m_db->transact(db::Mode::relaxed, [&](Session& s) -> Result<void> {
        sql::insert_history(s, e);
        return {};
    });
}

Result<std::vector<HistoryEntry>> SqlStore::recent_history(int64_t account_id, int32_t limit) {
    return m_db->read([&](Session& s) -> Result<std::vector<HistoryEntry>> {
        return sql::each(s.query(std::string("SELECT ") + history_columns + " FROM request_history WHERE account_id = ? ORDER BY id DESC LIMIT ?",
                                 {account_id, limit}),
                         history_from);
    });
}

Result<std::vector<HistoryEntry>> SqlStore::find_history(const HistoryQuery& q) {
    std::string types;
    for (const auto& type : q.types) types += (types.empty() ? "" : " OR ") + history_type_condition(type);
    return m_db->read([&](Session& s) -> Result<std::vector<HistoryEntry>> {
        // Bodies are left out of the list (two empty texts keep the column order history_from reads).
        return sql::each(s.query("SELECT id, at_ms, account_id, direction, kind, method, target, status, error, '', '', duration_ms"
                                 " FROM request_history WHERE account_id = ? AND at_ms >= ? AND at_ms < ?"
                                 " AND (CAST(? AS BIGINT) = 0 OR id < ?)" +
                                     (types.empty() ? std::string() : " AND (" + types + ")") + " ORDER BY id DESC LIMIT ?",
                                 {q.account_id, q.from_ms, q.to_ms, q.before_id, q.before_id, q.limit}),
                         history_from);
    });
}

Result<std::optional<HistoryEntry>> SqlStore::history_entry(int64_t account_id, int64_t id) {
    return m_db->read([&](Session& s) -> Result<std::optional<HistoryEntry>> {
        return sql::first(s.query(std::string("SELECT ") + history_columns + " FROM request_history WHERE account_id = ? AND id = ?", {account_id, id}),
                          history_from);
    });
}

Result<std::optional<int64_t>> SqlStore::latest_history_at(int64_t account_id, const std::string& kind, int64_t since_ms) {
    return m_db->read([&](Session& s) -> Result<std::optional<int64_t>> {
        // request_history_by_account_time narrows it to the account's entries since `since_ms`.
        Rows rows = s.query("SELECT MAX(at_ms) FROM request_history WHERE account_id = ? AND at_ms >= ? AND kind = ?", {account_id, since_ms, kind});
        if (rows.empty() || rows[0].is_null(0)) return std::optional<int64_t>();
        return rows[0].integer(0);
    });
}

}  // namespace kb::store
