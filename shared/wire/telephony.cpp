#include "shared/wire/telephony.hpp"

#include "shared/domain/calendar.hpp"
#include "shared/domain/phone.hpp"
#include "shared/wire/json_read.hpp"

namespace kb::wire::telephony {
namespace {

Error bad(const std::string& path, const std::string& what) { return Error{Errc::bad_input, "ui.error.bad_webhook", path + ": " + what}; }

std::optional<domain::CallState> state_named(const std::string& name) {
    if (name == "ringing") return domain::CallState::ringing;
    if (name == "answered") return domain::CallState::answered;
    if (name == "ended") return domain::CallState::ended;
    return std::nullopt;
}

std::optional<domain::CallDirection> direction_named(const std::string& name) {
    if (name == "incoming" || name == "in" || name == "inbound") return domain::CallDirection::incoming;
    if (name == "outgoing" || name == "out" || name == "outbound") return domain::CallDirection::outgoing;
    if (name == "internal") return domain::CallDirection::internal;
    return std::nullopt;
}

std::string digits(const std::string& phone, std::string_view country) {
    return domain::format_phone(phone, domain::PhoneFormat::digits, {}, country);
}

// The members every command about a call carries.
Json call_command(const char* command, const domain::CallRecord& call, const std::string& crm_token, std::string_view country) {
    Json body{{"command", command}, {"type", domain::call_direction_name(call.direction)}, {"crm_token", crm_token},
              {"phone", digits(call.client_phone, country)}, {"diversion", digits(call.line_number, country)}};
    if (!call.sip_user.empty()) body["user"] = call.sip_user;
    return body;
}

}  // namespace

Result<domain::CallEvent> decode_call_event(const Json& value, int64_t received_at) {
    if (!value.is_object()) return tl::unexpected(bad("call", "expected an object"));
    domain::CallEvent e;
    e.call_id = read_text(value, "call_id");
    if (e.call_id.empty()) return tl::unexpected(bad("call_id", "missing"));
    if (e.call_id.size() > max_call_id_length) return tl::unexpected(bad("call_id", "longer than 128 characters"));
    auto state = state_named(read_text(value, "state"));
    if (!state) return tl::unexpected(bad("state", "expected ringing, answered or ended"));
    e.state = *state;
    auto direction = direction_named(read_text(value, "direction"));
    if (!direction) return tl::unexpected(bad("direction", "expected incoming, outgoing or internal"));
    e.direction = *direction;
    e.from = read_text(value, "from");
    e.to = read_text(value, "to");
    e.virtual_number = read_text(value, "virtual_number");
    e.sip_user = read_text(value, "sip_user");
    if (e.from.empty()) return tl::unexpected(bad("from", "missing"));
    if (e.to.empty() && e.virtual_number.empty()) return tl::unexpected(bad("to", "missing"));
    e.at = received_at;
    if (const Json* time = member(value, "time"); time && !time->is_null()) {
        constexpr int64_t last_second = 253402300799;   // 9999-12-31T23:59:59Z
        if (time->is_number_integer() && time->get<int64_t>() >= 0 && time->get<int64_t>() <= last_second) e.at = time->get<int64_t>();
        else if (int64_t moment = time->is_string() ? domain::moment_of(time->get<std::string>()) : 0; moment != 0) e.at = moment;
        else return tl::unexpected(bad("time", "expected ISO 8601 with an offset, or unix seconds"));
    }
    auto duration = read_int_or(value, "duration", "duration", 0);
    if (!duration || *duration < 0 || *duration > 7 * 86400) return tl::unexpected(bad("duration", "expected seconds, 0 or more"));
    e.duration = static_cast<int32_t>(*duration);
    e.recording_url = read_text(value, "recording_url");
    if (!e.recording_url.empty() && e.recording_url.rfind("https://", 0) != 0 && e.recording_url.rfind("http://", 0) != 0)
        return tl::unexpected(bad("recording_url", "expected an http(s) address"));
    return e;
}

Json encode_call_event(const domain::CallEvent& e) {
    return Json{{"call_id", e.call_id},      {"state", domain::call_state_name(e.state)},
                {"direction", domain::call_direction_name(e.direction)},
                {"from", e.from},            {"to", e.to},
                {"virtual_number", e.virtual_number}, {"sip_user", e.sip_user},
                {"time", e.at},              {"duration", e.duration},
                {"recording_url", e.recording_url}};
}

Json encode_call_record(const domain::CallRecord& c) {
    return Json{{"call_id", c.call_id},          {"direction", domain::call_direction_name(c.direction)},
                {"client_phone", c.client_phone}, {"line_number", c.line_number},
                {"sip_user", c.sip_user},        {"started_at", c.started_at},
                {"answered", c.answered},        {"ended", c.ended},
                {"duration", c.duration},        {"recording_url", c.recording_url},
                {"popup_sent", c.popup_sent},    {"history_saved", c.history_saved},
                {"kommo_logged", c.kommo_logged}, {"ignored", c.ignored}};
}

Result<domain::CallRecord> decode_call_record(const Json& j) {
    if (!j.is_object()) return fail(Errc::internal, "ui.error.storage", "call record: expected an object");
    domain::CallRecord c;
    c.call_id = read_text(j, "call_id");
    c.direction = direction_named(read_text(j, "direction")).value_or(domain::CallDirection::incoming);
    c.client_phone = read_text(j, "client_phone");
    c.line_number = read_text(j, "line_number");
    c.sip_user = read_text(j, "sip_user");
    c.started_at = read_int_or(j, "started_at", "call", 0).value_or(0);
    c.answered = read_flag(j, "answered");
    c.ended = read_flag(j, "ended");
    c.duration = static_cast<int32_t>(read_int_or(j, "duration", "call", 0).value_or(0));
    c.recording_url = read_text(j, "recording_url");
    c.popup_sent = read_flag(j, "popup_sent");
    c.history_saved = read_flag(j, "history_saved");
    c.kommo_logged = read_flag(j, "kommo_logged");
    c.ignored = read_flag(j, "ignored");
    return c;
}

Json voip_setup(bool enable, const std::string& crm_token) {
    return Json{{"command", "setup"}, {"type", enable ? "enable" : "disable"}, {"crm_token", crm_token}};
}

Json voip_popup(const domain::CallRecord& call, const std::string& crm_token, std::string_view country) {
    return call_command("event", call, crm_token, country);
}

Json voip_history(const domain::CallRecord& call, const std::string& crm_token, std::string_view country) {
    Json body = call_command("history", call, crm_token, country);
    body["call_id"] = call.call_id;
    body["status"] = domain::call_succeeded(call) ? "success" : "missed";
    body["duration"] = call.duration;
    body["link"] = call.recording_url;
    body["date"] = domain::format_iso_datetime(call.started_at, 0);
    return body;
}

}  // namespace kb::wire::telephony
