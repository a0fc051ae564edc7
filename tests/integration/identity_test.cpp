// Identity end to end against kabinetd as a process, on the backend of this run, with a real SMTP server and
// the SMS gateway simulator: registration by each tenant's rules, confirmations, login, throttling,
// sessions, CSRF, profile, password change and reset, second factors, staff, isolation, logs.
#include <catch2/catch.hpp>

#include "KabinetdProcess.h"
#include "TenantClient.h"
#include "Simulators.h"
#include "JsonText.h"
#include "TestContext.h"
#include "identity/PasswordHasher.h"
#include "identity/Totp.h"
#include "storage/Database.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <ctime>
#include <sstream>
#include <regex>
#include <thread>

using namespace kabinet;
using test::HttpResult;
using test::KabinetdProcess;

namespace {

using test::obj;

std::string field(const HttpResult& r, const std::string& name) {
    auto o = obj(r.body);
    auto f = o->getObject("fields");
    return f && f->has(name) ? f->getValue<std::string>(name) : std::string();
}

/// A browser-like client of one tenant: keeps the session cookie and the CSRF value.
struct Client : test::TenantClient {
    using TenantClient::TenantClient;
    HttpResult login(const std::string& login, const std::string& password, bool remember = false) {
        return TenantClient::login(login, password, std::string(R"("remember":)") + (remember ? "true" : "false"));
    }
};

/// One server for this file's tests: real SMTP, the SMS gateway, a fresh database.
struct World {
    test::FreshDatabase db;
    test::SmtpServer smtp;
    test::SmsGateway sms;
    KabinetdProcess server;
    World()
        : server(db.url(), {"--smtp", smtp.url(), "--public-url", "http://kabinet.test"},
                 {{"KABINET_SMS_GATEWAY", sms.pluginConfig()}, {"KABINET_MAIL_FROM", "Кабинет <no-reply@kabinet.test>"}}) {}
};

World& world() {
    static World w;
    return w;
}

std::string unique(const std::string& prefix) {
    static int n = 0;
    return prefix + std::to_string(::time(nullptr) % 100000) + "-" + std::to_string(++n);
}

std::string tokenFromMail(const test::ReceivedMail& m, const std::string& page) {
    const std::string link = test::findLink(m.text, page);
    INFO(m.text);
    REQUIRE_FALSE(link.empty());
    CHECK(link.rfind("http://kabinet.test/t/", 0) == 0);
    return test::queryParam(link, "token");
}

const char* kPassword = "Kabinet2024!Test";

} // namespace

TEST_CASE("ВОЭК legal entity: register, confirm by mail, log in by ОГРН, profile, logout", "[identity]") {
    auto& w = world();
    Client c{w.server, "voek"};
    const std::string email = unique("legal-") + "@example.ru";
    auto r = c.call("POST", "registration",
                    R"({"kind":"legal_entity","fields":{"inn":"7707083893","email":")" + email + R"(","password":")" + kPassword +
                        R"(","password_confirm":")" + kPassword + R"(","phone":"+7 900 123-45-67","ogrn":"1027700132195"},"consents":["personal_data"]})");
    INFO(r.body);
    REQUIRE(r.status == 201);
    auto reg = obj(r.body);
    CHECK(reg->getObject("user")->getValue<std::string>("state") == "pending");
    CHECK(reg->getArray("confirmations")->getElement<std::string>(0) == "email");
    CHECK_FALSE(reg->getValue<std::string>("message").empty());

    // Not confirmed yet: no way in.
    r = c.login("1027700132195", kPassword);
    CHECK(r.status == 403);
    CHECK(obj(r.body)->getValue<std::string>("error") == "not_confirmed");

    // The same ОГРН again: 409 naming the login field.
    auto dup = c.call("POST", "registration",
                      R"({"kind":"legal_entity","fields":{"inn":"7707083893","email":"other@example.ru","password":")" + std::string(kPassword) +
                          R"(","password_confirm":")" + kPassword + R"(","phone":"+79001234567","ogrn":"1027700132195"},"consents":["personal_data"]})");
    CHECK(dup.status == 409);
    CHECK_FALSE(field(dup, "ogrn").empty());

    auto mail = w.smtp.waitFor(email);
    CHECK_FALSE(mail.subject.empty());
    const std::string token = tokenFromMail(mail, "/t/voek/confirm/email");
    r = c.call("POST", "confirm/email", R"({"token":")" + token + R"("})");
    INFO(r.body);
    REQUIRE(r.status == 200);
    CHECK(obj(r.body)->getValue<std::string>("state") == "active");
    // A link works once.
    CHECK(c.call("POST", "confirm/email", R"({"token":")" + token + R"("})").status == 410);

    // Log in by ОГРН as people type it.
    r = c.login("1027700132195", kPassword);
    INFO(r.body);
    REQUIRE(r.status == 200);
    CHECK(r.headers["Set-Cookie"].find("HttpOnly") != std::string::npos);
    CHECK(r.headers["Set-Cookie"].find("SameSite=Lax") != std::string::npos);
    CHECK(r.headers["Set-Cookie"].find("Path=/t/voek/") != std::string::npos);
    CHECK(r.headers["Set-Cookie"].find("Max-Age") == std::string::npos); // not remembered: a browser session cookie
    auto me = c.call("GET", "me");
    REQUIRE(me.status == 200);
    auto user = obj(me.body)->getObject("user");
    CHECK(user->getValue<std::string>("kind") == "legal_entity");
    CHECK(user->getObject("login")->getValue<std::string>("value") == "1027700132195");
    CHECK(user->getValue<std::string>("phone") == "+79001234567");

    // Profile: the phone changes; the login cannot.
    CHECK(c.call("PATCH", "me", R"({"fields":{"phone":"8 (901) 765-43-21"}})", false).status == 403); // no CSRF token
    r = c.call("PATCH", "me", R"({"fields":{"phone":"8 (901) 765-43-21"}})");
    INFO(r.body);
    REQUIRE(r.status == 200);
    CHECK(obj(r.body)->getObject("user")->getValue<std::string>("phone") == "+79017654321");
    r = c.call("PATCH", "me", R"({"fields":{"ogrn":"1027700070518"}})");
    CHECK(r.status == 422);
    CHECK_FALSE(field(r, "ogrn").empty());
    r = c.call("PATCH", "me", R"({"fields":{"phone":"12"}})");
    CHECK(r.status == 422);
    CHECK_FALSE(field(r, "phone").empty());

    // Logout ends the session.
    CHECK(c.call("DELETE", "session").status == 204);
    CHECK(c.call("GET", "me").status == 401);
}

TEST_CASE("ОЭС 360: an e-mail is registered once; the message says so", "[identity]") {
    auto& w = world();
    Client c{w.server, "oes360"};
    const std::string email = unique("oes-") + "@example.ru";
    const std::string body = R"({"kind":"consumer","fields":{"email":")" + email + R"(","full_name":"Иванов Иван Иванович","phone":"+79031112233",)"
                             R"("password":"longpass1","password_confirm":"longpass1"},"consents":[]})";
    auto r = c.call("POST", "registration", body);
    INFO(r.body);
    REQUIRE(r.status == 201);
    r = c.call("POST", "registration", body);
    CHECK(r.status == 409);
    CHECK(field(r, "email") == "Пользователь с таким E-mail уже существует");
    // Too short a password is refused by the tenant's policy.
    r = c.call("POST", "registration", R"({"kind":"consumer","fields":{"email":"x)" + email + R"(","full_name":"Иванов","phone":"+79031112233",)"
                                       R"("password":"short1","password_confirm":"short1"}})");
    CHECK(r.status == 422);
    CHECK_FALSE(field(r, "password").empty());
}

TEST_CASE("КЭС: e-mail and phone both confirmed before login; codes are limited", "[identity]") {
    auto& w = world();
    Client c{w.server, "kes-orenburg"};
    const std::string email = unique("kes-") + "@example.ru", phone = "+7912" + std::to_string(1000000 + std::rand() % 8999999);
    auto r = c.call("POST", "registration",
                    R"({"kind":"consumer","fields":{"surname":"Петров","name":"Пётр","email":")" + email + R"(","phone":")" + phone +
                        R"(","password":"Secret123","password_confirm":"Secret123"},"consents":["personal_data"]})");
    INFO(r.body);
    REQUIRE(r.status == 201);
    auto reg = obj(r.body);
    const std::string pending = reg->getValue<std::string>("pending_token");
    CHECK(reg->getArray("confirmations")->size() == 2);
    const std::string code = w.sms.codeFor(phone);
    const std::string wrong = code == "000000" ? "111111" : "000000";
    r = c.call("POST", "confirm/phone", R"({"pending_token":")" + pending + R"(","code":")" + wrong + R"("})");
    CHECK(r.status == 422);
    CHECK(field(r, "code") == "Неверный код");
    CHECK(c.call("POST", "confirm/phone/resend", R"({"pending_token":")" + pending + R"("})").status == 429); // cool-down
    r = c.call("POST", "confirm/phone", R"({"pending_token":")" + pending + R"(","code":")" + code + R"("})");
    INFO(r.body);
    REQUIRE(r.status == 200);
    CHECK(obj(r.body)->getValue<std::string>("state") == "pending"); // e-mail still to confirm
    CHECK(c.login(email, "Secret123").status == 403);
    r = c.call("POST", "confirm/email", R"({"token":")" + tokenFromMail(w.smtp.waitFor(email), "confirm/email") + R"("})");
    CHECK(obj(r.body)->getValue<std::string>("state") == "active");
    CHECK(c.login(email, "Secret123").status == 200);
}

TEST_CASE("ВГЭС: no confirmation; login by user name with «remember me»; consents recorded", "[identity]") {
    auto& w = world();
    Client c{w.server, "vges"};
    const std::string username = "ivanov" + std::to_string(std::rand() % 100000);
    auto r = c.call("POST", "registration",
                    R"({"kind":"individual","fields":{"username":")" + username + R"(","email":")" + username + R"(@example.ru",)"
                        R"("password":"Secret123","password_confirm":"Secret123","full_name":"Иванов Иван Иванович","from_voronezh":true,)"
                        R"("street":"Плехановская ул.","house":"10","postcode":"394000","phone":"+79601153767","snils":"112-233-445 95"},)"
                        R"("consents":["personal_data"]})");
    INFO(r.body);
    REQUIRE(r.status == 201);
    CHECK(obj(r.body)->getObject("user")->getValue<std::string>("state") == "active");
    r = c.login(username, "Secret123", true);
    REQUIRE(r.status == 200);
    CHECK(r.headers["Set-Cookie"].find("Max-Age=") != std::string::npos); // remembered
    // The consent: which text version, when, from where (152-ФЗ).
    Database db(w.db.url(), 1);
    std::string version, address;
    long long givenAt = 0;
    db.read([&](soci::session& s) {
        s << "SELECT c.version, c.client_address, c.given_at FROM consents c JOIN users u ON u.tenant_id = c.tenant_id AND "
             "u.user_id = c.user_id WHERE u.tenant_id = 'vges' AND u.login = :l",
            soci::use(username), soci::into(version), soci::into(address), soci::into(givenAt);
    });
    CHECK_FALSE(version.empty());
    CHECK(address == "127.0.0.1");
    CHECK(std::abs(givenAt - static_cast<long long>(std::time(nullptr))) < 120);
}

TEST_CASE("brute force against one account is slowed, then locked; the right password waits too", "[identity]") {
    auto& w = world();
    Client c{w.server, "vges"};
    const std::string username = "victim" + std::to_string(std::rand() % 100000);
    REQUIRE(c.call("POST", "registration",
                   R"({"kind":"individual","fields":{"username":")" + username + R"(","email":")" + username + R"(@example.ru",)"
                       R"("password":"Secret123","password_confirm":"Secret123","full_name":"Жертва","from_voronezh":false,)"
                       R"("address":"Москва, ул. Тверская, 1","postcode":"125009","phone":"+79601153767","snils":"112-233-445 95"},)"
                       R"("consents":["personal_data"]})")
                .status == 201);
    // Growing delays after the third failure (answered 429 with the wait), then a lockout at the fifth.
    int unauthorized = 0, throttled = 0;
    for (int i = 0; i < 20 && unauthorized < 5; ++i) {
        auto r = c.login(username, "wrong-" + std::to_string(i));
        if (r.status == 401) ++unauthorized;
        if (r.status == 429) {
            ++throttled;
            CHECK(obj(r.body)->getValue<std::string>("error") == "too_many_attempts");
            const int wait = std::stoi(r.headers["Retry-After"]);
            CHECK(obj(r.body)->getValue<int>("retry_after") == wait);
            REQUIRE(wait <= 5);
            std::this_thread::sleep_for(std::chrono::seconds(wait));
        }
    }
    CHECK(unauthorized == 5);
    CHECK(throttled >= 1);
    auto r = c.login(username, "Secret123");
    CHECK(std::stoi(r.headers["Retry-After"]) > 60);
    CHECK(r.status == 429); // locked: even the right password waits
}

TEST_CASE("password reset: same answer for unknown accounts, a link works once, sessions end", "[identity]") {
    auto& w = world();
    Client c{w.server, "vges"};
    const std::string username = "reset" + std::to_string(std::rand() % 100000), email = username + "@example.ru";
    REQUIRE(c.call("POST", "registration",
                   R"({"kind":"individual","fields":{"username":")" + username + R"(","email":")" + email + R"(",)"
                       R"("password":"Secret123","password_confirm":"Secret123","full_name":"Сброс","from_voronezh":false,)"
                       R"("address":"Москва","postcode":"125009","phone":"+79601153767","snils":"112-233-445 95"},)"
                       R"("consents":["personal_data"]})")
                .status == 201);
    REQUIRE(c.login(username, "Secret123").status == 200);
    Client other{w.server, "vges"};
    auto known = other.call("POST", "password/reset", R"({"email":")" + email + R"("})");
    auto unknown = other.call("POST", "password/reset", R"({"email":"nobody-)" + email + R"("})");
    CHECK(known.status == 202);
    CHECK(known.status == unknown.status);
    CHECK(known.body == unknown.body);
    const std::string token = tokenFromMail(w.smtp.waitFor(email), "/t/vges/password/reset");
    auto r = other.call("POST", "password/reset/confirm", R"({"token":")" + token + R"(","password":"Newpass456","confirm":"Newpass456"})");
    INFO(r.body);
    CHECK(r.status == 200);
    CHECK(other.call("POST", "password/reset/confirm", R"({"token":")" + token + R"(","password":"Other789x","confirm":"Other789x"})").status == 410);
    CHECK(c.call("GET", "me").status == 401); // the old session ended
    CHECK(c.login(username, "Secret123").status == 401);
    CHECK(c.login(username, "Newpass456").status == 200);
    // Change password with the old one.
    r = c.call("POST", "me/password", R"({"old":"wrong","new":"Third789x","confirm":"Third789x"})");
    CHECK(r.status == 422);
    CHECK_FALSE(field(r, "old").empty());
    r = c.call("POST", "me/password", R"({"old":"Newpass456","new":"Third789x","confirm":"Third789y"})");
    CHECK(field(r, "confirm") == "Пароли не совпадают");
    CHECK(c.call("POST", "me/password", R"({"old":"Newpass456","new":"Third789x","confirm":"Third789x"})").status == 200);
    CHECK(c.call("GET", "me").status == 200); // this session goes on
}

TEST_CASE("second factors: TOTP with recovery codes; SMS codes at ОЭС 360", "[identity]") {
    auto& w = world();
    Client c{w.server, "oes360"};
    const std::string email = unique("twofa-") + "@example.ru", phone = "+7916" + std::to_string(1000000 + std::rand() % 8999999);
    REQUIRE(c.call("POST", "registration", R"({"kind":"consumer","fields":{"email":")" + email + R"(","full_name":"Двухфакторов",)"
                                           R"("phone":")" + phone + R"(","password":"longpass1","password_confirm":"longpass1"}})")
                .status == 201);
    REQUIRE(c.call("POST", "confirm/email", R"({"token":")" + tokenFromMail(w.smtp.waitFor(email), "confirm/email") + R"("})").status == 200);
    REQUIRE(c.login(email, "longpass1").status == 200);

    // SMS factor on.
    auto r = c.call("POST", "me/second-factor", R"({"method":"sms"})");
    INFO(r.body);
    REQUIRE(r.status == 200);
    r = c.call("POST", "me/second-factor/confirm", R"({"code":")" + w.sms.codeFor(phone) + R"("})");
    INFO(r.body);
    REQUIRE(r.status == 200);
    auto codes = obj(r.body)->getArray("recovery_codes");
    REQUIRE(codes->size() == 10);
    CHECK(c.call("DELETE", "session").status == 204);

    r = c.login(email, "longpass1");
    REQUIRE(r.status == 200);
    auto step = obj(r.body);
    CHECK(step->getValue<std::string>("second_factor") == "sms");
    CHECK(r.headers.count("Set-Cookie") == 0);
    const std::string challenge = step->getValue<std::string>("challenge");
    CHECK(c.call("POST", "session/second-factor", R"({"challenge":")" + challenge + R"(","code":"000001"})").status == 401);
    r = c.call("POST", "session/second-factor", R"({"challenge":")" + challenge + R"(","code":")" + w.sms.codeFor(phone, 2) + R"("})");
    INFO(r.body);
    REQUIRE(r.status == 200);
    CHECK(c.call("GET", "me").status == 200);
    // A recovery code works once.
    CHECK(c.call("DELETE", "session").status == 204);
    auto again = obj(c.login(email, "longpass1").body)->getValue<std::string>("challenge");
    const std::string recovery = codes->getElement<std::string>(0);
    CHECK(c.call("POST", "session/second-factor", R"({"challenge":")" + again + R"(","code":")" + recovery + R"("})").status == 200);
    CHECK(c.call("DELETE", "session").status == 204);
    again = obj(c.login(email, "longpass1").body)->getValue<std::string>("challenge");
    CHECK(c.call("POST", "session/second-factor", R"({"challenge":")" + again + R"(","code":")" + recovery + R"("})").status == 401);

    // TOTP at ВГЭС (every tenant offers it).
    Client v{w.server, "vges"};
    const std::string username = "totp" + std::to_string(std::rand() % 100000);
    REQUIRE(v.call("POST", "registration",
                   R"({"kind":"individual","fields":{"username":")" + username + R"(","email":")" + username + R"(@example.ru",)"
                       R"("password":"Secret123","password_confirm":"Secret123","full_name":"Тотп","from_voronezh":false,)"
                       R"("address":"Москва","postcode":"125009","phone":"+79601153767","snils":"112-233-445 95"},)"
                       R"("consents":["personal_data"]})")
                .status == 201);
    REQUIRE(v.login(username, "Secret123").status == 200);
    r = v.call("POST", "me/second-factor", R"({"method":"totp"})");
    REQUIRE(r.status == 200);
    auto setup = obj(r.body);
    CHECK(setup->getValue<std::string>("otpauth_uri").rfind("otpauth://totp/", 0) == 0);
    const std::string key = *totp::base32Decode(setup->getValue<std::string>("secret"));
    r = v.call("POST", "me/second-factor/confirm", R"({"code":")" + totp::code(key, std::time(nullptr)) + R"("})");
    INFO(r.body);
    REQUIRE(r.status == 200);
    CHECK(v.call("DELETE", "session").status == 204);
    auto ch = obj(v.login(username, "Secret123").body)->getValue<std::string>("challenge");
    // The code just used cannot be replayed; the next step's code works.
    const std::string next = totp::code(key, std::time(nullptr) + 30);
    CHECK(v.call("POST", "session/second-factor", R"({"challenge":")" + ch + R"(","code":")" + next + R"("})").status == 200);
}

TEST_CASE("a session looked up a moment ago ends at once with a logout or a new password; a change by another process within a second", "[identity][session-cache]") {
    auto& w = world();
    const std::string username = "cache" + std::to_string(std::rand() % 100000);
    Client a{w.server, "vges"};
    REQUIRE(a.call("POST", "registration",
                   R"({"kind":"individual","fields":{"username":")" + username + R"(","email":")" + username + R"(@example.ru",)"
                       R"("password":"Secret123","password_confirm":"Secret123","full_name":"Кэшев","from_voronezh":false,)"
                       R"("address":"Москва","postcode":"125009","phone":"+79601153767","snils":"112-233-445 95"},)"
                       R"("consents":["personal_data"]})")
                .status == 201);
    auto session = [&] {
        Client c{w.server, "vges"};
        REQUIRE(c.login(username, "Secret123").status == 200);
        REQUIRE(c.call("GET", "me").status == 200); // looked up now, so kept for the next request
        return c;
    };
    Client b = session(), c = session(), d = session();
    // A new password chosen in b ends c at once; b goes on.
    REQUIRE(b.call("POST", "me/password", R"({"old":"Secret123","new":"Secret456","confirm":"Secret456"})").status == 200);
    CHECK(c.call("GET", "me").status == 401);
    CHECK(b.call("GET", "me").status == 200);
    CHECK(d.call("GET", "me").status == 401);
    // A logout ends the session at once, even for a copy of its cookie used a moment before.
    Client copy{w.server, "vges", b.cookie, b.csrf};
    CHECK(copy.call("GET", "me").status == 200);
    CHECK(b.call("DELETE", "session").status == 204);
    CHECK(copy.call("GET", "me").status == 401);
    // Another process ending every session (the admin CLI, another server) is seen within the cache's second.
    Client e{w.server, "vges"};
    REQUIRE(e.login(username, "Secret456").status == 200);
    REQUIRE(e.call("GET", "me").status == 200);
    Database direct(w.db.url(), 1);
    direct.transaction([&](soci::session& s) {
        s << "DELETE FROM sessions WHERE tenant_id = 'vges' AND user_id IN (SELECT user_id FROM users WHERE tenant_id = 'vges' AND login = :l)",
            soci::use(username);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    CHECK(e.call("GET", "me").status == 401);
}

TEST_CASE("roles: the CLI makes a tenant admin, who makes an operator; consumers are refused", "[identity][roles]") {
    auto& w = world();
    std::string out;
    REQUIRE(test::runProgram({test::binaryDir() + "/core/kabinet", "users", "create-admin", "--tenant", "sigma", "--email",
                              "Admin@Sigma.example", "--database", w.db.url(), "--tenants", test::sourceDir() + "/tenants",
                              "--scripts", test::sourceDir() + "/scripts"},
                             out, {{"KABINET_ADMIN_PASSWORD", "Admin-Password-1"}}) == 0);
    CHECK_THAT(out, Catch::Contains("tenant-admin"));
    CHECK(out.find("Admin-Password-1") == std::string::npos);
    Client admin{w.server, "sigma"};
    REQUIRE(admin.login("admin@sigma.example", "Admin-Password-1").status == 200);
    auto r = admin.call("POST", "operators", R"({"email":"op@sigma.example","full_name":"Оператор Олег","password":"Operator-Pass-1"})");
    INFO(r.body);
    REQUIRE(r.status == 201);
    CHECK(admin.call("POST", "operators", R"({"email":"op@sigma.example","full_name":"Дубль","password":"Operator-Pass-1"})").status == 409);
    CHECK(admin.call("POST", "operators", R"({"email":"bad","full_name":"","password":"x"})").status == 422);
    auto list = obj(admin.call("GET", "operators").body)->getArray("operators");
    CHECK(list->size() == 2);
    Client op{w.server, "sigma"};
    REQUIRE(op.login("op@sigma.example", "Operator-Pass-1").status == 200);
    CHECK(obj(op.call("GET", "me").body)->getObject("user")->getValue<std::string>("role") == "operator");
    CHECK(op.call("GET", "operators").status == 403);
    CHECK(op.call("POST", "operators", R"({"email":"x@sigma.example","full_name":"X","password":"Operator-Pass-2"})").status == 403);
}

TEST_CASE("a session of one tenant is worthless at another, on every route that needs one", "[identity][isolation]") {
    auto& w = world();
    Client v{w.server, "vges"};
    const std::string username = "iso" + std::to_string(std::rand() % 100000);
    REQUIRE(v.call("POST", "registration",
                   R"({"kind":"individual","fields":{"username":")" + username + R"(","email":")" + username + R"(@example.ru",)"
                       R"("password":"Secret123","password_confirm":"Secret123","full_name":"Изоляция","from_voronezh":false,)"
                       R"("address":"Москва","postcode":"125009","phone":"+79601153767","snils":"112-233-445 95"},)"
                       R"("consents":["personal_data"]})")
                .status == 201);
    REQUIRE(v.login(username, "Secret123").status == 200);
    // Every route that needs a session, from the server's own route table.
    std::string table;
    REQUIRE(test::runProgram({test::binaryDir() + "/core/kabinet", "routes"}, table) == 0);
    std::vector<std::pair<std::string, std::string>> routes;
    std::istringstream lines(table);
    for (std::string line, method, pattern, access; std::getline(lines, line);) {
        std::istringstream(line) >> method >> pattern >> access; // then the summary
        if (access == "public" || pattern.rfind("/t/{tenant}/api/v1/", 0) != 0) continue;
        std::string path = pattern.substr(std::string("/t/{tenant}/api/v1/").size());
        path = std::regex_replace(path, std::regex(R"(\{[a-z_]+\})"), "x");
        routes.push_back({method, path});
    }
    REQUIRE(routes.size() >= 9);
    for (const char* other : {"voek", "sigma", "kes-orenburg", "oes360"}) {
        Client stolen{w.server, other, v.cookie, v.csrf};
        for (const auto& [method, path] : routes) {
            INFO(other << " " << method << " " << path);
            CHECK(stolen.call(method, path, method == "GET" || method == "DELETE" ? "" : "{}").status == 401);
        }
    }
    CHECK(v.call("GET", "me").status == 200);
    // What the database holds is only a hash: as a cookie it opens nothing.
    Database db(w.db.url(), 1);
    std::string stored;
    db.read([&](soci::session& s) { s << "SELECT token_hash FROM sessions WHERE tenant_id = 'vges' LIMIT 1", soci::into(stored); });
    REQUIRE_FALSE(stored.empty());
    CHECK(stored != v.cookie);
    Client thief{w.server, "vges", stored, v.csrf};
    CHECK(thief.call("GET", "me").status == 401);
}

TEST_CASE("no password, code or token appears in any log line", "[identity][logs]") {
    auto& w = world();
    const std::string logs = w.server.logs();
    REQUIRE_FALSE(logs.empty());
    for (const char* secret : {kPassword, "Secret123", "longpass1", "Newpass456", "Third789x", "Admin-Password-1", "Operator-Pass-1"})
        CHECK(logs.find(secret) == std::string::npos);
    // Every e-mailed token and every text-message code.
    for (const auto& m : w.smtp.mails()) {
        for (const char* page : {"confirm/email", "password/reset"}) {
            const std::string link = test::findLink(m.text, page);
            if (!link.empty()) CHECK(logs.find(test::queryParam(link, "token")) == std::string::npos);
        }
        CHECK(logs.find(m.to) == std::string::npos); // nor the addresses
    }
    auto sms = obj("{\"l\":" + test::http(w.sms.port(), "GET", "/_messages").body + "}")->getArray("l");
    static const std::regex code(R"(\d{6})");
    for (const auto& m : *sms) {
        const std::string text = m.extract<Poco::JSON::Object::Ptr>()->getObject("fields")->optValue<std::string>("text", "");
        std::smatch found;
        if (std::regex_search(text, found, code)) CHECK(logs.find(found.str()) == std::string::npos);
    }
}

TEST_CASE("the outbox survives a restart: queued mail is delivered once the mail server is back", "[identity][outbox]") {
    test::FreshDatabase db;
    const std::string email = unique("outbox-") + "@example.ru";
    {
        // No mail server at this port: the mail stays queued.
        KabinetdProcess down(db.url(), {"--smtp", "smtp://127.0.0.1:" + std::to_string(test::freePort())});
        Client c{down, "sigma"};
        auto r = c.call("POST", "registration",
                        R"({"kind":"consumer","fields":{"full_name":"Иванов","organization":"ООО Ромашка","contract_number":"123",)"
                        R"("phone":"+79781234567","email":")" + email + R"(","password":"Secret123A","password_confirm":"Secret123A"},)"
                        R"("consents":["licence","personal_data"]})");
        INFO(r.body);
        REQUIRE(r.status == 201);
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        CHECK(down.terminate() == 0);
    }
    Database check(db.url(), 1);
    int queued = 0;
    check.read([&](soci::session& s) { s << "SELECT COUNT(*) FROM outbox WHERE state = 'queued'", soci::into(queued); });
    REQUIRE(queued == 1);
    // Due now (the failed attempt pushed it into the future).
    check.transaction([](soci::session& s) { s << "UPDATE outbox SET next_attempt_at = 0"; });
    test::SmtpServer smtp;
    KabinetdProcess up(db.url(), {"--smtp", smtp.url()});
    auto m = smtp.waitFor(email);
    CHECK_FALSE(test::findLink(m.text, "confirm/email").empty());
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    int total = 0;
    for (const auto& x : smtp.mails()) total += x.to.find(email) != std::string::npos ? 1 : 0;
    CHECK(total == 1); // delivered once
    check.read([&](soci::session& s) { s << "SELECT COUNT(*) FROM outbox WHERE state = 'sent'", soci::into(queued); });
    CHECK(queued == 1);
}

TEST_CASE("ВОЭК: an individual logs in by СНИЛС, a sole proprietor by ОГРНИП; СИГМА by e-mail", "[identity]") {
    auto& w = world();
    struct Case {
        std::string tenant, kind, fields, login, email;
    };
    const std::string e1 = unique("fl-") + "@example.ru", e2 = unique("ip-") + "@example.ru", e3 = unique("sigma-") + "@example.ru";
    const std::vector<Case> cases = {
        {"voek", "individual", R"({"snils":"112-233-445 95","email":")" + e1 + R"(","password":"Kabinet2024!Test","password_confirm":"Kabinet2024!Test","phone":"+79001112233"})",
         "112-233-445 95", e1},
        {"voek", "sole_proprietor", R"({"inn":"500100732259","email":")" + e2 + R"(","password":"Kabinet2024!Test","password_confirm":"Kabinet2024!Test","phone":"+79001112233","ogrnip":"304500116000157"})",
         "304500116000157", e2},
        {"sigma", "consumer", R"({"full_name":"Сидоров Сидор","organization":"ООО «Ромашка»","contract_number":"Д-17/2024","phone":"+79781234567","email":")" + e3 +
                                  R"(","password":"Kabinet2024!Test","password_confirm":"Kabinet2024!Test"})",
         e3, e3},
    };
    for (const auto& c : cases) {
        INFO(c.tenant << " " << c.kind);
        Client cl{w.server, c.tenant};
        auto r = cl.call("POST", "registration", R"({"kind":")" + c.kind + R"(","fields":)" + c.fields + R"(,"consents":["personal_data","licence"]})");
        INFO(r.body);
        REQUIRE(r.status == 201);
        CHECK(cl.call("POST", "confirm/email", R"({"token":")" + tokenFromMail(w.smtp.waitFor(c.email), "confirm/email") + R"("})").status == 200);
        r = cl.login(c.login, "Kabinet2024!Test");
        INFO(r.body);
        CHECK(r.status == 200);
        CHECK(obj(cl.call("GET", "me").body)->getObject("user")->getValue<std::string>("kind") == c.kind);
    }
    // СИГМА without its licence agreement: refused, naming the consent.
    Client cl{w.server, "sigma"};
    auto r = cl.call("POST", "registration", R"({"kind":"consumer","fields":)" + cases[2].fields + R"(,"consents":["personal_data"]})");
    CHECK(r.status == 422);
    CHECK_FALSE(field(r, "consents.licence").empty());
}

TEST_CASE("profile: a new e-mail counts only once confirmed; ВГЭС passport; ОЭС 360 notification switches", "[identity]") {
    auto& w = world();
    // ВОЭК: the e-mail is not the login, so it can change — by a link to the new address.
    Client c{w.server, "voek"};
    const std::string email = unique("mail-") + "@example.ru", next = unique("new-") + "@example.ru";
    REQUIRE(c.call("POST", "registration", R"({"kind":"individual","fields":{"snils":"151-018-832 24","email":")" + email +
                                           R"(","password":"Kabinet2024!Test","password_confirm":"Kabinet2024!Test","phone":"+79001112233"}})")
                .status == 201);
    REQUIRE(c.call("POST", "confirm/email", R"({"token":")" + tokenFromMail(w.smtp.waitFor(email), "confirm/email") + R"("})").status == 200);
    REQUIRE(c.login("15101883224", "Kabinet2024!Test").status == 200);
    auto r = c.call("PATCH", "me", R"({"fields":{"email":")" + next + R"("}})");
    INFO(r.body);
    REQUIRE(r.status == 200);
    CHECK(obj(r.body)->getValue<bool>("email_change_pending"));
    CHECK(obj(r.body)->getObject("user")->getValue<std::string>("email") == email); // not yet
    CHECK(c.call("POST", "confirm/email", R"({"token":")" + tokenFromMail(w.smtp.waitFor(next), "confirm/email") + R"("})").status == 200);
    CHECK(obj(c.call("GET", "me").body)->getObject("user")->getValue<std::string>("email") == next);

    // ВГЭС: passport series and number in the profile, normalised.
    Client v{w.server, "vges"};
    const std::string username = "pass" + std::to_string(std::rand() % 100000);
    REQUIRE(v.call("POST", "registration",
                   R"({"kind":"individual","fields":{"username":")" + username + R"(","email":")" + username + R"(@example.ru",)"
                       R"("password":"Secret123","password_confirm":"Secret123","full_name":"Паспортов","from_voronezh":false,)"
                       R"("address":"Москва","postcode":"125009","phone":"+79601153767","snils":"112-233-445 95"},)"
                       R"("consents":["personal_data"]})")
                .status == 201);
    REQUIRE(v.login(username, "Secret123").status == 200);
    auto form = obj(v.call("GET", "forms/profile").body);
    bool passport = false;
    for (const auto& k : *form->getArray("kinds"))
        for (const auto& f : *k.extract<Poco::JSON::Object::Ptr>()->getArray("fields"))
            passport |= f.extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("name") == "passport";
    CHECK(passport);
    r = v.call("PATCH", "me", R"({"fields":{"passport":"2011№ 405454"}})");
    INFO(r.body);
    REQUIRE(r.status == 200);
    CHECK(obj(r.body)->getObject("user")->getObject("fields")->getValue<std::string>("passport") == "2011 405454");
    r = v.call("PATCH", "me", R"({"fields":{"username":"someone-else"}})");
    CHECK(r.status == 422);
    CHECK_FALSE(field(r, "username").empty());

    // ОЭС 360: notification switches from the supplier and from meters.
    Client o{w.server, "oes360"};
    const std::string oe = unique("notif-") + "@example.ru";
    REQUIRE(o.call("POST", "registration", R"({"kind":"consumer","fields":{"email":")" + oe + R"(","full_name":"Уведомлёнов",)"
                                           R"("phone":"+79031112233","password":"longpass1","password_confirm":"longpass1"}})")
                .status == 201);
    REQUIRE(o.call("POST", "confirm/email", R"({"token":")" + tokenFromMail(w.smtp.waitFor(oe), "confirm/email") + R"("})").status == 200);
    REQUIRE(o.login(oe, "longpass1").status == 200);
    r = o.call("PATCH", "me", R"({"notifications":{"supplier":false,"meters":true}})");
    INFO(r.body);
    REQUIRE(r.status == 200);
    auto n = obj(r.body)->getObject("user")->getObject("notifications");
    CHECK_FALSE(n->getValue<bool>("supplier"));
    CHECK(n->getValue<bool>("meters"));
    CHECK(o.call("PATCH", "me", R"({"notifications":{"spam":true}})").status == 422);
    CHECK(o.call("PATCH", "me", R"({"notifications":{"meters":"yes"}})").status == 422);
}

TEST_CASE("a stored hash of weaker parameters is upgraded at the next login", "[identity]") {
    auto& w = world();
    Client v{w.server, "vges"};
    const std::string username = "old" + std::to_string(std::rand() % 100000);
    REQUIRE(v.call("POST", "registration",
                   R"({"kind":"individual","fields":{"username":")" + username + R"(","email":")" + username + R"(@example.ru",)"
                       R"("password":"Secret123","password_confirm":"Secret123","full_name":"Старый","from_voronezh":false,)"
                       R"("address":"Москва","postcode":"125009","phone":"+79601153767","snils":"112-233-445 95"},)"
                       R"("consents":["personal_data"]})")
                .status == 201);
    Database db(w.db.url(), 1);
    PasswordHasher weak(Argon2Params{1024, 1, 1}, 1);
    const std::string old = weak.hash("Secret123");
    db.transaction([&](soci::session& s) {
        s << "UPDATE users SET password_hash = :h WHERE tenant_id = 'vges' AND login = :l", soci::use(old), soci::use(username);
    });
    REQUIRE(v.login(username, "Secret123").status == 200);
    std::string now;
    db.read([&](soci::session& s) {
        s << "SELECT password_hash FROM users WHERE tenant_id = 'vges' AND login = :l", soci::use(username), soci::into(now);
    });
    CHECK(now != old);
    CHECK(now.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0) == 0);
    CHECK(v.login(username, "Secret123").status == 200);
}

TEST_CASE("a tenant that forces a second factor for staff lets them do nothing else until it is on", "[identity][roles]") {
    auto& w = world();
    std::string out;
    REQUIRE(test::runProgram({test::binaryDir() + "/core/kabinet", "users", "create-admin", "--tenant", "kes-orenburg", "--email",
                              "admin@kes.example", "--database", w.db.url(), "--tenants", test::sourceDir() + "/tenants",
                              "--scripts", test::sourceDir() + "/scripts"},
                             out, {{"KABINET_ADMIN_PASSWORD", "Admin-Password-2"}}) == 0);
    Client a{w.server, "kes-orenburg"};
    auto r = a.login("admin@kes.example", "Admin-Password-2");
    REQUIRE(r.status == 200);
    CHECK(obj(r.body)->getObject("user")->getValue<bool>("second_factor_required"));
    r = a.call("GET", "operators");
    CHECK(r.status == 403);
    CHECK(obj(r.body)->getValue<std::string>("error") == "second_factor_required");
    r = a.call("POST", "me/second-factor", R"({"method":"totp"})");
    REQUIRE(r.status == 200);
    const std::string key = *totp::base32Decode(obj(r.body)->getValue<std::string>("secret"));
    REQUIRE(a.call("POST", "me/second-factor/confirm", R"({"code":")" + totp::code(key, std::time(nullptr)) + R"("})").status == 200);
    CHECK(a.call("GET", "operators").status == 200);
    CHECK(a.call("DELETE", "me/second-factor", R"({"password":"Admin-Password-2"})").status == 403); // forced: cannot turn it off
}
