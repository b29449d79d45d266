// The installation's lifecycle against forged or replayed calls from Kommo's side: the revoke hook, whose
// signature never changes for an account, and the install redirect, which must not move an installed account.
#include "relay/world.hpp"

#include "relay/crypto/hmac.hpp"
#include "relay/token_claims.hpp"

using namespace kb;
using namespace kb::testing;

namespace {
const std::string revoke_hook = "http://relay.test/oauth/kommo/revoked?account_id=31000001&client_uuid=sandbox-client-id&signature=" +
                                crypto::hmac_sha256_hex("sandbox-client-id|31000001", "sandbox-client-secret");
}  // namespace

TEST_CASE("security: a revoke hook replayed after a reinstall removes nothing while Kommo still grants access") {
    World world;
    world.install();
    // While the integration is installed, a correctly signed hook is not enough: Kommo still opens the account.
    auto early = world.relay_to_router_send({"GET", revoke_hook, {}, ""});
    CHECK(early.status == 409);
    REQUIRE(world.relay->store().find_installation(31000001)->has_value());

    REQUIRE(world.control("POST", "/__sandbox/kommo/uninstall").status == 200);   // Kommo revokes, then calls the hook
    CHECK(!world.relay->store().find_installation(31000001)->has_value());
    world.install();
    std::string key = world.relay->store().find_installation(31000001)->value().webhook_key;

    auto replayed = world.relay_to_router_send({"GET", revoke_hook, {}, ""});
    CHECK(replayed.status == 409);
    auto kept = world.relay->store().find_installation(31000001);
    REQUIRE(kept->has_value());
    CHECK((*kept)->webhook_key == key);
    CHECK(world.call("GET", "/api/v1/card?lead_id=21001").status == 200);
}

TEST_CASE("security: an install redirect never repoints an installed account to another API address") {
    World world;
    world.install();
    auto installation = world.relay->store().find_installation(31000001)->value();
    installation.api_base_url = "https://bellastudio.kommo.com";   // as installed in production
    REQUIRE(world.relay->store().save_installation(installation));

    auto again = world.control("POST", "/__sandbox/kommo/install");
    CHECK(again.status == 502);
    CHECK(body_of(again)["relay_status"] == 403);
    auto kept = world.relay->store().find_installation(31000001)->value();
    CHECK(kept.api_base_url == "https://bellastudio.kommo.com");
    CHECK(kept.access_token == installation.access_token);
}

TEST_CASE("security: an install redirect from another account's host is refused before the code is spent") {
    World world;
    auto forged = world.control("POST", "/__sandbox/kommo/install?referer=someoneelse.kommo.com");
    CHECK(body_of(forged)["relay_status"] == 403);
    auto foreign = world.control("POST", "/__sandbox/kommo/install?referer=bellastudio.kommo.com.evil.example");
    CHECK(body_of(foreign)["relay_status"] == 400);
    CHECK(!world.relay->store().find_installation(31000001)->has_value());
}

namespace {
// A state as /oauth/kommo/start makes one, signed with the sandbox's client secret, expiring at `expires`.
std::string signed_state(const std::string& nonce, int64_t expires) {
    std::string part = "kb1." + nonce + "." + std::to_string(expires);
    return part + "." + crypto::hmac_sha256_hex(part, "sandbox-client-secret");
}
http::Response install_with_state(World& world, const std::string& state) {
    return world.control("POST", "/__sandbox/kommo/install?state=" + http::url_encode(state));
}
}  // namespace

TEST_CASE("security: an install started from the relay's button must bring back its state, once and in time") {
    World world;
    auto start = world.relay_to_router_send({"GET", "http://relay.test/oauth/kommo/start", {}, ""});
    REQUIRE(start.status == 302);
    std::string location = start.headers["Location"];
    CHECK(location.rfind("https://www.kommo.com/oauth?client_id=sandbox-client-id&state=kb1.", 0) == 0);
    std::string state = http::url_decode(location.substr(location.find("state=") + 6, location.find("&mode=") - location.find("state=") - 6));

    std::string tampered = state;
    tampered[tampered.rfind('.') - 1] = tampered[tampered.rfind('.') - 1] == '9' ? '8' : '9';   // another expiry, same signature
    CHECK(body_of(install_with_state(world, tampered))["relay_status"] == 403);
    CHECK(body_of(install_with_state(world, signed_state("old", now_seconds() - 1)))["relay_status"] == 403);
    CHECK(!world.relay->store().find_installation(31000001)->has_value());

    CHECK(body_of(install_with_state(world, state))["relay_status"] == 200);
    CHECK(body_of(install_with_state(world, state))["relay_status"] == 403);   // a link used once cannot install again
    // Installs that Kommo itself starts (marketplace, widget list) carry a state of Kommo's, which passes.
    CHECK(body_of(install_with_state(world, "kommo-own-state"))["relay_status"] == 200);
}

TEST_CASE("security: with KB_KOMMO_REQUIRE_STATE a redirect without the relay's state installs nothing") {
    World world;
    world.relay_config.require_install_state = true;
    world.restart_relay();
    CHECK(body_of(install_with_state(world, "kommo-own-state"))["relay_status"] == 403);
    CHECK(!world.relay->store().find_installation(31000001)->has_value());
    CHECK(body_of(install_with_state(world, signed_state("fresh", now_seconds() + 600)))["relay_status"] == 200);
}
