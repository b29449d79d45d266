#include "relay/marketplace/claim_code.hpp"

#include <sodium.h>
#include "relay/crypto/hmac.hpp"

namespace kb::marketplace {
namespace {

constexpr std::string_view alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";   // 31 characters, none mistaken for another
constexpr size_t code_length = 12;

}  // namespace

std::string new_claim_code() {
    std::string code;
    for (size_t i = 0; i < code_length; ++i) {
        if (i > 0 && i % 4 == 0) code += '-';
        code += alphabet[randombytes_uniform(static_cast<uint32_t>(alphabet.size()))];
    }
    return code;
}

std::optional<std::string> normalise_claim_code(std::string_view typed) {
    if (typed.size() > 64) return std::nullopt;
    std::string code;
    for (char c : typed) {
        if (c == ' ' || c == '-') continue;
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if (alphabet.find(c) == std::string_view::npos) return std::nullopt;
        code += c;
    }
    if (code.size() != code_length) return std::nullopt;
    return code;
}

std::string claim_code_hash(std::string_view code) { return crypto::hmac_sha256_hex(code, "kommo-altegio marketplace claim code"); }

}  // namespace kb::marketplace
