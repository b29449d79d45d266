// A flood of refused webhooks cannot fill the store, for a key naming an account or none (the operator's account 0,
// whose history no account's administrator can read: so this one runs in-process). Each refusal's row, and the
// flood over loopback, are proved against the relay and sandbox processes in refusals.test.mjs.
#include "relay/sync_helpers.hpp"

#include "relay/hooks/intake_keys.hpp"

using namespace kb;
using namespace kb::testing;

namespace {

// The history rows of refused posts for the account, newest first.
std::vector<store::HistoryEntry> refusals(World& world, int64_t account_id = 31000001) {
    std::vector<store::HistoryEntry> out;
    auto history = world.relay->store().recent_history(account_id, 1000);
    REQUIRE(history);
    for (auto& e : *history)
        if (e.direction == "in" && e.status >= 400 && e.error.rfind("refused: ", 0) == 0) out.push_back(e);
    return out;
}

http::Response post(World& world, const std::string& url, const std::string& body, const std::string& type) {
    return world.relay_to_router_send({"POST", url, {{"Content-Type", type}}, body});
}

// The address with its key's tag changed: it still names the account, but is not its key.
std::string wrong_tag(std::string url) {
    url.back() = url.back() == '0' ? '1' : '0';
    return url;
}

}  // namespace

TEST_CASE("a flood of refused webhooks writes at most ten history rows a minute per account") {
    World world;
    world.install();
    const std::string bad = wrong_tag(world.intake_url(hooks::Intake::altegio));
    for (int i = 0; i < 300; ++i) CHECK(post(world, bad, "{}", "application/json").status == 404);
    CHECK(refusals(world).size() == 10);
    // A key naming no account: its rows go to the operator's account 0, under the same limit.
    for (int i = 0; i < 50; ++i) CHECK(post(world, "http://relay.test/hooks/altegio/424242.00000000000000000000000000000000", "{}",
                                             "application/json").status == 404);
    CHECK(refusals(world, 0).size() == 10);
    CHECK(refusals(world).size() == 10);
}
