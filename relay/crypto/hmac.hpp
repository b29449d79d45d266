#pragma once
// HMAC-SHA256 for the signatures other services put on their calls to the relay (Kommo's uninstall hook,
// Altegio Marketplace's user data), and the disposable token's HS256.
#include <cstdint>
#include <string>
#include <string_view>

namespace kb::crypto {

std::string hmac_sha256(std::string_view message, std::string_view key);       // 32 raw bytes
std::string hmac_sha256_hex(std::string_view message, std::string_view key);   // 64 lowercase hex digits
// A short fingerprint of a text (BLAKE2b, 16 bytes as 32 hex digits): the same event delivered twice gets the same one.
std::string digest_hex(std::string_view text);
// The same as a positive 63-bit number, for an inbox row's resource id when the resource's own id is text.
int64_t digest_id(std::string_view text);
// Compares in time independent of where the two differ; texts of different length are simply unequal.
bool same_secret(std::string_view a, std::string_view b);

}  // namespace kb::crypto
