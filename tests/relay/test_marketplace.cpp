// Altegio Marketplace: the registration page a salon's user lands on from the Marketplace, the activation of
// its locations (at once, retried within the hour, "late" after it), Altegio's uninstall and freeze webhooks,
// and a location's own webhook URL.
#include <doctest/doctest.h>
#include "world.hpp"

using namespace kb;
using namespace kb::testing;

namespace {

// The URL Altegio's Marketplace would open, from the sandbox playing Altegio; then the page, as the browser gets it.
http::Response open_redirect(World& world, const Json& redirect, const std::string& language = "en") {
    auto made = world.control("POST", "/__sandbox/altegio/marketplace/redirect", redirect);
    REQUIRE_MESSAGE(made.status == 200, made.body);
    std::string url = body_of(made)["url"];
    return world.relay_to_router_send({"GET", url + "&lang=" + language, {}, ""});
}

const Json irina{{"id", 7001}, {"name", "Ирина Котова"}, {"email", "irina@bella.example"}, {"phone", "+79161234567"}};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("marketplace: a user's first redirect registers them and activates every location at once; coming back, they are recognised") {
    World world;
    auto page = open_redirect(world, Json{{"salon_ids", {400001, 400002}}, {"user", irina}});
    REQUIRE_MESSAGE(page.status == 200, page.body);
    CHECK(page.content_type.rfind("text/html", 0) == 0);
    CHECK(contains(page.body, "Welcome, Ирина Котова: your account is registered"));
    CHECK(contains(page.body, "Location 400001 is connected"));
    CHECK(contains(page.body, "Location 400002 is connected"));
    CHECK(contains(page.headers["Content-Security-Policy"], "frame-ancestors"));   // shown inside Altegio too

    auto activations = world.sandbox_state()["altegio"]["marketplace_activations"];
    REQUIRE(activations.size() == 2);
    CHECK(activations[0]["application_id"] == "sandbox-app-1");
    CHECK(activations[0]["api_key"].get<std::string>().size() >= 32);
    CHECK(activations[0]["api_key"] != activations[1]["api_key"]);                  // a key per location
    CHECK(contains(activations[0]["webhook_urls"][0], "http://relay.test/hooks/altegio-location/400001/"));
    auto user = world.relay->store().marketplace_user(7001);
    REQUIRE(*user);
    CHECK((*user)->email == "irina@bella.example");

    // The same user connects again, in Russian: recognised; an active location is not activated twice.
    auto again = open_redirect(world, Json{{"salon_ids", {400001}}, {"user", irina}}, "ru");
    CHECK(contains(again.body, "С возвращением, Ирина Котова"));
    CHECK(contains(again.body, "Филиал 400001 подключён"));
    CHECK(world.sandbox_state()["altegio"]["marketplace_activations"].size() == 2);
}

TEST_CASE("marketplace: user data with a wrong signature is refused and nothing is saved") {
    World world;
    auto page = open_redirect(world, Json{{"salon_ids", {400001}}, {"user", irina}, {"tamper", true}}, "es");
    CHECK(page.status == 403);
    CHECK(contains(page.body, "No se pudieron verificar los datos de Altegio"));
    CHECK_FALSE(world.relay->store().marketplace_user(7001)->has_value());
    CHECK_FALSE(world.relay->store().marketplace_location(400001)->has_value());
    CHECK(world.sandbox_state()["altegio"]["marketplace_activations"].empty());

    auto nameless = world.relay_to_router_send({"GET", "http://relay.test/marketplace/connect?lang=en", {}, ""});
    CHECK(nameless.status == 400);
    CHECK(contains(nameless.body, "Altegio did not say which location to connect"));
}

TEST_CASE("marketplace: a refused activation is retried within the hour; past the hour the user is told to connect again") {
    World world;
    // Altegio fails three times in a row: the relay's own quick retries of one attempt do not get through.
    world.sandbox.add_fault(sandbox::Fault{"altegio", "/marketplace/partner/callback", 500, 0, 3, 0});
    auto page = open_redirect(world, Json{{"salon_ids", {400001, 400002}}});   // no user data shared: still works
    REQUIRE(page.status == 200);
    CHECK(contains(page.body, "Location 400001: Altegio did not accept the activation yet"));
    CHECK(contains(page.body, "Location 400002 is connected"));
    auto& store = world.relay->store();
    auto pending = **store.marketplace_location(400001);
    CHECK(pending.state == "pending");
    CHECK(pending.attempts == 1);
    CHECK(*world.relay->marketplace().retry_due() == 0);   // not due yet (30 s after the failure)

    pending.next_attempt_at_ms = 0;                          // the pause is over
    REQUIRE(store.save_marketplace_location(pending));
    CHECK(*world.relay->marketplace().retry_due() == 1);
    CHECK((*store.marketplace_location(400001))->state == "active");
    CHECK(world.sandbox_state()["altegio"]["marketplace_activations"].size() == 2);

    // A location Altegio does not know ("aggregator not found") keeps failing until the hour is over.
    auto unknown = open_redirect(world, Json{{"salon_ids", {499999}}});
    CHECK(contains(unknown.body, "Location 499999: Altegio did not accept the activation yet"));
    auto late = **store.marketplace_location(499999);
    late.redirected_at_ms -= marketplace::activation_window_ms + 1000;   // the hour has passed
    late.next_attempt_at_ms = 0;
    REQUIRE(store.save_marketplace_location(late));
    CHECK(*world.relay->marketplace().retry_due() == 0);
    CHECK((*store.marketplace_location(499999))->state == "late");
    CHECK((*store.marketplace_location(499999))->last_error.find("Агрегатор не найден") != std::string::npos);
}

TEST_CASE("marketplace: the partner callback's host is found among the documented ones") {
    World world;
    world.relay_config.altegio.marketplace_urls = {"http://sandbox.test/altegio/no-such-host", "http://sandbox.test/altegio/marketplace"};
    world.restart_relay();
    auto page = open_redirect(world, Json{{"salon_ids", {400001}}});
    CHECK(contains(page.body, "Location 400001 is connected"));
}

TEST_CASE("marketplace: uninstall and freeze (partner token checked) stop the work for a location; connecting again resumes it") {
    World world;
    world.install();
    REQUIRE(open_redirect(world, Json{{"salon_ids", {400001}}}).status == 200);
    auto forged = world.control("POST", "/__sandbox/altegio/marketplace/lifecycle",
                                Json{{"salon_id", 400001}, {"event", "uninstall"}, {"partner_token", "not-ours"}});
    CHECK(body_of(forged)["relay_status"] == 403);
    CHECK((*world.relay->store().marketplace_location(400001))->state == "active");

    auto frozen = world.control("POST", "/__sandbox/altegio/marketplace/lifecycle", Json{{"salon_id", 400001}, {"event", "freeze"}});
    CHECK(body_of(frozen)["relay_status"] == 200);
    CHECK((*world.relay->store().marketplace_location(400001))->state == "frozen");
    store::InboxEvent change;
    change.account_id = 31000001;
    change.source = "altegio";
    change.company_id = 400001;
    change.resource = "record";
    change.resource_id = 1;
    change.body = R"({"company_id":400001,"resource":"record","resource_id":1,"status":"update","data":{}})";
    auto skipped = world.relay->handle_event(change);
    REQUIRE(skipped);
    CHECK(skipped->find("frozen or uninstalled") != std::string::npos);

    REQUIRE(open_redirect(world, Json{{"salon_ids", {400001}}}).status == 200);   // paid, connected again
    CHECK((*world.relay->store().marketplace_location(400001))->state == "active");
    auto worked = world.relay->handle_event(change);
    CHECK((!worked || worked->find("frozen or uninstalled") == std::string::npos));

    auto removed = world.control("POST", "/__sandbox/altegio/marketplace/lifecycle", Json{{"salon_id", 400001}, {"event", "uninstall"}});
    CHECK(body_of(removed)["relay_status"] == 200);
    CHECK((*world.relay->store().marketplace_location(400001))->state == "uninstalled");
}

TEST_CASE("marketplace: a location's webhooks reach the Kommo account that connects it; a wrong key is refused") {
    World world;
    world.install();   // the admin connected Altegio: every branch its user manages
    REQUIRE(open_redirect(world, Json{{"salon_ids", {400001}}}).status == 200);
    std::string hook = world.sandbox_state()["altegio"]["marketplace_activations"][0]["webhook_urls"][0];
    auto record = world.control("POST", "/__sandbox/altegio/records",
                                Json{{"company_id", 400001}, {"staff_id", 5001}, {"services", {{{"id", 7001}}}},
                                     {"datetime", "2027-01-05T10:00:00+03:00"}, {"save_if_busy", true},
                                     {"client", {{"name", "Loc Client"}, {"phone", "+79035550001"}}}});
    Json created = body_of(record)["record"];
    created["datetime"] = "2027-01-05T11:00:00+03:00";
    created["last_change_date"] = "2027-01-04T10:00:00+03:00";
    std::string body = Json::array({Json{{"company_id", 400001}, {"resource", "record"}, {"resource_id", created["id"]},
                                         {"status", "update"}, {"data", created}}}).dump();
    auto stored = world.relay_to_router_send({"POST", hook, {{"Content-Type", "application/json"}}, body});
    REQUIRE_MESSAGE(stored.status == 200, stored.body);
    CHECK(body_of(stored)["new"] == 1);
    bool in_account_history = false;   // stored for the account that connects the location
    auto history = world.relay->store().recent_history(31000001, 50);
    REQUIRE(history);
    for (const auto& entry : *history)
        in_account_history = in_account_history || entry.target == "/hooks/altegio-location/***";
    CHECK(in_account_history);

    std::string wrong = hook.substr(0, hook.rfind('/') + 1) + "0000";
    CHECK(world.relay_to_router_send({"POST", wrong, {{"Content-Type", "application/json"}}, body}).status == 404);
}
