#pragma once
// What the case tests share: one server on the backend of this run with the seed tenants and the fixture tenant
// grid6 (a sixth kind declared in Lua alone), the SMTP test server, a direct database and the tenants for calls
// straight to the service, and logged-in consumers and operators of each tenant.
#include "AnswerShapes.h"
#include "KabinetdProcess.h"
#include "Simulators.h"
#include "TenantClient.h"
#include "TestContext.h"
#include "storage/Database.h"
#include "tenants/TenantRegistry.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <ctime>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

namespace cases_test {

using namespace kabinet;
using test::HttpResult;
using Obj = Poco::JSON::Object::Ptr;
using Arr = Poco::JSON::Array::Ptr;

inline Obj obj(const std::string& text) { return Poco::JSON::Parser().parse(text).extract<Obj>(); }

inline std::string unique(const std::string& prefix) {
    static std::atomic<int> n{0};
    return prefix + std::to_string(::getpid()) + "x" + std::to_string(++n) + "x" + std::to_string(std::rand() % 100000);
}

/// The seed tenants and the fixture tenant in one folder.
inline std::string tenantsDir() {
    static const std::string dir = [] {
        const std::string d = test::tempDir("cases-tenants");
        for (const char* t : {"vges", "oes360", "voek"})
            std::filesystem::copy(test::sourceDir() + "/tenants/" + t, d + "/" + t, std::filesystem::copy_options::recursive);
        std::filesystem::copy(test::sourceDir() + "/tests/fixtures/tenants-cases", d, std::filesystem::copy_options::recursive);
        // The tech-connection variants of issue 13 (a utility's own workflow in its Lua alone).
        if (std::filesystem::exists(test::sourceDir() + "/tests/fixtures/tenants-techconnect"))
            std::filesystem::copy(test::sourceDir() + "/tests/fixtures/tenants-techconnect", d, std::filesystem::copy_options::recursive);
        return d;
    }();
    return dir;
}

struct World {
    test::FreshDatabase db;
    test::SmtpServer smtp;
    test::KabinetdProcess server;
    Database direct;
    TenantRegistry tenants;
    World()
        : server(db.url(), {"--smtp", smtp.url(), "--public-url", "http://kabinet.test", "--tenants", tenantsDir()}), direct(db.url(), 8),
          tenants(tenantsDir(), test::sourceDir() + "/scripts", LuaLimits{}) {}

    long long scalar(const std::string& sql) {
        long long v = 0;
        direct.read([&](soci::session& s) { s << sql, soci::into(v); });
        return v;
    }
    std::string text(const std::string& sql) {
        std::string v;
        soci::indicator ind;
        direct.read([&](soci::session& s) { s << sql, soci::into(v, ind); });
        return ind == soci::i_ok ? v : std::string();
    }
};

inline World& world() {
    static World w;
    return w;
}

/// One file part of a multipart form.
struct Part {
    std::string name, fileName, content, contentType = "application/octet-stream";
};

/// A multipart/form-data body of text fields and files; returns the body, sets `type` to its Content-Type.
inline std::string multipart(const std::vector<std::pair<std::string, std::string>>& fields, const std::vector<Part>& files,
                             std::string& type) {
    const std::string b = "----kabinet-test-boundary-7d1f";
    type = "multipart/form-data; boundary=" + b;
    std::string body;
    for (const auto& [k, v] : fields) body += "--" + b + "\r\nContent-Disposition: form-data; name=\"" + k + "\"\r\n\r\n" + v + "\r\n";
    for (const auto& f : files)
        body += "--" + b + "\r\nContent-Disposition: form-data; name=\"" + f.name + "\"; filename=\"" + f.fileName +
                "\"\r\nContent-Type: " + f.contentType + "\r\n\r\n" + f.content + "\r\n";
    body += "--" + b + "--\r\n";
    return body;
}

/// A small well-formed PDF.
inline std::string pdf(const std::string& words = "answer") {
    return "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% " + words + "\ntrailer << /Root 1 0 R >>\n%%EOF\n";
}

/// A logged-in person of a tenant.
struct Client : test::TenantClient {
    std::string email, loginId, userId;
    Client(World& w, const std::string& tenant) : TenantClient(w.server, tenant) {}

    /// POST of a multipart form with the session.
    HttpResult form(const std::string& path, const std::vector<std::pair<std::string, std::string>>& fields, const std::vector<Part>& files) {
        std::string type;
        const std::string body = multipart(fields, files, type);
        const std::string target = "/t/" + tenant + "/api/v1/" + path;
        auto r = server.request("POST", target, body,
                                {{"Cookie", "kabinet_session=" + cookie}, {"X-CSRF-Token", csrf}, {"Content-Type", type}});
        test::checkAnswer("POST", target, r);
        return r;
    }
    Obj get(const std::string& path, int status = 200) {
        auto r = call("GET", path);
        INFO(path << " → " << r.body);
        REQUIRE(r.status == status);
        return obj(r.body);
    }
    Obj post(const std::string& path, const std::string& body, int status) {
        auto r = call("POST", path, body);
        INFO(path << " → " << r.body);
        REQUIRE(r.status == status);
        return obj(r.body);
    }
    void findId(World& w) { userId = w.text("SELECT user_id FROM users WHERE tenant_id = '" + tenant + "' AND email = '" + email + "'"); }
};

inline std::string tokenFromMail(const test::ReceivedMail& m) {
    const std::string link = test::findLink(m.text, "confirm/email");
    INFO(m.text);
    REQUIRE_FALSE(link.empty());
    return test::queryParam(link, "token");
}

/// A valid СНИЛС made of 9 random digits and their check number.
inline std::string snils() {
    std::string d;
    for (int i = 0; i < 9; ++i) d += static_cast<char>('0' + (i == 0 ? 1 + std::rand() % 8 : std::rand() % 10));
    int sum = 0;
    for (int i = 0; i < 9; ++i) sum += (d[i] - '0') * (9 - i);
    int check = sum < 100 ? sum : (sum == 100 || sum == 101) ? 0 : sum % 101;
    if (check == 100) check = 0;
    char buf[4];
    std::snprintf(buf, sizeof buf, "%02d", check);
    return d.substr(0, 3) + "-" + d.substr(3, 3) + "-" + d.substr(6, 3) + " " + buf;
}

/// A consumer of the tenant, registered through the portal's API (and confirmed by mail where the tenant asks) and
/// logged in.
inline Client consumer(World& w, const std::string& tenant, const std::string& name = "Иванов Иван Иванович") {
    Client c(w, tenant);
    const std::string u = unique("case");
    c.email = u + "@example.ru";
    HttpResult r;
    if (tenant == "vges") {
        c.loginId = u;
        r = c.call("POST", "registration",
                   R"({"kind":"individual","fields":{"username":")" + u + R"(","email":")" + c.email + R"(",)"
                       R"("password":"Secret123","password_confirm":"Secret123","full_name":")" + name + R"(","from_voronezh":false,)"
                       R"("address":"Воронеж","postcode":"394000","phone":"+79601153767","snils":"112-233-445 95"},)"
                       R"("consents":["personal_data"]})");
    } else if (tenant == "oes360") {
        c.loginId = c.email;
        r = c.call("POST", "registration", R"({"kind":"consumer","fields":{"email":")" + c.email + R"(","full_name":")" + name +
                                               R"(","phone":"+79031112233","password":"Secret123","password_confirm":"Secret123"}})");
    } else if (tenant == "voek") {
        c.loginId = snils();
        r = c.call("POST", "registration",
                   R"({"kind":"individual","fields":{"snils":")" + c.loginId + R"(","email":")" + c.email + R"(","password":"Secret123",)"
                       R"("password_confirm":"Secret123","phone":"+79001234567","full_name":")" + name + R"("},"consents":["personal_data"]})");
    } else {
        c.loginId = c.email;
        r = c.call("POST", "registration", R"({"kind":"individual","fields":{"email":")" + c.email + R"(","password":"Secret123"}})");
    }
    INFO(r.body);
    REQUIRE(r.status == 201);
    if (tenant == "oes360" || tenant == "voek") {
        auto m = w.smtp.waitFor(c.email);
        REQUIRE(c.call("POST", "confirm/email", R"({"token":")" + tokenFromMail(m) + R"("})").status == 200);
    }
    if (c.csrf.empty()) {
        auto l = c.login(c.loginId, "Secret123");
        INFO(l.body);
        REQUIRE(l.status == 200);
    }
    c.findId(w);
    REQUIRE_FALSE(c.userId.empty());
    return c;
}

/// A tenant administrator (staff: the operators' routes), logged in.
inline Client operatorOf(World& w, const std::string& tenant) {
    Client c(w, tenant);
    c.email = unique("op") + "@" + tenant + ".example";
    std::string out;
    REQUIRE(test::runProgram({test::binaryDir() + "/core/kabinet", "users", "create-admin", "--tenant", tenant, "--email", c.email,
                              "--database", w.db.url(), "--tenants", tenantsDir(), "--scripts", test::sourceDir() + "/scripts"},
                             out, {{"KABINET_ADMIN_PASSWORD", "Admin-Password-9"}}) == 0);
    auto r = c.login(c.email, "Admin-Password-9");
    INFO(r.body);
    REQUIRE(r.status == 200);
    c.findId(w);
    return c;
}

/// The ids of the cases of a list answer.
inline std::vector<std::string> caseIds(const Obj& list) {
    std::vector<std::string> out;
    auto a = list->getArray("cases");
    for (std::size_t i = 0; i < a->size(); ++i) out.push_back(a->getObject(i)->getValue<std::string>("id"));
    return out;
}

/// The ids of the actions of a case view.
inline std::vector<std::string> actionIds(const Obj& view) {
    std::vector<std::string> out;
    auto a = view->getArray("actions");
    for (std::size_t i = 0; i < a->size(); ++i) out.push_back(a->getObject(i)->getValue<std::string>("id"));
    return out;
}

inline std::string field(const HttpResult& r, const std::string& name) {
    auto o = obj(r.body);
    auto f = o->getObject("fields");
    return f && f->has(name) ? f->getValue<std::string>(name) : std::string();
}

} // namespace cases_test
