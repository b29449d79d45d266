#pragma once
// Phone numbers as the duplicate search compares them, and as Kommo contacts show them.
//
// Matching:
//   - Russian/Kazakh numbers (+7 / 8 / 7 followed by ten digits) compare on those ten digits, so
//     "+7 999 123-45-67", "8 (999) 1234567" and "79991234567" are one client.
//   - Other numbers compare country code and national significant number; a number written without a
//     country code takes the account's default country (trunk prefix such as 0 removed).
//   - Formatting characters are ignored. Numbers with an extension, too short (under 7 national digits)
//     or with letters never match anything.
// Usage:
//   bool same = kb::domain::same_client_phone("+34 600 111 222", "600111222", "34");
//   auto shown = kb::domain::format_phone("89991234567", PhoneFormat::ru_brackets, {}, "7");   // "+7 (999) 123-45-67"
#include <string>
#include <string_view>
#include "shared/domain/result.hpp"

namespace kb::domain {

struct PhoneNumber {
    std::string country_code;   // digits, e.g. "7", "34", "52"; "" when unknown
    std::string national;       // national significant number, digits only
    friend bool operator==(const PhoneNumber&, const PhoneNumber&) = default;
};

// `default_country_code` is digits without '+', or "" when the account has none.
Result<PhoneNumber> parse_phone(std::string_view text, std::string_view default_country_code);

bool same_client_phone(std::string_view a, std::string_view b, std::string_view default_country_code);

// The formats an admin can choose for Kommo contacts.
enum class PhoneFormat {
    as_is,               // leave the number as Altegio has it
    e164,                // +79991234567
    digits,              // 79991234567 (what Altegio's loyalty lookups want)
    ru_brackets,         // +7 (999) 123-45-67
    ru_eight,            // 8 (999) 123-45-67
    international,       // +34 600 111 222: country code, then groups of three (the last group 2–4 digits)
    custom,              // a pattern where each '#' takes the next digit of the full number, e.g. "+# (###) ###-##-##"
};

// Renders a phone; a number that does not parse, or does not fit the pattern, is returned as it was.
std::string format_phone(std::string_view text, PhoneFormat format, std::string_view custom_pattern,
                         std::string_view default_country_code);

}  // namespace kb::domain
