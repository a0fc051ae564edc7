// Tenant placement: with --tenant-databases two tenants keep their data in databases of their own (the same
// schema, migrated at start), the main database holds neither's, requests of each tenant read and write its
// own database, and the background workers (the outbox here) deliver for both. On PostgreSQL the three are
// databases of the test server; on SQLite three files.
#include <catch2/catch.hpp>

#include "KabinetdProcess.h"
#include "TenantClient.h"
#include "TestContext.h"
#include "storage/Database.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>

#include <chrono>
#include <map>
#include <thread>
#include <vector>

using namespace kabinet;

namespace {

int count(const std::string& url, const std::string& sql) {
    Database db(url, 1);
    int n = -1;
    db.read([&](soci::session& s) { s << sql, soci::into(n); });
    return n;
}

/// The tables of a database that have a tenant_id column (on PostgreSQL partitions included).
std::vector<std::string> tenantTables(const std::string& url) {
    Database db(url, 1);
    std::vector<std::string> out;
    db.read([&](soci::session& s) {
        if (test::backend() == "postgresql") {
            soci::rowset<std::string> rs = (s.prepare << "SELECT table_name FROM information_schema.columns WHERE column_name = 'tenant_id' "
                                                         "AND table_schema = current_schema() ORDER BY table_name");
            for (const auto& t : rs) out.push_back(t);
        } else {
            std::vector<std::string> tables;
            soci::rowset<std::string> rs = (s.prepare << "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
            for (const auto& t : rs) tables.push_back(t);
            for (const auto& t : tables) {
                int has = 0;
                s << "SELECT COUNT(*) FROM pragma_table_info('" + t + "') WHERE name = 'tenant_id'", soci::into(has);
                if (has) out.push_back(t);
            }
        }
    });
    REQUIRE(out.size() > 20);
    return out;
}

int mails(const std::string& dir) {
    int n = 0;
    if (!Poco::File(dir).exists()) return 0;
    for (Poco::DirectoryIterator it(dir), end; it != end; ++it)
        if (it.path().getExtension() == "eml") ++n;
    return n;
}

} // namespace

TEST_CASE("two tenants in databases of their own: data lands only there and the workers serve both", "[placement]") {
    test::FreshDatabase main, vges, voek;
    const std::string placed = R"({"vges": ")" + vges.url() + R"(", "voek": ")" + voek.url() + R"("})";
    test::KabinetdProcess server(main.url(), {"--tenant-databases", placed});

    // Every database got the schema and the tenants' records at start.
    for (const auto* url : {&main.url(), &vges.url(), &voek.url()}) {
        CHECK(count(*url, "SELECT COUNT(*) FROM schema_version") > 0);
        CHECK(count(*url, "SELECT COUNT(*) FROM tenants WHERE tenant_id IN ('vges', 'voek')") == 2);
    }

    // An administrator of each tenant (the CLI writes to the tenant's database) logs in over HTTP.
    auto vgesAdmin = test::adminSession(server, vges.url(), "vges");
    auto voekAdmin = test::adminSession(server, voek.url(), "voek");
    CHECK(server.request("GET", "/t/vges/api/v1/me", "", vgesAdmin).status == 200);
    CHECK(server.request("GET", "/t/voek/api/v1/me", "", voekAdmin).status == 200);
    // A session of one tenant means nothing to the other.
    CHECK(server.request("GET", "/t/voek/api/v1/me", "", vgesAdmin).status == 401);

    // The sessions the server wrote are in each tenant's own database, none in the other or the main one.
    CHECK(count(vges.url(), "SELECT COUNT(*) FROM sessions WHERE tenant_id = 'vges'") == 1);
    CHECK(count(voek.url(), "SELECT COUNT(*) FROM sessions WHERE tenant_id = 'voek'") == 1);
    CHECK(count(vges.url(), "SELECT COUNT(*) FROM sessions WHERE tenant_id <> 'vges'") == 0);
    CHECK(count(voek.url(), "SELECT COUNT(*) FROM sessions WHERE tenant_id <> 'voek'") == 0);
    CHECK(count(main.url(), "SELECT COUNT(*) FROM sessions") == 0);
    CHECK(count(main.url(), "SELECT COUNT(*) FROM users") == 0);

    // A mail of each tenant: queued in its database by the request, delivered by the one outbox worker.
    for (const auto& [tenant, session] : {std::pair{std::string("vges"), vgesAdmin}, std::pair{std::string("voek"), voekAdmin}}) {
        const std::string me = server.request("GET", "/t/" + tenant + "/api/v1/me", "", session).body;
        const auto at = me.find("\"email\":\"");
        REQUIRE(at != std::string::npos);
        const std::string email = me.substr(at + 9, me.find('"', at + 9) - at - 9);
        CHECK(server.request("POST", "/t/" + tenant + "/api/v1/password/reset", R"({"email":")" + email + R"("})").status == 202);
    }
    const std::string mailDir = server.dataDir() + "/mail";
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    auto sent = [&](const std::string& url, const std::string& tenant) {
        return count(url, "SELECT COUNT(*) FROM outbox WHERE tenant_id = '" + tenant + "' AND state = 'sent'");
    };
    while ((sent(vges.url(), "vges") < 1 || sent(voek.url(), "voek") < 1) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK(sent(vges.url(), "vges") == 1);
    CHECK(sent(voek.url(), "voek") == 1);
    CHECK(count(main.url(), "SELECT COUNT(*) FROM outbox") == 0);
    CHECK(mails(mailDir) == 2);
    // A safety net for code that forgets its TenantScope: after the requests and the workers' passes above, no
    // table of the main database holds a row of either placed tenant (but the tenants' records, kept everywhere).
    for (const auto& table : tenantTables(main.url())) {
        if (table == "tenants" || table == "tenant_hosts") continue;
        INFO(table);
        CHECK(count(main.url(), "SELECT COUNT(*) FROM " + table + " WHERE tenant_id IN ('vges', 'voek')") == 0);
    }

    // /healthz pings every database and names each placed one by its tenants, never by its URL.
    auto health = server.request("GET", "/healthz");
    CHECK(health.status == 200);
    CHECK(health.body.find(R"("status":"ok")") != std::string::npos);
    CHECK(health.body.find(R"({"reason")") == std::string::npos);
    // Both placed databases, in the order of their URLs (random file and database names here).
    const std::string vgesDb = R"({"status":"ok","tenants":["vges"]})", voekDb = R"({"status":"ok","tenants":["voek"]})";
    CHECK((health.body.find(R"("tenant_databases":[)" + vgesDb + "," + voekDb + "]") != std::string::npos ||
           health.body.find(R"("tenant_databases":[)" + voekDb + "," + vgesDb + "]") != std::string::npos));
    CHECK(health.body.find(vges.url()) == std::string::npos);
    if (test::backend() == "postgresql") {
        // One tenant's database gone: that tenant's requests fail, the other's are served, the server is degraded.
        test::pgAdmin("DROP DATABASE IF EXISTS " + voek.name() + " WITH (FORCE)");
        health = server.request("GET", "/healthz");
        CHECK(health.status == 200);
        CHECK(health.body.find(R"("status":"degraded")") != std::string::npos);
        CHECK(health.body.find(R"({"reason":"database unreachable","status":"unavailable","tenants":["voek"]})") != std::string::npos);
        CHECK(server.request("GET", "/t/vges/api/v1/me", "", vgesAdmin).status == 200);
        CHECK(server.request("GET", "/t/voek/api/v1/me", "", voekAdmin).status == 503);
    }
}

TEST_CASE("a tenant database of another backend than the main one is refused at start", "[placement]") {
    test::FreshDatabase main;
    const std::string other = test::backend() == "postgresql" ? "sqlite:///tmp/kabinet-placement-other.db"
                                                              : "postgresql://kabinet:kabinet@127.0.0.1:1/none";
    std::string out;
    const int rc = test::runProgram({test::binaryDir() + "/core/kabinetd", "--database", main.url(), "--tenant-databases",
                                     R"({"vges": ")" + other + R"("})", "--tenants", test::sourceDir() + "/tenants", "--scripts",
                                     test::sourceDir() + "/scripts", "--data-dir", test::tempDir("placement-refused")},
                                    out);
    CHECK(rc != 0);
    CHECK(out.find("must use the same backend") != std::string::npos);
}

TEST_CASE("kabinet demo seed puts a placed tenant's demo data in its own database, once", "[placement][demo]") {
    test::FreshDatabase main, vges;
    const std::string placed = R"({"vges": ")" + vges.url() + R"("})";
    std::string accounts; // the seed's "tenant<TAB>login<TAB>password<TAB>who" lines
    auto seed = [&] {
        const int rc = test::runProgram({test::binaryDir() + "/core/kabinet", "demo", "seed", "--years", "1", "--database", main.url(),
                                         "--tenant-databases", placed, "--tenants", test::sourceDir() + "/tenants",
                                         "--scripts", test::sourceDir() + "/scripts", "--data-dir", test::tempDir("placement-demo")},
                                        accounts);
        INFO(accounts);
        REQUIRE(rc == 0);
    };
    seed();
    // Every table the seeder writes: vges's rows only in its database, the other tenants' only in the main one.
    const char* tables[] = {"users", "contracts", "accounts", "metering_points", "meters", "access_grants", "readings", "latest_readings",
                            "profile", "meter_events", "outages"};
    std::map<std::string, int> placedRows;
    for (const char* table : tables) {
        INFO(table);
        const std::string t = table;
        placedRows[t] = count(vges.url(), "SELECT COUNT(*) FROM " + t + " WHERE tenant_id = 'vges'");
        CHECK(count(vges.url(), "SELECT COUNT(*) FROM " + t + " WHERE tenant_id <> 'vges'") == 0);
        CHECK(count(main.url(), "SELECT COUNT(*) FROM " + t + " WHERE tenant_id = 'vges'") == 0);
        if (t != "outages") CHECK(count(main.url(), "SELECT COUNT(*) FROM " + t + " WHERE tenant_id = 'voek'") > 0); // voek declares none
    }
    for (const char* table : {"users", "meters", "readings", "latest_readings", "profile", "outages"}) CHECK(placedRows[table] > 0);
    // A second run adds nothing, in either database.
    const int mainUsers = count(main.url(), "SELECT COUNT(*) FROM users"), mainReadings = count(main.url(), "SELECT COUNT(*) FROM readings");
    seed();
    CHECK(count(main.url(), "SELECT COUNT(*) FROM users") == mainUsers);
    CHECK(count(main.url(), "SELECT COUNT(*) FROM readings") == mainReadings);
    for (const char* table : tables) {
        INFO(table);
        CHECK(count(vges.url(), std::string("SELECT COUNT(*) FROM ") + table + " WHERE tenant_id = 'vges'") == placedRows[table]);
    }

    // A server on the seeded pair: a demo consumer of vges logs in and reads their points, the workers make their
    // first passes (digest, case timers, outage notices, polling, connectors); still nothing of vges in any table
    // of the main database (but the tenants' records).
    const auto at = accounts.find("\nvges\t");
    REQUIRE(at != std::string::npos);
    const std::string login = accounts.substr(at + 6, accounts.find('\t', at + 6) - at - 6);
    {
        test::KabinetdProcess server(main.url(), {"--tenant-databases", placed});
        test::TenantClient consumer{server, "vges"};
        REQUIRE(consumer.login(login, "Demo2024pass").status == 200);
        auto points = consumer.call("GET", "points");
        CHECK(points.status == 200);
        CHECK(points.body.find("\"latest\":{") != std::string::npos);
        std::this_thread::sleep_for(std::chrono::seconds(3));
        CHECK(server.terminate(10) == 0);
    }
    for (const auto& table : tenantTables(main.url())) {
        if (table == "tenants" || table == "tenant_hosts") continue;
        INFO(table);
        CHECK(count(main.url(), "SELECT COUNT(*) FROM " + table + " WHERE tenant_id = 'vges'") == 0);
    }
    CHECK(count(vges.url(), "SELECT COUNT(*) FROM sessions WHERE tenant_id = 'vges'") >= 1);
}
