// The edge's protections against hostile clients and outages, on kabinetd as a process: request deadlines,
// the per-address connection cap and the free worker kept for new clients; request framing; headers; text
// screening; answers while the database is unreachable; where mails and texts land in the data directory.
#include <catch2/catch.hpp>

#include "KabinetdProcess.h"
#include "RawConnection.h"
#include "JsonText.h"
#include "TestContext.h"
#include "util/Text.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>

#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace kabinet;
using test::KabinetdProcess;
using Clock = std::chrono::steady_clock;

namespace {
using test::obj;

/// A plain TCP connection to 127.0.0.1:port from the loopback address `from` (127.0.0.x).
using Conn = test::RawConnection;

/// GET /healthz on a fresh connection; the answer's status line and how long it took.
std::pair<std::string, double> timedHealthz(unsigned short port) {
    const auto t0 = Clock::now();
    Conn c(port);
    c.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    const std::string answer = c.read(3000);
    return {answer.substr(0, answer.find("\r\n")), std::chrono::duration<double>(Clock::now() - t0).count()};
}

int statusLines(const std::string& answer) {
    int n = 0;
    for (std::size_t at = answer.find("HTTP/1.1 "); at != std::string::npos; at = answer.find("HTTP/1.1 ", at + 1)) ++n;
    return n;
}
} // namespace

TEST_CASE("connections: one client address gets at most the configured number at once", "[edge][connections]") {
    test::FreshDatabase db;
    KabinetdProcess s(db.url(), {}, {{"KABINET_CONNECTIONS_PER_ADDRESS", "3"}});
    std::this_thread::sleep_for(std::chrono::milliseconds(200)); // the start-up probe's connection has ended
    Conn a(s.port()), b(s.port()), c(s.port());
    REQUIRE(a.connected());
    Conn fourth(s.port());
    CHECK(fourth.closedWithin(2000)); // refused: closed at once, nothing read from it
    // The three held ones are served.
    a.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    CHECK(a.read(3000).rfind("HTTP/1.1 200", 0) == 0);
    // Another address is not counted with this one.
    Conn other(s.port(), "127.0.0.2");
    other.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    CHECK(other.read(3000).rfind("HTTP/1.1 200", 0) == 0);
}

TEST_CASE("connections: threads + 1 slow clients do not keep /healthz from answering within 1 s", "[edge][connections]") {
    test::FreshDatabase db;
    const int threads = 4;
    KabinetdProcess s(db.url(), {"--threads", std::to_string(threads)}, {{"KABINET_HEAD_TIMEOUT", "3"}});
    std::atomic<bool> stop{false};
    std::atomic<int> cut{0};
    std::vector<std::thread> slow;
    // Each slow client sends one header line every 300 ms and never ends its head; cut off, it comes back.
    for (int i = 0; i < threads + 1; ++i)
        slow.emplace_back([&, i] {
            const std::string from = "127.0.0." + std::to_string(2 + i);
            while (!stop) {
                Conn c(s.port(), from);
                bool alive = c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n");
                while (alive && !stop) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(300));
                    alive = c.send("X-Slow: 1\r\n") && !c.closedWithin(0);
                }
                if (!stop) ++cut;
            }
        });
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    int answered = 0;
    for (int round = 0; round < 10; ++round) {
        auto [status, seconds] = timedHealthz(s.port());
        INFO("round " << round << ": " << status << " after " << seconds << " s");
        CHECK(status == "HTTP/1.1 200 OK");
        CHECK(seconds < 1.0);
        answered += status == "HTTP/1.1 200 OK" && seconds < 1.0;
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    stop = true;
    for (auto& t : slow) t.join();
    CHECK(answered == 10);
    CHECK(cut > 0); // slow clients were cut off (evicted for the new ones, or at their deadline)
}

TEST_CASE("connections: a burst of ordinary clients is served whole, none cut for another", "[edge][connections]") {
    test::FreshDatabase db;
    KabinetdProcess s(db.url(), {"--threads", "4"});
    std::atomic<int> answered{0};
    std::vector<std::thread> burst;
    for (int i = 0; i < 24; ++i)
        burst.emplace_back([&] {
            try {
                auto r = s.request("POST", "/t/voek/api/v1/session", R"({"login":"nobody@example.ru","password":"wrong-password-1"})");
                answered += r.status >= 400 && r.status < 500 ? 1 : 0;
            } catch (const std::exception&) {
            }
        });
    for (auto& t : burst) t.join();
    CHECK(answered == 24);
}

TEST_CASE("connections: a request head or body trickling in is cut off at its deadline", "[edge][connections]") {
    test::FreshDatabase db;
    KabinetdProcess s(db.url(), {}, {{"KABINET_HEAD_TIMEOUT", "2"}, {"KABINET_BODY_TIMEOUT", "2"}});
    // The head, byte by byte (10 per second): every read is quick, the whole is too slow.
    {
        const std::string head = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: 0123456789\r\n\r\n";
        Conn c(s.port());
        const auto t0 = Clock::now();
        double cutAfter = -1;
        for (char ch : head) {
            if (!c.send(std::string(1, ch)) || c.closedWithin(0)) {
                cutAfter = std::chrono::duration<double>(Clock::now() - t0).count();
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        CHECK(c.read(500).find("HTTP/1.1 200") == std::string::npos);
        CHECK(cutAfter >= 1.9);
        CHECK(cutAfter < 3.5);
    }
    // A body, byte by byte, after a quick head.
    {
        const std::string body = R"({"kind":"legal_entity","fields":{"inn":"7707083893"},"pad":"0123456789"})";
        Conn c(s.port());
        c.send("POST /t/voek/api/v1/forms/registration/validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n");
        const auto t0 = Clock::now();
        double cutAfter = -1;
        std::string answer;
        for (char ch : body) {
            if (!c.send(std::string(1, ch)) || c.closedWithin(0)) {
                cutAfter = std::chrono::duration<double>(Clock::now() - t0).count();
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        answer = c.read(500);
        CHECK(answer.find("HTTP/1.1 422") == std::string::npos);
        CHECK(answer.find("HTTP/1.1 200") == std::string::npos);
        CHECK(cutAfter >= 1.9);
        CHECK(cutAfter < 3.5);
    }
    CHECK(timedHealthz(s.port()).first == "HTTP/1.1 200 OK");
}

TEST_CASE("framing: ambiguous request lengths are refused and the connection closed", "[edge][framing]") {
    test::FreshDatabase db;
    KabinetdProcess s(db.url());
    const std::string path = "/t/voek/api/v1/forms/registration/validate";
    const std::string next = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"; // smuggled behind the first request
    auto send = [&](const std::string& headers, const std::string& body) {
        return test::rawRequest(s.port(), "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
                                              headers + "\r\n" + body + next);
    };
    struct Case {
        std::string headers, body, status;
    };
    const std::vector<Case> cases = {
        {"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n", "HTTP/1.1 400"},
        {"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "0\r\n\r\n", "HTTP/1.1 400"},
        {"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n", "HTTP/1.1 400"},
        {"Transfer-Encoding: gzip, chunked\r\n", "0\r\n\r\n", "HTTP/1.1 501"},
        {"Transfer-Encoding: identity\r\n", "", "HTTP/1.1 501"},
        {"Content-Length: 2\r\nContent-Length: 3\r\n", "{}", "HTTP/1.1 400"},
        {"Content-Length: 2\r\nContent-Length: 2\r\n", "{}", "HTTP/1.1 400"},
        {"Content-Length: 2, 2\r\n", "{}", ""}, // not a number at all: closed before any answer
        {"Content-Length: +2\r\n", "{}", "HTTP/1.1 400"},
    };
    for (const auto& c : cases) {
        const std::string answer = send(c.headers, c.body);
        INFO(c.headers << "\n" << answer);
        if (c.status.empty()) {
            CHECK(answer.empty());
            continue;
        }
        CHECK(answer.rfind(c.status, 0) == 0);
        CHECK(statusLines(answer) == 1); // closed: the request behind it was never read
        CHECK(Poco::toLower(answer).find("connection: close") != std::string::npos);
    }
    // A request refused before its body is read closes too: its body cannot pass for the next request.
    const std::string smuggled = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    const std::string badUri = test::rawRequest(s.port(), "POST /t/voek/%zz HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                                          "Content-Length: " + std::to_string(smuggled.size()) + "\r\n\r\n" + smuggled);
    INFO(badUri);
    CHECK(badUri.rfind("HTTP/1.1 400", 0) == 0);
    CHECK(statusLines(badUri) == 1);
    // A single Content-Length, or chunked alone, is served and the connection kept for the next request.
    const std::string ok = send("Content-Length: 2\r\n", "{}");
    CHECK(ok.rfind("HTTP/1.1 422", 0) == 0);
    CHECK(statusLines(ok) == 2);
    const std::string chunked = send("Transfer-Encoding: chunked\r\n", "2\r\n{}\r\n0\r\n\r\n");
    CHECK(chunked.rfind("HTTP/1.1 422", 0) == 0);
    CHECK(statusLines(chunked) == 2);
}

TEST_CASE("headers: no caching of API answers, no referrer on any answer", "[edge][headers]") {
    test::FreshDatabase db;
    KabinetdProcess s(db.url());
    for (const char* path : {"/t/voek/api/v1/tenant", "/t/voek/api/v1/me", "/t/voek/api/v1/nosuch", "/healthz",
                             "/t/voek/api/v1/points/1/report", "/t/voek/api/v1/archive/1/file"}) {
        auto r = s.request("GET", path);
        INFO(path << " " << r.status);
        CHECK(r.headers["Cache-Control"] == "no-store");
        CHECK(r.headers["Referrer-Policy"] == "no-referrer");
    }
    for (const char* path : {"/t/voek/", "/t/voek/password/reset", "/t/voek/assets/app.js"}) {
        auto r = s.request("GET", path);
        INFO(path);
        CHECK(r.status == 200);
        CHECK(r.headers["Referrer-Policy"] == "no-referrer");
    }
}

TEST_CASE("portal: only its pages, assets/, branding and the favicon are served", "[edge][portal]") {
    test::FreshDatabase db;
    KabinetdProcess s(db.url());
    CHECK(s.request("GET", "/t/voek/README.md").status == 404);
    CHECK(s.request("GET", "/t/voek/index.html").status == 404);
    CHECK(s.request("GET", "/README.md", "", {{"Host", "voek.kabinet.localhost"}}).status == 404);
    CHECK(s.request("GET", "/t/voek/assets/app.js").status == 200);
    CHECK(s.request("GET", "/t/voek/assets/pages/home.js").status == 200);
    auto icon = s.request("GET", "/t/voek/favicon.ico");
    CHECK(icon.status == 200);
    CHECK(icon.headers["Content-Type"] == "image/svg+xml");
    CHECK(s.request("GET", "/t/voek/register").status == 200);
}

TEST_CASE("text: control characters in any JSON string are refused naming the field", "[edge][text]") {
    test::FreshDatabase db;
    KabinetdProcess s(db.url());
    const std::string path = "/t/voek/api/v1/forms/registration/validate";
    for (const char* bad : {"\\u0000", "\\u001b[31m", "\\u0007", "\\u007f", "\\u0085"}) {
        auto r = s.request("POST", path, std::string(R"({"kind":"legal_entity","fields":{"inn":"7707)") + bad + R"(083893"}})");
        INFO(bad << " " << r.body);
        REQUIRE(r.status == 422);
        CHECK_THAT(obj(r.body)->getObject("fields")->getValue<std::string>("inn"), Catch::Contains("управляющие"));
    }
    // Tabs and line breaks are text.
    auto r = s.request("POST", path, R"({"kind":"legal_entity","fields":{"inn":"7707083893","note":"a\r\n\tb"}})");
    CHECK(r.body.find("управляющие") == std::string::npos);
    // Every route's body, not only forms: the login names the field.
    r = s.request("POST", "/t/voek/api/v1/session", R"({"login":"petrov\u0000","password":"x"})");
    CHECK(r.status == 422);
    CHECK(obj(r.body)->getObject("fields")->has("login"));
}

TEST_CASE("text: an error echoing a bad path stays valid UTF-8 JSON", "[edge][text]") {
    test::FreshDatabase db;
    KabinetdProcess s(db.url());
    std::string longName = "a";
    for (int i = 0; i < 40; ++i) longName += "%D1%8F"; // «я», two bytes each: a cut at 64 bytes falls inside one
    for (const std::string& path : {std::string("/t/%FF%FE%C0%80/api/v1/tenant"), "/t/" + longName + "/api/v1/tenant",
                                    std::string("/t/%ED%A0%80x/")}) {
        auto r = s.request("GET", path);
        INFO(path << " " << r.body);
        CHECK(r.status == 404);
        CHECK(text::check(r.body) == text::Problem::None);
        CHECK(obj(r.body)->getValue<std::string>("error") == "tenant_not_found");
    }
    CHECK(text::check(s.logs()) == text::Problem::None); // the log lines naming that tenant too
}

TEST_CASE("database unreachable: every route answers 503 with Retry-After, and recovers", "[edge][postgresql]") {
    if (test::backend() != "postgresql") return; // a SQLite file cannot become unreachable under a running process
    test::FreshDatabase db;
    KabinetdProcess s(db.url());
    auto admin = test::adminSession(s, db.url(), "voek");
    REQUIRE(s.request("GET", "/t/voek/api/v1/me", "", admin).status == 200);
    test::pgAdmin("ALTER DATABASE " + db.name() + " ALLOW_CONNECTIONS false");
    test::pgAdmin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + db.name() + "'");
    struct Call {
        std::string method, path, body;
        std::map<std::string, std::string> headers;
    };
    const std::vector<Call> calls = {
        {"POST", "/t/voek/api/v1/password/reset", R"({"email":"nobody@example.ru"})", {}},
        {"POST", "/t/voek/api/v1/session", R"({"login":"nobody@example.ru","password":"Kabinet2024!Test"})", {}},
        {"GET", "/t/voek/api/v1/me", "", admin},
        {"GET", "/t/voek/api/v1/operators", "", admin},
        {"GET", "/healthz", "", {}},
    };
    for (int round = 0; round < 2; ++round)
        for (const auto& c : calls) {
            auto r = s.request(c.method, c.path, c.body, c.headers);
            INFO(c.method << " " << c.path << " → " << r.status << " " << r.body);
            CHECK(r.status == 503);
            CHECK(r.headers["Retry-After"] == "5");
        }
    test::pgAdmin("ALTER DATABASE " + db.name() + " ALLOW_CONNECTIONS true");
    CHECK(s.request("GET", "/t/voek/api/v1/me", "", admin).status == 200);
    CHECK(s.request("GET", "/healthz").status == 200);
}

TEST_CASE("mails and texts land in <data-dir>/mail and <data-dir>/sms when the data dir has no trailing slash",
          "[edge][notify]") {
    test::FreshDatabase db;
    KabinetdProcess s(db.url()); // no --smtp, no SMS gateway: files
    REQUIRE(s.dataDir().back() != '/');
    const std::string phone = "+7912" + std::to_string(1000000 + std::rand() % 8999999);
    auto r = s.request("POST", "/t/kes-orenburg/api/v1/registration",
                       R"({"kind":"consumer","fields":{"surname":"Петров","name":"Пётр","email":"files@example.ru","phone":")" +
                           phone + R"(","password":"Secret123","password_confirm":"Secret123"},"consents":["personal_data"]})");
    INFO(r.body);
    REQUIRE(r.status == 201);
    namespace fs = std::filesystem;
    auto count = [](const fs::path& dir, const std::string& ext) {
        int n = 0;
        std::error_code ec;
        for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
            n += it->path().extension() == ext ? 1 : 0;
        return n;
    };
    const fs::path mail = fs::path(s.dataDir()) / "mail", sms = fs::path(s.dataDir()) / "sms";
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while ((count(mail, ".eml") == 0 || count(sms, ".txt") == 0) && Clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(count(mail, ".eml") == 1);
    CHECK(count(sms, ".txt") == 1);
    const fs::path parent = fs::path(s.dataDir()).parent_path();
    CHECK_FALSE(fs::exists(parent / "mail" / fs::path(s.dataDir()).filename()));
}
