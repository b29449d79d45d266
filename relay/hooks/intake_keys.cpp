#include "relay/hooks/intake_keys.hpp"

#include "relay/crypto/hmac.hpp"

namespace kb::hooks {
namespace {

const char* name_of(Intake intake) {
    switch (intake) {
        case Intake::altegio: return "altegio";
        case Intake::kommo: return "kommo";
        case Intake::kommo_dp: return "kommo-dp";
        case Intake::tracking: return "tracking";
        case Intake::telephony: return "telephony";
        case Intake::altegio_location: return "altegio-location";
    }
    return "";
}

constexpr size_t tag_chars = 32;   // 128 bits of the HMAC, in hex

bool is_subject_char(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
}

}  // namespace

IntakeKeys::IntakeKeys(std::string_view master_key_text)
    : m_secret(crypto::hmac_sha256("kommo-altegio intake keys v1", master_key_text)) {}

std::string IntakeKeys::key(Intake intake, std::string_view subject, std::string_view seed) const {
    std::string message = std::string(name_of(intake)) + "|" + std::string(subject) + "|" + std::string(seed);
    return std::string(subject) + "." + crypto::hmac_sha256_hex(message, m_secret).substr(0, tag_chars);
}

std::optional<IntakeKeys::Parts> IntakeKeys::split(std::string_view key) {
    size_t dot = key.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot > 64 || key.size() - dot - 1 != tag_chars) return std::nullopt;
    for (char c : key.substr(0, dot))
        if (!is_subject_char(c)) return std::nullopt;
    return Parts{std::string(key.substr(0, dot)), std::string(key.substr(dot + 1))};
}

bool IntakeKeys::matches(std::string_view key, Intake intake, std::string_view subject, std::string_view seed) const {
    return crypto::same_secret(key, this->key(intake, subject, seed));
}

}  // namespace kb::hooks
