#pragma once
// Encrypts secrets at rest (Kommo and Altegio tokens) with libsodium's secretbox (XSalsa20-Poly1305).
// Usage:
//   auto box = kb::crypto::SecretBox::from_key_text(getenv("KB_MASTER_KEY"));   // 64 hex characters
//   std::string sealed = box->seal("token");          // base64: nonce + ciphertext
//   Result<std::string> plain = box->open(sealed);    // error when tampered with or another key
#include <array>
#include <string>
#include <string_view>
#include "shared/domain/result.hpp"

namespace kb::crypto {

class SecretBox {
public:
    static constexpr size_t key_bytes = 32;
    static Result<SecretBox> from_key_text(std::string_view hex_key);
    static std::string generate_key_text();   // a fresh random key, as 64 hex characters

    std::string seal(std::string_view plaintext) const;
    Result<std::string> open(std::string_view sealed) const;

private:
    std::array<unsigned char, key_bytes> m_key{};
};

// A random token of `bytes` bytes, URL-safe (webhook keys, request ids, state values).
std::string random_token(size_t bytes = 24);

}  // namespace kb::crypto
