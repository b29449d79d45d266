#pragma once
// What the SQLite and PostgreSQL stores share: the column lists their row readers read, in that order, and the wall
// clock their bookkeeping columns use. Internal to relay/store/.
#include <chrono>
#include <cstdint>

namespace kb::store::sql {

inline constexpr const char* inbox_event_columns =
    "id, account_id, source, company_id, resource, resource_id, event_type, dedupe_key, body, received_at_ms, attempts";
inline constexpr const char* history_columns =
    "id, at_ms, account_id, direction, kind, method, target, status, error, request_body, response_body, duration_ms";
inline constexpr const char* booking_columns =
    "account_id, request_key, lead_id, company_id, api_id, state, record_id, result_json, request_json";
inline constexpr const char* location_columns =
    "salon_id, salon_group_id, altegio_user_id, state, api_key_sealed, redirected_at_ms, attempts, next_attempt_at_ms, last_error,"
    " updated_at_ms";

inline int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace kb::store::sql
