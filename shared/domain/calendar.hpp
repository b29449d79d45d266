#pragma once
// Calendar arithmetic on ISO 8601 strings with explicit offsets, without a time-zone database:
// Altegio's `datetime` carries the branch offset, which is all the booking flow needs.
#include <cstdint>
#include <string>
#include <string_view>
#include "shared/domain/result.hpp"

namespace kb::domain {

struct OffsetDateTime {
    int32_t year = 1970, month = 1, day = 1;
    int32_t hour = 0, minute = 0, second = 0;
    int32_t offset_seconds = 0;   // east of UTC
};

// Accepts "YYYY-MM-DDTHH:MM[:SS[.fff]]" followed by "Z", "+HH:MM", "+HHMM" or "+HH"; a space may stand for 'T'.
// Without an offset the time is taken as UTC.
Result<OffsetDateTime> parse_iso_datetime(std::string_view text);

// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t days_from_civil(int32_t year, int32_t month, int32_t day);

struct CivilDate {
    int32_t year = 1970, month = 1, day = 1;
    friend bool operator==(const CivilDate&, const CivilDate&) = default;
};
// The inverse of days_from_civil.
CivilDate civil_from_days(int64_t days);
// 0 = Monday ... 6 = Sunday.
int32_t weekday_from_days(int64_t days);
std::string format_civil(const CivilDate& date);   // "YYYY-MM-DD"
Result<CivilDate> parse_civil(std::string_view text);
// "YYYY-MM-DD" moved by `days` (back when negative); the text as it was when it does not parse.
std::string add_days(std::string_view iso_date, int64_t days);

// The calendar page of the month a "YYYY-MM-DD" falls in: the weekday of its first day (0 = Monday) and how many days
// it has.
struct MonthPage {
    int32_t year = 1970, month = 1;
    int32_t first_weekday = 0;
    int32_t days = 31;
};
Result<MonthPage> month_page(std::string_view iso_date);
// The first day of the month `months` away from the one "YYYY-MM-DD" falls in ("2026-12-07", -1: "2026-11-01"); the
// text as it was when it does not parse.
std::string shift_month(std::string_view iso_date, int32_t months);

// Minutes since midnight of "HH:MM" or "HH:MM:SS" (up to "24:00"); -1 when it is not such a time.
int32_t minute_of_day(std::string_view hh_mm);
// "HH:MM" of minutes since midnight (0..1440).
std::string format_minute_of_day(int32_t minutes);

// Seconds since the epoch of the instant.
int64_t to_unix_seconds(const OffsetDateTime& t);
// The moment an ISO 8601 date-time with offset names, in unix seconds; 0 when it does not parse. Records of
// branches in different time zones compare by this, not by their wall time.
int64_t moment_of(std::string_view iso_datetime);
// The UTC offset an ISO 8601 date-time carries (a record's: its branch's), in seconds; 0 when it does not parse.
int32_t offset_of(std::string_view iso_datetime);

// Seconds since the epoch of the start of that wall-clock day at the same offset.
int64_t local_midnight_unix_seconds(const OffsetDateTime& t);

std::string format_date(const OffsetDateTime& t);   // "YYYY-MM-DD"
std::string format_time(const OffsetDateTime& t);   // "HH:MM"
// "YYYY-MM-DDTHH:MM:SS+HH:MM": the instant as wall time at that offset.
std::string format_iso_datetime(int64_t unix_seconds, int32_t offset_seconds);

}  // namespace kb::domain
