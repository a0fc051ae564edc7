// Tenant limits on the backend of this run (docs/ARCHITECTURE.md «Tenant limits»), against kabinetd with the fixture
// tenants of tests/fixtures/tenants-limits: limrate (one request a second per client, burst 4; per tenant burst 6)
// and limtest (10 ingest rows a minute, 1,500 bytes of documents, 2 text messages a day). Each limit is reached:
// a 429 with Retry-After and {error: limit_exceeded, limit, message}, nothing stored of what was refused, a text
// message over the day marked failed with its reason and never retried; GET operator/limits and /metrics show
// the limits, the usage and the refusals.
#include <catch2/catch.hpp>

#include "AnswerShapes.h"
#include "KabinetdProcess.h"
#include "TenantClient.h"
#include "JsonText.h"
#include "TestContext.h"
#include "limits/RateLimiter.h"
#include "meters/MeterRegistry.h"
#include "notify/Outbox.h"
#include "storage/Database.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <regex>
#include <thread>

using namespace kabinet;
using test::HttpResult;
using Obj = Poco::JSON::Object::Ptr;

namespace {

using test::obj;

const std::string kToken = "ingest-token-limits-0123456789";

std::string tenantsDir() {
    static const std::string dir = [] {
        const std::string d = test::tempDir("limits-tenants");
        std::filesystem::copy(test::sourceDir() + "/tests/fixtures/tenants-limits", d, std::filesystem::copy_options::recursive);
        return d;
    }();
    return dir;
}

/// One server for every test of this file: the fixture tenants, an ingest token; text messages go to files.
struct World {
    test::FreshDatabase db;
    test::KabinetdProcess server{db.url(), {"--tenants", tenantsDir(), "--ingest-token", kToken}};
    Database direct{db.url(), 2};

    long long count(const std::string& sql) {
        long long n = 0;
        direct.read([&](soci::session& s) { s << sql, soci::into(n); });
        return n;
    }
};

World& world() {
    static World w;
    return w;
}

/// A GET sent from `from` (an address of the loopback network), the connection closed after the answer.
HttpResult getFrom(unsigned short port, const std::string& from, const std::string& path) {
    HttpResult r;
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    ::inet_pton(AF_INET, from.c_str(), &a.sin_addr);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0);
    const std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    REQUIRE(::send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size()));
    std::string raw;
    char buf[4096];
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 5000) <= 0) break;
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        raw.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    const auto head = raw.find("\r\n\r\n");
    REQUIRE(head != std::string::npos);
    r.status = std::stoi(raw.substr(9, 3));
    r.body = raw.substr(head + 4);
    std::size_t at = raw.find("\r\n");
    while (at < head) {
        const std::size_t end = raw.find("\r\n", at + 2);
        const std::string line = raw.substr(at + 2, end - at - 2);
        if (const auto colon = line.find(':'); colon != std::string::npos)
            r.headers[line.substr(0, colon)] = line.substr(line.find_first_not_of(' ', colon + 1));
        at = end;
    }
    return r;
}

/// Checks a refusal: 429, Retry-After of at least a second, the JSON body naming the limit, a Russian message.
void refusedBy(const HttpResult& r, const std::string& limit) {
    INFO(r.body);
    REQUIRE(r.status == 429);
    REQUIRE(r.headers.count("Retry-After"));
    CHECK(std::stoll(r.headers.at("Retry-After")) >= 1);
    auto o = obj(r.body);
    CHECK(o->getValue<std::string>("error") == "limit_exceeded");
    CHECK(o->getValue<std::string>("limit") == limit);
    const std::string message = o->getValue<std::string>("message");
    CHECK(std::regex_search(message, std::regex("[А-Яа-я]")));
    CHECK(o->getValue<long long>("retry_after") >= 1);
}

/// The value of a /metrics line with these labels, or -1 when there is none.
long long metric(World& w, const std::string& name, const std::string& tenant, const std::string& limit) {
    const auto r = w.server.request("GET", "/metrics");
    REQUIRE(r.status == 200);
    std::smatch m;
    const std::regex line(name + "\\{tenant=\"" + tenant + "\",limit=\"" + limit + "\"\\} ([0-9]+)");
    return std::regex_search(r.body, m, line) ? std::stoll(m[1]) : -1;
}

/// A tenant administrator of a fixture tenant, logged in.
test::TenantClient admin(World& w, const std::string& tenant) {
    static int n = 0;
    const std::string email = "admin" + std::to_string(++n) + "x" + std::to_string(::getpid()) + "@" + tenant + ".example";
    std::string out;
    REQUIRE(test::runProgram({test::binaryDir() + "/core/kabinet", "users", "create-admin", "--tenant", tenant, "--email", email,
                              "--database", w.db.url(), "--tenants", tenantsDir(), "--scripts", test::sourceDir() + "/scripts"},
                             out, {{"KABINET_ADMIN_PASSWORD", "Admin-Password-9"}}) == 0);
    test::TenantClient c(w.server, tenant);
    auto r = c.login(email, "Admin-Password-9");
    INFO(r.body);
    REQUIRE(r.status == 200);
    return c;
}

} // namespace

TEST_CASE("limits: the request buckets refill at their rate, keep clients apart and let idle ones go", "[limits]") {
    using namespace kabinet::limits;
    LimitSettings l;
    l.clientRate = 1;
    l.clientBurst = 2;
    l.tenantRate = 1;
    l.tenantBurst = 3;
    RateLimiter rates;
    rates.admitRequest("t", l, "a");
    rates.admitRequest("t", l, "a");
    try {
        rates.admitRequest("t", l, "a");
        FAIL("the third request of a client with a burst of 2 passed");
    } catch (const Error& e) {
        CHECK(e.status() == 429);
        CHECK(e.extra().at("limit") == kClientRate);
        CHECK(e.retryAfterSeconds() == 1);
    }
    rates.admitRequest("t", l, "b"); // another client: its own bucket, the tenant's third token
    try {
        rates.admitRequest("t", l, "b");
        FAIL("the tenant's fourth request with a burst of 3 passed");
    } catch (const Error& e) {
        CHECK(e.extra().at("limit") == kTenantRate);
    }
    rates.admitRequest("u", l, "a"); // another tenant: its own buckets
    CHECK(rates.usage("t").requestsLastSecond == 3);
    CHECK(rates.usage("t").clients == 2);

    TokenBucket b;
    const auto t0 = Clock::now();
    b.refill(t0, 2, 10);
    CHECK(b.tokens == 10);
    b.tokens = 0;
    b.refill(t0 + std::chrono::milliseconds(1500), 2, 10);
    CHECK(b.tokens == Approx(3));
    CHECK(b.secondsUntil(5, 2) == 1);
    b.refill(t0 + std::chrono::seconds(100), 2, 10);
    CHECK(b.tokens == 10);

    // A tenant with many clients lets the idle (full again) buckets go.
    LimitSettings fast = l;
    fast.clientRate = 1000000;
    fast.clientBurst = 1;
    fast.tenantRate = 1000000;
    fast.tenantBurst = 1000000;
    for (int i = 0; i < 5000; ++i) rates.admitRequest("many", fast, "client" + std::to_string(i));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    rates.admitRequest("many", fast, "one more");
    CHECK(rates.usage("many").clients < 5000);
}

TEST_CASE("limits: a client over its burst gets 429, another client passes until the tenant's bucket is empty", "[limits]") {
    auto& w = world();
    const std::string path = "/t/limrate/api/v1/tenant";
    // Four at once pass (the client's burst); the client is refused before long, the tenant's bucket untouched.
    for (int i = 0; i < 4; ++i) {
        auto r = w.server.request("GET", path);
        INFO(i << ": " << r.body);
        REQUIRE(r.status == 200);
    }
    HttpResult refused;
    for (int i = 0; i < 3 && refused.status != 429; ++i) refused = w.server.request("GET", path);
    refusedBy(refused, "requests_per_second_per_client");
    CHECK(metric(w, "kabinet_limit_rejections_total", "limrate", "requests_per_second_per_client") >= 1);

    // Another address has a full bucket of its own, but the tenant's (burst 6) runs out first.
    HttpResult other;
    int passed = 0;
    for (int i = 0; i < 4; ++i) {
        other = getFrom(w.server.port(), "127.0.0.2", path);
        if (other.status != 200) break;
        ++passed;
    }
    CHECK(passed <= 3);
    refusedBy(other, "requests_per_second");
    test::checkAnswer("GET", path, other);
    CHECK(metric(w, "kabinet_limit_rejections_total", "limrate", "requests_per_second") >= 1);
    CHECK(metric(w, "kabinet_limit", "limrate", "burst") == 6);

    // The buckets refill at one request a second; portal pages are never counted.
    std::this_thread::sleep_for(std::chrono::milliseconds(2200));
    CHECK(getFrom(w.server.port(), "127.0.0.2", path).status == 200);
    for (int i = 0; i < 8; ++i) CHECK(w.server.request("GET", "/t/limrate/").status == 200);
}

TEST_CASE("limits: meter-data ingest over the tenant's rows a minute is refused whole", "[limits]") {
    auto& w = world();
    MeterRegistry reg(w.direct);
    const std::string acc = reg.upsertAccount("limtest", {"", "LIM-1", "", "ООО «Лимит»", "г. Воронеж"});
    const std::string point =
        reg.upsertPoint("limtest", {"", acc, "", "Цех", "36-ТУ-1", "electricity", "г. Воронеж", "ВРУ", "", "T1", std::nullopt});
    Meter m;
    m.pointId = point;
    m.model = "ФОБОС 1";
    m.serial = "77000001";
    m.phases = 1;
    m.tariffZones = 1;
    const std::string meter = reg.upsertMeter("limtest", m);
    const long long now = static_cast<long long>(std::time(nullptr));
    auto batch = [&](int rows, long long from, bool broken = false) {
        std::string b = R"({"readings":[)";
        for (int i = 0; i < rows; ++i)
            b += std::string(i ? "," : "") + R"({"meter_id":")" + meter + R"(","ts":)" + std::to_string(from + i * 60) + R"(,"total":)" +
                 (broken && i == rows - 1 ? "-1" : std::to_string(100 + i)) + "}";
        return b + "]}";
    };
    const std::map<std::string, std::string> auth = {{"Authorization", "Bearer " + kToken}};
    const std::string path = "/t/limtest/api/v1/ingest/meter-data";
    auto r = w.server.request("POST", path, batch(6, now - 7200), auth);
    INFO(r.body);
    REQUIRE(r.status == 200);
    // Six more would pass the ten a minute: refused whole, nothing of it stored.
    refusedBy(w.server.request("POST", path, batch(6, now - 3600), auth), "ingest_rows_per_minute");
    CHECK(w.count("SELECT COUNT(*) FROM readings WHERE tenant_id = 'limtest'") == 6);
    // Larger than the whole budget: it can never pass, the message says to split it.
    auto big = w.server.request("POST", path, batch(11, now - 3600), auth);
    refusedBy(big, "ingest_rows_per_minute");
    CHECK(obj(big.body)->getValue<std::string>("message").find("разделите пакет") != std::string::npos);
    // A batch refused for its content gives its rows back: four good rows still fit.
    CHECK(w.server.request("POST", path, batch(4, now - 1800, true), auth).status == 422);
    auto four = w.server.request("POST", path, batch(4, now - 1800), auth);
    INFO(four.body);
    CHECK(four.status == 200);
    CHECK(w.count("SELECT COUNT(*) FROM readings WHERE tenant_id = 'limtest'") == 10);
    CHECK(metric(w, "kabinet_limit_rejections_total", "limtest", "ingest_rows_per_minute") == 2);

    auto staff = admin(w, "limtest");
    auto l = staff.call("GET", "operator/limits");
    INFO(l.body);
    REQUIRE(l.status == 200);
    auto o = obj(l.body);
    CHECK(o->getObject("limits")->getValue<long long>("ingest_rows_per_minute") == 10);
    CHECK(o->getObject("limits")->getValue<long long>("sms_per_day") == 2);
    CHECK(o->getObject("limits")->getValue<long long>("requests_per_second_per_client") == 5000);
    const long long used = o->getObject("usage")->getValue<long long>("ingest_rows_per_minute");
    CHECK(used > 0);
    CHECK(used <= 10);
    CHECK(metric(w, "kabinet_limit_usage", "limtest", "ingest_rows_per_minute") > 0);
}

TEST_CASE("limits: an upload that would pass the tenant's document quota is refused and nothing of it stays", "[limits]") {
    auto& w = world();
    test::TenantClient c(w.server, "limtest");
    const std::string email = "doc" + std::to_string(::getpid()) + "@limtest.example";
    auto reg = c.call("POST", "registration", R"({"kind":"individual","fields":{"email":")" + email + R"(","password":"Secret123"}})");
    INFO(reg.body);
    REQUIRE(reg.status == 201);
    if (c.csrf.empty()) REQUIRE(c.login(email, "Secret123").status == 200);
    auto file = [&](const std::string& name, std::size_t padding) {
        const std::string pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% " + std::string(padding, 'x') +
                                "\ntrailer << /Root 1 0 R >>\n%%EOF\n";
        const std::string b = "----limits-boundary-5e2a";
        std::string body = "--" + b + "\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nletter\r\n";
        body += "--" + b + "\r\nContent-Disposition: form-data; name=\"fields\"\r\n\r\n{\"text\":\"Прошу проверить документ\"}\r\n";
        body += "--" + b + "\r\nContent-Disposition: form-data; name=\"doc.scan\"; filename=\"" + name +
                "\"\r\nContent-Type: application/pdf\r\n\r\n" + pdf + "\r\n--" + b + "--\r\n";
        return w.server.request("POST", "/t/limtest/api/v1/cases", body,
                                {{"Cookie", "kabinet_session=" + c.cookie}, {"X-CSRF-Token", c.csrf},
                                 {"Content-Type", "multipart/form-data; boundary=" + b}});
    };
    auto first = file("первый.pdf", 900);
    INFO(first.body);
    REQUIRE(first.status == 201);
    const long long cases = w.count("SELECT COUNT(*) FROM cases WHERE tenant_id = 'limtest'");
    const long long kept = w.count("SELECT COALESCE(SUM(size), 0) FROM documents WHERE tenant_id = 'limtest'");
    CHECK(kept > 900);
    CHECK(kept < 1500);
    // 1,500 bytes in all: a second file of the same size is refused, with its case.
    auto second = file("второй.pdf", 900);
    refusedBy(second, "document_storage_bytes");
    CHECK(obj(second.body)->getValue<std::string>("message").find("второй.pdf") != std::string::npos);
    CHECK(w.count("SELECT COUNT(*) FROM cases WHERE tenant_id = 'limtest'") == cases);
    CHECK(w.count("SELECT COALESCE(SUM(size), 0) FROM documents WHERE tenant_id = 'limtest'") == kept);
    CHECK(w.count("SELECT COUNT(*) FROM document_chunks WHERE tenant_id = 'limtest'") ==
          w.count("SELECT COUNT(*) FROM documents WHERE tenant_id = 'limtest'"));
    // A small one still fits.
    auto small = file("третий.pdf", 10);
    INFO(small.body);
    CHECK(small.status == 201);
    CHECK(metric(w, "kabinet_limit_rejections_total", "limtest", "document_storage_bytes") == 1);

    auto staff = admin(w, "limtest");
    auto o = obj(staff.call("GET", "operator/limits").body);
    CHECK(o->getObject("limits")->getValue<long long>("document_storage_bytes") == 1500);
    CHECK(o->getObject("usage")->getValue<long long>("document_storage_bytes") ==
          w.count("SELECT COALESCE(SUM(size), 0) FROM documents WHERE tenant_id = 'limtest'"));
    CHECK(metric(w, "kabinet_limit_usage", "limtest", "document_storage_bytes") ==
          w.count("SELECT COALESCE(SUM(size), 0) FROM documents WHERE tenant_id = 'limtest'"));
    // Consumers do not read the limits.
    CHECK(c.call("GET", "operator/limits").status == 403);
}

TEST_CASE("limits: text messages over the tenant's day are not sent, marked failed with the reason, never retried", "[limits]") {
    auto& w = world();
    std::vector<std::string> ids;
    w.direct.transaction([&](soci::session& s) {
        for (int i = 0; i < 3; ++i) ids.push_back(enqueueMessage(s, "limtest", {"sms", "+7900000000" + std::to_string(i), "", "Код " + std::to_string(i), ""}));
    });
    // The running server's outbox finds them on its next pass (every 2 s).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (w.count("SELECT COUNT(*) FROM outbox WHERE tenant_id = 'limtest' AND channel = 'sms' AND state = 'queued'") > 0 &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK(w.count("SELECT COUNT(*) FROM outbox WHERE tenant_id = 'limtest' AND channel = 'sms' AND state = 'sent'") == 2);
    CHECK(w.count("SELECT COUNT(*) FROM outbox WHERE tenant_id = 'limtest' AND channel = 'sms' AND state = 'failed' "
                  "AND last_error LIKE 'limit_exceeded: sms_per_day%'") == 1);
    CHECK(w.count("SELECT COUNT(*) FROM outbox WHERE tenant_id = 'limtest' AND channel = 'sms' AND state = 'failed' "
                  "AND next_attempt_at > 0 AND attempts <= 1") == 1);
    CHECK(metric(w, "kabinet_limit_rejections_total", "limtest", "sms_per_day") == 1);
    CHECK(metric(w, "kabinet_limit_usage", "limtest", "sms_per_day") == 2);
    // Given up, it stays failed: a later pass sends nothing more.
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    CHECK(w.count("SELECT COUNT(*) FROM outbox WHERE tenant_id = 'limtest' AND channel = 'sms' AND state = 'sent'") == 2);
    auto staff = admin(w, "limtest");
    CHECK(obj(staff.call("GET", "operator/limits").body)->getObject("usage")->getValue<long long>("sms_per_day") == 2);
}
