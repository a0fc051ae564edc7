// The production calendar (base/calendar): the Russian transfers of 2025, 2026 and 2027 as shipped in
// scripts/kabinet/calendar, periods counted from the day after the event (ГК 191), a calendar-day period
// ending on a day off moved to the next working day (ГК 193), the end of the last day in the tenant's zone,
// a year without data, and each tenant's calendar read once from its declaration.
#include <catch2/catch.hpp>

#include "TestContext.h"
#include "calendar/ProductionCalendar.h"
#include "calendar/TenantCalendars.h"
#include "tenants/Tenant.h"
#include "util/Error.h"

#include <Poco/JSON/Parser.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace kabinet;
using Unit = ProductionCalendar::Unit;

namespace Catch {
template <> struct StringMaker<CivilDate> {
    static std::string convert(const CivilDate& d) { return d.text(); }
};
} // namespace Catch

namespace {
CivilDate D(const char* text) { return CivilDate::parse(text); }

/// The shipped federal calendar, as the tenants' library hands it to the server.
const ProductionCalendar& russia() {
    static Tenant voek("voek", test::sourceDir() + "/tenants/voek", test::sourceDir() + "/scripts", LuaLimits{});
    return TenantCalendars::of(voek);
}

const long long kMsk = 3 * 3600;
long long unixOf(const char* date, int hour, long long offset) { return D(date).toDays() * 86400 + hour * 3600 - offset; }
} // namespace

TEST_CASE("civil dates convert, parse and know their weekday", "[calendar]") {
    CHECK(D("1970-01-01").toDays() == 0);
    CHECK(CivilDate::fromDays(D("2026-03-01").toDays() - 1) == D("2026-02-28"));
    CHECK(CivilDate::fromDays(D("2028-03-01").toDays() - 1) == D("2028-02-29"));
    CHECK(D("2026-01-09").isoWeekday() == 5);
    CHECK(D("2026-12-31").isoWeekday() == 4);
    CHECK(D("1969-12-31").isoWeekday() == 3);
    CHECK(D("2026-05-07").text() == "2026-05-07");
    CHECK_THROWS_AS(D("2026-02-30"), std::invalid_argument);
    CHECK_THROWS_AS(D("26-01-01"), std::invalid_argument);
}

TEST_CASE("the transfers of 2025 and 2026 make weekdays off and keep shortened days working", "[calendar]") {
    const auto& c = russia();
    REQUIRE(c.hasYear(2025));
    REQUIRE(c.hasYear(2026));
    CHECK_FALSE(c.isWorkingDay(D("2026-01-09"))); // Friday, moved from Saturday 3 January
    CHECK_FALSE(c.isWorkingDay(D("2026-12-31"))); // Thursday, moved from Sunday 4 January
    CHECK_FALSE(c.isWorkingDay(D("2026-03-09"))); // Monday, moved from Sunday 8 March
    CHECK_FALSE(c.isWorkingDay(D("2026-05-11"))); // Monday, moved from Saturday 9 May
    CHECK(c.isWorkingDay(D("2026-01-12")));
    CHECK(c.isWorkingDay(D("2026-04-30")));
    CHECK(c.isShortDay(D("2026-04-30")));
    CHECK_FALSE(c.isShortDay(D("2026-04-29")));
    CHECK_FALSE(c.isWorkingDay(D("2025-05-02")));
    CHECK_FALSE(c.isWorkingDay(D("2025-06-13")));
    CHECK_FALSE(c.isWorkingDay(D("2025-11-03")));
    CHECK_FALSE(c.isWorkingDay(D("2025-12-31")));
    CHECK(c.isWorkingDay(D("2025-11-01"))); // a Saturday worked, one hour shorter
    CHECK(c.isShortDay(D("2025-11-01")));
    CHECK_FALSE(c.isWorkingDay(D("2026-03-14"))); // an ordinary Saturday
}

TEST_CASE("working-day periods start the day after the event and skip the holidays", "[calendar]") {
    const auto& c = russia();
    // 5 working days across the May holidays: 30 Apr (short), 4, 5, 6, 7 May.
    CHECK(c.addWorkingDays(D("2026-04-29"), 5) == D("2026-05-07"));
    // An event on a Friday: the weekend and the moved Monday 9 March do not count.
    CHECK(c.addWorkingDays(D("2026-03-06"), 5) == D("2026-03-16"));
    // 15 working days over 12 June (the shortened 11 June counts).
    CHECK(c.addWorkingDays(D("2026-06-01"), 15) == D("2026-06-23"));
    // Over the New Year: 9 January is off.
    CHECK(c.addWorkingDays(D("2025-12-30"), 1) == D("2026-01-12"));
    CHECK(c.addWorkingDays(D("2026-03-06"), 0) == D("2026-03-06"));
    CHECK(c.dueDate(D("2026-04-29"), 5, Unit::Working) == D("2026-05-07"));
}

TEST_CASE("a calendar-day period ending on a day off moves to the next working day", "[calendar]") {
    const auto& c = russia();
    // 24 April + 15 days = Saturday 9 May; 10 May is Sunday and 11 May moved: the period ends on 12 May.
    CHECK(c.addCalendarDays(D("2026-04-24"), 15) == D("2026-05-12"));
    CHECK(c.dueDate(D("2026-04-24"), 15, Unit::Calendar) == D("2026-05-12"));
    // Ending on a working day stays.
    CHECK(c.addCalendarDays(D("2026-04-01"), 29) == D("2026-04-30")); // shortened, working
    CHECK(c.addCalendarDays(D("2026-04-01"), 30) == D("2026-05-04")); // 1 May off, then the weekend
    CHECK(c.addCalendarDays(D("2026-12-01"), 30) == D("2027-01-11")); // 31 Dec off, then the New Year holidays of 2027
}

TEST_CASE("the deadline is the end of the last day in the tenant's zone", "[calendar]") {
    const auto& c = russia();
    // Filed Friday 25 Dec 2026 at 10:00 Moscow time, 3 working days → Wednesday 30 Dec, until 24:00 MSK.
    CHECK(c.deadline(unixOf("2026-12-25", 10, kMsk), 3, Unit::Working, kMsk) == unixOf("2026-12-31", 0, kMsk));
    // 22:30 UTC on 8 January is already 9 January in Moscow: counting starts on the 10th, first working day 12 Jan.
    CHECK(c.deadline(unixOf("2026-01-08", 22, 0) + 1800, 1, Unit::Working, kMsk) == unixOf("2026-01-13", 0, kMsk));
    // …but 8 January in Kaliningrad (UTC+2) is still the 8th; the next working day is still 12 January.
    CHECK(c.deadline(unixOf("2026-01-08", 21, 0), 1, Unit::Working, 2 * 3600) == unixOf("2026-01-13", 0, 2 * 3600));
    // Calendar days across the May holidays, Yekaterinburg (UTC+5).
    CHECK(c.deadline(unixOf("2026-04-24", 12, 5 * 3600), 15, Unit::Calendar, 5 * 3600) == unixOf("2026-05-13", 0, 5 * 3600));
    CHECK(ProductionCalendar::unitOf("working") == Unit::Working);
    CHECK(ProductionCalendar::unitOf("calendar") == Unit::Calendar);
    CHECK_THROWS_AS(ProductionCalendar::unitOf("weeks"), std::invalid_argument);
}

TEST_CASE("a year without data counts weekends only", "[calendar]") {
    const auto& c = russia();
    CHECK_FALSE(c.hasYear(2030));
    CHECK(c.isWorkingDay(D("2030-01-01"))); // a Tuesday; no holidays known for 2030
    CHECK_FALSE(c.isWorkingDay(D("2030-01-05")));
    CHECK(c.addWorkingDays(D("2030-01-04"), 1) == D("2030-01-07"));
    const ProductionCalendar weekends;
    CHECK(weekends.isWorkingDay(D("2026-01-09")));
}

TEST_CASE("a calendar table is read with its own weekend and refused when malformed", "[calendar]") {
    auto parse = [](const std::string& json) { return Poco::JSON::Parser().parse(json); };
    const auto six = ProductionCalendar::fromVar(parse(R"({"weekend":[7],"years":{"2026":{"off":["01-01"],"work":[],"short":["12-31"]}}})"));
    CHECK(six.isWorkingDay(D("2026-01-03"))); // Saturday works in a six-day week
    CHECK_FALSE(six.isWorkingDay(D("2026-01-04")));
    CHECK_FALSE(six.isWorkingDay(D("2026-01-01")));
    CHECK(six.isShortDay(D("2026-12-31")));
    CHECK_THROWS_AS(ProductionCalendar::fromVar(parse(R"({"weekend":[0]})")), ConfigError);
    CHECK_THROWS_AS(ProductionCalendar::fromVar(parse(R"({"years":{"x":{}}})")), ConfigError);
    CHECK_THROWS_AS(ProductionCalendar::fromVar(parse(R"({"years":{"2026":{"off":["02-30"]}}})")), ConfigError);
}

TEST_CASE("each tenant's calendar comes from its declaration, read once", "[calendar][tenants]") {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / ("kabinet-calendar-" + std::to_string(::getpid())) / "voek";
    fs::remove_all(dir.parent_path());
    fs::create_directories(dir.parent_path());
    fs::copy(test::sourceDir() + "/tenants/voek", dir, fs::copy_options::recursive);
    std::stringstream ss;
    ss << std::ifstream(dir / "tenant.lua").rdbuf();
    std::string text = ss.str();
    const std::string from = "id = \"voek\",";
    REQUIRE(text.find(from) != std::string::npos);
    text.replace(text.find(from), from.size(), from + " calendar = require(\"kabinet.calendar\").russia { region = \"tatarstan\" },");
    std::ofstream(dir / "tenant.lua", std::ios::trunc) << text;
    Tenant kazan("voek", dir.string(), test::sourceDir() + "/scripts", LuaLimits{});
    const auto& c = TenantCalendars::of(kazan);
    CHECK(&c == &TenantCalendars::of(kazan));
    CHECK_FALSE(c.isWorkingDay(D("2026-03-20"))); // Ураза-байрам
    CHECK(c.isShortDay(D("2026-03-19")));
    CHECK_FALSE(c.isWorkingDay(D("2026-01-09"))); // the federal days stay
    CHECK(russia().isWorkingDay(D("2026-03-20")));
    // 5 working days from Wednesday 18 March: 19, 23, 24, 25, 26 (20 March off in Tatarstan only).
    CHECK(c.addWorkingDays(D("2026-03-18"), 5) == D("2026-03-26"));
    CHECK(russia().addWorkingDays(D("2026-03-18"), 5) == D("2026-03-25"));
    fs::remove_all(dir.parent_path());
}
