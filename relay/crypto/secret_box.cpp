#include "relay/crypto/secret_box.hpp"

#include <sodium.h>
#include <vector>
#include "relay/crypto/jwt.hpp"

namespace kb::crypto {

Result<SecretBox> SecretBox::from_key_text(std::string_view hex_key) {
    if (sodium_init() < 0) return fail(Errc::internal, "ui.error.internal", "libsodium failed to start");
    SecretBox box;
    size_t length = 0;
    if (hex_key.size() != key_bytes * 2 ||
        sodium_hex2bin(box.m_key.data(), box.m_key.size(), hex_key.data(), hex_key.size(), nullptr, &length, nullptr) != 0 ||
        length != key_bytes)
        return fail(Errc::not_configured, "ui.error.internal", "master key must be 64 hex characters");
    return box;
}

std::string SecretBox::generate_key_text() {
    if (sodium_init() < 0) return {};
    unsigned char key[key_bytes];
    crypto_secretbox_keygen(key);
    char hex[key_bytes * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, key, sizeof key);
    return hex;
}

std::string SecretBox::seal(std::string_view plaintext) const {
    std::vector<unsigned char> out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size());
    randombytes_buf(out.data(), crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(out.data() + crypto_secretbox_NONCEBYTES, reinterpret_cast<const unsigned char*>(plaintext.data()),
                          plaintext.size(), out.data(), m_key.data());
    return base64url_encode(std::string_view(reinterpret_cast<const char*>(out.data()), out.size()));
}

Result<std::string> SecretBox::open(std::string_view sealed) const {
    auto raw = base64url_decode(sealed);
    if (!raw || raw->size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
        return fail(Errc::internal, "ui.error.internal", "sealed secret is malformed");
    const auto* bytes = reinterpret_cast<const unsigned char*>(raw->data());
    std::string plain(raw->size() - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
    if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()), bytes + crypto_secretbox_NONCEBYTES,
                                   raw->size() - crypto_secretbox_NONCEBYTES, bytes, m_key.data()) != 0)
        return fail(Errc::internal, "ui.error.internal", "sealed secret does not open with this key");
    return plain;
}

std::string random_token(size_t bytes) {
    if (sodium_init() < 0) return {};
    std::string raw(bytes, '\0');
    randombytes_buf(raw.data(), raw.size());
    return base64url_encode(raw);
}

}  // namespace kb::crypto
