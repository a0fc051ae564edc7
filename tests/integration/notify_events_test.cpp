// The events that notify (issue 11): a manual reading approved or rejected, an archive ready, access granted or
// revoked by an operator, a tamper event and a silent meter for the operators (alerts with acknowledge), and
// operator broadcasts. Each is checked in the database (the in-app notification and its recipient) and, where
// the person has an address, as a real mail on the SMTP test server and a text on the SMS gateway simulator.
#include <catch2/catch.hpp>

#include "KabinetdProcess.h"
#include "Scalars.h"
#include "Simulators.h"
#include "TenantClient.h"
#include "JsonText.h"
#include "TestContext.h"
#include "meters/MeterData.h"
#include "meters/MeterRegistry.h"
#include "plugins/PluginHost.h"
#include "polling/PollStore.h"
#include "polling/Scheduler.h"
#include "polling/SilentMeters.h"
#include "storage/Database.h"
#include "tenants/TenantRegistry.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <ctime>

using namespace kabinet;
using test::KabinetdProcess;

namespace {

using test::obj;

long long now() { return static_cast<long long>(std::time(nullptr)); }

struct Client : test::TenantClient {
    using TenantClient::TenantClient;
    void login(const std::string& login, const std::string& password) {
        auto r = TenantClient::login(login, password);
        INFO(r.body);
        REQUIRE(r.status == 200);
    }
};

/// One server (no polling of its own), real SMTP and SMS, and СИГМА's data: two accounts with a point and a
/// meter each, a contract, three consumers (one per account with e-mail and phone, one without a grant) and
/// an administrator who receives the operators' alerts.
struct World {
    test::FreshDatabase db;
    test::SmtpServer smtp;
    test::SmsGateway sms;
    KabinetdProcess server;
    Database direct;
    TenantRegistry tenants{test::sourceDir() + "/tenants", test::sourceDir() + "/scripts", LuaLimits{}};
    std::string point1, meter1, point2, meter2, account1, account2;
    const std::string admin = "alerts@sigma.example";

    World()
        : server(db.url(), {"--smtp", smtp.url(), "--public-url", "http://kabinet.test"},
                 {{"KABINET_SMS_GATEWAY", sms.pluginConfig()}, {"KABINET_MAIL_FROM", "Кабинет <no-reply@kabinet.test>"}, {"KABINET_POLL_SESSIONS", "0"}}),
          direct(db.url(), 2) {
        MeterRegistry reg(direct);
        const std::string contract = reg.upsertContract("sigma", {"", "СГ-2024/17", "supply", "ООО «Ромашка»", "legal_entity", "5501234567",
                                                                  "1025500000000", "г. Омск", "г. Омск, ул. Мира, д. 3", "", "2024-01-01", ""});
        account1 = reg.upsertAccount("sigma", {"", "5500112233", "", "Сидоров Сидор Сидорович", "г. Омск, ул. Ленина, д. 10, кв. 5"});
        account2 = reg.upsertAccount("sigma", {"", "5500445566", contract, "ООО «Ромашка»", "г. Омск, ул. Мира, д. 3"});
        point1 = reg.upsertPoint("sigma", {"", account1, "", "Квартира", "ТУ-0101", "electricity", "г. Омск, ул. Ленина, д. 10, кв. 5", "Щит",
                                           "2023-01-01", "T2", std::nullopt});
        point2 = reg.upsertPoint("sigma", {"", account2, "", "Магазин", "ТУ-0102", "electricity", "г. Омск, ул. Мира, д. 3", "ВРУ", "2023-01-01",
                                           "T1", std::nullopt});
        Meter m;
        m.pointId = point1;
        m.model = "Меркурий 201.8";
        m.serial = "31415926";
        m.tariffZones = 2;
        meter1 = reg.upsertMeter("sigma", m);
        m.pointId = point2;
        m.serial = "27182818";
        m.tariffZones = 1;
        m.smart = true;
        meter2 = reg.upsertMeter("sigma", m);
        direct.transaction([&](soci::session& s) {
            auto user = [&](const std::string& id, const std::string& email, const std::string& phone) {
                s << "INSERT INTO users (tenant_id, user_id, kind, role, state, login_field, login, email, email_verified, phone, phone_verified, "
                     "password_hash, fields_json, notifications_json, created_at, updated_at) VALUES ('sigma', :u, 'individual', 'consumer', "
                     "'active', 'email', :l, :e, 1, :p, 1, 'x', '{}', '{}', 0, 0)",
                    soci::use(id), soci::use(email), soci::use(email), soci::use(phone);
            };
            user("ne-c1", "sidorov@example.ru", "+79990000001");
            user("ne-c2", "romashka@example.ru", "+79990000002");
            user("ne-c3", "nobody@example.ru", "+79990000003");
            s << "INSERT INTO access_grants (tenant_id, user_id, scope, ref_id, way, granted_at) VALUES ('sigma', 'ne-c1', 'account', :a, "
                 "'operator_grant', 0)",
                soci::use(account1);
            s << "INSERT INTO access_grants (tenant_id, user_id, scope, ref_id, way, granted_at) VALUES ('sigma', 'ne-c2', 'contract', :c, "
                 "'operator_grant', 0)",
                soci::use(contract);
        });
        std::string out;
        REQUIRE(test::runProgram({test::binaryDir() + "/core/kabinet", "users", "create-admin", "--tenant", "sigma", "--email", admin, "--database",
                                  db.url(), "--tenants", test::sourceDir() + "/tenants", "--scripts", test::sourceDir() + "/scripts"},
                                 out, {{"KABINET_ADMIN_PASSWORD", "Admin-Password-4"}}) == 0);
    }

    Client op() {
        Client c{server, "sigma"};
        c.login(admin, "Admin-Password-4");
        return c;
    }
    long long count(const std::string& sql) { return test::scalarInt(direct, sql); }
    std::string text(const std::string& sql) { return test::scalarText(direct, sql); }
    /// The body of the user's latest notification of a kind ("" when none).
    std::string latest(const std::string& user, const std::string& kind) {
        return text("SELECT COALESCE(MAX(n.body), '') FROM notifications n JOIN notification_recipients r ON r.tenant_id = n.tenant_id AND "
                    "r.notification_id = n.notification_id WHERE n.tenant_id = 'sigma' AND r.user_id = '" + user + "' AND n.kind = '" + kind +
                    "' AND n.created_at = (SELECT MAX(n2.created_at) FROM notifications n2 WHERE n2.tenant_id = 'sigma' AND n2.kind = '" + kind + "')");
    }
    /// The bodies of all the user's notifications of a kind, one a line.
    std::string bodies(const std::string& user, const std::string& kind) {
        std::string out;
        direct.read([&](soci::session& s) {
            soci::rowset<std::string> rs = (s.prepare << "SELECT n.body FROM notifications n JOIN notification_recipients r ON r.tenant_id = "
                                                         "n.tenant_id AND r.notification_id = n.notification_id WHERE n.tenant_id = 'sigma' AND "
                                                         "r.user_id = :u AND n.kind = :k",
                                            soci::use(user), soci::use(kind));
            for (const auto& b : rs) out += b + "\n";
        });
        return out;
    }
    long long received(const std::string& user, const std::string& kind) {
        return count("SELECT COUNT(*) FROM notifications n JOIN notification_recipients r ON r.tenant_id = n.tenant_id AND r.notification_id = "
                     "n.notification_id JOIN notification_deliveries d ON d.tenant_id = r.tenant_id AND d.notification_id = r.notification_id AND "
                     "d.user_id = r.user_id AND d.channel = 'in_app' AND d.state = 'sent' WHERE n.tenant_id = 'sigma' AND r.user_id = '" + user +
                     "' AND n.kind = '" + kind + "'");
    }
};

World& world() {
    static World w;
    return w;
}

/// The number of mails the SMTP server holds for `to`.
int mailsTo(const World& w, const std::string& to) {
    int n = 0;
    for (const auto& m : w.smtp.mails()) n += m.to.find(to) != std::string::npos;
    return n;
}

} // namespace

TEST_CASE("a manual reading decided by the operator tells the consumer, in the decision's transaction", "[notify-events]") {
    World& w = world();
    Client op = w.op();
    const long long ts = now() - 3 * 86400;
    w.direct.transaction([&](soci::session& s) {
        s << "INSERT INTO manual_readings (tenant_id, submission_id, meter_id, user_id, ts, t1, t2, total, state, submitted_at) VALUES "
             "('sigma', 'ne-r1', :m, 'ne-c1', :ts, 1200.5, 300, 1500.5, 'pending', :n)",
            soci::use(w.meter1), soci::use(ts), soci::use(ts);
        s << "INSERT INTO manual_readings (tenant_id, submission_id, meter_id, user_id, ts, t1, t2, total, state, submitted_at) VALUES "
             "('sigma', 'ne-r2', :m, 'ne-c1', :ts, 1210, 305, 1515, 'pending', :n)",
            soci::use(w.meter1), soci::use(ts), soci::use(ts);
    });
    const int mailsBefore = mailsTo(w, "sidorov@example.ru");
    REQUIRE(op.call("POST", "operator/manual-readings/ne-r1/approve").status == 200);
    CHECK(w.received("ne-c1", "manual_reading_approved") == 1);
    const std::string approved = w.latest("ne-c1", "manual_reading_approved");
    CHECK_THAT(approved, Catch::Contains("Т1 1\u00a0200,5\u00a0кВт·ч") && Catch::Contains("Т2 300\u00a0кВт·ч") && Catch::Contains("«Квартира»"));
    CHECK_THAT(w.text("SELECT refs FROM notifications WHERE tenant_id = 'sigma' AND kind = 'manual_reading_approved'"),
               Catch::Contains("\"point\"") && Catch::Contains("\"meter\"") && Catch::Contains("31415926"));
    auto mail = w.smtp.waitFor("sidorov@example.ru", mailsBefore + 1);
    CHECK_THAT(mail.subject, Catch::Contains("Показания приняты"));
    CHECK_THAT(mail.text, Catch::Contains("1\u00a0200,5"));

    // Rejected with a reason: in-app, by mail and by SMS (the kind uses all three).
    REQUIRE(op.call("POST", "operator/manual-readings/ne-r2/reject", R"({"reason":"Не совпадает с контрольным снятием"})").status == 200);
    CHECK(w.received("ne-c1", "manual_reading_rejected") == 1);
    CHECK_THAT(w.latest("ne-c1", "manual_reading_rejected"), Catch::Contains("Причина: Не совпадает с контрольным снятием"));
    CHECK_THAT(w.smtp.waitFor("sidorov@example.ru", mailsBefore + 2).text, Catch::Contains("Не совпадает с контрольным снятием"));
    CHECK_THAT(w.sms.waitFor("+79990000001"), Catch::Contains("Не совпадает с контрольным снятием"));
    CHECK(w.received("ne-c2", "manual_reading_rejected") == 0); // only the one who submitted it

    // A decision that fails (the meter has read less since): rolled back, nobody is told.
    w.direct.transaction([&](soci::session& s) {
        s << "INSERT INTO manual_readings (tenant_id, submission_id, meter_id, user_id, ts, t1, t2, total, state, submitted_at) VALUES "
             "('sigma', 'ne-r3', :m, 'ne-c1', :ts, 9000, 900, 9900, 'pending', :n)",
            soci::use(w.meter1), soci::use(ts), soci::use(ts);
        const long long later = ts + 3600;
        s << "INSERT INTO readings (tenant_id, meter_id, ts, kind, energy, total, t1, t2, source) VALUES ('sigma', :m, :ts, 'latest', 'A+', 1600, "
             "1250, 350, 'driver')",
            soci::use(w.meter1), soci::use(later);
    });
    CHECK(op.call("POST", "operator/manual-readings/ne-r3/approve").status == 409);
    CHECK(w.received("ne-c1", "manual_reading_approved") == 1);
    CHECK(w.text("SELECT state FROM manual_readings WHERE tenant_id = 'sigma' AND submission_id = 'ne-r3'") == "pending");
}

TEST_CASE("an archive built by the job worker tells its requester", "[notify-events]") {
    World& w = world();
    const int mailsBefore = mailsTo(w, "sidorov@example.ru");
    w.direct.transaction([&](soci::session& s) {
        s << "INSERT INTO jobs (tenant_id, job_id, kind, user_id, params_json, state, run_after, created_at, updated_at) VALUES ('sigma', "
             "'ne-job', 'archive', 'ne-c1', '{\"from\":\"2026-01-01\",\"to\":\"2026-01-31\"}', 'requested', 0, 0, 0)";
    });
    // The server's job worker builds it (a pass every 5 s) and raises the notice with the job's outcome.
    auto mail = w.smtp.waitFor("sidorov@example.ru", mailsBefore + 1, 20);
    CHECK_THAT(mail.subject, Catch::Contains("Архив данных готов"));
    CHECK_THAT(mail.text, Catch::Contains("с 01.01.2026 по 31.01.2026"));
    CHECK(w.text("SELECT state FROM jobs WHERE tenant_id = 'sigma' AND job_id = 'ne-job'") == "done");
    CHECK(w.received("ne-c1", "archive_ready") == 1);
    CHECK_THAT(w.text("SELECT refs FROM notifications WHERE tenant_id = 'sigma' AND kind = 'archive_ready'"),
               Catch::Contains("\"archive\"") && Catch::Contains("ne-job"));
}

TEST_CASE("access granted or revoked by an operator tells the consumer", "[notify-events]") {
    World& w = world();
    Client op = w.op();
    const int mailsBefore = mailsTo(w, "nobody@example.ru");
    REQUIRE(op.call("POST", "operator/grants", R"({"user_id":"ne-c3","scope":"account","ref":"5500445566"})").status == 201);
    CHECK(w.received("ne-c3", "access_granted") == 1);
    CHECK_THAT(w.latest("ne-c3", "access_granted"), Catch::Contains("лицевой счёт № 5500445566"));
    CHECK_THAT(w.smtp.waitFor("nobody@example.ru", mailsBefore + 1).subject, Catch::Contains("Открыт доступ"));
    // Granting again changes nothing and tells nobody; a point granted by its id is named by its number.
    REQUIRE(op.call("POST", "operator/grants", R"({"user_id":"ne-c3","scope":"account","ref":"5500445566"})").status == 201);
    CHECK(w.received("ne-c3", "access_granted") == 1);
    REQUIRE(op.call("POST", "operator/grants", R"({"user_id":"ne-c3","scope":"point","ref":")" + w.point1 + R"("})").status == 201);
    CHECK(w.received("ne-c3", "access_granted") == 2);
    CHECK_THAT(w.latest("ne-c3", "access_granted"), Catch::Contains("точка учёта № ТУ-0101") && !Catch::Contains(w.point1));
    REQUIRE(op.call("DELETE", "operator/grants", R"({"user_id":"ne-c3","scope":"point","ref":"ТУ-0101"})").status == 204);
    REQUIRE(op.call("DELETE", "operator/grants", R"({"user_id":"ne-c3","scope":"account","ref":"5500445566"})").status == 204);
    CHECK(w.received("ne-c3", "access_revoked") == 2);
    CHECK_THAT(w.bodies("ne-c3", "access_revoked"), Catch::Contains("лицевой счёт № 5500445566") && Catch::Contains("точка учёта № ТУ-0101"));
    CHECK_THAT(w.smtp.waitFor("nobody@example.ru", mailsBefore + 4).subject, Catch::Contains("Закрыт доступ"));
}

TEST_CASE("a tamper event is an operator alert with consumer, address, serial and local time; acknowledged once", "[notify-events]") {
    World& w = world();
    Client op = w.op();
    const int mailsBefore = mailsTo(w, w.admin);
    MeterDataBatch b;
    const long long at = 1767225600 + 9 * 3600 + 5 * 60; // 2026-01-01 09:05 UTC
    b.events.push_back({w.meter1, at, "magnet", "tamper", "alarm", "Воздействие магнитным полем", std::nullopt, true});
    MeterDataSink(w.direct, &w.tenants).write("sigma", b);
    CHECK_THAT(w.smtp.waitFor(w.admin, mailsBefore + 1).subject, Catch::Contains("31415926"));

    auto r = op.call("GET", "operator/alerts");
    REQUIRE(r.status == 200);
    auto rows = obj(r.body)->getArray("rows");
    Poco::JSON::Object::Ptr alert;
    for (const auto& v : *rows)
        if (v.extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("kind") == "meter_tamper") alert = v.extract<Poco::JSON::Object::Ptr>();
    REQUIRE(alert);
    CHECK(alert->getValue<std::string>("consumer") == "Сидоров Сидор Сидорович");
    CHECK(alert->getValue<std::string>("address") == "г. Омск, ул. Ленина, д. 10, кв. 5");
    CHECK(alert->getValue<std::string>("meter_serial") == "31415926");
    CHECK_THAT(alert->getValue<std::string>("hint"), Catch::Contains("акт о безучётном потреблении"));
    CHECK_THAT(alert->getValue<std::string>("body"), Catch::Contains("Воздействие магнитным полем"));
    CHECK(alert->get("acknowledged_at").isEmpty());
    CHECK(r.body.find(w.meter1) == std::string::npos); // never an internal id of the meter or point
    CHECK(r.body.find(w.point1) == std::string::npos);

    const std::string id = alert->getValue<std::string>("id");
    CHECK(op.call("POST", "operator/alerts/nope/acknowledge").status == 404);
    r = op.call("POST", "operator/alerts/" + id + "/acknowledge");
    REQUIRE(r.status == 200);
    const long long ackAt = obj(r.body)->getValue<long long>("acknowledged_at");
    CHECK(obj(r.body)->getValue<std::string>("acknowledged_by") == w.admin);
    r = op.call("POST", "operator/alerts/" + id + "/acknowledge"); // idempotent: the first stands
    REQUIRE(r.status == 200);
    CHECK(obj(r.body)->getValue<long long>("acknowledged_at") == ackAt);
    CHECK(w.count("SELECT COUNT(*) FROM notification_recipients WHERE tenant_id = 'sigma' AND notification_id = '" + id +
                  "' AND acknowledged_by IS NOT NULL") >= 1);
    bool open = false;
    const auto openRows = obj(op.call("GET", "operator/alerts?state=open").body)->getArray("rows");
    for (const auto& v : *openRows)
        open = open || v.extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("id") == id;
    CHECK_FALSE(open);
    CHECK(obj(op.call("GET", "operator/alerts?state=acknowledged").body)->getArray("rows")->size() >= 1);
    CHECK(op.call("GET", "operator/alerts?state=later").status == 422);
    Client consumer{w.server, "sigma"};
    CHECK(consumer.call("GET", "operator/alerts").status == 401);

    // An alert raised while the tenant had no operator (no recipient rows) is acknowledged all the same.
    MeterDataBatch again;
    again.events.push_back({w.meter1, at + 3600, "cover_open", "tamper", "alarm", "Вскрытие крышки клеммной колодки", std::nullopt, true});
    MeterDataSink(w.direct, &w.tenants).write("sigma", again);
    const std::string lonely = w.text("SELECT notification_id FROM notifications WHERE tenant_id = 'sigma' AND kind = 'meter_tamper' AND body LIKE "
                                      "'%клеммной%'");
    REQUIRE_FALSE(lonely.empty());
    w.direct.transaction([&](soci::session& s) {
        s << "DELETE FROM notification_recipients WHERE tenant_id = 'sigma' AND notification_id = :n", soci::use(lonely);
    });
    r = op.call("POST", "operator/alerts/" + lonely + "/acknowledge");
    REQUIRE(r.status == 200);
    CHECK(obj(r.body)->getValue<std::string>("acknowledged_by") == w.admin);
}

TEST_CASE("a meter silent longer than the tenant's threshold is told to the operators once per silence", "[notify-events]") {
    World& w = world();
    const long long t0 = 1767225600; // the last good poll
    PollStore store(w.direct, "elsewhere");
    store.upsertGateway("sigma", "ne-gw", "127.0.0.1", 9, "Шлюз");
    store.linkMeter("sigma", w.meter2, "ne-gw", "mercury230", "{}");
    w.direct.transaction([&](soci::session& s) {
        // Another instance holds the gateway: this test's scheduler only syncs and looks for silent meters.
        s << "UPDATE gateways SET lease_owner = 'elsewhere', lease_until = 4000000000 WHERE tenant_id = 'sigma' AND gateway_id = 'ne-gw'";
        for (const char* schedule : {"current", "profile"}) {
            const std::string sc = schedule;
            const long long lastRun = t0 + 3600;
            s << "INSERT INTO poll_jobs (tenant_id, meter_id, schedule, next_run, attempts, last_run, last_ok) VALUES ('sigma', :m, :s, 4000000000, "
                 "3, :r, :o)",
                soci::use(w.meter2), soci::use(sc), soci::use(lastRun), soci::use(t0);
        }
    });
    auto t = w.tenants.find("sigma");
    REQUIRE(t);
    PollingRules rules = PollingRules::fromVar(t->polling());
    CHECK(rules.silentAfterS == 24 * 3600); // the default of kabinet.polling
    SilentMeters silent(w.direct);
    CHECK(silent.check(*t, rules, t0 + 23 * 3600) == 0); // not yet
    const int mailsBefore = mailsTo(w, w.admin);
    // The polling worker's pass (Scheduler::runOnce stands for it) finds it, at an injected time.
    PluginHost plugins{test::binaryDir() + "/plugins-out"};
    Scheduler scheduler(w.direct, w.tenants, plugins, SchedulerOptions{0, 1000, 120, 500, "test", "{}"});
    scheduler.runOnce(t0 + 25 * 3600);
    CHECK(w.count("SELECT COUNT(*) FROM notifications WHERE tenant_id = 'sigma' AND kind = 'meter_silent'") == 1);
    CHECK(silent.check(*t, rules, t0 + 30 * 3600) == 0); // still the same silence: told once
    auto mail = w.smtp.waitFor(w.admin, mailsBefore + 1);
    CHECK_THAT(mail.subject, Catch::Contains("27182818") && Catch::Contains("не отвечает"));
    CHECK_THAT(mail.text, Catch::Contains("ООО «Ромашка»") && Catch::Contains("г. Омск, ул. Мира, д. 3") && Catch::Contains("01.01.2026 03:00"));
    Client op = w.op();
    bool listed = false;
    const auto alertRows = obj(op.call("GET", "operator/alerts").body)->getArray("rows");
    for (const auto& v : *alertRows) {
        auto o = v.extract<Poco::JSON::Object::Ptr>();
        if (o->getValue<std::string>("kind") != "meter_silent") continue;
        listed = true;
        CHECK(o->getValue<std::string>("meter_serial") == "27182818");
        CHECK(o->getValue<std::string>("hint").empty());
    }
    CHECK(listed);

    // It answers again, then falls silent again: a new silence, told again.
    const long long t1 = t0 + 40 * 3600;
    w.direct.transaction([&](soci::session& s) {
        s << "UPDATE poll_jobs SET last_ok = :o, last_run = :r WHERE tenant_id = 'sigma' AND meter_id = :m", soci::use(t1), soci::use(t1 + 600),
            soci::use(w.meter2);
    });
    CHECK(silent.check(*t, rules, t1 + 3600) == 0);
    CHECK(silent.check(*t, rules, t1 + 25 * 3600) == 1);
    CHECK(w.count("SELECT COUNT(*) FROM notifications WHERE tenant_id = 'sigma' AND kind = 'meter_silent'") == 2);
    w.direct.transaction([&](soci::session& s) { s << "UPDATE meter_links SET enabled = 0 WHERE tenant_id = 'sigma' AND meter_id = :m", soci::use(w.meter2); });
}

TEST_CASE("an operator broadcast: preview, audiences by account, contract and address, channels, history with counts", "[notify-events]") {
    World& w = world();
    Client op = w.op();
    auto recipients = [&](const std::string& path, const std::string& audience, int status) {
        auto r = op.call("POST", path, R"({"title":"Плановые работы","body":"15 марта с 10:00 до 14:00 плановые работы.","audience":)" + audience + "}");
        INFO(r.body);
        REQUIRE(r.status == status);
        return obj(r.body)->getValue<long long>("recipients");
    };
    const long long consumers = w.count("SELECT COUNT(*) FROM users WHERE tenant_id = 'sigma' AND role = 'consumer' AND state = 'active'");
    CHECK(recipients("operator/broadcasts/preview", R"({"all":true})", 200) == consumers);
    CHECK(recipients("operator/broadcasts/preview", R"({"accounts":["5500112233"]})", 200) == 1);
    CHECK(recipients("operator/broadcasts/preview", R"({"contracts":["СГ-2024/17"]})", 200) == 1);
    CHECK(recipients("operator/broadcasts/preview", R"({"addresses":["УЛ. ЛЕНИНА, Д. 10"]})", 200) == 1);
    CHECK(w.count("SELECT COUNT(*) FROM notifications WHERE tenant_id = 'sigma' AND kind = 'broadcast'") == 0); // a preview sends nothing
    CHECK(w.count("SELECT COUNT(*) FROM outbox WHERE tenant_id = 'sigma' AND body LIKE '%плановые работы%'") == 0);

    // Unknown numbers are named; a bad body names its field.
    auto r = op.call("POST", "operator/broadcasts", R"({"title":"Т","body":"Б","audience":{"accounts":["5500112233","1111","2222"]}})");
    REQUIRE(r.status == 422);
    CHECK_THAT(obj(r.body)->getObject("fields")->getValue<std::string>("audience.accounts"), Catch::Contains("1111, 2222"));
    r = op.call("POST", "operator/broadcasts", R"({"title":"Т","body":"Б","audience":{"contracts":["НЕТ-1"]}})");
    REQUIRE(r.status == 422);
    CHECK_THAT(obj(r.body)->getObject("fields")->getValue<std::string>("audience.contracts"), Catch::Contains("НЕТ-1"));
    CHECK(op.call("POST", "operator/broadcasts", R"({"title":"","body":"Б","audience":{"all":true}})").status == 422);
    CHECK(op.call("POST", "operator/broadcasts", R"({"title":"Т","body":"Б","audience":{"all":true,"accounts":["5500112233"]}})").status == 422);
    CHECK(op.call("POST", "operator/broadcasts", R"({"title":"Т","body":"Б","audience":{"all":true},"channels":["fax"]})").status == 422);
    CHECK(op.call("POST", "operator/broadcasts", R"({"title":"Т","body":"Б","audience":{"addresses":["ул. Несуществующая"]}})").status == 422);

    const int mailsBefore = mailsTo(w, "romashka@example.ru");
    r = op.call("POST", "operator/broadcasts",
                R"({"title":"Уведомление о задолженности","body":"Оплатите задолженность до 25 числа.","audience":{"contracts":["СГ-2024/17"]},"channels":["in_app","email","sms"]})");
    INFO(r.body);
    REQUIRE(r.status == 201);
    const std::string id = obj(r.body)->getValue<std::string>("id");
    CHECK(obj(r.body)->getValue<long long>("recipients") == 1);
    CHECK(w.received("ne-c2", "broadcast") == 1);
    CHECK(w.received("ne-c1", "broadcast") == 0);
    CHECK(w.count("SELECT COUNT(*) FROM notifications WHERE tenant_id = 'sigma' AND kind = 'broadcast' AND broadcast_id = '" + id +
                  "' AND refs LIKE '%\"broadcast\"%'") == 1);
    auto mail = w.smtp.waitFor("romashka@example.ru", mailsBefore + 1);
    CHECK(mail.subject == "Уведомление о задолженности");
    CHECK_THAT(mail.text, Catch::Contains("Оплатите задолженность до 25 числа."));
    CHECK_THAT(w.sms.waitFor("+79990000002"), Catch::Contains("Оплатите задолженность"));
    // Only the channels chosen: in-app alone sends no mail.
    REQUIRE(op.call("POST", "operator/broadcasts", R"({"title":"Только в кабинете","body":"Текст.","audience":{"all":true},"channels":["in_app"]})").status == 201);
    CHECK(w.count("SELECT COUNT(*) FROM outbox WHERE tenant_id = 'sigma' AND subject = 'Только в кабинете'") == 0);

    auto rows = obj(op.call("GET", "operator/broadcasts").body)->getArray("rows");
    Poco::JSON::Object::Ptr sent;
    for (const auto& v : *rows)
        if (v.extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("id") == id) sent = v.extract<Poco::JSON::Object::Ptr>();
    REQUIRE(sent);
    CHECK(sent->getValue<std::string>("title") == "Уведомление о задолженности");
    CHECK(sent->getValue<long long>("recipients") == 1);
    auto channels = sent->getObject("channels");
    CHECK(channels->getObject("in_app")->getValue<long long>("sent") == 1);
    CHECK(channels->getObject("email")->getValue<long long>("sent") + channels->getObject("email")->getValue<long long>("queued") == 1);
    CHECK(channels->getObject("sms")->getValue<long long>("sent") + channels->getObject("sms")->getValue<long long>("queued") == 1);
    Client consumer{w.server, "sigma"};
    CHECK(consumer.call("POST", "operator/broadcasts/preview", R"({"title":"Т","body":"Б","audience":{"all":true}})").status == 401);
}
