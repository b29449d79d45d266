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

// A record made in Altegio at location 400001, as its webhook would carry it.
Json record_at_location(World& world) {
    auto record = world.control("POST", "/__sandbox/altegio/records",
                                Json{{"company_id", 400001}, {"staff_id", 5001}, {"services", {{{"id", 7001}}}},
                                     {"datetime", "2027-01-05T10:00:00+03:00"}, {"save_if_busy", true},
                                     {"client", {{"name", "Loc Client"}, {"phone", "+79035550001"}}}});
    REQUIRE_MESSAGE(record.status == 201, record.body);
    return body_of(record)["record"];
}

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
    Json created = record_at_location(world);
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

namespace {

// The code the page shows for a location ("" when it shows none).
std::string claim_code_on(const std::string& page, int64_t salon) {
    std::string marker = "id=\"claim-code-" + std::to_string(salon) + "\"";
    size_t at = page.find(marker);
    if (at == std::string::npos) return "";
    size_t start = page.find('>', at) + 1;
    return page.substr(start, page.find('<', start) - start);
}

Json settings_page(World& world) {
    auto page = world.call("GET", "/api/v1/settings");
    REQUIRE_MESSAGE(page.status == 200, page.body);
    return body_of(page);
}

}  // namespace

TEST_CASE("marketplace: the signed user gets a one-time code; a Kommo admin enters it and works with the location without an Altegio login") {
    World world;
    REQUIRE(world.control("POST", "/__sandbox/kommo/install").status == 200);   // no Altegio login connected
    CHECK(settings_page(world)["altegio_connected"] == false);

    auto page = open_redirect(world, Json{{"salon_ids", {400001}}, {"user", irina}});
    std::string code = claim_code_on(page.body, 400001);
    REQUIRE_MESSAGE(code.size() == 14, page.body);   // ABCD-EFGH-JKMN
    CHECK(contains(page.body, "enter this code"));

    auto manager = world.call("POST", "/api/v1/settings/marketplace", Json{{"code", code}}, 9002);
    CHECK(manager.status == 403);   // account administrators only; the code is not spent
    // Typed as people type it: small letters, spaces instead of dashes.
    std::string typed = code;
    for (auto& c : typed) c = c == '-' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto claimed = world.call("POST", "/api/v1/settings/marketplace", Json{{"code", " " + typed + " "}});
    REQUIRE_MESSAGE(claimed.status == 200, claimed.body);
    CHECK(body_of(claimed)["salon_id"] == 400001);
    CHECK(body_of(claimed)["telephony"] == "not_asked");
    std::string title = body_of(claimed)["title"];
    CHECK_FALSE(title.empty());

    Json settings = settings_page(world);
    CHECK(settings["altegio_connected"] == true);
    REQUIRE(settings["branches"].size() == 1);
    CHECK(settings["branches"][0]["branch"]["id"] == 400001);
    CHECK(settings["branches"][0]["branch"]["title"] == title);
    CHECK(settings["branches"][0]["status"] == "connected");
    // The widget works with the location on the partner token alone.
    auto services = world.call("GET", "/api/v1/branches/400001/services");
    CHECK_MESSAGE(services.status == 200, services.body);
    auto spent = world.call("POST", "/api/v1/settings/marketplace", Json{{"code", code}});
    CHECK(spent.status == 404);   // once
    CHECK(body_of(spent)["error"]["message_key"] == "ui.error.claim_code_unknown");

    // The location's webhooks now reach this account.
    std::string hook = world.sandbox_state()["altegio"]["marketplace_activations"][0]["webhook_urls"][0];
    Json created = record_at_location(world);
    std::string body = Json::array({Json{{"company_id", 400001}, {"resource", "record"}, {"resource_id", created["id"]},
                                         {"status", "create"}, {"data", created}}}).dump();
    auto stored = world.relay_to_router_send({"POST", hook, {{"Content-Type", "application/json"}}, body});
    REQUIRE_MESSAGE(stored.status == 200, stored.body);
    CHECK(body_of(stored)["new"] == 1);
}

TEST_CASE("marketplace: no code without signed user data or for another user's location, nor after a day; the telephony token comes only from the signed data") {
    World world;
    REQUIRE(world.control("POST", "/__sandbox/kommo/install").status == 200);
    auto unsigned_page = open_redirect(world, Json{{"salon_ids", {400001}}});
    CHECK(contains(unsigned_page.body, "Altegio did not share who you are"));
    CHECK(claim_code_on(unsigned_page.body, 400001).empty());

    // Another Altegio user's signed data for a location someone else activated: no code.
    const Json other{{"id", 7002}, {"name", "Intruder"}, {"email", "x@example.com"}, {"phone", "+79990000001"}};
    auto stranger = open_redirect(world, Json{{"salon_ids", {400001}}, {"user", other}});
    REQUIRE(stranger.status == 200);
    CHECK(claim_code_on(stranger.body, 400001).empty());
    CHECK((*world.relay->store().marketplace_location(400001))->altegio_user_id == 0);

    // A token beside the signed data is not taken; one inside it is, sealed at rest.
    auto made = world.control("POST", "/__sandbox/altegio/marketplace/redirect", Json{{"salon_ids", {400002}}, {"user", irina}});
    std::string url = body_of(made)["url"];
    auto forged = world.relay_to_router_send({"GET", url + "&crm_token=forged-token&lang=en", {}, ""});
    REQUIRE(forged.status == 200);
    CHECK((*world.relay->store().marketplace_location(400002))->crm_token.empty());
    Json irina_with_token = irina;
    irina_with_token["crm_token"] = "sandbox-crm-token";
    auto page = open_redirect(world, Json{{"salon_ids", {400002}}, {"user", irina_with_token}});
    std::string code = claim_code_on(page.body, 400002);
    REQUIRE(code.size() == 14);
    CHECK((*world.relay->store().marketplace_location(400002))->crm_token == "sandbox-crm-token");
    CHECK(world.raw_value("SELECT crm_token_sealed FROM marketplace_locations WHERE salon_id = 400002").find("sandbox-crm-token") == std::string::npos);
    CHECK(world.raw_value("SELECT claim_code_hash FROM marketplace_locations WHERE salon_id = 400002").find(code.substr(0, 4)) == std::string::npos);

    // The admin asks for telephony: the chain is enabled in Altegio with the signed token and listed.
    auto claimed = world.call("POST", "/api/v1/settings/marketplace", Json{{"code", code}, {"telephony", true}});
    REQUIRE_MESSAGE(claimed.status == 200, claimed.body);
    CHECK(body_of(claimed)["telephony"] == "enabled");
    CHECK(world.sandbox_state()["altegio"]["voip"]["chains"]["sandbox-crm-token"]["enabled"] == true);   // Altegio took "setup enable"
    auto telephony = world.call("GET", "/api/v1/telephony");
    REQUIRE(telephony.status == 200);
    REQUIRE(body_of(telephony)["chains"].size() == 1);
    CHECK(body_of(telephony)["chains"][0]["name"] == body_of(claimed)["title"]);
    CHECK(body_of(telephony)["chains"][0]["enabled"] == true);

    // A code is good for 24 hours.
    auto again = open_redirect(world, Json{{"salon_ids", {400002}}, {"user", irina}});
    std::string late_code = claim_code_on(again.body, 400002);
    REQUIRE(late_code.size() == 14);
    auto location = **world.relay->store().marketplace_location(400002);
    location.claim_expires_at_ms = 1;
    REQUIRE(world.relay->store().save_marketplace_location(location));
    CHECK(world.call("POST", "/api/v1/settings/marketplace", Json{{"code", late_code}}).status == 404);
    auto nonsense = world.call("POST", "/api/v1/settings/marketplace", Json{{"code", "not a code"}});
    CHECK(nonsense.status == 400);
    CHECK(body_of(nonsense)["error"]["message_key"] == "ui.error.claim_code_invalid");
}
