#pragma once
// The widget's state and the pure functions that change it. The view emits Intents; the platform sends the
// Calls the reducers return and feeds replies back. No ImGui and no browser here: tested natively.
// Usage:
//   AppState state;
//   auto calls = start(state, lead_id, "ru");
//   ... send each call; on reply: auto more = on_reply(state, call.id, status, body);
//   ... on a user action:      auto more = apply(state, intent::ChooseBranch{400001});
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>
#include "shared/wire/widget_api.hpp"

namespace kb::widget {

enum class RequestKind {
    card, catalog, staff, dates, times, book, records, client, status, branches, account_log, schedule, edit, events,
    leads, new_lead,   // the pipeline's "New record": finding its lead, or making one
    // the settings page (settings_state.hpp)
    settings_page, settings_save, settings_versions, settings_restore, settings_branch, settings_user, settings_fields, altegio_connect,
    marketplace_claim,
    history_find, history_more, history_detail, history_repeat,
    telephony_page, telephony_save, telephony_change,
};

// Where the widget runs: in a lead card, or over the leads list (the pipeline view) with the account's log.
enum class Place { lead_card, pipeline };

// Columns of the account's log; the table sorts by any of them.
enum class LogColumn { time = 0, branch, employee, client, status, paid };

// What the account's log shows: the period and branch come from the relay, the rest is filtered here.
struct LogView {
    std::string from, to;               // "YYYY-MM-DD", the period asked for
    int64_t company_id = 0;             // 0 = every branch this user sees
    int64_t staff_id = 0;               // 0 = every employee
    int status = -1;                    // -1 = any, else a domain::RecordState as int
    std::string search;                 // part of the client's name or phone, any case (edited in place by the view)
    LogColumn sort_by = LogColumn::time;
    bool descending = false;
    friend bool operator==(const LogView&, const LogView&) = default;
};

// What visible_log_rows and log_staff last worked out, kept until the log's rows or the view change: a frame over
// 10,000 rows then costs the visible rows only, not a filter and sort of all of them (bench/widget_load.mjs).
struct LogMemo {
    uint64_t revision = UINT64_MAX;                     // PipelineState::revision it was made for
    const void* rows_at = nullptr;                      // and the rows it points into (a copied state has others)
    LogView view;
    std::vector<const wire::api::RecordRow*> rows;
    uint64_t staff_revision = UINT64_MAX;
    const void* staff_rows_at = nullptr;
    std::vector<std::pair<int64_t, std::string>> staff;
};

// The schedule grid (a modal over the page): one day of the branch, all employees or the chosen ones.
struct ScheduleView {
    bool open = false;
    std::string date;                   // "YYYY-MM-DD", branch wall date
    std::vector<int64_t> staff_ids;     // the employee filter; empty = every employee offering the services
};

// The schedule grid's state: what it shows, and the day once loaded.
struct ScheduleState {
    ScheduleView view;
    std::optional<wire::api::DaySchedule> day;
};

// The lead's record log (the card's Records tab).
struct RecordsState {
    std::optional<std::vector<wire::api::RecordRow>> rows;   // once loaded
    int64_t status_record_id = 0;       // the record whose status change is on its way
    int64_t cancel_asked_id = 0;        // the record whose cancellation waits for "Yes"
};

// "New record" over the leads list: first the lead the record belongs to, found by Kommo's search or made for the
// client typed into the booking form's client fields; then its card is read and the form books as in the card.
struct NewRecordState {
    bool open = false;
    std::string lead_query;             // the search text (edited in place by the view)
    std::optional<std::vector<wire::api::LeadChoice>> found;   // the last search's answer
    std::string lead_key;               // the current "Create lead" intent; reused by a retry for the same client
    std::string lead_key_client;        // ... the client it was made for
};

// The pipeline view's state: the account's log, its branches, and what the table shows of it.
struct PipelineState {
    std::vector<domain::Branch> branches;
    std::optional<wire::api::RecordLog> log;
    uint64_t revision = 0;              // moves on whenever log's rows change
    LogView view;
    mutable LogMemo memo;
    NewRecordState new_record;
};

// Editing a record from the log: the booking form holds the record, "Save changes" sends a RecordChange.
struct EditingRecord {
    int64_t record_id = 0;              // 0: not editing
    domain::TimeSlot slot;              // the record's own time, offered even though it is not free
    int64_t staff_id = 0;               // ... with its own employee
};

// The card's three views: booking, the lead's record log, and the client summary.
enum class Tab { book = 0, records = 1, client = 2 };

struct Call {
    int id = 0;
    RequestKind kind = RequestKind::card;
    std::string method;
    std::string path;   // relative to the relay, e.g. "/api/v1/card?lead_id=21001"
    std::string body;
};

struct BookingForm {
    int64_t branch_id = 0;
    std::vector<int64_t> service_ids;
    int64_t staff_id = -1;              // -1 = not chosen, 0 = any employee
    std::string date;                   // "YYYY-MM-DD"
    std::string slot_datetime;          // as Altegio gave it
    std::string slot_time;              // "HH:MM"
    std::string name, phone, email, comment;
    std::string color;                  // hex without '#', "" = the employee's default
    std::vector<int64_t> label_ids;     // record categories
    bool group = false;                 // a seat in a group event instead of an individual record
    std::string events_date;            // "YYYY-MM-DD", the day whose group events are listed
    int64_t activity_id = 0;            // the chosen group event
    std::map<std::string, std::string> custom_fields;   // additional record fields: code -> text (edited in place by the view)
};

// Record colours offered in the form: Material colours, as Altegio's own example value (f44336) is one.
// Altegio takes any hex; whether its calendar offers exactly these is UNVERIFIED.
extern const char* const record_palette[10];

struct ShownError {
    std::string message_key;            // translated by the view
    std::string detail;                 // shown small, for support
};

// The requests a state has sent and not yet seen answered, by id. A newer request of a kind supersedes an older
// one, whose reply is then ignored.
struct Requests {
    std::map<int, RequestKind> in_flight;
    int next_id = 1;

    Call start(RequestKind kind, std::string method, std::string path, std::string body = {});
    std::optional<RequestKind> finish(int request_id);   // none: superseded, or not this state's
    void forget(RequestKind kind);                       // a reply of this kind is no longer wanted
    bool loading(RequestKind kind) const;
    bool owns(int request_id) const { return in_flight.count(request_id) != 0; }
    bool busy() const { return !in_flight.empty(); }
};

// What a reply that is not a success tells the user (the relay's error in their language, or "unreachable");
// none for a success with a JSON body.
std::optional<ShownError> failure_of(int http_status, const Result<wire::Json>& json, const std::string& body);

// The part of the booking form an error is about, so that the form shows it beside that part as well as under
// the button that was pressed: none for errors about no one field (Altegio busy, session expired).
enum class FormPart { none, branch, services, employee, date, time, client, record_fields, events };
FormPart form_part_of(const std::string& message_key);

struct AppState {
    Place place = Place::lead_card;
    int64_t lead_id = 0;
    std::string language = "en";
    std::optional<wire::api::CardContext> card;
    std::optional<wire::api::Catalog> catalog;
    std::vector<domain::Staff> staff;
    std::vector<std::string> dates;
    std::vector<domain::TimeSlot> times;
    BookingForm form;
    std::optional<wire::api::BookingResult> result;
    std::optional<ShownError> error;
    std::string request_key;            // the current "Create record" intent; reused by a retry
    std::string service_search;         // the services list's search box (edited in place by the view)
    bool services_listed = false;       // the list shown beside chosen services ("Add a service"; by the view)
    std::string today;                  // "YYYY-MM-DD", the user's date (the shell sets it): where the grid opens
    ScheduleState schedule;
    EditingRecord editing;
    std::optional<std::vector<domain::GroupEvent>> events;   // the group events of form.events_date, once loaded
    Tab tab = Tab::book;
    RecordsState records;
    std::optional<wire::api::ClientSummary> client;             // the client summary, once loaded
    PipelineState pipeline;
    Requests requests;

    bool loading(RequestKind kind) const { return requests.loading(kind); }
    bool busy() const { return requests.busy(); }
    bool can_book() const;              // also "can save" while editing
    const domain::Branch* branch() const;
};

// What a view asks of the state: one small struct per kind of choice, each naming what it carries.
namespace intent {
// the booking form
struct ChooseBranch { int64_t branch_id; };
struct ToggleService { int64_t service_id; };
struct ChooseStaff { int64_t staff_id; };           // 0 = any
struct ChooseDate { std::string date; };
struct ChooseSlot { std::string datetime; };
struct EditClient {};                                // the text fields changed (the view edits the form in place)
struct Book { std::string key; };                    // a fresh random key, used unless a retry reuses the current one
struct BookAnother {};                               // after a booking: start a new one for the same lead
struct DismissError {};
struct RetryLoading {};
struct ShowTab { Tab tab; };                         // loads the tab's data the first time
struct Refresh {};                                   // loads the current tab's data again
struct ChangeStatus { int64_t record_id; std::string action; };   // "confirm" | "came" | "did_not_come" | "cancel"
struct AskCancel { int64_t record_id; };             // "Cancel this record?" is shown before anything is sent
struct KeepRecord {};                                // the answer "No" to that question
struct ChooseColor { std::string hex; };             // from record_palette, "" = the employee's default
struct ToggleLabel { int64_t label_id; };            // a record category
struct EditRecord { int64_t record_id; };            // from the log: the booking form opens with the record in it
struct StopEditing {};                               // leaves the record as it is and empties the form
// the account's log (pipeline view)
struct ShiftPeriod { int64_t direction; };           // -1 or +1: the previous or next period of the same length
struct SetPeriodDays { int64_t days; };              // days shown from the period's first day (1 or 7)
struct FilterBranch { int64_t branch_id; };          // 0 = every branch (asks the relay again)
struct FilterStaff { int64_t staff_id; };            // 0 = every employee
struct FilterStatus { int64_t status; };             // domain::RecordState as int, -1 = any
struct EditSearch {};                                // the search text changed (the view edits it in place)
struct SortLog { LogColumn column; bool descending; };
struct OpenLead { int64_t lead_id; };                // the shell opens the lead's card
struct NewRecord {};                                 // "New record": the lead picker opens over the log
struct FindLeads {};                                 // searches new_record.lead_query
struct ChooseLead { int64_t lead_id; };              // that lead's card is read; the booking form follows
struct CreateLead { std::string key; };              // a new lead for the client in the form's client fields
struct ChangeLead {};                                // back to the lead picker, the form's client kept
struct CloseNewRecord {};                            // back to the log, read again
// the schedule grid
struct OpenSchedule { int64_t staff_id; };           // one employee's schedule, 0 for the general schedule
struct CloseSchedule {};
struct ShiftScheduleDay { int64_t days; };           // -7, -1, +1, +7; 0 = back to today
struct FilterScheduleStaff { int64_t staff_id; };    // show or hide one employee; 0 = every employee
struct PickFreeSlot { int64_t staff_id; std::string datetime; };   // fills the booking form
// group events
struct SetGroupMode { bool group; };                 // a seat in a group event, or an individual record
struct ShiftEventsDay { int64_t days; };             // 0 = today
struct ChooseEvent { int64_t event_id; };
}  // namespace intent

using Intent = std::variant<intent::ChooseBranch, intent::ToggleService, intent::ChooseStaff, intent::ChooseDate,
                            intent::ChooseSlot, intent::EditClient, intent::Book, intent::BookAnother, intent::DismissError,
                            intent::RetryLoading, intent::ShowTab, intent::Refresh, intent::ChangeStatus, intent::AskCancel,
                            intent::KeepRecord, intent::ChooseColor, intent::ToggleLabel, intent::EditRecord,
                            intent::StopEditing, intent::ShiftPeriod, intent::SetPeriodDays, intent::FilterBranch,
                            intent::FilterStaff, intent::FilterStatus, intent::EditSearch, intent::SortLog, intent::OpenLead,
                            intent::OpenSchedule, intent::CloseSchedule, intent::ShiftScheduleDay,
                            intent::FilterScheduleStaff, intent::PickFreeSlot, intent::SetGroupMode, intent::ShiftEventsDay,
                            intent::ChooseEvent, intent::NewRecord, intent::FindLeads, intent::ChooseLead,
                            intent::CreateLead, intent::ChangeLead, intent::CloseNewRecord>;

std::vector<Call> start(AppState& state, int64_t lead_id, const std::string& language);
// The pipeline view: the account's log of `today` ("YYYY-MM-DD", the user's own date).
std::vector<Call> start_pipeline(AppState& state, const std::string& language, const std::string& today);
// Carries out one intent (each kind has its own reducer in app_state.cpp); the relay calls it needs.
std::vector<Call> apply(AppState& state, const Intent& intent);
std::vector<Call> on_reply(AppState& state, int request_id, int http_status, const std::string& body);

// The rows of the account's log that pass the filters, in the chosen order.
std::vector<const wire::api::RecordRow*> visible_log_rows(const AppState& state);
// The employees that appear in the account's log, by name, for the employee filter.
std::vector<std::pair<int64_t, std::string>> log_staff(const AppState& state);

// The grid's hours: from the earliest working hour, record or free start of the shown columns to the latest
// end, in whole hours (minutes since midnight); 09:00-21:00 when the day shows nothing.
struct MinuteRange {
    int32_t first = 9 * 60;
    int32_t last = 21 * 60;
};
MinuteRange schedule_hours(const wire::api::DaySchedule& day);
// The minute the grid opens at: the day's first free start over every column (today's free starts are all still
// ahead), else the first hour of the grid, so nobody scrolls past a booked morning to find a time.
int32_t schedule_opening_minute(const wire::api::DaySchedule& day);

// The catalogue's services whose title contains the search text (any case), in the catalogue's order;
// chosen services always stay in view so they can be unticked.
std::vector<const domain::Service*> visible_services(const AppState& state);

// Minutes of the chosen services, for the summary line.
int32_t chosen_duration_minutes(const AppState& state);

}  // namespace kb::widget
