#include "shared/domain/calendar.hpp"

#include <cstdio>

namespace kb::domain {
namespace {

bool read_digits(std::string_view text, size_t& pos, size_t count, int32_t& out) {
    if (pos + count > text.size()) return false;
    int32_t value = 0;
    for (size_t i = 0; i < count; ++i) {
        char c = text[pos + i];
        if (c < '0' || c > '9') return false;
        value = value * 10 + (c - '0');
    }
    out = value;
    pos += count;
    return true;
}

bool expect(std::string_view text, size_t& pos, char c) {
    if (pos >= text.size() || text[pos] != c) return false;
    ++pos;
    return true;
}

int32_t days_in_month(int32_t year, int32_t month) {
    static constexpr int32_t days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

}  // namespace

Result<OffsetDateTime> parse_iso_datetime(std::string_view text) {
    auto bad = [&] { return fail(Errc::bad_input, "ui.error.bad_datetime", "not an ISO 8601 date-time: " + std::string(text)); };
    OffsetDateTime t;
    size_t pos = 0;
    if (!read_digits(text, pos, 4, t.year) || !expect(text, pos, '-') || !read_digits(text, pos, 2, t.month) ||
        !expect(text, pos, '-') || !read_digits(text, pos, 2, t.day))
        return bad();
    if (pos >= text.size() || (text[pos] != 'T' && text[pos] != ' ')) return bad();
    ++pos;
    if (!read_digits(text, pos, 2, t.hour) || !expect(text, pos, ':') || !read_digits(text, pos, 2, t.minute)) return bad();
    if (pos < text.size() && text[pos] == ':') {
        ++pos;
        if (!read_digits(text, pos, 2, t.second)) return bad();
        if (pos < text.size() && text[pos] == '.') {
            ++pos;
            while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
        }
    }
    if (pos < text.size()) {
        char sign = text[pos++];
        if (sign == 'Z' || sign == 'z') {
            t.offset_seconds = 0;
        } else if (sign == '+' || sign == '-') {
            int32_t hours = 0, minutes = 0;
            if (!read_digits(text, pos, 2, hours)) return bad();
            if (pos < text.size() && text[pos] == ':') ++pos;
            if (pos < text.size() && !read_digits(text, pos, 2, minutes)) return bad();
            if (hours > 14 || minutes > 59) return bad();
            t.offset_seconds = (hours * 3600 + minutes * 60) * (sign == '-' ? -1 : 1);
        } else {
            return bad();
        }
    }
    if (pos != text.size()) return bad();
    if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > days_in_month(t.year, t.month) || t.hour > 23 ||
        t.minute > 59 || t.second > 60)
        return bad();
    return t;
}

int64_t days_from_civil(int32_t year, int32_t month, int32_t day) {
    // Howard Hinnant's days_from_civil algorithm (public domain description), in integer arithmetic.
    int64_t y = static_cast<int64_t>(year) - (month <= 2 ? 1 : 0);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t year_of_era = y - era * 400;
    int64_t month_index = month > 2 ? month - 3 : month + 9;
    int64_t day_of_year = (153 * month_index + 2) / 5 + day - 1;
    int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

CivilDate civil_from_days(int64_t days) {
    // The inverse of days_from_civil, in the same era arithmetic.
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    int64_t day_of_era = days - era * 146097;
    int64_t year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    int64_t month_index = (5 * day_of_year + 2) / 153;
    int32_t day = static_cast<int32_t>(day_of_year - (153 * month_index + 2) / 5 + 1);
    int32_t month = static_cast<int32_t>(month_index < 10 ? month_index + 3 : month_index - 9);
    int64_t year = year_of_era + era * 400 + (month <= 2 ? 1 : 0);
    return CivilDate{static_cast<int32_t>(year), month, day};
}

int32_t weekday_from_days(int64_t days) {
    int64_t w = (days + 3) % 7;   // 1970-01-01 was a Thursday
    return static_cast<int32_t>(w < 0 ? w + 7 : w);
}

std::string format_civil(const CivilDate& date) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", date.year, date.month, date.day);
    return buffer;
}

Result<CivilDate> parse_civil(std::string_view text) {
    auto parsed = parse_iso_datetime(std::string(text) + "T00:00");
    if (!parsed || text.size() != 10) return fail(Errc::bad_input, "ui.error.bad_datetime", "not a date: " + std::string(text));
    return CivilDate{parsed->year, parsed->month, parsed->day};
}

int64_t to_unix_seconds(const OffsetDateTime& t) {
    return days_from_civil(t.year, t.month, t.day) * 86400 + t.hour * 3600 + t.minute * 60 + t.second - t.offset_seconds;
}

int64_t moment_of(std::string_view iso_datetime) {
    auto parsed = parse_iso_datetime(iso_datetime);
    return parsed ? to_unix_seconds(*parsed) : 0;
}

int32_t offset_of(std::string_view iso_datetime) {
    auto parsed = parse_iso_datetime(iso_datetime);
    return parsed ? parsed->offset_seconds : 0;
}

int64_t local_midnight_unix_seconds(const OffsetDateTime& t) {
    return days_from_civil(t.year, t.month, t.day) * 86400 - t.offset_seconds;
}

std::string format_date(const OffsetDateTime& t) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", t.year, t.month, t.day);
    return buffer;
}

std::string format_time(const OffsetDateTime& t) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "%02d:%02d", t.hour, t.minute);
    return buffer;
}

std::string format_iso_datetime(int64_t unix_seconds, int32_t offset_seconds) {
    int64_t local = unix_seconds + offset_seconds;
    int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    int64_t in_day = local - days * 86400;
    CivilDate date = civil_from_days(days);
    int32_t offset = offset_seconds < 0 ? -offset_seconds : offset_seconds;
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", date.year, date.month, date.day,
                  static_cast<int>(in_day / 3600), static_cast<int>(in_day / 60 % 60), static_cast<int>(in_day % 60),
                  offset_seconds < 0 ? '-' : '+', offset / 3600, offset / 60 % 60);
    return buffer;
}

std::string add_days(std::string_view iso_date, int64_t days) {
    auto date = parse_civil(iso_date);
    if (!date) return std::string(iso_date);
    return format_civil(civil_from_days(days_from_civil(date->year, date->month, date->day) + days));
}

Result<MonthPage> month_page(std::string_view iso_date) {
    auto date = parse_civil(iso_date);
    if (!date) return tl::unexpected(date.error());
    int64_t first = days_from_civil(date->year, date->month, 1);
    int64_t next = date->month == 12 ? days_from_civil(date->year + 1, 1, 1) : days_from_civil(date->year, date->month + 1, 1);
    return MonthPage{date->year, date->month, weekday_from_days(first), static_cast<int32_t>(next - first)};
}

std::string shift_month(std::string_view iso_date, int32_t months) {
    auto date = parse_civil(iso_date);
    if (!date) return std::string(iso_date);
    int32_t index = date->year * 12 + (date->month - 1) + months;   // months since year 0
    int32_t year = index >= 0 ? index / 12 : (index - 11) / 12;
    return format_civil(CivilDate{year, index - year * 12 + 1, 1});
}

int32_t minute_of_day(std::string_view text) {
    auto digit = [&](size_t i) { return i < text.size() && text[i] >= '0' && text[i] <= '9'; };
    if (!(digit(0) && digit(1) && text.size() >= 5 && text[2] == ':' && digit(3) && digit(4))) return -1;
    if (text.size() != 5 && !(text.size() == 8 && text[5] == ':' && digit(6) && digit(7))) return -1;
    int32_t hours = (text[0] - '0') * 10 + (text[1] - '0');
    int32_t minutes = (text[3] - '0') * 10 + (text[4] - '0');
    if (minutes > 59 || hours > 24 || (hours == 24 && minutes != 0)) return -1;
    return hours * 60 + minutes;
}

std::string format_minute_of_day(int32_t minutes) {
    minutes = minutes < 0 ? 0 : minutes > 1440 ? 1440 : minutes;
    char text[6];
    std::snprintf(text, sizeof text, "%02d:%02d", minutes / 60, minutes % 60);
    return text;
}

}  // namespace kb::domain
