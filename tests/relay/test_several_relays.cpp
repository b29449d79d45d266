// Several relays on one PostgreSQL database, in one process: what they must coordinate through the store rather
// than in memory. Skipped without the server tools/with_postgres.sh starts.
#include <doctest/doctest.h>
#include <thread>
#include "world.hpp"

using namespace kb;
using namespace kb::testing;

namespace {

// Another relay process on the world's database, talking to the same sandbox.
struct OtherRelay {
    std::unique_ptr<RelayApp> app;
    std::unique_ptr<http::RouterTransport> router;
    explicit OtherRelay(World& world) {
        auto created = RelayApp::create(world.relay_config, world.to_sandbox);
        REQUIRE_MESSAGE(created, (created ? "" : created.error().detail));
        app = std::move(*created);
        router = std::make_unique<http::RouterTransport>(app->router());
    }
    http::Response call(World& world, const std::string& target) {
        return router->send({"GET", "http://relay.test" + target, {{"X-Auth-Token", world.sandbox.disposable_token(9001)}}, ""});
    }
};

// A world whose relay is on a fresh PostgreSQL database; none without the server.
std::unique_ptr<World> world_on_postgres(double kommo_rps = 1000.0, int sandbox_kommo_limit = 1000) {
    if (!postgres_server_url()) return nullptr;
    setenv("KB_TEST_RELAY_STORE", "postgres", 1);
    auto world = std::make_unique<World>(1000.0, 0, kommo_rps, sandbox_kommo_limit);
    unsetenv("KB_TEST_RELAY_STORE");
    return world;
}

}  // namespace

TEST_CASE("several relays: an expired Kommo token is refreshed once, by one relay; the others use its new token") {
    auto world = world_on_postgres();
    if (!world) return;
    world->install();
    OtherRelay second(*world), third(*world);
    // The access token runs out; the refresh token is single-use in Kommo (the sandbox refuses it a second time).
    auto installation = **world->relay->store().find_installation(31000001);
    REQUIRE(world->relay->store().save_kommo_tokens(31000001, installation.access_token, installation.refresh_token, 0));
    int64_t refreshes_before = world->sandbox_state()["kommo"]["refreshes"];
    // Kommo takes its time over a refresh, so every relay finds the token expired while the first one is at it.
    world->sandbox.add_fault(sandbox::Fault{"kommo", "/oauth2/access_token", 0, 400, 0, 1.0});

    std::vector<int> statuses(9);
    std::vector<std::thread> managers;
    for (int n = 0; n < 9; ++n)
        managers.emplace_back([&, n] {
            auto reply = n % 3 == 0 ? world->call("GET", "/api/v1/card?lead_id=21001")
                                    : (n % 3 == 1 ? second : third).call(*world, "/api/v1/card?lead_id=21001");
            statuses[n] = reply.status;
        });
    for (auto& manager : managers) manager.join();

    for (int status : statuses) CHECK(status == 200);
    CHECK(world->sandbox_state()["kommo"]["refreshes"].get<int64_t>() - refreshes_before == 1);
    CHECK((*world->relay->store().find_installation(31000001))->access_expires_at > 0);
}

TEST_CASE("several relays: Kommo's per-account limit holds for all of them together") {
    // Each relay may make 5 calls a second; Kommo allows 7. Two relays counting only their own calls would make
    // up to 10 a second and meet 429s; counted together they stay at 5.
    auto world = world_on_postgres(5.0, 7);
    if (!world) return;
    world->install();
    OtherRelay second(*world);
    int64_t limited_before = world->sandbox_state()["kommo"]["rate_limited_answers"];
    int64_t answered_before = world->sandbox_state()["kommo"]["calls_answered"];

    std::vector<std::thread> managers;
    std::atomic<int> failed{0};
    for (int n = 0; n < 8; ++n)
        managers.emplace_back([&, n] {
            for (int card = 0; card < 2; ++card) {
                auto reply = n % 2 == 0 ? world->call("GET", "/api/v1/card?lead_id=21001") : second.call(*world, "/api/v1/card?lead_id=21001");
                if (reply.status != 200) ++failed;
            }
        });
    for (auto& manager : managers) manager.join();

    CHECK(failed == 0);
    auto kommo = world->sandbox_state()["kommo"];
    CHECK(kommo["calls_answered"].get<int64_t>() - answered_before >= 16);   // the cards did call Kommo
    CHECK(kommo["rate_limited_answers"].get<int64_t>() - limited_before == 0);
}

TEST_CASE("several relays: the reconciler runs in one of them at a time, and moves when that one stops") {
    auto world = world_on_postgres();
    if (!world) return;
    world->install();
    auto second = std::make_unique<OtherRelay>(*world);
    auto first_run = world->relay->reconciler().run_once();
    REQUIRE(first_run);
    CHECK_FALSE(first_run->skipped);
    CHECK(first_run->branches > 0);
    auto elsewhere = second->app->reconciler().run_once();
    REQUIRE(elsewhere);
    CHECK(elsewhere->skipped);                                   // the first relay holds it
    CHECK_FALSE(world->relay->reconciler().run_once()->skipped);   // and keeps it, run after run

    // The first relay's lease runs out (it stopped): the second takes the reconciler over.
    world->relay->reconciler().set_lease(std::chrono::milliseconds(1));
    CHECK_FALSE(world->relay->reconciler().run_once()->skipped);   // renewed for 1 ms only
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto taken_over = second->app->reconciler().run_once();
    REQUIRE(taken_over);
    CHECK_FALSE(taken_over->skipped);
    CHECK(world->relay->reconciler().run_once()->skipped);
}
