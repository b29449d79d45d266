#include "shared/domain/phone.hpp"

#include <array>
#include <cctype>

namespace kb::domain {
namespace {

// [SECTION] country data -------------------------------------------------------------------------------------
// Calling codes the product's markets use (and their neighbours), the length of a national significant
// number, and whether a leading 0 is a trunk prefix to drop.
struct Country {
    std::string_view code;
    int min_digits, max_digits;
    bool trunk_zero;
};

constexpr std::array countries{
    Country{"1", 10, 10, false},   Country{"7", 10, 10, false},   Country{"20", 9, 10, true},    Country{"30", 10, 10, false},
    Country{"31", 9, 9, true},     Country{"32", 8, 9, true},     Country{"33", 9, 9, true},     Country{"34", 9, 9, false},
    Country{"36", 8, 9, true},     Country{"39", 6, 11, false},   Country{"40", 9, 9, true},     Country{"41", 9, 9, true},
    Country{"43", 7, 13, true},    Country{"44", 9, 10, true},    Country{"45", 8, 8, false},    Country{"46", 7, 9, true},
    Country{"47", 8, 8, false},    Country{"48", 9, 9, false},    Country{"49", 6, 11, true},    Country{"51", 8, 9, true},
    Country{"52", 10, 10, false},  Country{"53", 8, 8, true},     Country{"54", 10, 10, true},   Country{"55", 10, 11, true},
    Country{"56", 9, 9, false},    Country{"57", 10, 10, false},  Country{"58", 10, 10, true},   Country{"90", 10, 10, true},
    Country{"351", 9, 9, false},   Country{"353", 7, 9, true},    Country{"358", 6, 10, true},   Country{"370", 8, 8, true},
    Country{"371", 8, 8, false},   Country{"372", 7, 8, false},   Country{"373", 8, 8, true},    Country{"374", 8, 8, true},
    Country{"375", 9, 9, true},    Country{"380", 9, 9, true},    Country{"381", 8, 9, true},    Country{"420", 9, 9, false},
    Country{"502", 8, 8, false},   Country{"503", 8, 8, false},   Country{"504", 8, 8, false},   Country{"505", 8, 8, false},
    Country{"506", 8, 8, false},   Country{"507", 7, 8, false},   Country{"591", 8, 8, true},    Country{"593", 8, 9, true},
    Country{"595", 9, 9, true},    Country{"598", 8, 8, true},    Country{"971", 8, 9, true},    Country{"972", 8, 9, true},
    Country{"992", 9, 9, false},   Country{"993", 8, 8, true},    Country{"994", 9, 9, true},    Country{"995", 9, 9, true},
    Country{"996", 9, 9, true},    Country{"998", 9, 9, false},
};

const Country* find_country(std::string_view code) {
    for (const auto& c : countries)
        if (c.code == code) return &c;
    return nullptr;
}

// The longest calling code that starts `digits`.
const Country* country_prefix(std::string_view digits) {
    for (size_t length = 3; length >= 1; --length)
        if (digits.size() > length)
            if (const Country* c = find_country(digits.substr(0, length))) return c;
    return nullptr;
}

constexpr size_t min_national_digits = 7;

// National significant number after a country code: trunk 0 and country quirks removed.
std::string national_part(const Country* country, std::string national) {
    if (!country) return national;
    if (country->trunk_zero && !national.empty() && national[0] == '0') national.erase(0, 1);
    // Argentina writes mobiles as +54 9 ...; Mexico's old mobile prefix was +52 1 ...
    if (country->code == "54" && national.size() == 11 && national[0] == '9') national.erase(0, 1);
    if (country->code == "52" && national.size() == 11 && national[0] == '1') national.erase(0, 1);
    return national;
}

tl::unexpected<Error> not_a_phone(std::string_view text, const char* why) {
    return fail(Errc::bad_input, "ui.error.bad_phone", std::string(why) + ": " + std::string(text));
}

}  // namespace

// [SECTION] parsing and matching --------------------------------------------------------------------------------
Result<PhoneNumber> parse_phone(std::string_view text, std::string_view default_country_code) {
    std::string digits;
    bool plus = false;
    for (size_t i = 0; i < text.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (std::isdigit(c)) {
            digits += static_cast<char>(c);
        } else if (c == '+' && digits.empty() && !plus) {
            plus = true;
        } else if (c == ' ' || c == '-' || c == '(' || c == ')' || c == '.' || c == '/' || c == '\t') {
            continue;
        } else if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xA0) {
            ++i;   // no-break space
        } else {
            // Letters, '#', ',' or ';' mean an extension or something that is not a phone: never a match.
            return not_a_phone(text, "extension or letters");
        }
    }
    if (digits.empty()) return not_a_phone(text, "no digits");
    if (!plus && digits.size() > 2 && digits.compare(0, 2, "00") == 0) {   // 00 = international prefix
        plus = true;
        digits.erase(0, 2);
    }

    PhoneNumber out;
    if ((plus && digits.size() == 11 && digits[0] == '7') ||
        (!plus && digits.size() == 11 && (digits[0] == '7' || digits[0] == '8'))) {
        out = PhoneNumber{"7", digits.substr(1)};   // the Russian rule: the ten digits after +7, 7 or 8
    } else if (plus) {
        const Country* country = country_prefix(digits);
        if (!country) return not_a_phone(text, "unknown country code");
        out = PhoneNumber{std::string(country->code), national_part(country, digits.substr(country->code.size()))};
    } else {
        const Country* country = find_country(default_country_code);
        std::string national = digits;
        // Written with the country code but without '+': 34600111222 for a Spanish account.
        if (country && national.size() > country->code.size() && national.compare(0, country->code.size(), country->code) == 0) {
            std::string rest = national_part(country, national.substr(country->code.size()));
            if (static_cast<int>(rest.size()) >= country->min_digits && static_cast<int>(rest.size()) <= country->max_digits &&
                static_cast<int>(national.size()) > country->max_digits)
                national = national.substr(country->code.size());
        }
        out = PhoneNumber{std::string(default_country_code), national_part(country, national)};
    }
    if (out.national.size() < min_national_digits) return not_a_phone(text, "too short");
    if (out.national.size() > 14) return not_a_phone(text, "too long");
    return out;
}

bool same_client_phone(std::string_view a, std::string_view b, std::string_view default_country_code) {
    auto first = parse_phone(a, default_country_code);
    auto second = parse_phone(b, default_country_code);
    if (!first || !second) return false;
    if (first->national != second->national) return false;
    return first->country_code.empty() || second->country_code.empty() || first->country_code == second->country_code;
}

// [SECTION] formatting ----------------------------------------------------------------------------------------
std::string format_phone(std::string_view text, PhoneFormat format, std::string_view custom_pattern,
                         std::string_view default_country_code) {
    if (format == PhoneFormat::as_is) return std::string(text);
    auto phone = parse_phone(text, default_country_code);
    if (!phone || phone->country_code.empty()) return std::string(text);
    const std::string& cc = phone->country_code;
    const std::string& n = phone->national;
    std::string full = cc + n;
    switch (format) {
        case PhoneFormat::as_is: return std::string(text);
        case PhoneFormat::e164: return "+" + full;
        case PhoneFormat::digits: return full;
        case PhoneFormat::ru_brackets:
        case PhoneFormat::ru_eight:
            if (cc != "7" || n.size() != 10) return std::string(text);
            return (format == PhoneFormat::ru_brackets ? "+7 (" : "8 (") + n.substr(0, 3) + ") " + n.substr(3, 3) + "-" +
                   n.substr(6, 2) + "-" + n.substr(8, 2);
        case PhoneFormat::international: {
            std::string out = "+" + cc;
            size_t i = 0;
            while (i < n.size()) {
                size_t left = n.size() - i;
                size_t take = left <= 4 ? left : 3;
                out += " " + n.substr(i, take);
                i += take;
            }
            return out;
        }
        case PhoneFormat::custom: {
            size_t slots = 0;
            for (char c : custom_pattern) slots += c == '#';
            if (slots != full.size()) return std::string(text);
            std::string out;
            size_t next = 0;
            for (char c : custom_pattern) out += c == '#' ? full[next++] : c;
            return out;
        }
    }
    return std::string(text);
}

}  // namespace kb::domain
