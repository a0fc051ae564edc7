// Demo data: DemoSeeder on a fresh database of the backend of this run — consumers registered by each tenant's
// rules and confirmed, contracts, accounts, points, meters and grants by the tenant's access way, a year of meter
// data that is consistent (profile ↔ registers, T1 + T2 = total, registers never decrease), tamper events,
// network parameters; every demo login works, nothing stays queued in the outbox, and a second run adds nothing.
#include <catch2/catch.hpp>

#include "SeededDatabase.h"
#include "TestContext.h"
#include "config/Config.h"
#include "demo/DemoPolling.h"
#include "demo/DemoSeeder.h"
#include "identity/IdentityService.h"
#include "identity/PasswordHasher.h"
#include "outages/OutageService.h"
#include "storage/Database.h"
#include "tenants/TenantRegistry.h"
#include "util/TimeZones.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <tuple>

using namespace kabinet;

namespace {

constexpr long long kNow = 1742032020; // 2025-03-15 09:47:00 UTC

/// The pieces of Services the seeder needs, on a fresh database.
struct World : test::SeededDatabase {
    PasswordHasher hasher;
    Config config;
    std::unique_ptr<IdentityService> identity;
    World() {
        config.dataDir = test::tempDir("demo");
        identity = std::make_unique<IdentityService>(db, hasher, config);
    }
};

long long count(Database& db, const std::string& sql) {
    long long n = 0;
    db.read([&](soci::session& s) { s << sql, soci::into(n); });
    return n;
}

/// Row counts of every table the seeder writes.
std::map<std::string, long long> counts(Database& db) {
    std::map<std::string, long long> out;
    for (const char* table : {"users", "consents", "tokens", "outbox", "contracts", "accounts", "metering_points", "meters", "transformers",
                              "readings", "profile", "network_params", "meter_events", "access_grants", "outages", "notifications"})
        out[table] = count(db, std::string("SELECT COUNT(*) FROM ") + table);
    return out;
}

int offsetOf(TenantRegistry& tenants, const std::string& id) {
    auto p = tenants.find(id)->profile().extract<Poco::JSON::Object::Ptr>();
    return tz::offsetSeconds(p->getValue<std::string>("timezone"));
}

/// Local midnight `years` back from the local date of `now`.
long long periodStart(long long now, int offset, int years) {
    using namespace std::chrono;
    const year_month_day today{sys_days{days{(now + offset) / 86400}}};
    year_month_day back{today.year() - std::chrono::years{years}, today.month(), today.day()};
    if (!back.ok()) back = year_month_day{year_month_day_last{back.year(), month_day_last{back.month()}}};
    return sys_days{back}.time_since_epoch().count() * 86400LL - offset;
}

struct SmartMeter {
    std::string tenant, meterId;
    bool vt = false;
};

std::vector<SmartMeter> smartMeters(Database& db) {
    std::vector<SmartMeter> out;
    db.read([&](soci::session& s) {
        soci::rowset<soci::row> rows = (s.prepare << "SELECT m.tenant_id, m.meter_id, m.nominal_voltage FROM meters m WHERE m.smart = 1 "
                                                     "ORDER BY m.tenant_id, m.meter_id");
        for (const auto& r : rows)
            out.push_back({r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2).find("57,7") != std::string::npos});
    });
    return out;
}

} // namespace

TEST_CASE("demo seed fills every tenant with consistent data, idempotently", "[demo][data]") {
    World w;
    DemoSeeder seeder(w.db, w.tenants, *w.identity);
    DemoOptions o;
    o.years = 1;
    o.now = kNow;
    const auto accounts = seeder.seed(o);
    const DemoStats first = seeder.stats();
    INFO("seeded in " << first.seconds << " s");

    // Accounts: every tenant, three consumers each, ВОЭК with an individual (СНИЛС) and a legal entity (ОГРН).
    std::map<std::string, std::vector<DemoAccount>> byTenant;
    for (const auto& a : accounts) byTenant[a.tenant].push_back(a);
    for (const auto& id : w.tenants.ids()) {
        INFO(id);
        CHECK(byTenant[id].size() == 3);
    }
    std::set<std::string> voekKinds;
    for (const auto& a : byTenant["voek"]) voekKinds.insert(a.kind);
    CHECK(voekKinds.count("individual"));
    CHECK(voekKinds.count("legal_entity"));
    CHECK(std::regex_match(byTenant["voek"].front().login, std::regex(R"(\d{3}-\d{3}-\d{3} \d{2})")));
    CHECK(byTenant["vges"].front().login == "petrov.demo");
    for (const auto& a : accounts) CHECK(!a.description.empty());

    // Every consumer is active and confirmed; nothing of the registrations stays queued.
    CHECK(count(w.db, "SELECT COUNT(*) FROM users WHERE state <> 'active'") == 0);
    CHECK(count(w.db, "SELECT COUNT(*) FROM users WHERE email IS NOT NULL AND email_verified = 0") == 0);
    CHECK(count(w.db, "SELECT COUNT(*) FROM outbox WHERE state = 'queued'") == 0);
    CHECK(count(w.db, "SELECT COUNT(*) FROM tokens WHERE used_at IS NULL") == 0);
    CHECK(count(w.db, "SELECT COUNT(*) FROM users") == static_cast<long long>(accounts.size()));

    // Contracts of ВОЭК's legal entity carry its ОГРН; the ОЭС 360 grant has a title; СИГМА has a 10 kV point with
    // current and voltage transformers on each phase.
    CHECK(count(w.db, "SELECT COUNT(*) FROM contracts WHERE tenant_id = 'voek' AND ogrn IS NOT NULL AND LENGTH(ogrn) = 13") == 2);
    CHECK(count(w.db, "SELECT COUNT(*) FROM access_grants WHERE tenant_id = 'voek' AND way = 'ogrn_contract' AND scope = 'contract'") == 2);
    CHECK(count(w.db, "SELECT COUNT(*) FROM access_grants WHERE tenant_id = 'voek' AND way = 'account_number' AND scope = 'account'") == 1);
    CHECK(count(w.db, "SELECT COUNT(*) FROM access_grants WHERE tenant_id = 'oes360' AND way = 'supplier_login' AND title IS NOT NULL") >= 1);
    CHECK(count(w.db, "SELECT COUNT(*) FROM access_grants WHERE tenant_id = 'kes-orenburg' AND way = 'operator_grant' AND scope = 'point'") == 2);
    CHECK(count(w.db, "SELECT COUNT(*) FROM transformers WHERE tenant_id = 'sigma' AND kind = 'current' AND ratio = '200/5'") == 3);
    CHECK(count(w.db, "SELECT COUNT(*) FROM transformers WHERE tenant_id = 'sigma' AND kind = 'voltage' AND ratio = '10000/100'") == 3);
    CHECK(count(w.db, "SELECT COUNT(*) FROM meters WHERE verification_years = 16 AND register_number <> '' AND next_verification_on IS NOT NULL") ==
          count(w.db, "SELECT COUNT(*) FROM meters"));

    // The account numbers a description offers to add exist and are not granted to anyone yet.
    const std::regex offered("лицевой счёт (\\d+)");
    int offers = 0;
    for (const auto& a : accounts)
        for (std::sregex_iterator it(a.description.begin(), a.description.end(), offered), e; it != e; ++it) {
            ++offers;
            const std::string number = (*it)[1];
            INFO(a.tenant << " " << number);
            CHECK(count(w.db, "SELECT COUNT(*) FROM accounts WHERE tenant_id = '" + a.tenant + "' AND number = '" + number + "'") == 1);
            CHECK(count(w.db, "SELECT COUNT(*) FROM access_grants g JOIN accounts x ON x.tenant_id = g.tenant_id AND x.account_id = g.ref_id "
                              "WHERE g.scope = 'account' AND x.number = '" + number + "'") == 0);
        }
    CHECK(offers >= 2);

    // Meter data of every smart meter.
    const auto meters = smartMeters(w.db);
    REQUIRE(meters.size() >= 8);
    CHECK(first.smartMeters == meters.size());
    const long long end = kNow / 1800 * 1800;
    for (const auto& m : meters) {
        INFO(m.tenant << " " << m.meterId);
        const int off = offsetOf(w.tenants, m.tenant);
        const long long start = periodStart(kNow, off, 1);
        const std::string where = " WHERE tenant_id = '" + m.tenant + "' AND meter_id = '" + m.meterId + "'";
        // Half-hourly profile: 48 per day from local midnight a year back up to the last whole half hour.
        CHECK(count(w.db, "SELECT COUNT(*) FROM profile" + where) == (end - start) / 1800);
        CHECK(count(w.db, "SELECT MIN(ts) FROM profile" + where) == start);
        CHECK(count(w.db, "SELECT MAX(ts) FROM profile" + where) == end - 1800);
        CHECK(count(w.db, "SELECT COUNT(*) FROM profile" + where + " AND (interval_min <> 30 OR p_plus < 0 OR q_plus < 0)") == 0);

        // Daily registers: never decreasing, T1 + T2 = total, and each day's growth is the day's profile energy.
        std::vector<std::tuple<long long, double, double, double>> regs;
        std::map<long long, double> energyByDay;
        w.db.read([&](soci::session& s) {
            soci::rowset<soci::row> rows =
                (s.prepare << "SELECT ts, total, t1, t2 FROM readings" + where + " AND kind = 'latest' AND energy = 'A+' ORDER BY ts");
            for (const auto& r : rows) regs.emplace_back(r.get<long long>(0), r.get<double>(1), r.get<double>(2), r.get<double>(3));
            soci::rowset<soci::row> prof = (s.prepare << "SELECT ts, p_plus FROM profile" + where);
            for (const auto& r : prof) energyByDay[(r.get<long long>(0) - start) / 86400] += r.get<double>(1) * 0.5;
        });
        REQUIRE(regs.size() == static_cast<std::size_t>((end - start + 86399) / 86400 + 1));
        bool monotone = true, zonesAddUp = true, matchesProfile = true;
        for (std::size_t i = 0; i < regs.size(); ++i) {
            const auto& [ts, total, t1, t2] = regs[i];
            if (std::fabs(t1 + t2 - total) > 1e-6) zonesAddUp = false;
            if (i == 0) continue;
            const auto& [pts, ptotal, pt1, pt2] = regs[i - 1];
            if (total < ptotal || t1 < pt1 || t2 < pt2) monotone = false;
            if (std::fabs((total - ptotal) - energyByDay[(pts - start) / 86400]) > 0.005) matchesProfile = false;
        }
        CHECK(monotone);
        CHECK(zonesAddUp);
        CHECK(matchesProfile);
        CHECK(count(w.db, "SELECT COUNT(*) FROM readings" + where + " AND energy = 'R+' AND kind = 'latest'") == static_cast<long long>(regs.size()));

        // Monthly billing registers on the 1st at 00:00 local time.
        std::vector<long long> billing;
        w.db.read([&](soci::session& s) {
            soci::rowset<soci::row> rows = (s.prepare << "SELECT ts FROM readings" + where + " AND kind = 'billing' AND energy = 'A+'");
            for (const auto& r : rows) billing.push_back(r.get<long long>(0));
        });
        CHECK(billing.size() == 12);
        for (long long ts : billing) {
            CHECK((ts + off) % 86400 == 0);
            CHECK(tz::localDate(ts, off).substr(8) == "01");
        }

        // Network parameters every hour for the last two days, plausible values.
        CHECK(count(w.db, "SELECT COUNT(DISTINCT ts) FROM network_params" + where) == 48);
        CHECK(count(w.db, "SELECT COUNT(*) FROM network_params" + where + " AND (frequency < 49.95 OR frequency > 50.05 OR pf < 0.85 OR pf > 0.98)") == 0);
        if (!m.vt)
            CHECK(count(w.db, "SELECT COUNT(*) FROM network_params" + where + " AND phase <> 'S' AND (voltage < 220 OR voltage > 235)") == 0);
        CHECK(count(w.db, "SELECT COUNT(*) FROM meter_events" + where + " AND category = 'clock'") > 0);
    }
    CHECK(count(w.db, "SELECT COUNT(*) FROM meter_events WHERE tamper = 1 AND severity = 'alarm' AND category = 'tamper'") >= 3);
    CHECK(count(w.db, "SELECT COUNT(*) FROM meter_events WHERE code = 'power_off' AND ts_end IS NOT NULL") > 0);
    CHECK(count(w.db, "SELECT COUNT(*) FROM meter_events WHERE code IN ('cover_open', 'terminal_cover_open', 'magnetic_field')") ==
          count(w.db, "SELECT COUNT(*) FROM meter_events WHERE tamper = 1"));

    // Every demo login works.
    for (const auto& a : accounts) {
        INFO(a.tenant << " " << a.login);
        Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
        body->set("login", a.login);
        body->set("password", a.password);
        auto r = w.identity->login(*w.tenants.find(a.tenant), body, "127.0.0.1");
        CHECK(!r.token.empty());
    }

    // ВГЭС's outages, published through the outages service relative to now: closed ones in the past (one over the
    // permitted duration), an emergency one going on, planned ones to come; the demo person sees the one at the flat
    // on the home page (the own points' list) with its notice in the portal, and the statistics have numbers.
    CHECK(seeder.stats().outages == 6);
    CHECK(count(w.db, "SELECT COUNT(*) FROM outages WHERE tenant_id <> 'vges'") == 0);
    CHECK(count(w.db, "SELECT COUNT(*) FROM outages WHERE tenant_id = 'vges' AND state = 'closed' AND actual_end < " + std::to_string(kNow)) == 3);
    CHECK(count(w.db, "SELECT COUNT(*) FROM outages WHERE tenant_id = 'vges' AND state = 'published' AND kind = 'planned' AND starts_at > " +
                      std::to_string(kNow)) == 2);
    CHECK(count(w.db, "SELECT COUNT(*) FROM outages WHERE tenant_id = 'vges' AND state = 'published' AND kind = 'emergency' AND starts_at < " +
                      std::to_string(kNow)) == 1);
    {
        auto& vges = *w.tenants.find("vges");
        OutageService outages(w.db);
        auto userOf = [&](const std::string& login) {
            SessionInfo s;
            s.role = "consumer";
            s.userId = "?";
            w.db.read([&](soci::session& se) {
                se << "SELECT user_id FROM users WHERE tenant_id = 'vges' AND login = :l", soci::use(login), soci::into(s.userId);
            });
            return s;
        };
        const SessionInfo petrov = userOf("petrov.demo");
        auto mine = outages.list(vges, petrov, {}, kNow)->getArray("rows");
        REQUIRE(mine->size() == 1);
        CHECK(mine->getObject(0)->getValue<std::string>("kind") == "planned");
        CHECK(mine->getObject(0)->getArray("points")->getObject(0)->getValue<std::string>("name") == "Квартира");
        auto stats = outages.stats(vges, petrov, {}, kNow)->getObject("total");
        CHECK(stats->getValue<int>("count") == 2);
        CHECK(stats->getValue<int>("exceeded") == 1);
        CHECK(stats->getValue<int>("exceeded_minutes") == 3 * 60);
        auto all = outages.stats(vges, SessionInfo{"", "operator"}, {}, kNow)->getObject("total");
        CHECK(all->getValue<int>("count") == 4); // the three closed ones and the one going on
        CHECK(all->getValue<int>("exceeded") == 2);
        CHECK(outages.list(vges, userOf("orlova.ip"), {}, kNow)->getArray("rows")->getObject(0)->getValue<std::string>("kind") == "emergency");
        CHECK(outages.publicList(vges, {}, kNow)->getArray("rows")->size() == 3); // from a week ago: the one going on and those to come
        CHECK(count(w.db, "SELECT COUNT(*) FROM notifications n JOIN notification_recipients r ON r.tenant_id = n.tenant_id AND "
                          "r.notification_id = n.notification_id JOIN users u ON u.tenant_id = r.tenant_id AND u.user_id = r.user_id WHERE "
                          "u.login = 'petrov.demo' AND n.kind = 'outage_planned'") == 1);
        CHECK(count(w.db, "SELECT COUNT(*) FROM notifications n JOIN notification_recipients r ON r.tenant_id = n.tenant_id AND "
                          "r.notification_id = n.notification_id JOIN users u ON u.tenant_id = r.tenant_id AND u.user_id = r.user_id WHERE "
                          "u.login = 'orlova.ip' AND n.kind = 'outage_emergency'") == 1);
        // The seed's notices reach the portal only: no mail or text waits in the outbox for them (a delivery's
        // state is read through to its outbox message).
        CHECK(count(w.db, "SELECT COUNT(*) FROM notification_deliveries d JOIN outbox o ON o.tenant_id = d.tenant_id AND "
                          "o.message_id = d.message_id WHERE d.channel <> 'in_app' AND o.state = 'queued'") == 0);
    }

    // A second run adds nothing and answers the same accounts.
    const auto before = counts(w.db);
    const auto again = seeder.seed(o);
    CHECK(counts(w.db) == before);
    REQUIRE(again.size() == accounts.size());
    for (std::size_t i = 0; i < again.size(); ++i) {
        CHECK(again[i].tenant == accounts[i].tenant);
        CHECK(again[i].login == accounts[i].login);
        CHECK(again[i].description == accounts[i].description);
    }
    CHECK(seeder.stats().users == 0);
    CHECK(seeder.stats().outages == 0);
    CHECK(seeder.stats().profile == 0);

    // The run command's polled meters: one per simulated gateway in every tenant, linked to its driver, on a
    // point that a demo consumer of the tenant sees (through an account, contract or point grant); idempotent.
    const auto gateways = parseSimulatedGateways("mercury=127.0.0.1:47001,iec62056-21=127.0.0.1:47002,dlms=127.0.0.1:47003");
    CHECK(linkSimulatedMeters(w.db, w.tenants, gateways) == 3 * w.tenants.ids().size());
    const auto linked = counts(w.db);
    CHECK(linkSimulatedMeters(w.db, w.tenants, gateways) == 3 * w.tenants.ids().size());
    CHECK(counts(w.db) == linked);
    CHECK(count(w.db, "SELECT COUNT(*) FROM meter_links") == static_cast<long long>(3 * w.tenants.ids().size()));
    CHECK(count(w.db, "SELECT COUNT(*) FROM gateways") == static_cast<long long>(3 * w.tenants.ids().size()));
    // Demo data that looks real: the ОЭС 360 consumer has the two contracts of the README (a dacha and a garage);
    // a flat has a single-phase meter; the polled meters stand at their consumer's address, under a name of a
    // place (not «Опрашиваемый счётчик»), single-phase where the consumer's own meter is.
    CHECK(count(w.db, "SELECT COUNT(*) FROM access_grants g JOIN users u ON u.tenant_id = g.tenant_id AND u.user_id = g.user_id "
                      "WHERE g.tenant_id = 'oes360' AND u.email = 'v.vasiliev@example.com' AND g.scope = 'contract'") == 2);
    CHECK(count(w.db, "SELECT COUNT(*) FROM contracts WHERE tenant_id = 'oes360' AND number IN ('76385943-232', '56957585-677')") == 2);
    CHECK(count(w.db, "SELECT COUNT(*) FROM metering_points p JOIN meters m ON m.tenant_id = p.tenant_id AND m.point_id = p.point_id "
                      "WHERE p.name = 'Квартира' AND m.phases <> 1") == 0);
    // Each tenant's polled meters are other meters of the simulated buses (own address, serial and so readings).
    CHECK(count(w.db, "SELECT COUNT(DISTINCT gateway_id || settings) FROM meter_links") == static_cast<long long>(3 * w.tenants.ids().size()));
    CHECK(count(w.db, "SELECT COUNT(*) FROM metering_points WHERE number LIKE 'POLL-%' AND (address IS NULL OR address = '' OR name LIKE "
                      "'Опрашиваемый%')") == 0);
    CHECK(count(w.db, "SELECT COUNT(*) FROM meter_links l JOIN meters m ON m.tenant_id = l.tenant_id AND m.meter_id = l.meter_id "
                      "JOIN metering_points p ON p.tenant_id = m.tenant_id AND p.point_id = m.point_id WHERE NOT EXISTS (SELECT 1 FROM "
                      "metering_points o JOIN meters om ON om.tenant_id = o.tenant_id AND om.point_id = o.point_id WHERE o.tenant_id = "
                      "p.tenant_id AND o.number NOT LIKE 'POLL-%' AND om.phases = m.phases AND o.address LIKE p.address || '%' AND "
                      "(o.account_id = p.account_id OR o.contract_id = p.contract_id))") == 0);
    for (const auto& id : w.tenants.ids()) {
        INFO("tenant " << id);
        CHECK(count(w.db, "SELECT COUNT(DISTINCT l.meter_id) FROM meter_links l JOIN meters m ON m.tenant_id = l.tenant_id AND "
                          "m.meter_id = l.meter_id JOIN metering_points p ON p.tenant_id = m.tenant_id AND p.point_id = m.point_id "
                          "WHERE l.tenant_id = '" + id + "' AND EXISTS (SELECT 1 FROM access_grants g WHERE g.tenant_id = p.tenant_id AND "
                          "((g.scope = 'account' AND g.ref_id = p.account_id) OR (g.scope = 'contract' AND g.ref_id = p.contract_id) OR "
                          "(g.scope = 'point' AND g.ref_id = p.point_id)))") == 3);
    }
}

TEST_CASE("demo identifiers carry valid check digits", "[demo]") {
    CHECK(demo::snils("112233445") == "11223344595");
    CHECK(demo::inn10("770708389") == "7707083893");
    CHECK(demo::inn12("5001234567") .size() == 12);
    CHECK(demo::ogrn("102770013219") == "1027700132195");
    CHECK(demo::ogrnip("30450011670022") .size() == 15);
    CHECK_THROWS(demo::snils("001001998"));
    CHECK_THROWS(demo::inn10("12345"));
}

// The default seed (five tenants, three years) timed on the backend of the run: `integration_tests "[.demo-bench]" -s`;
// KABINET_DEMO_YEARS, KABINET_DEMO_CONSUMERS and KABINET_DEMO_EXTRA (extra meters) change the options.
TEST_CASE("demo seed, default options, timed", "[.demo-bench]") {
    World w;
    DemoSeeder seeder(w.db, w.tenants, *w.identity);
    DemoOptions o;
    o.now = kNow;
    if (const char* v = std::getenv("KABINET_DEMO_YEARS"); v && *v) o.years = std::atoi(v);
    if (const char* v = std::getenv("KABINET_DEMO_EXTRA"); v && *v) o.extraMeters = std::atoi(v);
    if (const char* v = std::getenv("KABINET_DEMO_CONSUMERS"); v && *v) o.consumersPerTenant = std::atoi(v);
    const auto accounts = seeder.seed(o);
    const auto& st = seeder.stats();
    std::cout << test::backend() << ": " << accounts.size() << " accounts, " << st.meters << " meters (" << st.smartMeters << " smart), "
              << st.profile << " profile rows, " << st.readings << " readings, " << st.events << " events, " << st.params
              << " network rows in " << st.seconds << " s\n";
    for (const auto& a : accounts) std::cout << a.tenant << " | " << a.kind << " | " << a.login << " | " << a.password << " | " << a.description << "\n";
    if (o.extraMeters == 0) CHECK(st.seconds < 60);
    // KABINET_DEMO_KEEP=/path/demo.db keeps a copy of the seeded SQLite database for a look at the data.
    if (const char* keep = std::getenv("KABINET_DEMO_KEEP"); keep && *keep && test::backend() == "sqlite")
        w.db.read([&](soci::session& s) { s << "VACUUM INTO '" + std::string(keep) + "'"; });
}
