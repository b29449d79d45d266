#pragma once
// Text matching as people type it: "анна" finds "Анна", "maría" finds "MARÍA".
#include <optional>
#include <string>
#include <string_view>

namespace kb::domain {

// Lower case of UTF-8 text for the scripts the product serves: ASCII, Latin-1 (Spanish accents, Ñ), Latin
// Extended-A and Cyrillic (with Ё). Other characters, and bytes that are not valid UTF-8, stay as they are.
std::string fold_case(std::string_view text);

// Whether `needle` occurs in `haystack` ignoring case as above; an empty needle is found everywhere.
bool contains_folded(std::string_view haystack, std::string_view needle);

// A decimal number as people type it: "1500", "-2.5", "1,5" (the decimal comma of Russian and Spanish);
// nullopt for anything else (letters, spaces, an empty text).
std::optional<double> parse_decimal(std::string_view text);

// Six hex digits without '#': a colour as Altegio writes custom_color.
bool is_hex_color(std::string_view text);

// Whether `text` is well-formed UTF-8: no stray continuation bytes, no overlong forms, no surrogates, nothing
// past U+10FFFF.
bool is_valid_utf8(std::string_view text);

// `text` as one value of a URL's query or path: every byte but A-Z a-z 0-9 - _ . ~ as %XX.
std::string percent_encode(std::string_view text);

}  // namespace kb::domain
