// Telephony rules and formats: what each PBX event makes the relay do (pop-up, history, Kommo note) whatever the
// order and repetition of events, where a call is logged in Kommo, a chain's validation, the PBX's JSON and
// Altegio's commands.
#include <doctest/doctest.h>
#include "shared/domain/telephony.hpp"
#include "shared/wire/json_read.hpp"
#include "shared/wire/telephony.hpp"
#include "shared/wire/telephony_api.hpp"

using namespace kb;
using namespace kb::domain;
using kb::wire::Json;

namespace {

CallEvent event(CallState state, int32_t duration = 0, int64_t at = 1795000000) {
    CallEvent e;
    e.call_id = "pbx-1";
    e.state = state;
    e.direction = CallDirection::incoming;
    e.from = "+7 916 123-45-67";
    e.to = "+7 495 100-20-30";
    e.sip_user = "101";
    e.at = at;
    e.duration = duration;
    return e;
}

// Runs the events through one record as the relay does, marking each due step done; what was due, in order.
std::vector<std::string> run(CallRecord& call, const std::vector<CallEvent>& events, bool configured = true) {
    std::vector<std::string> done;
    for (const auto& e : events) {
        CallSteps steps = plan_call_event(call, e, configured);
        if (steps.popup) { done.push_back("popup"); call.popup_sent = true; }
        if (steps.save_history) { done.push_back(call_succeeded(call) ? "history:success" : "history:missed"); call.history_saved = true; }
        if (steps.log_in_kommo) { done.push_back("kommo"); call.kommo_logged = true; }
    }
    return done;
}

}  // namespace

TEST_CASE("telephony: a ringing, answered, ended call pops up once and is saved once as a success") {
    CallRecord call;
    auto done = run(call, {event(CallState::ringing), event(CallState::answered, 0, 1795000005), event(CallState::ended, 90, 1795000095)});
    CHECK(done == std::vector<std::string>{"popup", "history:success", "kommo"});
    CHECK(call.started_at == 1795000000);
    CHECK(call.duration == 90);
    CHECK(call.client_phone == "+7 916 123-45-67");
    CHECK(call.line_number == "+7 495 100-20-30");
}

TEST_CASE("telephony: a call nobody answered is saved as missed") {
    CallRecord call;
    CHECK(run(call, {event(CallState::ringing), event(CallState::ended, 0)}) == std::vector<std::string>{"popup", "history:missed", "kommo"});
}

TEST_CASE("telephony: repeated events change nothing already done") {
    CallRecord call;
    auto done = run(call, {event(CallState::ringing), event(CallState::ringing), event(CallState::ended, 30), event(CallState::ended, 30)});
    CHECK(done == std::vector<std::string>{"popup", "history:success", "kommo"});
    CHECK(plan_call_event(call, event(CallState::ended, 30), true).outcome == "repeated: the call was saved already");
}

TEST_CASE("telephony: out of order, the ended call is saved and a late ringing shows no pop-up") {
    CallRecord call;
    auto done = run(call, {event(CallState::ended, 45, 1795000060), event(CallState::answered, 0, 1795000010), event(CallState::ringing)});
    CHECK(done == std::vector<std::string>{"history:success", "kommo"});
    CHECK(call.started_at == 1795000000);   // the ringing's time, though it came last
    CHECK(plan_call_event(call, event(CallState::ringing), true).outcome == "late: the call had ended, no pop-up");
}

TEST_CASE("telephony: an outgoing call has no pop-up; an internal one is not logged in Kommo") {
    CallRecord out;
    auto outgoing = event(CallState::ringing);
    outgoing.direction = CallDirection::outgoing;
    std::swap(outgoing.from, outgoing.to);
    auto ended = outgoing;
    ended.state = CallState::ended;
    CHECK(run(out, {outgoing, ended}) == std::vector<std::string>{"history:missed", "kommo"});
    CHECK(out.client_phone == "+7 916 123-45-67");   // the callee
    CHECK(out.line_number == "+7 495 100-20-30");

    CallRecord internal;
    auto inside = event(CallState::ended, 20);
    inside.direction = CallDirection::internal;
    CHECK(run(internal, {inside}) == std::vector<std::string>{"history:success"});
}

TEST_CASE("telephony: a call on a number the chain does not have is ignored") {
    CallRecord call;
    CHECK(run(call, {event(CallState::ringing), event(CallState::ended, 10)}, false).empty());
    CHECK(call.ignored);
    CHECK(plan_call_event(call, event(CallState::ended), false).outcome ==
          "ignored: +7 495 100-20-30 is not one of the chain's virtual numbers");
}

TEST_CASE("telephony: a call is logged on the newest open lead of the contact with the phone, else on the contact") {
    std::vector<KnownContact> contacts{
        {31, {"+7 999 000-00-00"}, {{501, 1, 10, 100}}},
        {32, {"8 (916) 123-45-67"}, {{502, 1, 10, 200}, {503, 1, 142, 300}, {504, 1, 11, 250}}},
    };
    auto target = find_call_target("+79161234567", contacts, "7");
    CHECK(target.kind == CallTarget::Kind::lead);
    CHECK(target.id == 504);   // 503 is newer but won (closed)

    contacts[1].leads = {{503, 1, 142, 300}};
    target = find_call_target("79161234567", contacts, "7");
    CHECK(target.kind == CallTarget::Kind::contact);
    CHECK(target.id == 32);

    CHECK(find_call_target("+7 926 000-11-22", contacts, "7").kind == CallTarget::Kind::none);
}

TEST_CASE("telephony: a chain needs a name, a token and valid numbers that no other chain has") {
    CHECK(validate_chain({"Bella", true, {"+7 495 100-20-30", "8 495 100-20-31"}}, {"+7 495 200-00-00"}, "7").empty());
    auto problems = validate_chain({" ", false, {"12", "+74951002030", "8 (495) 100-20-30", "+7 495 200-00-00"}}, {"74952000000"}, "7");
    REQUIRE(problems.size() == 5);
    CHECK(problems[0] == SettingsProblem{"name", "ui.telephony_error.name_missing", ""});
    CHECK(problems[1] == SettingsProblem{"crm_token", "ui.telephony_error.token_missing", ""});
    CHECK(problems[2] == SettingsProblem{"numbers[0]", "ui.telephony_error.number_invalid", "12"});
    CHECK(problems[3] == SettingsProblem{"numbers[2]", "ui.telephony_error.number_twice", "8 (495) 100-20-30"});
    CHECK(problems[4] == SettingsProblem{"numbers[3]", "ui.telephony_error.number_in_other_chain", "+7 495 200-00-00"});
    CHECK(validate_chain({"Bella", true, {}}, {}, "7")[0].message_key == "ui.telephony_error.numbers_missing");
}

TEST_CASE("telephony: the PBX's call event is read with its defaults, and a malformed one is refused naming the member") {
    auto e = wire::telephony::decode_call_event(
        Json{{"call_id", 1042}, {"state", "ended"}, {"direction", "in"}, {"from", "+79161234567"}, {"to", "+74951002030"},
             {"time", "2026-11-22T10:15:00+03:00"}, {"duration", "95"}, {"recording_url", "https://pbx.example/1042.mp3"}},
        1);
    REQUIRE(e);
    CHECK(e->call_id == "1042");
    CHECK(e->direction == CallDirection::incoming);
    CHECK(e->at == 1795331700);   // 07:15 UTC
    CHECK(e->duration == 95);
    CHECK(line_number_of(*e) == "+74951002030");
    auto received = wire::telephony::decode_call_event(Json{{"call_id", "a"}, {"state", "ringing"}, {"direction", "outgoing"},
                                                            {"from", "+74951002030"}, {"to", "+79161234567"}}, 1795000000);
    REQUIRE(received);
    CHECK(received->at == 1795000000);
    CHECK(wire::telephony::decode_call_event(*wire::parse_json(wire::telephony::encode_call_event(*e).dump()), 0) == *e);

    auto error_of = [](Json j) { return wire::telephony::decode_call_event(j, 0).error().detail; };
    const Json good{{"call_id", "x"}, {"state", "ringing"}, {"direction", "incoming"}, {"from", "1"}, {"to", "2"}};
    auto with = [&good](const char* key, Json value) {
        Json changed = good;
        changed[key] = std::move(value);
        return changed;
    };
    CHECK(error_of(Json{{"state", "ringing"}}) == "call_id: missing");
    CHECK(error_of(with("state", "busy")) == "state: expected ringing, answered or ended");
    CHECK(error_of(with("direction", "sideways")) == "direction: expected incoming, outgoing or internal");
    CHECK(error_of(with("time", "yesterday")) == "time: expected ISO 8601 with an offset, or unix seconds");
    CHECK(error_of(with("duration", -5)) == "duration: expected seconds, 0 or more");
    CHECK(error_of(with("recording_url", "ftp://x")) == "recording_url: expected an http(s) address");
    CHECK(error_of(with("call_id", std::string(129, 'a'))) == "call_id: longer than 128 characters");
}

TEST_CASE("telephony: Altegio's commands carry the token, the phones as digits with the country code, and the call's outcome") {
    CallRecord call;
    run(call, {event(CallState::ringing), event(CallState::ended, 95, 1795000095)});
    call.recording_url = "https://pbx.example/1.mp3";
    CHECK(wire::telephony::voip_setup(true, "tok") == Json{{"command", "setup"}, {"type", "enable"}, {"crm_token", "tok"}});
    CHECK(wire::telephony::voip_popup(call, "tok", "7") == Json{{"command", "event"}, {"type", "incoming"}, {"crm_token", "tok"},
                                                               {"phone", "79161234567"}, {"diversion", "74951002030"}, {"user", "101"}});
    Json history = wire::telephony::voip_history(call, "tok", "7");
    CHECK(history["command"] == "history");
    CHECK(history["status"] == "success");
    CHECK(history["duration"] == 95);
    CHECK(history["call_id"] == "pbx-1");
    CHECK(history["link"] == "https://pbx.example/1.mp3");
    CHECK(history["date"] == "2026-11-18T11:06:40+00:00");
    call.kommo_logged = true;
    CHECK(*wire::telephony::decode_call_record(wire::telephony::encode_call_record(call)) == call);
}

TEST_CASE("telephony: the settings section's messages survive a round trip") {
    wire::api::TelephonyPage page{{{"k1", "Bella", "…a1b2", {"+7 495 100-20-30"}, true, true, "", "", "https://relay/telephony/k1/calls", 5}}};
    wire::api::ChainReply reply{{{"numbers[0]", "ui.telephony_error.number_invalid", "12"}}, page, "k1"};
    auto back = wire::api::decode_chain_reply(*wire::parse_json(wire::api::encode(reply).dump()));
    REQUIRE(back);
    CHECK(wire::api::encode(*back) == wire::api::encode(reply));
    wire::api::ChainSave save{"", "Bella", "secret", {"1", "2"}, true};
    auto saved = wire::api::decode_chain_save(wire::api::encode(save));
    REQUIRE(saved);
    CHECK(wire::api::encode(*saved) == wire::api::encode(save));
    CHECK(!wire::api::decode_chain_save(Json{{"numbers", {1, 2}}}));
}
