// ReadingMapper: what a driver read becomes the sink's rows — registers per direction and zone, values per
// phase, profile energy as average power, journal codes and texts — and the checks of a poll around it.
#include <catch2/catch.hpp>

#include "polling/ReadingMapper.h"

#include <cmath>
#include <limits>

using namespace kabinet;

namespace {
constexpr long long kNow = 1767225600; // 2026-01-01 00:00 UTC

DriverReading::Value value(kb_quantity q, unsigned tariff, unsigned phase, double v, long long ts = 0) {
    DriverReading::Value x;
    x.quantity = q;
    x.tariff = tariff;
    x.phase = phase;
    x.value = v;
    x.ts = ts;
    return x;
}
} // namespace

TEST_CASE("driver registers become one latest row per direction, with their zones, at the poll's moment", "[polling][mapper]") {
    DriverReading r;
    r.values = {value(KB_Q_ENERGY_AP, 0, 0, 1234.5), value(KB_Q_ENERGY_AP, 1, 0, 1000.25), value(KB_Q_ENERGY_AP, 2, 0, 234.25),
                value(KB_Q_ENERGY_RP, 0, 0, 55), value(KB_Q_ENERGY_AM, 1, 0, 3)}; // A− without a total: not stored
    MeterDataBatch b;
    appendDriverRows(r, "m1", KB_READ_ENERGY, 0, 0, kNow, b);
    REQUIRE(b.readings.size() == 2);
    const ReadingRow& ap = b.readings[0].energy == "A+" ? b.readings[0] : b.readings[1];
    const ReadingRow& rp = b.readings[0].energy == "A+" ? b.readings[1] : b.readings[0];
    CHECK(ap.meterId == "m1");
    CHECK(ap.ts == kNow);
    CHECK(ap.kind == "latest");
    CHECK(ap.source == "driver");
    CHECK(*ap.total == 1234.5);
    CHECK(*ap.t1 == 1000.25);
    CHECK(*ap.t2 == 234.25);
    CHECK_FALSE(ap.t3);
    CHECK(rp.energy == "R+");
    CHECK(*rp.total == 55);
    CHECK(b.params.empty());
    CHECK(b.profile.empty());
    CHECK(b.events.empty());
}

TEST_CASE("billing snapshots keep their own moments; values that are not finite are absent", "[polling][mapper]") {
    DriverReading r;
    r.values = {value(KB_Q_ENERGY_AP, 0, 0, 100, kNow - 86400), value(KB_Q_ENERGY_AP, 0, 0, 120, kNow),
                value(KB_Q_ENERGY_AP, 1, 0, std::numeric_limits<double>::quiet_NaN(), kNow)};
    MeterDataBatch b;
    appendDriverRows(r, "m1", KB_READ_BILLING, kNow - 40 * 86400, kNow + 1, kNow + 3600, b);
    REQUIRE(b.readings.size() == 2);
    CHECK(b.readings[0].kind == "billing");
    CHECK(b.readings[0].ts == kNow - 86400);
    CHECK(*b.readings[0].total == 100);
    CHECK(b.readings[1].ts == kNow);
    CHECK(*b.readings[1].total == 120);
    CHECK_FALSE(b.readings[1].t1);
}

TEST_CASE("instantaneous values become one row per phase, the whole as S", "[polling][mapper]") {
    DriverReading r;
    r.values = {value(KB_Q_VOLTAGE, 0, 1, 230.1), value(KB_Q_CURRENT, 0, 1, 5.5), value(KB_Q_VOLTAGE, 0, 2, 229.9),
                value(KB_Q_FREQUENCY, 0, 0, 50.01), value(KB_Q_POWER_FACTOR, 0, 0, 0.95),
                value(KB_Q_POWER_P, 0, 0, std::numeric_limits<double>::infinity())};
    MeterDataBatch b;
    appendDriverRows(r, "m1", KB_READ_INSTANT, 0, 0, kNow, b);
    REQUIRE(b.params.size() == 3);
    CHECK(b.params[0].phase == "S");
    CHECK(*b.params[0].frequency == 50.01);
    CHECK(*b.params[0].pf == 0.95);
    CHECK_FALSE(b.params[0].p);
    CHECK(b.params[1].phase == "A");
    CHECK(*b.params[1].voltage == 230.1);
    CHECK(*b.params[1].current == 5.5);
    CHECK(b.params[2].phase == "B");
    CHECK(b.params[2].ts == kNow);
    CHECK(b.readings.empty());
}

TEST_CASE("profile energy becomes average power over the interval; intervals outside the range are dropped", "[polling][mapper]") {
    DriverReading r;
    DriverReading::Interval half{kNow, 1800, 0.5, 0, 0.25, std::numeric_limits<double>::quiet_NaN(), 0};
    DriverReading::Interval early{kNow - 1800, 1800, 1, 0, 0, 0, 0};
    DriverReading::Interval late{kNow + 3600, 1800, 1, 0, 0, 0, 0};
    DriverReading::Interval empty{kNow + 1800, 0, 1, 0, 0, 0, 0};
    r.intervals = {early, half, empty, late};
    MeterDataBatch b;
    appendDriverRows(r, "m1", KB_READ_PROFILE, kNow, kNow + 3600, kNow + 3600, b);
    REQUIRE(b.profile.size() == 1);
    CHECK(b.profile[0].ts == kNow);
    CHECK(b.profile[0].intervalMin == 30);
    CHECK(*b.profile[0].pPlus == 1.0);  // 0.5 kWh over half an hour
    CHECK(*b.profile[0].pMinus == 0.0);
    CHECK(*b.profile[0].qPlus == 0.5);
    CHECK_FALSE(b.profile[0].qMinus);
}

TEST_CASE("journal entries get their codes, Russian texts, phases and tamper flags", "[polling][mapper]") {
    DriverReading r;
    DriverReading::Event cover{kNow, KB_EV_COVER_OPEN, 0, "", -1};
    DriverReading::Event phase{kNow + 1, KB_EV_PHASE_OFF, 2, "", -1};
    DriverReading::Event other{kNow + 2, KB_EV_OTHER, 0, "power", 17};
    r.events = {cover, phase, other};
    MeterDataBatch b;
    appendDriverRows(r, "m1", KB_READ_EVENTS, kNow, kNow + 10, kNow + 10, b);
    REQUIRE(b.events.size() == 3);
    CHECK(b.events[0].code == "cover_open");
    CHECK(b.events[0].category == "tamper");
    CHECK(b.events[0].severity == "alarm");
    CHECK(b.events[0].text == "Вскрытие крышки корпуса");
    CHECK(b.events[0].tamper);
    CHECK(b.events[1].code == "phase_off_b");
    CHECK(b.events[1].text == "Пропадание напряжения фазы B");
    CHECK_FALSE(b.events[1].tamper);
    CHECK(b.events[2].code == "other:power:17");
    CHECK(b.events[2].category == "other");
    CHECK(b.events[2].tsStart == kNow + 2);
    CHECK(eventText(KB_EV_MAGNETIC_FIELD).tamper);
    CHECK(eventText(KB_EV_FIRMWARE_INTEGRITY).tamper);
    CHECK_FALSE(eventText(KB_EV_CLOCK_SET).tamper);
}

TEST_CASE("a profile period the sink does not store is found; serial numbers compare without zeros and signs", "[polling][mapper]") {
    DriverReading r;
    r.intervals = {DriverReading::Interval{kNow, 1800, 1, 0, 0, 0, 0}, DriverReading::Interval{kNow + 1800, 420, 1, 0, 0, 0, 0}};
    const auto* odd = unstorableInterval(r);
    REQUIRE(odd);
    CHECK(odd->lengthS == 420);
    r.intervals.pop_back();
    CHECK_FALSE(unstorableInterval(r));
    r.intervals.push_back(DriverReading::Interval{kNow + 3600, 90, 1, 0, 0, 0, 0});
    CHECK(unstorableInterval(r));
    CHECK(sameSerial("00412345", "412345"));
    CHECK(sameSerial("41-23-45", "412345"));
    CHECK_FALSE(sameSerial("412345", "412346"));
}
