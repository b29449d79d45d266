#include "shared/domain/money.hpp"

namespace kb::domain {

Result<Money> parse_money(std::string_view text) {
    auto bad = [&] { return fail(Errc::bad_input, "ui.error.bad_amount", "not a decimal amount: " + std::string(text)); };
    size_t pos = 0;
    bool negative = false;
    if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) negative = text[pos++] == '-';
    int64_t whole = 0;
    size_t digits = 0;
    for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos, ++digits) {
        if (whole > (INT64_MAX / 100 - 9) / 10) return bad();
        whole = whole * 10 + (text[pos] - '0');
    }
    int64_t fraction = 0;
    size_t fraction_digits = 0;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        for (; pos < text.size() && text[pos] >= '0' && text[pos] <= '9'; ++pos, ++fraction_digits) {
            if (fraction_digits >= 2) {
                if (text[pos] != '0') return bad();  // 12.345 cannot be held in minor units
                continue;
            }
            fraction = fraction * 10 + (text[pos] - '0');
        }
        if (fraction_digits == 1) fraction *= 10;
    }
    if (pos != text.size() || (digits == 0 && fraction_digits == 0)) return bad();
    int64_t minor = whole * 100 + fraction;
    return Money{negative ? -minor : minor};
}

std::string format_money(Money amount, std::string_view language, std::string_view currency) {
    std::string group = ",", decimal = ".";
    if (language == "ru") group = "\xC2\xA0", decimal = ",";  // no-break space
    if (language == "es" || language == "pt") group = ".", decimal = ",";
    int64_t minor = amount.minor < 0 ? -amount.minor : amount.minor;
    std::string digits = std::to_string(minor / 100);
    std::string grouped;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) grouped += group;
        grouped += digits[i];
    }
    std::string out = amount.minor < 0 ? "-" + grouped : grouped;
    if (int64_t cents = minor % 100; cents != 0) {
        out += decimal;
        out += static_cast<char>('0' + cents / 10);
        out += static_cast<char>('0' + cents % 10);
    }
    if (!currency.empty()) {
        out += ' ';
        out += currency;
    }
    return out;
}

}  // namespace kb::domain
