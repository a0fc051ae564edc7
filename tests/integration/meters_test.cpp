// Contracts, accounts and meter data on the backend of this run: the sink's idempotent batches, the ways a
// consumer gets access (account number, ОГРН + contract, operator grant, contract rename) and every view of a
// metering point, with access checks on every point route.
#include <catch2/catch.hpp>

#include "KabinetdProcess.h"
#include "TenantClient.h"
#include "Simulators.h"
#include "JsonText.h"
#include "TestContext.h"
#include "meters/MeterData.h"
#include "meters/MeterRegistry.h"
#include "meters/MeterService.h"
#include "tenants/TenantRegistry.h"
#include "storage/Database.h"
#include "storage/Migrations.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <ctime>
#include <regex>
#include <sstream>
#include <thread>

using namespace kabinet;
using test::HttpResult;
using test::KabinetdProcess;

namespace {

using test::obj;

struct Client : test::TenantClient {
    using TenantClient::TenantClient;
    void login(const std::string& login, const std::string& password) {
        auto r = TenantClient::login(login, password);
        INFO(r.body);
        REQUIRE(r.status == 200);
    }
};

/// One server and one database with a small utility: ВОЭК and СИГМА reference data and a month of data.
struct World {
    test::FreshDatabase db;
    KabinetdProcess server;
    Database direct;
    std::string voekPoint, voekMeter, voekLegalPoint, sigmaPoint, sigmaMeter;
    long long now = static_cast<long long>(std::time(nullptr));
    World() : server(db.url(), {"--ingest-token", "ingest-token-0123456789"}), direct(db.url(), 2) {
        MeterRegistry reg(direct);
        MeterDataSink sink(direct);
        // ВОЭК: an individual's account, and a legal entity with two contracts.
        const std::string acc = reg.upsertAccount("voek", {"", "3300123456", "", "Иванов И. И.", "г. Владимир, ул. Мира, д. 5, кв. 7"});
        reg.upsertAccount("voek", {"", "3300999999", "", "Петров П. П.", "г. Владимир, ул. Горького, д. 1"});
        reg.upsertAccount("vges", {"", "36001234", "", "Виртуалов В. В.", "г. Воронеж, Плехановская ул., д. 10, кв. 3"});
        voekPoint = reg.upsertPoint("voek", {"", acc, "", "Квартира", "ТУ-0001", "electricity", "г. Владимир, ул. Мира, д. 5, кв. 7",
                                             "Этажный щит", "2022-03-01", "T2", 15.0});
        Meter m;
        m.pointId = voekPoint;
        m.model = "Меркурий 234 ARTM";
        m.serial = "41234567";
        m.registerNumber = "48266-11";
        m.accuracyClass = "1.0";
        m.phases = 3;
        m.tariffZones = 2;
        m.smart = true;
        m.verifiedOn = "2022-01-15";
        m.verificationYears = 16;
        voekMeter = reg.upsertMeter("voek", m);
        const std::string c1 = reg.upsertContract("voek", {"", "ЭС-1001", "supply", "ПАО Сбербанк", "legal_entity", "7707083893",
                                                           "1027700132195", "г. Москва", "г. Владимир", "ООО «ЭнергосбыТ Плюс»", "2023-01-01", ""});
        reg.upsertContract("voek", {"", "ЭС-1002", "supply", "ПАО Сбербанк", "legal_entity", "7707083893", "1027700132195", "г. Москва",
                                    "г. Ковров", "", "2023-01-01", ""});
        voekLegalPoint = reg.upsertPoint("voek", {"", "", c1, "Офис", "ТУ-0002", "electricity", "г. Владимир, ул. Большая, 1", "ВРУ", "", "T1", std::nullopt});
        Meter lm = m;
        lm.pointId = voekLegalPoint;
        lm.serial = "41234568";
        reg.upsertMeter("voek", lm);
        // СИГМА: a three-phase transformer-connected point.
        const std::string sacc = reg.upsertAccount("sigma", {"", "SIG-77", "", "ООО «Ромашка»", "г. Севастополь"});
        sigmaPoint = reg.upsertPoint("sigma", {"", sacc, "", "Цех", "ТУ-77", "electricity", "г. Севастополь", "ТП-5", "", "T1", std::nullopt});
        Meter sm = m;
        sm.pointId = sigmaPoint;
        sm.serial = "55500011";
        sigmaMeter = reg.upsertMeter("sigma", sm);
        for (const char* ph : {"A", "B", "C"}) reg.upsertTransformer("sigma", {sigmaMeter, "current", ph, "ТОП-0,66", "1", "200/5", "0.5S", ""});
        // 40 days of data for the ВОЭК meter.
        MeterDataBatch b;
        double t1 = 1000, t2 = 500;
        const long long start = (now / 86400 - 40) * 86400;
        for (long long day = 0; day <= 40; ++day) {
            const long long ts = start + day * 86400;
            t1 += 8.5;
            t2 += 3.5;
            b.readings.push_back({voekMeter, ts, "latest", "A+", t1 + t2, t1, t2, std::nullopt, std::nullopt, "demo"});
            for (int half = 0; half < 48; ++half)
                b.profile.push_back({voekMeter, ts + half * 1800, 30, 0.6 + 0.5 * std::sin(half / 48.0 * 6.283), 0.0, 0.1, 0.0});
        }
        b.events.push_back({voekMeter, now - 3 * 86400, "cover_open", "tamper", "alarm", "Вскрытие крышки корпуса", now - 3 * 86400 + 60, true});
        b.events.push_back({voekMeter, now - 2 * 86400, "power_off", "power", "info", "Отключение питания", std::nullopt, false});
        for (const char* ph : {"A", "B", "C"})
            b.params.push_back({voekMeter, now - 3600, ph, 229.5, 4.2, 0.9, 0.2, 0.95, 0.97, 50.01, ph[0] == 'A' ? 0.0 : ph[0] == 'B' ? 240.0 : 120.0});
        sink.write("voek", b);
    }
};

World& world() {
    static World w;
    return w;
}

std::string registerVoekIndividual(Client& c, const std::string& snils, const std::string& email) {
    auto r = c.call("POST", "registration", R"({"kind":"individual","fields":{"snils":")" + snils + R"(","email":")" + email +
                                                R"(","password":"Kabinet2024!Test","password_confirm":"Kabinet2024!Test","phone":"+79001112233"}})");
    INFO(r.body);
    REQUIRE(r.status == 201);
    const std::string id = obj(r.body)->getObject("user")->getValue<std::string>("id");
    world().direct.transaction([&](soci::session& s) { s << "UPDATE users SET state = 'active', email_verified = 1 WHERE user_id = :u", soci::use(id); });
    return id;
}

} // namespace

TEST_CASE("the sink stores each interval once and refuses unknown meters whole", "[meters]") {
    auto& w = world();
    MeterDataSink sink(w.direct);
    auto count = [&](const std::string& table) {
        int n = 0;
        w.direct.read([&](soci::session& s) { s << "SELECT COUNT(*) FROM " + table + " WHERE tenant_id = 'voek'", soci::into(n); });
        return n;
    };
    const int profile = count("profile"), readings = count("readings");
    MeterDataBatch again;
    again.profile.push_back({w.voekMeter, (w.now / 86400 - 40) * 86400, 30, 9.99, 0.0, 0.1, 0.0});
    again.profile.push_back({w.voekMeter, (w.now / 86400 - 40) * 86400, 30, 1.23, 0.0, 0.1, 0.0}); // twice in one batch: the last wins
    auto r = sink.write("voek", again);
    CHECK(r.profile == 1);
    CHECK(count("profile") == profile);
    double p = 0;
    w.direct.read([&](soci::session& s) {
        const long long ts = (w.now / 86400 - 40) * 86400;
        s << "SELECT p_plus FROM profile WHERE tenant_id = 'voek' AND meter_id = :m AND ts = :t", soci::use(w.voekMeter), soci::use(ts), soci::into(p);
    });
    CHECK(p == Approx(1.23));
    MeterDataBatch bad;
    bad.readings.push_back({w.voekMeter, w.now, "latest", "A+", 1.0, 1.0, std::nullopt, std::nullopt, std::nullopt, "driver"});
    bad.readings.push_back({"no-such-meter", w.now, "latest", "A+", 1.0, 1.0, std::nullopt, std::nullopt, std::nullopt, "driver"});
    CHECK_THROWS_WITH(sink.write("voek", bad), Catch::Contains("unknown meter"));
    CHECK(count("readings") == readings);
    CHECK_THROWS(sink.write("sigma", again)); // another tenant's meter is unknown there
}

TEST_CASE("ВОЭК individual: add a personal account by number, see its point in every view, remove it", "[meters]") {
    auto& w = world();
    Client c{w.server, "voek"};
    registerVoekIndividual(c, "112-233-445 95", "meters-fl@example.ru");
    c.login("11223344595", "Kabinet2024!Test");
    auto r = c.call("GET", "points");
    REQUIRE(r.status == 200);
    CHECK(obj(r.body)->getArray("points")->size() == 0);
    r = c.call("POST", "access/accounts", R"({"number":"0000000000"})");
    CHECK(r.status == 404);
    CHECK(obj(r.body)->getObject("fields")->getValue<std::string>("number") == "Лицевой счёт не найден в базе данных сетевой организации");
    r = c.call("POST", "access/accounts", R"({"number":"33001 23456"})");
    INFO(r.body);
    REQUIRE(r.status == 201);
    CHECK(obj(r.body)->getValue<std::string>("message") == "Номер лицевого счета успешно добавлен");
    CHECK(c.call("POST", "access/accounts", R"({"number":"3300123456"})").status == 409);
    CHECK(c.call("POST", "access/ogrn", "{}").status == 403); // not this kind's way

    auto points = obj(c.call("GET", "points").body)->getArray("points");
    REQUIRE(points->size() == 1);
    auto p = points->getObject(0);
    CHECK(p->getValue<std::string>("id") == w.voekPoint);
    CHECK(p->getObject("meter")->getValue<std::string>("model") == "Меркурий 234 ARTM");
    CHECK(p->getObject("latest")->getValue<double>("total") > 1500);

    auto info = obj(c.call("GET", "points/" + w.voekPoint).body);
    CHECK(info->getObject("point")->getValue<std::string>("installation_place") == "Этажный щит");
    CHECK(info->getObject("meter")->getValue<std::string>("register_number") == "48266-11");
    CHECK(info->getObject("meter")->getValue<bool>("smart"));

    auto readings = obj(c.call("GET", "points/" + w.voekPoint + "/readings").body)->getArray("rows");
    CHECK(readings->size() >= 30);
    auto day = obj(c.call("GET", "points/" + w.voekPoint + "/consumption?group=day").body)->getArray("rows");
    REQUIRE(day->size() >= 30);
    CHECK(day->getObject(5)->getValue<double>("total") == Approx(12.0));
    CHECK(day->getObject(5)->getValue<double>("t1") == Approx(8.5));
    auto month = obj(c.call("GET", "points/" + w.voekPoint + "/consumption?group=month").body)->getArray("rows");
    CHECK(month->size() >= 12);
    CHECK(c.call("GET", "points/" + w.voekPoint + "/consumption?group=year").status == 422);
    CHECK(c.call("GET", "points/" + w.voekPoint + "/readings?from=2020-13-01").status == 422);
    CHECK(c.call("GET", "points/" + w.voekPoint + "/readings?from=2010-01-01").status == 422); // longer than three years

    // A whole day of the fixture's data (today's may have begun minutes ago in the tenant's zone).
    char profileDay[16];
    const std::time_t twoDaysAgo = static_cast<std::time_t>(w.now - 2 * 86400);
    std::strftime(profileDay, sizeof profileDay, "%Y-%m-%d", std::gmtime(&twoDaysAgo));
    auto profile = obj(c.call("GET", "points/" + w.voekPoint + "/profile?from=" + std::string(profileDay) + "&to=" + profileDay).body);
    CHECK(profile->getValue<int>("interval_min") == 30);
    CHECK(profile->getArray("rows")->size() >= 48);

    auto events = obj(c.call("GET", "points/" + w.voekPoint + "/events").body);
    CHECK(events->getArray("rows")->size() == 2);
    CHECK(events->getObject("stats")->getObject("by_category")->getValue<int>("tamper") == 1);
    auto tamper = obj(c.call("GET", "points/" + w.voekPoint + "/events?category=tamper").body)->getArray("rows");
    REQUIRE(tamper->size() == 1);
    CHECK(tamper->getObject(0)->getValue<bool>("tamper"));
    CHECK(tamper->getObject(0)->getValue<std::string>("severity") == "alarm");

    auto net = obj(c.call("GET", "points/" + w.voekPoint + "/network").body);
    CHECK(net->getArray("phases")->size() == 3);
    CHECK(net->getValue<double>("frequency") == Approx(50.01));

    auto history = obj(c.call("GET", "points/" + w.voekPoint + "/history").body);
    CHECK(history->getArray("periods")->size() == 12);
    auto forecast = history->getObject("forecast");
    CHECK_FALSE(forecast->getValue<std::string>("method").empty());
    if (forecast->getValue<double>("days_passed") >= 2) CHECK(forecast->getValue<double>("forecast") == Approx(12.0 * forecast->getValue<double>("days_total")).epsilon(0.1));

    // Remove the account: the point is gone, by any route.
    auto access = obj(c.call("GET", "access").body);
    const std::string accountId = access->getArray("accounts")->getObject(0)->getValue<std::string>("id");
    CHECK(c.call("DELETE", "access/accounts/" + accountId).status == 204);
    CHECK(c.call("GET", "points/" + w.voekPoint).status == 404);
}

TEST_CASE("the forecast takes the daily rate over the span its two readings cover, whatever the hour of the readings",
          "[meters]") {
    // The ВОЭК meter's readings come at 00:00 UTC, 03:00 in Владимир: the reading at the period's start is 21 hours
    // older than the start. Two days into a period the rate is 12 kWh a day, not 24 kWh over 1.125 days.
    auto& w = world();
    TenantRegistry tenants{test::sourceDir() + "/tenants", test::sourceDir() + "/scripts", LuaLimits{}};
    auto voek = tenants.find("voek");
    REQUIRE(voek);
    const int off = voek->utcOffset();
    using namespace std::chrono;
    const year_month_day d{sys_days{days{(w.now - 3 * 86400 + off) / 86400}}};
    const long long periodStart = sys_days{d.year() / d.month() / 1}.time_since_epoch().count() * 86400LL - off;
    SessionInfo staff;
    staff.userId = "operator";
    staff.role = "operator";
    MeterService meters(w.direct);
    const auto at = [&](long long nowTs) { return meters.history(*voek, staff, w.voekPoint, nowTs)->getObject("forecast"); };
    auto f = at(periodStart + 2 * 86400 + 7200);
    INFO("period start " << periodStart);
    CHECK(f->getValue<double>("consumed") == Approx(24.0));
    CHECK(f->getValue<double>("forecast") == Approx(12.0 * f->getValue<double>("days_total")).epsilon(0.001));
    // Before a whole day is covered there is no forecast, rather than a guess from a few hours.
    CHECK(at(periodStart + 3600)->isNull("forecast"));
}

TEST_CASE("ВОЭК legal entity: ОГРН found, confirmed by a contract number, then all its contracts", "[meters]") {
    auto& w = world();
    Client c{w.server, "voek"};
    auto r = c.call("POST", "registration", R"({"kind":"legal_entity","fields":{"inn":"7707083893","email":"meters-ul@example.ru",)"
                                            R"("password":"Kabinet2024!Test","password_confirm":"Kabinet2024!Test","phone":"+79001112233",)"
                                            R"("ogrn":"1027700132195"}})");
    REQUIRE(r.status == 201);
    w.direct.transaction([&](soci::session& s) { s << "UPDATE users SET state = 'active', email_verified = 1 WHERE login = '1027700132195'"; });
    c.login("1027700132195", "Kabinet2024!Test");
    CHECK(c.call("POST", "access/accounts", R"({"number":"3300999999"})").status == 403); // not this kind's way
    r = c.call("POST", "access/ogrn", "{}");
    INFO(r.body);
    REQUIRE(r.status == 200);
    r = c.call("POST", "access/ogrn/confirm", R"({"contract_number":"ЭС-9999"})");
    CHECK(r.status == 422);
    CHECK_FALSE(obj(r.body)->getObject("fields")->getValue<std::string>("contract_number").empty());
    r = c.call("POST", "access/ogrn/confirm", R"({"contract_number":"ЭС-1002"})");
    INFO(r.body);
    REQUIRE(r.status == 200);
    CHECK(obj(r.body)->getArray("contracts")->size() == 2);
    auto points = obj(c.call("GET", "points").body)->getArray("points");
    REQUIRE(points->size() == 1);
    CHECK(points->getObject(0)->getValue<std::string>("id") == w.voekLegalPoint);
    // A legal entity unknown to the utility is told so.
    Client other{w.server, "voek"};
    REQUIRE(other.call("POST", "registration", R"({"kind":"legal_entity","fields":{"inn":"7736050003","email":"gazprom@example.ru",)"
                                               R"("password":"Kabinet2024!Test","password_confirm":"Kabinet2024!Test","phone":"+79001112233",)"
                                               R"("ogrn":"1027700070518"}})")
                .status == 201);
    w.direct.transaction([&](soci::session& s) { s << "UPDATE users SET state = 'active', email_verified = 1 WHERE login = '1027700070518'"; });
    other.login("1027700070518", "Kabinet2024!Test");
    r = other.call("POST", "access/ogrn", "{}");
    CHECK(r.status == 404);
    CHECK(obj(r.body)->getValue<std::string>("error") == "ogrn_not_found");
}

TEST_CASE("СИГМА: an operator finds the consumer and grants access; revoking takes it away", "[meters]") {
    auto& w = world();
    Client consumer{w.server, "sigma"};
    auto r = consumer.call("POST", "registration", R"({"kind":"consumer","fields":{"full_name":"Сидоров Сидор","organization":"ООО «Ромашка»",)"
                                                   R"("contract_number":"Д-1","phone":"+79781234567","email":"grant-me@example.ru",)"
                                                   R"("password":"Kabinet2024!Test","password_confirm":"Kabinet2024!Test"},"consents":["licence","personal_data"]})");
    REQUIRE(r.status == 201);
    const std::string userId = obj(r.body)->getObject("user")->getValue<std::string>("id");
    w.direct.transaction([&](soci::session& s) { s << "UPDATE users SET state = 'active', email_verified = 1 WHERE user_id = :u", soci::use(userId); });
    consumer.login("grant-me@example.ru", "Kabinet2024!Test");
    CHECK(consumer.call("POST", "access/accounts", R"({"number":"SIG-77"})").status == 403); // access comes from the utility here
    CHECK(consumer.call("GET", "points/" + w.sigmaPoint).status == 404);
    CHECK(consumer.call("GET", "operator/consumers").status == 403);

    std::string out;
    REQUIRE(test::runProgram({test::binaryDir() + "/core/kabinet", "users", "create-admin", "--tenant", "sigma", "--email", "boss@sigma.example",
                              "--database", w.db.url(), "--tenants", test::sourceDir() + "/tenants", "--scripts", test::sourceDir() + "/scripts"},
                             out, {{"KABINET_ADMIN_PASSWORD", "Admin-Password-3"}}) == 0);
    Client op{w.server, "sigma"};
    op.login("boss@sigma.example", "Admin-Password-3");
    auto found = obj(op.call("GET", "operator/consumers?q=grant-me").body)->getArray("consumers");
    REQUIRE(found->size() == 1);
    CHECK(found->getObject(0)->getValue<std::string>("id") == userId);
    CHECK(found->getObject(0)->getValue<std::string>("login_field") == "email"); // the portal formats a login by its field
    const std::string grant = R"({"user_id":")" + userId + R"(","scope":"account","ref":"SIG-77"})";
    CHECK(op.call("POST", "operator/grants", R"({"user_id":")" + userId + R"(","scope":"account","ref":"NOPE"})").status == 422);
    REQUIRE(op.call("POST", "operator/grants", grant).status == 201);
    auto info = obj(consumer.call("GET", "points/" + w.sigmaPoint).body);
    CHECK(info->getArray("transformers")->size() == 3);
    CHECK(info->getArray("transformers")->getObject(0)->getValue<std::string>("ratio") == "200/5");
    CHECK(op.call("DELETE", "operator/grants", grant).status == 204);
    CHECK(consumer.call("GET", "points/" + w.sigmaPoint).status == 404);
}

TEST_CASE("ОЭС 360: a contract linked by the supplier can be renamed", "[meters]") {
    auto& w = world();
    MeterRegistry reg(w.direct);
    const std::string contract = reg.upsertContract("oes360", {"", "ОЭС-5", "supply", "Иванов И. И.", "individual", "", "", "", "", "ОЭС 360", "", ""});
    Client c{w.server, "oes360"};
    auto r = c.call("POST", "registration", R"({"kind":"consumer","fields":{"email":"rename@example.ru","full_name":"Иванов Иван",)"
                                            R"("phone":"+79031112233","password":"longpass1","password_confirm":"longpass1"}})");
    REQUIRE(r.status == 201);
    const std::string userId = obj(r.body)->getObject("user")->getValue<std::string>("id");
    w.direct.transaction([&](soci::session& s) {
        s << "UPDATE users SET state = 'active', email_verified = 1 WHERE user_id = :u", soci::use(userId);
        s << "INSERT INTO access_grants (tenant_id, user_id, scope, ref_id, way, title, granted_at) VALUES ('oes360', :u, 'contract', :c, "
             "'supplier_login', 'Дом', 0)",
            soci::use(userId), soci::use(contract);
    });
    c.login("rename@example.ru", "longpass1");
    CHECK(c.call("PATCH", "access/contracts/" + contract, R"({"title":""})").status == 422);
    CHECK(c.call("PATCH", "access/contracts/nosuch", R"({"title":"Дача"})").status == 404);
    REQUIRE(c.call("PATCH", "access/contracts/" + contract, R"({"title":"Дача"})").status == 200);
    CHECK(obj(c.call("GET", "access").body)->getArray("contracts")->getObject(0)->getValue<std::string>("title") == "Дача");
}

TEST_CASE("a consumer cannot read a metering point not granted to them, by any route", "[meters][isolation]") {
    auto& w = world();
    Client owner{w.server, "voek"};
    registerVoekIndividual(owner, "151-018-832 24", "owner@example.ru");
    owner.login("15101883224", "Kabinet2024!Test");
    REQUIRE(owner.call("POST", "access/accounts", R"({"number":"3300123456"})").status == 201);
    Client stranger{w.server, "voek"};
    registerVoekIndividual(stranger, "123-456-789 64", "stranger@example.ru");
    stranger.login("12345678964", "Kabinet2024!Test");
    std::string table;
    REQUIRE(test::runProgram({test::binaryDir() + "/core/kabinet", "routes"}, table) == 0);
    std::istringstream lines(table);
    int checked = 0;
    for (std::string line, method, pattern, access; std::getline(lines, line);) {
        std::istringstream(line) >> method >> pattern >> access; // then the summary
        if (method != "GET" || pattern.find("/points/{id}") == std::string::npos) continue;
        const std::string path = std::regex_replace(pattern.substr(std::string("/t/{tenant}/api/v1/").size()), std::regex(R"(\{id\})"), w.voekPoint);
        INFO(path);
        CHECK(owner.call("GET", path).status == 200);
        auto r = stranger.call("GET", path);
        CHECK(r.status == 404);
        CHECK(obj(r.body)->getValue<std::string>("error") == "point_not_found");
        // The owner's session is worthless at another tenant.
        Client elsewhere{w.server, "sigma", owner.cookie, owner.csrf};
        CHECK(elsewhere.call("GET", path).status == 401);
        ++checked;
    }
    CHECK(checked >= 7);
    CHECK(obj(stranger.call("GET", "points").body)->getArray("points")->size() == 0);
}

TEST_CASE("СИГМА manual readings wait for the operator; the consumer sees the outcome", "[meters][manual]") {
    auto& w = world();
    Client consumer{w.server, "sigma"};
    auto r = consumer.call("POST", "registration", R"({"kind":"consumer","fields":{"full_name":"Ручной Ввод","organization":"ООО «Ввод»",)"
                                                   R"("contract_number":"Д-2","phone":"+79781234567","email":"manual@example.ru",)"
                                                   R"("password":"Kabinet2024!Test","password_confirm":"Kabinet2024!Test"},"consents":["licence","personal_data"]})");
    REQUIRE(r.status == 201);
    const std::string userId = obj(r.body)->getObject("user")->getValue<std::string>("id");
    w.direct.transaction([&](soci::session& s) {
        s << "UPDATE users SET state = 'active', email_verified = 1 WHERE user_id = :u", soci::use(userId);
        s << "INSERT INTO access_grants (tenant_id, user_id, scope, ref_id, way, granted_at) VALUES ('sigma', :u, 'point', :p, 'operator_grant', 0)",
            soci::use(userId), soci::use(w.sigmaPoint);
    });
    consumer.login("manual@example.ru", "Kabinet2024!Test");
    const std::string base = "points/" + w.sigmaPoint + "/manual-readings";
    r = consumer.call("POST", base, R"({"t1":"1200,5"})");
    CHECK(r.status == 422); // a two-zone meter needs T2 as well
    CHECK_FALSE(obj(r.body)->getObject("fields")->getValue<std::string>("t2").empty());
    CHECK(consumer.call("POST", base, R"({"t1":"abc","t2":1})").status == 422);
    CHECK(consumer.call("POST", base, R"({"t1":1,"t2":1,"date":"2999-01-01"})").status == 422);
    r = consumer.call("POST", base, R"({"t1":"1200,5","t2":300})");
    INFO(r.body);
    REQUIRE(r.status == 201);
    CHECK(obj(r.body)->getValue<std::string>("state") == "pending");
    const std::string id = obj(r.body)->getValue<std::string>("id");
    CHECK(obj(consumer.call("GET", "points/" + w.sigmaPoint + "/readings").body)->getArray("rows")->size() == 0); // not yet

    std::string out;
    REQUIRE(test::runProgram({test::binaryDir() + "/core/kabinet", "users", "create-admin", "--tenant", "sigma", "--email", "approver@sigma.example",
                              "--database", w.db.url(), "--tenants", test::sourceDir() + "/tenants", "--scripts", test::sourceDir() + "/scripts"},
                             out, {{"KABINET_ADMIN_PASSWORD", "Admin-Password-4"}}) == 0);
    Client op{w.server, "sigma"};
    op.login("approver@sigma.example", "Admin-Password-4");
    auto pending = obj(op.call("GET", "operator/manual-readings").body)->getArray("rows");
    REQUIRE(pending->size() >= 1);
    CHECK(consumer.call("POST", "operator/manual-readings/" + id + "/approve").status == 403);
    REQUIRE(op.call("POST", "operator/manual-readings/" + id + "/approve").status == 200);
    CHECK(op.call("POST", "operator/manual-readings/" + id + "/approve").status == 409);
    auto mine = obj(consumer.call("GET", base).body)->getArray("rows");
    REQUIRE(mine->size() == 1);
    CHECK(mine->getObject(0)->getValue<std::string>("state") == "accepted");
    auto readings = obj(consumer.call("GET", "points/" + w.sigmaPoint + "/readings").body)->getArray("rows");
    REQUIRE(readings->size() == 1);
    CHECK(readings->getObject(0)->getValue<double>("total") == Approx(1500.5));
    CHECK(readings->getObject(0)->getValue<std::string>("source") == "consumer");
    // Below the accepted reading: refused; a second one rejected by the operator with a reason.
    r = consumer.call("POST", base, R"({"t1":1100,"t2":300})");
    CHECK(r.status == 422);
    CHECK_THAT(obj(r.body)->getObject("fields")->getValue<std::string>("t1"), Catch::Contains("меньше предыдущего"));
    r = consumer.call("POST", base, R"({"t1":1210,"t2":305})");
    REQUIRE(r.status == 201);
    const std::string second = obj(r.body)->getValue<std::string>("id");
    CHECK(op.call("POST", "operator/manual-readings/" + second + "/reject", R"({"reason":""})").status == 422);
    REQUIRE(op.call("POST", "operator/manual-readings/" + second + "/reject", R"({"reason":"Не совпадает с контрольным снятием"})").status == 200);
    mine = obj(consumer.call("GET", base).body)->getArray("rows");
    bool seen = false;
    for (const auto& row : *mine) {
        auto ro = row.extract<Poco::JSON::Object::Ptr>();
        if (ro->getValue<std::string>("id") != second) continue;
        seen = true;
        CHECK(ro->getValue<std::string>("state") == "rejected");
        CHECK(ro->getValue<std::string>("reason") == "Не совпадает с контрольным снятием");
    }
    CHECK(seen);
}

TEST_CASE("ВГЭС virtual meter: created by the consumer, readings accepted at once, absurd ones refused", "[meters][manual]") {
    auto& w = world();
    Client c{w.server, "vges"};
    REQUIRE(c.call("POST", "registration",
                   R"({"kind":"individual","fields":{"username":"virtual1","email":"virtual1@example.ru","password":"Secret123",)"
                   R"("password_confirm":"Secret123","full_name":"Виртуалов","from_voronezh":true,"street":"Плехановская ул.","house":"10",)"
                   R"("postcode":"394000","phone":"+79601153767","snils":"112-233-445 95"},"consents":["personal_data"]})")
                .status == 201);
    c.login("virtual1", "Secret123");
    CHECK(c.call("POST", "meters/virtual", R"({"address":"","account_number":"","serial":""})").status == 422);
    auto r = c.call("POST", "meters/virtual", R"({"address":"Воронеж, Плехановская ул., д. 10, кв. 3","account_number":"36001234","serial":"0112345"})");
    INFO(r.body);
    REQUIRE(r.status == 201);
    const std::string point = obj(r.body)->getValue<std::string>("point_id");
    CHECK(c.call("POST", "meters/virtual", R"({"address":"Воронеж","account_number":"36001234","serial":"0112345"})").status == 409);
    auto pts = obj(c.call("GET", "points").body)->getArray("points");
    REQUIRE(pts->size() == 1);
    CHECK(pts->getObject(0)->getObject("meter")->getValue<std::string>("serial") == "0112345");
    const std::string base = "points/" + point + "/manual-readings";
    r = c.call("POST", base, R"({"t1":15000,"date":")" + std::string("2000-01-01") + R"("})");
    CHECK(r.status == 422); // too old
    r = c.call("POST", base, R"({"t1":15000})");
    INFO(r.body);
    REQUIRE(r.status == 201);
    CHECK(obj(r.body)->getValue<std::string>("state") == "accepted");
    CHECK(obj(c.call("GET", "points/" + point + "/readings").body)->getArray("rows")->size() == 1);
    r = c.call("POST", base, R"({"t1":99000})"); // 84,000 kWh in a day
    CHECK(r.status == 422);
    // Other tenants do not offer virtual meters.
    Client v{w.server, "voek"};
    registerVoekIndividual(v, "987-654-321 83", "novirtual@example.ru");
    v.login("98765432183", "Kabinet2024!Test");
    CHECK(v.call("POST", "meters/virtual", R"({"address":"x","account_number":"1","serial":"1"})").status == 403);
}

TEST_CASE("an operator finds a consumer by the СНИЛС as the portal shows it, and learns the login's field", "[meters]") {
    auto& w = world();
    Client c{w.server, "voek"};
    registerVoekIndividual(c, "133-442-518 30", "find-me@example.ru");
    auto admin = test::adminSession(w.server, w.db.url(), "voek");
    for (const char* q : {"133-442-518%2030", "13344251830", "442-518"}) {
        auto r = w.server.request("GET", std::string("/t/voek/api/v1/operator/consumers?q=") + q, "", admin);
        INFO(q << ": " << r.body);
        REQUIRE(r.status == 200);
        auto found = obj(r.body)->getArray("consumers");
        REQUIRE(found->size() == 1);
        CHECK(found->getObject(0)->getValue<std::string>("login") == "13344251830");
        CHECK(found->getObject(0)->getValue<std::string>("login_field") == "snils");
    }
}

TEST_CASE("the ingest route takes bulk meter data with its token only, idempotently", "[meters][ingest]") {
    auto& w = world();
    const std::string body = R"({"readings":[{"meter_id":")" + w.sigmaMeter + R"(","ts":1700000000,"energy":"A+","total":10.5,"t1":10.5}],)"
                             R"("profile":[{"meter_id":")" + w.sigmaMeter + R"(","ts":1700000000,"p_plus":1.5},{"meter_id":")" + w.sigmaMeter +
                             R"(","ts":1700001800,"p_plus":1.6}],"events":[{"meter_id":")" + w.sigmaMeter +
                             R"(","ts_start":1700000100,"code":"magnet","category":"tamper","severity":"alarm","text":"Воздействие магнитным полем","tamper":true}]})";
    const std::string path = "/t/sigma/api/v1/ingest/meter-data";
    CHECK(w.server.request("POST", path, body).status == 401);
    CHECK(w.server.request("POST", path, body, {{"Authorization", "Bearer wrong-token-wrong-token"}}).status == 401);
    const std::map<std::string, std::string> auth = {{"Authorization", "Bearer ingest-token-0123456789"}};
    auto r = w.server.request("POST", path, body, auth);
    INFO(r.body);
    REQUIRE(r.status == 200);
    auto o = obj(r.body);
    CHECK(o->getValue<int>("profile") == 2);
    CHECK(o->getValue<int>("tamper_events") == 1);
    REQUIRE(w.server.request("POST", path, body, auth).status == 200); // the same batch again
    int n = 0;
    w.direct.read([&](soci::session& s) {
        s << "SELECT COUNT(*) FROM profile WHERE tenant_id = 'sigma' AND meter_id = :m AND ts IN (1700000000, 1700001800)", soci::use(w.sigmaMeter),
            soci::into(n);
    });
    CHECK(n == 2);
    // A meter of another tenant, or a malformed row, fails the whole batch with the item named.
    r = w.server.request("POST", "/t/voek/api/v1/ingest/meter-data", body, auth);
    CHECK(r.status == 422);
    r = w.server.request("POST", path, R"({"profile":[{"meter_id":")" + w.sigmaMeter + R"(","ts":"yesterday"}]})", auth);
    CHECK(r.status == 422);
    CHECK(obj(r.body)->getObject("fields")->has("profile[0].ts"));
}

TEST_CASE("ВОЭК archive: a period at most 3 years back, changeable until the cut-off, built by a job, downloadable", "[meters][archive]") {
    auto& w = world();
    Client c{w.server, "voek"};
    registerVoekIndividual(c, "002-002-002 24", "archive@example.ru");
    c.login("00200200224", "Kabinet2024!Test");
    REQUIRE(c.call("POST", "access/accounts", R"({"number":"3300123456"})").status == 201);
    const int off = 3 * 3600;
    auto date = [off](long long ts) {
        std::time_t t = static_cast<std::time_t>(ts + off);
        std::tm tm{};
        gmtime_r(&t, &tm);
        char buf[32];
        std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
        return std::string(buf);
    };
    const long long now = static_cast<long long>(std::time(nullptr));
    auto r = c.call("POST", "archive", R"({"from":")" + date(now - 4 * 366 * 86400LL) + R"(","to":")" + date(now) + R"("})");
    CHECK(r.status == 422);
    CHECK_THAT(obj(r.body)->getObject("fields")->getValue<std::string>("from"), Catch::Contains("3 года"));
    CHECK(c.call("POST", "archive", R"({"from":")" + date(now) + R"(","to":")" + date(now + 3 * 86400) + R"("})").status == 422);
    CHECK(c.call("POST", "archive", R"({"from":"вчера","to":"сегодня"})").status == 422);
    r = c.call("POST", "archive", R"({"from":")" + date(now - 20 * 86400) + R"(","to":")" + date(now - 10 * 86400) + R"("})");
    INFO(r.body);
    REQUIRE(r.status == 201);
    auto job = obj(r.body);
    const std::string id = job->getValue<std::string>("id");
    CHECK(job->getValue<std::string>("state") == "requested");
    CHECK(job->getValue<long long>("ready_after") > now); // the next day
    CHECK_THAT(job->getValue<std::string>("message"), Catch::Contains("21:00"));
    // Changeable until 21:00 Moscow time of the request's day, then locked.
    const bool beforeCutoff = job->getValue<bool>("changeable");
    r = c.call("PATCH", "archive/" + id, R"({"from":")" + date(now - 30 * 86400) + R"(","to":")" + date(now - 1 * 86400) + R"("})");
    CHECK(r.status == (beforeCutoff ? 200 : 409));
    w.direct.transaction([&](soci::session& s) { s << "UPDATE jobs SET created_at = created_at - 86400 WHERE job_id = :id", soci::use(id); });
    CHECK(c.call("PATCH", "archive/" + id, R"({"from":")" + date(now - 5 * 86400) + R"(","to":")" + date(now - 1 * 86400) + R"("})").status == 409);
    CHECK(c.call("GET", "archive/" + id + "/file?format=xlsx").status == 404); // not built yet
    // The next day comes: the job worker builds it.
    w.direct.transaction([&](soci::session& s) { s << "UPDATE jobs SET run_after = 0 WHERE job_id = :id", soci::use(id); });
    std::string state;
    for (int i = 0; i < 100 && state != "done"; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        auto list = obj(c.call("GET", "archive").body)->getArray("requests");
        state = list->getObject(0)->getValue<std::string>("state");
    }
    REQUIRE(state == "done");
    auto xlsx = c.call("GET", "archive/" + id + "/file?format=xlsx");
    REQUIRE(xlsx.status == 200);
    CHECK(xlsx.body.rfind("PK\x03\x04", 0) == 0);
    CHECK(xlsx.headers["Content-Disposition"].find("attachment") == 0);
    auto csv = c.call("GET", "archive/" + id + "/file?format=csv");
    REQUIRE(csv.status == 200);
    CHECK(csv.body.rfind("\xEF\xBB\xBF", 0) == 0);
    CHECK(csv.body.find("Показания") != std::string::npos);
    CHECK(csv.body.find("Меркурий 234 ARTM") != std::string::npos);
    CHECK(std::regex_search(csv.body, std::regex("\r\n\\d{2}\\.\\d{2}\\.\\d{4};"))); // dates as people write them (date cells in XLSX)
    CHECK(csv.body.find(";tamper;") == std::string::npos);                     // journal categories in words
    // The tamper event of three days ago is in the period only when the change before the cut-off went through.
    CHECK((csv.body.find("Вскрытие крышки корпуса") != std::string::npos) == beforeCutoff);
    // Somebody else's archive is not theirs to download.
    Client other{w.server, "voek"};
    registerVoekIndividual(other, "003-003-003 36", "archive2@example.ru");
    other.login("00300300336", "Kabinet2024!Test");
    CHECK(other.call("GET", "archive/" + id + "/file?format=csv").status == 404);
    // A report for a period, as CSV and XLSX.
    auto report = c.call("GET", "points/" + w.voekPoint + "/report?group=day&format=csv");
    REQUIRE(report.status == 200);
    CHECK(report.body.find("Потребление") != std::string::npos);
    CHECK(c.call("GET", "points/" + w.voekPoint + "/report?format=xlsx").body.rfind("PK", 0) == 0);
    CHECK(c.call("GET", "points/" + w.voekPoint + "/report?format=pdf").status == 422);
}

TEST_CASE("ОЭС 360: contracts linked by the supplier's login through a connector plugin", "[meters][connector]") {
    test::FreshDatabase db;
    // ОЭС 360 as it is, plus a "consumer" connector of the fake plugin "connector" serving its supplier "oes360"
    // (the tenant's own declaration is wrapped, not copied); --connectors names it per tenant.
    const std::string tenants = test::tempDir("supplier-tenants");
    std::filesystem::copy(test::sourceDir() + "/tenants/oes360", tenants + "/oes360", std::filesystem::copy_options::recursive);
    std::filesystem::rename(tenants + "/oes360/tenant.lua", tenants + "/oes360/oes360_declaration.lua");
    std::ofstream(tenants + "/oes360/tenant.lua")
        << "local T = require(\"oes360_declaration\")\n"
           "T.connectors = { { id = \"supplier\", plugin = \"connector\", label = \"ОЭС 360\", accounts = \"consumer\",\n"
           "  supplier = \"oes360\", tasks = { { id = \"contracts\", every_minutes = 60 } } } }\n"
           "return T\n";
    KabinetdProcess server(db.url(), {"--plugins", test::binaryDir() + "/test-plugins", "--tenants", tenants, "--connectors",
                                      R"({"oes360":{"supplier":{}}})"});
    Client c{server, "oes360"};
    auto r = c.call("POST", "registration", R"({"kind":"consumer","fields":{"email":"supplier@example.ru","full_name":"Иванов Иван",)"
                                            R"("phone":"+79031112233","password":"longpass1","password_confirm":"longpass1"}})");
    REQUIRE(r.status == 201);
    Database direct(db.url(), 1);
    direct.transaction([](soci::session& s) { s << "UPDATE users SET state = 'active', email_verified = 1"; });
    c.login("supplier@example.ru", "longpass1");
    const std::string ok = R"({"supplier":"oes360","title":"Квартира","login":"demo-login","password":"demo-pass"})";
    CHECK(c.call("POST", "access/supplier", R"({"supplier":"nobody","title":"x","login":"a","password":"b"})").status == 422);
    CHECK(c.call("POST", "access/supplier", R"({"supplier":"oes360","title":"","login":"","password":""})").status == 422);
    r = c.call("POST", "access/supplier", R"({"supplier":"oes360","title":"Квартира","login":"demo-login","password":"wrong"})");
    CHECK(r.status == 422);
    CHECK(obj(r.body)->getObject("fields")->getValue<std::string>("password") == "Неверный логин или пароль поставщика");
    CHECK(c.call("POST", "access/supplier", R"({"supplier":"oes360","title":"Квартира","login":"down","password":"x"})").status == 503);
    r = c.call("POST", "access/supplier", ok);
    INFO(r.body);
    REQUIRE(r.status == 201);
    auto contracts = obj(c.call("GET", "access").body)->getArray("contracts");
    REQUIRE(contracts->size() == 2);
    CHECK(contracts->getObject(0)->getValue<std::string>("title") == "Квартира");
    CHECK(server.logs().find("demo-pass") == std::string::npos); // the supplier's password is never logged
    // Without a connector for the supplier, the consumer is told so and nothing is stored.
    test::FreshDatabase db2;
    KabinetdProcess bare(db2.url());
    Client b{bare, "oes360"};
    REQUIRE(b.call("POST", "registration", R"({"kind":"consumer","fields":{"email":"supplier@example.ru","full_name":"Иванов Иван",)"
                                           R"("phone":"+79031112233","password":"longpass1","password_confirm":"longpass1"}})").status == 201);
    Database direct2(db2.url(), 1);
    direct2.transaction([](soci::session& s) { s << "UPDATE users SET state = 'active', email_verified = 1"; });
    b.login("supplier@example.ru", "longpass1");
    r = b.call("POST", "access/supplier", ok);
    CHECK(r.status == 503);
    CHECK(obj(r.body)->getValue<std::string>("error") == "supplier_unavailable");
    int n = -1;
    direct2.read([&](soci::session& s) { s << "SELECT COUNT(*) FROM contracts", soci::into(n); });
    CHECK(n == 0);
}
