// The backup manifest (tools/backup): it reads back what it writes, and refuses what a restore must not trust —
// paths out of the folder, a format it does not know, digests that are not SHA-256, databases not among the files.
// The URL split for PostgreSQL's tools keeps the password off the command line.
#include <catch2/catch.hpp>

#include "backup/BackupError.h"
#include "backup/Manifest.h"
#include "backup/PgTools.h"

using namespace kabinet::backup;

namespace {

Manifest sample() {
    Manifest m;
    m.kabinetVersion = "1.2.3";
    m.backend = "postgresql";
    m.schemaVersion = 41;
    m.createdAt = "2026-12-03T18:00:00Z";
    m.createdAtUnix = 1796320800;
    m.files = {{"database.pgdump", "database", 123, std::string(64, 'a')},
               {"secret.key", "secret-key", 32, std::string(64, 'b')},
               {"data/archive/voek/j1.csv", "data", 7, std::string(64, 'c')}};
    m.databases = {{"main", "database.pgdump", 41}};
    return m;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

} // namespace

TEST_CASE("backup manifest: what is written reads back the same", "[backup]") {
    const Manifest m = Manifest::parse(sample().toJson());
    CHECK(m.formatVersion == 1);
    CHECK(m.backend == "postgresql");
    CHECK(m.schemaVersion == 41);
    CHECK(m.createdAt == "2026-12-03T18:00:00Z");
    REQUIRE(m.files.size() == 3);
    CHECK(m.files[2].path == "data/archive/voek/j1.csv");
    CHECK(m.files[2].size == 7);
    CHECK(m.find("secret.key")->kind == "secret-key");
    CHECK(m.find("nothing") == nullptr);
    CHECK(m.databases.at(0).file == "database.pgdump");
}

TEST_CASE("backup manifest: what a restore must not trust is refused with the reason", "[backup]") {
    const std::string good = sample().toJson();
    auto refused = [](const std::string& text, const std::string& reason) {
        INFO(text);
        CHECK_THROWS_WITH(Manifest::parse(text), Catch::Contains(reason));
    };
    refused("[]", "not a JSON object");
    refused("{\"format\":\"zip\"}", "not a Kabinet backup manifest");
    refused(replaced(good, "\"format_version\": 1", "\"format_version\": 7"), "format version 7");
    refused(replaced(good, "\"backend\": \"postgresql\"", "\"backend\": \"mysql\""), "backend must be");
    refused(replaced(good, "data/archive/voek/j1.csv", "data/../../etc/passwd"), "not a plain path");
    refused(replaced(good, "data/archive/voek/j1.csv", "/etc/passwd"), "not a plain path");
    refused(replaced(good, "\"path\": \"secret.key\"", "\"path\": \"database.pgdump\""), "listed twice");
    refused(replaced(good, std::string(64, 'c'), "c0ffee"), "not 64 lowercase hex digits");
    refused(replaced(good, "\"size\": 7", "\"size\": -7"), "negative");
    refused(replaced(good, "\"file\": \"database.pgdump\"", "\"file\": \"secret.key\""), "not a listed database file");
    refused(replaced(good, "\"kind\": \"data\"", "\"kind\": \"other\""), "kind must be");
    CHECK(safeRelativePath("data/a/b.csv"));
    CHECK_FALSE(safeRelativePath("data//b.csv"));
    CHECK_FALSE(safeRelativePath("./b.csv"));
    CHECK_FALSE(safeRelativePath("data/b.csv/"));
    CHECK_FALSE(safeRelativePath("a\\b"));
}

TEST_CASE("backup: PostgreSQL's tools get the URL without its password", "[backup]") {
    auto c = PgConnection::fromUrl("postgresql://kabinet:p%40ss%3Aw0rd@db.local:5433/kabinet?sslmode=require");
    CHECK(c.url == "postgresql://kabinet@db.local:5433/kabinet?sslmode=require");
    CHECK(c.password == "p@ss:w0rd");
    c = PgConnection::fromUrl("postgres://u@h/d");
    CHECK(c.url == "postgresql://u@h/d");
    CHECK(c.password.empty());
    CHECK_THROWS_AS(PgConnection::fromUrl("sqlite:///x.db"), BackupError);
}
