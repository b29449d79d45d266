#pragma once
// The booking vocabulary shared by the widget and the relay: Altegio's catalogue (branches, services,
// staff), free time, the record itself and what the manager asks to book.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kb::domain {

// Money is always integer minor units (kopecks, cents) with the currency's short title beside it.
struct Money {
    int64_t minor = 0;
    friend bool operator==(const Money&, const Money&) = default;
};

struct Branch {
    int64_t id = 0;
    std::string title;
    std::string address;
    std::string timezone_name;   // IANA name, e.g. "Europe/Moscow"
    std::string currency;        // short title, e.g. "₽", "€"
    int64_t chain_id = 0;        // Altegio's `main_group_id`; 0 = the branch belongs to no chain
    std::string chain_title;     // empty when Altegio did not name the chain
};

struct ServiceCategory {
    int64_t id = 0;
    std::string title;
    int32_t weight = 0;
};

struct Service {
    int64_t id = 0;
    std::string title;
    int64_t category_id = 0;
    Money price_min;
    Money price_max;
    int32_t duration_seconds = 0;  // seance length; 0 when the branch did not say
};

struct Staff {
    int64_t id = 0;
    std::string name;
    std::string specialization;
    bool bookable = true;
};

// An employee's working hours on one day, branch wall time; `to` may be "24:00".
struct WorkInterval {
    std::string from;        // "HH:MM"
    std::string to;
    friend bool operator==(const WorkInterval&, const WorkInterval&) = default;
};

struct TimeSlot {
    std::string time;        // "HH:MM", branch wall time
    std::string datetime;    // ISO 8601 with offset, passed back to Altegio unchanged
    int32_t seance_length = 0;
};

// A group event (Altegio "activity"): one employee, one service, several clients in the same seats.
struct GroupEvent {
    int64_t id = 0;
    int64_t service_id = 0;
    std::string service_title;
    int64_t staff_id = 0;
    std::string staff_name;
    std::string date;            // branch wall time "YYYY-MM-DD HH:MM:SS"
    int32_t length = 0;          // seconds
    int32_t capacity = 0;
    int32_t records_count = 0;   // seats taken
    int32_t free_seats() const { return capacity > records_count ? capacity - records_count : 0; }
};

struct ClientData {
    std::string name;
    std::string phone;
    std::string email;
};

struct RecordService {
    int64_t id = 0;
    std::string title;
    Money cost;
    int64_t category_id = 0;     // 0 when the record did not say (the catalogue knows)
};

struct Label {
    int64_t id = 0;
    std::string title;
    std::string color;
};

// Attendance values as Altegio documents them (pinned by tests; some third-party texts swap -1 and 2).
enum class Attendance : int32_t { did_not_come = -1, waiting = 0, came = 1, confirmed = 2 };

struct Record {
    int64_t id = 0;
    int64_t company_id = 0;
    int64_t staff_id = 0;
    std::string staff_name;
    std::string staff_specialization;
    std::vector<RecordService> services;
    std::string date;            // branch wall time "YYYY-MM-DD HH:MM:SS"
    std::string datetime;        // ISO 8601 with the branch offset
    int32_t seance_length = 0;   // seconds
    Attendance attendance = Attendance::waiting;
    bool deleted = false;
    std::string api_id;          // our idempotency key when the relay created it
    std::string comment;
    std::optional<ClientData> client;
    int64_t client_id = 0;
    int64_t activity_id = 0;     // group event, 0 when none
    std::vector<Label> labels;   // record categories
    std::string color;           // Altegio's custom_color: hex without '#', "" = the employee's default
    std::map<std::string, std::string> custom_fields;   // additional record fields, code -> value as text
    std::string source;          // where it was made: "online", "admin", or Altegio's record_from
    Money paid;                  // sum of payments known for the record
    std::string last_change_date;
};

// What Altegio knows of a client, for the contact's fields and the client summary.
struct Subscription {
    std::string name;
    std::string start_date;      // "YYYY-MM-DD", "" when unknown
    std::string end_date;
    int32_t remaining = -1;      // classes left; -1 when unknown
};

struct ClientProfile {
    int64_t id = 0;
    std::string name;
    std::string phone;
    std::string email;
    std::string birth_date;      // "YYYY-MM-DD"
    std::vector<std::string> categories;
    std::map<std::string, std::string> custom_fields;
    int32_t visits_count = 0;
    Money visits_sum;
    std::optional<Subscription> subscription;
};

// An additional field of a branch (Altegio's record or client custom_fields): a record's is mapped to a lead
// field and offered by the booking form; a client's is mapped to a contact field.
struct RecordField {
    std::string code;            // the key in a record's custom_fields
    std::string title;
    std::string type;            // as Altegio names it: "text", "number", "date", ...; unknown types are text
    friend bool operator==(const RecordField&, const RecordField&) = default;
};

// What the manager asks for in the booking window.
struct BookingRequest {
    int64_t lead_id = 0;
    int64_t company_id = 0;
    int64_t staff_id = 0;
    std::vector<int64_t> service_ids;
    std::string datetime;        // as Altegio gave it in the free-time list
    ClientData client;
    std::string comment;
    std::string color;           // hex without '#', "" = the employee's default
    std::vector<int64_t> label_ids;   // record categories (Altegio appointment labels)
    int64_t activity_id = 0;     // a seat in this group event; then the event gives employee, services and time
    std::string request_key;     // made once per "Create record" intent; a retried click reuses it
    std::map<std::string, std::string> custom_fields;   // additional record fields: code -> value as typed
};

// What the manager changes in an existing record: time, employee, services, comment, colour, categories.
// The client stays the record's own.
struct RecordChange {
    int64_t staff_id = 0;
    std::vector<int64_t> service_ids;
    std::string datetime;        // as Altegio gave it (a free start, or the record's own time)
    std::string comment;
    std::string color;
    std::vector<int64_t> label_ids;
    std::map<std::string, std::string> custom_fields;   // as in BookingRequest; "" clears a value
};

// [SECTION] what a booking needs before it is sent
// The first part a booking still lacks, as the message key the widget shows and the relay answers, in the order the
// form asks for them: "ui.error.need_branch", "ui.error.need_services", "ui.error.need_employee" (staff_id -1: none
// chosen; 0 = any employee), "ui.error.need_time" (none, or not an ISO 8601 time), "ui.error.need_name",
// "ui.error.need_phone"; "" when nothing is missing. A seat in a group event (activity_id) takes its employee,
// services and time from the event. The widget enables "Create record" by this rule and the relay refuses by it, so
// the two never disagree.
std::string missing_for_booking(const BookingRequest& request);
// The same for a change of an existing record, which keeps its client: one employee (not "any"), services, a time.
std::string missing_for_change(const RecordChange& change);

}  // namespace kb::domain
