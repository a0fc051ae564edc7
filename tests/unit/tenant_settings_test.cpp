// The module settings the core reads (Tenant::moduleSettings): checked by the tenant schema, with every
// default filled in, so that C++ holds neither defaults nor bounds of its own; a bad value refuses the tenant.
#include <catch2/catch.hpp>

#include "TestContext.h"
#include "tenants/Tenant.h"

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace kabinet;

namespace {
Tenant load(const std::string& id) {
    return Tenant(id, test::sourceDir() + "/tenants/" + id, test::sourceDir() + "/scripts", LuaLimits{});
}
} // namespace

TEST_CASE("module settings come checked from the tenant library, with their defaults", "[tenants][lua]") {
    Tenant voek = load("voek");
    auto archive = voek.moduleSettings("archive");
    REQUIRE(archive);
    CHECK(archive->getValue<int>("max_depth_years") == 3);
    CHECK(archive->getValue<std::string>("change_until") == "21:00");
    CHECK(archive->getValue<std::string>("change_timezone") == "Europe/Moscow");
    CHECK(archive->getValue<std::string>("ready") == "next_day");
    CHECK_FALSE(voek.moduleSettings("manual_readings")); // not switched on

    Tenant sigma = load("sigma");
    auto manual = sigma.moduleSettings("manual_readings");
    REQUIRE(manual);
    CHECK(manual->getValue<std::string>("approval") == "operator");
    CHECK(manual->getValue<double>("max_daily_kwh") == 2000);
    CHECK(manual->getObject("window")->getValue<int>("from_day") == 1);
    CHECK(manual->getObject("window")->getValue<int>("to_day") == 31);
    CHECK(manual->getValue<bool>("virtual_meters") == false); // a default: sigma does not say
    CHECK(manual->getValue<bool>("non_smart_only") == false);

    Tenant vges = load("vges");
    CHECK(vges.moduleSettings("manual_readings")->getValue<std::string>("approval") == "auto");
    CHECK(vges.moduleSettings("manual_readings")->getValue<bool>("virtual_meters"));
    CHECK(vges.moduleSettings("manual_readings")->getObject("window")->getValue<int>("to_day") == 31);
}

TEST_CASE("a module setting out of its schema refuses the tenant with the path", "[tenants][lua]") {
    namespace fs = std::filesystem;
    const fs::path dir = fs::temp_directory_path() / ("kabinet-settings-" + std::to_string(::getpid())) / "voek";
    fs::remove_all(dir.parent_path());
    fs::create_directories(dir.parent_path());
    fs::copy(test::sourceDir() + "/tenants/voek", dir, fs::copy_options::recursive);
    std::ifstream in(dir / "tenant.lua");
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    const std::string from = "ready = \"next_day\"";
    REQUIRE(text.find(from) != std::string::npos);
    text.replace(text.find(from), from.size(), "ready = \"someday\"");
    std::ofstream(dir / "tenant.lua", std::ios::trunc) << text;
    try {
        Tenant t("voek", dir.string(), test::sourceDir() + "/scripts", LuaLimits{});
        FAIL("the tenant was accepted");
    } catch (const LuaError& e) {
        CHECK_THAT(e.what(), Catch::Contains("settings.archive.ready: ожидается next_day или immediately, а не 'someday'"));
    }
    fs::remove_all(dir.parent_path());
}
