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

    auto other_issuer = token_claims(now);
    other_issuer["iss"] = "https://someoneelse.kommo.com";
    CHECK(status_of(other_issuer) == 401);
    auto issuer_lookalike = token_claims(now);
    issuer_lookalike["iss"] = "https://bellastudio";
    CHECK(status_of(issuer_lookalike) == 401);
    auto other_subdomain = token_claims(now);
    other_subdomain["subdomain"] = "someoneelse";
    CHECK(status_of(other_subdomain) == 401);
    auto other_integration = token_claims(now);
    other_integration["client_uuid"] = "another-integration";
    CHECK(status_of(other_integration) == 401);
    auto no_integration = token_claims(now);
    no_integration.erase("client_uuid");
    CHECK(status_of(no_integration) == 401);
    auto long_lived = token_claims(now);
    long_lived["exp"] = now + 25 * 3600;
    CHECK(status_of(long_lived) == 401);
    auto long_lived_without_iat = token_claims(now);
    long_lived_without_iat.erase("iat");
    long_lived_without_iat.erase("nbf");
    long_lived_without_iat["exp"] = now + 30 * 24 * 3600;
    CHECK(status_of(long_lived_without_iat) == 401);

    // The host form of iss (without a scheme) and a token without the optional claims still work.
    auto bare_host = token_claims(now);
    bare_host["iss"] = "BellaStudio.kommo.com";
    CHECK(status_of(bare_host) == 200);
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
