// The connector host (ConnectorHub) with the fake connector plugins of tests/plugins/connector_fake.cpp and the
// fixture tenant tests/fixtures/tenants-connectors/conntest: a sync stores exactly the plugin's rows and a
// second one, from the stored cursor, nothing new; two hubs (two kabinetd instances) never run one account at
// once; errors back off and show, AUTH stops the account until its secret changes; a hanging plugin times out
// and the host goes on; garbage is counted as problems and nothing wrong is stored; a plugin built for a newer
// ABI minor is refused at load; calls map the plugin's failures to 503/422/502.
#include "connectors/ConnectorHub.h"
#include "plugins/PluginHost.h"
#include "storage/Database.h"
#include "tenants/TenantRegistry.h"
#include "util/Crypto.h"
#include "util/Error.h"

#include "SeededDatabase.h"
#include "TestContext.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

using namespace kabinet;

namespace {

constexpr long long kNow = 1764633600; // 2025-12-02 00:00 UTC: the feed's data (2025-12-01) is in the window

std::string tenantsDir() {
    static const std::string dir = [] {
        const std::string d = test::tempDir("connector-tenants");
        std::filesystem::copy(test::sourceDir() + "/tests/fixtures/tenants-connectors", d, std::filesystem::copy_options::recursive);
        return d;
    }();
    return dir;
}

struct World : test::SeededDatabase {
    PluginHost plugins{test::binaryDir() + "/test-connectors"};
    std::string key = crypto::randomBytes(32);

    World() : SeededDatabase(tenantsDir(), 4) {
        db.transaction([](soci::session& s) {
            s << "INSERT INTO metering_points (tenant_id, point_id, name, number) VALUES ('conntest', 'p1', 'Точка 1', '1001')";
            s << "INSERT INTO metering_points (tenant_id, point_id, name, number) VALUES ('conntest', 'p2', 'Точка 2', '1002')";
            s << "INSERT INTO meters (tenant_id, meter_id, point_id, model, serial) VALUES ('conntest', 'm1', 'p1', 'Fake', 'FEED-001')";
            s << "INSERT INTO meters (tenant_id, meter_id, point_id, model, serial) VALUES ('conntest', 'm2', 'p2', 'Fake', 'FEED-002')";
        });
    }
    std::unique_ptr<ConnectorHub> hub(const std::string& owner, const std::string& connectors = "{}") {
        ConnectorHubOptions o;
        o.owner = owner;
        o.connectorsJson = connectors;
        return std::make_unique<ConnectorHub>(db, tenants, plugins, SecretBox(key), o);
    }
    Tenant& tenant() { return *tenants.find("conntest"); }
    long long scalar(const std::string& sql) {
        long long v = 0;
        db.read([&](soci::session& s) { s << sql, soci::into(v); });
        return v;
    }
    std::string text(const std::string& sql) {
        std::string v;
        soci::indicator ind = soci::i_ok;
        db.read([&](soci::session& s) { s << sql, soci::into(v, ind); });
        return ind == soci::i_null ? std::string("NULL") : v;
    }
    void consumer(ConnectorHub& h, const std::string& account, const std::string& token) {
        ConnectorAccount a;
        a.tenantId = "conntest";
        a.connectorId = "feedc";
        a.accountId = account;
        a.kind = "consumer";
        a.title = "Договор " + account;
        a.secretJson = R"({"token":")" + token + R"("})";
        db.transaction([&](soci::session& s) { h.saveAccount(s, a); });
        h.scheduleAccount("conntest", "feedc", account, kNow);
    }
};

} // namespace

TEST_CASE("connectors: declared connectors start or say why not; a newer ABI minor is refused at load", "[connectors]") {
    World w;
    auto hub = w.hub("A");
    std::map<std::string, ConnectorInfo> byId;
    for (auto& c : hub->connectors(w.tenant())) byId[c.id] = c;
    REQUIRE(byId.size() == 6);
    CHECK(byId["feed"].state == "ready");
    CHECK(byId["feed"].label == "Тестовая платформа");
    CHECK(byId["missing"].state == "plugin_missing");
    CHECK(byId["refused"].state == "not_configured");
    CHECK_THAT(byId["refused"].reason, Catch::Contains("refuse"));
    CHECK(byId["feedc"].supplier == std::optional<std::string>("sup"));
    CHECK(hub->supplierInstance(w.tenant(), "sup") != nullptr);
    // The tenant accounts of ready "tenant" connectors exist with their jobs, due at once.
    CHECK(w.scalar("SELECT COUNT(*) FROM connector_jobs WHERE tenant_id = 'conntest' AND connector_id = 'feed' AND account_id = 'tenant'") == 1);
    CHECK(w.scalar("SELECT COUNT(*) FROM connector_accounts WHERE connector_id IN ('missing', 'refused')") == 0);
    try {
        hub->instance(w.tenant(), "missing");
        FAIL("an unloaded plugin has no instance");
    } catch (const Error& e) {
        CHECK(e.status() == 503);
        CHECK(e.code() == "connector_unavailable");
    }
    bool minorRefused = false;
    for (const auto& f : w.plugins.failures())
        if (f.folder == "connector-minor") minorRefused = f.error.find("incompatible ABI version 1.3") != std::string::npos;
    CHECK(minorRefused);
    CHECK(w.plugins.find("connector-minor") == nullptr);
    // A server entry for a tenant must be an object.
    CHECK_THROWS_AS(w.hub("B", R"({"conntest":[1]})"), ConfigError);
}

TEST_CASE("connectors: a sync stores exactly the plugin's rows; a second one from the cursor stores nothing", "[connectors]") {
    World w;
    auto hub = w.hub("A");
    const SyncOutcome first = hub->run(w.tenant(), "feed", "tenant", "data", "{}", kNow);
    INFO(first.error);
    CHECK(first.ok);
    // 4 half-hours × 2 linked devices + 1 reading; D3 (no such meter) dropped and named.
    CHECK(first.storedRows == 9);
    CHECK(first.unknownRows == 4);
    CHECK(first.unknown == std::vector<std::string>{"D3"});
    CHECK(first.problems == 0);
    CHECK(first.cursor == "4");
    CHECK(w.scalar("SELECT COUNT(*) FROM profile WHERE tenant_id = 'conntest' AND meter_id = 'm1'") == 4);
    CHECK(w.scalar("SELECT COUNT(*) FROM profile WHERE tenant_id = 'conntest' AND meter_id = 'm2'") == 4);
    CHECK(w.scalar("SELECT COUNT(*) FROM profile WHERE tenant_id = 'conntest'") == 8);
    CHECK(w.text("SELECT source FROM readings WHERE tenant_id = 'conntest' AND meter_id = 'm1'") == "connector");
    CHECK(w.scalar("SELECT COUNT(*) FROM readings WHERE tenant_id = 'conntest'") == 1);
    CHECK(w.text("SELECT CAST(p_plus AS TEXT) FROM profile WHERE meter_id = 'm2' AND ts = 1764547200 + 3 * 1800").rfind("4.5", 0) == 0);
    // Devices: linked by serial, D3 kept unlinked with what the plugin said of it.
    CHECK(w.text("SELECT meter_id FROM connector_devices WHERE connector_id = 'feed' AND device_key = 'D1'") == "m1");
    CHECK(w.text("SELECT meter_id FROM connector_devices WHERE connector_id = 'feed' AND device_key = 'D3'") == "NULL");
    CHECK_THAT(w.text("SELECT info_json FROM connector_devices WHERE device_key = 'D1'"), Catch::Contains("\"battery\":95"));
    // The job: cursor stored, next run a period later, the log row written.
    CHECK(w.text("SELECT cursor FROM connector_jobs WHERE connector_id = 'feed' AND task = 'data'") == "4");
    CHECK(w.scalar("SELECT next_run FROM connector_jobs WHERE connector_id = 'feed'") == kNow + 1800);
    CHECK(w.scalar("SELECT stored_rows FROM connector_jobs WHERE connector_id = 'feed'") == 9);
    CHECK(w.text("SELECT outcome FROM connector_log WHERE connector_id = 'feed'") == "ok");
    CHECK_THAT(w.text("SELECT message FROM connector_log WHERE connector_id = 'feed'"), Catch::Contains("устройства без прибора учёта: D3 (строк не сохранено: 4)"));

    const SyncOutcome second = hub->run(w.tenant(), "feed", "tenant", "data", "{}", kNow + 1800);
    CHECK(second.ok);
    CHECK(second.storedRows == 0);
    CHECK(w.scalar("SELECT COUNT(*) FROM profile WHERE tenant_id = 'conntest'") == 8);
    CHECK(w.scalar("SELECT COUNT(*) FROM connector_log WHERE connector_id = 'feed'") == 2);
}

TEST_CASE("connectors: two hubs never run one upstream account at once", "[connectors]") {
    World w;
    auto a = w.hub("instance-a");
    auto b = w.hub("instance-b");
    w.consumer(*a, "c1", "slow");
    auto running = std::async(std::launch::async, [&] { return a->run(w.tenant(), "feedc", "c1", "data", "{}", kNow); });
    // Wait until A holds the account's lease.
    for (int i = 0; i < 100 && w.scalar("SELECT lease_until FROM connector_accounts WHERE account_id = 'c1'") == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CHECK(w.text("SELECT lease_owner FROM connector_accounts WHERE account_id = 'c1'") == "instance-a");
    const SyncOutcome busy = b->run(w.tenant(), "feedc", "c1", "data", "{}", kNow);
    CHECK_FALSE(busy.ok);
    CHECK(busy.errorKind == "busy");
    CHECK_FALSE(b->runDue(kNow, {})); // the only due account is leased by A
    const SyncOutcome done = running.get();
    CHECK(done.ok);
    CHECK(done.storedRows == 9);
    CHECK(w.scalar("SELECT COUNT(*) FROM connector_log WHERE account_id = 'c1'") == 1);
    CHECK(w.text("SELECT instance FROM connector_log WHERE account_id = 'c1'") == "instance-a");
    CHECK(w.scalar("SELECT lease_until FROM connector_accounts WHERE account_id = 'c1'") == 0);
}

TEST_CASE("connectors: errors back off and show; AUTH stops the account until its secret changes", "[connectors]") {
    World w;
    auto hub = w.hub("A");
    w.consumer(*hub, "down", "down");
    SyncOutcome o = hub->run(w.tenant(), "feedc", "down", "data", "{}", kNow);
    CHECK_FALSE(o.ok);
    CHECK(o.errorKind == "transport");
    CHECK(w.scalar("SELECT attempts FROM connector_jobs WHERE account_id = 'down'") == 1);
    CHECK(w.scalar("SELECT next_run FROM connector_jobs WHERE account_id = 'down'") == kNow + 60);
    CHECK(w.text("SELECT last_error_kind FROM connector_jobs WHERE account_id = 'down'") == "transport");
    CHECK_THAT(w.text("SELECT last_error FROM connector_jobs WHERE account_id = 'down'"), Catch::Contains("unreachable"));
    o = hub->run(w.tenant(), "feedc", "down", "data", "{}", kNow + 60);
    CHECK(w.scalar("SELECT next_run FROM connector_jobs WHERE account_id = 'down'") == kNow + 60 + 120);
    o = hub->run(w.tenant(), "feedc", "down", "data", "{}", kNow + 180);
    o = hub->run(w.tenant(), "feedc", "down", "data", "{}", kNow + 420);
    o = hub->run(w.tenant(), "feedc", "down", "data", "{}", kNow + 900);
    // 60 · 2^4 = 960 s, capped at the task's period (30 minutes = 1800 s) only later.
    CHECK(w.scalar("SELECT next_run FROM connector_jobs WHERE account_id = 'down'") == kNow + 900 + 960);
    o = hub->run(w.tenant(), "feedc", "down", "data", "{}", kNow + 1860);
    CHECK(w.scalar("SELECT next_run FROM connector_jobs WHERE account_id = 'down'") == kNow + 1860 + 1800);
    CHECK(w.scalar("SELECT attempts FROM connector_jobs WHERE account_id = 'down'") == 6);

    w.consumer(*hub, "bad", "bad");
    o = hub->run(w.tenant(), "feedc", "bad", "data", "{}", kNow);
    CHECK(o.errorKind == "auth");
    CHECK(w.scalar("SELECT auth_failed FROM connector_accounts WHERE account_id = 'bad'") == 1);
    // Its jobs are not due for the worker any more, however late it is.
    hub->runDue(kNow + 10 * 86400, {});
    CHECK(w.scalar("SELECT COUNT(*) FROM connector_log WHERE account_id = 'bad'") == 1);
    // A new secret lifts the stop; the next sync works.
    w.consumer(*hub, "bad", "good");
    CHECK(w.scalar("SELECT auth_failed FROM connector_accounts WHERE account_id = 'bad'") == 0);
    o = hub->run(w.tenant(), "feedc", "bad", "data", "{}", kNow + 60);
    CHECK(o.ok);
    CHECK(w.scalar("SELECT attempts FROM connector_jobs WHERE account_id = 'bad'") == 0);
    // The secret is sealed at rest and opens again.
    CHECK(w.text("SELECT secret FROM connector_accounts WHERE account_id = 'bad'").rfind("v1.", 0) == 0);
    CHECK(w.text("SELECT secret FROM connector_accounts WHERE account_id = 'bad'").find("good") == std::string::npos);
    std::optional<ConnectorAccount> acc;
    w.db.read([&](soci::session& s) { acc = hub->account(s, "conntest", "feedc", "bad"); });
    REQUIRE(acc);
    CHECK(acc->secretJson == R"({"token":"good"})");
}

TEST_CASE("connectors: a hanging sync times out, its instance is replaced and the host goes on", "[connectors]") {
    World w;
    auto hub = w.hub("A");
    const auto started = std::chrono::steady_clock::now();
    const SyncOutcome o = hub->run(w.tenant(), "hang", "tenant", "data", "{}", kNow);
    const auto took = std::chrono::steady_clock::now() - started;
    CHECK_FALSE(o.ok);
    CHECK(o.errorKind == "timeout");
    CHECK(took < std::chrono::seconds(10));
    CHECK(w.text("SELECT last_error_kind FROM connector_jobs WHERE connector_id = 'hang'") == "timeout");
    CHECK(w.scalar("SELECT lease_until FROM connector_accounts WHERE connector_id = 'hang'") == 0);
    CHECK(hub->connector(w.tenant(), "hang")->state == "ready"); // a fresh instance
    // The host goes on: another connector syncs.
    CHECK(hub->run(w.tenant(), "feed", "tenant", "data", "{}", kNow).ok);
}

TEST_CASE("connectors: garbage records are problems, nothing wrong is stored, the error is kept", "[connectors]") {
    World w;
    auto hub = w.hub("A");
    const SyncOutcome o = hub->run(w.tenant(), "garbage", "tenant", "data", "{}", kNow);
    CHECK_FALSE(o.ok);
    CHECK(o.errorKind == "protocol");
    // malformed JSON, unknown kind, negative power, text for a number, NaN token, a row without a device
    CHECK(o.problems == 6);
    CHECK(o.unknown == std::vector<std::string>{"ZZZ"});
    CHECK(o.storedRows == 0);
    CHECK(w.scalar("SELECT COUNT(*) FROM profile") == 0);
    CHECK(w.text("SELECT cursor FROM connector_jobs WHERE connector_id = 'garbage'") == "g1"); // reported before the failure
    CHECK(w.text("SELECT last_error_kind FROM connector_jobs WHERE connector_id = 'garbage'") == "protocol");
    CHECK(w.scalar("SELECT problems FROM connector_log WHERE connector_id = 'garbage'") == 6);
}

TEST_CASE("connectors: calls carry the account and map failures", "[connectors]") {
    World w;
    auto hub = w.hub("A");
    w.consumer(*hub, "c1", "tok-1");
    const std::string echoed = hub->call(w.tenant(), "feedc", "c1", "echo", R"({"x":1})");
    CHECK_THAT(echoed, Catch::Contains("\"token\":\"tok-1\"") && Catch::Contains("\"x\":1") && Catch::Contains("\"id\":\"c1\""));
    auto status = [&](const std::string& op) {
        try {
            hub->call(w.tenant(), "feedc", "", op, "{}");
        } catch (const Error& e) {
            return e.status();
        }
        return 200;
    };
    CHECK(status("reject") == 422);
    CHECK(status("down") == 503);
    CHECK(status("unknown-op") == 502);
    CHECK(status("echo") == 200);
}
