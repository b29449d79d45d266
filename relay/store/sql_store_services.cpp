// The SQL store: Altegio Marketplace users and locations, telephony chains and their calls, and tracked leads.
#include "relay/store/sql_rows.hpp"
#include "relay/store/sql_store.hpp"

namespace kb::store {

using db::Rows;
using db::Session;

namespace {

// A chain's numbers in one column, one per line.
std::string join_lines(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : "\n") + item;
    return out;
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        if (end > start) out.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

constexpr const char* location_columns =
    "salon_id, salon_group_id, altegio_user_id, state, api_key_sealed, redirected_at_ms, attempts, next_attempt_at_ms, last_error,"
    " updated_at_ms, crm_token_sealed, claim_code_hash, claim_expires_at_ms";

Result<MarketplaceLocation> location_from(const db::Row& row, const crypto::SecretBox& box) {
    auto key = box.open(row.text(4));
    if (!key) return tl::unexpected(key.error());
    auto crm_token = row.text(10).empty() ? Result<std::string>("") : box.open(row.text(10));
    if (!crm_token) return tl::unexpected(crm_token.error());
    return MarketplaceLocation{row.integer(0), row.integer(1), row.integer(2), row.text(3), *key, row.integer(5),
                               static_cast<int32_t>(row.integer(6)), row.integer(7), row.text(8), row.integer(9),
                               *crm_token, row.text(11), row.integer(12)};
}

// The chain's columns, then when one of its calls last changed; a WHERE on `c` follows.
constexpr const char* chain_select =
    "SELECT c.chain_key, c.account_id, c.name, c.crm_token_sealed, c.numbers, c.new_lead_for_unknown, c.enabled, c.error_key,"
    " c.error_detail, c.created_at_ms, c.updated_at_ms,"
    " COALESCE((SELECT MAX(updated_at_ms) FROM telephony_calls AS t WHERE t.chain_key = c.chain_key), 0) FROM telephony_chains AS c";

Result<TelephonyChain> chain_from(const db::Row& row, const crypto::SecretBox& box) {
    auto token = box.open(row.text(3));
    if (!token) return tl::unexpected(token.error());
    return TelephonyChain{row.text(0),        row.integer(1),    row.text(2),    *token,         split_lines(row.text(4)),
                          row.boolean(5),     row.boolean(6),    row.text(7),    row.text(8),    row.integer(9),
                          row.integer(10),    row.integer(11)};
}

}  // namespace

// [SECTION] Altegio Marketplace -------------------------------------------------------------------------------------
Result<bool> SqlStore::save_marketplace_user(const MarketplaceUser& u) {
    return m_db->write([&](Session& s) -> Result<bool> {
        bool fresh = s.exec("INSERT INTO marketplace_users (altegio_user_id, name, email, phone, registered_at_ms, last_seen_at_ms)"
                            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (altegio_user_id) DO NOTHING",
                            {u.altegio_user_id, u.name, u.email, u.phone, u.registered_at_ms, u.last_seen_at_ms}) == 1;
        if (!fresh)
            s.exec("UPDATE marketplace_users SET name = ?, email = ?, phone = ?, last_seen_at_ms = ? WHERE altegio_user_id = ?",
                   {u.name, u.email, u.phone, u.last_seen_at_ms, u.altegio_user_id});
        return fresh;
    });
}

Result<std::optional<MarketplaceUser>> SqlStore::marketplace_user(int64_t altegio_user_id) {
    return m_db->read([&](Session& s) -> Result<std::optional<MarketplaceUser>> {
        return sql::first(s.query("SELECT altegio_user_id, name, email, phone, registered_at_ms, last_seen_at_ms FROM marketplace_users"
                                  " WHERE altegio_user_id = ?",
                                  {altegio_user_id}),
                          [](const db::Row& r) {
                              return MarketplaceUser{r.integer(0), r.text(1), r.text(2), r.text(3), r.integer(4), r.integer(5)};
                          });
    });
}

Result<void> SqlStore::save_marketplace_location(const MarketplaceLocation& l) {
    return sql::written(m_db->change(
        std::string("INSERT INTO marketplace_locations (") + location_columns +
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (salon_id) DO UPDATE SET salon_group_id = excluded.salon_group_id,"
            " altegio_user_id = excluded.altegio_user_id, state = excluded.state, api_key_sealed = excluded.api_key_sealed,"
            " redirected_at_ms = excluded.redirected_at_ms, attempts = excluded.attempts, next_attempt_at_ms = excluded.next_attempt_at_ms,"
            " last_error = excluded.last_error, updated_at_ms = excluded.updated_at_ms, crm_token_sealed = excluded.crm_token_sealed,"
            " claim_code_hash = excluded.claim_code_hash, claim_expires_at_ms = excluded.claim_expires_at_ms",
        {l.salon_id, l.salon_group_id, l.altegio_user_id, l.state, m_box.seal(l.key_seed), l.redirected_at_ms, l.attempts,
         l.next_attempt_at_ms, l.last_error, l.updated_at_ms, l.crm_token.empty() ? std::string() : m_box.seal(l.crm_token),
         l.claim_code_hash, l.claim_expires_at_ms}));
}

// Every inbox event asks (is its location frozen?): a read, which never queues behind writes.
Result<std::optional<MarketplaceLocation>> SqlStore::marketplace_location(int64_t salon_id) {
    return m_db->read([&](Session& s) -> Result<std::optional<MarketplaceLocation>> {
        return sql::first_or_error(s.query(std::string("SELECT ") + location_columns + " FROM marketplace_locations WHERE salon_id = ?", {salon_id}),
                                   [&](const db::Row& row) { return location_from(row, m_box); });
    });
}

Result<std::optional<MarketplaceLocation>> SqlStore::claim_marketplace_location(const std::string& code_hash, int64_t account_id,
                                                                                int64_t now_ms) {
    if (code_hash.empty()) return std::optional<MarketplaceLocation>();
    return m_db->write([&](Session& s) -> Result<std::optional<MarketplaceLocation>> {
        auto found = sql::first_or_error(
            s.query(std::string("SELECT ") + location_columns +
                        " FROM marketplace_locations WHERE claim_code_hash = ? AND claim_expires_at_ms > ? AND state = 'active'",
                    {code_hash, now_ms}),
            [&](const db::Row& row) { return location_from(row, m_box); });
        if (!found || !*found) return found;
        s.exec("UPDATE marketplace_locations SET claim_code_hash = '', claim_expires_at_ms = 0 WHERE salon_id = ?", {(*found)->salon_id});
        s.exec("INSERT INTO marketplace_claims (account_id, salon_id, claimed_at_ms) VALUES (?, ?, ?)"
               " ON CONFLICT (account_id, salon_id) DO UPDATE SET claimed_at_ms = excluded.claimed_at_ms",
               {account_id, (*found)->salon_id, now_ms});
        (*found)->claim_code_hash.clear();
        (*found)->claim_expires_at_ms = 0;
        return found;
    });
}

Result<std::vector<int64_t>> SqlStore::marketplace_salons(int64_t account_id) {
    return m_db->read([&](Session& s) -> Result<std::vector<int64_t>> {
        std::vector<int64_t> salons;
        for (const auto& row : s.query("SELECT c.salon_id FROM marketplace_claims c JOIN marketplace_locations l ON l.salon_id = c.salon_id"
                                       " WHERE c.account_id = ? AND l.state <> 'uninstalled' ORDER BY c.salon_id",
                                       {account_id}))
            salons.push_back(row.integer(0));
        return salons;
    });
}

Result<std::vector<MarketplaceLocation>> SqlStore::due_marketplace_activations(int64_t now_ms) {
    return m_db->read([&](Session& s) -> Result<std::vector<MarketplaceLocation>> {
        return sql::each_or_error(
            s.query(std::string("SELECT ") + location_columns +
                        " FROM marketplace_locations WHERE state = 'pending' AND next_attempt_at_ms <= ? ORDER BY redirected_at_ms",
                    {now_ms}),
            [&](const db::Row& row) { return location_from(row, m_box); });
    });
}

// [SECTION] telephony ---------------------------------------------------------------------------------------------
Result<void> SqlStore::save_telephony_chain(const TelephonyChain& c) {
    // On a key taken already, the chain is updated only for the account that made it.
    return sql::written(m_db->change(
        "INSERT INTO telephony_chains (chain_key, account_id, name, crm_token_sealed, numbers, new_lead_for_unknown, enabled,"
        " error_key, error_detail, created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (chain_key) DO UPDATE SET name = excluded.name, crm_token_sealed = excluded.crm_token_sealed,"
        " numbers = excluded.numbers, new_lead_for_unknown = excluded.new_lead_for_unknown, enabled = excluded.enabled,"
        " error_key = excluded.error_key, error_detail = excluded.error_detail, updated_at_ms = excluded.updated_at_ms"
        " WHERE telephony_chains.account_id = excluded.account_id",
        {c.key, c.account_id, c.name, m_box.seal(c.crm_token), join_lines(c.numbers), c.new_lead_for_unknown, c.enabled, c.error_key,
         c.error_detail, c.created_at_ms, c.updated_at_ms}));
}

Result<std::optional<TelephonyChain>> SqlStore::telephony_chain(const std::string& key) {
    return m_db->read([&](Session& s) -> Result<std::optional<TelephonyChain>> {
        return sql::first_or_error(s.query(std::string(chain_select) + " WHERE c.chain_key = ?", {key}),
                                   [&](const db::Row& row) { return chain_from(row, m_box); });
    });
}

Result<std::vector<TelephonyChain>> SqlStore::telephony_chains(int64_t account_id) {
    return m_db->read([&](Session& s) -> Result<std::vector<TelephonyChain>> {
        return sql::each_or_error(s.query(std::string(chain_select) + " WHERE c.account_id = ? ORDER BY c.created_at_ms, c.chain_key", {account_id}),
                                      [&](const db::Row& row) { return chain_from(row, m_box); });
    });
}

Result<bool> SqlStore::delete_telephony_chain(int64_t account_id, const std::string& key) {
    return m_db->write([&](Session& s) -> Result<bool> {
        bool existed = s.exec("DELETE FROM telephony_chains WHERE account_id = ? AND chain_key = ?", {account_id, key}) > 0;
        if (existed) s.exec("DELETE FROM telephony_calls WHERE chain_key = ?", {key});
        return existed;
    });
}

Result<std::optional<TelephonyCall>> SqlStore::telephony_call(const std::string& chain_key, const std::string& call_id) {
    return m_db->read([&](Session& s) -> Result<std::optional<TelephonyCall>> {
        return sql::first(s.query("SELECT account_id, record_json, updated_at_ms FROM telephony_calls WHERE chain_key = ? AND call_id = ?",
                                  {chain_key, call_id}),
                          [&](const db::Row& r) { return TelephonyCall{chain_key, call_id, r.integer(0), r.text(1), r.integer(2)}; });
    });
}

Result<void> SqlStore::save_telephony_call(const TelephonyCall& call) {
    return sql::written(m_db->change(
        "INSERT INTO telephony_calls (chain_key, call_id, account_id, record_json, updated_at_ms) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (chain_key, call_id) DO UPDATE SET record_json = excluded.record_json, updated_at_ms = excluded.updated_at_ms",
        {call.chain_key, call.call_id, call.account_id, call.record_json, call.updated_at_ms}));
}

// [SECTION] lead tracking -----------------------------------------------------------------------------------------
namespace {
constexpr const char* tracked_columns = "account_id, lead_id, record_json, next_search_ms, updated_at_ms";
TrackedLeadRow tracked_from(const db::Row& row) {
    return TrackedLeadRow{row.integer(0), row.text(1), row.text(2), row.integer(3), row.integer(4)};
}
}  // namespace

Result<std::optional<TrackedLeadRow>> SqlStore::tracked_lead(int64_t account_id, const std::string& lead_id) {
    return m_db->read([&](Session& s) -> Result<std::optional<TrackedLeadRow>> {
        return sql::first(s.query(std::string("SELECT ") + tracked_columns + " FROM tracked_leads WHERE account_id = ? AND lead_id = ?",
                                  {account_id, lead_id}),
                          tracked_from);
    });
}

Result<void> SqlStore::save_tracked_lead(const TrackedLeadRow& row) {
    return sql::written(m_db->change(std::string("INSERT INTO tracked_leads (") + tracked_columns +
                                         ") VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id, lead_id) DO UPDATE SET record_json = excluded.record_json,"
                                         " next_search_ms = excluded.next_search_ms, updated_at_ms = excluded.updated_at_ms",
                                     {row.account_id, row.lead_id, row.record_json, row.next_search_ms, row.updated_at_ms}));
}

Result<std::vector<TrackedLeadRow>> SqlStore::due_tracking_searches(int64_t now_ms, int32_t limit) {
    return m_db->read([&](Session& s) -> Result<std::vector<TrackedLeadRow>> {
        return sql::each(s.query(std::string("SELECT ") + tracked_columns +
                                     " FROM tracked_leads WHERE next_search_ms > 0 AND next_search_ms <= ? ORDER BY next_search_ms LIMIT ?",
                                 {now_ms, limit}),
                         tracked_from);
    });
}

}  // namespace kb::store
