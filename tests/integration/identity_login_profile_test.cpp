// Identity, the ways in and the profile, against kabinetd as a process on the backend of this run: staff log
// in by e-mail in every tenant and consumers only as their tenant offers; a half-confirmed account is told
// what is left and finishes it at login; a new phone counts once its code is entered; notification switches
// never set are the tenant's default; a refused registration is worded as the tenant says.
#include <catch2/catch.hpp>

#include "KabinetdProcess.h"
#include "TenantClient.h"
#include "Simulators.h"
#include "JsonText.h"
#include "TestContext.h"
#include "storage/Database.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <ctime>
#include <regex>

using namespace kabinet;
using test::HttpResult;
using test::KabinetdProcess;

namespace {

using test::obj;

std::vector<std::string> strings(const Poco::JSON::Array::Ptr& a) {
    std::vector<std::string> out;
    if (a)
        for (const auto& v : *a) out.push_back(v.convert<std::string>());
    return out;
}

/// A browser-like client of one tenant: keeps the session cookie and the CSRF value.
struct Client : test::TenantClient {
    using TenantClient::TenantClient;
    HttpResult login(const std::string& login, const std::string& password, const std::string& kind = "") {
        return TenantClient::login(login, password, kind.empty() ? "" : R"("kind":")" + kind + "\"");
    }
};

struct World {
    test::FreshDatabase db;
    test::SmtpServer smtp;
    test::SmsGateway sms;
    KabinetdProcess server;
    World()
        : server(db.url(), {"--smtp", smtp.url(), "--public-url", "http://kabinet.test"},
                 {{"KABINET_SMS_GATEWAY", sms.pluginConfig()}}) {}
};

World& world() {
    static World w;
    return w;
}

std::string unique(const std::string& prefix) {
    static int n = 0;
    return prefix + std::to_string(::time(nullptr) % 100000) + "-" + std::to_string(++n);
}

std::string uniqueMobile() {
    static int n = 0;
    return "+7915" + std::to_string(1000000 + (::time(nullptr) * 7 + ++n * 104729) % 8999999);
}

std::string mailToken(World& w, const std::string& to, int n = 1) {
    const auto m = w.smtp.waitFor(to, n);
    const std::string link = test::findLink(m.text, "confirm/email");
    INFO(m.text);
    REQUIRE_FALSE(link.empty());
    return test::queryParam(link, "token");
}

void createStaff(World& w, const std::string& tenant, const std::string& email, const std::string& password) {
    std::string out;
    REQUIRE(test::runProgram({test::binaryDir() + "/core/kabinet", "users", "create-admin", "--tenant", tenant, "--email", email,
                              "--full-name", "Сотрудников Сергей", "--database", w.db.url(), "--tenants",
                              test::sourceDir() + "/tenants", "--scripts", test::sourceDir() + "/scripts"},
                             out, {{"KABINET_ADMIN_PASSWORD", password}}) == 0);
}

/// Registers a КЭС consumer (e-mail and phone to confirm); returns the registration answer.
Poco::JSON::Object::Ptr registerKes(Client& c, const std::string& email, const std::string& phone) {
    auto r = c.call("POST", "registration",
                    R"({"kind":"consumer","fields":{"surname":"Петров","name":"Пётр","email":")" + email + R"(","phone":")" + phone +
                        R"(","password":"Secret123","password_confirm":"Secret123"},"consents":["personal_data"]})");
    INFO(r.body);
    REQUIRE(r.status == 201);
    return obj(r.body);
}

} // namespace

TEST_CASE("staff log in by e-mail in every tenant; consumers only by the tenant's own way", "[people][identity]") {
    auto& w = world();
    // ВОЭК: consumers log in by СНИЛС, ОГРНИП or ОГРН; the staff member by e-mail all the same.
    const std::string staff = unique("Staff-") + "@Voek.example";
    createStaff(w, "voek", staff, "Staff-Password-1");
    Client s{w.server, "voek"};
    CHECK(s.login(staff, "Staff-Password-1", "staff").status == 200);
    CHECK(obj(s.call("GET", "me").body)->getObject("user")->getValue<std::string>("role") == "tenant-admin");
    CHECK(Client{w.server, "voek"}.login(staff, "Staff-Password-1", "individual").status == 200);
    CHECK(Client{w.server, "voek"}.login(staff, "Staff-Password-1").status == 200);
    CHECK(Client{w.server, "voek"}.login(staff, "wrong-password-1", "staff").status == 401);

    // A ВОЭК individual: in by СНИЛС as an individual; never by another kind, the staff way or the e-mail.
    Client c{w.server, "voek"};
    const std::string email = unique("snils-") + "@example.ru";
    REQUIRE(c.call("POST", "registration", R"({"kind":"individual","fields":{"snils":"151-018-832 24","email":")" + email +
                                           R"(","password":"Kabinet2024!Test","password_confirm":"Kabinet2024!Test","phone":"+79001112233"}})")
                .status == 201);
    REQUIRE(c.call("POST", "confirm/email", R"({"token":")" + mailToken(w, email) + R"("})").status == 200);
    CHECK(Client{w.server, "voek"}.login("15101883224", "Kabinet2024!Test", "legal_entity").status == 401);
    CHECK(Client{w.server, "voek"}.login("15101883224", "Kabinet2024!Test", "staff").status == 401);
    CHECK(Client{w.server, "voek"}.login(email, "Kabinet2024!Test", "staff").status == 401);
    CHECK(Client{w.server, "voek"}.login(email, "Kabinet2024!Test").status == 401);
    CHECK(Client{w.server, "voek"}.login("151-018-832 24", "Kabinet2024!Test", "individual").status == 200);

    // КЭС: consumers log in by e-mail too, but not through the staff way.
    Client k{w.server, "kes-orenburg"};
    const std::string ke = unique("kes-staffway-") + "@example.ru", phone = uniqueMobile();
    auto reg = registerKes(k, ke, phone);
    REQUIRE(k.call("POST", "confirm/email", R"({"token":")" + mailToken(w, ke) + R"("})").status == 200);
    REQUIRE(k.call("POST", "confirm/phone", R"({"pending_token":")" + reg->getValue<std::string>("pending_token") + R"(","code":")" +
                                              w.sms.codeFor(phone) + R"("})")
                .status == 200);
    CHECK(Client{w.server, "kes-orenburg"}.login(ke, "Secret123", "staff").status == 401);
    CHECK(Client{w.server, "kes-orenburg"}.login(ke, "Secret123").status == 200);
}

TEST_CASE("a half-confirmed account is told what is left and finishes it at login", "[people][identity]") {
    auto& w = world();
    Client c{w.server, "kes-orenburg"};
    const std::string email = unique("kes-half-") + "@example.ru", phone = uniqueMobile();
    registerKes(c, email, phone); // the pending token of the registration is lost with the tab
    const std::string code = w.sms.codeFor(phone);

    // Both left: the login says both, with a fresh pending token; the code sent is still good, none is sent.
    auto r = c.login(email, "Secret123");
    INFO(r.body);
    REQUIRE(r.status == 403);
    auto b = obj(r.body);
    CHECK(b->getValue<std::string>("error") == "not_confirmed");
    CHECK(strings(b->getArray("remaining")) == std::vector<std::string>{"email", "phone"});
    CHECK_FALSE(b->getValue<bool>("code_sent"));
    CHECK(r.headers.count("Set-Cookie") == 0);

    // The mail confirmed: only the phone is left, and the message no longer asks for the mail link.
    REQUIRE(c.call("POST", "confirm/email", R"({"token":")" + mailToken(w, email) + R"("})").status == 200);
    r = c.login(email, "Secret123");
    INFO(r.body);
    REQUIRE(r.status == 403);
    b = obj(r.body);
    CHECK(strings(b->getArray("remaining")) == std::vector<std::string>{"phone"});
    const std::string message = b->getValue<std::string>("message");
    CHECK_THAT(message, Catch::Contains("кодом из SMS"));
    CHECK(message.find("письм") == std::string::npos);
    CHECK(b->getValue<std::string>("phone") == phone);
    const std::string pending = b->getValue<std::string>("pending_token");
    REQUIRE_FALSE(pending.empty());

    // Finished on the spot with the token of the login: a new code waits a minute, the code of the SMS works.
    CHECK(c.call("POST", "confirm/phone/resend", R"({"pending_token":")" + pending + R"("})").status == 429);
    r = c.call("POST", "confirm/phone", R"({"pending_token":")" + pending + R"(","code":")" + code + R"("})");
    INFO(r.body);
    REQUIRE(r.status == 200);
    CHECK(obj(r.body)->getValue<std::string>("state") == "active");
    CHECK(c.login(email, "Secret123").status == 200);

    // A code that can no longer be entered: the login sends a new one.
    Client d{w.server, "kes-orenburg"};
    const std::string e2 = unique("kes-late-") + "@example.ru", p2 = uniqueMobile();
    registerKes(d, e2, p2);
    w.sms.codeFor(p2);
    Database db(w.db.url(), 1);
    db.transaction([&](soci::session& s) {
        s << "UPDATE tokens SET expires_at = 1, created_at = created_at - 3600 WHERE tenant_id = 'kes-orenburg' AND purpose = 'phone_code' "
             "AND user_id = (SELECT user_id FROM users WHERE tenant_id = 'kes-orenburg' AND login = :l)",
            soci::use(e2);
    });
    r = d.login(e2, "Secret123");
    INFO(r.body);
    REQUIRE(r.status == 403);
    b = obj(r.body);
    CHECK(b->getValue<bool>("code_sent"));
    const std::string fresh = w.sms.codeFor(p2, 2);
    CHECK(d.call("POST", "confirm/phone", R"({"pending_token":")" + b->getValue<std::string>("pending_token") + R"(","code":")" + fresh +
                                              R"("})")
              .status == 200);

    // ВОЭК: the e-mail is left; the mail link is resent with the token of the login (cool-down first).
    Client v{w.server, "voek"};
    const std::string ve = unique("voek-half-") + "@example.ru";
    REQUIRE(v.call("POST", "registration", R"({"kind":"individual","fields":{"snils":"112-233-445 95","email":")" + ve +
                                           R"(","password":"Kabinet2024!Test","password_confirm":"Kabinet2024!Test","phone":"+79001112244"}})")
                .status == 201);
    r = v.login("11223344595", "Kabinet2024!Test", "individual");
    REQUIRE(r.status == 403);
    b = obj(r.body);
    CHECK(strings(b->getArray("remaining")) == std::vector<std::string>{"email"});
    CHECK_THAT(b->getValue<std::string>("message"), Catch::Contains("письм"));
    r = v.call("POST", "confirm/email/resend", R"({"pending_token":")" + b->getValue<std::string>("pending_token") + R"("})");
    CHECK(r.status == 429);
    CHECK(v.call("POST", "confirm/email/resend", R"({"pending_token":"not-a-token"})").status == 410);
}

TEST_CASE("profile: confirmations shown; a new phone counts once its code is entered; switches default", "[people][identity]") {
    auto& w = world();
    // КЭС proves phones by a code.
    Client c{w.server, "kes-orenburg"};
    const std::string email = unique("kes-phone-") + "@example.ru", phone = uniqueMobile(), next = uniqueMobile();
    auto reg = registerKes(c, email, phone);
    REQUIRE(c.call("POST", "confirm/email", R"({"token":")" + mailToken(w, email) + R"("})").status == 200);
    REQUIRE(c.call("POST", "confirm/phone", R"({"pending_token":")" + reg->getValue<std::string>("pending_token") + R"(","code":")" +
                                              w.sms.codeFor(phone) + R"("})")
                .status == 200);
    REQUIRE(c.login(email, "Secret123").status == 200);
    auto form = obj(c.call("GET", "forms/profile").body);
    CHECK(form->getObject("confirmed")->getValue<std::string>("email") == "email");
    CHECK(form->getObject("confirmed")->getValue<std::string>("phone") == "phone");
    auto user = obj(c.call("GET", "me").body)->getObject("user");
    CHECK(user->getValue<bool>("email_verified"));
    CHECK(user->getValue<bool>("phone_verified"));

    auto r = c.call("PATCH", "me", R"({"fields":{"phone":")" + next + R"("}})");
    INFO(r.body);
    REQUIRE(r.status == 200);
    user = obj(r.body)->getObject("user");
    CHECK(user->getValue<std::string>("phone") == phone); // the old one stays
    CHECK(user->getValue<bool>("phone_verified"));
    CHECK(user->getObject("fields")->getValue<std::string>("phone") == phone);
    CHECK(user->getValue<std::string>("phone_change_pending") == next);
    const std::string code = w.sms.codeFor(next);
    CHECK(c.call("POST", "me/phone/resend").status == 429);
    r = c.call("POST", "me/phone/confirm", R"({"code":")" + std::string(code == "000000" ? "111111" : "000000") + R"("})");
    CHECK(r.status == 422);
    CHECK(obj(c.call("GET", "me").body)->getObject("user")->getValue<std::string>("phone") == phone);
    r = c.call("POST", "me/phone/confirm", R"({"code":")" + code + R"("})");
    INFO(r.body);
    REQUIRE(r.status == 200);
    user = obj(r.body)->getObject("user");
    CHECK(user->getValue<std::string>("phone") == next);
    CHECK(user->getValue<bool>("phone_verified"));
    CHECK(user->getObject("fields")->getValue<std::string>("phone") == next);
    CHECK(user->get("phone_change_pending").isEmpty());
    CHECK(c.call("POST", "me/phone/confirm", R"({"code":")" + code + R"("})").status == 410);

    // ОЭС 360: switches never set are the tenant's default (on); one set off stays off.
    Client o{w.server, "oes360"};
    const std::string oe = unique("switch-") + "@example.ru";
    REQUIRE(o.call("POST", "registration", R"({"kind":"consumer","fields":{"email":")" + oe + R"(","full_name":"Уведомлёнов",)"
                                           R"("phone":"+79031112233","password":"longpass1","password_confirm":"longpass1"}})")
                .status == 201);
    REQUIRE(o.call("POST", "confirm/email", R"({"token":")" + mailToken(w, oe) + R"("})").status == 200);
    r = o.login(oe, "longpass1");
    REQUIRE(r.status == 200);
    CHECK(obj(r.body)->getObject("user")->getObject("notifications")->getValue<bool>("supplier"));
    auto n = obj(o.call("GET", "me").body)->getObject("user")->getObject("notifications");
    CHECK(n->getValue<bool>("supplier"));
    CHECK(n->getValue<bool>("meters"));
    REQUIRE(o.call("PATCH", "me", R"({"notifications":{"supplier":false}})").status == 200);
    n = obj(o.call("GET", "me").body)->getObject("user")->getObject("notifications");
    CHECK_FALSE(n->getValue<bool>("supplier"));
    CHECK(n->getValue<bool>("meters"));

    // ОЭС 360 sends codes to the phone: the phone of the registration, not proven yet, is proven by a code.
    user = obj(o.call("GET", "me").body)->getObject("user");
    CHECK_FALSE(user->getValue<bool>("phone_verified"));
    CHECK(obj(o.call("GET", "forms/profile").body)->getObject("confirmed")->getValue<std::string>("phone") == "phone");
    REQUIRE(o.call("POST", "me/phone/resend").status == 202);
    CHECK(obj(o.call("GET", "me").body)->getObject("user")->getValue<std::string>("phone_change_pending") == "+79031112233");
    r = o.call("POST", "me/phone/confirm", R"({"code":")" + w.sms.codeFor("+79031112233") + R"("})");
    INFO(r.body);
    REQUIRE(r.status == 200);
    CHECK(obj(r.body)->getObject("user")->getValue<bool>("phone_verified"));
    CHECK(o.call("POST", "me/phone/resend").status == 410); // nothing left to prove

    // ВОЭК does not prove phones: a new one counts at once, and nothing is said about confirmation.
    Client v{w.server, "voek"};
    const std::string ve = unique("voek-phone-") + "@example.ru";
    REQUIRE(v.call("POST", "registration", R"({"kind":"individual","fields":{"snils":"123-456-789 64","email":")" + ve +
                                           R"(","password":"Kabinet2024!Test","password_confirm":"Kabinet2024!Test","phone":"+79001112255"}})")
                .status == 201);
    REQUIRE(v.call("POST", "confirm/email", R"({"token":")" + mailToken(w, ve) + R"("})").status == 200);
    REQUIRE(v.login("12345678964", "Kabinet2024!Test").status == 200);
    CHECK_FALSE(obj(v.call("GET", "forms/profile").body)->getObject("confirmed")->has("phone"));
    r = v.call("PATCH", "me", R"({"fields":{"phone":"+7 900 111-22-66"}})");
    REQUIRE(r.status == 200);
    CHECK(obj(r.body)->getObject("user")->getValue<std::string>("phone") == "+79001112266");
}

TEST_CASE("a refused registration is worded as the tenant says", "[people][identity]") {
    auto& w = world();
    Client s{w.server, "sigma"};
    auto r = s.call("POST", "registration", R"({"kind":"consumer","fields":{"email":"not-an-address"},"consents":[]})");
    INFO(r.body);
    REQUIRE(r.status == 422);
    CHECK(obj(r.body)->getValue<std::string>("message") ==
          "Не удалось создать учетную запись. Откорректируйте введенные данные и повторите попытку.");
    r = Client{w.server, "vges"}.call("POST", "registration", R"({"kind":"individual","fields":{}})");
    REQUIRE(r.status == 422);
    CHECK(obj(r.body)->getValue<std::string>("message") == "Не удалось зарегистрироваться. Исправьте отмеченные поля и повторите попытку.");
}
