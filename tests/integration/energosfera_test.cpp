// ПК «Энергосфера» through XML 80020 files on the backend of this run: files written by the generator
// (tests/simulators/gen80020.py, independent of the plugin) imported by the energosfera plugin as kabinetd loads
// it, through the connector hub and the per-file results (FileImports), compared with the generator's truth:
// a month from the drop folder; the same files again (nothing new); malformed days, unknown measuring-point
// codes and a truncated file; and over HTTP the staff upload route and the export round trip (export → the
// data removed → the exported files uploaded → the same values).
#include <catch2/catch.hpp>

#include "KabinetdProcess.h"
#include "Scalars.h"
#include "JsonText.h"
#include "TestContext.h"
#include "connectors/ConnectorHub.h"
#include "connectors/Export80020.h"
#include "connectors/FileImports.h"
#include "meters/MeterRegistry.h"
#include "plugins/PluginHost.h"
#include "storage/Database.h"
#include "storage/Migrations.h"
#include "storage/RowValues.h"
#include "tenants/TenantRegistry.h"
#include "util/SecretBox.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Zip/Decompress.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

using namespace kabinet;
namespace fs = std::filesystem;

namespace {

const char* kTenant = "sigma";
const std::vector<std::string> kCodes = {"910000000001401", "910000000001402", "910000000002781"};

using Obj = Poco::JSON::Object::Ptr;
using Profile = std::map<std::pair<std::string, long long>, std::pair<double, double>>; // (code, ts) → (p+, p−)

using test::obj;

std::string codesOption() {
    std::string s;
    for (const auto& c : kCodes) s += (s.empty() ? "" : ",") + c;
    return s;
}

/// Runs the generator into `dir` and returns its truth.
Obj generate(const std::string& dir, const std::string& options) {
    const std::string truth = dir + "/../" + fs::path(dir).filename().string() + "-truth.json";
    const std::string cmd = "/usr/bin/python3 " + test::sourceDir() + "/tests/simulators/gen80020.py --out " + dir + " --truth " + truth +
                            " --codes " + codesOption() + " " + options + " > /dev/null";
    REQUIRE(std::system(cmd.c_str()) == 0);
    std::ifstream in(truth);
    return Poco::JSON::Parser().parse(in).extract<Obj>();
}

Profile truthProfile(const Obj& truth) {
    Profile out;
    auto points = truth->getObject("profile");
    for (const auto& [code, v] : *points) {
        auto rows = points->getArray(code);
        for (std::size_t i = 0; i < rows->size(); ++i) {
            auto r = rows->getArray(static_cast<unsigned>(i));
            out[{code, r->getElement<long long>(0)}] = {r->isNull(1) ? -1 : r->getElement<double>(1), r->isNull(2) ? -1 : r->getElement<double>(2)};
        }
    }
    return out;
}

/// The tenant's points numbered by the codes, one meter each (СИГМА's link_device links by point number).
std::map<std::string, std::string> addPoints(Database& db) {
    MeterRegistry reg(db);
    std::map<std::string, std::string> meters;
    for (const auto& code : kCodes) {
        const std::string point = reg.upsertPoint(kTenant, {"", "", "", "Точка " + code.substr(11), code, "electricity", "г. Симферополь", "", "", "T1",
                                                            std::nullopt});
        Meter m;
        m.pointId = point;
        m.model = "mercury234";
        m.serial = "E" + code.substr(9);
        m.smart = true;
        m.phases = 3;
        meters[reg.upsertMeter(kTenant, m)] = code;
    }
    return meters;
}

/// The profile stored for the meters, by code.
Profile stored(Database& db, const std::map<std::string, std::string>& meters) {
    Profile out;
    db.read([&](soci::session& s) {
        soci::rowset<soci::row> rs = (s.prepare << "SELECT meter_id, ts, p_plus, p_minus, interval_min FROM profile WHERE tenant_id = 'sigma'");
        for (const auto& r : rs) {
            auto it = meters.find(columnText(r, 0));
            REQUIRE(it != meters.end());
            CHECK(columnInteger(r, 4) == 30);
            out[{it->second, columnInteger(r, 1)}] = {columnReal(r, 2).value_or(-1), columnReal(r, 3).value_or(-1)};
        }
    });
    return out;
}

std::string secretKeyFile(const std::string& dir) {
    const std::string path = dir + "/secret.key";
    std::ofstream(path, std::ios::binary) << std::string(32, '\x5a');
    return path;
}

/// The hub with СИГМА's energosfera connector reading `drop`, and the file results.
struct Hub {
    test::FreshDatabase fresh;
    Database db{fresh.url(), 4};
    TenantRegistry tenants{test::sourceDir() + "/tenants", test::sourceDir() + "/scripts", LuaLimits{}};
    PluginHost plugins{test::binaryDir() + "/plugins-out"};
    std::string dir = test::tempDir("energosfera");
    std::string drop = dir + "/drop";
    std::unique_ptr<ConnectorHub> hub;
    std::unique_ptr<FileImports> files;
    std::map<std::string, std::string> meters;

    Hub() {
        Migrator(db).migrate();
        fs::create_directories(drop);
        meters = addPoints(db);
        ConnectorHubOptions o;
        o.connectorsJson = R"({"sigma":{"energosfera":{"drop_dir":")" + drop + R"(","min_age_s":0}}})";
        o.owner = "test";
        hub = std::make_unique<ConnectorHub>(db, tenants, plugins, SecretBox(std::string(32, '\x5a')), o);
        files = std::make_unique<FileImports>(db, *hub);
    }
    const Tenant& tenant() { return *tenants.find(kTenant); }
    SyncOutcome dropFolder() { return hub->run(tenant(), "energosfera", "tenant", "drop_folder", "{}", static_cast<long long>(std::time(nullptr))); }
    std::map<std::string, FileResult> results() {
        std::map<std::string, FileResult> out;
        for (auto& r : files->list(tenant(), "energosfera", 500)) out[r.name] = r;
        return out;
    }
};

std::string expectOf(const Obj& truth, const std::string& name) {
    auto list = truth->getArray("files");
    for (std::size_t i = 0; i < list->size(); ++i)
        if (list->getObject(static_cast<unsigned>(i))->getValue<std::string>("name") == name) return list->getObject(static_cast<unsigned>(i))->getValue<std::string>("expect");
    return "?";
}

} // namespace

TEST_CASE("80020: a month from the drop folder equals the generator's truth; the same files again store nothing new", "[energosfera]") {
    Hub h;
    REQUIRE(h.hub->connector(h.tenant(), "energosfera"));
    const auto truth = generate(h.drop, "--from 2026-10-01 --days 31 --malformed-day 2026-10-12 --truncate-day 2026-10-20 --duplicate-file");
    const auto outcome = h.dropFolder();
    INFO(outcome.error);
    CHECK(outcome.ok);
    CHECK(outcome.unknown.empty());
    const Profile want = truthProfile(truth);
    CHECK(want.size() == 3 * 48 * 29 + 2 * 48);
    CHECK(stored(h.db, h.meters) == want);
    // every file has its result as the generator expects
    auto results = h.results();
    REQUIRE(results.size() == 32);
    for (const auto& [name, r] : results) {
        INFO(name << " " << r.state << " " << r.reason);
        CHECK(r.state == expectOf(truth, name));
    }
    const auto& shortDay = results.at("80020_9102012345_20261012_12_9102012345.xml");
    REQUIRE(shortDay.malformed.size() == 1);
    CHECK(shortDay.malformed[0].first == kCodes[0]);
    CHECK(shortDay.malformed[0].second == "канал 01: 47 получасов вместо 48");
    CHECK(shortDay.valuesAccepted == 2 * 96);
    CHECK(results.at("80020_9102012345_20261020_20_9102012345.xml").reason.find("обрезан") != std::string::npos);
    CHECK(results.at("80020_9102012345_20261002_2_9102012345.xml").valuesAccepted == 3 * 96);
    CHECK(results.at("80020_9102012345_20261001_900001_9102012345.xml").valuesDuplicate == 3 * 96);
    CHECK(fs::exists(h.drop + "/rejected/80020_9102012345_20261020_20_9102012345.xml"));

    // the same month dropped again: every file a duplicate, the stored values unchanged
    const fs::path again = h.dir + "/again";
    generate(again.string(), "--from 2026-10-01 --days 31 --malformed-day 2026-10-12 --truncate-day 2026-10-20 --duplicate-file");
    for (const auto& e : fs::directory_iterator(again)) fs::rename(e.path(), h.drop + "/" + e.path().filename().string());
    CHECK(h.dropFolder().ok);
    CHECK(stored(h.db, h.meters) == want);
    long long duplicates = 0, fresh = 0;
    for (const auto& r : h.files->list(h.tenant(), "energosfera", 500)) {
        if (r.state == "duplicate") ++duplicates;
        fresh += r.valuesAccepted;
    }
    CHECK(duplicates == 31 + 1); // 31 again (the truncated one stays malformed) and the first run's copy
    CHECK(fresh == 3 * 96 * 29 + 2 * 96);
}

TEST_CASE("80020: unknown measuring-point codes, a bad value and a bad day give their results and never a wrong value", "[energosfera]") {
    Hub h;
    const auto truth = generate(h.drop, "--from 2026-11-01 --days 2 --unknown-points 2 --malformed-day 2026-11-02:value");
    const auto outcome = h.dropFolder();
    CHECK(outcome.ok);
    CHECK(outcome.unknown.size() == 2);
    CHECK(stored(h.db, h.meters) == truthProfile(truth));
    auto results = h.results();
    REQUIRE(results.size() == 2);
    const auto& first = results.at("80020_9102012345_20261101_1_9102012345.xml");
    CHECK(first.state == "partial");
    CHECK(first.unknownCodes == std::vector<std::string>{"999000000000001", "999000000000002"});
    CHECK(first.valuesAccepted == 3 * 96);
    CHECK(first.valuesTotal == 5 * 96);
    const auto& second = results.at("80020_9102012345_20261102_2_9102012345.xml");
    CHECK(second.state == "partial");
    REQUIRE(second.malformed.size() == 1);
    CHECK(second.malformed[0].second == "канал 01: значение получаса 11 не целое неотрицательное число");
    CHECK(second.valuesAccepted == 2 * 96);

    // a day that is not a date: the whole file is refused, nothing stored from it
    const fs::path bad = h.dir + "/bad";
    generate(bad.string(), "--from 2026-11-05 --days 1 --malformed-day 2026-11-05:day");
    for (const auto& e : fs::directory_iterator(bad)) fs::rename(e.path(), h.drop + "/" + e.path().filename().string());
    const auto before = stored(h.db, h.meters);
    CHECK(h.dropFolder().ok);
    CHECK(stored(h.db, h.meters) == before);
    const auto r = h.results().at("80020_9102012345_20261105_1_9102012345.xml");
    CHECK(r.state == "malformed");
    CHECK(r.reason == "дата файла (datetime/day) не является датой ГГГГММДД");
    CHECK(r.valuesAccepted == 0);
}

TEST_CASE("80020 over HTTP: staff upload with per-file results, the list, and the export round trip", "[energosfera]") {
    test::FreshDatabase fresh;
    Database db{fresh.url(), 2};
    Migrator(db).migrate();
    const auto meters = addPoints(db);
    const std::string dir = test::tempDir("energosfera-http");
    test::KabinetdProcess server(fresh.url(), {"--connectors", R"({"sigma":{"energosfera":{"drop_dir":")" + dir + R"(/drop"}}})",
                                               "--connector-sessions", "0", "--secret-key-file", secretKeyFile(dir)});
    auto session = test::adminSession(server, fresh.url(), kTenant);
    auto me = obj(server.request("GET", "/t/sigma/api/v1/me", "", session).body);
    session["X-CSRF-Token"] = me->getValue<std::string>("csrf");
    const std::string base = "/t/sigma/api/v1/operator/connectors/energosfera/";

    const std::string files = dir + "/files";
    const auto truth = generate(files, "--from 2026-11-01 --days 3 --unknown-points 1 --channels 01,02,03,04");
    const std::string boundary = "kabinet-80020-boundary";
    std::string body;
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(files)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    names.push_back(names.front()); // the first file twice: a duplicate
    for (const auto& name : names) {
        std::ifstream in(files + "/" + name, std::ios::binary);
        std::ostringstream bytes;
        bytes << in.rdbuf();
        body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name + "\"\r\nContent-Type: text/xml\r\n\r\n" +
                bytes.str() + "\r\n";
    }
    body += "--" + boundary + "--\r\n";
    auto headers = session;
    headers["Content-Type"] = "multipart/form-data; boundary=" + boundary;
    auto r = server.request("POST", base + "files", body, headers);
    INFO(r.body);
    REQUIRE(r.status == 200);
    auto items = obj(r.body)->getArray("items");
    REQUIRE(items->size() == 4);
    for (unsigned i = 0; i < 3; ++i) {
        CHECK(items->getObject(i)->getValue<std::string>("state") == "partial");
        CHECK(items->getObject(i)->getValue<long long>("values_accepted") == 3 * 4 * 48);
        CHECK(items->getObject(i)->getArray("unknown_codes")->getElement<std::string>(0) == "999000000000001");
        CHECK(items->getObject(i)->getValue<std::string>("source") == "upload");
    }
    CHECK(items->getObject(3)->getValue<std::string>("state") == "duplicate");
    CHECK(items->getObject(3)->getValue<long long>("values_duplicate") == 3 * 4 * 48);
    const Profile want = truthProfile(truth);
    CHECK(stored(db, meters) == want);

    // no file part: 422 naming the field
    auto empty = server.request("POST", base + "files", "--" + boundary + "--\r\n", headers);
    CHECK(empty.status == 422);
    CHECK(obj(empty.body)->getObject("fields")->has("file"));

    auto list = server.request("GET", base + "files?limit=10", "", session);
    REQUIRE(list.status == 200);
    CHECK(obj(list.body)->getArray("items")->size() == 4);
    CHECK(server.request("GET", base + "files?limit=0", "", session).status == 422);

    // export: one file a day; removing the data and uploading the exported files gives the same values
    CHECK(server.request("GET", base + "export-80020?from=2026-11-03&to=2026-11-01", "", session).status == 422);
    auto zip = server.request("GET", base + "export-80020?from=2026-10-31&to=2026-11-03", "", session);
    REQUIRE(zip.status == 200);
    CHECK(zip.headers["Content-Type"] == "application/zip");
    const std::string unpacked = dir + "/unpacked";
    fs::create_directories(unpacked);
    {
        std::istringstream in(zip.body);
        Poco::Zip::Decompress dec(in, Poco::Path(unpacked + "/"));
        dec.decompressAllFiles();
    }
    std::vector<std::string> exported;
    for (const auto& e : fs::directory_iterator(unpacked)) exported.push_back(e.path().filename().string());
    std::sort(exported.begin(), exported.end());
    REQUIRE(exported.size() == 3);
    CHECK(std::regex_match(exported[0], std::regex("80020_[0-9]{10}_20261101_[0-9]+_[0-9]{10}\\.xml")));
    db.transaction([](soci::session& s) {
        s << "DELETE FROM profile WHERE tenant_id = 'sigma'";
        s << "DELETE FROM connector_files WHERE tenant_id = 'sigma'";
    });
    CHECK(stored(db, meters).empty());
    std::string again;
    for (const auto& name : exported) {
        std::ifstream in(unpacked + "/" + name, std::ios::binary);
        std::ostringstream bytes;
        bytes << in.rdbuf();
        again += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + name + "\"\r\n\r\n" + bytes.str() + "\r\n";
    }
    again += "--" + boundary + "--\r\n";
    auto back = server.request("POST", base + "files", again, headers);
    REQUIRE(back.status == 200);
    for (unsigned i = 0; i < 3; ++i) CHECK(obj(back.body)->getArray("items")->getObject(i)->getValue<std::string>("state") == "accepted");
    CHECK(stored(db, meters) == want);
}
