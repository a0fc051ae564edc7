// What a person reads, end to end against kabinetd as a process on the backend of this run: the name in the
// header (`display_name` of `me`), the utility's name inside the sentences of its mails (the name forms of
// tenant.lua, read from the .eml files the SMTP server stored), the QR code of the TOTP set-up, and the
// root page listing the utilities.
#include <catch2/catch.hpp>

#include "KabinetdProcess.h"
#include "TenantClient.h"
#include "Simulators.h"
#include "JsonText.h"
#include "TestContext.h"

#include <Poco/Base64Decoder.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cstdlib>
#include <ctime>
#include <regex>
#include <sstream>

using namespace kabinet;
using test::HttpResult;
using test::KabinetdProcess;

namespace {

using test::obj;

using Client = test::TenantClient;

struct World {
    test::FreshDatabase db;
    test::SmtpServer smtp;
    KabinetdProcess server;
    World() : server(db.url(), {"--smtp", smtp.url(), "--public-url", "http://kabinet.test"}) {}
};

World& world() {
    static World w;
    return w;
}

std::string suffix() {
    static int n = 0;
    return std::to_string(::time(nullptr) % 100000) + std::to_string(std::rand() % 1000) + "x" + std::to_string(++n);
}

/// Registers a ВГЭС individual (no confirmations) and returns its user name.
std::string registerVges(Client& c, const std::string& fullName) {
    const std::string username = "pt" + suffix();
    auto r = c.call("POST", "registration",
                    R"({"kind":"individual","fields":{"username":")" + username + R"(","email":")" + username + R"(@example.ru",)"
                        R"("password":"Secret123","password_confirm":"Secret123","full_name":")" + fullName + R"(","from_voronezh":false,)"
                        R"("address":"Москва","postcode":"125009","phone":"+79601153767","snils":"112-233-445 95"},)"
                        R"("consents":["personal_data"]})");
    INFO(r.body);
    REQUIRE(r.status == 201);
    return username;
}

/// A fresh valid ОГРН (13 digits, the last one the check digit), so that each test registers its own organisation.
std::string freshOgrn() {
    std::string d = "1027700";
    for (int i = 0; i < 5; ++i) d += static_cast<char>('0' + std::rand() % 10);
    const long long n = std::stoll(d);
    return d + std::to_string(n % 11 % 10);
}

std::string base64Decode(const std::string& s) {
    std::istringstream in(s);
    Poco::Base64Decoder dec(in);
    std::string out((std::istreambuf_iterator<char>(dec)), std::istreambuf_iterator<char>());
    return out;
}

} // namespace

TEST_CASE("mails name the utility in a form that reads inside a sentence, never its full legal name", "[portal][mail]") {
    auto& w = world();
    // ВОЭК declares no name forms: the short name stands in.
    Client voek{w.server, "voek"};
    const std::string email = "name-form-" + suffix() + "@example.ru";
    auto r = voek.call("POST", "registration",
                       R"({"kind":"legal_entity","fields":{"inn":"7707083893","email":")" + email +
                           R"(","password":"Kabinet2024!Test","password_confirm":"Kabinet2024!Test","phone":"+7 900 123-45-67",)"
                           R"("ogrn":")" + freshOgrn() + R"("},"consents":["personal_data"]})");
    INFO(r.body);
    REQUIRE(r.status == 201);
    auto mail = w.smtp.waitFor(email);
    INFO(mail.text);
    CHECK(mail.text.find("в личном кабинете потребителя АО «ВОЭК». ") != std::string::npos);
    CHECK(mail.subject == "Активация учётной записи в личном кабинете АО «ВОЭК»");
    CHECK(mail.raw.find("Акционерное общество") == std::string::npos);

    // ВГЭС declares its genitive and accusative forms: the reset and «password changed» mails use them.
    Client vges{w.server, "vges"};
    const std::string username = registerVges(vges, "Формов Имя Отчество");
    REQUIRE(vges.call("POST", "password/reset", R"({"email":")" + username + R"(@example.ru"})").status == 202);
    auto reset = w.smtp.waitFor(username + "@example.ru");
    INFO(reset.text);
    CHECK(reset.text.find("Для входа в личный кабинет АО «Воронежская горэлектросеть» запрошено восстановление пароля.") !=
          std::string::npos);
    CHECK(reset.subject == "Восстановление пароля — АО «ВГЭС»");
    CHECK(reset.raw.find("Акционерное общество") == std::string::npos);
}

TEST_CASE("me names the person: ФИО, organisation, else the e-mail — never the login digits", "[portal]") {
    auto& w = world();
    Client vges{w.server, "vges"};
    const std::string username = registerVges(vges, "Иванов Иван Иванович");
    REQUIRE(vges.call("POST", "session", R"({"login":")" + username + R"(","password":"Secret123"})").status == 200);
    auto me = vges.call("GET", "me");
    REQUIRE(me.status == 200);
    CHECK(obj(me.body)->getObject("user")->getValue<std::string>("display_name") == "Иванов Иван Иванович");

    // A ВГЭС organisation: its short name, not the head's ФИО.
    Client org{w.server, "vges"};
    const std::string login = "org" + suffix();
    auto r = org.call("POST", "registration",
                      R"({"kind":"legal_entity","fields":{"username":")" + login + R"(","email":")" + login + R"(@example.ru",)"
                          R"("password":"Secret123","password_confirm":"Secret123","org_short_name":"ООО «Ромашка»",)"
                          R"("org_full_name":"Общество с ограниченной ответственностью «Ромашка»","head_full_name":"Петров Пётр Петрович",)"
                          R"("inn":"7707083893","ogrn":")" + freshOgrn() + R"(","phone":"+79601153767",)"
                          R"("from_voronezh":false,"address":"Москва","postcode":"125009"},"consents":["personal_data"]})");
    INFO(r.body);
    REQUIRE(r.status == 201);
    REQUIRE(org.call("POST", "session", R"({"login":")" + login + R"(","password":"Secret123"})").status == 200);
    auto orgMe = org.call("GET", "me");
    CHECK(obj(orgMe.body)->getObject("user")->getValue<std::string>("display_name") == "ООО «Ромашка»");

    // ВОЭК: a legal entity's profile has only ИНН and ОГРН: the e-mail, not «1027700132195».
    Client voek{w.server, "voek"};
    const std::string email = "dn-" + suffix() + "@example.ru", ogrn = freshOgrn();
    auto reg = voek.call("POST", "registration",
                         R"({"kind":"legal_entity","fields":{"inn":"7707083893","email":")" + email +
                             R"(","password":"Kabinet2024!Test","password_confirm":"Kabinet2024!Test","phone":"+7 900 123-45-67",)"
                             R"("ogrn":")" + ogrn + R"("},"consents":["personal_data"]})");
    INFO(reg.body);
    REQUIRE(reg.status == 201);
    auto mail = w.smtp.waitFor(email);
    std::smatch m;
    REQUIRE(std::regex_search(mail.text, m, std::regex(R"(token=([A-Za-z0-9_%-]+))")));
    REQUIRE(voek.call("POST", "confirm/email", R"({"token":")" + std::string(m[1]) + R"("})").status == 200);
    REQUIRE(voek.call("POST", "session", R"({"login":")" + ogrn + R"(","password":"Kabinet2024!Test"})").status == 200);
    auto meVoek = voek.call("GET", "me");
    INFO(meVoek.body);
    CHECK(obj(meVoek.body)->getObject("user")->getValue<std::string>("display_name") == email);
}

TEST_CASE("the TOTP set-up carries its otpauth URI as a QR code (SVG)", "[portal]") {
    auto& w = world();
    Client vges{w.server, "vges"};
    const std::string username = registerVges(vges, "Кьюар Код");
    REQUIRE(vges.call("POST", "session", R"({"login":")" + username + R"(","password":"Secret123"})").status == 200);
    auto r = vges.call("POST", "me/second-factor", R"({"method":"totp"})");
    INFO(r.body);
    REQUIRE(r.status == 200);
    auto setup = obj(r.body);
    const std::string qr = setup->optValue<std::string>("otpauth_qr", "");
    const std::string prefix = "data:image/svg+xml;base64,";
    REQUIRE(qr.rfind(prefix, 0) == 0);
    const std::string svg = base64Decode(qr.substr(prefix.size()));
    CHECK(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ", 0) == 0);
    // The top-left finder pattern: a run of 7 dark modules right after the 4-module quiet zone.
    CHECK(svg.find("M4 4h7v1h-7z") != std::string::npos);
    CHECK(svg.find("</svg>") != std::string::npos);
}

TEST_CASE("the root page lists every utility by name with a way into its cabinet", "[portal]") {
    auto& w = world();
    auto r = w.server.request("GET", "/");
    REQUIRE(r.status == 200);
    CHECK(r.headers["Content-Type"].find("text/html") == 0);
    CHECK(r.body.find("<style>") != std::string::npos);
    CHECK(r.body.find("<title>Личные кабинеты потребителей электроэнергии</title>") != std::string::npos);
    const std::vector<std::pair<std::string, std::string>> tenants = {
        {"kes-orenburg", "ООО «КЭС Оренбуржья»"}, {"oes360", "ОЭС 360"}, {"sigma", "ООО «СИГМА»"},
        {"vges", "АО «ВГЭС»"}, {"voek", "АО «ВОЭК»"}};
    for (const auto& [id, name] : tenants) {
        INFO(id);
        CHECK(r.body.find("data-tenant=\"" + id + "\"") != std::string::npos);
        CHECK(r.body.find("<h2>" + name + "</h2>") != std::string::npos);
        CHECK(r.body.find("href=\"/t/" + id + "/\"") != std::string::npos);
    }
}
