// kabinetd behind a reverse proxy (--trusted-proxies): X-Forwarded-For and X-Forwarded-Proto are believed
// only from a trusted peer — the client address a session records and the Secure flag of its cookie show it —
// and the per-address connection cap counts the client behind the proxy, not the proxy. Every case also
// sends the headers from an untrusted peer and checks that spoofing changes nothing.
#include <catch2/catch.hpp>

#include "KabinetdProcess.h"
#include "RawConnection.h"
#include "TestContext.h"
#include "storage/Database.h"

#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace kabinet;
using test::KabinetdProcess;

namespace {

const char* kTenant = "voek";

/// A plain TCP connection to 127.0.0.1:port from the loopback address `from` (127.0.0.x).
using Peer = test::RawConnection;

/// Logs a new tenant administrator in from `from` with these extra headers; the session's cookie line and the
/// client address the server recorded for it.
struct Login {
    std::string setCookie, clientAddress;
};
Login loginFrom(KabinetdProcess& s, const std::string& dbUrl, const std::string& from, const std::string& extraHeaders) {
    static std::atomic<int> n{0};
    const std::string email = "proxy" + std::to_string(++n) + "-" + std::to_string(::getpid()) + "@voek.example";
    std::string out;
    REQUIRE(test::runProgram({test::binaryDir() + "/core/kabinet", "users", "create-admin", "--tenant", kTenant, "--email", email,
                              "--database", dbUrl, "--tenants", test::sourceDir() + "/tenants", "--scripts", test::sourceDir() + "/scripts"},
                             out, {{"KABINET_ADMIN_PASSWORD", "Admin-Password-9"}}) == 0);
    const std::string body = R"({"login":")" + email + R"(","password":"Admin-Password-9"})";
    Peer p(s.port(), from);
    p.send("POST /t/" + std::string(kTenant) + "/api/v1/session HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n" +
           extraHeaders + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    const std::string answer = p.read(5000);
    INFO(answer.substr(0, 400));
    REQUIRE(answer.rfind("HTTP/1.1 200", 0) == 0);
    Login l;
    const auto at = answer.find("Set-Cookie: ");
    REQUIRE(at != std::string::npos);
    l.setCookie = answer.substr(at, answer.find("\r\n", at) - at);
    Database db(dbUrl, 1);
    db.read([&](soci::session& se) {
        se << "SELECT s.client_address FROM sessions s JOIN users u ON u.tenant_id = s.tenant_id AND u.user_id = s.user_id "
              "WHERE s.tenant_id = :t AND u.email = :e",
            soci::use(std::string(kTenant)), soci::use(email), soci::into(l.clientAddress);
    });
    return l;
}

bool secureCookie(const Login& l) { return l.setCookie.find("; Secure") != std::string::npos; }

} // namespace

TEST_CASE("proxy: without --trusted-proxies, X-Forwarded-For and X-Forwarded-Proto are ignored", "[edge][proxy]") {
    test::FreshDatabase db;
    KabinetdProcess s(db.url());
    const auto plain = loginFrom(s, db.url(), "127.0.0.3", "");
    CHECK(plain.clientAddress == "127.0.0.3");
    CHECK_FALSE(secureCookie(plain));
    const auto spoofed = loginFrom(s, db.url(), "127.0.0.3", "X-Forwarded-For: 203.0.113.7\r\nX-Forwarded-Proto: https\r\n");
    CHECK(spoofed.clientAddress == "127.0.0.3");
    CHECK_FALSE(secureCookie(spoofed));
}

TEST_CASE("proxy: the forwarded client and scheme are believed from a trusted peer only", "[edge][proxy]") {
    test::FreshDatabase db;
    // 127.0.0.2 is the proxy; 10.1.0.0/16 are inner proxies of its own network.
    KabinetdProcess s(db.url(), {"--trusted-proxies", "127.0.0.2, 10.1.0.0/16"});
    SECTION("through the proxy: the rightmost address that is not a proxy, TLS as forwarded") {
        // The client wrote "198.51.100.9" itself; the proxy appended what it saw (203.0.113.7) behind an inner proxy.
        const auto l = loginFrom(s, db.url(), "127.0.0.2",
                                 "X-Forwarded-For: 198.51.100.9, 203.0.113.7\r\nX-Forwarded-For: 10.1.2.3\r\nX-Forwarded-Proto: https\r\n");
        CHECK(l.clientAddress == "203.0.113.7");
        CHECK(secureCookie(l));
        const auto http = loginFrom(s, db.url(), "127.0.0.2", "X-Forwarded-For: 203.0.113.8\r\nX-Forwarded-Proto: http\r\n");
        CHECK(http.clientAddress == "203.0.113.8");
        CHECK_FALSE(secureCookie(http));
    }
    SECTION("through the proxy without the headers: the proxy itself") {
        const auto l = loginFrom(s, db.url(), "127.0.0.2", "");
        CHECK(l.clientAddress == "127.0.0.2");
    }
    SECTION("a forged chain ends where it stops being an address") {
        const auto l = loginFrom(s, db.url(), "127.0.0.2", "X-Forwarded-For: 198.51.100.9, not-an-address, 10.1.0.5\r\n");
        CHECK(l.clientAddress == "10.1.0.5");
    }
    SECTION("straight from a client that is not a proxy: the headers change nothing") {
        const auto l = loginFrom(s, db.url(), "127.0.0.4", "X-Forwarded-For: 127.0.0.2, 203.0.113.7\r\nX-Forwarded-Proto: https\r\n");
        CHECK(l.clientAddress == "127.0.0.4");
        CHECK_FALSE(secureCookie(l));
    }
}

TEST_CASE("proxy: the connection cap counts the client behind a trusted proxy, not the proxy", "[edge][proxy][connections]") {
    test::FreshDatabase db;
    KabinetdProcess s(db.url(), {"--trusted-proxies", "127.0.0.2", "--connections-per-address", "2"}, {{"KABINET_BODY_TIMEOUT", "20"}});
    std::this_thread::sleep_for(std::chrono::milliseconds(200)); // the start-up probe's connection has ended
    // Two requests of client A are in flight through the proxy (their bodies still to come).
    const std::string head = "POST /t/voek/api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50\r\n";
    Peer a1(s.port(), "127.0.0.2"), a2(s.port(), "127.0.0.2");
    REQUIRE(a1.send(head + "X-Forwarded-For: 203.0.113.10\r\n\r\n"));
    REQUIRE(a2.send(head + "X-Forwarded-For: 203.0.113.10\r\n\r\n"));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    // The proxy's own connections are not capped at 2: a third and a fourth are served — A's third request is
    // refused with 429, client B's request is answered.
    Peer a3(s.port(), "127.0.0.2"), b(s.port(), "127.0.0.2");
    a3.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.10\r\n\r\n");
    const std::string refused = a3.read(3000, true);
    CHECK(refused.rfind("HTTP/1.1 429", 0) == 0);
    CHECK(refused.find("Retry-After: 1") != std::string::npos);
    b.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.11\r\n\r\n");
    CHECK(b.read(3000, true).rfind("HTTP/1.1 200", 0) == 0);
    // Once one of A's requests is answered, A is served again on the same proxy connection.
    a1.send(std::string(50, ' '));
    CHECK(a1.read(3000, true).rfind("HTTP/1.1 4", 0) == 0); // a blank body: 400, but answered
    a3.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.10\r\n\r\n");
    CHECK(a3.read(3000, true).rfind("HTTP/1.1 200", 0) == 0);
    // A client that is not a proxy cannot get past the cap by naming other addresses: its third connection
    // is refused whatever it forwards.
    Peer c1(s.port(), "127.0.0.5"), c2(s.port(), "127.0.0.5");
    REQUIRE(c1.connected());
    REQUIRE(c2.connected());
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    Peer c3(s.port(), "127.0.0.5");
    c3.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 198.51.100.77\r\n\r\n");
    CHECK(c3.closedWithin(2000));
}
