#pragma once
// Altegio (ex-YCLIENTS) API v1 shapes: the {success, data, meta} envelope and its errors, catalogue
// items, free time, records and webhook events. See ../shared/reference/altegio-api.md.
//
// [SECTION] envelope and errors
// [SECTION] catalogue: companies, categories, services, staff
// [SECTION] free time: book_dates, book_times
// [SECTION] records
// [SECTION] webhooks
#include <map>
#include <string>
#include <vector>
#include "shared/wire/json_read.hpp"

namespace kb::wire::altegio {

// [SECTION] envelope and errors ------------------------------------------------------------------------
// The payload of a successful reply: `data` of the v2 envelope, or the body itself when the endpoint
// answers with a bare array or object. `success:false` is an error even under HTTP 2xx.
Result<const Json*> unwrap(const Json& body);

// Booking error codes Altegio returns with HTTP 422 (book_check / book_record).
constexpr int64_t code_slot_taken = 433;
constexpr int64_t code_no_staff_free = 436;
constexpr int64_t code_overlap_in_request = 437;
constexpr int64_t code_service_not_bookable = 438;

// Turns a failed reply (HTTP status and body text, which may be JSON or not) into an Error whose
// message key the widget can translate. The body's own message is kept in the detail.
Error error_from_reply(int http_status, std::string_view body_text);

// [SECTION] catalogue -------------------------------------------------------------------------------------
Result<domain::Branch> decode_company(const Json& value, std::string_view path = "company");
Result<domain::ServiceCategory> decode_service_category(const Json& value, std::string_view path = "category");
Result<domain::Service> decode_service(const Json& value, std::string_view path = "service");
Result<domain::Staff> decode_staff(const Json& value, std::string_view path = "staff");

// [SECTION] free time --------------------------------------------------------------------------------------
// `book_dates` data: {booking_dates:["2026-11-23", ...], ...} -> the bookable dates, in order.
Result<std::vector<std::string>> decode_booking_dates(const Json& data);
// `book_times` data: [{time, seance_length, datetime}, ...].
Result<std::vector<domain::TimeSlot>> decode_booking_times(const Json& data);

// `GET /schedule/{cid}/{staff_id}/{start}/{end}` data: [{date, is_working, slots:[{from, to}]}, ...] -> each
// listed date's working hours ("" hours = a day off). The shape is UNVERIFIED (the reference names the call,
// not its reply): a reply in another shape is an error, and the grid then shows the day without hours.
Result<std::map<std::string, std::vector<domain::WorkInterval>>> decode_work_schedule(const Json& data);

// One group event of `GET /activity/{cid}/search` or `GET /activity/{cid}/{id}`: date "YYYY-MM-DD HH:MM[:SS]",
// length in seconds, capacity and records_count, service{title} and staff{name} when given.
Result<domain::GroupEvent> decode_activity(const Json& value, std::string_view path = "activity");

// [SECTION] records -----------------------------------------------------------------------------------------
Result<domain::Record> decode_record(const Json& value, std::string_view path = "record");

// `POST /book_check/{company}` body for one appointment.
Json encode_book_check(const domain::BookingRequest& request);
// `POST /records/{company}` body. `api_id` marks the record as ours (idempotency, echo suppression).
// `fields`: the branch's additional record fields, whose types say how request.custom_fields are written.
Json encode_record_create(const domain::BookingRequest& request, std::string_view api_id,
                          const std::vector<domain::Service>& chosen_services, const std::vector<domain::RecordField>& fields = {});

// `PUT /record/{company}/{id}` body for a manager's change; `client` is the record's own (Altegio wants it back).
Json encode_record_update(const domain::RecordChange& change, const std::optional<domain::ClientData>& client,
                          const std::vector<domain::Service>& chosen_services, const std::vector<domain::RecordField>& fields = {});
// GET /custom_fields/record/{company}: items {id, custom_field: {code, title, type: {code}}} (or the field itself).
Result<std::vector<domain::RecordField>> decode_record_fields(const Json& data);

// [SECTION] clients, labels, money --------------------------------------------------------------------------
// GET /client/{cid}/{id} (and a webhook's client data): phones may be numbers, birth_date a date or a unix time.
Result<domain::ClientProfile> decode_client(const Json& value, std::string_view path = "client");
// POST /company/{cid}/clients/search body: the first `page_size` clients whose name or phone contains `text`,
// with the fields a summary needs (without `fields` Altegio answers with ids only).
Json encode_client_search(const std::string& text, int page_size);
// Its `data`: a list of clients (as decode_client reads them).
Result<std::vector<domain::ClientProfile>> decode_client_search(const Json& data);
// GET /labels/{cid}/{entity}: a bare array of labels; deleted labels are left out.
Result<std::vector<domain::Label>> decode_labels(const Json& data);

struct FinanceOperation {
    int64_t id = 0;
    int64_t record_id = 0;
    int64_t visit_id = 0;
    domain::Money amount;
    std::string sold_item_type;
    std::string date;
};
Result<FinanceOperation> decode_finance_operation(const Json& value, std::string_view path = "finances_operation");

// A client's membership from GET /loyalty/abonements: name, start, end, remaining classes. The end is the
// activation date plus the period (days, weeks, months or years); the remaining count is read from
// balance_string's "(xN)", which Altegio keeps right where links[].count may say 0.
Result<domain::Subscription> decode_subscription(const Json& value, std::string_view path = "abonement");

// [SECTION] webhooks ----------------------------------------------------------------------------------------
struct WebhookEvent {
    int64_t company_id = 0;
    std::string resource;      // "record", "client", "finances_operation", "schedule", ...
    int64_t resource_id = 0;
    std::string status;        // "create" | "update" | "delete": the event type, not the record state
    Json data;                 // the entity as GET returns it ([] for schedule events)
};
// A webhook body is one event object or an array of them.
Result<std::vector<WebhookEvent>> decode_webhook_body(std::string_view body_text);

}  // namespace kb::wire::altegio
