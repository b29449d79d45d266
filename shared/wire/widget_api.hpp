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
//   GET  /api/v1/leads?query=                       -> std::vector<LeadChoice>  (the pipeline's "New record")
//   POST /api/v1/leads  (NewLeadRequest)            -> LeadChoice
//   any failure                                     -> ApiError with the HTTP status of its code
#include <string>
#include <vector>
#include "shared/domain/booking.hpp"
#include "shared/domain/result.hpp"
#include "shared/wire/json_type.hpp"
#include "shared/wire/widget_api_types.hpp"

namespace kb::wire::api {

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
Json encode(const std::vector<LeadChoice>& value);
Json encode(const LeadChoice& value);
Json encode(const NewLeadRequest& value);
Json encode(const ApiError& value);
Json encode_branch(const domain::Branch& value);
// Altegio additional fields (of records or clients) as {code, title, type}; entries without a code are skipped.
Json encode_field_list(const std::vector<domain::RecordField>& fields);
std::vector<domain::RecordField> decode_field_list(const Json* list);
ApiError to_api_error(const Error& error);

Result<CardContext> decode_card_context(const Json& value);
Result<std::vector<LeadChoice>> decode_lead_choices(const Json& value);
Result<LeadChoice> decode_lead_choice(const Json& value);
Result<NewLeadRequest> decode_new_lead_request(const Json& value);
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
