// `kabinet backup` and `kabinet restore` on the backend of this run, without a server: what a backup holds (the
// database, the key of stored secrets, the data dir's user files — not the mail and SMS drop folders, logs or
// unfinished files), that a restore puts it back, and that a restore checks everything first and changes nothing
// when the backup is damaged, of another backend or schema, or the target is not empty (unless --force).
#include <catch2/catch.hpp>

#include "KabinetdProcess.h"
#include "TestContext.h"
#include "storage/Database.h"
#include "storage/Migrations.h"
#include "util/Crypto.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <set>
#include <sstream>

using namespace kabinet;
namespace fs = std::filesystem;

namespace {

using Obj = Poco::JSON::Object::Ptr;

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void writeFile(const std::string& path, const std::string& content) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << content;
}

/// Runs the kabinet CLI with the project's tenants and scripts; the output (stdout and stderr) in `out`.
int cli(std::vector<std::string> args, std::string& out) {
    args.insert(args.begin(), test::binaryDir() + "/core/kabinet");
    args.insert(args.end(), {"--tenants", test::sourceDir() + "/tenants", "--scripts", test::sourceDir() + "/scripts"});
    return test::runProgram(args, out);
}

long long scalar(const std::string& url, const std::string& sql) {
    Database db(url, 1);
    long long n = 0;
    db.read([&](soci::session& s) { s << sql, soci::into(n); });
    return n;
}

/// Tables in a database (0 for an empty one; a SQLite file that does not exist is empty).
long long tables(const test::FreshDatabase& db) {
    if (test::backend() == "sqlite") {
        if (!fs::exists(db.name())) return 0;
        return scalar(db.url(), "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'");
    }
    return scalar(db.url(), "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'");
}

std::size_t filesUnder(const std::string& dir) {
    std::size_t n = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); it != fs::recursive_directory_iterator(); ++it)
        n += it->is_regular_file();
    return n;
}

/// An installation with data: a migrated database with a gateway, a data dir with a key, an archive, and
/// what a backup leaves out.
struct Installation {
    test::FreshDatabase db;
    std::string dataDir = test::tempDir("backup-src") + "/data";
    std::string key = std::string("0123456789abcdef0123456789ABCDEF");
    std::string csv = "Дата;Показание\n01.12.2026;1234,5\n";

    Installation() {
        std::string out;
        REQUIRE(cli({"gateways", "add", "--tenant", "sigma", "--gateway", "gw-backup", "--address", "127.0.0.1:4001", "--database", db.url()},
                        out) == 0);
        writeFile(dataDir + "/secret.key", key);
        writeFile(dataDir + "/archive/sigma/job-1.csv", csv);
        writeFile(dataDir + "/archive/sigma/job-2.xlsx.tmp", "unfinished");
        writeFile(dataDir + "/mail/0001.eml", "Subject: hello\n");
        writeFile(dataDir + "/sms/0001.txt", "code 1234\n");
        writeFile(dataDir + "/kabinetd.log", "{}\n");
    }
    int backup(const std::string& folder, std::string& out) {
        return cli({"backup", "--to", folder, "--database", db.url(), "--data-dir", dataDir}, out);
    }
};

int restore(const std::string& folder, const test::FreshDatabase& target, const std::string& dataDir, std::string& out, bool force = false) {
    std::vector<std::string> args = {"restore", "--from", folder, "--database", target.url(), "--data-dir", dataDir};
    if (force) args.push_back("--force");
    return cli(args, out);
}

void editManifest(const std::string& folder, const std::string& from, const std::string& to) {
    std::string text = readFile(folder + "/manifest.json");
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    writeFile(folder + "/manifest.json", text);
}

std::string copyOf(const std::string& folder, const std::string& tag) {
    const std::string to = test::tempDir("backup-copy") + "/" + tag;
    fs::copy(folder, to, fs::copy_options::recursive);
    return to;
}

} // namespace

TEST_CASE("a backup holds the database, the secret key and the data dir's user files; a restore puts them back", "[backup]") {
    Installation src;
    const std::string folder = test::tempDir("backup") + "/b1";
    std::string out;
    REQUIRE(src.backup(folder, out) == 0);
    INFO(out);
    CHECK(out.find("backup of the " + test::backend() + " database") != std::string::npos);

    const auto manifest = Poco::JSON::Parser().parse(readFile(folder + "/manifest.json")).extract<Obj>();
    std::set<std::string> paths;
    for (const auto& f : *manifest->getArray("files")) paths.insert(f.extract<Obj>()->getValue<std::string>("path"));
    const std::string dbFile = test::backend() == "sqlite" ? "database.sqlite" : "database.pgdump";
    CHECK(paths == std::set<std::string>{dbFile, "secret.key", "data/archive/sigma/job-1.csv"});
    CHECK(manifest->getArray("databases")->getObject(0)->getValue<std::string>("file") == dbFile);
    CHECK(manifest->getValue<int>("schema_version") == Migrator::latestKnown());
    CHECK((fs::status(folder).permissions() & (fs::perms::group_all | fs::perms::others_all)) == fs::perms::none);

    // A backup never lands on another.
    CHECK(src.backup(folder, out) != 0);
    CHECK(out.find("is not empty") != std::string::npos);

    // Into a fresh database and data dir.
    test::FreshDatabase target;
    const std::string dataDir = test::tempDir("backup-dst") + "/data";
    REQUIRE(restore(folder, target, dataDir, out) == 0);
    CHECK(scalar(target.url(), "SELECT COUNT(*) FROM gateways WHERE gateway_id = 'gw-backup'") == 1);
    CHECK(readFile(dataDir + "/secret.key") == src.key);
    CHECK(readFile(dataDir + "/archive/sigma/job-1.csv") == src.csv);
    CHECK(filesUnder(dataDir) == 2);

    // Not over what is there now, unless told.
    writeFile(dataDir + "/archive/sigma/job-1.csv", "changed since");
    CHECK(restore(folder, target, dataDir, out) != 0);
    CHECK(out.find("the target database is not empty") != std::string::npos);
    {
        Database db(target.url(), 1);
        db.transaction([](soci::session& s) { s << "DELETE FROM gateways"; });
    }
    REQUIRE(restore(folder, target, dataDir, out, true) == 0);
    CHECK(scalar(target.url(), "SELECT COUNT(*) FROM gateways WHERE gateway_id = 'gw-backup'") == 1);
    CHECK(readFile(dataDir + "/archive/sigma/job-1.csv") == src.csv);
    CHECK(filesUnder(dataDir) == 2);

    // A fresh database but a data dir that already holds the backup's files.
    test::FreshDatabase other;
    CHECK(restore(folder, other, dataDir, out) != 0);
    CHECK(out.find("the data dir already holds 2 of the backup's files") != std::string::npos);
    CHECK(tables(other) == 0);
}

TEST_CASE("restore checks the whole backup first and changes nothing when it is damaged or does not fit", "[backup]") {
    Installation src;
    const std::string folder = test::tempDir("backup") + "/b2";
    std::string out;
    REQUIRE(src.backup(folder, out) == 0);
    const std::string dbFile = test::backend() == "sqlite" ? "database.sqlite" : "database.pgdump";

    struct Case {
        std::string what, expect;
        std::function<void(const std::string&)> damage;
    };
    const std::vector<Case> cases = {
        {"a data file changed", "data/archive/sigma/job-1.csv: SHA-256 differs",
         [](const std::string& f) {
             std::string t = readFile(f + "/data/archive/sigma/job-1.csv");
             t[0] = 'X';
             writeFile(f + "/data/archive/sigma/job-1.csv", t);
         }},
        {"the database cut short", dbFile + ": size",
         [&](const std::string& f) { fs::resize_file(f + "/" + dbFile, fs::file_size(f + "/" + dbFile) / 2); }},
        {"the key missing", "secret.key: missing", [](const std::string& f) { fs::remove(f + "/secret.key"); }},
        {"no manifest", "no manifest.json", [](const std::string& f) { fs::remove(f + "/manifest.json"); }},
        {"a manifest that is not JSON", "manifest.json is not a JSON object", [](const std::string& f) { writeFile(f + "/manifest.json", "{"); }},
        {"a path out of the folder", "is not a plain path inside the backup folder",
         [](const std::string& f) { editManifest(f, "\"data/archive/sigma/job-1.csv\"", "\"data/../../../etc/passwd\""); }},
        {"a newer schema", "this kabinet knows versions up to",
         [](const std::string& f) {
             editManifest(f, "\"schema_version\": " + std::to_string(Migrator::latestKnown()), "\"schema_version\": 99999");
         }},
        {"a newer format", "format version 2",
         [](const std::string& f) { editManifest(f, "\"format_version\": 1", "\"format_version\": 2"); }},
    };
    for (const auto& c : cases) {
        INFO(c.what);
        const std::string broken = copyOf(folder, "broken");
        c.damage(broken);
        test::FreshDatabase target;
        const std::string dataDir = test::tempDir("backup-dst") + "/data";
        CHECK(restore(broken, target, dataDir, out) != 0);
        INFO(out);
        CHECK(out.find(c.expect) != std::string::npos);
        CHECK(tables(target) == 0);
        CHECK(filesUnder(dataDir) == 0);
    }

    // Another backend, a folder that is no backup, no folder at all.
    test::FreshDatabase target;
    const std::string dataDir = test::tempDir("backup-dst") + "/data";
    const std::string otherUrl = test::backend() == "sqlite" ? "postgresql://kabinet:kabinet@127.0.0.1:1/none" : "sqlite://" + dataDir + "/other.db";
    CHECK(cli({"restore", "--from", folder, "--database", otherUrl, "--data-dir", dataDir}, out) != 0);
    CHECK(out.find("restore into the same kind of database") != std::string::npos);
    CHECK(cli({"restore", "--from", dataDir + "/nothing", "--database", target.url(), "--data-dir", dataDir}, out) != 0);
    CHECK(out.find("is not a folder") != std::string::npos);
    CHECK(cli({"restore", "--database", target.url(), "--data-dir", dataDir}, out) != 0);
    CHECK(out.find("--from is required") != std::string::npos);
    CHECK(cli({"backup", "--database", target.url(), "--data-dir", dataDir}, out) != 0);
    CHECK(out.find("--to is required") != std::string::npos);
    CHECK(tables(target) == 0);
    // The untouched backup still restores.
    CHECK(restore(folder, target, dataDir, out) == 0);
}

TEST_CASE("a backup of a database without the Kabinet schema is refused and leaves no folder", "[backup]") {
    test::FreshDatabase empty;
    if (test::backend() == "sqlite") {
        Database db(empty.url(), 1); // creates the file, no tables
    }
    const std::string folder = test::tempDir("backup") + "/b3";
    std::string out;
    CHECK(cli({"backup", "--to", folder, "--database", empty.url(), "--data-dir", test::tempDir("backup-none")}, out) != 0);
    INFO(out);
    CHECK(out.find("no Kabinet schema") != std::string::npos);
    CHECK_FALSE(fs::exists(folder));
}

TEST_CASE("a database that fails midway through its restore leaves the target empty", "[backup]") {
    Installation src;
    const std::string folder = test::tempDir("backup") + "/b4";
    std::string out;
    REQUIRE(src.backup(folder, out) == 0);
    // The database file cut to 60 % with a manifest that agrees: it passes the check, and fails while restored.
    const std::string dbFile = test::backend() == "sqlite" ? "database.sqlite" : "database.pgdump";
    fs::resize_file(folder + "/" + dbFile, fs::file_size(folder + "/" + dbFile) * 6 / 10);
    const std::string cut = readFile(folder + "/" + dbFile);
    auto manifest = Poco::JSON::Parser().parse(readFile(folder + "/manifest.json")).extract<Obj>();
    for (const auto& f : *manifest->getArray("files")) {
        auto o = f.extract<Obj>();
        if (o->getValue<std::string>("path") != dbFile) continue;
        o->set("size", static_cast<Poco::UInt64>(cut.size()));
        o->set("sha256", crypto::sha256Hex(cut));
    }
    std::ostringstream text;
    manifest->stringify(text, 2);
    writeFile(folder + "/manifest.json", text.str());

    test::FreshDatabase target;
    const std::string dataDir = test::tempDir("backup-dst") + "/data";
    CHECK(restore(folder, target, dataDir, out) != 0);
    INFO(out);
    CHECK(out.find(test::backend() == "sqlite" ? "is not a sound SQLite database" : "nothing of it was committed") != std::string::npos);
    CHECK(tables(target) == 0);
    CHECK(filesUnder(dataDir) == 0);
    if (test::backend() == "sqlite") CHECK_FALSE(fs::exists(target.name() + ".restore-tmp"));
}
