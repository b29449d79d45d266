#pragma once
// The widget's state and the pure functions that change it. The view emits Intents; the platform sends the
// Calls the reducers return and feeds replies back. No ImGui and no browser here: tested natively.
// Usage:
//   AppState state;
//   auto calls = start(state, lead_id, "ru");
//   ... send each call; on reply: auto more = on_reply(state, call.id, status, body);
//   ... on a user action:      auto more = apply(state, Intent{IntentKind::choose_branch, 400001});
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>
#include "shared/wire/widget_api.hpp"

namespace kb::widget {

enum class RequestKind { card, catalog, staff, dates, times, book, records, client, status };

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
};

struct ShownError {
    std::string message_key;            // translated by the view
    std::string detail;                 // shown small, for support
};

struct AppState {
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
    Tab tab = Tab::book;
    std::optional<std::vector<wire::api::RecordRow>> records;   // the lead's record log, once loaded
    std::optional<wire::api::ClientSummary> client;             // the client summary, once loaded
    int64_t status_record_id = 0;       // the record whose status change is on its way
    int64_t cancel_asked_id = 0;        // the record whose cancellation waits for "Yes"
    std::map<int, RequestKind> in_flight;
    int next_request_id = 1;

    bool loading(RequestKind kind) const;
    bool busy() const { return !in_flight.empty(); }
    bool can_book() const;
    const domain::Branch* branch() const;
};

enum class IntentKind {
    choose_branch,      // number = branch id
    toggle_service,     // number = service id
    choose_staff,       // number = staff id (0 = any)
    choose_date,        // text = date
    choose_slot,        // text = datetime
    edit_client,        // the text fields changed (the view edits the form in place)
    book,               // text = a fresh random key, used unless a retry reuses the current one
    book_another,       // after a booking: start a new one for the same lead
    dismiss_error,
    retry_loading,
    show_tab,           // number = Tab; loads the tab's data the first time
    refresh,            // loads the current tab's data again
    change_status,      // number = record id, text = "confirm" | "came" | "did_not_come" | "cancel"
    ask_cancel,         // number = record id: "Cancel this record?" is shown before anything is sent
    keep_record,        // the answer "No" to that question
};

struct Intent {
    IntentKind kind;
    int64_t number = 0;
    std::string text;
};

std::vector<Call> start(AppState& state, int64_t lead_id, const std::string& language);
std::vector<Call> apply(AppState& state, const Intent& intent);
std::vector<Call> on_reply(AppState& state, int request_id, int http_status, const std::string& body);

// Minutes of the chosen services, for the summary line.
int32_t chosen_duration_minutes(const AppState& state);

}  // namespace kb::widget
