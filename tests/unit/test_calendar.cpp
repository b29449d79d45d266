#include <doctest/doctest.h>
#include "shared/domain/calendar.hpp"

using namespace kb::domain;

TEST_CASE("ISO date-times with every offset form Altegio sends parse to the same instant") {
    auto colon = parse_iso_datetime("2025-07-18T14:30:00+05:00");
    auto no_colon = parse_iso_datetime("2025-07-18T14:30:00+0500");
    auto hours_only = parse_iso_datetime("2025-07-18T14:30:00+05");
    auto utc = parse_iso_datetime("2025-07-18T09:30:00Z");
    REQUIRE(colon);
    REQUIRE(no_colon);
    REQUIRE(hours_only);
    REQUIRE(utc);
    CHECK(to_unix_seconds(*colon) == to_unix_seconds(*utc));
    CHECK(to_unix_seconds(*no_colon) == to_unix_seconds(*utc));
    CHECK(to_unix_seconds(*hours_only) == to_unix_seconds(*utc));
    CHECK(to_unix_seconds(*utc) == 1752831000);
}

TEST_CASE("fractions and a space separator are accepted; negative offsets move the instant the other way") {
    auto t = parse_iso_datetime("2026-11-23 10:00:00.000-03:00");
    REQUIRE(t);
    CHECK(t->offset_seconds == -3 * 3600);
    CHECK(to_unix_seconds(*t) == to_unix_seconds(*parse_iso_datetime("2026-11-23T13:00:00Z")));
}

TEST_CASE("malformed or impossible date-times are errors, not guesses") {
    for (const char* text : {"", "2026-11-23", "2026-13-01T10:00", "2026-02-30T10:00", "2026-11-23T24:00",
                             "2026-11-23T10:00+15:00", "2026-11-23T10:00 junk", "23.11.2026 10:00"}) {
        CAPTURE(text);
        CHECK_FALSE(parse_iso_datetime(text));
    }
    CHECK(parse_iso_datetime("2024-02-29T10:00"));  // leap day
}

TEST_CASE("local midnight is the start of the branch's own day, whatever the offset") {
    auto moscow_evening = parse_iso_datetime("2026-11-23T23:30:00+03:00");
    REQUIRE(moscow_evening);
    CHECK(local_midnight_unix_seconds(*moscow_evening) == to_unix_seconds(*parse_iso_datetime("2026-11-23T00:00:00+03:00")));
    CHECK(format_date(*moscow_evening) == "2026-11-23");
    CHECK(format_time(*moscow_evening) == "23:30");
    CHECK(days_from_civil(1970, 1, 1) == 0);
    CHECK(days_from_civil(2000, 3, 1) == 11017);
}

TEST_CASE("days and civil dates convert both ways, weekdays included") {
    for (int64_t days : {-1000000LL, -1LL, 0LL, 11016LL, 11017LL, 20415LL, 2932896LL}) {
        CivilDate date = civil_from_days(days);
        CHECK(days_from_civil(date.year, date.month, date.day) == days);
    }
    CHECK(civil_from_days(0) == CivilDate{1970, 1, 1});
    CHECK(civil_from_days(days_from_civil(2024, 2, 29)) == CivilDate{2024, 2, 29});
    CHECK(weekday_from_days(0) == 3);                                // Thursday
    CHECK(weekday_from_days(days_from_civil(2026, 11, 23)) == 0);   // a Monday
    CHECK(format_civil(*parse_civil("2026-11-23")) == "2026-11-23");
    CHECK_FALSE(parse_civil("2026-11-23T10:00"));
    CHECK_FALSE(parse_civil("23/11/2026"));
}

TEST_CASE("the moment of a date-time compares branches in different time zones; garbage is 0") {
    CHECK(moment_of("2026-11-23T12:00:00+03:00") == moment_of("2026-11-23T10:00:00+01:00"));
    CHECK(moment_of("2026-11-23T09:00:00+03:00") < moment_of("2026-11-23T08:00:00+01:00"));
    CHECK(moment_of("2026-11-23T09:00:00Z") == 1795424400);
    CHECK(moment_of("not a date") == 0);
}

TEST_CASE("days are added across month and year ends and leap days; garbage stays as it was") {
    CHECK(add_days("2026-11-30", 1) == "2026-12-01");
    CHECK(add_days("2026-12-31", 1) == "2027-01-01");
    CHECK(add_days("2028-03-01", -1) == "2028-02-29");
    CHECK(add_days("2026-11-23", -60) == "2026-09-24");
    CHECK(add_days("soon", 3) == "soon");
}

TEST_CASE("clock times read as minutes of the day, seconds allowed, up to 24:00; anything else is -1") {
    CHECK(minute_of_day("00:00") == 0);
    CHECK(minute_of_day("10:30") == 630);
    CHECK(minute_of_day("20:00:00") == 1200);
    CHECK(minute_of_day("24:00") == 1440);
    CHECK(minute_of_day("24:30") == -1);
    CHECK(minute_of_day("9:30") == -1);
    CHECK(minute_of_day("10:60") == -1);
    CHECK(minute_of_day("10:30 ") == -1);
    CHECK(format_minute_of_day(630) == "10:30");
    CHECK(format_minute_of_day(1440) == "24:00");
}

TEST_CASE("a month's calendar page starts on its first day's weekday and has its own number of days") {
    auto december = month_page("2026-12-07");
    REQUIRE(december);
    CHECK(december->year == 2026);
    CHECK(december->month == 12);
    CHECK(december->first_weekday == 1);   // Tuesday 1 December 2026
    CHECK(december->days == 31);
    CHECK(month_page("2028-02-10")->days == 29);   // a leap year
    CHECK(month_page("2026-02-10")->days == 28);
    CHECK(month_page("2026-06-30")->first_weekday == 0);   // Monday 1 June 2026
    CHECK_FALSE(month_page("07.12.2026"));
}

TEST_CASE("moving by months lands on the first day of the month, across years both ways") {
    CHECK(shift_month("2026-12-07", -1) == "2026-11-01");
    CHECK(shift_month("2026-12-31", 1) == "2027-01-01");
    CHECK(shift_month("2026-01-15", -1) == "2025-12-01");
    CHECK(shift_month("2026-03-31", -13) == "2025-02-01");
    CHECK(shift_month("2026-05-05", 0) == "2026-05-01");
    CHECK(shift_month("not a date", 1) == "not a date");
}
