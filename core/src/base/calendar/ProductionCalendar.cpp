#include "calendar/ProductionCalendar.h"

#include "util/Error.h"
#include "util/Log.h"

#include <Poco/Dynamic/Struct.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdio>
#include <stdexcept>

namespace kabinet {

namespace {

constexpr long long kDay = 86400;

long long floorDiv(long long a, long long b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

int daysInMonth(int y, int m) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/// The elements of a JSON array (or of an object with keys "1", "2", … as an empty Lua table may come).
std::vector<Poco::Dynamic::Var> elements(const Poco::Dynamic::Var& v) {
    std::vector<Poco::Dynamic::Var> out;
    if (v.isEmpty()) return out;
    if (v.type() == typeid(Poco::JSON::Array::Ptr)) {
        for (const auto& e : *v.extract<Poco::JSON::Array::Ptr>()) out.push_back(e);
    } else if (v.type() == typeid(Poco::JSON::Object::Ptr)) {
        if (v.extract<Poco::JSON::Object::Ptr>()->size() != 0) throw ConfigError("expected a list");
    } else if (v.isArray()) {
        for (std::size_t i = 0; i < v.size(); ++i) out.push_back(v[i]);
    } else {
        throw ConfigError("expected a list");
    }
    return out;
}

Poco::JSON::Object::Ptr objectOf(const Poco::Dynamic::Var& v) {
    if (v.type() == typeid(Poco::JSON::Object::Ptr)) return v.extract<Poco::JSON::Object::Ptr>();
    if (v.isEmpty()) return new Poco::JSON::Object;
    if (v.type() == typeid(Poco::JSON::Array::Ptr) && v.extract<Poco::JSON::Array::Ptr>()->size() == 0)
        return new Poco::JSON::Object;
    throw ConfigError("expected a table");
}

} // namespace

long long CivilDate::toDays() const noexcept {
    // Howard Hinnant's days_from_civil.
    const int y = year - (month <= 2);
    const long long era = floorDiv(y, 400);
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * static_cast<unsigned>(month + (month > 2 ? -3 : 9)) + 2) / 5 + static_cast<unsigned>(day) - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long long>(doe) - 719468;
}

CivilDate CivilDate::fromDays(long long z) noexcept {
    z += 719468;
    const long long era = floorDiv(z, 146097);
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    CivilDate d;
    d.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    d.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    d.year = static_cast<int>(static_cast<long long>(yoe) + era * 400 + (d.month <= 2));
    return d;
}

CivilDate CivilDate::parse(const std::string& text) {
    int y = 0, m = 0, d = 0;
    char tail = 0;
    if (text.size() != 10 || std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 ||
        d < 1 || d > daysInMonth(y, m))
        throw std::invalid_argument("not a date YYYY-MM-DD: " + text);
    return {y, m, d};
}

int CivilDate::isoWeekday() const noexcept {
    const long long z = toDays(); // 1970-01-01 was a Thursday (4)
    return static_cast<int>(((z % 7) + 7 + 3) % 7) + 1;
}

std::string CivilDate::text() const {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
    return buf;
}

ProductionCalendar::ProductionCalendar() : name_("weekends") {}

ProductionCalendar::ProductionCalendar(const ProductionCalendar& o) : name_(o.name_), years_(o.years_) {
    std::copy(std::begin(o.weekend_), std::end(o.weekend_), std::begin(weekend_));
}

ProductionCalendar& ProductionCalendar::operator=(const ProductionCalendar& o) {
    if (this != &o) {
        name_ = o.name_;
        years_ = o.years_;
        std::copy(std::begin(o.weekend_), std::end(o.weekend_), std::begin(weekend_));
        std::lock_guard lock(logged_);
        missingLogged_.clear();
    }
    return *this;
}

ProductionCalendar ProductionCalendar::fromVar(const Poco::Dynamic::Var& table, std::string name) {
    ProductionCalendar c;
    c.name_ = std::move(name);
    auto root = objectOf(table);
    if (root->has("weekend")) {
        std::fill(std::begin(c.weekend_), std::end(c.weekend_), false);
        for (const auto& w : elements(root->get("weekend"))) {
            const int day = w.convert<int>();
            if (day < 1 || day > 7) throw ConfigError(c.name_ + ": weekend day " + std::to_string(day) + " is not 1…7");
            c.weekend_[day] = true;
        }
    }
    if (root->has("years")) {
        auto years = objectOf(root->get("years"));
        for (const auto& [key, value] : *years) {
            int year = 0;
            try {
                std::size_t used = 0;
                year = std::stoi(key, &used);
                if (used != key.size() || year < 1900 || year > 9999) throw std::invalid_argument(key);
            } catch (const std::exception&) {
                throw ConfigError(c.name_ + ": year '" + key + "' is not a number");
            }
            Year y;
            auto days = objectOf(value);
            const std::pair<const char*, std::set<int>*> lists[] = {{"off", &y.off}, {"work", &y.work}, {"short", &y.shortDays}};
            for (const auto& [listName, set] : lists) {
                if (!days->has(listName)) continue;
                for (const auto& d : elements(days->get(listName))) {
                    const std::string text = d.convert<std::string>();
                    try {
                        const CivilDate date = CivilDate::parse(key + "-" + text);
                        set->insert(date.month * 100 + date.day);
                    } catch (const std::invalid_argument&) {
                        throw ConfigError(c.name_ + ": years." + key + "." + listName + ": '" + text + "' is not a day MM-DD");
                    }
                }
            }
            c.years_[year] = std::move(y);
        }
    }
    return c;
}

bool ProductionCalendar::hasYear(int year) const noexcept { return years_.count(year) > 0; }

void ProductionCalendar::noteMissingYear(int year) const {
    std::lock_guard lock(logged_);
    if (missingLogged_.insert(year).second)
        log::warn("production calendar has no data for the year; counting weekends only",
                  {{"calendar", name_}, {"year", std::to_string(year)}});
}

bool ProductionCalendar::isWorkingDay(const CivilDate& d) const {
    auto it = years_.find(d.year);
    const bool weekend = weekend_[d.isoWeekday()];
    if (it == years_.end()) {
        noteMissingYear(d.year);
        return !weekend;
    }
    const int key = d.month * 100 + d.day;
    const Year& y = it->second;
    if (y.work.count(key) || y.shortDays.count(key)) return true;
    if (y.off.count(key)) return false;
    return !weekend;
}

bool ProductionCalendar::isShortDay(const CivilDate& d) const {
    auto it = years_.find(d.year);
    return it != years_.end() && it->second.shortDays.count(d.month * 100 + d.day) > 0;
}

CivilDate ProductionCalendar::nextWorkingDay(const CivilDate& d) const {
    CivilDate day = d;
    // A calendar whose every weekday is a weekend has no working day: stop after a year and a bit.
    for (int i = 0; i < 400 && !isWorkingDay(day); ++i) day = day.plusDays(1);
    return day;
}

CivilDate ProductionCalendar::addWorkingDays(const CivilDate& event, int n) const {
    CivilDate day = event;
    for (int counted = 0, guard = 0; counted < n && guard < 100000; ++guard) {
        day = day.plusDays(1);
        if (isWorkingDay(day)) ++counted;
    }
    return day;
}

CivilDate ProductionCalendar::addCalendarDays(const CivilDate& event, int n) const {
    if (n <= 0) return event;
    return nextWorkingDay(event.plusDays(n));
}

CivilDate ProductionCalendar::dueDate(const CivilDate& event, int days, Unit unit) const {
    return unit == Unit::Working ? addWorkingDays(event, days) : addCalendarDays(event, days);
}

CivilDate ProductionCalendar::localDate(long long unixTime, int utcOffsetSeconds) noexcept {
    return CivilDate::fromDays(floorDiv(unixTime + utcOffsetSeconds, kDay));
}

long long ProductionCalendar::deadline(long long eventUnix, int days, Unit unit, int utcOffsetSeconds) const {
    const CivilDate last = dueDate(localDate(eventUnix, utcOffsetSeconds), days, unit);
    return (last.toDays() + 1) * kDay - utcOffsetSeconds;
}

ProductionCalendar::Unit ProductionCalendar::unitOf(const std::string& text) {
    if (text == "working") return Unit::Working;
    if (text == "calendar") return Unit::Calendar;
    throw std::invalid_argument("unknown unit of days: " + text);
}

} // namespace kabinet
