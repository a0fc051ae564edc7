// Demo rosters live beside their tenants: the seeder seeds what tenants/<id>/demo.lua declares (a new utility
// brings its own), a tenant folder without demo.lua gets no demo data, and a malformed roster is refused
// with the file and the key named.
#include <catch2/catch.hpp>

#include "SeededDatabase.h"
#include "TestContext.h"
#include "config/Config.h"
#include "demo/DemoSeeder.h"
#include "identity/IdentityService.h"
#include "identity/PasswordHasher.h"
#include "storage/Database.h"
#include "tenants/TenantRegistry.h"

#include <filesystem>
#include <fstream>

using namespace kabinet;

namespace {

/// kes-orenburg with the roster given (none when empty) and sigma without its demo.lua, in a folder of their own.
std::string tenantsWith(const std::string& kesRoster) {
    namespace fs = std::filesystem;
    const std::string dir = test::tempDir("demo-rosters");
    for (const char* id : {"kes-orenburg", "sigma"}) {
        fs::copy(test::sourceDir() + "/tenants/" + id, dir + "/" + id, fs::copy_options::recursive);
        fs::remove(dir + "/" + id + "/demo.lua");
    }
    if (!kesRoster.empty()) std::ofstream(dir + "/kes-orenburg/demo.lua") << kesRoster;
    return dir;
}

long long count(Database& db, const std::string& sql) {
    long long n = 0;
    db.read([&](soci::session& s) { s << sql, soci::into(n); });
    return n;
}

const char* const kRoster = R"(
local demo = require("kabinet.demo")
return demo.roster {
  place = { city = "г. Новоград", region = "56", postcode = "4600", mobile_code = "912", supplier = "Сбыт",
    account_prefix = "77", contract_prefix = "Н-", point_prefix = "НГ-" },
  generic_meter = demo.meter("ce102", { smart = false }),
  consumers = { {
    kind = "consumer", way = "operator_grant", scope = "point", who = "Потребитель нового города",
    person = { surname = "Новиков", name = "Пётр", patronymic = "Ильич", email = "p.novikov@example.com", phone = "+7 (912) 100-20-30" },
    contracts = { { number = "Н-1", valid_from = "2024-01-01", accounts = { { number = "7700001", label = "квартира", points = { {
      name = "Квартира", number = "НГ-1", address = "г. Новоград, ул. Первая, д. 1, кв. 1", place = "Этажный щит", limit_kw = 10,
      meter = demo.meter("ce102", { smart = false }) } } } } } },
  } },
}
)";

struct World : test::SeededDatabase {
    PasswordHasher hasher;
    Config config;
    std::unique_ptr<IdentityService> identity;
    explicit World(const std::string& dir) : SeededDatabase(dir, 2) {
        config.dataDir = test::tempDir("demo");
        identity = std::make_unique<IdentityService>(db, hasher, config);
    }
};

} // namespace

TEST_CASE("the demo seeds each tenant's own demo.lua and nothing for a tenant without one", "[demo][roster]") {
    World w(tenantsWith(kRoster));
    REQUIRE(w.tenants.ids().size() == 2);
    DemoSeeder seeder(w.db, w.tenants, *w.identity);
    DemoOptions o;
    o.years = 1;
    o.now = 1742032020;
    o.consumersPerTenant = 1;
    const auto accounts = seeder.seed(o);
    REQUIRE(accounts.size() == 1);
    CHECK(accounts[0].tenant == "kes-orenburg");
    CHECK(accounts[0].login == "p.novikov@example.com");
    CHECK_THAT(accounts[0].description, Catch::Contains("Потребитель нового города") && Catch::Contains("Энергомера CE102 № 0092"));
    CHECK(count(w.db, "SELECT COUNT(*) FROM contracts WHERE tenant_id = 'kes-orenburg' AND number = 'Н-1' AND supplier = 'Сбыт'") == 1);
    CHECK(count(w.db, "SELECT COUNT(*) FROM access_grants WHERE tenant_id = 'kes-orenburg' AND scope = 'point'") == 1);
    for (const char* table : {"users", "contracts", "accounts", "metering_points", "meters", "readings"})
        CHECK(count(w.db, std::string("SELECT COUNT(*) FROM ") + table + " WHERE tenant_id = 'sigma'") == 0);
}

TEST_CASE("a malformed demo.lua is refused naming the file and the key", "[demo][roster]") {
    std::string broken = kRoster;
    const std::string needle = "meter = demo.meter(\"ce102\", { smart = false }) }";
    broken.replace(broken.find(needle), needle.size(), "meter = { model = 'x', load = 'river' } }");
    World w(tenantsWith(broken));
    DemoSeeder seeder(w.db, w.tenants, *w.identity);
    DemoOptions o;
    o.years = 1;
    o.consumersPerTenant = 1;
    CHECK_THROWS_WITH(seeder.seed(o), Catch::Contains("kes-orenburg/demo.lua") && Catch::Contains("load") && Catch::Contains("river"));
}

TEST_CASE("demo outages need the outages module and a well-formed declaration", "[demo][roster][outages]") {
    const std::string outage = R"(outages = { { kind = "planned", reason = "Ремонт", start = { day = 1, at = "09:00" }, hours = 2,
    addresses = { { street = "ул. Первая" } } } },
  generic_meter =)";
    std::string roster = kRoster;
    roster.replace(roster.find("generic_meter ="), std::string("generic_meter =").size(), outage);
    {
        World w(tenantsWith(roster));
        DemoSeeder seeder(w.db, w.tenants, *w.identity);
        DemoOptions o;
        o.years = 1;
        o.consumersPerTenant = 1;
        CHECK_THROWS_WITH(seeder.seed(o), Catch::Contains("kes-orenburg/demo.lua: outages") && Catch::Contains("no outages module"));
    }
    std::string bad = roster;
    bad.replace(bad.find("kind = \"planned\""), std::string("kind = \"planned\"").size(), "kind = \"soon\"");
    World w(tenantsWith(bad));
    DemoSeeder seeder(w.db, w.tenants, *w.identity);
    DemoOptions o;
    o.years = 1;
    o.consumersPerTenant = 1;
    CHECK_THROWS_WITH(seeder.seed(o), Catch::Contains("outages[1].kind"));
}
