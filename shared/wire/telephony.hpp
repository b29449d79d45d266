#pragma once
// The two wire formats of a call: what a PBX posts to the relay, and what the relay sends to Altegio's
// telephony endpoint (POST /voip/integration, partner token; ../shared/reference/altegio-api.md §5).
//
// A call event from the PBX (POST /telephony/{key}/calls, JSON; one object or an array of them):
//   {"call_id": "pbx-1042",              required: the PBX's id of the call, the same in all its events
//    "state": "ringing",                 required: "ringing" | "answered" | "ended"
//    "direction": "incoming",            required: "incoming" | "outgoing" | "internal" ("in"/"out" too)
//    "from": "+7 916 123-45-67",         required: who called
//    "to": "+7 495 100-20-30",           who was called (required unless virtual_number is given)
//    "virtual_number": "+7 495 100-20-30",   the chain's number the call went through (default: `to` of an
//                                             incoming call, `from` of an outgoing one)
//    "sip_user": "101",                  the employee's SIP extension
//    "time": "2026-11-22T10:15:00+03:00",    when it happened (ISO 8601 or unix seconds; default: when received)
//    "duration": 95,                     seconds of conversation, on "ended"
//    "recording_url": "https://pbx.example/rec/1042.mp3"}   on "ended"
#include <string>
#include <string_view>
#include "shared/domain/result.hpp"
#include "shared/domain/telephony.hpp"
#include "shared/wire/json_type.hpp"

namespace kb::wire::telephony {

constexpr size_t max_call_id_length = 128;

// One event; `received_at` (unix seconds) stands in for a missing time. Errors name the member.
Result<domain::CallEvent> decode_call_event(const Json& value, int64_t received_at);
// The event as the relay keeps it in its inbox (decode_call_event reads it back).
Json encode_call_event(const domain::CallEvent& event);
// What the relay knows of a call, as its store keeps it.
Json encode_call_record(const domain::CallRecord& call);
Result<domain::CallRecord> decode_call_record(const Json& value);

// Altegio's commands. Phones go as digits with the country code.
Json voip_setup(bool enable, const std::string& crm_token);
Json voip_popup(const domain::CallRecord& call, const std::string& crm_token, std::string_view default_country_code);
Json voip_history(const domain::CallRecord& call, const std::string& crm_token, std::string_view default_country_code);

}  // namespace kb::wire::telephony
