#include <doctest/doctest.h>
#include "shared/domain/phone.hpp"

using namespace kb::domain;

TEST_CASE("Russian numbers: +7, 8 and 7 followed by the same ten digits are one client") {
    for (const char* other : {"8 (999) 1234567", "79991234567", "+7(999)123-45-67", "8-999-123-45-67", "+7 999 123 45 67"}) {
        CAPTURE(other);
        CHECK(same_client_phone("+7 999 123-45-67", other, "7"));
        CHECK(same_client_phone("+7 999 123-45-67", other, "34"));   // the rule holds whatever the account's country
    }
    CHECK(parse_phone("8 (999) 1234567", "7")->national == "9991234567");
    CHECK_FALSE(same_client_phone("+7 999 123-45-67", "+7 999 123-45-68", "7"));
    CHECK_FALSE(same_client_phone("+7 999 123-45-67", "9991234567", "34"));   // ten digits alone are Spanish-account local
    CHECK(same_client_phone("+7 999 123-45-67", "9991234567", "7"));          // ... and Russian for a Russian account
}

TEST_CASE("Kazakh numbers share +7 and the same rule") {
    CHECK(same_client_phone("+7 701 234 5678", "87012345678", "7"));
    CHECK(parse_phone("+7 701 234 5678", "")->country_code == "7");
}

TEST_CASE("Spain: the national number after +34, with or without the country code, with the account default") {
    CHECK(same_client_phone("+34 600 111 222", "600111222", "34"));
    CHECK(same_client_phone("+34 600 111 222", "34600111222", "34"));
    CHECK(same_client_phone("0034 600 111 222", "600 11 12 22", "34"));
    CHECK_FALSE(same_client_phone("+34 600 111 222", "600111222", "52"));   // a Mexican account reads it as Mexican
    CHECK_FALSE(same_client_phone("+34 600 111 222", "+34 600 111 223", "34"));
}

TEST_CASE("Mexico and Argentina: mobile prefixes written the old and the new way are one client") {
    CHECK(same_client_phone("+52 1 55 1234 5678", "+52 55 1234 5678", "52"));
    CHECK(same_client_phone("+52 55 1234 5678", "55 1234 5678", "52"));
    CHECK(same_client_phone("+54 9 11 2345-6789", "+54 11 2345-6789", "54"));
    CHECK(same_client_phone("+54 11 2345-6789", "011 2345-6789", "54"));   // trunk 0 dropped
}

TEST_CASE("trunk zero: +44 (0)20 and 020 are the same London number") {
    CHECK(same_client_phone("+44 (0)20 7946 0958", "020 7946 0958", "44"));
    CHECK(same_client_phone("+44 20 7946 0958", "+44 (0)20 7946 0958", "1"));
    CHECK(same_client_phone("+39 06 1234 5678", "06 1234 5678", "39"));   // Italy keeps its 0
    CHECK(parse_phone("+39 06 1234 5678", "")->national == "0612345678");
}

TEST_CASE("extensions, letters, too short and unknown codes never match anything") {
    for (const char* bad : {"+7 999 123-45-67 ext 12", "+7 999 123-45-67 доб. 5", "+34 600 111 222#3", "12-34", "", "call me",
                            "+999 1234 5678", "+7 999 123-45-67, 8 916 555 44 33"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_phone(bad, "7"));
        CHECK_FALSE(same_client_phone(bad, bad, "7"));
    }
}

TEST_CASE("without a default country, national numbers still match each other but not a different country") {
    CHECK(same_client_phone("600111222", "600 111 222", ""));
    CHECK(same_client_phone("+34 600 111 222", "600111222", ""));   // unknown country: compare the national number
    CHECK_FALSE(same_client_phone("+34 600 111 222", "+52 600 111 222", ""));
}

TEST_CASE("contact phones are rendered in the admin's format, or left as they are") {
    CHECK(format_phone("89991234567", PhoneFormat::ru_brackets, {}, "7") == "+7 (999) 123-45-67");
    CHECK(format_phone("+7 999 123 45 67", PhoneFormat::ru_eight, {}, "7") == "8 (999) 123-45-67");
    CHECK(format_phone("8 (999) 123-45-67", PhoneFormat::e164, {}, "7") == "+79991234567");
    CHECK(format_phone("+34 600 111 222", PhoneFormat::digits, {}, "34") == "34600111222");
    CHECK(format_phone("600111222", PhoneFormat::international, {}, "34") == "+34 600 111 222");
    CHECK(format_phone("+52 55 1234 5678", PhoneFormat::international, {}, "52") == "+52 551 234 5678");
    CHECK(format_phone("89991234567", PhoneFormat::custom, "+# ### ###-##-##", "7") == "+7 999 123-45-67");
    CHECK(format_phone("89991234567", PhoneFormat::custom, "+## ###", "7") == "89991234567");       // pattern does not fit
    CHECK(format_phone("+34 600 111 222", PhoneFormat::ru_brackets, {}, "34") == "+34 600 111 222");  // not a Russian number
    CHECK(format_phone("ask at reception", PhoneFormat::e164, {}, "7") == "ask at reception");
    CHECK(format_phone("8 999 1234567", PhoneFormat::as_is, {}, "7") == "8 999 1234567");
}
