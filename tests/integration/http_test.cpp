// kabinetd as a real process on the backend of this run: routing, the error model, tenants from Lua,
// containment of hostile tenants and broken plugins, configuration layers, graceful shutdown, the CLI.
#include <catch2/catch.hpp>

#include "KabinetdProcess.h"
#include "JsonText.h"
#include "TestContext.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/StreamSocket.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace kabinet;
using test::KabinetdProcess;

namespace {
using test::obj;

/// The server most tests share: the five seed tenants and the build's plugins.
test::FreshDatabase& sharedDb() {
    static test::FreshDatabase db;
    return db;
}

KabinetdProcess& shared() {
    static KabinetdProcess server(sharedDb().url());
    return server;
}

std::string validateBody(const std::string& kind, const std::string& fieldsJson, const std::string& consents = "[]") {
    return R"({"kind":")" + kind + R"(","fields":)" + fieldsJson + R"(,"consents":)" + consents + "}";
}

const char* kVoekLegal = R"({"inn":"7707083893","email":"org@example.ru","password":"Kabinet2024!Test",)"
                         R"("password_confirm":"Kabinet2024!Test","phone":"+7 900 123-45-67","ogrn":"1027700132195"})";

void requireErrorModel(const test::HttpResult& r, int status, const std::string& code) {
    INFO(r.body);
    CHECK(r.status == status);
    CHECK(r.headers.at("Content-Type").find("application/json") == 0);
    auto o = obj(r.body);
    CHECK(o->getValue<std::string>("error") == code);
    CHECK_FALSE(o->getValue<std::string>("message").empty());
    CHECK(o->getObject("fields"));
}
} // namespace

TEST_CASE("healthz reports the database, the five tenants and the plugins", "[http]") {
    auto r = shared().request("GET", "/healthz");
    REQUIRE(r.status == 200);
    auto o = obj(r.body);
    CHECK(o->getValue<std::string>("status") == "ok");
    CHECK(o->getValue<std::string>("database") == test::backend());
    std::vector<std::string> tenants;
    for (const auto& t : *o->getArray("tenants")) tenants.push_back(t.convert<std::string>());
    CHECK(tenants == std::vector<std::string>{"kes-orenburg", "oes360", "sigma", "vges", "voek"});
    bool sms = false;
    for (const auto& p : *o->getArray("plugins")) sms |= p.convert<std::string>() == "sms-http";
    CHECK(sms);
    CHECK_FALSE(r.headers.at("X-Request-Id").empty());
}

TEST_CASE("every error has its own code in the one error model", "[http]") {
    auto& s = shared();
    requireErrorModel(s.request("GET", "/t/nosuch/api/v1/tenant"), 404, "tenant_not_found");
    requireErrorModel(s.request("GET", "/t/voek/api/v1/nosuch"), 404, "route_not_found");
    requireErrorModel(s.request("GET", "/nosuch"), 404, "route_not_found");
    requireErrorModel(s.request("DELETE", "/t/voek/api/v1/tenant"), 405, "method_not_allowed");
    const std::string path = "/t/voek/api/v1/forms/registration/validate";
    requireErrorModel(s.request("POST", path, "{\"kind\": "), 400, "malformed_json");
    requireErrorModel(s.request("POST", path, "[1,2]"), 400, "expected_object");
    requireErrorModel(s.request("POST", path, "kind=x", {{"Content-Type", "application/x-www-form-urlencoded"}}), 415,
                      "unsupported_media_type");
    // Bodies over the limit: refused by their declared length before reading, and while reading a chunked one.
    auto declared = test::rawRequest(s.port(), "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                               "Content-Length: 2097152\r\n\r\n{");
    CHECK(declared.rfind("HTTP/1.1 413", 0) == 0);
    CHECK(declared.find("\"body_too_large\"") != std::string::npos);
    std::string chunk(64 * 1024, ' ');
    std::string chunked = "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 20; ++i) chunked += "10000\r\n" + chunk + "\r\n";
    auto streamed = test::rawRequest(s.port(), chunked);
    CHECK(streamed.rfind("HTTP/1.1 413", 0) == 0);
    auto r = s.request("POST", path, R"({"fields":{}})");
    requireErrorModel(r, 422, "validation_failed");
    CHECK(obj(r.body)->getObject("fields")->getValue<std::string>("kind") == "Укажите вид заявителя");
    // The server is still well after all of that.
    CHECK(s.request("GET", "/healthz").status == 200);
}

TEST_CASE("garbage on the socket does not hurt the server", "[http]") {
    auto& s = shared();
    for (const std::string& junk : {std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11),
                                   std::string("GET /healthz HTTP/9.9\r\nHost: \x01\x02\r\n\r\n"),
                                   std::string("POST /t/voek/api/v1/forms/registration/validate HTTP/1.1\r\nContent-Length: -5\r\n\r\n"),
                                   std::string(100000, 'A') + "\r\n\r\n"}) {
        Poco::Net::StreamSocket sock(Poco::Net::SocketAddress("127.0.0.1", s.port()));
        sock.setReceiveTimeout(Poco::Timespan(5, 0));
        try {
            sock.sendBytes(junk.data(), static_cast<int>(junk.size()));
            char buf[512];
            sock.receiveBytes(buf, sizeof buf);
        } catch (const std::exception&) {
        }
    }
    CHECK(s.running());
    CHECK(s.request("GET", "/healthz").status == 200);
}

TEST_CASE("tenant profiles come from Lua, by path prefix or by Host header", "[http][tenants]") {
    auto& s = shared();
    for (const char* id : {"kes-orenburg", "sigma", "voek", "vges", "oes360"}) {
        auto r = s.request("GET", std::string("/t/") + id + "/api/v1/tenant");
        REQUIRE(r.status == 200);
        auto p = obj(r.body);
        CHECK(p->getValue<std::string>("id") == id);
        CHECK_FALSE(p->getValue<std::string>("name").empty());
        CHECK(p->getObject("branding")->getValue<std::string>("primary").size() == 7);
        CHECK(p->getArray("modules")->size() > 0);
        CHECK(p->getArray("applicant_kinds")->size() > 0);
        // The same profile through the tenant's host.
        const std::string host = p->getArray("hosts")->getElement<std::string>(0);
        auto byHost = s.request("GET", "/api/v1/tenant", "", {{"Host", host + ":8080"}});
        CHECK(byHost.status == 200);
        CHECK(byHost.body == r.body);
    }
    requireErrorModel(s.request("GET", "/api/v1/tenant", "", {{"Host", "unknown.example"}}), 404, "route_not_found");
    auto voek = obj(s.request("GET", "/t/voek/api/v1/tenant").body);
    CHECK(voek->getArray("applicant_kinds")->size() == 3);
    // The menu sections of the cases come from the tenant's Lua (kabinet.cases); none is an empty array.
    auto vges = obj(s.request("GET", "/t/vges/api/v1/tenant").body);
    REQUIRE(vges->getArray("case_groups")->size() == 3); // appeals, services, tech connection
    CHECK(vges->getArray("case_groups")->getObject(1)->getValue<std::string>("list") == "appeals");
    CHECK(obj(s.request("GET", "/t/sigma/api/v1/tenant").body)->getArray("case_groups")->size() == 0);
}

TEST_CASE("registration forms carry the seed's fields with the agreed keys", "[http][tenants]") {
    auto& s = shared();
    for (const char* id : {"kes-orenburg", "sigma", "voek", "vges", "oes360"}) {
        auto r = s.request("GET", std::string("/t/") + id + "/api/v1/forms/registration");
        REQUIRE(r.status == 200);
        auto form = obj(r.body);
        for (const auto& k : *form->getArray("kinds")) {
            auto kind = k.extract<Poco::JSON::Object::Ptr>();
            int logins = 0;
            for (const auto& f : *kind->getArray("fields")) {
                auto field = f.extract<Poco::JSON::Object::Ptr>();
                for (const char* key : {"name", "label", "type", "required", "login"}) CHECK(field->has(key));
                logins += field->getValue<bool>("login") ? 1 : 0;
            }
            INFO(id << " / " << kind->getValue<std::string>("id"));
            CHECK(logins == 1);
        }
    }
    // ВОЭК legal entity: ИНН, Email, Пароль, Пароль повторно, Контактный телефон, ОГРН (login).
    auto voek = obj(s.request("GET", "/t/voek/api/v1/forms/registration").body);
    Poco::JSON::Object::Ptr legal;
    for (const auto& k : *voek->getArray("kinds"))
        if (k.extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("id") == "legal_entity") legal = k.extract<Poco::JSON::Object::Ptr>();
    REQUIRE(legal);
    std::vector<std::string> names, labels;
    for (const auto& f : *legal->getArray("fields")) {
        names.push_back(f.extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("name"));
        labels.push_back(f.extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("label"));
    }
    CHECK(names == std::vector<std::string>{"inn", "email", "password", "password_confirm", "phone", "ogrn"});
    CHECK(labels == std::vector<std::string>{"ИНН", "Email", "Пароль", "Пароль повторно", "Контактный телефон", "ОГРН"});
}

TEST_CASE("registration validation runs the tenant's rules and names each bad field in Russian", "[http][tenants]") {
    auto& s = shared();
    const std::string path = "/t/voek/api/v1/forms/registration/validate";
    auto ok = s.request("POST", path, validateBody("legal_entity", kVoekLegal, R"(["personal_data"])"));
    INFO(ok.body);
    CHECK(ok.status == 200);
    CHECK(ok.body == R"({"ok":true})");
    std::string bad = kVoekLegal;
    bad.replace(bad.find("1027700132195"), 13, "1027700132194");
    auto r = s.request("POST", path, validateBody("legal_entity", bad, R"(["personal_data"])"));
    requireErrorModel(r, 422, "validation_failed");
    auto fields = obj(r.body)->getObject("fields");
    CHECK(fields->size() == 1);
    CHECK_THAT(fields->getValue<std::string>("ogrn"), Catch::Contains("ОГРН"));
    r = s.request("POST", path, validateBody("nobody", "{}"));
    CHECK(obj(r.body)->getObject("fields")->getValue<std::string>("kind") == "Неизвестный вид заявителя");
    r = s.request("POST", path, R"({"kind":"legal_entity","fields":"x"})");
    CHECK(obj(r.body)->getObject("fields")->has("fields"));
    // Values that are not scalars never reach the tenant's scripts.
    std::string wide = R"({"kind":"legal_entity","fields":{"inn":"7707083893","x":[)";
    for (int i = 0; i < 300000; ++i) wide += i ? ",[]" : "[]";
    wide += "]}}";
    r = s.request("POST", path, wide);
    requireErrorModel(r, 422, "validation_failed");
    CHECK_THAT(obj(r.body)->getObject("fields")->getValue<std::string>("x"), Catch::Contains("строкой"));
    r = s.request("POST", path, R"({"kind":"legal_entity","fields":{"inn":")" + std::string(70000, '1') + "\"}}");
    CHECK(obj(r.body)->getObject("fields")->getValue<std::string>("inn") == "Слишком длинное значение");
    // СИГМА requires its licence agreement and personal-data consent.
    auto sigmaForm = obj(s.request("GET", "/t/sigma/api/v1/forms/registration").body);
    int required = 0;
    for (const auto& c : *sigmaForm->getArray("consents"))
        required += c.extract<Poco::JSON::Object::Ptr>()->getValue<bool>("required") ? 1 : 0;
    CHECK(required == 2);
    r = s.request("POST", "/t/sigma/api/v1/forms/registration/validate", validateBody("consumer", "{}"));
    CHECK(r.status == 422);
    int consentErrors = 0;
    auto sigmaErrors = obj(r.body)->getObject("fields");
    for (const auto& [k, v] : *sigmaErrors) consentErrors += k.rfind("consents.", 0) == 0 ? 1 : 0;
    CHECK(consentErrors == 2);
}

TEST_CASE("dictionaries and plugins are served per tenant", "[http][tenants]") {
    auto& s = shared();
    auto r = s.request("GET", "/t/vges/api/v1/dictionaries/streets");
    REQUIRE(r.status == 200);
    CHECK(obj(r.body)->getArray("items")->size() >= 30);
    requireErrorModel(s.request("GET", "/t/vges/api/v1/dictionaries/nosuch"), 404, "dictionary_not_found");
    CHECK(s.request("GET", "/t/voek/api/v1/plugins").status == 401); // tenant admins only
    auto p = obj(s.request("GET", "/t/voek/api/v1/plugins", "", test::adminSession(s, sharedDb().url(), "voek")).body);
    REQUIRE(p->getArray("plugins")->size() >= 1);
    std::map<std::string, Poco::JSON::Object::Ptr> byName;
    for (std::size_t i = 0; i < p->getArray("plugins")->size(); ++i) {
        auto o = p->getArray("plugins")->getObject(static_cast<unsigned>(i));
        byName[o->getValue<std::string>("name")] = o;
    }
    REQUIRE(byName.count("sms-http"));
    CHECK(byName["sms-http"]->getValue<std::string>("kind") == "channel");
    CHECK(byName["sms-http"]->getValue<std::string>("abi") == "1.2");
    for (const char* driver : {"mercury", "iec62056-21", "dlms"}) {
        REQUIRE(byName.count(driver));
        CHECK(byName[driver]->getValue<std::string>("kind") == "driver");
    }
}

TEST_CASE("the portal is served per tenant with its base path injected", "[http][portal]") {
    auto& s = shared();
    for (const char* path : {"/t/voek/", "/t/voek/register", "/t/voek/a/b"}) {
        auto r = s.request("GET", path);
        REQUIRE(r.status == 200);
        CHECK(r.headers.at("Content-Type").find("text/html") == 0);
        CHECK(r.body.find("<base href=\"/t/voek/\">") != std::string::npos);
        CHECK(r.body.find("content=\"/t/voek/api/v1\"") != std::string::npos);
        CHECK(r.body.find("<!--KABINET_BOOT-->") == std::string::npos);
    }
    auto js = s.request("GET", "/t/voek/assets/app.js");
    CHECK(js.status == 200);
    CHECK(js.headers.at("Content-Type").find("text/javascript") == 0);
    auto byHost = s.request("GET", "/register", "", {{"Host", "voek.kabinet.localhost"}});
    CHECK(byHost.body.find("<base href=\"/\">") != std::string::npos);
    CHECK(s.request("GET", "/t/voek/assets/nosuch.js").status == 404);
    // A tenant's own logo, from tenants/<id>/branding/.
    auto vges = obj(s.request("GET", "/t/vges/api/v1/tenant").body);
    auto logo = s.request("GET", "/t/vges/branding/" + vges->getObject("branding")->getValue<std::string>("logo"));
    CHECK(logo.status == 200);
    CHECK(logo.headers.at("Content-Type") == "image/svg+xml");
    CHECK(s.request("GET", "/t/voek/branding/logo.svg").status == 404);
    auto traversal = s.request("GET", "/t/voek/assets/..%2F..%2F..%2Fetc%2Fpasswd.txt");
    CHECK(traversal.status == 404);
    CHECK(traversal.body.find("root:") == std::string::npos);
    auto index = s.request("GET", "/");
    CHECK(index.status == 200);
    CHECK(index.body.find("/t/voek/") != std::string::npos);
}

TEST_CASE("metrics count requests by route pattern and status", "[http]") {
    auto& s = shared();
    s.request("GET", "/t/voek/api/v1/tenant");
    s.request("GET", "/t/voek/api/v1/nosuch");
    auto r = s.request("GET", "/metrics");
    REQUIRE(r.status == 200);
    CHECK(r.headers.at("Content-Type").find("text/plain") == 0);
    CHECK(r.body.find("kabinet_http_requests_total{method=\"GET\",route=\"/t/{tenant}/api/v1/tenant\",status=\"200\"}") != std::string::npos);
    CHECK(r.body.find("route=\"unmatched\",status=\"404\"") != std::string::npos);
    CHECK(r.body.find("kabinet_http_request_duration_seconds_bucket{method=\"GET\",route=\"/t/{tenant}/api/v1/tenant\",le=\"+Inf\"}") != std::string::npos);
}

TEST_CASE("a broken tenant is left out, hostile tenant scripts are contained, the server keeps serving", "[http][lua]") {
    const std::string dir = test::tempDir("tenants");
    std::filesystem::copy(test::sourceDir() + "/tenants/voek", dir + "/voek", std::filesystem::copy_options::recursive);
    std::filesystem::copy(test::sourceDir() + "/tests/fixtures/tenants-hostile", dir, std::filesystem::copy_options::recursive);
    test::FreshDatabase db;
    KabinetdProcess s(db.url(), {"--tenants", dir, "--lua-memory", "16777216", "--lua-budget", "20000000"});
    auto health = obj(s.request("GET", "/healthz").body);
    std::vector<std::string> tenants;
    for (const auto& t : *health->getArray("tenants")) tenants.push_back(t.convert<std::string>());
    CHECK(tenants == std::vector<std::string>{"hostile-loop", "hostile-memory", "voek"});
    CHECK_THAT(s.logs(), Catch::Contains("tenant failed to load") && Catch::Contains("broken/tenant.lua:5"));
    const std::string fields = R"({"email":"a@example.ru","password":"long enough 1"})";
    for (const char* id : {"hostile-loop", "hostile-memory"}) {
        auto t0 = std::chrono::steady_clock::now();
        auto r = s.request("POST", std::string("/t/") + id + "/api/v1/forms/registration/validate", validateBody("individual", fields));
        requireErrorModel(r, 500, "tenant_script_failed");
        CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10));
    }
    CHECK_THAT(s.logs(), Catch::Contains("instruction budget") && Catch::Contains("memory limit"));
    CHECK_THAT(s.logs(), Catch::Contains("tenant 'hostile-loop'"));
    CHECK(s.request("GET", "/healthz").status == 200);
    auto ok = s.request("POST", "/t/voek/api/v1/forms/registration/validate",
                        validateBody("legal_entity", kVoekLegal, R"(["personal_data"])"));
    CHECK(ok.status == 200);
}

TEST_CASE("incompatible and broken plugins are refused with a clear reason; the good one loads", "[http][plugins]") {
    test::FreshDatabase db;
    KabinetdProcess s(db.url(), {"--plugins", test::binaryDir() + "/test-plugins"});
    auto health = obj(s.request("GET", "/healthz").body);
    REQUIRE(health->getArray("plugins")->size() == 2);
    CHECK(health->getArray("plugins")->getElement<std::string>(0) == "connector"); // a fake connector (a supplier)
    CHECK(health->getArray("plugins")->getElement<std::string>(1) == "good");
    auto list = obj(s.request("GET", "/t/voek/api/v1/plugins", "", test::adminSession(s, db.url(), "voek")).body);
    std::map<std::string, std::string> failed;
    for (const auto& f : *list->getArray("failed")) {
        auto o = f.extract<Poco::JSON::Object::Ptr>();
        failed[o->getValue<std::string>("folder")] = o->getValue<std::string>("error");
    }
    CHECK_THAT(failed["bad-abi"], Catch::Contains("incompatible ABI version 2.0"));
    CHECK_THAT(failed["no-entry"], Catch::Contains("no entry symbol kabinet_plugin_entry"));
    CHECK_THAT(failed["throws"], Catch::Contains("threw an exception") && Catch::Contains("factory exploded"));
    CHECK_THAT(failed["refuses"], Catch::Contains("refused this host"));
    CHECK_THAT(failed["wrong-name"], Catch::Contains("differs from the manifest"));
    CHECK_THAT(failed["missing-library"], Catch::Contains("is missing"));
    CHECK_THAT(failed["bad-manifest"], Catch::Contains("not valid JSON"));
    CHECK_THAT(s.logs(), Catch::Contains("plugin refused") && Catch::Contains("needs host ABI 9.0"));
}

TEST_CASE("configuration layers: file, then environment, then options", "[http][config]") {
    test::FreshDatabase db;
    const std::string dir = test::tempDir("conf");
    std::ofstream(dir + "/kabinet.properties") << "# test configuration\nmax-body = 2048\nlog-level = debug\n";
    // The file says 2048, the environment 4096: the environment wins; the option --log-level wins over both.
    KabinetdProcess s(db.url(), {"--config", dir + "/kabinet.properties"}, {{"KABINET_MAX_BODY", "4096"}});
    const std::string path = "/t/voek/api/v1/forms/registration/validate";
    std::string mid = R"({"kind":"legal_entity","pad":")" + std::string(3000, 'x') + "\"}";
    CHECK(s.request("POST", path, mid).status == 422);
    std::string big = R"({"kind":"legal_entity","pad":")" + std::string(5000, 'x') + "\"}";
    CHECK(s.request("POST", path, big).status == 413);
    // A bad value is refused at start with a message naming the setting and its source.
    std::string out;
    int rc = test::runProgram({test::binaryDir() + "/core/kabinetd", "--database", db.url(), "--listen", "127.0.0.1:1",
                               "--threads", "zero"}, out);
    CHECK(rc != 0);
    CHECK_THAT(out, Catch::Contains("option --threads") && Catch::Contains("whole number"));
}

TEST_CASE("SIGTERM lets a request in flight finish, then the server exits cleanly", "[http]") {
    test::FreshDatabase db;
    KabinetdProcess s(db.url());
    const std::string body = validateBody("legal_entity", kVoekLegal, R"(["personal_data"])");
    Poco::Net::StreamSocket sock(Poco::Net::SocketAddress("127.0.0.1", s.port()));
    sock.setReceiveTimeout(Poco::Timespan(15, 0));
    std::string head = "POST /t/voek/api/v1/forms/registration/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                       "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
    std::string firstHalf = head + body.substr(0, body.size() / 2);
    sock.sendBytes(firstHalf.data(), static_cast<int>(firstHalf.size()));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ::kill(s.pid(), SIGTERM);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    std::string rest = body.substr(body.size() / 2);
    sock.sendBytes(rest.data(), static_cast<int>(rest.size()));
    std::string answer;
    char buf[4096];
    int n;
    while ((n = sock.receiveBytes(buf, sizeof buf)) > 0) answer.append(buf, n);
    CHECK(answer.rfind("HTTP/1.1 200", 0) == 0);
    CHECK(answer.find(R"({"ok":true})") != std::string::npos);
    CHECK(s.terminate(15) == 0);
    CHECK_THAT(s.logs(), Catch::Contains("shutting down") && Catch::Contains("\"msg\":\"stopped\""));
}

TEST_CASE("healthz answers 503 when the database goes away", "[http][postgresql]") {
    if (test::backend() != "postgresql") return; // a SQLite file cannot become unreachable under a running process
    auto db = std::make_unique<test::FreshDatabase>();
    KabinetdProcess s(db->url());
    REQUIRE(s.request("GET", "/healthz").status == 200);
    test::pgAdmin("DROP DATABASE " + db->name() + " WITH (FORCE)");
    auto r = s.request("GET", "/healthz");
    CHECK(r.status == 503);
    auto o = obj(r.body);
    CHECK(o->getValue<std::string>("status") == "unavailable");
    CHECK_FALSE(o->getValue<std::string>("reason").empty());
    CHECK(s.running());
    // The other routes, which need no database, still answer.
    CHECK(s.request("GET", "/t/voek/api/v1/tenant").status == 200);
}

TEST_CASE("kabinet CLI: version, migrate, tenants check, plugins list", "[cli]") {
    const std::string cli = test::binaryDir() + "/core/kabinet";
    std::string out;
    REQUIRE(test::runProgram({cli, "version"}, out) == 0);
    CHECK_THAT(out, Catch::Contains("plugin ABI 1.2"));
    test::FreshDatabase db;
    REQUIRE(test::runProgram({cli, "migrate", "--database", db.url()}, out) == 0);
    CHECK_THAT(out, Catch::Contains("schema version 0 ->"));
    REQUIRE(test::runProgram({cli, "migrate", "--database", db.url()}, out) == 0);
    CHECK_THAT(out, Catch::Contains("(0 applied)"));
    REQUIRE(test::runProgram({cli, "tenants", "check", test::sourceDir() + "/tenants", "--scripts", test::sourceDir() + "/scripts"}, out) == 0);
    CHECK_THAT(out, Catch::Contains("ok      voek"));
    CHECK(test::runProgram({cli, "tenants", "check", test::sourceDir() + "/tests/fixtures/tenants-hostile", "--scripts",
                            test::sourceDir() + "/scripts"}, out) == 1);
    CHECK_THAT(out, Catch::Contains("FAILED  broken") && Catch::Contains("tenant.lua:5"));
    CHECK(test::runProgram({cli, "plugins", "list", test::binaryDir() + "/test-plugins"}, out) == 1);
    CHECK_THAT(out, Catch::Contains("good\tchannel") && Catch::Contains("refused bad-abi"));
    REQUIRE(test::runProgram({cli, "plugins", "list", test::binaryDir() + "/plugins-out"}, out) == 0);
    CHECK_THAT(out, Catch::Contains("sms-http\tchannel"));
    CHECK(test::runProgram({cli, "frobnicate"}, out) == 2);
    CHECK_THAT(out, Catch::Contains("unknown command"));
}
