// The SQL store: bookings in flight, record <-> lead links, applied changes and the reconciler's watermarks. Links and
// applied changes are the account's own: two Kommo accounts on one Altegio branch each keep their lead for a record.
#include "relay/store/sql_rows.hpp"
#include "relay/store/sql_store.hpp"

namespace kb::store {

using db::Rows;
using db::Session;
using sql::now_seconds;

namespace {
constexpr const char* booking_columns = "account_id, request_key, lead_id, company_id, api_id, state, record_id, result_json, request_json";
Booking booking_from(const db::Row& row) {
    return Booking{row.integer(0), row.text(1), row.integer(2), row.integer(3), row.text(4),
                   row.text(5),    row.integer(6), row.text(7), row.text(8)};
}
}  // namespace

Result<Booking> SqlStore::claim_booking(const Booking& fresh) {
    return m_db->write([&](Session& s) -> Result<Booking> {
        int64_t now = now_seconds();
        s.exec("INSERT INTO bookings (account_id, request_key, lead_id, company_id, api_id, state, record_id, result_json,"
               " request_json, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
               " ON CONFLICT (account_id, request_key) DO NOTHING",
               {fresh.account_id, fresh.request_key, fresh.lead_id, fresh.company_id, fresh.api_id, fresh.state, fresh.record_id,
                fresh.result_json, fresh.request_json, now, now});
        Rows rows = s.query(std::string("SELECT ") + booking_columns + " FROM bookings WHERE account_id = ? AND request_key = ?",
                            {fresh.account_id, fresh.request_key});
        if (rows.empty()) return fail(Errc::internal, "ui.error.storage", "booking vanished");
        return booking_from(rows[0]);
    });
}

Result<void> SqlStore::update_booking(const Booking& b) {
    return sql::written(m_db->change(
        "UPDATE bookings SET state = ?, record_id = ?, result_json = ?, updated_at = ? WHERE account_id = ? AND request_key = ?",
        {b.state, b.record_id, b.result_json, now_seconds(), b.account_id, b.request_key}));
}

Result<void> SqlStore::save_record_link(int64_t account_id, int64_t company_id, int64_t record_id, int64_t lead_id) {
    return sql::written(m_db->change(
        "INSERT INTO record_links (account_id, company_id, record_id, lead_id, created_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (account_id, company_id, record_id) DO UPDATE SET lead_id = excluded.lead_id",
        {account_id, company_id, record_id, lead_id, now_seconds()}));
}

Result<std::vector<std::pair<int64_t, int64_t>>> SqlStore::records_of_lead(int64_t account_id, int64_t lead_id) {
    return m_db->read([&](Session& s) -> Result<std::vector<std::pair<int64_t, int64_t>>> {
        return sql::each(s.query("SELECT company_id, record_id FROM record_links WHERE account_id = ? AND lead_id = ? ORDER BY record_id",
                                 {account_id, lead_id}),
                         [](const db::Row& row) { return std::pair{row.integer(0), row.integer(1)}; });
    });
}

Result<std::optional<int64_t>> SqlStore::lead_of_record(int64_t account_id, int64_t company_id, int64_t record_id) {
    return m_db->read([&](Session& s) -> Result<std::optional<int64_t>> {
        return sql::first(s.query("SELECT lead_id FROM record_links WHERE account_id = ? AND company_id = ? AND record_id = ?",
                                  {account_id, company_id, record_id}),
                          sql::integer_of);
    });
}

Result<int64_t> SqlStore::applied_change(int64_t account_id, int64_t company_id, int64_t record_id) {
    return m_db->read([&](Session& s) -> Result<int64_t> {
        return sql::first(s.query("SELECT changed_at FROM applied_changes WHERE account_id = ? AND company_id = ? AND record_id = ?",
                                  {account_id, company_id, record_id}),
                          sql::integer_of)
            .value_or(0);
    });
}

Result<void> SqlStore::save_applied_change(int64_t account_id, int64_t company_id, int64_t record_id, int64_t changed_at) {
    return sql::written(m_db->change(std::string("INSERT INTO applied_changes (account_id, company_id, record_id, changed_at) VALUES (?, ?, ?, ?)"
                                                 " ON CONFLICT (account_id, company_id, record_id) DO UPDATE SET changed_at = ") +
                                         m_dialect.greatest + "(applied_changes.changed_at, excluded.changed_at)",
                                     {account_id, company_id, record_id, changed_at}));
}

Result<std::string> SqlStore::reconciler_watermark(int64_t account_id, int64_t company_id) {
    return m_db->read([&](Session& s) -> Result<std::string> {
        return sql::first(s.query("SELECT changed_after FROM reconciler_watermarks WHERE account_id = ? AND company_id = ?",
                                  {account_id, company_id}),
                          sql::text_of)
            .value_or("");
    });
}

Result<void> SqlStore::save_reconciler_watermark(int64_t account_id, int64_t company_id, const std::string& changed_after) {
    return sql::written(m_db->change("INSERT INTO reconciler_watermarks (account_id, company_id, changed_after) VALUES (?, ?, ?)"
                                     " ON CONFLICT (account_id, company_id) DO UPDATE SET changed_after = excluded.changed_after",
                                     {account_id, company_id, changed_after}));
}

}  // namespace kb::store
