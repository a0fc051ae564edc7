#pragma once
/// Local dates of the demo period: a moment's local date, day numbers, ISO text, whole years later.
#include <chrono>
#include <cstdio>
#include <string>

namespace kabinet::demo {

inline constexpr long long kDay = 86400;

/// A calendar date.
struct Date {
    int y = 1970;
    unsigned m = 1, d = 1;
};

/// a / b rounded towards minus infinity.
inline long long floorDiv(long long a, long long b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

/// The local date of a moment `offset` seconds east of UTC.
inline Date dateOf(long long ts, int offset) {
    using namespace std::chrono;
    const year_month_day ymd{sys_days{days{floorDiv(ts + offset, kDay)}}};
    return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day())};
}

/// Days since 1970-01-01 of a date (a day past the month's end is clamped to its last day).
inline long long dayNumber(Date dt) {
    using namespace std::chrono;
    year_month_day ymd{year{dt.y}, month{dt.m}, day{dt.d}};
    if (!ymd.ok()) ymd = year_month_day{year_month_day_last{year{dt.y}, month_day_last{month{dt.m}}}};
    return sys_days{ymd}.time_since_epoch().count();
}

/// "YYYY-MM-DD".
inline std::string iso(Date dt) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", dt.y, dt.m, dt.d);
    return buf;
}

/// The date of a day number.
inline Date fromDayNumber(long long n) { return dateOf(n * kDay, 0); }

/// The same day `years` later (29 February → 28 February).
inline Date plusYears(Date dt, int years) { return fromDayNumber(dayNumber(Date{dt.y + years, dt.m, dt.d})); }

} // namespace kabinet::demo
