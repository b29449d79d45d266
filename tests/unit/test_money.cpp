#include <doctest/doctest.h>
#include "shared/domain/money.hpp"

using namespace kb::domain;

TEST_CASE("Altegio's decimal prices become exact minor units") {
    CHECK(parse_money("1300.00")->minor == 130000);
    CHECK(parse_money("1300")->minor == 130000);
    CHECK(parse_money("1300.5")->minor == 130050);
    CHECK(parse_money("0.07")->minor == 7);
    CHECK(parse_money("-20.10")->minor == -2010);
    CHECK(parse_money("12.340")->minor == 1234);
    for (const char* bad : {"", ".", "12,50", "1e3", "12.345", "abc", "99999999999999999999"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_money(bad));
    }
}

TEST_CASE("amounts are grouped the way each language writes them") {
    CHECK(format_money(Money{130000}, "en") == "1,300");
    CHECK(format_money(Money{130050}, "en", "$") == "1,300.50 $");
    CHECK(format_money(Money{123456789}, "ru", "₽") == "1\xC2\xA0" "234\xC2\xA0" "567,89 ₽");
    CHECK(format_money(Money{250000000}, "es", "€") == "2.500.000 €");
    CHECK(format_money(Money{123456789}, "pt", "R$") == "1.234.567,89 R$");
    CHECK(format_money(Money{-5}, "en") == "-0.05");
    CHECK(format_money(Money{0}, "ru") == "0");
}
