// The waviot connector against the WAVIoT simulator (tests/simulators/waviot_server.py), through the host's
// ConnectorHub as kabinetd runs it, for КЭС Оренбуржья's declaration (tenants/kes-orenburg: tasks, event map,
// link_device): a month of readings and events stored equals what the simulator holds, a second sync stores
// nothing new, every injected fault is a logged, retried error visible to the operator and never a wrong value,
// a tamper event raises the operators' alert, and the session is reused, renewed and closed.
#include <catch2/catch.hpp>

#include "KabinetdProcess.h"
#include "Scalars.h"
#include "TenantClient.h"
#include "JsonText.h"
#include "TestContext.h"
#include "WaviotSim.h"
#include "connectors/ConnectorHub.h"
#include "identity/Totp.h"
#include "meters/MeterRegistry.h"
#include "plugins/PluginHost.h"
#include "storage/Database.h"
#include "tenants/TenantRegistry.h"
#include "util/SecretBox.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cmath>
#include <ctime>
#include <map>
#include <memory>

using namespace kabinet;

namespace {

constexpr long long kDay = 86400;
constexpr long long kMarch = 1772323200; // 2026-03-01T00:00:00Z: the simulator's clock at the first sync
const char* kTenant = "kes-orenburg";

using test::obj;

/// An integer column whatever type the backend reports for it.
long long integer(const soci::row& r, std::size_t i) {
    switch (r.get_properties(i).get_data_type()) {
    case soci::dt_long_long: return r.get<long long>(i);
    case soci::dt_unsigned_long_long: return static_cast<long long>(r.get<unsigned long long>(i));
    case soci::dt_double: return static_cast<long long>(r.get<double>(i));
    default: return r.get<int>(i);
    }
}

/// The modems of the simulator that КЭС's link_device maps to its points, and the unlinked one.
const std::map<std::string, std::string> kLinked = {{"3B2A10", "56-ТУ-000101"}, {"3B2A11", "56-ТУ-000214"}, {"3B2A12", "56-ТУ-000338"}};
const std::string kUnlinked = "3B2A13";

/// One database and server (its own sync worker off), the simulator, and a hub in this process that runs the
/// tasks at chosen times; КЭС's three points with their ФОБОС meters.
struct World {
    test::FreshDatabase db;
    test::WaviotSim sim;
    std::string keyFile;
    std::string connectors;
    test::KabinetdProcess server;
    Database direct;
    TenantRegistry tenants{test::sourceDir() + "/tenants", test::sourceDir() + "/scripts", LuaLimits{}};
    PluginHost plugins{test::binaryDir() + "/plugins-out"};
    std::unique_ptr<ConnectorHub> hub;
    std::map<std::string, std::string> meters; // modem → meter id

    static std::string makeKey() {
        const std::string path = test::tempDir("waviot-key") + "/secret.key";
        SecretBox::fromFile(path, true);
        return path;
    }

    World()
        : keyFile(makeKey()),
          connectors(std::string("{\"") + kTenant + "\": {\"waviot\": " + sim.settings("\"timeout_ms\": 400, \"retries\": 1") + "}}"),
          server(db.url(), {"--connectors", connectors, "--connector-sessions", "0", "--secret-key-file", keyFile}),
          direct(db.url(), 2) {
        MeterRegistry reg(direct);
        int n = 0;
        for (const auto& [modem, number] : kLinked) {
            const std::string account = reg.upsertAccount(kTenant, {"", "56100" + std::to_string(90000 + n), "", "Потребитель " + std::to_string(n),
                                                                    "г. Оренбург, ул. Чкалова, д. " + std::to_string(10 + n)});
            const std::string point = reg.upsertPoint(kTenant, {"", account, "", "Квартира", number, "electricity",
                                                                "г. Оренбург, ул. Чкалова, д. " + std::to_string(10 + n), "Щит", "2024-01-01", "T2",
                                                                std::nullopt});
            Meter m;
            m.pointId = point;
            m.model = n == 1 ? "ФОБОС 3" : "ФОБОС 1";
            m.serial = "9" + std::to_string(1000000 + n); // not the platform's serial: linked by the point number
            m.tariffZones = 2;
            m.smart = true;
            meters[modem] = reg.upsertMeter(kTenant, m);
            ++n;
        }
        sim.setNow(kMarch);
        hub = makeHub();
    }

    /// The world lives until the process exits, when the host's per-thread HTTP buffers are already gone: the
    /// hub is left undestroyed so that its plugin instance does not log out through them (the simulator goes
    /// with the process anyway).
    ~World() { (void)hub.release(); }

    std::unique_ptr<ConnectorHub> makeHub(const std::string& entry = "") {
        ConnectorHubOptions o;
        o.connectorsJson = entry.empty() ? connectors : entry;
        o.owner = "waviot-test";
        return std::make_unique<ConnectorHub>(direct, tenants, plugins, SecretBox::fromFile(keyFile, false), o);
    }

    SyncOutcome run(const std::string& task, long long now) {
        sim.setNow(now);
        return hub->run(*tenants.find(kTenant), "waviot", "tenant", task, "{}", now);
    }

    long long count(const std::string& sql) { return test::scalarInt(direct, sql); }
    std::string text(const std::string& sql) { return test::scalarText(direct, sql); }
    long long readings() { return count("SELECT COUNT(*) FROM readings WHERE tenant_id = 'kes-orenburg'"); }

    /// Every stored reading of the linked meters in [from, to) equals the simulator's value at that instant
    /// (no wrong value), and, when `complete`, every value the simulator holds there is stored. Returns the
    /// number of readings compared.
    long long checkReadings(long long from, long long to, bool complete) {
        const auto truth = sim.truth(from, to - 1)->getObject("values");
        long long compared = 0;
        static const std::map<std::string, std::string> registers = {{"electro_ac_p_lsum_t1", "t1"}, {"electro_ac_p_lsum_t2", "t2"},
                                                                     {"electro_ac_p_lsum_t3", "t3"}, {"electro_ac_p_lsum_t4", "t4"},
                                                                     {"electro_ac_p_lsum_tsum", "total"}};
        for (const auto& [modem, meter] : meters) {
            std::map<long long, std::map<std::string, double>> expected;
            const auto channels = truth->getObject(modem);
            for (const auto& [channel, reg] : registers)
                for (const auto& [ts, value] : *channels->getObject(channel)) expected[std::stoll(ts)][reg] = std::stod(value.convert<std::string>());
            std::map<long long, std::map<std::string, double>> stored;
            direct.read([&](soci::session& s) {
                soci::rowset<soci::row> rs = (s.prepare << "SELECT ts, total, t1, t2, t3, t4, source FROM readings WHERE tenant_id = 'kes-orenburg' "
                                                           "AND meter_id = :m AND kind = 'latest' AND energy = 'A+' AND ts >= :f AND ts < :t",
                                              soci::use(meter), soci::use(from), soci::use(to));
                for (const auto& r : rs) {
                    const long long ts = integer(r, 0);
                    auto& row = stored[ts];
                    const char* names[] = {"total", "t1", "t2", "t3", "t4"};
                    for (int k = 0; k < 5; ++k)
                        if (r.get_indicator(1 + k) == soci::i_ok) row[names[k]] = r.get<double>(1 + k);
                    CHECK(r.get<std::string>(6) == "connector");
                }
            });
            for (const auto& [ts, row] : stored) {
                INFO("modem " << modem << " at " << ts);
                REQUIRE(expected.count(ts) == 1); // nothing the platform does not hold
                CHECK(row.size() == expected[ts].size());
                for (const auto& [reg, value] : expected[ts]) {
                    REQUIRE(row.count(reg) == 1);
                    CHECK(std::fabs(row.at(reg) - value) < 1e-6);
                }
                ++compared;
            }
            if (complete) CHECK(stored.size() == expected.size());
        }
        return compared;
    }

    /// The stored journal of the linked meters in [from, to) equals the simulator's, classified by КЭС's map.
    void checkEvents(long long from, long long to) {
        const auto truth = sim.truth(from, to - 1)->getObject("events");
        for (const auto& [modem, meter] : meters) {
            std::map<long long, std::pair<std::string, int>> expected, stored;
            const auto list = truth->getArray(modem);
            for (unsigned i = 0; i < list->size(); ++i) {
                const auto e = list->getObject(i);
                const std::string name = e->getValue<std::string>("name");
                const bool tamper = name == "cover_open" || name == "terminal_cover_open" || name == "magnetic_field";
                expected[e->getValue<long long>("ts")] = {name, tamper ? 1 : 0};
            }
            direct.read([&](soci::session& s) {
                soci::rowset<soci::row> rs = (s.prepare << "SELECT ts_start, code, tamper FROM meter_events WHERE tenant_id = 'kes-orenburg' AND "
                                                           "meter_id = :m AND ts_start >= :f AND ts_start < :t",
                                              soci::use(meter), soci::use(from), soci::use(to));
                for (const auto& r : rs) {
                    stored[integer(r, 0)] = {r.get<std::string>(1), static_cast<int>(integer(r, 2))};
                }
            });
            INFO("modem " << modem);
            CHECK(stored == expected);
        }
    }

    /// The channels job's row: attempts, last error kind and text.
    std::tuple<long long, std::string, std::string> job(const std::string& task) {
        return {count("SELECT attempts FROM connector_jobs WHERE tenant_id = 'kes-orenburg' AND connector_id = 'waviot' AND task = '" + task + "'"),
                text("SELECT COALESCE(last_error_kind, '') FROM connector_jobs WHERE tenant_id = 'kes-orenburg' AND connector_id = 'waviot' AND task = '" +
                     task + "'"),
                text("SELECT COALESCE(last_error, '') FROM connector_jobs WHERE tenant_id = 'kes-orenburg' AND connector_id = 'waviot' AND task = '" +
                     task + "'")};
    }
    long long loggedErrors(const std::string& kind) {
        return count("SELECT COUNT(*) FROM connector_log WHERE tenant_id = 'kes-orenburg' AND connector_id = 'waviot' AND outcome = 'error' AND "
                     "error_kind = '" + kind + "'");
    }

    /// An operator of КЭС (the tenant forces a second factor for staff: TOTP turned on).
    test::TenantClient op() {
        static int n = 0;
        const std::string email = "op" + std::to_string(++n) + "@kes.example";
        std::string out;
        REQUIRE(test::runProgram({test::binaryDir() + "/core/kabinet", "users", "create-admin", "--tenant", kTenant, "--email", email, "--database",
                                  db.url(), "--tenants", test::sourceDir() + "/tenants", "--scripts", test::sourceDir() + "/scripts"},
                                 out, {{"KABINET_ADMIN_PASSWORD", "Admin-Password-7"}}) == 0);
        test::TenantClient c{server, kTenant};
        REQUIRE(c.login(email, "Admin-Password-7").status == 200);
        auto r = c.call("POST", "me/second-factor", R"({"method":"totp"})");
        REQUIRE(r.status == 200);
        const std::string key = *totp::base32Decode(obj(r.body)->getValue<std::string>("secret"));
        REQUIRE(c.call("POST", "me/second-factor/confirm", R"({"code":")" + totp::code(key, std::time(nullptr)) + R"("})").status == 200);
        return c;
    }

    /// The channels job as the operator page shows it.
    Poco::JSON::Object::Ptr operatorJob(test::TenantClient& c, const std::string& task) {
        const auto r = c.call("GET", "operator/connectors");
        CHECK(r.status == 200);
        if (r.status != 200) return nullptr;
        const auto items = obj(r.body)->getArray("items");
        for (unsigned i = 0; i < items->size(); ++i) {
            const auto item = items->getObject(i);
            if (item->getValue<std::string>("id") != "waviot") continue;
            const auto jobs = item->getArray("jobs");
            for (unsigned j = 0; j < jobs->size(); ++j)
                if (jobs->getObject(j)->getValue<std::string>("task") == task) return jobs->getObject(j);
        }
        FAIL_CHECK("no waviot " << task << " job on the operator page");
        return nullptr;
    }
};

World& world() {
    static World w;
    return w;
}

} // namespace

TEST_CASE("waviot: modems become devices linked by КЭС's link_device; the fourth stays unlinked", "[waviot]") {
    World& w = world();
    const auto o = w.run("modems", kMarch);
    INFO(o.error);
    REQUIRE(o.ok);
    CHECK(w.count("SELECT COUNT(*) FROM connector_devices WHERE tenant_id = 'kes-orenburg' AND connector_id = 'waviot'") == 4);
    for (const auto& [modem, meter] : w.meters)
        CHECK(w.text("SELECT COALESCE(meter_id, '') FROM connector_devices WHERE tenant_id = 'kes-orenburg' AND connector_id = 'waviot' AND device_key = '" +
                     modem + "'") == meter);
    CHECK(w.text("SELECT COALESCE(meter_id, '-') FROM connector_devices WHERE tenant_id = 'kes-orenburg' AND device_key = '" + kUnlinked + "'") == "-");
    // Battery, serial and last message as the platform gave them.
    const auto info = w.text("SELECT info_json FROM connector_devices WHERE tenant_id = 'kes-orenburg' AND device_key = '3B2A11'");
    CHECK_THAT(info, Catch::Contains("3.55") && Catch::Contains("01830417") && Catch::Contains(std::to_string(kMarch)));

    // The operator's «Обмен данными» lists them: battery, last message, the platform's serial, the linked meter.
    test::TenantClient op = w.op();
    const auto r = op.call("GET", "operator/connectors/waviot/devices");
    REQUIRE(r.status == 200);
    const auto items = obj(r.body)->getArray("items");
    REQUIRE(items->size() == 4);
    int linked = 0;
    for (unsigned i = 0; i < items->size(); ++i) {
        const auto d = items->getObject(i);
        INFO(d->getValue<std::string>("key"));
        CHECK(d->getValue<double>("battery") > 3.0);
        CHECK(d->getValue<long long>("last_message") == kMarch);
        CHECK(d->getValue<std::string>("serial").rfind("0183", 0) == 0);
        if (!d->get("meter_serial").isEmpty()) ++linked;
        else CHECK(d->getValue<std::string>("key") == kUnlinked);
    }
    CHECK(linked == 3);
}

TEST_CASE("waviot: a month of readings and events equals what the platform holds; a second sync stores nothing new", "[waviot]") {
    World& w = world();
    const long long from = kMarch - 31 * kDay;
    auto o = w.run("channels", kMarch);
    INFO(o.error);
    REQUIRE(o.ok);
    // Half-hourly modems 3B2A10, 3B2A12 (1488 instants each) and the daily 3B2A11 (31), plus the unlinked daily one.
    CHECK(w.checkReadings(from, kMarch, true) == 2 * 31 * 48 + 31);
    CHECK(o.storedRows == 2 * 31 * 48 + 31);
    CHECK(o.unknownRows == 31);
    CHECK(o.problems == 0);
    o = w.run("events", kMarch);
    REQUIRE(o.ok);
    w.checkEvents(from, kMarch);
    // The month holds one tamper event (the cover of 3B2A10 opened on 22 February): it raised the alert.
    const long long tamper = w.count("SELECT COUNT(*) FROM meter_events WHERE tenant_id = 'kes-orenburg' AND tamper = 1");
    CHECK(tamper == 1);
    CHECK(w.count("SELECT COUNT(*) FROM notifications WHERE tenant_id = 'kes-orenburg' AND kind = 'meter_tamper'") == tamper);

    // Again at the same time: nothing new is fetched or stored.
    const long long before = w.readings();
    o = w.run("channels", kMarch);
    REQUIRE(o.ok);
    CHECK(o.storedRows == 0);
    o = w.run("events", kMarch);
    REQUIRE(o.ok);
    CHECK(o.storedRows == 0);
    CHECK(w.readings() == before);
    CHECK(w.count("SELECT COUNT(*) FROM notifications WHERE tenant_id = 'kes-orenburg' AND kind = 'meter_tamper'") == tamper);

    // A day later: exactly that day is added, and still equals the platform.
    o = w.run("channels", kMarch + kDay);
    REQUIRE(o.ok);
    CHECK(o.storedRows == 2 * 48 + 1);
    CHECK(w.checkReadings(from, kMarch + kDay, true) == 2 * 32 * 48 + 32);
    // One session for all of it: the token is kept by the instance and reused.
    CHECK(w.sim.counters()->getValue<int>("logins") == 1);
    CHECK(w.sim.counters()->getValue<int>("sessions") == 1);
}

TEST_CASE("waviot: a token refused mid-sync is refreshed once and the sync completes", "[waviot]") {
    World& w = world();
    const long long at = kMarch + 2 * kDay;
    REQUIRE(w.run("modems", at).ok); // the token, a day old, is refreshed before its expiry
    const int refreshes = w.sim.counters()->getValue<int>("refreshes");
    w.sim.fault("401_once", 1, 3, "get_modem_channel_values");
    const auto o = w.run("channels", at);
    INFO(o.error);
    REQUIRE(o.ok);
    CHECK(w.sim.counters()->getValue<int>("refreshes") == refreshes + 1);
    CHECK(w.sim.counters()->getValue<int>("logins") == 1);
    CHECK(w.checkReadings(kMarch - 31 * kDay, at, true) > 0);
}

TEST_CASE("waviot: every injected fault is a logged, retried error the operator sees, and never a wrong value", "[waviot]") {
    World& w = world();
    test::TenantClient op = w.op();
    struct Case {
        const char* fault;
        int times;     // enough to exhaust the host's attempts (retries 1 → 2 attempts)
        const char* kind;
    };
    const Case cases[] = {
        {"401", 2, "transport"},     // refused, and refused again right after the refresh
        {"429", 2, "transport"},
        {"500", 2, "transport"},
        {"slow", 2, "timeout"},      // 1.5 s against the 0.4 s timeout
        {"truncated", 1, "protocol"},
    };
    long long at = kMarch + 3 * kDay;
    for (const auto& c : cases) {
        {
            INFO("fault " << c.fault);
            at += 7 * kDay;
            const long long before = w.loggedErrors(c.kind);
            // Mid-sync: the first modem's channels pass, the fault hits a later request.
            w.sim.fault(c.fault, c.times, 7, "get_modem_channel_values", 1500);
            auto o = w.run("channels", at);
            CHECK_FALSE(o.ok);
            CHECK(o.errorKind == c.kind);
            auto [attempts, kind, error] = w.job("channels");
            CHECK(attempts == 1);
            CHECK(kind == c.kind);
            CHECK_FALSE(error.empty());
            CHECK(w.loggedErrors(c.kind) == before + 1);
            if (const auto shown = w.operatorJob(op, "channels")) {
                CHECK(shown->getValue<std::string>("last_error_kind") == c.kind);
                CHECK(shown->getValue<long long>("attempts") == 1);
            }
            w.checkReadings(kMarch - 31 * kDay, at, false); // what was stored before the fault is right
            CHECK(w.sim.counters()->getValue<int>("faults_pending") == 0);
            // The retry (the next run after the back-off) completes the window.
            o = w.run("channels", at + 120);
            INFO(o.error);
            CHECK(o.ok);
            std::tie(attempts, kind, error) = w.job("channels");
            CHECK(attempts == 0);
            CHECK(w.checkReadings(kMarch - 31 * kDay, at + 120, true) > 0);
            if (const auto shown = w.operatorJob(op, "channels")) CHECK(shown->getValue<long long>("attempts") == 0);
        }
    }
}

TEST_CASE("waviot: a tamper event of the journal raises the operators' alert once; an unmapped code is kept, not tamper", "[waviot]") {
    World& w = world();
    const long long at = kMarch + 40 * kDay;
    w.run("events", at); // up to date
    const long long alerts = w.count("SELECT COUNT(*) FROM notifications WHERE tenant_id = 'kes-orenburg' AND kind = 'meter_tamper'");
    w.sim.control(R"({"event": {"modem": "3B2A12", "ts": )" + std::to_string(at + 600) + R"(, "code": "18"}})");
    w.sim.control(R"({"event": {"modem": "3B2A12", "ts": )" + std::to_string(at + 900) + R"(, "code": "99"}})");
    auto o = w.run("events", at + 3600);
    INFO(o.error);
    REQUIRE(o.ok);
    CHECK(w.count("SELECT COUNT(*) FROM notifications WHERE tenant_id = 'kes-orenburg' AND kind = 'meter_tamper'") == alerts + 1);
    const std::string meter = w.meters.at("3B2A12");
    CHECK(w.text("SELECT code FROM meter_events WHERE tenant_id = 'kes-orenburg' AND meter_id = '" + meter + "' AND ts_start = " +
                 std::to_string(at + 600)) == "terminal_cover_open");
    CHECK(w.count("SELECT tamper FROM meter_events WHERE tenant_id = 'kes-orenburg' AND meter_id = '" + meter + "' AND ts_start = " +
                  std::to_string(at + 900)) == 0);
    CHECK(w.text("SELECT code FROM meter_events WHERE tenant_id = 'kes-orenburg' AND meter_id = '" + meter + "' AND ts_start = " +
                 std::to_string(at + 900)) == "waviot_99");
    // The operators see it among their alerts, with the tenant's text of the class.
    test::TenantClient op = w.op();
    const auto r = op.call("GET", "operator/alerts");
    REQUIRE(r.status == 200);
    const auto rows = obj(r.body)->getArray("rows");
    int shown = 0;
    for (unsigned i = 0; i < rows->size(); ++i) {
        const auto a = rows->getObject(i);
        if (a->getValue<std::string>("kind") == "meter_tamper" &&
            a->getValue<std::string>("body").find("Вскрытие крышки клеммной колодки") != std::string::npos)
            ++shown;
    }
    CHECK(shown == 1);
    // Synced again: the same events, no second alert.
    o = w.run("events", at + 3600);
    REQUIRE(o.ok);
    CHECK(w.count("SELECT COUNT(*) FROM notifications WHERE tenant_id = 'kes-orenburg' AND kind = 'meter_tamper'") == alerts + 1);
}

TEST_CASE("waviot: a wrong password stops the account's jobs; the instance logs out when it goes", "[waviot]") {
    World& w = world();
    const int sessions = w.sim.counters()->getValue<int>("sessions");
    {
        // A generous timeout: the logout on destroy is what is checked, and a loaded machine (CI runs fuzzers beside
        // this test) can keep the simulator's answer past 400 ms.
        auto other = w.makeHub(std::string("{\"") + kTenant + "\": {\"waviot\": " + w.sim.settings("\"timeout_ms\": 5000") + "}}");
        const auto o = other->run(*w.tenants.find(kTenant), "waviot", "tenant", "modems", "{}", kMarch + 50 * kDay);
        INFO(o.error);
        REQUIRE(o.ok);
        CHECK(w.sim.counters()->getValue<int>("sessions") == sessions + 1);
    }
    CHECK(w.sim.counters()->getValue<int>("sessions") == sessions); // user-logout on destroy

    std::string wrong = w.sim.settings("\"timeout_ms\": 400");
    wrong.replace(wrong.find("waviot-demo"), 11, "not-the-password");
    auto bad = w.makeHub(std::string("{\"") + kTenant + "\": {\"waviot\": " + wrong + "}}");
    const auto o = bad->run(*w.tenants.find(kTenant), "waviot", "tenant", "modems", "{}", kMarch + 51 * kDay);
    CHECK_FALSE(o.ok);
    CHECK(o.errorKind == "auth");
    CHECK(std::get<1>(w.job("modems")) == "auth");
    CHECK(o.error.find("not-the-password") == std::string::npos);
}
