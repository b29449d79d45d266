// Every intake address has its own key (relay/hooks/intake_keys.hpp): a key taken from one address, one account,
// one chain or the database posts to no other, and whatever is refused leaves nothing in the inbox.
#include "relay/sync_helpers.hpp"

#include "relay/hooks/intake_keys.hpp"

using namespace kb;
using namespace kb::testing;

namespace {

// The key in an address: the segment after "/hooks/<intake>/", "/tracking/" or "/telephony/".
std::string key_of(const std::string& url) {
    for (const char* prefix : {"/hooks/altegio/", "/hooks/kommo-dp/", "/hooks/kommo/", "/tracking/", "/telephony/"})
        if (size_t at = url.find(prefix); at != std::string::npos) {
            std::string rest = url.substr(at + std::string(prefix).size());
            return rest.substr(0, rest.find('/'));
        }
    return {};
}

// What each intake accepts as a well-formed post that stores something.
const std::string altegio_body =
    R"({"company_id":400001,"resource":"record","resource_id":596792978,"status":"update","data":{"id":596792978,"company_id":400001,"attendance":1,"last_change_date":"2026-12-01T10:00:00+0300"}})";
const std::string kommo_body = "leads%5Bstatus%5D%5B0%5D%5Bid%5D=21003&leads%5Bstatus%5D%5B0%5D%5Bstatus_id%5D=77005"
                               "&leads%5Bstatus%5D%5B0%5D%5Bpipeline_id%5D=7700001&leads%5Bstatus%5D%5B0%5D%5Blast_modified%5D=1763900000"
                               "&account%5Bid%5D=31000001";
const std::string dp_body = "event[type]=14&event[type_code]=lead_status_changed&event[data][id]=21003&event[data][status_id]=77005"
                            "&event[data][pipeline_id]=7700001&event[time]=1763900000&account_id=31000001";

std::string address(hooks::Intake intake, const std::string& key) {
    switch (intake) {
        case hooks::Intake::altegio: return "http://relay.test/hooks/altegio/" + key;
        case hooks::Intake::kommo: return "http://relay.test/hooks/kommo/" + key;
        case hooks::Intake::kommo_dp: return "http://relay.test/hooks/kommo-dp/" + key;
        case hooks::Intake::tracking: return "http://relay.test/tracking/" + key + "/leads";
        case hooks::Intake::telephony: return "http://relay.test/telephony/" + key + "/calls";
        case hooks::Intake::altegio_location: break;   // its own test below
    }
    return {};
}

int64_t stored(World& world) {
    auto counts = world.relay->store().inbox_counts();
    REQUIRE(counts);
    return counts->pending + counts->processing + counts->done + counts->failed;
}

}  // namespace

TEST_CASE("security: each intake address has its own key; a key for one posts to no other address and no other account") {
    World world;
    world.install();
    const hooks::Intake intakes[] = {hooks::Intake::altegio, hooks::Intake::kommo, hooks::Intake::kommo_dp, hooks::Intake::tracking};
    std::set<std::string> keys;
    for (auto intake : intakes) keys.insert(key_of(world.intake_url(intake)));
    CHECK(keys.size() == 4);

    const std::string bodies[] = {altegio_body, kommo_body, dp_body, R"({"lead_id":"x1","type":"form"})"};
    for (auto from : intakes)
        for (size_t to = 0; to < 4; ++to) {
            if (from == intakes[to]) continue;
            auto reply = world.relay_to_router_send({"POST", address(intakes[to], key_of(world.intake_url(from))), {}, bodies[to]});
            CHECK_MESSAGE(reply.status == 404, "a key of intake " << int(from) << " was taken by intake " << to);
        }
    // The tag of this account's key under another account's id.
    std::string altegio_key = key_of(world.intake_url(hooks::Intake::altegio));
    std::string other_account = "31000002" + altegio_key.substr(altegio_key.find('.'));
    CHECK(world.relay_to_router_send({"POST", address(hooks::Intake::altegio, other_account), {}, altegio_body}).status == 404);
    CHECK(stored(world) == 0);

    // Each key works where it belongs.
    CHECK(world.relay_to_router_send({"POST", world.intake_url(hooks::Intake::altegio), {}, altegio_body}).status == 200);
    CHECK(world.relay_to_router_send({"POST", world.intake_url(hooks::Intake::kommo), {}, kommo_body}).status == 200);
    CHECK(world.relay_to_router_send({"POST", world.intake_url(hooks::Intake::kommo_dp), {}, dp_body}).status == 200);
    CHECK(stored(world) == 3);
}

TEST_CASE("security: what the database holds is no key: its seed and a chain's key post to nothing") {
    World world;
    world.install();
    // A copy of the database shows the account's seed and each chain's key; neither is an address's key.
    std::string seed = world.raw_value("SELECT webhook_key FROM installations");
    REQUIRE(!seed.empty());
    for (auto intake : {hooks::Intake::altegio, hooks::Intake::kommo, hooks::Intake::kommo_dp, hooks::Intake::tracking}) {
        CHECK(world.intake_url(intake).find(seed) == std::string::npos);
        CHECK(world.relay_to_router_send({"POST", address(intake, seed), {}, altegio_body}).status == 404);
        CHECK(world.relay_to_router_send({"POST", address(intake, "31000001." + seed), {}, altegio_body}).status == 404);
    }
    auto saved = world.call("PUT", "/api/v1/telephony/chains",
                            Json{{"key", ""}, {"name", "Bella Studio"}, {"crm_token", "sandbox-crm-token"}, {"numbers", {"+7 495 100-20-30"}},
                                 {"new_lead_for_unknown", false}});
    REQUIRE_MESSAGE(saved.status == 200, saved.body);
    Json chain = body_of(saved)["page"]["chains"][0];
    std::string chain_key = chain["key"];
    REQUIRE(world.raw_value("SELECT chain_key FROM telephony_chains") == chain_key);
    const std::string call = R"({"call_id":"pbx-1","state":"ringing","direction":"incoming","from":"+79991234567","to":"+7 495 100-20-30"})";
    CHECK(world.relay_to_router_send({"POST", address(hooks::Intake::telephony, chain_key), {}, call}).status == 404);
    std::string altegio_tag = key_of(world.intake_url(hooks::Intake::altegio)).substr(8);   // ".<tag>" after the account id
    CHECK(world.relay_to_router_send({"POST", address(hooks::Intake::telephony, chain_key + altegio_tag), {}, call}).status == 404);
    CHECK(stored(world) == 0);
    CHECK(world.relay_to_router_send({"POST", chain["calls_url"].get<std::string>(), {}, call}).status == 200);
    CHECK(stored(world) == 1);
}

TEST_CASE("security: a relay upgraded from one key per account takes the old addresses only when told to") {
    World world;
    world.install();
    std::string seed = world.raw_value("SELECT webhook_key FROM installations");
    CHECK(world.relay_to_router_send({"POST", address(hooks::Intake::altegio, seed), {}, altegio_body}).status == 404);
    world.relay_config.accept_legacy_webhook_keys = true;   // KB_LEGACY_WEBHOOK_KEYS=1
    world.restart_relay();
    CHECK(world.relay_to_router_send({"POST", address(hooks::Intake::altegio, seed), {}, altegio_body}).status == 200);
    CHECK(world.relay_to_router_send({"POST", world.intake_url(hooks::Intake::altegio), {}, altegio_body}).status == 200);
    CHECK(stored(world) == 1);   // the same change through both addresses is stored once
}

TEST_CASE("security: a Marketplace location's key is derived, so the database holds none; one location's key posts to no other") {
    World world;
    world.install();
    for (int64_t salon : {400001, 400002}) {
        auto made = world.control("POST", "/__sandbox/altegio/marketplace/redirect", Json{{"salon_ids", {salon}}});
        REQUIRE(world.relay_to_router_send({"GET", std::string(body_of(made)["url"]), {}, ""}).status == 200);
    }
    auto activations = world.sandbox_state()["altegio"]["marketplace_activations"];
    REQUIRE(activations.size() == 2);
    std::string first = activations[0]["webhook_urls"][0], second = activations[1]["webhook_urls"][0];
    std::string key = first.substr(first.rfind('/') + 1);
    CHECK(activations[0]["api_key"] == key);                       // Altegio is given the address's key
    auto parts = hooks::IntakeKeys::split(key);
    REQUIRE(parts);
    CHECK(parts->subject == "400001");
    auto location = world.relay->store().marketplace_location(400001);
    REQUIRE((location && *location));
    CHECK((*location)->key_seed != key);                           // what the database holds posts nowhere
    CHECK((*location)->key_seed.find(parts->tag) == std::string::npos);
    auto post = [&](const std::string& url) {
        return world.relay_to_router_send({"POST", url, {{"Content-Type", "application/json"}}, altegio_body}).status;
    };
    CHECK(post("http://relay.test/hooks/altegio-location/400001/" + (*location)->key_seed) == 404);
    std::string second_key = second.substr(second.rfind('/') + 1);
    CHECK(post("http://relay.test/hooks/altegio-location/400001/" + second_key) == 404);   // 400002's key
    CHECK(post(first) == 200);

    // A location an earlier version activated holds its key itself: its address keeps working until it connects again.
    store::MarketplaceLocation legacy = **location;
    legacy.salon_id = 400003;
    legacy.key_seed = "legacy-key-0123456789abcdefghij";
    REQUIRE(world.relay->store().save_marketplace_location(legacy));
    CHECK(post("http://relay.test/hooks/altegio-location/400003/legacy-key-0123456789abcdefghij") != 404);
    CHECK(post("http://relay.test/hooks/altegio-location/400003/legacy-key-0123456789abcdefghiX") == 404);
}

// Kommo posts every account's Digital Pipeline triggers to manifest.json's one address; the trigger's settings
// carry the account's key (the widget's dpSettings puts it there), and only that key opens the door.
TEST_CASE("security: the Digital Pipeline's one address takes a trigger only with this account's key in its settings") {
    World world;
    world.install();
    auto dp = world.call("GET", "/api/v1/settings/dp", Json());
    REQUIRE_MESSAGE(dp.status == 200, dp.body);
    std::string key = body_of(dp)["intake_key"];
    CHECK(key == key_of(world.intake_url(hooks::Intake::kommo_dp)));
    const std::string at = "http://relay.test/hooks/kommo-dp";
    auto with_key = [](const std::string& k) { return dp_body + "&action[settings][widget][settings][altegio_action]=confirm" +
                                                      "&action[settings][widget][settings][intake_key]=" + k; };
    CHECK(world.relay_to_router_send({"POST", at, {}, dp_body}).status == 404);   // no key
    CHECK(world.relay_to_router_send({"POST", at, {}, with_key("")}).status == 404);
    CHECK(world.relay_to_router_send({"POST", at, {}, with_key(key_of(world.intake_url(hooks::Intake::kommo)))}).status == 404);
    std::string other_account = "31000002" + key.substr(key.find('.'));
    CHECK(world.relay_to_router_send({"POST", at, {}, with_key(other_account)}).status == 404);
    CHECK(stored(world) == 0);
    CHECK(world.relay_to_router_send({"POST", at, {}, with_key(key)}).status == 200);
    REQUIRE(stored(world) == 1);
    // The key is not kept with the trigger: not in the inbox, not in the request history.
    CHECK(world.raw_value("SELECT body FROM inbox").find(key) == std::string::npos);
    auto history = world.relay->store().recent_history(31000001, 50);
    REQUIRE(history);
    for (const auto& e : *history) CHECK(e.request_body.find(key) == std::string::npos);
    // An administrator's call only: a manager's token gets no key.
    auto manager = world.call("GET", "/api/v1/settings/dp", Json(), 9002);
    CHECK(manager.status == 403);
}
