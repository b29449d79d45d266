// Altegio Marketplace redirects, as an attacker would send them: replayed for a location the Marketplace froze,
// with a signature carried to other locations, naming hundreds of locations, or sent again and again.
#include "relay/world.hpp"

#include <thread>

using namespace kb;
using namespace kb::testing;

namespace {

std::string redirect_url(World& world, const Json& redirect) {
    auto made = world.control("POST", "/__sandbox/altegio/marketplace/redirect", redirect);
    REQUIRE_MESSAGE(made.status == 200, made.body);
    return body_of(made)["url"].get<std::string>() + "&lang=en";
}
http::Response open(World& world, const std::string& url) { return world.relay_to_router_send({"GET", url, {}, ""}); }
size_t activations(World& world) { return world.sandbox_state()["altegio"]["marketplace_activations"].size(); }

}  // namespace

TEST_CASE("security: a replayed Marketplace link does not bring back a location the Marketplace froze or removed") {
    World world;
    std::string link = redirect_url(world, Json{{"salon_ids", {400001}}});
    REQUIRE(open(world, link).status == 200);
    REQUIRE(activations(world) == 1);
    for (const char* event : {"freeze", "uninstall"}) {
        CHECK(body_of(world.control("POST", "/__sandbox/altegio/marketplace/lifecycle", Json{{"salon_id", 400001}, {"event", event}}))["relay_status"] == 200);
        auto replayed = open(world, link);
        CHECK(replayed.status == 200);
        CHECK(replayed.body.find("frozen or removed in the Altegio Marketplace") != std::string::npos);
        CHECK((*world.relay->store().marketplace_location(400001))->state != "active");
        CHECK(activations(world) == 1);
    }
    // Installed again in the Marketplace: Altegio reports it, and the location is activated again.
    REQUIRE(open(world, redirect_url(world, Json{{"salon_ids", {400001}}})).status == 200);
    CHECK((*world.relay->store().marketplace_location(400001))->state == "active");
    CHECK(activations(world) == 2);
}

TEST_CASE("security: signed user data that names its locations cannot be carried to another location") {
    World world;
    Json user{{"id", 7001}, {"name", "Ирина"}, {"email", "irina@bella.example"}, {"salon_ids", {400001}}};
    std::string link = redirect_url(world, Json{{"salon_ids", {400001}}, {"user", user}});
    std::string moved = link;
    moved.replace(moved.find("salon_id=400001"), 15, "salon_id=400002");
    auto refused = open(world, moved);
    CHECK(refused.status == 403);
    CHECK_FALSE(world.relay->store().marketplace_location(400002)->has_value());
    CHECK_FALSE(world.relay->store().marketplace_user(7001)->has_value());
    CHECK(open(world, link).status == 200);
    CHECK((*world.relay->store().marketplace_location(400001))->state == "active");
}

TEST_CASE("security: a Marketplace link naming more than 50 locations is refused, and one address gets 5 links a minute") {
    World world;
    Json many = Json::array();
    for (int64_t salon = 500001; salon <= 500051; ++salon) many.push_back(salon);
    auto refused = open(world, redirect_url(world, Json{{"salon_ids", many}}));
    CHECK(refused.status == 400);
    CHECK(refused.body.find("more locations than one connection may activate (50)") != std::string::npos);
    CHECK_FALSE(world.relay->store().marketplace_location(500001)->has_value());
    CHECK(activations(world) == 0);

    std::string link = redirect_url(world, Json{{"salon_ids", {400001}}});
    for (int i = 0; i < 4; ++i) CHECK(open(world, link).status == 200);   // the refused one above counted too
    auto slowed = open(world, link);
    CHECK(slowed.status == 429);
    CHECK(slowed.body.find("Too many connection attempts") != std::string::npos);
}

TEST_CASE("security: one address queues at most 50 locations a minute, and the page never waits on Altegio for them") {
    World world;
    world.relay_config.marketplace_page_wait = std::chrono::milliseconds(100);
    world.restart_relay();
    // Altegio answers the first activation late: the page answers first, and the activation thread finishes the work.
    world.sandbox.add_fault(sandbox::Fault{"altegio", "/marketplace/partner/callback", 0, 1500, 1});
    Json first = {400001, 400002}, second = Json::array();   // the sandbox's two locations, and 28 it does not know
    for (int64_t salon = 500003; salon <= 500030; ++salon) first.push_back(salon);
    for (int64_t salon = 500031; salon <= 500060; ++salon) second.push_back(salon);
    auto page = open(world, redirect_url(world, Json{{"salon_ids", first}}));
    REQUIRE(page.status == 200);
    CHECK(page.body.find("Location 400001 is being activated in Altegio") != std::string::npos);
    auto over = open(world, redirect_url(world, Json{{"salon_ids", second}}));   // 60 locations within the minute
    CHECK(over.status == 429);
    CHECK_FALSE(world.relay->store().marketplace_location(500031)->has_value());

    auto state_of = [&](int64_t salon) { return (*world.relay->store().marketplace_location(salon))->state; };
    for (int i = 0; i < 600 && (state_of(400001) != "active" || state_of(400002) != "active"); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CHECK(state_of(400001) == "active");
    CHECK(state_of(400002) == "active");
}
