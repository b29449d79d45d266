#pragma once
// The request history page's contract (account administrators only):
//
//   GET  /api/v1/history?from_ms=&to_ms=&types=a,b&before_id=   -> HistoryPage (newest first, a page at a time)
//   GET  /api/v1/history/{id}                                    -> HistoryDetail (the payloads, secrets masked)
//   POST /api/v1/history/failed/{id}/repeat                      -> HistoryRow (the event's outcome after repeating)
//
// Types: "altegio_webhook", "kommo_webhook", "altegio_request", "kommo_request", "telephony" (a PBX's call events and
// the calls ignored), "tracking" (tracked leads received, and those ignored, expired or skipped by the GA-id
// guard), "alert" (request_history
// entries) and "failed_event" (inbox events that failed for good, which "Repeat request" puts back in line).
#include <string>
#include <vector>
#include "shared/domain/result.hpp"
#include "shared/wire/json_type.hpp"
#include "shared/wire/history_api_types.hpp"

namespace kb::wire::api {

Json encode(const HistoryRow& value);
Json encode(const HistoryPage& value);
Json encode(const HistoryDetail& value);
Result<HistoryRow> decode_history_row(const Json& value);
Result<HistoryPage> decode_history_page(const Json& value);
Result<HistoryDetail> decode_history_detail(const Json& value);

}  // namespace kb::wire::api
