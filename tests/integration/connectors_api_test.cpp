// The operators' view of connectors through a running kabinetd with its sync worker (the fake connector plugins
// and the fixture tenant conntest): jobs run in the background, errors and their back-off show on
// GET operator/connectors, the log and the devices answer, «Синхронизировать сейчас» and its refusals. Every
// answer is shape-checked against the routes' declarations.
#include "KabinetdProcess.h"
#include "JsonText.h"
#include "TestContext.h"
#include "util/Crypto.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <thread>

using namespace kabinet;
using test::KabinetdProcess;

namespace {

using Obj = Poco::JSON::Object::Ptr;
using test::obj;

std::string fixtureTenants() {
    static const std::string dir = [] {
        const std::string d = test::tempDir("connector-api-tenants");
        std::filesystem::copy(test::sourceDir() + "/tests/fixtures/tenants-connectors", d, std::filesystem::copy_options::recursive);
        return d;
    }();
    return dir;
}

/// A tenant administrator of the fixture tenant: its Cookie and CSRF headers.
std::map<std::string, std::string> staff(KabinetdProcess& s, const std::string& dbUrl) {
    std::string out;
    REQUIRE(test::runProgram({test::binaryDir() + "/core/kabinet", "users", "create-admin", "--tenant", "conntest", "--email",
                              "admin@conntest.example", "--database", dbUrl, "--tenants", fixtureTenants(), "--scripts",
                              test::sourceDir() + "/scripts"},
                             out, {{"KABINET_ADMIN_PASSWORD", "Admin-Password-9"}}) == 0);
    auto r = s.request("POST", "/t/conntest/api/v1/session", R"({"login":"admin@conntest.example","password":"Admin-Password-9"})");
    REQUIRE(r.status == 200);
    const std::string cookie = r.headers["Set-Cookie"];
    return {{"Cookie", cookie.substr(0, cookie.find(';'))}, {"X-CSRF-Token", obj(r.body)->getValue<std::string>("csrf")}};
}

Obj job(const Obj& list, const std::string& connector) {
    for (const auto& v : *list->getArray("items")) {
        auto c = v.extract<Obj>();
        if (c->getValue<std::string>("id") == connector && c->getArray("jobs")->size() > 0) return c->getArray("jobs")->getObject(0);
    }
    return nullptr;
}

} // namespace

TEST_CASE("connectors API: background syncs, errors with back-off, log, devices, sync now", "[connectors]") {
    test::FreshDatabase db;
    const std::string keyFile = test::tempDir("connector-key") + "/secret.key";
    std::ofstream(keyFile, std::ios::binary) << crypto::randomBytes(32);
    KabinetdProcess s(db.url(), {"--tenants", fixtureTenants(), "--plugins", test::binaryDir() + "/test-connectors",
                                 "--connector-sessions", "2", "--secret-key-file", keyFile,
                                 "--connectors", R"({"conntest":{"feed":{"endpoint":"http://127.0.0.1:9"},"ghost":{}}})"});
    CHECK_THAT(s.logs(), Catch::Contains("connector not declared by the tenant") && Catch::Contains("ghost"));
    const auto who = staff(s, db.url());
    CHECK(s.request("GET", "/t/conntest/api/v1/operator/connectors").status == 401);

    // The worker runs the due jobs of the tenant accounts: feed succeeds, garbage fails (protocol), hang times out.
    Obj list;
    for (int i = 0; i < 100; ++i) {
        auto r = s.request("GET", "/t/conntest/api/v1/operator/connectors", "", who);
        REQUIRE(r.status == 200);
        list = obj(r.body);
        auto g = job(list, "garbage"), h = job(list, "hang"), f = job(list, "feed");
        if (g && h && f && g->getValue<int>("attempts") > 0 && h->getValue<int>("attempts") > 0 && !f->isNull("last_ok")) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::map<std::string, Obj> byId;
    for (const auto& v : *list->getArray("items")) byId[v.extract<Obj>()->getValue<std::string>("id")] = v.extract<Obj>();
    REQUIRE(byId.size() == 6);
    CHECK(byId["feed"]->getValue<std::string>("state") == "ready");
    CHECK(byId["missing"]->getValue<std::string>("state") == "plugin_missing");
    CHECK(byId["refused"]->getValue<std::string>("state") == "not_configured");
    CHECK(byId["feed"]->getValue<int>("devices") == 3);
    CHECK(byId["feed"]->getValue<int>("unlinked_devices") == 3); // no meters in this database
    auto g = job(list, "garbage");
    REQUIRE(g);
    CHECK(g->getValue<std::string>("last_error_kind") == "protocol");
    CHECK(g->getValue<int>("attempts") == 1);
    CHECK(g->getValue<long long>("next_run") == g->getValue<long long>("last_run") + 60); // back-off: a minute first
    CHECK(g->isNull("last_ok"));
    auto h = job(list, "hang");
    REQUIRE(h);
    CHECK(h->getValue<std::string>("last_error_kind") == "timeout");
    auto f = job(list, "feed");
    REQUIRE(f);
    CHECK(f->getValue<int>("attempts") == 0);
    CHECK(f->getValue<std::string>("account") == "tenant");
    CHECK(f->getValue<std::string>("task") == "data");
    CHECK(f->getValue<std::string>("task_label") == "Данные платформы"); // staff read the tenant's name of the task

    auto log = s.request("GET", "/t/conntest/api/v1/operator/connectors/garbage/log", "", who);
    REQUIRE(log.status == 200);
    auto row = obj(log.body)->getArray("items")->getObject(0);
    CHECK(row->getValue<std::string>("outcome") == "error");
    CHECK(row->getValue<std::string>("task_label") == "Данные платформы");
    // two malformed JSON records, an unknown kind, a row without a device (D1 has no meter here: its rows are dropped)
    CHECK(row->getValue<int>("problems") == 4);
    CHECK_THAT(row->getValue<std::string>("message"), Catch::Contains("ZZZ"));
    CHECK(s.request("GET", "/t/conntest/api/v1/operator/connectors/garbage/log?limit=0", "", who).status == 422);
    CHECK(s.request("GET", "/t/conntest/api/v1/operator/connectors/nothing/log", "", who).status == 404);

    auto devices = s.request("GET", "/t/conntest/api/v1/operator/connectors/feed/devices", "", who);
    REQUIRE(devices.status == 200);
    auto d1 = obj(devices.body)->getArray("items")->getObject(0);
    CHECK(d1->getValue<std::string>("key") == "D1");
    CHECK(d1->getValue<std::string>("serial") == "FEED-001");
    CHECK(d1->getValue<int>("battery") == 95);
    CHECK(d1->isNull("meter_serial"));

    auto now = s.request("POST", "/t/conntest/api/v1/operator/connectors/feed/sync", "{}", who);
    CHECK(now.status == 202);
    CHECK(obj(now.body)->getValue<std::string>("message") == "Обмен данными «Тестовая платформа» запущен");
    CHECK(s.request("POST", "/t/conntest/api/v1/operator/connectors/missing/sync", "{}", who).status == 503);
    CHECK(s.request("POST", "/t/conntest/api/v1/operator/connectors/nothing/sync", "{}", who).status == 404);
    // The sync asked for runs at once: a second log row.
    bool again = false;
    for (int i = 0; i < 50 && !again; ++i) {
        again = obj(s.request("GET", "/t/conntest/api/v1/operator/connectors/feed/log", "", who).body)->getArray("items")->size() >= 2;
        if (!again) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    CHECK(again);
    CHECK(s.terminate() == 0); // the worker stops although a hanging plugin thread is still asleep
}

TEST_CASE("connectors: without --secret-key-file the key is made in the data dir with mode 0600", "[connectors]") {
    test::FreshDatabase db;
    KabinetdProcess s(db.url());
    struct stat st {};
    REQUIRE(::stat((s.dataDir() + "/secret.key").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(st.st_size == 32);
    test::FreshDatabase db2;
    const std::string bad = test::tempDir("connector-badkey") + "/short.key";
    std::ofstream(bad) << "short";
    // A key file that is not 32 bytes stops the start with a configuration error naming it.
    KabinetdProcess refused(db2.url(), {"--secret-key-file", bad});
    CHECK_FALSE(refused.running());
    CHECK_THAT(refused.logs(), Catch::Contains("secret-key-file") && Catch::Contains("exactly 32 bytes"));
}
