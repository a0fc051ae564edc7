// Lazy tenants: a tenant runs no Lua after its check until first use, its Lua states are closed when idle
// and opened again on demand, first use is loaded once however many threads ask, and a restart with
// unchanged files starts from the cached summaries while a broken tenant is still reported at every start.
#include <catch2/catch.hpp>

#include "TestContext.h"
#include "lua/LuaJson.h"
#include "util/Files.h"
#include "tenants/TenantRegistry.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

using namespace kabinet;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {
std::string readText(const fs::path& p) {
    std::string text;
    REQUIRE(readFile(p.string(), text));
    return text;
}

/// Copies the seed tenant `seed` into root/id, renaming it (id and host) when id differs.
void copyTenant(const fs::path& root, const std::string& seed, const std::string& id) {
    fs::create_directories(root / id);
    std::string text = readText(test::sourceDir() + "/tenants/" + seed + "/tenant.lua");
    auto replace = [&](const std::string& from, const std::string& to) {
        const auto at = text.find(from);
        REQUIRE(at != std::string::npos);
        text.replace(at, from.size(), to);
    };
    if (id != seed) {
        replace("id = \"" + seed + "\"", "id = \"" + id + "\"");
        replace("\"" + seed + ".kabinet.localhost\"", "\"" + id + ".kabinet.localhost\"");
    }
    std::ofstream(root / id / "tenant.lua") << text;
    for (const auto& e : fs::directory_iterator(test::sourceDir() + "/tenants/" + seed))
        if (e.path().filename() != "tenant.lua") fs::copy(e.path(), root / id / e.path().filename(), fs::copy_options::recursive);
}

/// Every JSON value of a summary, as text.
std::string values(const TenantSummary& s) {
    std::string out;
    for (const auto* v : {&s.polling, &s.connectors, &s.branding, &s.caseKinds, &s.caseGroups, &s.caseRegisters, &s.notifications})
        out += luajson::stringify(*v) + "\n";
    return out + luajson::stringify(Poco::Dynamic::Var(s.settings));
}

const std::string& scripts() {
    static const std::string s = test::sourceDir() + "/scripts";
    return s;
}
} // namespace

TEST_CASE("a tenant runs no Lua until first use; idle states are closed and opened again", "[tenants][lua]") {
    const fs::path dir = test::tempDir("tenant-lazy");
    copyTenant(dir, "sigma", "sigma");
    copyTenant(dir, "voek", "voek");
    TenantRegistry reg(dir.string(), scripts(), LuaLimits{});
    REQUIRE(reg.failures().empty());
    REQUIRE(reg.ids() == std::vector<std::string>{"sigma", "voek"});
    auto sigma = reg.find("sigma");
    // What start needs is there without a Lua state: names, hosts, time zone, module settings, polling rules.
    CHECK(reg.openStates() == 0);
    CHECK_FALSE(sigma->answersLoaded());
    CHECK(sigma->shortName() == "ООО «СИГМА»");
    CHECK(reg.findByHost("SIGMA.kabinet.localhost:8080") == sigma);
    CHECK(sigma->moduleSettings("manual_readings")->getValue<std::string>("approval") == "operator");
    CHECK(sigma->polling().type() == typeid(Poco::JSON::Object::Ptr));
    CHECK(reg.openStates() == 0);

    // First use computes the answers on a new state, which stays pooled.
    CHECK_THAT(sigma->registrationFormJson(), Catch::Contains("licence"));
    CHECK(sigma->answersLoaded());
    CHECK(sigma->consentIds().count("licence") == 1);
    CHECK(sigma->openStates() == 1);
    CHECK(reg.find("voek")->openStates() == 0); // the other tenant is untouched

    // Idle release: a recently used state stays, an idle one is closed; the answers are kept.
    CHECK(reg.releaseIdle(1h) == 0);
    CHECK(sigma->openStates() == 1);
    std::this_thread::sleep_for(20ms);
    CHECK(reg.releaseIdle(10ms) == 1);
    CHECK(reg.openStates() == 0);
    CHECK_THAT(sigma->profileJson(), Catch::Contains("\"id\":\"sigma\""));
    CHECK(reg.openStates() == 0);

    // Reload: the next call that needs Lua opens a state again and answers as before.
    CHECK(sigma->message("registration_failed", "-").rfind("Не удалось создать учетную запись", 0) == 0);
    CHECK(sigma->openStates() == 1);
    const auto errors = sigma->validateRegistration("consumer", Poco::Dynamic::Var(Poco::JSON::Object::Ptr(new Poco::JSON::Object)));
    CHECK_FALSE(errors.empty());
    CHECK(sigma->openStates() == 1);
}

TEST_CASE("first use from many threads at once loads the answers once, on the tenant's own lock", "[tenants][lua]") {
    const fs::path dir = test::tempDir("tenant-lazy-threads");
    copyTenant(dir, "voek", "voek");
    copyTenant(dir, "sigma", "sigma");
    TenantRegistry reg(dir.string(), scripts(), LuaLimits{});
    auto voek = reg.find("voek");
    auto sigma = reg.find("sigma");
    std::vector<std::string> seen(8);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < seen.size(); ++i)
        threads.emplace_back([&, i] {
            // Half the threads load voek, half sigma; sigma's load never waits for voek's.
            seen[i] = (i % 2 ? sigma : voek)->profileJson();
            (i % 2 ? sigma : voek)->message("required", "");
        });
    for (auto& t : threads) t.join();
    for (std::size_t i = 0; i < seen.size(); ++i) CHECK(seen[i] == (i % 2 ? sigma : voek)->profileJson());
    CHECK(&voek->profileJson() == &voek->profileJson()); // one copy, kept
    CHECK(voek->openStates() >= 1);
    CHECK(voek->openStates() <= 4);
}

TEST_CASE("copies share equal summaries; a restart starts unchanged tenants from the cache, broken ones are reported again",
          "[tenants][lua]") {
    const fs::path dir = test::tempDir("tenant-cache");
    const fs::path tenants = dir / "tenants";
    copyTenant(tenants, "sigma", "a-sigma");
    copyTenant(tenants, "sigma", "b-sigma");
    copyTenant(tenants, "voek", "voek");
    const std::string cacheFile = (dir / "tenants.cache").string();
    TenantRegistryOptions options;
    options.cacheFile = cacheFile;

    std::string sigmaSettings, voekPolling, voekValues;
    {
        TenantRegistry first(tenants.string(), scripts(), LuaLimits{}, options);
        REQUIRE(first.failures().empty());
        CHECK(first.fromCache() == 0);
        auto a = first.find("a-sigma"), b = first.find("b-sigma");
        CHECK(a->hosts() == std::vector<std::string>{"a-sigma.kabinet.localhost"});
        CHECK(a->summary().settings.get() == b->summary().settings.get()); // equal values, one copy
        sigmaSettings = luajson::stringify(a->summary().settings);
        voekPolling = luajson::stringify(first.find("voek")->polling());
        voekValues = values(first.find("voek")->summary());
        CHECK_THAT(voekValues, Catch::Contains("\"kinds\"")); // its kinds of cases and notifications are there
        CHECK(a->summary().notifications.extract<Poco::JSON::Object::Ptr>().get() ==
              b->summary().notifications.extract<Poco::JSON::Object::Ptr>().get());
    }
    REQUIRE(fs::exists(cacheFile));

    {
        TenantRegistry again(tenants.string(), scripts(), LuaLimits{}, options);
        REQUIRE(again.failures().empty());
        CHECK(again.fromCache() == 3);
        auto a = again.find("a-sigma");
        CHECK(a->shortName() == "ООО «СИГМА»");
        CHECK(again.findByHost("b-sigma.kabinet.localhost") == again.find("b-sigma"));
        CHECK(a->utcOffset() == 3 * 3600);
        CHECK(luajson::stringify(a->summary().settings) == sigmaSettings);
        CHECK(luajson::stringify(again.find("voek")->polling()) == voekPolling);
        CHECK(values(again.find("voek")->summary()) == voekValues);
        // The file holds each shared value once, and the copies read it back as one value.
        CHECK(again.find("b-sigma")->summary().notifications.extract<Poco::JSON::Object::Ptr>().get() ==
              a->summary().notifications.extract<Poco::JSON::Object::Ptr>().get());
        CHECK(a->moduleSettings("manual_readings")->getValue<double>("max_daily_kwh") == 2000);
        CHECK(again.openStates() == 0);
        // A tenant from the cache is checked in Lua on first use.
        CHECK_THAT(a->registrationFormJson(), Catch::Contains("licence"));
        CHECK(a->openStates() == 1);
    }

    // A tenant whose files change is checked again: a broken one is reported, start after start.
    {
        std::ofstream(tenants / "voek" / "tenant.lua", std::ios::app) << "\nthis is not lua\n";
    }
    for (int start = 0; start < 2; ++start) {
        TenantRegistry broken(tenants.string(), scripts(), LuaLimits{}, options);
        CHECK(broken.fromCache() == 2);
        CHECK(broken.ids() == std::vector<std::string>{"a-sigma", "b-sigma"});
        REQUIRE(broken.failures().size() == 1);
        CHECK(broken.failures()[0].id == "voek");
        CHECK_THAT(broken.failures()[0].error, Catch::Contains("voek/tenant.lua:"));
    }

    // Another shared library (or version, or limits) makes the whole cache stale.
    TenantRegistry tighter(tenants.string(), scripts(), LuaLimits{16u << 20, 50'000'000ull}, options);
    CHECK(tighter.fromCache() == 0);
    CHECK(tighter.ids().size() == 2);
}

TEST_CASE("a pass over many tenants leaves no state open for each: the process pools a bounded number", "[tenants][lua]") {
    const fs::path dir = test::tempDir("tenant-pool");
    for (const char* id : {"pool-a", "pool-b", "pool-c"}) copyTenant(dir, "sigma", id);
    TenantRegistry reg(dir.string(), scripts(), LuaLimits{});
    REQUIRE(reg.ids().size() == 3);
    const std::size_t before = Tenant::pooledInProcess();
    Tenant::setPoolLimit(before + 1);
    for (const auto& id : reg.ids()) CHECK_FALSE(reg.find(id)->message("required", "").empty());
    CHECK(reg.openStates() == 1); // the first one pooled, the others closed after their call
    CHECK(Tenant::pooledInProcess() == before + 1);
    Tenant::setPoolLimit(256);
    for (const auto& id : reg.ids()) reg.find(id)->message("required", "");
    CHECK(reg.openStates() == 3);
    CHECK(reg.releaseIdle(std::chrono::seconds(0)) == 3);
    CHECK(Tenant::pooledInProcess() == before);
}
