#pragma once
// The messages of the relay's /api/v1 contract with the widget (their JSON codecs: widget_api.hpp).
#include <string>
#include <vector>
#include "shared/domain/booking.hpp"

namespace kb::wire::api {

// How the Kommo user asking writes to Altegio: with their own Altegio login (Altegio names that employee as the
// record's author), with the general account (the admin allows it for users without a login), or not at all:
// no login linked on the Users tab, or the linked login stopped working ("Authorization error").
enum class BookingAccess { own_login, general_account, not_linked, login_failed };
const char* booking_access_name(BookingAccess access);   // "own_login", ...

struct CardContext {
    int64_t lead_id = 0;
    std::string lead_name;
    domain::ClientData contact;           // from the lead's main contact; empty when it has none
    std::vector<domain::Branch> branches; // the branches this user may book in
    bool records_window_hidden = false;   // the lead is in a stage where the admin hides the records window
    BookingAccess access = BookingAccess::general_account;
    bool may_book() const { return access == BookingAccess::own_login || access == BookingAccess::general_account; }
};

// A lead a manager may book for from the pipeline's records window.
struct LeadChoice {
    int64_t id = 0;
    std::string name;
};

// A lead made from the pipeline's records window for a client not yet in Kommo (or not yet with a lead): named after
// the client, in the stage the settings give new leads, with the client's contact (an existing one with the same
// phone is linked, not copied). `request_key` makes a retried click return the same lead.
struct NewLeadRequest {
    domain::ClientData client;
    std::string request_key;
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

}  // namespace kb::wire::api
