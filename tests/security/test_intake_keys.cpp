// A Marketplace location activated by an earlier version holds its key itself (sealed in the database, which a
// test over loopback cannot write): its address keeps working, and no other key opens it. Every other intake-key
// rule is proved against the relay and sandbox processes in intake_keys.test.mjs.
#include "relay/sync_helpers.hpp"

using namespace kb;
using namespace kb::testing;

namespace {

const std::string altegio_body =
    R"({"company_id":400001,"resource":"record","resource_id":596792978,"status":"update","data":{"id":596792978,"company_id":400001,"attendance":1,"last_change_date":"2026-12-01T10:00:00+0300"}})";

}  // namespace

TEST_CASE("security: a location an earlier version activated keeps its stored key until it connects again, and only that key") {
    World world;
    world.install();
    auto made = world.control("POST", "/__sandbox/altegio/marketplace/redirect", Json{{"salon_ids", {400001}}});
    REQUIRE(world.relay_to_router_send({"GET", std::string(body_of(made)["url"]), {}, ""}).status == 200);
    auto location = world.relay->store().marketplace_location(400001);
    REQUIRE((location && *location));
    auto post = [&](const std::string& url) {
        return world.relay_to_router_send({"POST", url, {{"Content-Type", "application/json"}}, altegio_body}).status;
    };
    // A location an earlier version activated holds its key itself: its address keeps working until it connects again.
    store::MarketplaceLocation legacy = **location;
    legacy.salon_id = 400003;
    legacy.key_seed = "legacy-key-0123456789abcdefghij";
    REQUIRE(world.relay->store().save_marketplace_location(legacy));
    CHECK(post("http://relay.test/hooks/altegio-location/400003/legacy-key-0123456789abcdefghij") != 404);
    CHECK(post("http://relay.test/hooks/altegio-location/400003/legacy-key-0123456789abcdefghiX") == 404);
}
