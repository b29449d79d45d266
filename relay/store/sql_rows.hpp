#pragma once
// What the SQL store's files share: the columns its row readers read, in their order, the readers themselves, and the
// wall clock of its bookkeeping columns. Internal to relay/store/.
#include <chrono>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <vector>
#include "relay/store/db.hpp"
#include "relay/store/store.hpp"

namespace kb::store::sql {

// Each row as `read` makes it.
template <class Read>
auto each(const db::Rows& rows, Read&& read) {
    std::vector<std::decay_t<decltype(read(std::declval<const db::Row&>()))>> out;
    out.reserve(rows.size());
    for (const auto& row : rows) out.push_back(read(row));
    return out;
}

// The first row as `read` makes it; none when there is no row.
template <class Read>
auto first(const db::Rows& rows, Read&& read) -> std::optional<std::decay_t<decltype(read(std::declval<const db::Row&>()))>> {
    if (rows.empty()) return std::nullopt;
    return read(rows.front());
}

// The same for a `read` that may fail (a sealed value that does not open): the first failure is the answer.
template <class Read>
auto each_or_error(const db::Rows& rows, Read&& read) -> Result<std::vector<typename decltype(read(std::declval<const db::Row&>()))::value_type>> {
    std::vector<typename decltype(read(std::declval<const db::Row&>()))::value_type> out;
    for (const auto& row : rows) {
        auto item = read(row);
        if (!item) return tl::unexpected(item.error());
        out.push_back(std::move(*item));
    }
    return out;
}
template <class Read>
auto first_or_error(const db::Rows& rows, Read&& read) -> Result<std::optional<typename decltype(read(std::declval<const db::Row&>()))::value_type>> {
    if (rows.empty()) return std::nullopt;
    auto item = read(rows.front());
    if (!item) return tl::unexpected(item.error());
    return std::move(*item);
}

// A change whose count of rows does not matter.
inline Result<void> written(const Result<int64_t>& changed) {
    if (!changed) return tl::unexpected(changed.error());
    return {};
}

inline int64_t integer_of(const db::Row& row) { return row.integer(0); }
inline std::string text_of(const db::Row& row) { return row.text(0); }

inline constexpr const char* inbox_event_columns =
    "id, account_id, source, company_id, resource, resource_id, event_type, dedupe_key, body, received_at_ms, attempts";

inline InboxEvent event_from(const db::Row& row) {
    return InboxEvent{row.integer(0), row.integer(1), row.text(2), row.integer(3), row.text(4), row.integer(5),
                      row.text(6),    row.text(7),    row.text(8), row.integer(9), static_cast<int32_t>(row.integer(10))};
}

inline constexpr const char* history_columns =
    "id, at_ms, account_id, direction, kind, method, target, status, error, request_body, response_body, duration_ms";

inline HistoryEntry history_from(const db::Row& row) {
    return HistoryEntry{row.integer(0), row.integer(1), row.integer(2), row.text(3),  row.text(4),  row.text(5),
                        row.text(6),    static_cast<int32_t>(row.integer(7)), row.text(8), row.text(9), row.text(10), row.integer(11)};
}

inline void insert_history(db::Session& s, const HistoryEntry& e) {
    s.exec("INSERT INTO request_history (at_ms, account_id, direction, kind, method, target, status, error, request_body,"
           " response_body, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
           {e.at_ms, e.account_id, e.direction, e.kind, e.method, e.target, e.status, e.error, e.request_body, e.response_body,
            e.duration_ms});
}

inline int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace kb::store::sql
