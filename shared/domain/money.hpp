#pragma once
// Money in integer minor units: parsing Altegio's decimal strings and formatting per UI language,
// with no floating point and no locale.
#include <string>
#include <string_view>
#include "shared/domain/booking.hpp"
#include "shared/domain/result.hpp"

namespace kb::domain {

// "1300", "1300.5", "1300.00", "-20.10" -> minor units (two decimals). More than two decimals is an error.
Result<Money> parse_money(std::string_view decimal_text);

// Grouped and with the language's separators: en "1,300.50", ru "1 300,50", es "1.300,50".
// Whole amounts drop the decimals ("1,300"). The currency, if any, follows after a space.
std::string format_money(Money amount, std::string_view language, std::string_view currency = {});

}  // namespace kb::domain
