// Tenants checked one after another in one Lua state (TenantChecker): the summaries are those of a state of
// their own; a script that changes the shared library gets the batch checked again one by one; globals stay
// each tenant's own; a tenant that brings a module of the library's name, or fails, is checked alone.
#include <catch2/catch.hpp>

#include "TestContext.h"
#include "lua/LuaJson.h"
#include "util/Files.h"
#include "tenants/TenantChecker.h"

#include <filesystem>
#include <fstream>

using namespace kabinet;
namespace fs = std::filesystem;

namespace {
std::string readText(const fs::path& p) {
    std::string text;
    REQUIRE(readFile(p.string(), text));
    return text;
}

const std::string& scripts() {
    static const std::string s = test::sourceDir() + "/scripts";
    return s;
}

/// Copies seed tenant sigma to root/id (renamed), with `prelude` put before its declaration.
std::string sigmaCopy(const fs::path& root, const std::string& id, const std::string& prelude = "") {
    std::string text = readText(test::sourceDir() + "/tenants/sigma/tenant.lua");
    for (const std::string from : {"id = \"sigma\"", "\"sigma.kabinet.localhost\""}) {
        const auto at = text.find(from);
        REQUIRE(at != std::string::npos);
        std::string to = from;
        to.replace(to.find("sigma"), 5, id);
        text.replace(at, from.size(), to);
    }
    fs::create_directories(root / id);
    std::ofstream(root / id / "tenant.lua") << prelude << "\n" << text;
    return (root / id).string();
}

TenantCheck entry(const std::string& id, const std::string& dir) {
    TenantCheck c;
    c.id = id;
    c.dir = dir;
    c.hash = Tenant::hashFolder(dir);
    return c;
}

/// The summary's fields, as text, for comparing two summaries.
std::string describe(const TenantSummary& s) {
    std::string hosts;
    for (const auto& h : s.hosts) hosts += h + ",";
    return s.hash + "|" + s.name + "|" + s.shortName + "|" + hosts + "|" + std::to_string(s.utcOffset) + "|" +
           luajson::stringify(s.polling) + "|" + luajson::stringify(s.connectors) + "|" +
           luajson::stringify(Poco::Dynamic::Var(s.settings)) + "|" + luajson::stringify(s.branding);
}

void run(TenantChecker& checker, std::vector<TenantCheck>& checks) {
    std::vector<TenantCheck*> batch;
    for (auto& c : checks) batch.push_back(&c);
    checker.check(batch);
}
} // namespace

TEST_CASE("the seed tenants checked in one shared state have the summaries of states of their own", "[tenants][lua]") {
    TenantChecker checker(scripts(), LuaLimits{});
    std::vector<TenantCheck> checks;
    for (const std::string id : {"sigma", "vges", "oes360", "kes-orenburg", "voek"})
        checks.push_back(entry(id, test::sourceDir() + "/tenants/" + id));
    run(checker, checks);
    CHECK(checker.taken() == 0);
    CHECK(checker.alone() == 0);
    for (const auto& c : checks) {
        INFO(c.id << ": " << c.error);
        REQUIRE(c.ok);
        CHECK(c.shared);
        CHECK(describe(c.summary) == describe(Tenant::check(c.id, c.dir, scripts(), LuaLimits{})));
    }
    // The same state serves a second batch: the library was left as it was loaded.
    std::vector<TenantCheck> again{entry("voek", test::sourceDir() + "/tenants/voek")};
    run(checker, again);
    CHECK(again[0].shared);
    CHECK(checker.taken() == 0);
}

TEST_CASE("a tenant script that changes the shared library gets its batch checked again one by one", "[tenants][lua]") {
    const fs::path root = test::tempDir("tenant-checker-taint");
    // Replaces the library's profile(): in a shared state the next tenant's name would be this one.
    const std::string evil = sigmaCopy(root, "evil", R"(
local K = require("kabinet.tenant")
local profile = K.profile
K.profile = function(T) local p = profile(T); p.name = "Подменённое имя"; return p end)");
    // Changes the string library through the string metatable, which every state shares with its scripts.
    const std::string sly = sigmaCopy(root, "sly", R"(getmetatable("").__index.lower = function(s) return s end)");
    const std::string good = sigmaCopy(root, "good");
    const std::string fresh = describe(Tenant::check("good", good, scripts(), LuaLimits{}));

    SECTION("a module table") {
        TenantChecker checker(scripts(), LuaLimits{});
        std::vector<TenantCheck> checks{entry("good", good), entry("evil", evil), entry("good", good)};
        run(checker, checks);
        CHECK(checker.taken() == 1);
        for (const auto& c : checks) {
            REQUIRE(c.ok);
            CHECK_FALSE(c.shared);
        }
        CHECK(describe(checks[0].summary) == fresh);
        CHECK(describe(checks[2].summary) == fresh);
        CHECK(checks[1].summary.name == "Подменённое имя"); // its own doing, as in a state of its own
        // A new shared state serves the next batch.
        std::vector<TenantCheck> next{entry("good", good)};
        run(checker, next);
        CHECK(next[0].shared);
        CHECK(describe(next[0].summary) == fresh);
    }
    SECTION("the string metatable") {
        TenantChecker checker(scripts(), LuaLimits{});
        std::vector<TenantCheck> checks{entry("sly", sly), entry("good", good)};
        run(checker, checks);
        CHECK(checker.taken() == 1);
        REQUIRE(checks[1].ok);
        CHECK_FALSE(checks[1].shared);
        CHECK(describe(checks[1].summary) == fresh);
    }
}

TEST_CASE("each tenant checked in a shared state has globals of its own", "[tenants][lua]") {
    const fs::path root = test::tempDir("tenant-checker-globals");
    const std::string writes = sigmaCopy(root, "writes", R"(leaked = "из другого арендатора"; string = nil; _G.x = 1
assert(load("y = 2"))())");
    const std::string reads = sigmaCopy(root, "reads", R"(assert(leaked == nil and x == nil and y == nil, "a global of another tenant")
assert(string.format("%d", 1) == "1"))");
    TenantChecker checker(scripts(), LuaLimits{});
    std::vector<TenantCheck> checks{entry("writes", writes), entry("reads", reads)};
    run(checker, checks);
    for (const auto& c : checks) {
        INFO(c.id << ": " << c.error);
        CHECK(c.ok);
        CHECK(c.shared);
    }
    CHECK(checker.taken() == 0);
}

TEST_CASE("a tenant with a module of the library's name, or whose check fails, is checked alone", "[tenants][lua]") {
    const fs::path root = test::tempDir("tenant-checker-alone");
    const std::string own = sigmaCopy(root, "own");
    fs::create_directories(fs::path(own) / "kabinet");
    fs::copy_file(scripts() + "/kabinet/fields.lua", fs::path(own) / "kabinet" / "fields.lua");
    const std::string broken = sigmaCopy(root, "broken", "error('сломано')");
    std::string expected;
    try {
        Tenant::check("broken", broken, scripts(), LuaLimits{});
    } catch (const LuaError& e) {
        expected = e.what();
    }
    REQUIRE_FALSE(expected.empty());

    TenantChecker checker(scripts(), LuaLimits{});
    std::vector<TenantCheck> checks{entry("own", own), entry("broken", broken), entry("good", sigmaCopy(root, "good"))};
    run(checker, checks);
    CHECK(checker.alone() == 2);
    CHECK(checks[0].ok);
    CHECK_FALSE(checks[0].shared);
    CHECK_FALSE(checks[1].ok);
    CHECK(checks[1].error == expected);
    CHECK(checks[2].ok);
    CHECK(checks[2].shared);
    CHECK(checker.taken() == 0);
}
