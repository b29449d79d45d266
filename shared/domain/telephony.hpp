#pragma once
// Telephony: calls of a salon chain's virtual numbers, reported by its PBX event by event, shown in Altegio (the
// pop-up of an incoming call, the call history) and logged in Kommo (a call note on the client's lead).
//
// A PBX reports each call as ringing → answered → ended, but events arrive out of order and twice. The relay
// keeps what it knows of each call (CallRecord) and plan_call_event folds in the next event and says what is due:
//   - the pop-up: an incoming call still ringing, once;
//   - the history entry in Altegio and the note in Kommo: once the call ended, each once (a late or repeated
//     event changes nothing already saved);
//   - nothing when the call's line is not one of the chain's virtual numbers.
// Usage:
//   CallRecord call = stored.value_or(CallRecord{});
//   CallSteps steps = plan_call_event(call, event, line_configured);
//   if (steps.popup) ... call.popup_sent = true;   (the caller marks each step done when it succeeded)
#include <cstdint>
#include <string>
#include <vector>
#include "shared/domain/kommo_facts.hpp"
#include "shared/domain/settings.hpp"

namespace kb::domain {

enum class CallDirection { incoming, outgoing, internal };
enum class CallState { ringing, answered, ended };

const char* call_direction_name(CallDirection direction);   // "incoming", "outgoing", "internal" (Altegio's words)
const char* call_state_name(CallState state);               // "ringing", "answered", "ended"

// One event as the PBX reports it.
struct CallEvent {
    std::string call_id;
    CallState state = CallState::ringing;
    CallDirection direction = CallDirection::incoming;
    std::string from, to;
    std::string virtual_number;      // the chain's number the call went through; "" = `to` of an incoming call, else `from`
    std::string sip_user;            // the employee's SIP extension, when the PBX knows it
    int64_t at = 0;                  // unix seconds when it happened
    int32_t duration = 0;            // seconds of conversation (an ended call)
    std::string recording_url;
    friend bool operator==(const CallEvent&, const CallEvent&) = default;
};

// The client's number: the caller of an incoming call, the callee of an outgoing one.
std::string client_phone_of(const CallEvent& event);
// The chain's number the call used.
std::string line_number_of(const CallEvent& event);

// What the relay knows of one call so far, and which of its steps are done.
struct CallRecord {
    std::string call_id;
    CallDirection direction = CallDirection::incoming;
    std::string client_phone, line_number, sip_user;
    int64_t started_at = 0;          // unix seconds: the earliest moment its events show
    bool answered = false;
    bool ended = false;
    int32_t duration = 0;
    std::string recording_url;
    bool popup_sent = false;
    bool history_saved = false;
    bool kommo_logged = false;
    bool ignored = false;            // its line is not one of the chain's numbers
    friend bool operator==(const CallRecord&, const CallRecord&) = default;
};

struct CallSteps {
    bool popup = false;              // Altegio's pop-up for the employees on that line
    bool save_history = false;       // Altegio's call history
    bool log_in_kommo = false;       // the call note on the client's lead
    std::string outcome;             // what the event did, for the request history
};

// Folds `event` into `call` and says which steps are due now. `line_configured`: the event's line number is one
// of the chain's virtual numbers.
CallSteps plan_call_event(CallRecord& call, const CallEvent& event, bool line_configured);

// Answered (an answered event, or an ended one with a conversation): Altegio's "success", else "missed".
bool call_succeeded(const CallRecord& call);

// Where a call is logged in Kommo: the newest open lead of a contact with the client's phone; a contact with
// that phone but no open lead gets the note itself; nobody with that phone: none.
struct CallTarget {
    enum class Kind { lead, contact, none };
    Kind kind = Kind::none;
    int64_t id = 0;
    std::string reason;
};
CallTarget find_call_target(const std::string& client_phone, const std::vector<KnownContact>& contacts,
                            std::string_view default_country_code);

// One chain as the admin enters it. Problems come back with a path ("name", "crm_token", "numbers[2]") and a
// message key "ui.telephony_error.*"; `detail` names the number.
struct ChainDraft {
    std::string name;
    bool has_token = false;          // typed now, or kept from before
    std::vector<std::string> numbers;
};
std::vector<SettingsProblem> validate_chain(const ChainDraft& chain, const std::vector<std::string>& other_chains_numbers,
                                            std::string_view default_country_code);

// Whether `number` is one of `numbers` (the phone rules: formatting and the trunk prefix do not matter).
bool number_listed(const std::string& number, const std::vector<std::string>& numbers, std::string_view default_country_code);

}  // namespace kb::domain
