// The SQL store: the durable inbox. A webhook's events are stored (by dedupe key, once) before the sender hears 2xx;
// workers claim the oldest ready event whose record has no earlier unfinished one, and finish it done, to retry, or
// failed (the request history's "Repeat" puts it back in line).
#include "relay/store/sql_rows.hpp"
#include "relay/store/sql_store.hpp"

namespace kb::store {

using db::Mode;
using db::Rows;
using db::Session;
using sql::event_from;
using sql::inbox_event_columns;

namespace {
int32_t as_count(int64_t rows) { return static_cast<int32_t>(rows); }

int32_t insert_inbox_rows(Session& s, const std::vector<InboxEvent>& events) {
    int32_t added = 0;
    for (const auto& e : events)
        added += static_cast<int32_t>(
            s.exec("INSERT INTO inbox (account_id, source, company_id, resource, resource_id, event_type, dedupe_key, body, received_at_ms)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING",
                   {e.account_id, e.source, e.company_id, e.resource, e.resource_id, e.event_type, e.dedupe_key, e.body, e.received_at_ms}));
    return added;
}
}  // namespace

Result<int32_t> SqlStore::append_to_inbox(const std::vector<InboxEvent>& events) {
    return m_db->write([&](Session& s) -> Result<int32_t> { return insert_inbox_rows(s, events); });
}

// Grouped: concurrent webhooks may share one commit (SQLite's group commit). Where the backend takes an inbox row and
// its history entry in one statement, the usual webhook, one event, is that one statement: one round trip, not four.
Result<int32_t> SqlStore::append_webhook(const std::vector<InboxEvent>& events, const HistoryEntry& h) {
    if (events.size() == 1 && m_dialect.one_statement_webhook)
        return m_db->transact(Mode::single, [&](Session& s) -> Result<int32_t> {
            const InboxEvent& e = events.front();
            Rows added = s.query(
                "WITH event AS (INSERT INTO inbox (account_id, source, company_id, resource, resource_id, event_type, dedupe_key, body,"
                "  received_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING RETURNING 1),"
                " entry AS (INSERT INTO request_history (at_ms, account_id, direction, kind, method, target, status, error,"
                "  request_body, response_body, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?))"
                " SELECT COUNT(*) FROM event",
                {e.account_id, e.source, e.company_id, e.resource, e.resource_id, e.event_type, e.dedupe_key, e.body, e.received_at_ms,
                 h.at_ms, h.account_id, h.direction, h.kind, h.method, h.target, h.status, h.error, h.request_body, h.response_body,
                 h.duration_ms});
            return static_cast<int32_t>(added[0].integer(0));
        });
    return m_db->transact(Mode::grouped, [&](Session& s) -> Result<int32_t> {
        int32_t added = insert_inbox_rows(s, events);
        sql::insert_history(s, h);
        return added;
    });
}

// The oldest ready event whose record has no earlier unfinished event, in one statement. With several relays the
// rows another is claiming are skipped (the dialect's SKIP LOCKED), and the NOT EXISTS reads the statement's snapshot,
// in which an event being claimed elsewhere is still pending: a later event of the same record is never taken first.
Result<std::optional<InboxEvent>> SqlStore::claim_inbox_event(int64_t now_ms) {
    return m_db->write([&](Session& s) -> Result<std::optional<InboxEvent>> {
        Rows rows = s.query(std::string("UPDATE inbox SET state = 'processing', attempts = attempts + 1, claimed_by = ?"
                                        " WHERE id = (SELECT id FROM inbox AS i") +
                                m_dialect.pending_index +
                                " WHERE state = 'pending' AND next_attempt_at_ms <= ?"
                                " AND NOT EXISTS (SELECT 1 FROM inbox AS e WHERE e.company_id = i.company_id AND e.resource = i.resource"
                                "   AND e.resource_id = i.resource_id AND e.id < i.id AND e.state IN ('pending', 'processing'))"
                                " ORDER BY id LIMIT 1" +
                                m_dialect.skip_locked + ") RETURNING " + inbox_event_columns,
                            {m_instance, now_ms});
        return sql::first(rows, event_from);
    });
}

Result<void> SqlStore::finish_inbox_event(int64_t id, InboxOutcome outcome, const std::string& note, int64_t next_attempt_at_ms) {
    const char* state = outcome == InboxOutcome::done ? "done" : outcome == InboxOutcome::retry ? "pending" : "failed";
    return sql::written(m_db->change(outcome == InboxOutcome::done ? "UPDATE inbox SET state = ?, outcome = ?, next_attempt_at_ms = ? WHERE id = ?"
                                                                   : "UPDATE inbox SET state = ?, last_error = ?, next_attempt_at_ms = ? WHERE id = ?",
                                     {state, note, next_attempt_at_ms, id}));
}

Result<int32_t> SqlStore::requeue_interrupted_events() {
    return m_db->change("UPDATE inbox SET state = 'pending' WHERE state = 'processing'", {}).map(as_count);
}

Result<int32_t> SqlStore::requeue_abandoned_events(int64_t now_ms) {
    return m_db
        ->change("UPDATE inbox SET state = 'pending' WHERE state = 'processing' AND claimed_by <> ? AND NOT EXISTS"
                 " (SELECT 1 FROM leases WHERE name = 'relay:' || inbox.claimed_by AND expires_at_ms > ?)",
                 {m_instance, now_ms})
        .map(as_count);
}

Result<int32_t> SqlStore::hand_back_claimed_events(const std::vector<int64_t>& still_working) {
    std::string sql = "UPDATE inbox SET state = 'pending' WHERE state = 'processing' AND claimed_by = ?";
    db::Values params{m_instance};
    if (!still_working.empty()) {
        sql += " AND id NOT IN (";
        for (size_t i = 0; i < still_working.size(); ++i) {
            sql += i == 0 ? "?" : ", ?";
            params.emplace_back(still_working[i]);
        }
        sql += ")";
    }
    return m_db->change(sql, params).map(as_count);
}

Result<Store::InboxCounts> SqlStore::inbox_counts() {
    return m_db->read([&](Session& s) -> Result<InboxCounts> {
        InboxCounts counts;
        for (const auto& row : s.query("SELECT state, COUNT(*) FROM inbox GROUP BY state")) {
            std::string state = row.text(0);
            int64_t n = row.integer(1);
            if (state == "pending") counts.pending = n;
            if (state == "processing") counts.processing = n;
            if (state == "done") counts.done = n;
            if (state == "failed") counts.failed = n;
        }
        counts.oldest_pending_at_ms =
            sql::first(s.query(std::string("SELECT received_at_ms FROM inbox AS i") + m_dialect.pending_index + " WHERE state = 'pending' ORDER BY id LIMIT 1"),
                       sql::integer_of)
                .value_or(0);
        return counts;
    });
}

Result<std::vector<FailedEvent>> SqlStore::failed_inbox_events(int64_t account_id, int32_t limit) {
    return failed_events_between(account_id, 0, INT64_MAX, limit);
}

Result<std::vector<FailedEvent>> SqlStore::failed_events_between(int64_t account_id, int64_t from_ms, int64_t to_ms, int32_t limit) {
    return m_db->read([&](Session& s) -> Result<std::vector<FailedEvent>> {
        return sql::each(s.query(std::string("SELECT ") + inbox_event_columns +
                                     ", last_error FROM inbox WHERE account_id = ? AND state = 'failed'"
                                     " AND received_at_ms >= ? AND received_at_ms < ? ORDER BY id DESC LIMIT ?",
                                 {account_id, from_ms, to_ms, limit}),
                         [](const db::Row& row) { return FailedEvent{event_from(row), row.text(11)}; });
    });
}

Result<std::optional<std::string>> SqlStore::repeat_inbox_event(int64_t account_id, int64_t id, int64_t now_ms) {
    return m_db->write([&](Session& s) -> Result<std::optional<std::string>> {
        s.exec("UPDATE inbox SET state = 'pending', next_attempt_at_ms = ? WHERE id = ? AND account_id = ? AND state = 'failed'",
               {now_ms, id, account_id});
        return sql::first(s.query("SELECT state FROM inbox WHERE id = ? AND account_id = ?", {id, account_id}), sql::text_of);
    });
}

Result<std::optional<std::pair<std::string, std::string>>> SqlStore::inbox_event_state(int64_t account_id, int64_t id) {
    return m_db->read([&](Session& s) -> Result<std::optional<std::pair<std::string, std::string>>> {
        return sql::first(
            s.query("SELECT state, CASE WHEN state = 'done' THEN outcome ELSE last_error END FROM inbox WHERE account_id = ? AND id = ?",
                    {account_id, id}),
            [](const db::Row& row) { return std::pair{row.text(0), row.text(1)}; });
    });
}

Result<int64_t> SqlStore::last_webhook_at(int64_t account_id, int64_t company_id) {
    return m_db->read([&](Session& s) -> Result<int64_t> {
        // Walks the inbox from the newest row: quick for a branch that sends, a full scan (settings page only) for one that does not.
        return sql::first(s.query("SELECT received_at_ms FROM inbox WHERE account_id = ? AND company_id = ? AND source = 'altegio'"
                                  " ORDER BY id DESC LIMIT 1",
                                  {account_id, company_id}),
                          sql::integer_of)
            .value_or(0);
    });
}

Result<int64_t> SqlStore::prune(int64_t account_id, int64_t before_ms) {
    return m_db->write([&](Session& s) -> Result<int64_t> {
        int64_t removed = s.exec("DELETE FROM request_history WHERE account_id = ? AND at_ms < ?", {account_id, before_ms});
        removed += s.exec("DELETE FROM inbox WHERE account_id = ? AND received_at_ms < ? AND state IN ('done', 'failed')", {account_id, before_ms});
        removed += s.exec("DELETE FROM telephony_calls WHERE account_id = ? AND updated_at_ms < ?", {account_id, before_ms});
        removed += s.exec("DELETE FROM tracked_leads WHERE account_id = ? AND updated_at_ms < ?", {account_id, before_ms});
        return removed;
    });
}

Result<std::vector<int64_t>> SqlStore::accounts_with_history() {
    return m_db->read([&](Session& s) -> Result<std::vector<int64_t>> {
        return sql::each(s.query("SELECT DISTINCT account_id FROM request_history UNION SELECT DISTINCT account_id FROM inbox"), sql::integer_of);
    });
}

}  // namespace kb::store
