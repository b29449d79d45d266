#pragma once
// The claims of a disposable token Kommo would issue to the World's account (tests/relay/world.hpp), for tests
// that sign their own tokens: valid as they are, each test changes the claim it is about.
#include <chrono>
#include "relay/crypto/secret_box.hpp"
#include <nlohmann/json.hpp>
#include "shared/wire/json_type.hpp"

namespace kb::testing {

inline int64_t now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

inline wire::Json token_claims(int64_t now) {
    return wire::Json{{"iss", "https://bellastudio.kommo.com"}, {"aud", "http://relay.test"}, {"jti", crypto::random_token(8)},
                      {"iat", now}, {"nbf", now}, {"exp", now + 1800}, {"account_id", 31000001}, {"subdomain", "bellastudio"},
                      {"client_uuid", "sandbox-client-id"}, {"user_id", 9001}, {"is_admin", true}};
}

}  // namespace kb::testing
