// Polling end to end on the backend of this run: simulated meters behind TCP gateways (in this process,
// speaking each protocol byte for byte), the driver plugins as kabinetd loads them, the scheduler with its
// database-claimed gateway leases, and the stored rows compared with what each simulated meter holds.
// Covers: every driver's identity, energy by tariff, instantaneous values, a week of 30-min profile and
// journals; resume without gaps or duplicates; the fault matrix through the scheduler (clear logged error,
// back-off, retry that then succeeds, nothing wrong stored); one dialogue per gateway with two instances
// sharing the work; tamper events → operator notifications; and kabinetd itself polling and resuming after
// a restart.
#include <catch2/catch.hpp>

#include "KabinetdProcess.h"
#include "Scalars.h"
#include "Simulator.h"
#include "TestContext.h"
#include "demo/DemoPolling.h"
#include "meters/MeterRegistry.h"
#include "plugins/PluginHost.h"
#include "polling/PollStore.h"
#include "polling/Scheduler.h"
#include "storage/Database.h"
#include "storage/Migrations.h"
#include "tenants/TenantRegistry.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace kabinet;
namespace sim = kabinet::sim;

namespace {

const char* kTenant = "voek";

/// One protocol as the test drives it: the simulator's name, the driver plugin, the meter settings, and the
/// resolution of what the protocol carries (energy in kWh, interval energy in kWh).
struct Protocol {
    std::string sim, driver;
    double energyResolution, intervalResolution;
    unsigned long long serialBase; ///< the serials of this protocol's simulated meters start here
    std::string settings(const sim::MeterConfig& c) const { return simulatedMeterSettings(driver, c.address, c.serial); }
};

const std::vector<Protocol>& protocols() {
    static const std::vector<Protocol> p = {
        {"mercury", "mercury", 0.001, 0.002, 41000000},
        {"iec", "iec62056-21", 0.01, 0.002, 9000000000},
        {"dlms", "dlms", 0.001, 0.001, 2300000000},
    };
    return p;
}

long long now() { return static_cast<long long>(std::time(nullptr)); }

struct Fixture {
    test::FreshDatabase fresh;
    Database db{fresh.url(), 4};
    TenantRegistry tenants{test::sourceDir() + "/tenants", test::sourceDir() + "/scripts", LuaLimits{}};
    PluginHost plugins{test::binaryDir() + "/plugins-out"};
    PollStore store{db, "test"};

    Fixture() { Migrator(db).migrate(); }

    /// Registers the simulated meters of a gateway in the tenant and links them to the driver.
    std::vector<std::string> attach(sim::Gateway& gw, const Protocol& p, const std::string& gatewayId) {
        MeterRegistry reg(db);
        store.upsertGateway(kTenant, gatewayId, "127.0.0.1", gw.port(), "Шлюз " + gatewayId);
        std::vector<std::string> ids;
        for (auto& m : gw.bus().meters) {
            const auto& c = m->model.config();
            const std::string point = reg.upsertPoint(kTenant, {"", "", "", "Точка " + c.serial, "TU-" + c.serial, "electricity", "", "", "",
                                                                "T2", std::nullopt});
            Meter meter;
            meter.pointId = point;
            meter.model = p.driver;
            meter.serial = c.serial;
            meter.smart = true;
            meter.phases = 3;
            const std::string id = reg.upsertMeter(kTenant, meter);
            store.linkMeter(kTenant, id, gatewayId, p.driver, p.settings(c));
            ids.push_back(id);
        }
        return ids;
    }

    long long scalar(const std::string& sql) { return test::scalarInt(db, sql); }
    std::string text(const std::string& sql) { return test::scalarText(db, sql); }
    double real(const std::string& sql) { return test::scalarReal(db, sql); }
    void makeDue() {
        db.transaction([](soci::session& s) { s << "UPDATE poll_jobs SET next_run = 0"; });
    }
    std::map<long long, double> profile(const std::string& meter) {
        std::map<long long, double> out;
        db.read([&](soci::session& s) {
            soci::rowset<soci::row> rs = (s.prepare << "SELECT ts, p_plus FROM profile WHERE tenant_id = '" + std::string(kTenant) +
                                                           "' AND meter_id = '" + meter + "' ORDER BY ts");
            for (const auto& r : rs) {
                long long ts = r.get_properties(0).get_data_type() == soci::dt_long_long ? r.get<long long>(0)
                             : r.get_properties(0).get_data_type() == soci::dt_integer   ? r.get<int>(0)
                                                                                         : static_cast<long long>(r.get<double>(0));
                out[ts] = r.get<double>(1);
            }
        });
        return out;
    }
};

std::vector<sim::MeterConfig> meters(unsigned count, unsigned seedBase, unsigned long long serialBase, long long installedAt) {
    std::vector<sim::MeterConfig> out;
    for (unsigned i = 0; i < count; ++i) {
        sim::MeterConfig c;
        c.address = 17 + i;
        c.serial = std::to_string(serialBase + i);
        c.seed = seedBase + i;
        c.installedAt = installedAt;
        out.push_back(c);
    }
    return out;
}

/// Scheduler options for a test. Meters that answer get generous timeouts (a loaded machine may be slow to
/// answer, never silent); tests of faults keep short ones, so that a silent meter costs little time.
SchedulerOptions options(const std::string& owner, unsigned sessions = 2, bool faults = false) {
    SchedulerOptions o;
    o.sessions = sessions;
    o.tickMs = 50;
    o.owner = owner;
    o.driversJson = faults ? R"({"mercury": {"timeout_ms": 300}, "iec62056-21": {"timeout_ms": 500}, "dlms": {"timeout_ms": 500}})"
                           : R"({"mercury": {"timeout_ms": 3000}, "iec62056-21": {"timeout_ms": 3000}, "dlms": {"timeout_ms": 3000}})";
    return o;
}

/// Checks every stored row of a meter against the simulated meter at the frozen moment t. The profile reaches back
/// the schedule's depth from the clock of the poll that stored it, which read between `polledAt` and `polledBy`
/// (a half-hour may begin meanwhile: the first stored interval may be either).
void checkStored(Fixture& f, const Protocol& p, const std::string& id, const sim::MeterModel& model, long long t, long long polledAt,
                 long long polledBy) {
    INFO("driver " << p.driver << ", meter " << id);
    const std::string where = "WHERE tenant_id = '" + std::string(kTenant) + "' AND meter_id = '" + id + "'";
    // Energy by tariff (latest registers).
    const double ap = f.real("SELECT total FROM readings " + where + " AND kind = 'latest' AND energy = 'A+' ORDER BY ts DESC LIMIT 1");
    CHECK(ap == Approx(double(model.energyWh(sim::Channel::AP, 0, t)) / 1000).margin(p.energyResolution));
    const double t1 = f.real("SELECT t1 FROM readings " + where + " AND kind = 'latest' AND energy = 'A+' ORDER BY ts DESC LIMIT 1");
    CHECK(t1 == Approx(double(model.energyWh(sim::Channel::AP, 1, t)) / 1000).margin(p.energyResolution));
    const double t2 = f.real("SELECT t2 FROM readings " + where + " AND kind = 'latest' AND energy = 'A+' ORDER BY ts DESC LIMIT 1");
    CHECK(t2 == Approx(double(model.energyWh(sim::Channel::AP, 2, t)) / 1000).margin(p.energyResolution));
    // Instantaneous values.
    const auto inst = model.instant(t);
    CHECK(f.real("SELECT voltage FROM network_params " + where + " AND phase = 'A' ORDER BY ts DESC LIMIT 1") == Approx(inst.u[0]).margin(0.02));
    CHECK(f.real("SELECT frequency FROM network_params " + where + " ORDER BY frequency IS NULL, ts DESC LIMIT 1") == Approx(inst.f).margin(0.02));
    // A week of 30-minute profile: every interval there, each equal to the model's.
    const auto rows = f.profile(id);
    const long long lastStart = (t / 1800) * 1800 - 1800; // the last complete interval
    const auto firstOf = [](long long clock) { return (clock - 7 * 86400 + 1799) / 1800 * 1800; }; // the schedule's depth
    const long long earliest = firstOf(polledAt), latest = firstOf(std::max(polledAt, polledBy));
    REQUIRE(!rows.empty());
    CHECK(rows.begin()->first >= earliest);
    CHECK(rows.begin()->first <= latest);
    const long long firstStart = std::clamp(rows.begin()->first, earliest, latest);
    const long long expectedCount = (lastStart - firstStart) / 1800 + 1;
    CHECK(rows.count(lastStart) == 1);
    long long matched = 0, missing = 0;
    for (long long s = firstStart; s <= lastStart; s += 1800) {
        auto it = rows.find(s);
        if (it == rows.end()) {
            ++missing;
            continue;
        }
        const double expected = double(model.intervalWh(sim::Channel::AP, s)) / 1000 * 2; // kW over 30 min
        if (std::fabs(it->second - expected) <= 2 * p.intervalResolution + 1e-9) ++matched;
        else FAIL_CHECK("interval " << s << ": stored " << it->second << " kW, meter holds " << expected);
    }
    CHECK(missing == 0);
    CHECK(matched == expectedCount);
    // Journals: the tamper events of the week are stored and raised a notification each.
    std::set<long long> tamper;
    for (const auto& e : model.events(t - 7 * 86400 + 3600, t - 60))
        if (e.kind == sim::EvCoverOpen || e.kind == sim::EvMagneticField || e.kind == sim::EvTerminalCoverOpen ||
            e.kind == sim::EvFirmwareIntegrity)
            tamper.insert(e.ts);
    const long long storedTamper = f.scalar("SELECT COUNT(*) FROM meter_events " + where + " AND tamper = 1");
    CHECK(storedTamper >= static_cast<long long>(tamper.size()) - 0);
    CHECK(f.scalar("SELECT COUNT(*) FROM notifications WHERE tenant_id = '" + std::string(kTenant) + "' AND dedupe_key LIKE '" + id +
                   "|%' AND kind = 'meter_tamper'") == storedTamper);
    CHECK(f.scalar("SELECT COUNT(*) FROM meter_events " + where + " AND code = 'power_off'") > 0);
}

} // namespace

TEST_CASE("polling: each driver's readings are stored as its simulated meters hold them", "[polling]") {
    for (const auto& p : protocols()) {
        DYNAMIC_SECTION(p.driver) {
            Fixture f;
            if (!f.plugins.find(p.driver)) FAIL("driver plugin " << p.driver << " did not load");
            // The simulated meters live an hour behind the real clock, so that time can move on for them later.
            const long long t = (now() / 60) * 60 - 3600;
            sim::freezeTime(t);
            sim::Gateway gw(p.sim, meters(2, 11, p.serialBase + 100,
                                          t - 30 * 86400));
            const auto ids = f.attach(gw, p, "gw-" + p.sim);
            Scheduler scheduler(f.db, f.tenants, f.plugins, options("a"));
            const long long polledAt = now();
            CHECK(scheduler.runOnce(polledAt) == 2);
            const long long polledBy = now();
            CHECK(scheduler.failed() == 0);
            INFO(f.text("SELECT message FROM poll_log ORDER BY started_at DESC LIMIT 1"));
            CHECK(f.scalar("SELECT COUNT(*) FROM poll_jobs WHERE last_ok IS NOT NULL") ==
                  static_cast<long long>(2 * 2)); // two meters × the tenant's two schedules
            for (std::size_t i = 0; i < ids.size(); ++i) checkStored(f, p, ids[i], gw.bus().meters[i]->model, t, polledAt, polledBy);
            CHECK(gw.maxConcurrent() == 1);

            // An hour later: resume from the last stored interval — two new intervals, no gap, no duplicate.
            const long long before = f.scalar("SELECT COUNT(*) FROM profile");
            sim::freezeTime(t + 3600);
            f.makeDue();
            CHECK(scheduler.runOnce(now()) == 2);
            const auto rows = f.profile(ids[0]);
            CHECK(f.scalar("SELECT COUNT(*) FROM profile") == before + 2 * 2);
            long long prev = -1;
            for (const auto& [ts, v] : rows) {
                if (prev >= 0) CHECK(ts - prev == 1800);
                prev = ts;
            }
            // Tamper notifications are not raised twice by a second read of the same journal.
            CHECK(f.scalar("SELECT COUNT(*) FROM notifications") == f.scalar("SELECT COUNT(*) FROM meter_events WHERE tamper = 1"));
            sim::unfreezeTime();
        }
    }
}

TEST_CASE("polling: every fault of every driver ends in a logged error and a retry that succeeds", "[polling][faults]") {
    const std::vector<std::pair<sim::Fault, std::set<std::string>>> faults = {
        {sim::Fault::BadCrc, {"protocol"}},
        {sim::Fault::Truncated, {"protocol", "timeout"}},
        {sim::Fault::Silence, {"timeout"}},
        {sim::Fault::Garbage, {"protocol", "timeout"}},
        {sim::Fault::WrongPassword, {"auth"}},
        {sim::Fault::SessionTimeout, {"protocol", "timeout", "auth", "transport"}},
    };
    for (const auto& p : protocols()) {
        for (const auto& [fault, kinds] : faults) {
            for (unsigned after : {0u, 6u}) {
                DYNAMIC_SECTION(p.driver << " × " << sim::faultName(fault) << " after " << after << " replies") {
                    Fixture f;
                    const long long t = (now() / 60) * 60;
                    sim::freezeTime(t);
                    const long long polledAt = now();
                    sim::Gateway gw(p.sim, meters(2, 21, p.serialBase + 200,
                                                  t - 10 * 86400));
                    const auto ids = f.attach(gw, p, "gw-f");
                    gw.bus().meters[0]->setFault({fault, after, UINT_MAX});
                    Scheduler scheduler(f.db, f.tenants, f.plugins, options("a", 2, true));
                    const auto started = std::chrono::steady_clock::now();
                    scheduler.runOnce(now());
                    const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
                    CHECK(seconds < 60); // a hang check, not a benchmark
                    const std::string m0 = "meter_id = '" + ids[0] + "'";
                    const std::string kind = f.text("SELECT error_kind FROM poll_log WHERE " + m0 + " ORDER BY started_at DESC LIMIT 1");
                    const std::string recoveredNote = f.text("SELECT outcome FROM poll_log WHERE " + m0 + " ORDER BY started_at DESC LIMIT 1");
                    INFO("outcome " << recoveredNote << ", kind " << kind << ": "
                                    << f.text("SELECT message FROM poll_log WHERE " + m0 + " ORDER BY started_at DESC LIMIT 1"));
                    if (recoveredNote != "ok") {
                        // A clear error, logged, with a back-off: the failed jobs are due again later, not now.
                        CHECK(kinds.count(kind) == 1);
                        CHECK(!f.text("SELECT last_error FROM poll_jobs WHERE " + m0 + " AND attempts = 1 LIMIT 1").empty());
                        CHECK(f.scalar("SELECT MIN(next_run) FROM poll_jobs WHERE " + m0 + " AND attempts = 1") >= now() + 30);
                    }
                    // The other meter on the same bus was read all the same.
                    CHECK(f.scalar("SELECT COUNT(*) FROM poll_jobs WHERE meter_id = '" + ids[1] + "' AND last_ok IS NOT NULL") == 2);
                    // Nothing wrong was stored for the faulty meter: whatever is there matches the model.
                    const auto rows = f.profile(ids[0]);
                    for (const auto& [ts, v] : rows)
                        CHECK(v == Approx(double(gw.bus().meters[0]->model.intervalWh(sim::Channel::AP, ts)) / 500).margin(2 * p.intervalResolution));
                    // The fault clears; the retry succeeds and stores what the meter holds.
                    gw.bus().meters[0]->setFault({});
                    f.makeDue();
                    scheduler.runOnce(now());
                    const long long retriedBy = now(); // the retry's clock was at most this
                    CHECK(f.scalar("SELECT COUNT(*) FROM poll_jobs WHERE " + m0 + " AND attempts = 0 AND last_ok IS NOT NULL") == 2);
                    checkStored(f, p, ids[0], gw.bus().meters[0]->model, t, polledAt, retriedBy);
                    sim::unfreezeTime();
                }
            }
        }
    }
}

TEST_CASE("polling: two instances share the gateways, one dialogue per bus", "[polling]") {
    Fixture f;
    const auto& p = protocols().front();
    const long long t = (now() / 60) * 60;
    sim::freezeTime(t);
    std::vector<std::unique_ptr<sim::Gateway>> gws;
    std::vector<std::string> ids;
    for (unsigned g = 0; g < 4; ++g) {
        gws.push_back(std::make_unique<sim::Gateway>(p.sim, meters(3, 40 + g * 3, p.serialBase + 300 + g * 10, t - 10 * 86400)));
        for (auto& id : f.attach(*gws.back(), p, "gw-" + std::to_string(g))) ids.push_back(id);
    }
    Database db2(f.fresh.url(), 4);
    Scheduler a(f.db, f.tenants, f.plugins, options("instance-a", 3));
    Scheduler b(db2, f.tenants, f.plugins, options("instance-b", 3));
    a.start();
    b.start();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (std::chrono::steady_clock::now() < deadline &&
           f.scalar("SELECT COUNT(*) FROM poll_jobs WHERE last_ok IS NOT NULL") < static_cast<long long>(ids.size() * 2))
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    a.stop();
    b.stop();
    CHECK(f.scalar("SELECT COUNT(*) FROM poll_jobs WHERE last_ok IS NOT NULL") == static_cast<long long>(ids.size() * 2));
    for (auto& g : gws) CHECK(g->maxConcurrent() == 1);
    // Each meter was polled once (both schedules in one dialogue), by one instance or the other.
    CHECK(f.scalar("SELECT COUNT(*) FROM poll_log") == static_cast<long long>(ids.size()));
    CHECK(f.scalar("SELECT COUNT(*) FROM gateways WHERE lease_owner IS NOT NULL") == 0);
    sim::unfreezeTime();
}

TEST_CASE("polling: kabinetd polls its meters and resumes after a restart", "[polling][kabinetd]") {
    Fixture f;
    const auto& p = protocols().front();
    sim::Gateway gw(p.sim, meters(2, 60, p.serialBase + 400, now() - 10 * 86400));
    const auto ids = f.attach(gw, p, "gw-d");
    const std::vector<std::string> args = {"--poll-tick-ms", "100", "--poll-sessions", "2", "--drivers", R"({"mercury": {"timeout_ms": 300}})"};
    auto waitPolled = [&](long long wanted) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (std::chrono::steady_clock::now() < deadline && f.scalar("SELECT COUNT(*) FROM poll_log WHERE outcome = 'ok'") < wanted)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        return f.scalar("SELECT COUNT(*) FROM poll_log WHERE outcome = 'ok'");
    };
    {
        test::KabinetdProcess d(f.fresh.url(), args);
        CHECK(waitPolled(2) == 2);
        // The tenant's operators see the polled meters with their jobs (never their passwords); another
        // tenant's see none of them; a consumer's session is refused.
        auto voek = test::adminSession(d, f.fresh.url(), "voek");
        auto r = d.request("GET", "/t/voek/api/v1/operator/polling", "", voek);
        REQUIRE(r.status == 200);
        auto status = Poco::JSON::Parser().parse(r.body).extract<Poco::JSON::Object::Ptr>();
        REQUIRE(status->getArray("meters")->size() == 2);
        for (const auto& m : *status->getArray("meters")) {
            auto meter = m.extract<Poco::JSON::Object::Ptr>();
            CHECK(meter->getValue<std::string>("driver") == "mercury");
            CHECK(meter->getArray("jobs")->size() == 2);
            for (const auto& j : *meter->getArray("jobs")) CHECK(j.extract<Poco::JSON::Object::Ptr>()->getValue<long long>("attempts") == 0);
        }
        CHECK(status->getArray("gateways")->size() == 1);
        CHECK(r.body.find("111111") == std::string::npos);
        CHECK(r.body.find("password") == std::string::npos);
        auto sigma = test::adminSession(d, f.fresh.url(), "sigma");
        auto other = d.request("GET", "/t/sigma/api/v1/operator/polling", "", sigma);
        REQUIRE(other.status == 200);
        CHECK(Poco::JSON::Parser().parse(other.body).extract<Poco::JSON::Object::Ptr>()->getArray("meters")->size() == 0);
        CHECK(d.request("GET", "/t/voek/api/v1/operator/polling").status == 401);
        CHECK(d.request("GET", "/t/voek/api/v1/operator/polling", "", sigma).status != 200);
        CHECK(d.terminate() == 0);
        CHECK(d.logs().find("\"meter polled\"") != std::string::npos);
    }
    const long long profileRows = f.scalar("SELECT COUNT(*) FROM profile");
    CHECK(profileRows >= 2 * (7 * 48 - 1));
    f.makeDue();
    {
        test::KabinetdProcess d(f.fresh.url(), args);
        CHECK(waitPolled(4) == 4);
        d.terminate();
    }
    // The second run read on from the last stored interval: at most the interval that closed meanwhile.
    CHECK(f.scalar("SELECT COUNT(*) FROM profile") - profileRows <= 2 * 1);
    CHECK(f.scalar("SELECT COUNT(*) FROM gateways WHERE lease_owner IS NOT NULL") == 0);
}

TEST_CASE("polling: an unreachable gateway fails its meters with a transport error and backs off", "[polling][faults]") {
    Fixture f;
    const auto& p = protocols().front();
    unsigned port = 0;
    std::vector<std::string> ids;
    {
        sim::Gateway gw(p.sim, meters(2, 80, p.serialBase + 500, now() - 10 * 86400));
        port = gw.port();
        ids = f.attach(gw, p, "gw-gone");
    } // the gateway is gone: nothing listens on its port any more
    Scheduler scheduler(f.db, f.tenants, f.plugins, options("a", 2, true));
    const long long started = now();
    CHECK(scheduler.runOnce(started) == 0);
    CHECK(scheduler.failed() == 2);
    CHECK(f.scalar("SELECT COUNT(*) FROM poll_jobs WHERE attempts = 1 AND last_error_kind = 'transport' AND next_run >= " +
                   std::to_string(started + 60)) == 4);
    CHECK(f.scalar("SELECT COUNT(*) FROM poll_log WHERE outcome = 'error' AND error_kind = 'transport'") == 2);
    CHECK(f.scalar("SELECT COUNT(*) FROM profile") == 0);
    // A second failure in a row waits twice as long.
    f.makeDue();
    const long long again = now();
    scheduler.runOnce(again);
    CHECK(f.scalar("SELECT COUNT(*) FROM poll_jobs WHERE attempts = 2 AND next_run >= " + std::to_string(again + 120)) == 4);
    CHECK(port > 0);
}
