// Webhook intake into the durable inbox: nothing lost, nothing stored twice (the inbox's order, retries and
// requeueing after a crash are the store contract's, test_store_contract.cpp).
#include "world.hpp"

#include <thread>
#include "relay/hooks/intake.hpp"
#include "unit/fixture.hpp"

using namespace kb;
using namespace kb::testing;

namespace {

// The key of the account's Altegio address, as the relay hands it out.
std::string webhook_key(World& world) {
    std::string url = world.intake_url(hooks::Intake::altegio);
    return url.substr(url.rfind('/') + 1);
}

http::Response post_hook(World& world, const std::string& key, const std::string& body) {
    return world.relay_to_router_send({"POST", "http://relay.test/hooks/altegio/" + key, {}, body});
}

Json record_event(int64_t record, const std::string& change, int attendance = 1) {
    return Json{{"company_id", 400001}, {"resource", "record"}, {"resource_id", record}, {"status", "update"},
                {"data", Json{{"id", record}, {"company_id", 400001}, {"attendance", attendance}, {"last_change_date", change}}}};
}

}  // namespace

TEST_CASE("a wrong key is 404, malformed JSON 400, an oversized body 413, and none of them stores anything") {
    World world;
    world.install();
    CHECK(post_hook(world, "wrong-key", record_event(1, "a").dump()).status == 404);
    auto malformed = post_hook(world, webhook_key(world), "{\"company_id\": 5,");
    CHECK(malformed.status == 400);
    CHECK(body_of(malformed)["error"]["message_key"] == "ui.error.bad_webhook");
    CHECK(post_hook(world, webhook_key(world), R"({"company_id":5,"resource":"record","resource_id":1,"status":"moved"})").status == 400);
    CHECK(post_hook(world, webhook_key(world), std::string(hooks::max_webhook_bytes + 1, ' ')).status == 413);
    auto counts = world.relay->store().inbox_counts();
    REQUIRE(counts);
    CHECK(counts->pending + counts->done + counts->failed == 0);
}

TEST_CASE("the real array webhook is stored once, however often it is delivered") {
    World world;
    world.install();
    std::string body = read_fixture(KB_OWN_FIXTURES "/altegio/01_record_update_altegio_2025_array.json");
    auto first = post_hook(world, webhook_key(world), body);
    REQUIRE_MESSAGE(first.status == 200, first.body);
    CHECK(body_of(first)["new"] == 1);
    auto again = post_hook(world, webhook_key(world), body);
    CHECK(again.status == 200);
    CHECK(body_of(again)["new"] == 0);
    CHECK(world.relay->store().inbox_counts()->pending == 1);
    // Same record, a later change: a new event.
    CHECK(body_of(post_hook(world, webhook_key(world), record_event(596792978, "2025-07-13T09:00:00+0500").dump()))["new"] == 1);
    auto history = world.relay->store().recent_history(31000001, 5);
    REQUIRE(history);
    CHECK((*history)[0].direction == "in");
    CHECK((*history)[0].kind == "altegio.webhook");
}

// The relay reads one clock: a test that sets it sets every stamp (before, the webhook intake, the history and the
// workers read the system's milliseconds whatever clock the relay was given).
TEST_CASE("a relay given a clock stamps what it keeps and prunes by that clock") {
    World world;
    world.install();
    const int64_t later = 1924992000000;   // 2031-01-01 00:00 UTC
    world.restart_relay(Clock([later] { return later; }));
    REQUIRE(post_hook(world, webhook_key(world), record_event(596792978, "2030-12-31T09:00:00+0300").dump()).status == 200);
    auto history = world.relay->store().recent_history(31000001, 1);
    REQUIRE(history);
    REQUIRE(history->size() == 1);
    CHECK((*history)[0].kind == "altegio.webhook");
    CHECK((*history)[0].at_ms == later);
    auto event = world.relay->store().claim_inbox_event(later);
    REQUIRE(event);
    REQUIRE(event->has_value());
    CHECK((*event)->received_at_ms == later);
    // What the install wrote in 2026 is past every retention period in 2031; the webhook of "now" stays.
    REQUIRE(world.relay->prune_old_entries());
    auto kept = world.relay->store().recent_history(31000001, 50);
    REQUIRE(kept);
    REQUIRE(kept->size() == 1);
    CHECK((*kept)[0].at_ms == later);
}

TEST_CASE("a record changed by Altegio staff reaches the inbox through the sandbox's webhook") {
    World world;
    world.install();
    std::string user = world.sandbox_user_token();
    auto configured = world.altegio_call("POST", "/hooks_settings/400001", user,
                                         Json{{"urls", {"http://relay.test/hooks/altegio/" + webhook_key(world)}}, {"active", 1},
                                              {"record", 1}, {"self_sending", 0}});
    REQUIRE(configured.status == 201);
    auto records = body_of(world.altegio_call("GET", "/records/400001", user))["data"];
    world.control("POST", "/__sandbox/altegio/records/" + std::to_string(records[0]["id"].get<int64_t>()) + "/change", Json{{"attendance", 1}});
    for (int i = 0; i < 200 && world.relay->store().inbox_counts()->pending == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(world.relay->store().inbox_counts()->pending == 1);
}
