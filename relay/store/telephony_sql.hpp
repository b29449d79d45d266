#pragma once
// What the telephony tables' SQL shares between the backends: a chain's columns, and its numbers in one column,
// one per line.
#include <string>
#include <vector>

namespace kb::store {

inline std::string join_lines(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : "\n") + item;
    return out;
}

inline std::vector<std::string> split_lines(const std::string& text) {
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

constexpr const char* telephony_chain_columns =
    "chain_key, account_id, name, crm_token_sealed, numbers, new_lead_for_unknown, enabled, error_key, error_detail, created_at_ms,"
    " updated_at_ms";
// The chain's columns, then when one of its calls last changed; a WHERE on `c` follows.
constexpr const char* telephony_chain_select =
    "SELECT c.chain_key, c.account_id, c.name, c.crm_token_sealed, c.numbers, c.new_lead_for_unknown, c.enabled, c.error_key,"
    " c.error_detail, c.created_at_ms, c.updated_at_ms,"
    " COALESCE((SELECT MAX(updated_at_ms) FROM telephony_calls AS t WHERE t.chain_key = c.chain_key), 0) FROM telephony_chains AS c";
// On a key taken already, the chain is updated only for the account that made it.
constexpr const char* telephony_chain_upsert_tail =
    " ON CONFLICT (chain_key) DO UPDATE SET name = excluded.name, crm_token_sealed = excluded.crm_token_sealed,"
    " numbers = excluded.numbers, new_lead_for_unknown = excluded.new_lead_for_unknown, enabled = excluded.enabled,"
    " error_key = excluded.error_key, error_detail = excluded.error_detail, updated_at_ms = excluded.updated_at_ms"
    " WHERE telephony_chains.account_id = excluded.account_id";

}  // namespace kb::store
