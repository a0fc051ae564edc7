// The route table describes the API: every route carries its RouteSpec, the OpenAPI 3.1 document made from
// them holds every route and is well formed, and the checker the integration tests run every answer through
// refuses answers that do not match their declared shapes.
#include <catch2/catch.hpp>

#include "AnswerShapes.h"
#include "SchemaCheck.h"
#include "api/OpenApi.h"
#include "api/Routes.h"
#include "server/Services.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include <regex>
#include <set>
#include <sstream>

using namespace kabinet;
using Object = Poco::JSON::Object;
using Array = Poco::JSON::Array;

namespace {
struct Table {
    Services none;
    Router router;
    Object::Ptr doc;
    Table() {
        registerAllRoutes(router, none);
        doc = openApiDocument(router);
    }
};

Poco::Dynamic::Var parse(const std::string& text) { return Poco::JSON::Parser().parse(text); }

/// Every "$ref" value anywhere under v.
void refs(const Poco::Dynamic::Var& v, std::vector<std::string>& out) {
    if (v.type() == typeid(Object::Ptr)) {
        for (const auto& [k, child] : *v.extract<Object::Ptr>()) {
            if (k == "$ref") out.push_back(child.convert<std::string>());
            else refs(child, out);
        }
    } else if (v.type() == typeid(Array::Ptr)) {
        for (const auto& child : *v.extract<Array::Ptr>()) refs(child, out);
    }
}

/// The object a local reference "#/a/b/c" points at, or null.
Object::Ptr pointee(const Object::Ptr& doc, const std::string& ref) {
    if (ref.rfind("#/", 0) != 0) return nullptr;
    Object::Ptr at = doc;
    std::istringstream keys(ref.substr(2));
    for (std::string key; std::getline(keys, key, '/');) {
        if (!at->has(key) || at->get(key).type() != typeid(Object::Ptr)) return nullptr;
        at = at->getObject(key);
    }
    return at;
}

test::HttpResult answer(int status, const std::string& body, const std::string& type = "application/json; charset=utf-8") {
    test::HttpResult r;
    r.status = status;
    r.body = body;
    r.headers["Content-Type"] = type;
    return r;
}
} // namespace

TEST_CASE("openapi: every registered route is described and in the document with its method and path", "[openapi]") {
    Table t;
    const auto paths = t.doc->getObject("paths");
    std::size_t operations = 0;
    for (const auto& [path, item] : *paths) operations += item.extract<Object::Ptr>()->size();
    CHECK(operations == t.router.routes().size());
    for (const auto& r : t.router.routes()) {
        INFO(r.method << " " << documentPath(r));
        const bool described = r.spec != nullptr; // an undescribed route is refused here
        CHECK(described);
        CHECK_FALSE((described ? r.spec->summary : std::string()).empty());
        REQUIRE(paths->has(documentPath(r)));
        REQUIRE(paths->getObject(documentPath(r))->has(Poco::toLower(r.method)));
        const auto op = paths->getObject(documentPath(r))->getObject(Poco::toLower(r.method));
        CHECK(op->getValue<std::string>("x-kabinet-access") == accessName(r.access));
        CHECK_FALSE(op->has("x-kabinet-undescribed"));
    }
    CHECK(paths->has("/api/v1/openapi.json"));
    CHECK(paths->has("/t/{tenant}/api/v1/points/{id}/readings"));
}

TEST_CASE("openapi: a route registered without a description is found and marked", "[openapi]") {
    Table t;
    CHECK(undescribedRoutes(t.router).empty());
    t.router.addUndescribed("GET", "/api/v1/undescribed", true, Access::User, [](Request&) { return Response::json(200, "{}"); });
    CHECK(undescribedRoutes(t.router) == std::vector<std::string>{"GET /t/{tenant}/api/v1/undescribed"});
    const auto op = openApiDocument(t.router)->getObject("paths")->getObject("/t/{tenant}/api/v1/undescribed")->getObject("get");
    REQUIRE(op);
    CHECK(op->getValue<bool>("x-kabinet-undescribed"));
}

TEST_CASE("openapi: the document is well-formed OpenAPI 3.1 and every $ref resolves", "[openapi]") {
    Table t;
    const auto& doc = t.doc;
    CHECK(doc->getValue<std::string>("openapi").rfind("3.1.", 0) == 0);
    REQUIRE(doc->has("info"));
    CHECK_FALSE(doc->getObject("info")->getValue<std::string>("title").empty());
    CHECK_FALSE(doc->getObject("info")->getValue<std::string>("version").empty());
    REQUIRE(doc->has("paths"));
    const auto schemes = doc->getObject("components")->getObject("securitySchemes");
    std::set<std::string> tags, operationIds;
    for (const auto& tag : *doc->getArray("tags")) tags.insert(tag.extract<Object::Ptr>()->getValue<std::string>("name"));
    static const std::set<std::string> methods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};
    for (const auto& [path, itemVar] : *doc->getObject("paths")) {
        INFO(path);
        CHECK(path.front() == '/');
        for (const auto& [method, opVar] : *itemVar.extract<Object::Ptr>()) {
            INFO(method);
            CHECK(methods.count(method) == 1);
            const auto op = opVar.extract<Object::Ptr>();
            CHECK(operationIds.insert(op->getValue<std::string>("operationId")).second);
            // Every {name} of the path template is a required path parameter, and no other is.
            std::set<std::string> inTemplate, declared;
            static const std::regex param(R"(\{([A-Za-z_]+)\})");
            for (std::sregex_iterator it(path.begin(), path.end(), param), end; it != end; ++it) inTemplate.insert((*it)[1]);
            if (op->has("parameters")) {
                for (const auto& pv : *op->getArray("parameters")) {
                    auto p = pv.extract<Object::Ptr>();
                    if (p->has("$ref")) p = pointee(doc, p->getValue<std::string>("$ref"));
                    REQUIRE(p);
                    CHECK((p->getValue<std::string>("in") == "path" || p->getValue<std::string>("in") == "query"));
                    CHECK(p->has("schema"));
                    if (p->getValue<std::string>("in") == "path") {
                        CHECK(p->getValue<bool>("required"));
                        declared.insert(p->getValue<std::string>("name"));
                    }
                }
            }
            CHECK(inTemplate == declared);
            REQUIRE(op->has("responses"));
            const auto responses = op->getObject("responses");
            CHECK(responses->size() >= 2); // at least one answer and the default error
            for (const auto& [status, rv] : *responses) {
                INFO(status);
                CHECK((status == "default" || std::regex_match(status, std::regex("[1-5][0-9][0-9]"))));
                auto resp = rv.extract<Object::Ptr>();
                if (resp->has("$ref")) resp = pointee(doc, resp->getValue<std::string>("$ref"));
                REQUIRE(resp);
                CHECK(resp->has("description"));
            }
            if (op->has("tags"))
                for (const auto& tag : *op->getArray("tags")) CHECK(tags.count(tag.convert<std::string>()) == 1);
            for (const auto& req : *op->getArray("security"))
                for (const auto& [scheme, ignored] : *req.extract<Object::Ptr>()) CHECK(schemes->has(scheme));
        }
    }
    std::vector<std::string> all;
    refs(doc, all);
    CHECK(all.size() > 60);
    for (const auto& ref : all) {
        INFO(ref);
        CHECK(pointee(doc, ref) != nullptr);
    }
    // The text served is the same document.
    CHECK(parse(openApiText(t.router)).extract<Object::Ptr>()->getValue<std::string>("openapi") == "3.1.0");
}

TEST_CASE("openapi: sessions are the cookie, writes with it carry the CSRF header, ingest takes a bearer token", "[openapi]") {
    Table t;
    const auto paths = t.doc->getObject("paths");
    auto security = [&](const std::string& path, const std::string& method) {
        std::ostringstream out;
        paths->getObject(path)->getObject(method)->getArray("security")->stringify(out);
        return out.str();
    };
    CHECK(security("/t/{tenant}/api/v1/tenant", "get") == "[]");
    CHECK(security("/t/{tenant}/api/v1/points", "get") == R"([{"session":[]}])");
    CHECK(security("/t/{tenant}/api/v1/me", "patch") == R"([{"session":[],"csrf":[]}])");
    CHECK(security("/t/{tenant}/api/v1/ingest/meter-data", "post") == R"([{"ingestToken":[]}])");
}

TEST_CASE("openapi: the answer checker refuses answers that do not match their declared shapes", "[openapi]") {
    const std::string good =
        R"({"points":[{"id":"p1","name":"Квартира","number":"ТУ-1","address":"г. Владимир","account":"3300123456","contract":null,)"
        R"("meter":{"id":"m1","model":"Меркурий 234","serial":"01234567","smart":true,"phases":3,"tariff_zones":2},)"
        R"("latest":{"ts":1700000000,"total":12.5,"t1":10,"t2":2.5,"t3":null,"t4":null},"manual_readings":{"allowed":false,"reason":"Нет"}}]})";
    const std::string target = "/t/voek/api/v1/points?x=1";
    CHECK(test::answerMismatch("GET", target, answer(200, good)).empty());

    auto replaced = [&](const std::string& from, const std::string& to) {
        std::string s = good;
        s.replace(s.find(from), from.size(), to);
        return test::answerMismatch("GET", target, answer(200, s));
    };
    // A wrong type names the path and field.
    CHECK_THAT(replaced(R"("serial":"01234567")", R"("serial":null)"),
               Catch::Contains("GET /t/voek/api/v1/points → 200") && Catch::Contains("body.points[0].meter.serial: expected string, got null"));
    CHECK_THAT(replaced(R"("phases":3)", R"("phases":3.5)"), Catch::Contains("body.points[0].meter.phases: expected integer"));
    CHECK_THAT(replaced(R"("smart":true)", R"("smart":1)"), Catch::Contains("body.points[0].meter.smart: expected boolean"));
    // A member missing, or one not declared.
    CHECK_THAT(replaced(R"("name":"Квартира",)", ""), Catch::Contains("body.points[0].name: missing"));
    CHECK_THAT(replaced(R"("number":"ТУ-1",)", R"("number":"ТУ-1","secret":"x",)"), Catch::Contains("body.points[0].secret: not declared"));
    // Null where the shape is not nullable; an object where a list is declared.
    CHECK_THAT(replaced(R"("manual_readings":{"allowed":false,"reason":"Нет"})", R"("manual_readings":null)"),
               Catch::Contains("body.points[0].manual_readings"));
    CHECK_THAT(test::answerMismatch("GET", target, answer(200, R"({"points":{}})")), Catch::Contains("body.points: expected array"));
    // A value outside an enumeration; a date that is not one.
    CHECK_THAT(test::answerMismatch("GET", "/t/voek/api/v1/operator/manual-readings", answer(200,
               R"({"rows":[{"id":"r","ts":1,"t1":1,"t2":null,"t3":null,"t4":null,"total":1,"state":"lost","reason":null,"submitted_at":1,)"
               R"("point_id":"p","point_name":"x","address":"y","model":"m","serial":"s","consumer":"c"}]})")),
               Catch::Contains("body.rows[0].state: \"lost\" is not one of the declared values"));
    CHECK_THAT(test::answerMismatch("GET", "/t/voek/api/v1/points/p1/consumption", answer(200,
               R"({"group":"day","energy":"A+","from":"03.12.2026","to":"2026-12-03","rows":[]})")),
               Catch::Contains("body.from: \"03.12.2026\" is not a date"));
    // Either of the login answers, and neither.
    CHECK(test::answerMismatch("POST", "/t/voek/api/v1/session", answer(200, R"({"second_factor":"totp","challenge":"c"})")).empty());
    CHECK_THAT(test::answerMismatch("POST", "/t/voek/api/v1/session", answer(200, R"({"second_factor":"totp"})")),
               Catch::Contains("matches none of the alternatives"));
    // A success status the route does not declare; an error that is not an Error; a body where none is declared.
    CHECK_THAT(test::answerMismatch("GET", target, answer(201, good)), Catch::Contains("status 201 is not declared"));
    CHECK_THAT(test::answerMismatch("GET", target, answer(404, R"({"error":"point_not_found"})")), Catch::Contains("body.message: missing"));
    CHECK(test::answerMismatch("GET", target, answer(404, R"({"error":"point_not_found","message":"Нет","fields":{}})")).empty());
    CHECK_THAT(test::answerMismatch("DELETE", "/t/voek/api/v1/session", answer(204, "{}")), Catch::Contains("a body where none is declared"));
    // Files: the declared content types only; JSON where JSON is declared.
    CHECK(test::answerMismatch("GET", "/t/voek/api/v1/points/p1/report", answer(200, "a;b", "text/csv; charset=utf-8")).empty());
    CHECK_THAT(test::answerMismatch("GET", "/t/voek/api/v1/points/p1/report", answer(200, "<html>", "text/html")),
               Catch::Contains("Content-Type text/html is not declared"));
    CHECK_THAT(test::answerMismatch("GET", target, answer(200, "<html>", "text/html")), Catch::Contains("where JSON is declared"));
    // Unknown API paths answer Errors; portal pages are not the API's.
    CHECK_THAT(test::answerMismatch("GET", "/t/voek/api/v1/nosuch", answer(404, R"({"error":"route_not_found"})")),
               Catch::Contains("body.message: missing"));
    CHECK(test::answerMismatch("GET", "/t/voek/register", answer(200, "<html>", "text/html")).empty());
}

TEST_CASE("openapi: the schema checker refuses a keyword it does not know", "[openapi]") {
    auto schema = parse(R"({"type":"string","pattern":"^a"})").extract<Object::Ptr>();
    CHECK_THROWS_WITH(test::schemaMismatch(Poco::Dynamic::Var(std::string("a")), schema, schema),
                      Catch::Contains("does not know the schema keyword 'pattern'"));
}
