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
