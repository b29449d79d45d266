#include "relay/crypto/hmac.hpp"

#include <sodium.h>

namespace kb::crypto {

std::string digest_hex(std::string_view text) {
    unsigned char hash[16];
    crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(text.data()), text.size(), nullptr, 0);
    char hex[sizeof hash * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
    return hex;
}

int64_t digest_id(std::string_view text) {
    unsigned char hash[8];
    crypto_generichash(hash, sizeof hash, reinterpret_cast<const unsigned char*>(text.data()), text.size(), nullptr, 0);
    uint64_t value = 0;
    for (unsigned char byte : hash) value = (value << 8) | byte;
    return static_cast<int64_t>(value >> 1);
}

std::string hmac_sha256(std::string_view message, std::string_view key) {
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()), message.size());
    crypto_auth_hmacsha256_final(&state, mac);
    return std::string(reinterpret_cast<const char*>(mac), sizeof mac);
}

std::string hmac_sha256_hex(std::string_view message, std::string_view key) {
    std::string mac = hmac_sha256(message, key);
    char hex[crypto_auth_hmacsha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
    return hex;
}

bool same_secret(std::string_view a, std::string_view b) {
    return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace kb::crypto
