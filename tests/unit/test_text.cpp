// Searching as people type: case never matters, in Russian, Spanish or English.
#include <doctest/doctest.h>
#include "shared/domain/text.hpp"

using kb::domain::contains_folded;
using kb::domain::fold_case;

TEST_CASE("case folding covers Latin, Spanish accents and Cyrillic, and leaves the rest alone") {
    CHECK(fold_case("Anna IVANOVA") == "anna ivanova");
    CHECK(fold_case("АННА Иванова") == "анна иванова");
    CHECK(fold_case("ЁЛКА Ёж") == "ёлка ёж");
    CHECK(fold_case("MARÍA LÓPEZ NÚÑEZ") == "maría lópez núñez");
    CHECK(fold_case("ŁÓDŹ ŽÁK") == "łódź žák");
    CHECK(fold_case("× ÷ 5€ ₽ +7 999") == "× ÷ 5€ ₽ +7 999");   // signs are not letters
    CHECK(fold_case("ab\xC3") == "ab\xC3");                    // a cut-off sequence is copied, not dropped
}

TEST_CASE("a search finds a name whatever case either side is typed in") {
    CHECK(contains_folded("Анна Иванова", "анна"));
    CHECK(contains_folded("анна иванова", "ИВАН"));
    CHECK(contains_folded("Corte de pelo MUJER", "mujer"));
    CHECK(contains_folded("Manicura semipermanente", ""));
    CHECK_FALSE(contains_folded("Педикюр", "маникюр"));
}

TEST_CASE("a record colour is six hex digits, any case, without '#'") {
    CHECK(kb::domain::is_hex_color("f44336"));
    CHECK(kb::domain::is_hex_color("4CAF50"));
    CHECK_FALSE(kb::domain::is_hex_color("#f44336"));
    CHECK_FALSE(kb::domain::is_hex_color("red"));
    CHECK_FALSE(kb::domain::is_hex_color("f4433"));
    CHECK_FALSE(kb::domain::is_hex_color("f44336 "));
}

TEST_CASE("names in every script are valid UTF-8; broken bytes are not") {
    using kb::domain::is_valid_utf8;
    CHECK(is_valid_utf8(""));
    CHECK(is_valid_utf8("Анна Иванова"));
    CHECK(is_valid_utf8("María Núñez 💇 王芳 Nguyễn"));
    CHECK(is_valid_utf8("\xF4\x8F\xBF\xBF"));          // U+10FFFF, the last code point
    CHECK_FALSE(is_valid_utf8("\xC3"));                // a lead byte cut off at the end
    CHECK_FALSE(is_valid_utf8("a\x80" "b"));           // a continuation byte alone
    CHECK_FALSE(is_valid_utf8("\xC0\xAF"));            // '/' written overlong
    CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));        // a UTF-16 surrogate
    CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));    // past U+10FFFF
    CHECK_FALSE(is_valid_utf8("\xFF"));
}
