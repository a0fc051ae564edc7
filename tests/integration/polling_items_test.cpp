// What a poll keeps when one item goes wrong, through the scheduler on the backend of this run: a Mercury
// meter whose clock answer is malformed (the rest stored, outcome `partial`, the failing command named in
// poll_log), an older-firmware Mercury meter (its profile read as the model holds it), and DLMS meters whose
// load profile period is 1, 20 or 7 minutes (stored when it divides an hour; otherwise the profile alone
// fails as a configuration matter and the registers are kept).
#include <catch2/catch.hpp>

#include "Simulator.h"
#include "Scalars.h"
#include "TestContext.h"
#include "demo/DemoPolling.h"
#include "meters/MeterRegistry.h"
#include "plugins/PluginHost.h"
#include "polling/PollStore.h"
#include "polling/Scheduler.h"
#include "storage/Database.h"
#include "storage/Migrations.h"
#include "tenants/TenantRegistry.h"

#include <climits>
#include <cmath>
#include <ctime>
#include <map>
#include <string>
#include <vector>

using namespace kabinet;
namespace sim = kabinet::sim;

namespace {

const char* kTenant = "voek";

long long wallNow() { return static_cast<long long>(std::time(nullptr)); }

struct ItemsFixture {
    test::FreshDatabase fresh;
    Database db{fresh.url(), 4};
    TenantRegistry tenants{test::sourceDir() + "/tenants", test::sourceDir() + "/scripts", LuaLimits{}};
    PluginHost plugins{test::binaryDir() + "/plugins-out"};
    PollStore store{db, "test"};

    ItemsFixture() { Migrator(db).migrate(); }

    /// Registers the gateway's meters in the tenant and links them to the driver; returns their ids.
    std::vector<std::string> attach(sim::Gateway& gw, const std::string& driver) {
        MeterRegistry reg(db);
        store.upsertGateway(kTenant, "gw-items", "127.0.0.1", gw.port(), "Шлюз");
        std::vector<std::string> ids;
        for (auto& m : gw.bus().meters) {
            const auto& c = m->model.config();
            const std::string point =
                reg.upsertPoint(kTenant, {"", "", "", "Точка " + c.serial, "TU-" + c.serial, "electricity", "", "", "", "T2", std::nullopt});
            Meter meter;
            meter.pointId = point;
            meter.model = driver;
            meter.serial = c.serial;
            meter.smart = true;
            meter.phases = 3;
            const std::string id = reg.upsertMeter(kTenant, meter);
            store.linkMeter(kTenant, id, "gw-items", driver, simulatedMeterSettings(driver, c.address, c.serial));
            ids.push_back(id);
        }
        return ids;
    }

    long long scalar(const std::string& sql) { return test::scalarInt(db, sql); }
    std::string text(const std::string& sql) { return test::scalarText(db, sql); }
    double real(const std::string& sql) { return test::scalarReal(db, sql); }
    /// ts → (interval_min, p_plus) of a meter's stored profile.
    std::map<long long, std::pair<long long, double>> profile(const std::string& meter) {
        std::map<long long, std::pair<long long, double>> out;
        db.read([&](soci::session& s) {
            soci::rowset<soci::row> rs = (s.prepare << "SELECT ts, interval_min, p_plus FROM profile WHERE tenant_id = '" +
                                                           std::string(kTenant) + "' AND meter_id = '" + meter + "' ORDER BY ts");
            for (const auto& r : rs) {
                auto integer = [&](std::size_t i) {
                    const auto t = r.get_properties(i).get_data_type();
                    return t == soci::dt_long_long ? r.get<long long>(i) : t == soci::dt_integer ? r.get<int>(i) : static_cast<long long>(r.get<double>(i));
                };
                out[integer(0)] = {integer(1), r.get<double>(2)};
            }
        });
        return out;
    }
    std::string lastLog(const std::string& meter, const std::string& column) {
        return text("SELECT " + column + " FROM poll_log WHERE meter_id = '" + meter + "' ORDER BY started_at DESC, seq DESC LIMIT 1");
    }
};

SchedulerOptions options() {
    SchedulerOptions o;
    o.sessions = 1;
    o.tickMs = 50;
    o.owner = "items";
    o.driversJson = R"({"mercury": {"timeout_ms": 300}, "dlms": {"timeout_ms": 500}})";
    return o;
}

sim::MeterConfig meterConfig(unsigned address, const std::string& serial, unsigned seed, long long installedAt) {
    sim::MeterConfig c;
    c.address = address;
    c.serial = serial;
    c.seed = seed;
    c.installedAt = installedAt;
    return c;
}

} // namespace

TEST_CASE("polling: a malformed answer fails its item only; the rest is stored and the command named", "[polling][items]") {
    ItemsFixture f;
    const long long t = (wallNow() / 60) * 60;
    sim::freezeTime(t);
    sim::Gateway gw("mercury", {meterConfig(17, "41000301", 31, t - 3 * 86400)});
    const auto ids = f.attach(gw, "mercury");
    auto& meter = *gw.bus().meters[0];
    meter.setFault({sim::Fault::Malformed, 0, UINT_MAX, "04 00"}); // every answer to the clock read
    Scheduler scheduler(f.db, f.tenants, f.plugins, options());
    scheduler.runOnce(wallNow());

    const std::string where = "WHERE tenant_id = '" + std::string(kTenant) + "' AND meter_id = '" + ids[0] + "'";
    INFO(f.lastLog(ids[0], "message"));
    CHECK(f.lastLog(ids[0], "outcome") == "partial");
    CHECK(f.lastLog(ids[0], "error_kind") == "protocol");
    const std::string message = f.lastLog(ids[0], "message");
    CHECK(message.rfind("04 00: ", 0) == 0); // the clock command, not 08 13
    CHECK(message.find("08 13") == std::string::npos);
    // What was read is stored: the registers, the network values, the journals.
    CHECK(f.real("SELECT total FROM readings " + where + " AND kind = 'latest' AND energy = 'A+'") ==
          Approx(double(meter.model.energyWh(sim::Channel::AP, 0, t)) / 1000).margin(0.001));
    CHECK(f.scalar("SELECT COUNT(*) FROM network_params " + where) > 0);
    CHECK(f.scalar("SELECT COUNT(*) FROM meter_events " + where) > 0);
    CHECK(f.scalar("SELECT COUNT(*) FROM profile " + where) == 0); // the profile needs the clock: retried later
    CHECK(f.text("SELECT last_error FROM poll_jobs " + where + " AND schedule = 'current'").rfind("04 00: ", 0) == 0);
    CHECK(f.scalar("SELECT stored_rows FROM poll_log " + where) > 0);

    // Once the meter answers properly, the retry stores the profile as well.
    meter.setFault({});
    f.db.transaction([](soci::session& s) { s << "UPDATE poll_jobs SET next_run = 0"; });
    scheduler.runOnce(wallNow());
    CHECK(f.lastLog(ids[0], "outcome") == "ok");
    CHECK(f.scalar("SELECT COUNT(*) FROM profile " + where) > 0);
    sim::unfreezeTime();
}

TEST_CASE("polling: an older-firmware Mercury meter's profile is stored as the meter holds it", "[polling][items]") {
    ItemsFixture f;
    const long long t = (wallNow() / 60) * 60;
    sim::freezeTime(t);
    auto c = meterConfig(18, "41000302", 32, t - 2 * 86400 - 600);
    c.firmware = "7.0.4"; // 08 13 sends the byte address
    sim::Gateway gw("mercury", {c});
    const auto ids = f.attach(gw, "mercury");
    const auto& model = gw.bus().meters[0]->model;
    Scheduler scheduler(f.db, f.tenants, f.plugins, options());
    scheduler.runOnce(wallNow());
    INFO(f.lastLog(ids[0], "message"));
    CHECK(f.lastLog(ids[0], "outcome") == "ok");
    const auto rows = f.profile(ids[0]);
    long long expected = 0;
    for (long long s = model.profileStart(); s + 1800 <= t; s += 1800) ++expected;
    CHECK(static_cast<long long>(rows.size()) == expected);
    for (const auto& [ts, row] : rows) {
        CHECK(row.first == 30);
        CHECK(row.second == Approx(double(model.intervalWh(sim::Channel::AP, ts)) / 500).margin(0.004));
    }
    CHECK(f.text("SELECT firmware FROM meter_links WHERE meter_id = '" + ids[0] + "'") == "7.0.4");
    sim::unfreezeTime();
}

TEST_CASE("polling: load profiles of 1 and 20 minutes are stored; a 7-minute one fails alone", "[polling][items]") {
    ItemsFixture f;
    const long long t = (wallNow() / 60) * 60;
    sim::freezeTime(t);
    std::vector<sim::MeterConfig> configs;
    for (unsigned minutes : {1u, 20u, 7u}) {
        auto c = meterConfig(20 + minutes, std::to_string(2300000400ULL + minutes), 40 + minutes, t - 86400 - 321);
        c.profileMin = minutes;
        configs.push_back(c);
    }
    sim::Gateway gw("dlms", configs);
    const auto ids = f.attach(gw, "dlms");
    Scheduler scheduler(f.db, f.tenants, f.plugins, options());
    scheduler.runOnce(wallNow());
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto& model = gw.bus().meters[i]->model;
        const long long period = model.config().profileMin * 60LL;
        const std::string where = "WHERE tenant_id = '" + std::string(kTenant) + "' AND meter_id = '" + ids[i] + "'";
        INFO(model.config().profileMin << "-minute profile: " << f.lastLog(ids[i], "message"));
        // The registers are stored whatever the profile's period.
        CHECK(f.real("SELECT total FROM readings " + where + " AND kind = 'latest' AND energy = 'A+'") ==
              Approx(double(model.energyWh(sim::Channel::AP, 0, t)) / 1000).margin(0.001));
        const auto rows = f.profile(ids[i]);
        if (period == 420) {
            CHECK(f.lastLog(ids[i], "outcome") == "partial");
            CHECK(f.lastLog(ids[i], "error_kind") == "config");
            CHECK(f.lastLog(ids[i], "message").find("profile period of 420 s") != std::string::npos);
            CHECK(rows.empty());
            CHECK(f.scalar("SELECT attempts FROM poll_jobs " + where + " AND schedule = 'current'") == 0);
            CHECK(f.scalar("SELECT COUNT(*) FROM readings " + where + " AND kind = 'billing'") > 0); // the same schedule's snapshots
            continue;
        }
        CHECK(f.lastLog(ids[i], "outcome") == "ok");
        long long expected = 0;
        for (long long s = model.profileStart(); s + period <= t; s += period) ++expected;
        CHECK(static_cast<long long>(rows.size()) == expected);
        for (const auto& [ts, row] : rows) {
            CHECK(row.first == period / 60);
            CHECK(ts % period == 0);
            const double kw = double(model.intervalWh(sim::Channel::AP, ts, static_cast<unsigned>(period))) / 1000 * 3600 / double(period);
            CHECK(row.second == Approx(kw).margin(0.001 * 3600 / double(period) + 1e-9));
        }
    }
    sim::unfreezeTime();
}

TEST_CASE("polling: the sink stores profile periods that divide an hour, and only those", "[polling][items]") {
    ItemsFixture f;
    MeterRegistry reg(f.db);
    const std::string point = reg.upsertPoint(kTenant, {"", "", "", "Точка П", "TU-P", "electricity", "", "", "", "T2", std::nullopt});
    Meter m;
    m.pointId = point;
    m.model = "dlms";
    m.serial = "2300000999";
    const std::string id = reg.upsertMeter(kTenant, m);
    MeterDataSink sink(f.db);
    const long long base = 1767225600; // 2026-01-01 00:00 UTC
    for (int minutes : {1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60}) {
        INFO(minutes << " min");
        CHECK(storableProfilePeriod(minutes));
        MeterDataBatch batch;
        ProfileRow row;
        row.meterId = id;
        row.ts = base + minutes * 60LL * 1000;
        row.intervalMin = minutes;
        row.pPlus = 1.5;
        batch.profile.push_back(row);
        CHECK(sink.write(kTenant, batch).profile == 1);
    }
    for (int minutes : {0, 7, 45, 90, 1440, -30}) {
        INFO(minutes << " min");
        CHECK_FALSE(storableProfilePeriod(minutes));
        MeterDataBatch batch;
        ProfileRow row;
        row.meterId = id;
        row.ts = base - 86400;
        row.intervalMin = minutes;
        batch.profile.push_back(row);
        CHECK_THROWS(sink.write(kTenant, batch));
    }
    CHECK(f.scalar("SELECT COUNT(*) FROM profile WHERE meter_id = '" + id + "'") == 12);
}

TEST_CASE("polling: rows the sink refuses fail only the schedule that read them", "[polling][items]") {
    ItemsFixture f;
    // The database refuses every profile row (as a sink check would): the rest of the poll must be stored.
    f.db.transaction([&](soci::session& s) {
        if (f.db.backend() == Backend::PostgreSQL) {
            s << "CREATE FUNCTION refuse_profile() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'profile refused'; END $$";
            s << "CREATE TRIGGER refuse_profile BEFORE INSERT ON profile FOR EACH ROW EXECUTE FUNCTION refuse_profile()";
        } else {
            s << "CREATE TRIGGER refuse_profile BEFORE INSERT ON profile BEGIN SELECT RAISE(ABORT, 'profile refused'); END";
        }
    });
    const long long t = (wallNow() / 60) * 60;
    sim::freezeTime(t);
    sim::Gateway gw("mercury", {meterConfig(19, "41000303", 33, t - 2 * 86400)});
    const auto ids = f.attach(gw, "mercury");
    Scheduler scheduler(f.db, f.tenants, f.plugins, options());
    scheduler.runOnce(wallNow());
    const std::string where = "WHERE tenant_id = '" + std::string(kTenant) + "' AND meter_id = '" + ids[0] + "'";
    INFO(f.lastLog(ids[0], "message"));
    CHECK(f.lastLog(ids[0], "outcome") == "partial");
    CHECK(f.lastLog(ids[0], "error_kind") == "storage");
    CHECK(f.scalar("SELECT COUNT(*) FROM profile " + where) == 0);
    CHECK(f.scalar("SELECT COUNT(*) FROM readings " + where + " AND kind = 'latest'") > 0);
    CHECK(f.scalar("SELECT COUNT(*) FROM readings " + where + " AND kind = 'billing'") > 0);
    CHECK(f.scalar("SELECT COUNT(*) FROM network_params " + where) > 0);
    CHECK(f.scalar("SELECT attempts FROM poll_jobs " + where + " AND schedule = 'current'") == 0);
    CHECK(f.scalar("SELECT attempts FROM poll_jobs " + where + " AND schedule = 'profile'") == 1);
    sim::unfreezeTime();
}
