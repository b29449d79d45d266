#pragma once
// The messages of the request history page's contract (their JSON codecs: history_api.hpp).
#include <string>
#include <vector>

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

}  // namespace kb::wire::api
