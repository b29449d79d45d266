#include "shared/wire/telephony.hpp"

#include "shared/domain/calendar.hpp"
#include "shared/domain/phone.hpp"

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
        if (time->is_number_integer()) e.at = time->get<int64_t>();
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

Result<std::vector<domain::CallEvent>> decode_call_events(std::string_view body, int64_t received_at) {
    auto parsed = parse_json(body);
    if (!parsed) return fail(Errc::bad_input, "ui.error.bad_webhook", parsed.error().detail);
    std::vector<domain::CallEvent> events;
    if (!parsed->is_array()) {
        auto one = decode_call_event(*parsed, received_at);
        if (!one) return tl::unexpected(one.error());
        events.push_back(std::move(*one));
        return events;
    }
    if (parsed->empty()) return fail(Errc::bad_input, "ui.error.bad_webhook", "no call events");
    for (size_t i = 0; i < parsed->size(); ++i) {
        auto one = decode_call_event((*parsed)[i], received_at);
        if (!one) return fail(Errc::bad_input, "ui.error.bad_webhook", index_path("", i) + "." + one.error().detail);
        events.push_back(std::move(*one));
    }
    return events;
}

Json encode_call_event(const domain::CallEvent& e) {
    return Json{{"call_id", e.call_id},      {"state", domain::call_state_name(e.state)},
                {"direction", domain::call_direction_name(e.direction)},
                {"from", e.from},            {"to", e.to},
                {"virtual_number", e.virtual_number}, {"sip_user", e.sip_user},
                {"time", e.at},              {"duration", e.duration},
                {"recording_url", e.recording_url}};
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
