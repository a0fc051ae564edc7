#include "AnswerShapes.h"

#include "SchemaCheck.h"
#include "api/OpenApi.h"
#include "api/Routes.h"
#include "server/Services.h"

#include <catch2/catch.hpp>

#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include <mutex>
#include <thread>
#include <vector>

namespace kabinet::test {

namespace {
/// The API description, built once from the same route table kabinetd serves it from.
struct Description {
    Router router;
    Poco::JSON::Object::Ptr document;
    Description() {
        Services none;
        registerAllRoutes(router, none);
        document = openApiDocument(router);
    }
    /// The operation of the route `method path` answers, or null.
    Poco::JSON::Object::Ptr operation(const std::string& method, const std::string& path) const {
        std::map<std::string, std::string> params;
        bool pathMatched = false;
        const Route* route = nullptr;
        if (path.rfind("/t/", 0) == 0) {
            const auto slash = path.find('/', 3);
            if (slash == std::string::npos) return nullptr;
            route = router.match(method, path.substr(slash), true, params, pathMatched);
        } else {
            route = router.match(method, path, false, params, pathMatched);
            if (!route) route = router.match(method, path, true, params, pathMatched); // a tenant's own host
        }
        if (!route) return nullptr;
        const std::string m = method == "HEAD" ? "get" : Poco::toLower(route->method);
        return document->getObject("paths")->getObject(documentPath(*route))->getObject(m);
    }
};

const Description& description() {
    static const Description d;
    return d;
}

const std::thread::id kMainThread = std::this_thread::get_id();
std::mutex pendingMutex;
std::vector<std::string> pending; ///< mismatches seen on other threads, reported by the next check on the main one

std::string headerOf(const HttpResult& r, const std::string& name) {
    for (const auto& [k, v] : r.headers)
        if (Poco::icompare(k, name) == 0) return v;
    return {};
}

std::string mediaType(const std::string& contentType) {
    return Poco::toLower(Poco::trim(contentType.substr(0, contentType.find(';'))));
}

/// Why the answer does not match its declaration, or "".
std::string mismatch(const std::string& method, const std::string& path, const HttpResult& answer) {
    const auto& doc = description().document;
    const auto op = description().operation(method, path);
    Poco::JSON::Object::Ptr response;
    if (op) {
        const auto responses = op->getObject("responses");
        const std::string status = std::to_string(answer.status);
        if (responses->has(status)) response = responses->getObject(status);
        else if (answer.status >= 400) response = doc->getObject("components")->getObject("responses")->getObject("Error");
        else return "status " + status + " is not declared";
    } else if (answer.status >= 400 && (path.rfind("/t/", 0) == 0 || path.rfind("/api/", 0) == 0) &&
               mediaType(headerOf(answer, "Content-Type")) == "application/json") {
        response = doc->getObject("components")->getObject("responses")->getObject("Error"); // 404, 405 of the API
    } else {
        return {}; // portal pages, simulators
    }
    if (method == "HEAD") return {};
    if (!response->has("content")) return answer.body.empty() ? std::string() : "a body where none is declared";
    const auto content = response->getObject("content");
    const std::string type = mediaType(headerOf(answer, "Content-Type"));
    if (content->has("application/json") && (type == "application/json" || content->size() == 1)) {
        if (type != "application/json") return "Content-Type " + type + " where JSON is declared";
        Poco::Dynamic::Var body;
        try {
            body = Poco::JSON::Parser().parse(answer.body);
        } catch (const Poco::Exception&) {
            return "the body is not JSON";
        }
        return schemaMismatch(body, content->getObject("application/json")->getObject("schema"), doc);
    }
    for (const auto& [declared, ignored] : *content)
        if (mediaType(declared) == type) return {};
    return "Content-Type " + type + " is not declared";
}
} // namespace

Poco::JSON::Object::Ptr apiDescription() { return description().document; }

std::string answerMismatch(const std::string& method, const std::string& target, const HttpResult& answer) {
    const std::string path = target.substr(0, target.find('?'));
    std::string problem;
    try {
        problem = mismatch(method, path, answer);
    } catch (const std::exception& e) {
        problem = std::string("the description cannot be checked: ") + e.what();
    }
    return problem.empty() ? problem : method + " " + path + " → " + std::to_string(answer.status) + ": " + problem;
}

void checkAnswer(const std::string& method, const std::string& target, const HttpResult& answer) {
    const std::string problem = answerMismatch(method, target, answer);
    if (std::this_thread::get_id() != kMainThread) {
        if (!problem.empty()) {
            std::lock_guard<std::mutex> lock(pendingMutex);
            pending.push_back(problem);
        }
        return;
    }
    std::vector<std::string> seen;
    {
        std::lock_guard<std::mutex> lock(pendingMutex);
        seen.swap(pending);
    }
    if (!problem.empty()) seen.push_back(problem);
    for (const auto& p : seen) FAIL_CHECK("answer does not match its declared shape: " << p);
}

} // namespace kabinet::test
