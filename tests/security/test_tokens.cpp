// Kommo's disposable tokens (X-Auth-Token) as an attacker would make them with a leaked or guessed part: each
// claim that ties a token to this integration and to the installed account is checked, not only the signature.
#include "relay/world.hpp"

#include "relay/crypto/jwt.hpp"
#include "relay/token_claims.hpp"

using namespace kb;
using namespace kb::testing;

TEST_CASE("security: a token naming another account host, another integration or a lifetime Kommo never issues gets 401") {
    World world;
    world.install();
    int64_t now = now_seconds();
    auto status_of = [&](const Json& c) {
        return world.call_with_token("GET", "/api/v1/card?lead_id=21001", crypto::sign_hs256(c, "sandbox-client-secret")).status;
    };
    CHECK(status_of(token_claims(now)) == 200);

    // Each patch changes the claims Kommo would issue (a null removes the claim).
    auto patched = [&](const Json& patch) {
        auto claims = token_claims(now);
        claims.merge_patch(patch);
        return status_of(claims);
    };
    for (const Json& patch : {Json{{"iss", "https://someoneelse.kommo.com"}}, Json{{"iss", "https://bellastudio"}},
                              Json{{"subdomain", "someoneelse"}}, Json{{"client_uuid", "another-integration"}},
                              Json{{"client_uuid", nullptr}}, Json{{"exp", now + 25 * 3600}},
                              Json{{"iat", nullptr}, {"nbf", nullptr}, {"exp", now + 30 * 24 * 3600}}})
        CHECK_MESSAGE(patched(patch) == 401, patch.dump());

    // The host form of iss (without a scheme) and a token without the optional claims still work.
    CHECK(patched(Json{{"iss", "BellaStudio.kommo.com"}}) == 200);
}

TEST_CASE("security: a token without jti is used once all the same") {
    World world;
    world.install();
    auto c = token_claims(now_seconds());
    c.erase("jti");
    std::string token = crypto::sign_hs256(c, "sandbox-client-secret");
    CHECK(world.call_with_token("GET", "/api/v1/card?lead_id=21001", token).status == 200);
    CHECK(world.call_with_token("GET", "/api/v1/card?lead_id=21001", token).status == 401);
}
