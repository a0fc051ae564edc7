// MeterDataSink on the backend of this run. On PostgreSQL a table's rows go by COPY from 16 rows a batch on
// (new rows straight into the table, rows that may exist through a temporary table and INSERT … ON CONFLICT
// DO UPDATE) and by multi-row INSERT … ON CONFLICT below that, as always on SQLite; each case runs with a small
// and a large batch so that every path is taken. Either way: the same batch twice is stored once, the last
// value wins (within a batch and across batches), NULLs, exact doubles and awkward text survive, an unknown
// meter fails the whole batch, rows spanning several months land in their monthly partitions, and
// latest_readings holds the newest reading of each meter, direction and kind.
#include <catch2/catch.hpp>

#include "TestContext.h"
#include "meters/MeterData.h"
#include "meters/MeterRegistry.h"
#include "storage/Database.h"
#include "storage/Migrations.h"

#include <cfloat>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

using namespace kabinet;

namespace {

constexpr long long kJan2024 = 1704067200; // 2024-01-01 00:00 UTC
constexpr long long kDay = 86400;

/// A fresh, migrated database with two meters of tenant "t1" and one of tenant "t2".
struct Fixture {
    test::FreshDatabase fresh;
    Database db{fresh.url(), 4};
    MeterDataSink sink{db};
    std::string m1, m2, other;

    Fixture() {
        Migrator(db).migrate();
        MeterRegistry reg(db);
        auto meter = [&](const std::string& tenant, const std::string& serial) {
            const std::string point = reg.upsertPoint(tenant, {"", "", "", "Точка " + serial, "TU-" + serial, "electricity", "", "", "", "T1",
                                                               std::nullopt});
            Meter m;
            m.pointId = point;
            m.model = "Меркурий 230";
            m.serial = serial;
            return reg.upsertMeter(tenant, m);
        };
        m1 = meter("t1", "1001");
        m2 = meter("t1", "1002");
        other = meter("t2", "2001");
    }

    long long count(const std::string& table, const std::string& tenant = "t1") {
        long long n = 0;
        db.read([&](soci::session& s) { s << "SELECT COUNT(*) FROM " + table + " WHERE tenant_id = :t", soci::use(tenant), soci::into(n); });
        return n;
    }

    /// One double column of one row; nullopt when NULL; throws when there is no such row.
    std::optional<double> real(const std::string& sql, const std::string& meter, long long ts) {
        double v = 0;
        soci::indicator ind = soci::i_ok;
        bool found = false;
        db.read([&](soci::session& s) {
            s << sql, soci::use(meter), soci::use(ts), soci::into(v, ind);
            found = s.got_data();
        });
        if (!found) throw std::runtime_error("no row");
        if (ind == soci::i_null) return std::nullopt;
        return v;
    }

    std::optional<double> pPlus(const std::string& meter, long long ts) {
        return real("SELECT p_plus FROM profile WHERE tenant_id = 't1' AND meter_id = :m AND ts = :ts", meter, ts);
    }
};

/// Half-hourly profile of a meter: `n` intervals from `start`, p_plus = base + i.
std::vector<ProfileRow> profile(const std::string& meter, long long start, int n, double base) {
    std::vector<ProfileRow> out;
    for (int i = 0; i < n; ++i) out.push_back({meter, start + i * 1800LL, 30, base + i, 0.0, 0.25 * i, std::nullopt});
    return out;
}

/// Batch sizes each case runs with: rows of profile per meter, and rows of each other table.
struct Size {
    int profile, others;
};
const Size kSizes[] = {{3, 3}, {1500, 40}}; // below and above the sink's COPY threshold (16 rows of a table)

} // namespace

TEST_CASE("sink: the same batch twice is stored once, in every table", "[meters][sink]") {
    Fixture f;
    for (const Size z : kSizes) {
        DYNAMIC_SECTION("batches of " << z.profile << " / " << z.others << " rows") {
            MeterDataBatch b;
            b.profile = profile(f.m1, kJan2024, z.profile, 1.0);
            auto more = profile(f.m2, kJan2024, z.profile, 2.0);
            b.profile.insert(b.profile.end(), more.begin(), more.end());
            for (int i = 0; i < z.others; ++i) {
                const long long ts = kJan2024 + i * kDay;
                b.readings.push_back({f.m1, ts, i % 2 ? "billing" : "latest", "A+", 10.0 + i, 6.0 + i, 4.0, std::nullopt, std::nullopt, "driver"});
                b.params.push_back({f.m2, kJan2024 + i * 3600LL, std::string(1, "ABC"[i % 3]), 230.1, 5.0, 1.1, 0.2, 1.2,
                                    0.98, 50.0, 0.0});
                b.events.push_back({f.m1, kJan2024 + i * 60LL, "cover_open", "tamper", "alarm", "Вскрытие крышки", ts + 120, i % 2 == 0});
            }
            const auto r1 = f.sink.write("t1", b);
            CHECK(r1.profile == static_cast<std::size_t>(2 * z.profile));
            CHECK(r1.readings == static_cast<std::size_t>(z.others));
            CHECK(r1.params == static_cast<std::size_t>(z.others));
            CHECK(r1.events == static_cast<std::size_t>(z.others));
            CHECK(r1.tamperEvents == static_cast<std::size_t>((z.others + 1) / 2));
            const auto r2 = f.sink.write("t1", b);
            CHECK(r2.profile == r1.profile);
            CHECK(r2.tamperEvents == r1.tamperEvents);
            CHECK(f.count("profile") == 2 * z.profile);
            CHECK(f.count("readings") == z.others);
            CHECK(f.count("network_params") == z.others);
            CHECK(f.count("meter_events") == z.others);
            CHECK(*f.pPlus(f.m2, kJan2024 + 1800) == 3.0);
        }
    }
}

TEST_CASE("sink: the last value wins within a batch and across batches", "[meters][sink]") {
    Fixture f;
    for (const Size z : kSizes) {
        DYNAMIC_SECTION("batches of " << z.profile << " / " << z.others << " rows") {
            const int n = z.profile;
            // Within one batch: every key twice, the second value is kept.
            MeterDataBatch b;
            b.profile = profile(f.m1, kJan2024, n, 100.0);
            auto again = profile(f.m1, kJan2024, n, 200.0);
            b.profile.insert(b.profile.end(), again.begin(), again.end());
            for (const char* source : {"driver", "operator"})
                for (int i = 0; i < z.others; ++i)
                    b.readings.push_back({f.m1, kJan2024 + i * kDay, "latest", "A+", 1.0, 1.0, std::nullopt, std::nullopt, std::nullopt, source});
            for (int pass = 0; pass < 2; ++pass)
                for (int i = 0; i < z.others; ++i)
                    b.events.push_back({f.m1, kJan2024 + i * 60LL, "magnet", "tamper", pass ? "alarm" : "warning", pass ? "второе" : "первое",
                                        pass ? std::optional<long long>(kJan2024 + i * 60LL + 5) : std::nullopt, pass == 1});
            auto r = f.sink.write("t1", b);
            CHECK(r.profile == static_cast<std::size_t>(n));
            CHECK(r.readings == static_cast<std::size_t>(z.others));
            CHECK(r.events == static_cast<std::size_t>(z.others));
            CHECK(r.tamperEvents == static_cast<std::size_t>(z.others));
            CHECK(f.count("profile") == n);
            CHECK(*f.pPlus(f.m1, kJan2024) == 200.0);
            CHECK(*f.pPlus(f.m1, kJan2024 + (n - 1) * 1800LL) == 200.0 + (n - 1));
            int drivers = -1, first = -1;
            f.db.read([&](soci::session& s) {
                s << "SELECT COUNT(*) FROM readings WHERE tenant_id = 't1' AND source <> 'operator'", soci::into(drivers);
                s << "SELECT COUNT(*) FROM meter_events WHERE tenant_id = 't1' AND (text <> 'второе' OR severity <> 'alarm' OR tamper <> 1)",
                    soci::into(first);
            });
            CHECK(drivers == 0);
            CHECK(first == 0);
            // Across batches: a later batch overwrites, including a partial overlap with new intervals.
            MeterDataBatch later;
            later.profile = profile(f.m1, kJan2024 + (n / 2) * 1800LL, n, 500.0);
            r = f.sink.write("t1", later);
            CHECK(r.profile == static_cast<std::size_t>(n));
            CHECK(f.count("profile") == n + n / 2);
            CHECK(*f.pPlus(f.m1, kJan2024) == 200.0);
            CHECK(*f.pPlus(f.m1, kJan2024 + (n / 2) * 1800LL) == 500.0);
            CHECK(*f.pPlus(f.m1, kJan2024 + (n + n / 2 - 1) * 1800LL) == 500.0 + (n - 1));
            MeterDataBatch events;
            for (int i = 0; i < z.others; ++i)
                events.events.push_back({f.m1, kJan2024 + i * 60LL, "magnet", "tamper", "info", "третье", std::nullopt, false});
            f.sink.write("t1", events);
            f.db.read([&](soci::session& s) {
                s << "SELECT COUNT(*) FROM meter_events WHERE tenant_id = 't1' AND (text <> 'третье' OR tamper <> 0 OR ts_end IS NOT NULL)",
                    soci::into(first);
            });
            CHECK(first == 0);
            CHECK(f.count("meter_events") == z.others);
        }
    }
}

TEST_CASE("sink: latest_readings keeps the newest reading of each meter, direction and kind", "[meters][sink]") {
    Fixture f;
    for (const Size z : kSizes) {
        DYNAMIC_SECTION("batches of " << z.others << " readings") {
            // The newest row per key, as the table holds it: (ts, total, source); ts 0 when there is none.
            auto latest = [&](const std::string& meter, const std::string& energy, const std::string& kind) {
                long long ts = 0;
                double total = 0;
                std::string source;
                f.db.read([&](soci::session& s) {
                    s << "SELECT ts, total, source FROM latest_readings WHERE tenant_id = 't1' AND meter_id = :m AND energy = :e AND kind = :k",
                        soci::use(meter), soci::use(energy), soci::use(kind), soci::into(ts), soci::into(total), soci::into(source);
                });
                return std::make_tuple(ts, total, source);
            };
            const long long base = kJan2024 + (&z == &kSizes[0] ? 0 : 400) * kDay; // the sections do not share moments
            MeterDataBatch b; // z.others days of A+ latest for m1, shuffled; one billing A+ and one A- latest for m2
            for (int i = z.others - 1; i >= 0; --i)
                b.readings.push_back({f.m1, base + i * kDay, "latest", "A+", 100.0 + i, std::nullopt, std::nullopt, std::nullopt, std::nullopt, "driver"});
            b.readings.push_back({f.m2, base, "billing", "A+", 7.0, std::nullopt, std::nullopt, std::nullopt, std::nullopt, "driver"});
            b.readings.push_back({f.m2, base + kDay, "latest", "A-", 8.0, std::nullopt, std::nullopt, std::nullopt, std::nullopt, "driver"});
            f.sink.write("t1", b);
            const long long newest = base + (z.others - 1) * kDay;
            CHECK(latest(f.m1, "A+", "latest") == std::make_tuple(newest, 100.0 + (z.others - 1), std::string("driver")));
            CHECK(latest(f.m2, "A+", "billing") == std::make_tuple(base, 7.0, std::string("driver")));
            CHECK(latest(f.m2, "A-", "latest") == std::make_tuple(base + kDay, 8.0, std::string("driver")));
            CHECK(std::get<0>(latest(f.m2, "A+", "latest")) == 0);
            // An older reading sent later is stored in `readings` but does not replace the newest.
            MeterDataBatch older;
            older.readings.push_back({f.m1, base - kDay, "latest", "A+", 1.0, std::nullopt, std::nullopt, std::nullopt, std::nullopt, "operator"});
            f.sink.write("t1", older);
            CHECK(latest(f.m1, "A+", "latest") == std::make_tuple(newest, 100.0 + (z.others - 1), std::string("driver")));
            // The newest moment sent again with a corrected value replaces it; a newer one moves it on.
            MeterDataBatch again;
            again.readings.push_back({f.m1, newest, "latest", "A+", 555.5, std::nullopt, std::nullopt, std::nullopt, std::nullopt, "operator"});
            f.sink.write("t1", again);
            CHECK(latest(f.m1, "A+", "latest") == std::make_tuple(newest, 555.5, std::string("operator")));
            MeterDataBatch newer;
            newer.readings.push_back({f.m1, newest + kDay, "latest", "A+", 600.0, std::nullopt, std::nullopt, std::nullopt, std::nullopt, "consumer"});
            f.sink.write("t1", newer);
            CHECK(latest(f.m1, "A+", "latest") == std::make_tuple(newest + kDay, 600.0, std::string("consumer")));
            // One row per key, whatever was sent.
            long long rows = 0;
            f.db.read([&](soci::session& s) { s << "SELECT COUNT(*) FROM latest_readings WHERE tenant_id = 't1'", soci::into(rows); });
            CHECK(rows == 3);
        }
    }
}

TEST_CASE("migration 15 fills latest_readings from the readings already stored", "[meters][sink][storage]") {
    test::FreshDatabase fresh;
    Database db{fresh.url(), 2};
    Migrator(db).migrate(14);
    db.transaction([&](soci::session& s) {
        s << "INSERT INTO readings (tenant_id, meter_id, ts, kind, energy, total, source) VALUES "
             "('t1', 'm1', 100, 'latest', 'A+', 1.5, 'driver'), ('t1', 'm1', 300, 'latest', 'A+', 3.5, 'connector'), "
             "('t1', 'm1', 200, 'latest', 'A+', 2.5, 'driver'), ('t1', 'm1', 50, 'billing', 'A+', 0.5, 'driver'), "
             "('t2', 'm1', 10, 'latest', 'A+', 9.0, 'demo')";
    });
    CHECK(Migrator(db).migrate() == Migrator::latestKnown() - 14);
    std::vector<std::string> got(10);
    db.read([&](soci::session& s) {
        s << "SELECT tenant_id || ' ' || meter_id || ' ' || kind || ' ' || CAST(ts AS TEXT) || ' ' || source FROM latest_readings "
             "ORDER BY tenant_id, kind",
            soci::into(got);
    });
    CHECK(got == std::vector<std::string>{"t1 m1 billing 50 driver", "t1 m1 latest 300 connector", "t2 m1 latest 10 demo"});
}

TEST_CASE("sink: NULLs and exact doubles survive, on insert and on update", "[meters][sink]") {
    Fixture f;
    // Registers and powers are not negative (meter data input rules): the smallest magnitudes are positive.
    const std::vector<double> exact = {0.1 + 0.2, 1e-300, -0.0, 123456789.123456789, DBL_MAX, DBL_MIN, 5e-324, 1.0 / 3.0};
    for (const Size z : kSizes) {
        DYNAMIC_SECTION("batches of " << z.others << " rows a table") {
            const std::size_t n = static_cast<std::size_t>(z.others);
            auto value = [&](std::size_t i) { return exact[i % exact.size()]; };
            MeterDataBatch b;
            for (std::size_t i = 0; i < n; ++i) {
                const long long ts = kJan2024 + static_cast<long long>(i) * 1800;
                b.profile.push_back({f.m1, ts, 30, value(i), std::nullopt, std::numeric_limits<double>::quiet_NaN(),
                                     std::numeric_limits<double>::infinity()});
                b.readings.push_back({f.m1, ts, "billing", "R-", std::nullopt, value(i), std::nullopt, std::nullopt, std::nullopt, "connector"});
                b.events.push_back({f.m1, ts, "clock_set", "clock", "info", "", std::nullopt, false});
                b.params.push_back({f.m1, ts, "S", std::nullopt, value(i), std::nullopt, std::nullopt, std::nullopt, std::nullopt, 49.99, -value(i)});
            }
            const char* where = " WHERE tenant_id = 't1' AND meter_id = :m AND ts = :ts";
            for (int pass = 0; pass < 2; ++pass) { // the first write inserts, the second updates every row with the same values
                CAPTURE(pass);
                f.sink.write("t1", b);
                for (std::size_t i = 0; i < n; ++i) {
                    const long long ts = kJan2024 + static_cast<long long>(i) * 1800;
                    CAPTURE(i);
                    CHECK(f.pPlus(f.m1, ts) == value(i));
                    CHECK_FALSE(f.real(std::string("SELECT p_minus FROM profile") + where, f.m1, ts));
                    CHECK_FALSE(f.real(std::string("SELECT q_plus FROM profile") + where, f.m1, ts));  // NaN → NULL
                    CHECK_FALSE(f.real(std::string("SELECT q_minus FROM profile") + where, f.m1, ts)); // ∞ → NULL
                    CHECK_FALSE(f.real(std::string("SELECT total FROM readings") + where, f.m1, ts));
                    CHECK(f.real(std::string("SELECT t1 FROM readings") + where, f.m1, ts) == value(i));
                    CHECK_FALSE(f.real(std::string("SELECT t4 FROM readings") + where, f.m1, ts));
                    CHECK_FALSE(f.real("SELECT ts_end FROM meter_events WHERE tenant_id = 't1' AND meter_id = :m AND ts_start = :ts", f.m1, ts));
                    CHECK(f.real(std::string("SELECT current FROM network_params") + where, f.m1, ts) == value(i));
                    CHECK(f.real(std::string("SELECT angle FROM network_params") + where, f.m1, ts) == -value(i));
                    CHECK_FALSE(f.real(std::string("SELECT voltage FROM network_params") + where, f.m1, ts));
                }
            }
            // A value stored, then NULL in a later batch: the NULL wins.
            MeterDataBatch later;
            for (std::size_t i = 0; i < n; ++i) later.profile.push_back({f.m2, kJan2024 + static_cast<long long>(i) * 1800, 30, 7.0, 7.0, 7.0, 7.0});
            f.sink.write("t1", later);
            for (auto& row : later.profile) row.pPlus = std::nullopt;
            f.sink.write("t1", later);
            CHECK_FALSE(f.pPlus(f.m2, kJan2024));
            CHECK_FALSE(f.pPlus(f.m2, kJan2024 + static_cast<long long>(n - 1) * 1800));
            CHECK(f.real(std::string("SELECT q_minus FROM profile") + where, f.m2, kJan2024) == 7.0);
        }
    }
}

TEST_CASE("sink: text with quotes, backslashes, tabs and newlines survives in events", "[meters][sink]") {
    Fixture f;
    const std::vector<std::string> texts = {
        "O'Brien's \"meter\"",
        "back\\slash \\N \\. \\\\ end\\",
        "tab\there\tand\ttrailing\t",
        "line one\nline two\r\nline three\n",
        "\\.",
        "\\N",
        "Вскрытие крышки; «кавычки» — тире, ёЁ",
        "''; DROP TABLE meter_events; --",
        "\x01\x02 control \x7f",
    };
    // Passes 0 and 1: each text once under base keys (9 rows, by INSERT), new then changed. Passes 2 and 3: each
    // text under four more keys (36 rows, by COPY), new (straight into the table) then changed (the upsert).
    auto key = [&](std::size_t i, int copy) { return kJan2024 + static_cast<long long>(i) + 100 * copy; };
    auto code = [](std::size_t i) { return "code\t" + std::to_string(i) + "\\'\n"; };
    auto suffix = [](int pass) { return pass ? " (" + std::to_string(pass) + ")" : std::string(); };
    for (int pass = 0; pass < 4; ++pass) {
        CAPTURE(pass);
        MeterDataBatch b;
        for (int copy = pass < 2 ? 0 : 1; copy <= (pass < 2 ? 0 : 4); ++copy)
            for (std::size_t i = 0; i < texts.size(); ++i)
                b.events.push_back({f.m1, key(i, copy), code(i), "cat'\"\\", "warning", texts[i] + suffix(pass), std::nullopt, false});
        f.sink.write("t1", b);
        std::map<long long, std::pair<std::string, std::string>> stored;
        f.db.read([&](soci::session& s) {
            soci::rowset<soci::row> rs = (s.prepare << "SELECT ts_start, code, category, text FROM meter_events WHERE tenant_id = 't1'");
            for (const auto& r : rs) {
                const long long ts = r.get_properties(0).get_data_type() == soci::dt_integer ? r.get<int>(0) : r.get<long long>(0);
                CHECK(r.get<std::string>(2) == "cat'\"\\");
                stored[ts] = {r.get<std::string>(1), r.get<std::string>(3)};
            }
        });
        REQUIRE(stored.size() == texts.size() * (pass < 2 ? 1 : 5));
        for (int copy = 0; copy <= (pass < 2 ? 0 : 4); ++copy)
            for (std::size_t i = 0; i < texts.size(); ++i) {
                CAPTURE(copy, i);
                const auto& [c, text] = stored[key(i, copy)];
                CHECK(c == code(i));
                CHECK(text == texts[i] + suffix(copy == 0 ? std::min(pass, 1) : pass));
            }
    }
    // A NUL byte is refused, and nothing of the batch is written (a few events go by INSERT, many by COPY).
    for (int events : {1, 20}) {
        CAPTURE(events);
        MeterDataBatch bad;
        bad.profile = profile(f.m2, kJan2024, 20, 1.0);
        for (int i = 0; i < events; ++i)
            bad.events.push_back({f.m1, kJan2024 + 999 + i, "x", "tamper", "info", std::string("nul\0byte", 8), std::nullopt, false});
        CHECK_THROWS_AS(f.sink.write("t1", bad), std::invalid_argument);
        CHECK(f.count("profile") == 0);
    }
}

TEST_CASE("sink: a row for an unknown meter fails the whole batch, nothing written", "[meters][sink]") {
    Fixture f;
    MeterDataBatch seed;
    seed.profile = profile(f.m1, kJan2024, 10, 1.0);
    f.sink.write("t1", seed);
    for (const Size z : kSizes) {
        DYNAMIC_SECTION("batches of " << z.profile << " / " << z.others << " rows") {
            MeterDataBatch b;
            b.profile = profile(f.m1, kJan2024, z.profile, 50.0); // would overwrite the seed …
            auto fresh = profile(f.m2, kJan2024, z.profile, 60.0);
            b.profile.insert(b.profile.end(), fresh.begin(), fresh.end());
            for (int i = 0; i < z.others; ++i) {
                const long long ts = kJan2024 + i * kDay;
                b.readings.push_back({f.m2, ts, "latest", "A+", 1.0, 1.0, std::nullopt, std::nullopt, std::nullopt, "driver"});
                b.events.push_back({f.m2, ts, "magnet", "tamper", "alarm", "магнит", std::nullopt, true});
                b.params.push_back({f.m2, ts, "A", 230.0, 1.0, 1.0, 0.1, 1.0, 0.9, 50.0, 0.0});
            }
            SECTION("a meter nobody has") {
                b.events.push_back({"no-such-meter", kJan2024, "magnet", "tamper", "alarm", "магнит", std::nullopt, true});
                CHECK_THROWS_WITH(f.sink.write("t1", b), Catch::Contains("unknown meter 'no-such-meter'"));
            }
            SECTION("another tenant's meter") {
                b.profile.push_back({f.other, kJan2024, 30, 1.0, 0.0, 0.0, 0.0});
                CHECK_THROWS_WITH(f.sink.write("t1", b), Catch::Contains("unknown meter"));
            }
            CHECK(f.count("profile") == 10); // … but nothing of it was written
            CHECK(*f.pPlus(f.m1, kJan2024) == 1.0);
            CHECK(f.count("readings") == 0);
            CHECK(f.count("meter_events") == 0);
            CHECK(f.count("network_params") == 0);
            CHECK(f.count("profile", "t2") == 0);
        }
    }
}

TEST_CASE("sink: rows spanning several months land in their monthly partitions", "[meters][sink]") {
    Fixture f;
    // 1 Jan … 31 May 2024, every 6 hours, for two meters; the daily readings likewise.
    MeterDataBatch b;
    int rows = 0;
    for (long long ts = kJan2024; ts < kJan2024 + 152 * kDay; ts += 6 * 3600, ++rows) {
        b.profile.push_back({f.m1, ts, 30, 1.0, std::nullopt, std::nullopt, std::nullopt});
        b.profile.push_back({f.m2, ts, 30, 2.0, std::nullopt, std::nullopt, std::nullopt});
    }
    for (long long ts = kJan2024; ts < kJan2024 + 152 * kDay; ts += kDay)
        b.readings.push_back({f.m1, ts, "latest", "A+", 1.0, std::nullopt, std::nullopt, std::nullopt, std::nullopt, "demo"});
    CHECK(f.sink.write("t1", b).profile == static_cast<std::size_t>(2 * rows));
    CHECK(f.sink.write("t1", b).readings == 152);
    CHECK(f.count("profile") == 2 * rows);
    CHECK(f.count("readings") == 152);
    if (test::backend() == "postgresql") {
        std::map<std::string, long long> byPartition;
        f.db.read([&](soci::session& s) {
            soci::rowset<soci::row> rs = (s.prepare << "SELECT tableoid::regclass::text, COUNT(*) FROM profile GROUP BY 1");
            for (const auto& r : rs) byPartition[r.get<std::string>(0)] = r.get<long long>(1);
        });
        CHECK(byPartition.size() == 5);
        CHECK(byPartition.count("profile_default") == 0);
        CHECK(byPartition["profile_y2024m01"] == 2 * 31 * 4);
        CHECK(byPartition["profile_y2024m02"] == 2 * 29 * 4);
        CHECK(byPartition["profile_y2024m05"] == 2 * 31 * 4);
        long long inDefault = -1;
        f.db.read([&](soci::session& s) { s << "SELECT COUNT(*) FROM readings_default", soci::into(inDefault); });
        CHECK(inDefault == 0);
    }
}

TEST_CASE("sink: concurrent writers of the same new rows both succeed, each row stored once", "[meters][sink]") {
    Fixture f;
    for (int round = 0; round < 5; ++round) {
        MeterDataBatch b;
        b.profile = profile(f.m1, kJan2024 + round * 10 * kDay, 400, 10.0 * round);
        auto more = profile(f.m2, kJan2024 + round * 10 * kDay, 400, 10.0 * round);
        b.profile.insert(b.profile.end(), more.begin(), more.end());
        std::vector<std::string> errors(2);
        std::vector<std::thread> writers;
        for (int w = 0; w < 2; ++w)
            writers.emplace_back([&, w] {
                try {
                    f.sink.write("t1", b);
                } catch (const std::exception& e) {
                    errors[static_cast<std::size_t>(w)] = e.what();
                }
            });
        for (auto& t : writers) t.join();
        CHECK(errors[0].empty());
        CHECK(errors[1].empty());
    }
    CHECK(f.count("profile") == 5 * 800);
}
