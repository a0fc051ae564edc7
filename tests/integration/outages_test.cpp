// Outages on the backend of this run (issue 11): operators publish, edit and close them (422 naming each field in
// Russian, 403 for consumers), consumers look them up by address and dates and see those at their own points,
// the ВГЭС statistics by address and period, the public list without a login, the permitted duration exceeded,
// and the notices — ahead of time for a planned outage (an injected clock), at once for an emergency one, again
// at the end — reaching the consumers at the addresses only, in the portal and by mail.
#include <catch2/catch.hpp>

#include "KabinetdProcess.h"
#include "Simulators.h"
#include "TenantClient.h"
#include "JsonText.h"
#include "TestContext.h"
#include "meters/MeterRegistry.h"
#include "outages/OutageService.h"
#include "outages/OutageStore.h"
#include "storage/Database.h"
#include "tenants/TenantRegistry.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <thread>
#include <unistd.h>

using namespace kabinet;
using test::HttpResult;
using test::KabinetdProcess;

namespace {

using Obj = Poco::JSON::Object::Ptr;

using test::obj;

std::string suffix() {
    static std::atomic<int> n{0};
    return std::to_string(::getpid()) + "x" + std::to_string(++n);
}

/// "YYYY-MM-DDTHH:MM" in Moscow time of a moment.
std::string msk(long long ts) {
    std::time_t t = static_cast<std::time_t>(ts + 3 * 3600);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M", &tm);
    return buf;
}

/// "YYYY-MM-DD" in Moscow time.
std::string mskDate(long long ts) { return msk(ts).substr(0, 10); }

struct World {
    test::FreshDatabase db;
    test::SmtpServer smtp;
    KabinetdProcess server;
    Database direct;
    TenantRegistry tenants;
    long long now = static_cast<long long>(std::time(nullptr));
    std::string street = "Кольцовская ул."; // of tenants/vges/streets.lua
    World()
        : server(db.url(), {"--smtp", smtp.url(), "--public-url", "http://kabinet.test"}), direct(db.url(), 2),
          tenants(test::sourceDir() + "/tenants", test::sourceDir() + "/scripts", LuaLimits{}) {}
};

World& world() {
    static World w;
    return w;
}

/// A ВГЭС consumer logged in with the account (and its one point) at `address`.
struct Consumer : test::TenantClient {
    std::string email, pointId, account;
    Consumer(World& w, const std::string& address) : TenantClient(w.server, "vges") {
        const std::string u = "out" + suffix();
        email = u + "@example.ru";
        MeterRegistry reg(w.direct);
        account = "3670" + std::to_string(std::rand() % 9000 + 1000) + std::to_string(std::rand() % 90 + 10);
        const std::string acc = reg.upsertAccount("vges", {"", account, "", "Потребитель", address});
        pointId = reg.upsertPoint("vges", {"", acc, "", "Квартира", "ТУ-" + u, "electricity", address, "Щит", "", "T1", std::nullopt});
        auto r = call("POST", "registration",
                      R"({"kind":"individual","fields":{"username":")" + u + R"(","email":")" + email + R"(",)"
                          R"("password":"Secret123","password_confirm":"Secret123","full_name":"Иванов Иван Иванович","from_voronezh":false,)"
                          R"("address":"Воронеж","postcode":"394000","phone":"+79601153767","snils":"112-233-445 95"},)"
                          R"("consents":["personal_data"]})");
        INFO(r.body);
        REQUIRE(r.status == 201);
        if (csrf.empty()) REQUIRE(login(u, "Secret123").status == 200);
        r = call("POST", "access/accounts", R"({"number":")" + account + R"("})");
        INFO(r.body);
        REQUIRE(r.status == 201);
    }
};

/// A ВГЭС tenant administrator (an operator of the outages routes), logged in.
struct Operator : test::TenantClient {
    std::string email; ///< the login
    explicit Operator(World& w) : TenantClient(w.server, "vges") {
        email = "op" + suffix() + "@vges.example";
        std::string out;
        REQUIRE(test::runProgram({test::binaryDir() + "/core/kabinet", "users", "create-admin", "--tenant", "vges", "--email", email, "--database",
                                  w.db.url(), "--tenants", test::sourceDir() + "/tenants", "--scripts", test::sourceDir() + "/scripts"},
                                 out, {{"KABINET_ADMIN_PASSWORD", "Admin-Password-9"}}) == 0);
        auto r = login(email, "Admin-Password-9");
        INFO(r.body);
        REQUIRE(r.status == 200);
    }
    Obj publish(const std::string& body) {
        auto r = call("POST", "operator/outages", body);
        INFO(r.body);
        REQUIRE(r.status == 201);
        return obj(r.body);
    }
};

std::string planned(const World& w, long long start, long long end, const std::string& houses, const std::string& kind = "planned",
                    const std::string& extra = "") {
    return R"({"kind":")" + kind + R"(","reason":"Ремонт КЛ-0,4 кВ","starts_at":")" + msk(start) + R"(","planned_end":")" + msk(end) +
           R"(","addresses":[{"street":")" + w.street + R"(","houses":")" + houses + R"("}])" + extra + "}";
}

/// The ids of the rows of a list answer.
std::vector<std::string> ids(const HttpResult& r) {
    std::vector<std::string> out;
    auto rows = obj(r.body)->getArray("rows");
    for (std::size_t i = 0; i < rows->size(); ++i) out.push_back(rows->getObject(i)->getValue<std::string>("id"));
    return out;
}

bool has(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

} // namespace

TEST_CASE("operators publish outages; bad input is refused field by field in Russian; consumers may not write", "[outages]") {
    auto& w = world();
    Operator op(w);
    const std::size_t before = ids(op.call("GET", "outages?from=" + mskDate(w.now - 86400) + "&to=" + mskDate(w.now + 10 * 86400))).size();
    auto r = op.call("POST", "operator/outages", R"({"kind":"soon","starts_at":"завтра","planned_end":"2026-13-01T10:00","addresses":[]})");
    REQUIRE(r.status == 422);
    auto f = obj(r.body)->getObject("fields");
    CHECK(f->getValue<std::string>("kind") == "Выберите вид отключения: плановое или аварийное");
    CHECK(f->getValue<std::string>("reason") == "Укажите причину отключения");
    CHECK(f->getValue<std::string>("starts_at") == "Укажите дату и время в виде ДД.ММ.ГГГГ ЧЧ:ММ");
    CHECK(f->getValue<std::string>("planned_end") == "Укажите дату и время в виде ДД.ММ.ГГГГ ЧЧ:ММ");
    CHECK(f->getValue<std::string>("addresses") == "Укажите хотя бы один адрес");

    r = op.call("POST", "operator/outages",
                R"({"kind":"planned","reason":"Ремонт","starts_at":")" + msk(w.now + 86400) + R"(","planned_end":")" + msk(w.now + 3600) +
                    R"(","sources":3,"addresses":[{"street":"Несуществующая ул.","houses":"1"},{"street":")" + w.street +
                    R"(","houses":"24-10"},{}]})");
    REQUIRE(r.status == 422);
    f = obj(r.body)->getObject("fields");
    CHECK(f->getValue<std::string>("planned_end") == "Плановое окончание должно быть позже начала");
    CHECK(f->getValue<std::string>("sources") == "Укажите число независимых источников питания: 1 или 2");
    CHECK(f->getValue<std::string>("addresses.0.street") == "Такой улицы нет в справочнике улиц");
    CHECK(f->getValue<std::string>("addresses.1.houses").rfind("Укажите дома через запятую", 0) == 0);
    CHECK(f->getValue<std::string>("addresses.2.street") == "Выберите улицу или опишите адрес текстом");

    // Nothing of a refused outage was stored.
    CHECK(ids(op.call("GET", "outages?from=" + mskDate(w.now - 86400) + "&to=" + mskDate(w.now + 10 * 86400))).size() == before);

    Consumer c(w, "г. Воронеж, Кольцовская ул., д. 7");
    CHECK(c.call("POST", "operator/outages", planned(w, w.now + 86400, w.now + 90000, "1-9")).status == 403);
    auto made = op.publish(planned(w, w.now + 86400, w.now + 90000, "1-9"));
    CHECK(c.call("PATCH", "operator/outages/" + made->getValue<std::string>("id"), R"({"reason":"Другая"})").status == 403);
    CHECK(op.call("PATCH", "operator/outages/nope", R"({"reason":"Другая"})").status == 404);
    CHECK(op.call("PATCH", "operator/outages/" + made->getValue<std::string>("id"), R"({"actual_end":")" + msk(w.now + 7 * 86400) + R"("})").status ==
          422);
}

TEST_CASE("an outage is created, edited and closed; consumers find it by address and dates and at their own points", "[outages]") {
    auto& w = world();
    Operator op(w);
    Consumer inside(w, "г. Воронеж, Кольцовская ул., д. 35, кв. 12");
    Consumer beyond(w, "г. Воронеж, ул. Кольцовская, д. 50");
    const long long start = w.now + 5 * 86400, end = start + 8 * 3600;
    auto o = op.publish(planned(w, start, end, "10-40", "planned", R"(,"sources":2)"));
    const std::string id = o->getValue<std::string>("id");
    CHECK(o->getValue<std::string>("state") == "published");
    CHECK(o->getValue<std::string>("starts_local") == msk(start));
    CHECK(o->getValue<int>("sources") == 2);
    CHECK(o->getValue<int>("permitted_minutes") == 120);
    CHECK(o->getValue<bool>("exceeded"));
    CHECK(o->getValue<int>("exceeded_minutes") == 8 * 60 - 120);
    CHECK(o->getValue<std::string>("address_line") == "Кольцовская ул., дома 10-40");

    // By address and dates.
    const std::string period = "&from=" + mskDate(start) + "&to=" + mskDate(start);
    CHECK(has(ids(inside.call("GET", "outages?address=" + std::string("%D0%9A%D0%BE%D0%BB%D1%8C%D1%86%D0%BE%D0%B2%D1%81%D0%BA%D0%B0%D1%8F%20%D1%83%D0%BB.%2C%20%D0%B4.%2012") + period)), id));
    CHECK_FALSE(has(ids(inside.call("GET", "outages?address=%D0%9A%D0%BE%D0%BB%D1%8C%D1%86%D0%BE%D0%B2%D1%81%D0%BA%D0%B0%D1%8F%20%D1%83%D0%BB.%2C%20%D0%B4.%2050" + period)), id));
    CHECK_FALSE(has(ids(inside.call("GET", "outages?address=%D0%9A%D0%BE%D0%BB%D1%8C%D1%86%D0%BE%D0%B2%D1%81%D0%BA%D0%B0%D1%8F%20%D1%83%D0%BB.%2C%20%D0%B4.%2012&from=" +
                                               mskDate(start + 2 * 86400) + "&to=" + mskDate(start + 3 * 86400))), id));
    auto bad = inside.call("GET", "outages?from=2026-02-30");
    REQUIRE(bad.status == 422);
    CHECK(obj(bad.body)->getObject("fields")->getValue<std::string>("from") == "Укажите дату в виде ГГГГ-ММ-ДД");

    // At their own points (the home page): the consumer at house 35 sees it with the point, the one at 50 does not.
    auto mine = inside.call("GET", "outages");
    REQUIRE(mine.status == 200);
    REQUIRE(has(ids(mine), id));
    auto rows = obj(mine.body)->getArray("rows");
    for (std::size_t i = 0; i < rows->size(); ++i)
        if (rows->getObject(i)->getValue<std::string>("id") == id)
            CHECK(rows->getObject(i)->getArray("points")->getObject(0)->getValue<std::string>("id") == inside.pointId);
    CHECK_FALSE(has(ids(beyond.call("GET", "outages")), id));
    CHECK(obj(mine.body)->getArray("rows")->getObject(0)->has("created_by") == false);

    // Edited: the houses now reach 50 too; the staff view says who did it.
    auto r = op.call("PATCH", "operator/outages/" + id, R"({"addresses":[{"street":"ул. Кольцовская","houses":"10-40, чёт. 42-60"}],"reason":"Замена опоры"})");
    INFO(r.body);
    REQUIRE(r.status == 200);
    CHECK(obj(r.body)->getValue<std::string>("reason") == "Замена опоры");
    CHECK(obj(r.body)->getArray("addresses")->getObject(0)->getValue<std::string>("street") == "Кольцовская ул.");
    CHECK_FALSE(obj(r.body)->getValue<std::string>("updated_by").empty());
    CHECK(has(ids(beyond.call("GET", "outages")), id));

    // Closed with the actual end (in the past: an outage recorded afterwards), then no longer editable.
    auto past = op.publish(planned(w, w.now - 6 * 3600, w.now - 3 * 3600, "35", "emergency"));
    r = op.call("PATCH", "operator/outages/" + past->getValue<std::string>("id"), R"({"actual_end":")" + msk(w.now - 3600) + R"("})");
    INFO(r.body);
    REQUIRE(r.status == 200);
    CHECK(obj(r.body)->getValue<std::string>("state") == "closed");
    CHECK(obj(r.body)->getValue<int>("duration_minutes") == 5 * 60);
    CHECK(obj(r.body)->getValue<bool>("exceeded") == false);
    r = op.call("PATCH", "operator/outages/" + past->getValue<std::string>("id"), R"({"reason":"Ещё"})");
    CHECK(r.status == 409);

    // Each change is in the audit log with the operator, the outage's kind, addresses and start (the refused
    // edit is not).
    auto journal = op.call("GET", "admin/audit?kind=operator&per_page=100");
    REQUIRE(journal.status == 200);
    std::vector<Obj> mineLogged;
    auto entries = obj(journal.body)->getArray("entries");
    for (std::size_t i = 0; i < entries->size(); ++i)
        if (entries->getObject(i)->getObject("actor")->getValue<std::string>("login") == op.email) mineLogged.push_back(entries->getObject(i));
    REQUIRE(mineLogged.size() == 4);
    CHECK(mineLogged[0]->getValue<std::string>("action") == "outage_close");
    CHECK(mineLogged[0]->getObject("details")->getValue<std::string>("outage_kind") == "emergency");
    CHECK(mineLogged[1]->getValue<std::string>("action") == "outage_publish");
    CHECK(mineLogged[2]->getValue<std::string>("action") == "outage_change");
    CHECK(mineLogged[2]->getObject("details")->getValue<std::string>("address") == "Кольцовская ул., дома 10-40, чёт. 42-60");
    CHECK(mineLogged[3]->getValue<std::string>("action") == "outage_publish");
    CHECK(mineLogged[3]->getObject("details")->getValue<std::string>("outage_kind") == "planned");
    CHECK(mineLogged[3]->getObject("details")->getValue<std::string>("address") == "Кольцовская ул., дома 10-40");
    CHECK(mineLogged[3]->getObject("details")->getValue<int>("addresses") == 1);
    CHECK(mineLogged[3]->getObject("details")->getValue<long long>("starts_at") == o->getValue<long long>("starts_at"));
    CHECK_FALSE(mineLogged[3]->getValue<std::string>("client_address").empty());
}

TEST_CASE("outage statistics by address and period, and the public list without a login", "[outages]") {
    auto& w = world();
    Operator op(w);
    const long long day = 86400, base = w.now - 40 * day;
    // Two outages at Ворошилова ул. 12 in a past month: 3 h (two sources: 1 h over) and 30 min; one elsewhere.
    auto a = op.publish(R"({"kind":"planned","reason":"Ремонт","sources":2,"starts_at":")" + msk(base) + R"(","planned_end":")" + msk(base + 7200) +
                        R"(","actual_end":")" + msk(base + 3 * 3600) + R"(","addresses":[{"street":"Ворошилова ул.","houses":"нечёт. 1-13, 12"}]})");
    CHECK(a->getValue<std::string>("state") == "closed");
    op.publish(R"({"kind":"emergency","reason":"Авария","starts_at":")" + msk(base + day) + R"(","planned_end":")" + msk(base + day + 3600) +
               R"(","actual_end":")" + msk(base + day + 1800) + R"(","addresses":[{"street":"Ворошилова ул."}]})");
    op.publish(R"({"kind":"emergency","reason":"Авария","starts_at":")" + msk(base + day) + R"(","planned_end":")" + msk(base + day + 3600) +
               R"(","actual_end":")" + msk(base + day + 1800) + R"(","addresses":[{"street":"Ворошилова ул.","houses":"14-20"}]})");
    Consumer c(w, "г. Воронеж, Ворошилова ул., д. 12");
    auto r = c.call("GET", "outages/stats?address=%D0%92%D0%BE%D1%80%D0%BE%D1%88%D0%B8%D0%BB%D0%BE%D0%B2%D0%B0%20%D1%83%D0%BB.%2C%20%D0%B4.%2012&from=" +
                               mskDate(base - day) + "&to=" + mskDate(base + 2 * day));
    INFO(r.body);
    REQUIRE(r.status == 200);
    auto row = obj(r.body)->getArray("rows")->getObject(0);
    CHECK(row->getValue<int>("count") == 2);
    CHECK(row->getValue<int>("planned") == 1);
    CHECK(row->getValue<int>("emergency") == 1);
    CHECK(row->getValue<int>("duration_minutes") == 210);
    CHECK(row->getValue<int>("exceeded") == 1);
    CHECK(row->getValue<int>("exceeded_minutes") == 60);
    // Without an address: the consumer's own points.
    r = c.call("GET", "outages/stats?from=" + mskDate(base - day) + "&to=" + mskDate(base + 2 * day));
    REQUIRE(r.status == 200);
    CHECK(obj(r.body)->getObject("total")->getValue<int>("count") == 2);

    // Public: no login, nothing about people; a tenant without the module has none.
    auto pub = w.server.request("GET", "/t/vges/api/v1/public/outages?from=" + mskDate(base - day) + "&to=" + mskDate(base + 2 * day));
    INFO(pub.body);
    REQUIRE(pub.status == 200);
    CHECK(has(ids(pub), a->getValue<std::string>("id")));
    CHECK(pub.body.find("created_by") == std::string::npos);
    CHECK(w.server.request("GET", "/t/voek/api/v1/public/outages").status == 404);
    CHECK(w.server.request("GET", "/t/vges/api/v1/outages").status == 401);
}

namespace {

/// How many notifications of `kind` about outage `outage` the consumer has in the portal (GET notifications).
int notices(Consumer& c, const std::string& kind, const std::string& outage) {
    auto r = c.call("GET", "notifications?limit=100");
    INFO(r.body);
    REQUIRE(r.status == 200);
    int n = 0;
    auto rows = obj(r.body)->getArray("rows");
    for (std::size_t i = 0; i < rows->size(); ++i) {
        auto row = rows->getObject(i);
        if (row->getValue<std::string>("kind") != kind) continue;
        auto refs = row->getArray("refs");
        for (std::size_t j = 0; j < refs->size(); ++j)
            if (refs->getObject(j)->getValue<std::string>("type") == "outage" && refs->getObject(j)->getValue<std::string>("id") == outage) ++n;
    }
    return n;
}

/// Mails to `to` whose subject is `subject`, received so far.
int mails(World& w, const std::string& to, const std::string& subject) {
    int n = 0;
    for (const auto& m : w.smtp.mails()) n += m.to.find(to) != std::string::npos && m.subject.find(subject) != std::string::npos;
    return n;
}

/// Waits up to 15 s for `count` mails to `to` with `subject`.
bool mailArrives(World& w, const std::string& to, const std::string& subject, int count = 1) {
    for (int i = 0; i < 150; ++i) {
        if (mails(w, to, subject) >= count) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

} // namespace

TEST_CASE("a planned outage is announced ahead of time, an emergency one at once, and their end again — to the consumers there only", "[outages][notify]") {
    auto& w = world();
    Operator op(w);
    Consumer there(w, "г. Воронеж, Кольцовская ул., д. 101, кв. 5");
    Consumer next(w, "г. Воронеж, Кольцовская ул., д. 103");
    Consumer away(w, "г. Воронеж, Кольцовская ул., д. 150");
    OutageService service(w.direct);
    const long long day = 86400;

    // Planned in 5 days: ВГЭС announces 3 days ahead, so nothing at publication.
    const long long start = w.now + 5 * day + 3600;
    auto o = op.publish(planned(w, start, start + 4 * 3600, "нечёт. 101-109"));
    const std::string id = o->getValue<std::string>("id");
    CHECK(notices(there, "outage_planned", id) == 0);
    CHECK(service.notifyDue(w.tenants, w.now + day) == 0);
    CHECK(notices(there, "outage_planned", id) == 0);
    // Two and a half days later (an injected clock) it is due: the consumers at 101 and 103 are told, not the one at 150.
    CHECK(service.notifyDue(w.tenants, w.now + 2 * day + 43200) >= 1);
    CHECK(notices(there, "outage_planned", id) == 1);
    CHECK(notices(next, "outage_planned", id) == 1);
    CHECK(notices(away, "outage_planned", id) == 0);
    // Once per stage: later passes and an edit of the reason tell no one again.
    CHECK(service.notifyDue(w.tenants, w.now + 3 * day) == 0);
    REQUIRE(op.call("PATCH", "operator/outages/" + id, R"({"reason":"Замена трансформатора"})").status == 200);
    CHECK(notices(there, "outage_planned", id) == 1);
    // A planned outage published within the three days is announced at publication, and a real mail reaches the
    // consumer there (the sweep above ran at an injected time, so its mails are due then), none the one away.
    auto soon = op.publish(planned(w, w.now + day, w.now + day + 7200, "101-103"));
    CHECK(notices(there, "outage_planned", soon->getValue<std::string>("id")) == 1);
    REQUIRE(mailArrives(w, there.email, "Плановое отключение электроэнергии"));
    CHECK(mails(w, away.email, "отключение") == 0);

    // Emergency: at once on publication, to the consumer there only.
    auto e = op.publish(planned(w, w.now - 600, w.now + 3 * 3600, "101", "emergency"));
    const std::string eid = e->getValue<std::string>("id");
    CHECK(notices(there, "outage_emergency", eid) == 1);
    CHECK(notices(next, "outage_emergency", eid) == 0);
    CHECK(notices(away, "outage_emergency", eid) == 0);
    REQUIRE(mailArrives(w, there.email, "Аварийное отключение электроэнергии"));

    // An edit of the emergency outage that reaches house 103 too tells the consumer there, and not the one told before again.
    REQUIRE(op.call("PATCH", "operator/outages/" + eid, R"({"addresses":[{"street":"Кольцовская ул.","houses":"101, 103"}]})").status == 200);
    CHECK(notices(there, "outage_emergency", eid) == 1);
    CHECK(notices(next, "outage_emergency", eid) == 1);
    CHECK(notices(away, "outage_emergency", eid) == 0);

    // Its end: closed with the actual end, the consumer told before hears again, once.
    auto r = op.call("PATCH", "operator/outages/" + eid, R"({"actual_end":")" + msk(w.now) + R"("})");
    INFO(r.body);
    REQUIRE(r.status == 200);
    CHECK(notices(there, "outage_ended", eid) == 1);
    CHECK(notices(next, "outage_ended", eid) == 1);
    CHECK(notices(away, "outage_ended", eid) == 0);
    REQUIRE(mailArrives(w, there.email, "Электроснабжение восстановлено"));
    CHECK(mails(w, there.email, "Аварийное отключение электроэнергии") == 1);

    // A change that is rolled back notifies no one: an emergency outage refused for a bad houses text.
    REQUIRE(op.call("POST", "operator/outages", planned(w, w.now - 60, w.now + 3600, "101-", "emergency")).status == 422);
    CHECK(mails(w, there.email, "Аварийное отключение электроэнергии") == 1);
}

TEST_CASE("an outage reaches addresses written in capitals, in lower case or with «ё»", "[outages][notify]") {
    auto& w = world();
    Operator op(w);
    Consumer capitals(w, "Г. ВОРОНЕЖ, УЛ. КОЛЬЦОВСКАЯ, Д. 121");
    Consumer lower(w, "г. воронеж, кольцовская ул., д. 123, кв. 4");
    Consumer beyond(w, "Г. ВОРОНЕЖ, УЛ. КОЛЬЦОВСКАЯ, Д. 125");
    Consumer star(w, "г. Воронеж, ЗВЁЗДНАЯ УЛ., Д. 14");
    auto e = op.publish(R"({"kind":"emergency","reason":"Повреждение КЛ-0,4 кВ","starts_at":")" + msk(w.now - 300) + R"(","planned_end":")" +
                        msk(w.now + 4 * 3600) + R"(","addresses":[{"street":"Кольцовская ул.","houses":"121-123"},{"street":"Звездная ул.","houses":"чёт. 2-16"}]})");
    const std::string id = e->getValue<std::string>("id");
    CHECK(notices(capitals, "outage_emergency", id) == 1);
    CHECK(notices(lower, "outage_emergency", id) == 1);
    CHECK(notices(star, "outage_emergency", id) == 1);
    CHECK(notices(beyond, "outage_emergency", id) == 0);
    // The home page's list of their own points finds it too, and a lookup typed in capitals.
    CHECK(has(ids(capitals.call("GET", "outages")), id));
    CHECK(has(ids(star.call("GET", "outages")), id));
    CHECK_FALSE(has(ids(beyond.call("GET", "outages")), id));
    CHECK(has(ids(beyond.call("GET", "outages?address=%D0%A3%D0%9B.%20%D0%9A%D0%9E%D0%9B%D0%AC%D0%A6%D0%9E%D0%92%D0%A1%D0%9A%D0%90%D0%AF%2C%20%D0%94.%20122")), id));
}

TEST_CASE("an operator cancels an outage before it starts; those told hear of it; a started or closed one is not cancelled", "[outages][notify]") {
    auto& w = world();
    Operator op(w);
    Consumer there(w, "г. Воронеж, Кольцовская ул., д. 201, кв. 1");
    Consumer away(w, "г. Воронеж, Кольцовская ул., д. 250");
    const long long day = 86400, start = w.now + day;
    // Planned for tomorrow: within ВГЭС's three days, so the consumer there is told at publication.
    auto o = op.publish(planned(w, start, start + 4 * 3600, "201-209"));
    const std::string id = o->getValue<std::string>("id");
    REQUIRE(notices(there, "outage_planned", id) == 1);

    CHECK(there.call("POST", "operator/outages/" + id + "/cancel").status == 403);
    CHECK(op.call("POST", "operator/outages/nope/cancel").status == 404);
    auto r = op.call("POST", "operator/outages/" + id + "/cancel");
    INFO(r.body);
    REQUIRE(r.status == 200);
    CHECK(obj(r.body)->getValue<std::string>("state") == "cancelled");
    CHECK(obj(r.body)->getValue<int>("duration_minutes") == 0);
    CHECK(obj(r.body)->getValue<bool>("exceeded") == false);
    CHECK(notices(there, "outage_cancelled", id) == 1);
    CHECK(notices(away, "outage_cancelled", id) == 0);
    REQUIRE(mailArrives(w, there.email, "Отключение электроэнергии отменено"));
    CHECK(mails(w, away.email, "отменено") == 0);

    // Listed, marked cancelled, at the consumer's points; counted in no statistics.
    auto mine = there.call("GET", "outages");
    REQUIRE(has(ids(mine), id));
    auto rows = obj(mine.body)->getArray("rows");
    for (std::size_t i = 0; i < rows->size(); ++i)
        if (rows->getObject(i)->getValue<std::string>("id") == id) CHECK(rows->getObject(i)->getValue<std::string>("state") == "cancelled");
    auto stats = there.call("GET", "outages/stats?from=" + mskDate(start) + "&to=" + mskDate(start + day));
    REQUIRE(stats.status == 200);
    CHECK(obj(stats.body)->getObject("total")->getValue<int>("count") == 0);

    // Not again, not edited, not announced by the background pass.
    r = op.call("POST", "operator/outages/" + id + "/cancel");
    CHECK(r.status == 409);
    CHECK(obj(r.body)->getValue<std::string>("error") == "outage_cancelled");
    CHECK(op.call("PATCH", "operator/outages/" + id, R"({"reason":"Другая"})").status == 409);
    OutageService service(w.direct);
    auto later = op.publish(planned(w, w.now + 5 * day, w.now + 5 * day + 3600, "201"));
    REQUIRE(op.call("POST", "operator/outages/" + later->getValue<std::string>("id") + "/cancel").status == 200);
    service.notifyDue(w.tenants, w.now + 4 * day);
    CHECK(notices(there, "outage_planned", later->getValue<std::string>("id")) == 0);
    CHECK(notices(there, "outage_cancelled", later->getValue<std::string>("id")) == 0); // no one had been told
    // A background pass that listed it just before the cancel cannot claim it afterwards.
    bool claimed = true;
    w.direct.transaction([&](soci::session& se) { claimed = outages::OutageStore(se, "vges").claimReminder(later->getValue<std::string>("id"), w.now); });
    CHECK_FALSE(claimed);

    // Started or closed: 409, and it stays as it was.
    auto going = op.publish(planned(w, w.now - 600, w.now + 3600, "201", "emergency"));
    r = op.call("POST", "operator/outages/" + going->getValue<std::string>("id") + "/cancel");
    CHECK(r.status == 409);
    CHECK(obj(r.body)->getValue<std::string>("error") == "outage_started");
    CHECK(notices(there, "outage_cancelled", going->getValue<std::string>("id")) == 0);
    r = op.call("PATCH", "operator/outages/" + going->getValue<std::string>("id"), R"({"actual_end":")" + msk(w.now) + R"("})");
    REQUIRE(r.status == 200);
    r = op.call("POST", "operator/outages/" + going->getValue<std::string>("id") + "/cancel");
    CHECK(r.status == 409);
    CHECK(obj(r.body)->getValue<std::string>("error") == "outage_closed");
}
