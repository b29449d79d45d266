// GET /metrics: what an operator's Prometheus reads to see whether the relay keeps up.
#include "sync_helpers.hpp"
#include "relay/sync/inbox_rows.hpp"

using namespace kb;
using namespace kb::testing;

namespace {

std::string metrics_page(World& world) {
    auto reply = world.relay_to_router_send({"GET", "http://relay.test/metrics", {}, ""});
    REQUIRE(reply.status == 200);
    return reply.body;
}

// The value of the line that starts with `series` (name and labels), or -1 when there is none.
double value_of(const std::string& page, const std::string& series) {
    size_t at = page.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stod(page.substr(at + series.size() + 2));
}

}  // namespace

TEST_CASE("metrics: requests by target, kind and outcome, rate-limit waits, and how long the oldest event has waited") {
    World world(1000.0, 0, 2.0);   // the relay allows itself 2 Kommo calls a second
    world.install();
    for (int i = 0; i < 3; ++i) REQUIRE(world.call("GET", "/api/v1/card?lead_id=21001").status == 200);
    world.control("POST", "/__sandbox/faults", Json{{"target", "kommo"}, {"status", 500}, {"count", 1}});
    world.call("GET", "/api/v1/card?lead_id=21003");
    std::string page = metrics_page(world);
    INFO(page);
    CHECK(value_of(page, R"(kb_outgoing_requests_total{target="kommo",kind="kommo.get_lead",outcome="ok"})") >= 3);
    CHECK(value_of(page, R"(kb_outgoing_requests_total{target="kommo",kind="kommo.get_lead",outcome="5xx"})") == 1);
    CHECK(value_of(page, R"(kb_outgoing_requests_total{target="altegio",kind="altegio.auth",outcome="ok"})") == 1);
    CHECK(value_of(page, R"(kb_rate_limit_waits_total{target="kommo"})") >= 1);   // 8 or more calls at 2 a second
    CHECK(value_of(page, R"(kb_rate_limit_wait_seconds_total{target="kommo"})") > 0.5);
    CHECK(value_of(page, "kb_inbox_oldest_pending_age_seconds") == 0);

    // An event waiting (no workers here) since ten seconds ago.
    auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    REQUIRE(world.relay->store().append_to_inbox({sync::altegio_row(31000001, "altegio", 400001, "record", 70000001, "update",
                                                                             Json{{"id", 70000001}}, now_ms - 10000)}) == 1);
    page = metrics_page(world);
    CHECK(value_of(page, R"(kb_inbox_events{state="pending"})") == 1);
    CHECK(value_of(page, "kb_inbox_oldest_pending_age_seconds") >= 9);
    CHECK(value_of(page, "kb_inbox_oldest_pending_age_seconds") < 60);
}

TEST_CASE("metrics: sixteen callers with an expired Kommo token show one refresh") {
    World world;
    world.install();
    world.control("POST", "/__sandbox/kommo/expire_access_tokens");
    std::vector<std::thread> callers;
    for (int i = 0; i < 16; ++i) callers.emplace_back([&] { world.call("GET", "/api/v1/card?lead_id=21001"); });
    for (auto& t : callers) t.join();
    std::string page = metrics_page(world);
    INFO(page);
    CHECK(value_of(page, "kb_kommo_token_refreshes_total") == 1);
}
