// The SQL store: the contact index, an account's Kommo contacts by phone (relay/sync/contact_index.hpp).
#include "relay/store/sql_rows.hpp"
#include "relay/store/sql_store.hpp"

namespace kb::store {

using db::Session;

Result<ContactIndexState> SqlStore::contact_index_state(int64_t account_id) {
    return m_db->read([&](Session& s) -> Result<ContactIndexState> {
        ContactIndexState state{account_id, "", "", 1, 0, 0};
        auto rows = s.query("SELECT state, country_code, next_page, changed_up_to, checked_at_ms FROM contact_index WHERE account_id = ?",
                            {account_id});
        if (!rows.empty())
            state = ContactIndexState{account_id, rows[0].text(0), rows[0].text(1), rows[0].integer(2), rows[0].integer(3), rows[0].integer(4)};
        return state;
    });
}

Result<void> SqlStore::save_contact_index_state(const ContactIndexState& c) {
    return sql::written(m_db->change(
        "INSERT INTO contact_index (account_id, state, country_code, next_page, changed_up_to, checked_at_ms) VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (account_id) DO UPDATE SET state = excluded.state, country_code = excluded.country_code,"
        " next_page = excluded.next_page, changed_up_to = excluded.changed_up_to, checked_at_ms = excluded.checked_at_ms",
        {c.account_id, c.state, c.country_code, c.next_page, c.changed_up_to, c.checked_at_ms}));
}

Result<void> SqlStore::index_contacts(int64_t account_id, const std::vector<std::pair<int64_t, std::vector<std::string>>>& phones) {
    if (phones.empty()) return {};
    return m_db->write([&](Session& s) -> Result<void> {
        for (const auto& [contact, numbers] : phones) {
            s.exec("DELETE FROM contact_phones WHERE account_id = ? AND contact_id = ?", {account_id, contact});
            for (const auto& number : numbers)
                s.exec("INSERT INTO contact_phones (account_id, phone, contact_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                       {account_id, number, contact});
        }
        return {};
    });
}

Result<void> SqlStore::clear_contact_index(int64_t account_id) {
    return m_db->write([&](Session& s) -> Result<void> {
        s.exec("DELETE FROM contact_phones WHERE account_id = ?", {account_id});
        s.exec("DELETE FROM contact_index WHERE account_id = ?", {account_id});
        return {};
    });
}

Result<std::vector<int64_t>> SqlStore::contacts_with_phone(int64_t account_id, const std::string& phone) {
    return m_db->read([&](Session& s) -> Result<std::vector<int64_t>> {
        std::vector<int64_t> ids;
        for (const auto& row : s.query("SELECT contact_id FROM contact_phones WHERE account_id = ? AND phone = ? ORDER BY contact_id",
                                       {account_id, phone}))
            ids.push_back(row.integer(0));
        return ids;
    });
}

}  // namespace kb::store
