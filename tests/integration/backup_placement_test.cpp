// `kabinet backup` and `kabinet restore` with a tenant placed on a database of its own (--tenant-databases), on
// the backend of this run: the backup holds that database beside the main one (tenants/<tenant>.<ext>, named
// with its tenants in the manifest); a restore puts each into the database the target places its tenants on,
// and refuses — changing nothing — a target that does not place the same tenants together, or whose placed
// database is not empty.
#include <catch2/catch.hpp>

#include "KabinetdProcess.h"
#include "TestContext.h"
#include "storage/Database.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace kabinet;
namespace fs = std::filesystem;

namespace {

using Obj = Poco::JSON::Object::Ptr;

int cli(std::vector<std::string> args, std::string& out) {
    args.insert(args.begin(), test::binaryDir() + "/core/kabinet");
    args.insert(args.end(), {"--tenants", test::sourceDir() + "/tenants", "--scripts", test::sourceDir() + "/scripts"});
    return test::runProgram(args, out);
}

/// The gateways of a database, as "tenant/gateway" joined by spaces, in order; "" for a database without tables.
std::string gateways(const test::FreshDatabase& db) {
    if (test::backend() == "sqlite" && !fs::exists(db.name())) return "";
    Database d(db.url(), 1);
    std::string out;
    d.read([&](soci::session& s) {
        int tables = 0;
        if (test::backend() == "sqlite") s << "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'gateways'", soci::into(tables);
        else s << "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'gateways'", soci::into(tables);
        if (!tables) return;
        soci::rowset<soci::row> rows = (s.prepare << "SELECT tenant_id, gateway_id FROM gateways ORDER BY tenant_id, gateway_id");
        for (const auto& r : rows) out += (out.empty() ? "" : " ") + r.get<std::string>(0) + "/" + r.get<std::string>(1);
    });
    return out;
}

std::string placement(const std::vector<std::pair<std::string, const test::FreshDatabase*>>& tenants) {
    std::string json = "{";
    for (const auto& [id, db] : tenants) json += (json.size() > 1 ? ", " : "") + std::string("\"") + id + "\": \"" + db->url() + "\"";
    return json + "}";
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

} // namespace

TEST_CASE("a backup holds the databases of placed tenants; a restore puts each where the target places its tenants", "[backup][placement]") {
    test::FreshDatabase main, vges;
    const std::string placed = placement({{"vges", &vges}});
    const std::string dataDir = test::tempDir("backup-placed-src") + "/data";
    std::string out;
    // A gateway of a tenant in the main database and one of the placed tenant: each lands in its own database.
    for (const auto& [tenant, gateway] : {std::pair{"sigma", "gw-main"}, std::pair{"vges", "gw-placed"}})
        REQUIRE(cli({"gateways", "add", "--tenant", tenant, "--gateway", gateway, "--address", "127.0.0.1:4001", "--database", main.url(),
                     "--tenant-databases", placed},
                    out) == 0);
    REQUIRE(gateways(main) == "sigma/gw-main");
    REQUIRE(gateways(vges) == "vges/gw-placed");

    const std::string folder = test::tempDir("backup-placed") + "/b";
    REQUIRE(cli({"backup", "--to", folder, "--database", main.url(), "--data-dir", dataDir, "--tenant-databases", placed}, out) == 0);
    INFO(out);
    CHECK(out.find("the databases of tenants placed on their own: vges") != std::string::npos);
    const std::string ext = test::backend() == "sqlite" ? ".sqlite" : ".pgdump";
    const auto manifest = Poco::JSON::Parser().parse(readFile(folder + "/manifest.json")).extract<Obj>();
    const auto dbs = manifest->getArray("databases");
    REQUIRE(dbs->size() == 2);
    CHECK(dbs->getObject(0)->getValue<std::string>("name") == "main");
    CHECK(!dbs->getObject(0)->has("tenants"));
    CHECK(dbs->getObject(1)->getValue<std::string>("name") == "vges");
    CHECK(dbs->getObject(1)->getValue<std::string>("file") == "tenants/vges" + ext);
    CHECK(dbs->getObject(1)->getArray("tenants")->size() == 1);
    CHECK(fs::exists(folder + "/tenants/vges" + ext));
    CHECK(readFile(folder + "/manifest.json").find(vges.url()) == std::string::npos); // no URL (nor password) in the backup

    // Targets that do not fit are refused before anything is touched.
    test::FreshDatabase main2, vges2, other;
    const std::string dataDir2 = test::tempDir("backup-placed-dst") + "/data";
    auto restore = [&](const std::string& tenantDatabases, bool force = false) {
        std::vector<std::string> args = {"restore", "--from", folder, "--database", main2.url(), "--data-dir", dataDir2};
        if (!tenantDatabases.empty()) args.insert(args.end(), {"--tenant-databases", tenantDatabases});
        if (force) args.push_back("--force");
        return cli(args, out);
    };
    CHECK(restore("") != 0);
    CHECK(out.find("holds the database of tenant vges on its own") != std::string::npos);
    CHECK(restore(placement({{"vges", &vges2}, {"voek", &other}})) != 0);
    CHECK(out.find("gives tenant voek a database of its own, but the backup holds its data in the main database") != std::string::npos);
    CHECK(restore(placement({{"vges", &vges2}, {"sigma", &vges2}})) != 0);
    CHECK(out.find("place the same tenants together") != std::string::npos);
    // A placed target that is not empty: refused without --force, the main target untouched.
    REQUIRE(cli({"gateways", "add", "--tenant", "voek", "--gateway", "gw-other", "--address", "127.0.0.1:4002", "--database", other.url()}, out) == 0);
    CHECK(restore(placement({{"vges", &other}})) != 0);
    CHECK(out.find("the target database of tenant vges is not empty") != std::string::npos);
    CHECK(gateways(main2) == "");
    CHECK(gateways(other) == "voek/gw-other");

    // The fitting target: each database restored where its tenants are placed.
    REQUIRE(restore(placement({{"vges", &vges2}})) == 0);
    CHECK(out.find("the databases of tenants placed on their own: vges") != std::string::npos);
    CHECK(gateways(main2) == "sigma/gw-main");
    CHECK(gateways(vges2) == "vges/gw-placed");
    // And again over it with --force (the same data, nothing doubled).
    REQUIRE(restore(placement({{"vges", &vges2}}), true) == 0);
    CHECK(gateways(main2) == "sigma/gw-main");
    CHECK(gateways(vges2) == "vges/gw-placed");

    // The restored pair serves: kabinetd starts on it and the placed tenant's gateway is its own.
    test::KabinetdProcess server(main2.url(), {"--tenant-databases", placement({{"vges", &vges2}})});
    CHECK(server.request("GET", "/healthz").body.find(R"("tenant_databases":[{"status":"ok","tenants":["vges"]}])") != std::string::npos);
}
