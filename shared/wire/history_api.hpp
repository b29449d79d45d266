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
#include "shared/wire/json_read.hpp"

namespace kb::wire::api {

constexpr const char* history_types[] = {"altegio_webhook", "kommo_webhook", "altegio_request", "kommo_request", "telephony", "tracking",
                                        "alert", "failed_event"};

struct HistoryRow {
    std::string type;          // one of history_types
    int64_t id = 0;            // a request_history id, or for failed_event the inbox event's id
    int64_t at_ms = 0;
    std::string kind;          // "kommo.patch_leads", "altegio.webhook", "record" ...
    std::string method;
    std::string target;
    int32_t status = 0;        // HTTP status; 0 = no answer or not a request
    std::string error;
    int64_t duration_ms = 0;
    std::string state;         // failed_event: "failed", "pending", "processing", "done"
    bool repeatable = false;   // "Repeat request" is offered
};

struct HistoryPage {
    std::vector<HistoryRow> rows;
    int64_t next_before_id = 0;   // 0: nothing older in the period
};

struct HistoryDetail {
    HistoryRow row;
    std::string request_body;
    std::string response_body;
};

Json encode(const HistoryRow& value);
Json encode(const HistoryPage& value);
Json encode(const HistoryDetail& value);
Result<HistoryRow> decode_history_row(const Json& value);
Result<HistoryPage> decode_history_page(const Json& value);
Result<HistoryDetail> decode_history_detail(const Json& value);

}  // namespace kb::wire::api
