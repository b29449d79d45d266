#pragma once
// Kommo's disposable token (the JWT `$authorizedAjax` adds as X-Auth-Token): HS256 signed with the
// integration's client secret. The sandbox signs with the same code the relay verifies with.
#include <cstdint>
#include <string>
#include <string_view>
#include "shared/domain/result.hpp"
#include "shared/wire/json_type.hpp"

namespace kb::crypto {

struct DisposableToken {
    int64_t account_id = 0;
    int64_t user_id = 0;
    std::string subdomain;
    std::string client_uuid;
    std::string jti;
    std::string issuer;
    std::string audience;
    bool is_admin = false;
    int64_t expires_at = 0;
};

struct TokenExpectations {
    std::string client_secret;
    std::string audience;        // scheme://host of the integration's redirect URI
    int64_t now = 0;             // unix seconds
    int64_t leeway_seconds = 60; // clock skew allowed on exp and nbf
    std::string client_id;       // the integration's client id: the token's client_uuid must be it ("" skips the check)
    int64_t max_lifetime_seconds = 24 * 3600;   // Kommo issues tokens for minutes; a longer one was not made by Kommo
};

// Checks the signature (constant time), alg, exp, nbf, aud, client_uuid and the lifetime; returns the claims.
// Whether iss and subdomain name the installed account is the caller's check (token_names_account).
Result<DisposableToken> verify_disposable_token(std::string_view token, const TokenExpectations& expect);

// Whether the token's `subdomain` and the host of its `iss` (an address like "https://sub.kommo.com" or a bare
// host) name the account installed with `subdomain`; claims the token leaves out are not held against it.
bool token_names_account(const DisposableToken& token, const std::string& subdomain);

// Signs claims with HS256; used by the sandbox to act as Kommo.
std::string sign_hs256(const wire::Json& claims, std::string_view secret);

std::string base64url_encode(std::string_view bytes);
Result<std::string> base64url_decode(std::string_view text);
// Standard or URL-safe base64, padded or not (what other services send); spaces are read as '+'.
Result<std::string> base64_decode_any(std::string_view text);

}  // namespace kb::crypto
