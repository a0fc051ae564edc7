#pragma once
/// The production calendar: which days are working days (weekends, public holidays and the government's
/// day swaps, shortened pre-holiday days) and the periods counted on it (ГК РФ ст. 191, 193, 194): a period
/// starts the day after the event; a period of working days ends on its n-th working day; a period of
/// calendar days that ends on a day off moves to the next working day; the last day lasts until 24:00
/// local time. Built from the tenant's `calendar` table (scripts/kabinet/calendar.lua); a year the table
/// does not hold counts the weekend days only (logged once per calendar and year).
#include <Poco/Dynamic/Var.h>

#include <map>
#include <mutex>
#include <set>
#include <string>

namespace kabinet {

/// A date of the proleptic Gregorian calendar, without a time zone.
struct CivilDate {
    int year = 1970;
    int month = 1; ///< 1…12
    int day = 1;   ///< 1…31
    /// Days since 1970-01-01 (negative before).
    long long toDays() const noexcept;
    /// The date `days` days after 1970-01-01.
    static CivilDate fromDays(long long days) noexcept;
    /// "YYYY-MM-DD" → date; throws std::invalid_argument on anything else.
    static CivilDate parse(const std::string& text);
    /// 1 = Monday … 7 = Sunday (ISO 8601).
    int isoWeekday() const noexcept;
    /// "YYYY-MM-DD".
    std::string text() const;
    /// The date `n` days later (earlier when n < 0).
    CivilDate plusDays(long long n) const noexcept { return fromDays(toDays() + n); }
    friend bool operator==(const CivilDate& a, const CivilDate& b) noexcept {
        return a.year == b.year && a.month == b.month && a.day == b.day;
    }
    friend bool operator!=(const CivilDate& a, const CivilDate& b) noexcept { return !(a == b); }
    friend bool operator<(const CivilDate& a, const CivilDate& b) noexcept { return a.toDays() < b.toDays(); }
};

class ProductionCalendar {
public:
    /// How a period's days are counted.
    enum class Unit { Working, Calendar };

    /// The days of one year that differ from the plain weekend rule, as month * 100 + day.
    struct Year {
        std::set<int> off;       ///< holidays and moved days off (one on a weekend day changes nothing)
        std::set<int> work;      ///< working days on a weekend day (moved working Saturdays/Sundays)
        std::set<int> shortDays; ///< shortened pre-holiday working days (working days, one hour shorter)
    };

    /// Weekends only (Saturday and Sunday), no year data.
    ProductionCalendar();
    /// A calendar from the Lua/JSON table {weekend = {6, 7}, years = {["2026"] = {off = {"01-01", …},
    /// work = {"MM-DD", …}, short = {"MM-DD", …}}}}; `name` names it in the log. Throws ConfigError naming
    /// the bad entry (a weekday outside 1…7, a year that is not a number, a day that is not "MM-DD" of that year).
    static ProductionCalendar fromVar(const Poco::Dynamic::Var& table, std::string name = "calendar");

    ProductionCalendar(const ProductionCalendar& o);
    ProductionCalendar& operator=(const ProductionCalendar& o);

    /// True when the calendar holds the days of this year (else only weekends count for it).
    bool hasYear(int year) const noexcept;
    /// True for a working day (shortened days included).
    bool isWorkingDay(const CivilDate& d) const;
    /// True for a shortened pre-holiday working day.
    bool isShortDay(const CivilDate& d) const;
    /// The first working day on or after `d`.
    CivilDate nextWorkingDay(const CivilDate& d) const;
    /// The n-th working day after the event (the event's day never counts; n ≤ 0 → the event's day).
    CivilDate addWorkingDays(const CivilDate& event, int n) const;
    /// The event's day + n calendar days; a day off moves to the next working day (ГК 193).
    CivilDate addCalendarDays(const CivilDate& event, int n) const;
    /// The last day of a period of `days` in `unit` after the event's day.
    CivilDate dueDate(const CivilDate& event, int days, Unit unit) const;
    /// The Unix time of the END of the period's last day (24:00 local time, i.e. 00:00 of the day after)
    /// for an event at `eventUnix`, in a zone `utcOffsetSeconds` east of UTC. The one call the case engine uses.
    long long deadline(long long eventUnix, int days, Unit unit, int utcOffsetSeconds) const;

    /// The local date of a Unix time in a zone `utcOffsetSeconds` east of UTC.
    static CivilDate localDate(long long unixTime, int utcOffsetSeconds) noexcept;
    /// "working" → Working, "calendar" → Calendar; anything else throws std::invalid_argument.
    static Unit unitOf(const std::string& text);

private:
    void noteMissingYear(int year) const;
    std::string name_;
    bool weekend_[8] = {false, false, false, false, false, false, true, true}; ///< by ISO weekday
    std::map<int, Year> years_;
    mutable std::mutex logged_;
    mutable std::set<int> missingLogged_;
};

} // namespace kabinet
