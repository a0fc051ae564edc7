// --tenants as a ':'-separated list of directories: every directory is read, and a later directory's
// folder replaces an earlier one's of the same tenant id (packaged tenants, then a utility's own).
#include <catch2/catch.hpp>

#include "TestContext.h"
#include "tenants/TenantRegistry.h"

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace kabinet;
namespace fs = std::filesystem;

namespace {
/// Copies the seed tenant `id` into root/id, with its full name replaced by `name` when given.
void copyTenant(const fs::path& root, const std::string& id, const std::string& name = {}) {
    fs::create_directories(root);
    fs::copy(test::sourceDir() + "/tenants/" + id, root / id, fs::copy_options::recursive);
    if (name.empty()) return;
    std::ifstream in(root / id / "tenant.lua");
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    const auto at = text.find("\n  name = \"");
    REQUIRE(at != std::string::npos);
    const auto end = text.find("\",\n", at);
    text.replace(at, end - at + 1, "\n  name = \"" + name + "\"");
    std::ofstream(root / id / "tenant.lua", std::ios::trunc) << text;
}
} // namespace

TEST_CASE("splitTenantDirs: order kept, empty entries and trailing slashes dropped", "[tenants]") {
    CHECK(splitTenantDirs("/a") == std::vector<std::string>{"/a"});
    CHECK(splitTenantDirs("/usr/share/kabinet/tenants:/etc/kabinet/tenants/") ==
          std::vector<std::string>{"/usr/share/kabinet/tenants", "/etc/kabinet/tenants"});
    CHECK(splitTenantDirs("::/b::/a:") == std::vector<std::string>{"/b", "/a"});
    CHECK(splitTenantDirs("").empty());
}

TEST_CASE("--tenants reads a list of directories; a later directory wins on the same id", "[tenants][lua]") {
    const fs::path base = test::tempDir("tenant-dirs");
    copyTenant(base / "share", "voek");
    copyTenant(base / "share", "sigma");
    copyTenant(base / "etc", "voek", "Своя ВОЭК");
    copyTenant(base / "etc", "kes-orenburg");
    const std::string scripts = test::sourceDir() + "/scripts";

    TenantRegistry both((base / "share").string() + ":" + (base / "etc").string(), scripts, LuaLimits{});
    CHECK(both.failures().empty());
    CHECK(both.ids() == std::vector<std::string>{"kes-orenburg", "sigma", "voek"});
    REQUIRE(both.find("voek"));
    CHECK(both.find("voek")->name() == "Своя ВОЭК");
    CHECK(both.find("voek")->dir() == (base / "etc" / "voek").string());
    CHECK(both.find("sigma")->dir() == (base / "share" / "sigma").string());
    CHECK(both.findByHost(both.find("voek")->hosts().at(0)) == both.find("voek"));

    TenantRegistry reversed((base / "etc").string() + ":" + (base / "share").string(), scripts, LuaLimits{});
    CHECK(reversed.find("voek")->name() != "Своя ВОЭК");
    CHECK(reversed.find("voek")->dir() == (base / "share" / "voek").string());

    // A directory of the list that does not exist is reported; the others are still served.
    TenantRegistry missing((base / "nowhere").string() + ":" + (base / "share").string(), scripts, LuaLimits{});
    CHECK(missing.ids() == std::vector<std::string>{"sigma", "voek"});
    REQUIRE(missing.failures().size() == 1);
    CHECK(missing.failures()[0].id == "*");
    CHECK_THAT(missing.failures()[0].error, Catch::Contains("nowhere") && Catch::Contains("does not exist"));
}
