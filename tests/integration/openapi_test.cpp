// The description of the API as the server serves it: GET /api/v1/openapi.json is the document made from the
// route table (the one the tests check every answer against), and the CLI prints the same table.
#include <catch2/catch.hpp>

#include "AnswerShapes.h"
#include "KabinetdProcess.h"
#include "TestContext.h"

#include <Poco/JSON/Parser.h>

#include <sstream>

using namespace kabinet;

namespace {
/// The document as text with its keys sorted (parsing sorts them), so two documents compare by content.
std::string canonical(const Poco::Dynamic::Var& v) {
    std::ostringstream first, out;
    v.extract<Poco::JSON::Object::Ptr>()->stringify(first);
    Poco::JSON::Parser().parse(first.str()).extract<Poco::JSON::Object::Ptr>()->stringify(out);
    return out.str();
}
} // namespace

TEST_CASE("openapi: GET /api/v1/openapi.json serves the description of every route; kabinet routes and openapi print it", "[openapi]") {
    test::FreshDatabase db;
    test::KabinetdProcess server(db.url());
    auto r = server.request("GET", "/api/v1/openapi.json");
    REQUIRE(r.status == 200);
    CHECK(r.headers["Content-Type"].rfind("application/json", 0) == 0);
    const auto served = Poco::JSON::Parser().parse(r.body);
    CHECK(canonical(served) == canonical(test::apiDescription()));
    const auto doc = served.extract<Poco::JSON::Object::Ptr>();
    CHECK(doc->getValue<std::string>("openapi") == "3.1.0");
    CHECK(doc->getObject("paths")->has("/t/{tenant}/api/v1/points/{id}/profile"));

    std::string printed;
    REQUIRE(test::runProgram({test::binaryDir() + "/core/kabinet", "openapi"}, printed) == 0);
    CHECK(canonical(Poco::JSON::Parser().parse(printed)) == canonical(served));

    std::string table;
    REQUIRE(test::runProgram({test::binaryDir() + "/core/kabinet", "routes"}, table) == 0);
    std::istringstream lines(table);
    int routes = 0;
    for (std::string line; std::getline(lines, line);) {
        INFO(line);
        std::vector<std::string> cells;
        std::istringstream cellsIn(line);
        for (std::string cell; std::getline(cellsIn, cell, '\t');) cells.push_back(cell);
        REQUIRE(cells.size() == 4); // method, path, role, summary
        CHECK(cells[3] != "UNDESCRIBED");
        std::string method = cells[0];
        for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        REQUIRE(doc->getObject("paths")->has(cells[1]));
        const auto op = doc->getObject("paths")->getObject(cells[1])->getObject(method);
        REQUIRE(op);
        CHECK(op->getValue<std::string>("x-kabinet-access") == cells[2]);
        CHECK(op->getValue<std::string>("summary") == cells[3]);
        ++routes;
    }
    std::size_t operations = 0;
    for (const auto& [path, item] : *doc->getObject("paths")) operations += item.extract<Poco::JSON::Object::Ptr>()->size();
    CHECK(static_cast<std::size_t>(routes) == operations);
}
