#pragma once
// The relay's /api/v1 contract with the widget: one encode and one decode per message, used on both
// sides so the two can never disagree. Golden tests in tests/unit pin the JSON.
//
//   GET  /api/v1/card?lead_id=                     -> CardContext
//   GET  /api/v1/branches/{id}/services            -> Catalog
//   GET  /api/v1/branches/{id}/staff?service_ids=  -> std::vector<Staff>
//   GET  /api/v1/branches/{id}/dates?staff_id=&service_ids=            -> std::vector<std::string>
//   GET  /api/v1/branches/{id}/times?staff_id=&date=&service_ids=      -> std::vector<TimeSlot>
//   GET  /api/v1/branches/{id}/schedule?date=&service_ids=&staff_ids=  -> DaySchedule
//   GET  /api/v1/branches/{id}/events?date=       -> std::vector<GroupEvent>  (the day's group events)
//   POST /api/v1/records  (BookingRequest)         -> BookingResult
//   GET  /api/v1/leads/{id}/records                 -> RecordLog   (the lead card's record log)
//   GET  /api/v1/records?from=&to=[&company_id=][&staff_id=]  -> RecordLog   (the account's log, pipeline view)
//   GET  /api/v1/branches                           -> CardContext with only `branches` (the log's branch filter)
//   GET  /api/v1/places?pipeline_id=                -> {"log_shown": bool}: whether this pipeline's list offers the log
//   PUT  /api/v1/branches/{id}/records/{record}  (RecordChange)  -> RecordRow
//   POST /api/v1/branches/{id}/records/{record}/status  {"action": confirm|came|did_not_come|cancel} -> RecordRow
//   GET  /api/v1/leads/{id}/client                  -> ClientSummary
//   any failure                                     -> ApiError with the HTTP status of its code
#include <string>
#include <vector>
#include "shared/domain/booking.hpp"
#include "shared/wire/json_read.hpp"

namespace kb::wire::api {

struct CardContext {
    int64_t lead_id = 0;
    std::string lead_name;
    domain::ClientData contact;           // from the lead's main contact; empty when it has none
    std::vector<domain::Branch> branches; // the branches this user may book in
    bool records_window_hidden = false;   // the lead is in a stage where the admin hides the records window
};

struct Catalog {
    std::vector<domain::ServiceCategory> categories;
    std::vector<domain::Service> services;
    std::vector<domain::Label> labels;    // record categories to choose from (empty when Altegio did not list them)
    std::vector<domain::RecordField> record_fields;   // additional record fields the admin mapped for this branch
};

// One employee's day in the schedule grid.
struct ScheduleColumn {
    domain::Staff staff;
    bool hours_known = false;                   // false: Altegio did not tell the working hours
    std::vector<domain::WorkInterval> working;  // known and empty: a day off
    std::vector<domain::Record> records;        // the day's records, cancelled ones left out
    std::vector<domain::TimeSlot> free;         // free starts for the chosen services (none asked: empty)
};

// The general schedule of a branch's day (or of the chosen employees), branch wall time.
struct DaySchedule {
    std::string date;                           // "YYYY-MM-DD"
    std::string timezone_name;                  // the branch's, shown so nobody books in their own zone by mistake
    bool free_times_asked = false;              // services were chosen, so `free` is meaningful
    std::vector<ScheduleColumn> columns;
};

struct BookingResult {
    domain::Record record;
    std::string branch_title;
    bool lead_updated = false;            // false: the record exists, but the lead's fields are not written yet
    std::string warning_key;              // i18n key explaining a partial outcome
};

// One line of the record log.
struct RecordRow {
    domain::Record record;                // paid: the sum of the record's payments
    std::string branch_title;
    std::string currency;
    int64_t lead_id = 0;                  // the linked Kommo lead, 0 when none
};

struct RecordLog {
    std::vector<RecordRow> rows;
    bool truncated = false;               // more records matched than one answer carries: narrow the period
    bool go_to_lead_button = true;        // the admin's choice: rows offer "Go to lead"
};

// What Altegio knows of the lead's client; `found` is false when no record of the lead names a client.
struct ClientSummary {
    bool found = false;
    int64_t company_id = 0;               // the branch the client was read from
    std::string currency;
    domain::ClientProfile client;         // visits_count, visits_sum (purchases), subscription
};

struct ApiError {
    std::string code;                     // kb::errc_name
    std::string message_key;
    std::string detail;
};

Json encode(const CardContext& value);
Json encode(const Catalog& value);
Json encode(const std::vector<domain::Staff>& value);
Json encode(const std::vector<std::string>& dates);
Json encode(const std::vector<domain::TimeSlot>& value);
Json encode(const DaySchedule& value);
Json encode(const std::vector<domain::GroupEvent>& value);
Json encode(const domain::BookingRequest& value);
Json encode(const domain::RecordChange& value);
Json encode(const BookingResult& value);
Json encode(const RecordLog& value);
Json encode(const RecordRow& value);
Json encode(const ClientSummary& value);
Json encode(const ApiError& value);
Json encode_branch(const domain::Branch& value);
// Altegio additional fields (of records or clients) as {code, title, type}; entries without a code are skipped.
Json encode_field_list(const std::vector<domain::RecordField>& fields);
std::vector<domain::RecordField> decode_field_list(const Json* list);
ApiError to_api_error(const Error& error);

Result<CardContext> decode_card_context(const Json& value);
Result<domain::Branch> decode_branch(const Json& value, std::string_view path);
Result<Catalog> decode_catalog(const Json& value);
Result<std::vector<domain::Staff>> decode_staff_list(const Json& value);
Result<std::vector<std::string>> decode_dates(const Json& value);
Result<std::vector<domain::TimeSlot>> decode_times(const Json& value);
Result<DaySchedule> decode_day_schedule(const Json& value);
Result<std::vector<domain::GroupEvent>> decode_group_events(const Json& value);
Result<domain::BookingRequest> decode_booking_request(const Json& value);
Result<domain::RecordChange> decode_record_change(const Json& value);
Result<BookingResult> decode_booking_result(const Json& value);
Result<RecordLog> decode_record_log(const Json& value);
Result<RecordRow> decode_record_row(const Json& value);
Result<ClientSummary> decode_client_summary(const Json& value);
Result<ApiError> decode_api_error(const Json& value);

}  // namespace kb::wire::api
