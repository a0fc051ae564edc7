// Storage on the backend of this run (KABINET_TEST_BACKEND): migrations, transactions, error mapping,
// and the tenants as recorded at start-up.
#include <catch2/catch.hpp>

#include "TestContext.h"
#include "storage/AfterCommit.h"
#include "storage/Database.h"
#include "storage/FetchedRows.h"
#include "storage/Migrations.h"
#include "tenants/TenantRegistry.h"
#include "util/Error.h"

#include <filesystem>
#include <fstream>

using namespace kabinet;

TEST_CASE("migrations apply once, in order, and are recorded", "[storage]") {
    test::FreshDatabase fresh;
    Database db(fresh.url(), 2);
    CHECK(db.backendName() == test::backend());
    Migrator m(db);
    CHECK(m.current() == 0);
    CHECK(m.migrate() == Migrator::latestKnown());
    CHECK(m.current() == Migrator::latestKnown());
    CHECK(m.migrate() == 0); // idempotent
    int rows = 0;
    db.read([&](soci::session& s) { s << "SELECT COUNT(*) FROM schema_version", soci::into(rows); });
    CHECK(rows == Migrator::latestKnown());
}

TEST_CASE("a database newer than the binary is refused", "[storage]") {
    test::FreshDatabase fresh;
    Database db(fresh.url(), 1);
    Migrator m(db);
    m.migrate();
    db.transaction([](soci::session& s) {
        s << "INSERT INTO schema_version (version, name, applied_at) VALUES (9999, 'future', '2030-01-01T00:00:00Z')";
    });
    CHECK_THROWS_WITH(m.migrate(), Catch::Contains("newer than this kabinetd") && Catch::Contains("9999"));
}

TEST_CASE("a transaction that throws leaves nothing behind; a unique violation maps to 409", "[storage]") {
    test::FreshDatabase fresh;
    Database db(fresh.url(), 2);
    Migrator(db).migrate();
    auto insert = [](soci::session& s, const std::string& id) {
        s << "INSERT INTO tenants (tenant_id, name, short_name, status, first_seen_at, loaded_at) "
             "VALUES (:id, 'n', 's', 'active', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
            soci::use(id);
    };
    CHECK_THROWS_AS(db.transaction([&](soci::session& s) {
                        insert(s, "a");
                        insert(s, "b");
                        throw std::runtime_error("stop half-way");
                    }),
                    std::runtime_error);
    int n = -1;
    db.read([&](soci::session& s) { s << "SELECT COUNT(*) FROM tenants", soci::into(n); });
    CHECK(n == 0);
    db.transaction([&](soci::session& s) { insert(s, "a"); });
    try {
        db.transaction([&](soci::session& s) {
            insert(s, "b");
            insert(s, "a");
        });
        FAIL("duplicate key accepted");
    } catch (const Error& e) {
        CHECK(e.status() == 409);
    }
    db.read([&](soci::session& s) { s << "SELECT COUNT(*) FROM tenants", soci::into(n); });
    CHECK(n == 1); // "b" rolled back with the failed duplicate
}

TEST_CASE("a statement prepared on a closed connection does not break a transaction on the next one", "[storage]") {
    // New connections are often opened at the address a closed one freed; the statements remembered for the
    // old connection must not be taken for the new one's (the error would abort the transaction around it).
    test::FreshDatabase fresh;
    { Database db(fresh.url(), 1); Migrator(db).migrate(); }
    for (int round = 0; round < 12; ++round) {
        Database db(fresh.url(), 1);
        db.transaction([&](soci::session& s) {
            s << "INSERT INTO tenants (tenant_id, name, short_name, status, first_seen_at, loaded_at) "
                 "VALUES (:id, 'n', 's', 'active', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')",
                soci::use("t" + std::to_string(round));
            auto rows = FetchedRows::fetch(s, "SELECT COUNT(*) FROM tenants WHERE status = ?", {std::string("active")});
            REQUIRE(rows.size() == 1);
            CHECK(rows.integer(0, 0) == round + 1);
        });
    }
    int n = 0;
    Database db(fresh.url(), 1);
    db.read([&](soci::session& s) { s << "SELECT COUNT(*) FROM tenants", soci::into(n); });
    CHECK(n == 12); // every round's insert committed
}

TEST_CASE("work registered after commit runs once the transaction commits, never after a rollback", "[storage]") {
    test::FreshDatabase fresh;
    Database db(fresh.url(), 1);
    Migrator(db).migrate();
    std::vector<std::string> ran;
    db.transaction([&](soci::session& s) {
        afterCommit([&] { ran.push_back("committed"); });
        int n = 0;
        s << "SELECT COUNT(*) FROM tenants", soci::into(n);
        CHECK(ran.empty()); // not before the commit
    });
    CHECK(ran == std::vector<std::string>{"committed"});
    CHECK_THROWS(db.transaction([&](soci::session&) {
        afterCommit([&] { ran.push_back("rolled back"); });
        throw std::runtime_error("stop");
    }));
    db.transaction([](soci::session&) {}); // nothing left over from the rolled-back one
    CHECK(ran == std::vector<std::string>{"committed"});
    afterCommit([&] { ran.push_back("outside"); }); // no transaction: at once
    CHECK(ran.back() == "outside");
}

TEST_CASE("tenants are recorded as loaded, failures with their error", "[storage][tenants]") {
    test::FreshDatabase fresh;
    Database db(fresh.url(), 2);
    Migrator(db).migrate();
    const std::string dir = test::tempDir("tenants");
    // The five seed tenants plus one with a syntax error.
    for (const char* id : {"kes-orenburg", "sigma", "voek", "vges", "oes360"}) {
        std::string cmd = "cp -r '" + test::sourceDir() + "/tenants/" + id + "' '" + dir + "/'";
        REQUIRE(std::system(cmd.c_str()) == 0);
    }
    std::filesystem::create_directories(dir + "/broken");
    std::ofstream(dir + "/broken/tenant.lua") << "return {\n  id = 'broken',\n  name = 'Сломанная' +\n}\n";
    TenantRegistry reg(dir, test::sourceDir() + "/scripts", LuaLimits{});
    CHECK(reg.ids() == std::vector<std::string>{"kes-orenburg", "oes360", "sigma", "vges", "voek"});
    REQUIRE(reg.failures().size() == 1);
    CHECK_THAT(reg.failures()[0].error, Catch::Contains("broken/tenant.lua:4"));
    reg.persist(db);
    reg.persist(db); // a restart updates, never duplicates
    int active = 0, failed = 0, hosts = 0;
    std::string error;
    db.read([&](soci::session& s) {
        s << "SELECT COUNT(*) FROM tenants WHERE status = 'active'", soci::into(active);
        s << "SELECT COUNT(*) FROM tenants WHERE status = 'failed'", soci::into(failed);
        s << "SELECT error FROM tenants WHERE tenant_id = 'broken'", soci::into(error);
        s << "SELECT COUNT(*) FROM tenant_hosts WHERE tenant_id = 'voek'", soci::into(hosts);
    });
    CHECK(active == 5);
    CHECK(failed == 1);
    CHECK_THAT(error, Catch::Contains("tenant.lua:4"));
    CHECK(hosts >= 1);
}
