// Telephony: an admin connects a salon chain (its Altegio telephony token and virtual numbers), the relay enables
// it in Altegio; the chain's PBX reports calls, which pop up in Altegio while ringing, are saved once in Altegio's
// call history when they end, and are logged as call notes on the client's Kommo lead — whatever the order and
// repetition of the PBX's events. A number the chain does not list is ignored and the history says so.
#include <doctest/doctest.h>
#include <set>
#include "sync_helpers.hpp"

using namespace kb;
using namespace kb::testing;

namespace {

const std::string line = "+7 495 100-20-30";   // the chain's virtual number

Json chain_body(const std::string& name, const std::string& token, std::vector<std::string> numbers, bool new_leads = false,
                const std::string& key = "") {
    return Json{{"key", key}, {"name", name}, {"crm_token", token}, {"numbers", numbers}, {"new_lead_for_unknown", new_leads}};
}

// Connects the sandbox's chain; its PBX address.
std::string connect_chain(World& world, bool new_leads = false) {
    auto saved = world.call("PUT", "/api/v1/telephony/chains", chain_body("Bella Studio", "sandbox-crm-token", {line}, new_leads));
    REQUIRE_MESSAGE(saved.status == 200, saved.body);
    auto chain = body_of(saved)["page"]["chains"][0];
    REQUIRE(chain["enabled"] == true);
    return chain["calls_url"];
}

Json place_call(World& world, const std::string& url, Json call) {
    call["url"] = url;
    auto placed = world.control("POST", "/__sandbox/pbx/call", call);
    REQUIRE_MESSAGE(placed.status == 200, placed.body);
    return body_of(placed);
}

Json voip(World& world) { return world.sandbox_state()["altegio"]["voip"]; }

std::vector<Json> notes_of(World& world, const std::string& entity, int64_t id) {
    std::vector<Json> out;
    Json state = world.sandbox_state();
    for (const auto& note : state["kommo"]["notes"])
        if (note["entity_type"] == entity && note["entity_id"] == id) out.push_back(note);
    return out;
}

// Anna (contact 31001, open lead 21001) calls the salon's line.
const Json anna_calls{{"call_id", "pbx-1001"}, {"direction", "incoming"}, {"from", "+79991234567"}, {"to", line}, {"sip_user", "101"},
                      {"answered", true}, {"duration", 95}, {"recording_url", "https://pbx.example/rec/1001.mp3"}};

}  // namespace

TEST_CASE("telephony: an admin connects a chain and the relay enables it in Altegio; a wrong chain is refused whole") {
    World world;
    world.install();
    auto refused = world.call("PUT", "/api/v1/telephony/chains", chain_body(" ", "", {"12", line}));
    CHECK(refused.status == 422);
    auto problems = body_of(refused)["problems"];
    REQUIRE(problems.size() == 3);
    CHECK(problems[0]["message_key"] == "ui.telephony_error.name_missing");
    CHECK(problems[1]["message_key"] == "ui.telephony_error.token_missing");
    CHECK(problems[2]["path"] == "numbers[0]");
    CHECK(body_of(world.call("GET", "/api/v1/telephony"))["chains"].empty());   // nothing half saved

    auto saved = world.call("PUT", "/api/v1/telephony/chains", chain_body("Bella Studio", "sandbox-crm-token", {line}));
    REQUIRE_MESSAGE(saved.status == 200, saved.body);
    auto chain = body_of(saved)["page"]["chains"][0];
    std::string key = chain["key"];
    CHECK(chain["enabled"] == true);
    CHECK(chain["token_hint"] == "…oken");
    std::string calls_url = chain["calls_url"];   // the chain's key and its own tag (relay/hooks/intake_keys.hpp)
    CHECK(calls_url.rfind("http://relay.test/telephony/" + key + ".", 0) == 0);
    CHECK(calls_url.size() == std::string("http://relay.test/telephony/").size() + key.size() + 1 + 32 + std::string("/calls").size());
    CHECK(voip(world)["chains"]["sandbox-crm-token"]["enabled"] == true);
    CHECK(world.raw_value("SELECT crm_token_sealed FROM telephony_chains").find("sandbox-crm-token") == std::string::npos);
    CHECK(saved.body.find("sandbox-crm-token") == std::string::npos);   // the token never goes back to the browser

    // Another chain may not take the same number; a token Altegio does not know is kept with Altegio's refusal.
    auto twice = world.call("PUT", "/api/v1/telephony/chains", chain_body("Madrid", "other-token", {"8 495 100 20 30"}));
    CHECK(twice.status == 422);
    CHECK(body_of(twice)["problems"][0]["message_key"] == "ui.telephony_error.number_in_other_chain");
    auto unknown = world.call("PUT", "/api/v1/telephony/chains", chain_body("Madrid", "other-token", {"+34 910 000 002"}));
    REQUIRE(unknown.status == 200);
    auto madrid = body_of(unknown)["page"]["chains"][1];
    CHECK(madrid["enabled"] == false);
    CHECK(madrid["error_detail"].get<std::string>().find("403") != std::string::npos);

    // Disabled and enabled again; editing keeps the token when none is typed.
    CHECK(body_of(world.call("POST", "/api/v1/telephony/chains/" + key + "/disable"))["page"]["chains"][0]["enabled"] == false);
    CHECK(voip(world)["chains"]["sandbox-crm-token"]["enabled"] == false);
    CHECK(body_of(world.call("POST", "/api/v1/telephony/chains/" + key + "/enable"))["page"]["chains"][0]["enabled"] == true);
    auto renamed = world.call("PUT", "/api/v1/telephony/chains", chain_body("Bella Studio Moscow", "", {line, "+7 495 100-20-31"}, true, key));
    REQUIRE_MESSAGE(renamed.status == 200, renamed.body);
    auto edited = body_of(renamed)["page"]["chains"][0];
    CHECK(edited["name"] == "Bella Studio Moscow");
    CHECK(edited["numbers"].size() == 2);
    CHECK(edited["new_lead_for_unknown"] == true);
    CHECK(edited["enabled"] == true);

    // Only administrators; removing disables the chain in Altegio first.
    CHECK(world.call("GET", "/api/v1/telephony", Json(), 9002).status == 403);
    auto removed = world.call("DELETE", "/api/v1/telephony/chains/" + key);
    REQUIRE(removed.status == 200);
    CHECK(body_of(removed)["page"]["chains"].size() == 1);
    CHECK(voip(world)["chains"]["sandbox-crm-token"]["enabled"] == false);
    CHECK(world.call("POST", "/api/v1/telephony/chains/" + key + "/enable").status == 404);
}

TEST_CASE("telephony: a ringing, answered, ended call pops up, is saved once as a success and logged on the client's lead") {
    World world(1000.0, 2);
    world.install();
    std::string url = connect_chain(world);
    auto placed = place_call(world, url, anna_calls);
    CHECK(placed["statuses"] == Json::array({200, 200, 200}));
    settle(world);

    auto popups = voip(world)["popups"];
    REQUIRE(popups.size() == 1);
    CHECK(popups[0]["phone"] == "79991234567");
    CHECK(popups[0]["diversion"] == "74951002030");
    CHECK(popups[0]["user"] == "101");
    auto calls = voip(world)["calls"];
    REQUIRE(calls.size() == 1);
    CHECK(calls[0]["status"] == "success");
    CHECK(calls[0]["duration"] == 95);
    CHECK(calls[0]["call_id"] == "pbx-1001");
    CHECK(calls[0]["link"] == "https://pbx.example/rec/1001.mp3");

    auto notes = notes_of(world, "leads", 21001);
    REQUIRE(notes.size() == 1);
    CHECK(notes[0]["note_type"] == "call_in");
    CHECK(notes[0]["params"]["duration"] == 95);
    CHECK(notes[0]["params"]["call_status"] == 4);
    CHECK(notes[0]["params"]["link"] == "https://pbx.example/rec/1001.mp3");
    CHECK(notes[0]["params"]["source"] == "Bella Studio");
    CHECK(body_of(world.call("GET", "/api/v1/telephony"))["chains"][0]["last_call_at_ms"].get<int64_t>() > 0);
}

TEST_CASE("telephony: a missed call is saved as missed; an outgoing one has no pop-up and is logged as outgoing") {
    World world(1000.0, 2);
    world.install();
    std::string url = connect_chain(world);
    place_call(world, url, Json{{"call_id", "pbx-2001"}, {"direction", "incoming"}, {"from", "8 (916) 555-44-33"}, {"to", line},
                                {"answered", false}});
    place_call(world, url, Json{{"call_id", "pbx-2002"}, {"direction", "outgoing"}, {"from", line}, {"to", "+7 999 123-45-67"},
                                {"answered", true}, {"duration", 30}});
    settle(world);
    auto calls = voip(world)["calls"];
    REQUIRE(calls.size() == 2);
    Json missed_call, outgoing_call;   // the two calls run side by side: found by id
    for (const auto& c : calls) (c["call_id"] == "pbx-2001" ? missed_call : outgoing_call) = c;
    CHECK(missed_call["status"] == "missed");
    CHECK(missed_call["duration"] == 0);
    CHECK(outgoing_call["call_id"] == "pbx-2002");
    CHECK(outgoing_call["type"] == "outgoing");
    CHECK(outgoing_call["phone"] == "79991234567");
    CHECK(voip(world)["popups"].size() == 1);   // the missed incoming call rang; the outgoing one does not pop up
    auto missed = notes_of(world, "leads", 21004);
    REQUIRE(missed.size() == 1);
    CHECK(missed[0]["params"]["call_status"] == 6);
    CHECK(missed[0]["params"]["call_result"] == "Missed");
    auto outgoing = notes_of(world, "leads", 21001);
    REQUIRE(outgoing.size() == 1);
    CHECK(outgoing[0]["note_type"] == "call_out");
}

TEST_CASE("telephony: events posted twice or in reverse order still save each call once") {
    World world(1000.0, 2);
    world.install();
    std::string url = connect_chain(world);
    Json twice = anna_calls;
    twice["order"] = "twice";
    auto placed = place_call(world, url, twice);
    CHECK(placed["statuses"].size() == 6);
    Json reversed = anna_calls;
    reversed["call_id"] = "pbx-1002";
    reversed["order"] = "reversed";
    place_call(world, url, reversed);
    settle(world);
    auto calls = voip(world)["calls"];
    REQUIRE(calls.size() == 2);
    // Two calls run side by side, so their order in Altegio is either; each is there once.
    std::set<std::string> saved{calls[0]["call_id"], calls[1]["call_id"]};
    CHECK(saved == std::set<std::string>{"pbx-1001", "pbx-1002"});
    CHECK(calls[0]["status"] == "success");
    CHECK(calls[1]["status"] == "success");
    // The reversed call had ended before its ringing came: no pop-up for it.
    REQUIRE(voip(world)["popups"].size() == 1);
    CHECK(notes_of(world, "leads", 21001).size() == 2);
    // The same post again is stored once: nothing new happens.
    auto again = world.relay_to_router_send({"POST", url, {}, placed["events"][2].dump()});
    CHECK(body_of(again)["new"] == 0);
}

TEST_CASE("telephony: a call on a number the chain does not list is ignored, and the request history says so") {
    World world(1000.0, 2);
    world.install();
    std::string url = connect_chain(world);
    Json other = anna_calls;
    other["to"] = "+7 495 999-99-99";
    place_call(world, url, other);
    settle(world);
    CHECK(voip(world)["popups"].empty());
    CHECK(voip(world)["calls"].empty());
    CHECK(notes_of(world, "leads", 21001).empty());
    auto history = world.relay->store().recent_history(31000001, 50);
    REQUIRE(history);
    int ignored = 0;
    for (const auto& entry : *history)
        if (entry.kind == "telephony.ignored") {
            ++ignored;
            CHECK(entry.error == "ignored: +7 495 999-99-99 is not one of the chain's virtual numbers");
        }
    CHECK(ignored == 3);   // ringing, answered, ended

    // The history page's "Calls from the PBX" type: the three posts received and the three calls ignored.
    auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    auto page = world.call("GET", "/api/v1/history?types=telephony&from_ms=" + std::to_string(now_ms - 3600000) + "&to_ms=" +
                                      std::to_string(now_ms + 60000));
    REQUIRE_MESSAGE(page.status == 200, page.body);
    auto rows = body_of(page)["rows"];
    CHECK(rows.size() == 6);
    for (const auto& row : rows) CHECK(row["type"] == "telephony");
}

TEST_CASE("telephony: an unknown caller gets a new lead with the call note when the chain allows it, and nothing otherwise") {
    World world(1000.0, 2);
    world.install();
    std::string url = connect_chain(world, true);
    size_t leads_before = world.sandbox_state()["kommo"]["leads"].size();
    place_call(world, url, Json{{"call_id", "pbx-3001"}, {"direction", "incoming"}, {"from", "+7 926 700-00-01"}, {"to", line}, {"answered", true},
                                {"duration", 12}});
    settle(world);
    auto leads = world.sandbox_state()["kommo"]["leads"];
    REQUIRE(leads.size() == leads_before + 1);
    auto created = leads.back();
    CHECK(created["name"] == "Incoming call from +7 926 700-00-01");
    CHECK(notes_of(world, "leads", created["id"]).size() == 1);

    // The option off: the call is saved in Altegio, and nothing is created in Kommo.
    auto page = body_of(world.call("GET", "/api/v1/telephony"))["chains"][0];
    REQUIRE(world.call("PUT", "/api/v1/telephony/chains", chain_body(page["name"], "", {line}, false, page["key"])).status == 200);
    place_call(world, url, Json{{"call_id", "pbx-3002"}, {"direction", "incoming"}, {"from", "+7 926 700-00-02"}, {"to", line}, {"answered", false}});
    settle(world);
    CHECK(world.sandbox_state()["kommo"]["leads"].size() == leads_before + 1);
    CHECK(voip(world)["calls"].size() == 2);
}

TEST_CASE("telephony: Altegio failing to save a call is tried again, and the call is saved once; a bad PBX post is refused") {
    World world(1000.0, 2);
    world.install();
    std::string url = connect_chain(world);
    // The pop-up fails all three quick tries (it is not tried later: the phone has stopped ringing); then the history's one try fails.
    world.sandbox.add_fault(sandbox::Fault{"altegio", "/voip/integration", 503, 0, 3, 0});
    world.sandbox.add_fault(sandbox::Fault{"altegio", "/voip/integration", 500, 0, 1, 0});
    place_call(world, url, anna_calls);
    settle(world);
    CHECK(voip(world)["popups"].empty());
    CHECK(voip(world)["calls"].size() == 1);

    CHECK(world.relay_to_router_send({"POST", url, {}, R"({"call_id":"x","state":"busy","direction":"incoming","from":"1","to":"2"})"}).status == 400);
    CHECK(world.relay_to_router_send({"POST", url, {}, "not json"}).status == 400);
    CHECK(world.relay_to_router_send({"POST", "http://relay.test/telephony/unknown/calls", {}, anna_calls.dump()}).status == 404);
}

TEST_CASE("telephony: uninstalling the integration disables the chains in Altegio and forgets their tokens and address") {
    World world;
    world.install();
    std::string url = connect_chain(world);
    REQUIRE(voip(world)["chains"]["sandbox-crm-token"]["enabled"] == true);
    auto removed = world.control("POST", "/__sandbox/kommo/uninstall");
    REQUIRE_MESSAGE(removed.status == 200, removed.body);
    CHECK(voip(world)["chains"]["sandbox-crm-token"]["enabled"] == false);
    CHECK(world.raw_value("SELECT COUNT(*) FROM telephony_chains") == "0");
    CHECK(world.relay_to_router_send({"POST", url, {}, anna_calls.dump()}).status == 404);
}
