#include <catch2/catch.hpp>

#include "http/Metrics.h"
#include "http/Router.h"
#include "storage/Database.h"
#include "storage/Migrations.h"
#include "util/Error.h"

using namespace kabinet;

TEST_CASE("database URLs select the backend and never leak the password", "[storage]") {
    auto pg = DatabaseUrl::parse("postgresql://user:p%40ss@db.example:5433/kabinet?sslmode=require");
    CHECK(pg.backend == Backend::PostgreSQL);
    CHECK(pg.connectString.find("dbname='kabinet'") != std::string::npos);
    CHECK(pg.connectString.find("password='p@ss'") != std::string::npos);
    CHECK(pg.connectString.find("port=5433") != std::string::npos);
    CHECK(pg.connectString.find("sslmode='require'") != std::string::npos);
    auto lite = DatabaseUrl::parse("sqlite:///var/lib/kabinet/k.db");
    CHECK(lite.backend == Backend::SQLite);
    CHECK(lite.sqlitePath == "/var/lib/kabinet/k.db");
    CHECK_THROWS_AS(DatabaseUrl::parse("mysql://x/y"), ConfigError);
    try {
        DatabaseUrl::parse("postgresql://user:secret@host:5432/");
        FAIL();
    } catch (const ConfigError& e) {
        CHECK(std::string(e.what()).find("secret") == std::string::npos);
    }
}

TEST_CASE("migration text splits into statements", "[storage]") {
    auto s = Migrator::splitStatements("CREATE TABLE a (x TEXT DEFAULT ';');\n-- a comment; here\nCREATE INDEX i ON a (x);\n"
                                       "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;");
    REQUIRE(s.size() == 3);
    CHECK(s[0] == "CREATE TABLE a (x TEXT DEFAULT ';')");
    CHECK(s[1] == "CREATE INDEX i ON a (x)");
    CHECK(s[2].find("SELECT 1;") != std::string::npos);
    CHECK(Migrator::latestKnown() >= 1);
}

TEST_CASE("the router matches patterns and reports wrong methods", "[http]") {
    Router r;
    r.add("GET", "/api/v1/dictionaries/{name}", true, RouteSpec("A dictionary"), [](Request&) { return Response{}; });
    r.add("GET", "/healthz", false, RouteSpec("Health"), [](Request&) { return Response{}; });
    std::map<std::string, std::string> p;
    bool pathMatched = false;
    auto* route = r.match("GET", "/api/v1/dictionaries/streets", true, p, pathMatched);
    REQUIRE(route);
    CHECK(p["name"] == "streets");
    CHECK_FALSE(r.match("GET", "/api/v1/dictionaries/streets", false, p, pathMatched));
    CHECK_FALSE(r.match("POST", "/healthz", false, p, pathMatched));
    CHECK(pathMatched);
    CHECK(r.match("HEAD", "/healthz", false, p, pathMatched));
}

TEST_CASE("errors render the one JSON error model", "[http]") {
    Unprocessable e({{"ogrn", "Неверное контрольное число ОГРН"}});
    CHECK(e.status() == 422);
    CHECK(e.toJson() == R"({"error":"validation_failed","fields":{"ogrn":"Неверное контрольное число ОГРН"},"message":"Проверьте правильность заполнения полей"})");
}

TEST_CASE("metrics render in the Prometheus text format", "[http]") {
    Metrics m;
    m.observe("GET", "/healthz", 200, 0.002);
    m.observe("GET", "/healthz", 200, 0.2);
    auto text = m.render();
    CHECK(text.find("kabinet_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2") != std::string::npos);
    CHECK(text.find("kabinet_http_request_duration_seconds_count{method=\"GET\",route=\"/healthz\"} 2") != std::string::npos);
    CHECK(text.find("le=\"0.0025\"} 1") != std::string::npos);
}
