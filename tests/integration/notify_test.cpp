// The notification centre (issue 11): a notice raised in the transaction of a change reaches in-app rows, a
// real mail (SMTP test server) and a text message (SMS gateway simulator) by the channels each person chose,
// or their daily digest; a rolled-back change notifies no one; the audience is resolved through the grants
// on points, accounts and contracts; people read, page and mark their own notifications through the API; a
// kill -9 after the commit still delivers after a restart.
#include <catch2/catch.hpp>

#include "KabinetdProcess.h"
#include "Scalars.h"
#include "SeededDatabase.h"
#include "Simulators.h"
#include "TenantClient.h"
#include "JsonText.h"
#include "TestContext.h"
#include "identity/PasswordHasher.h"
#include "meters/MeterData.h"
#include "notify/DigestWorker.h"
#include "notify/NotificationCentre.h"
#include "notify/NotificationKinds.h"
#include "storage/Database.h"
#include "storage/Migrations.h"
#include "tenants/Tenant.h"
#include "tenants/TenantRegistry.h"
#include "util/Error.h"

#include <Poco/JSON/Parser.h>

#include <csignal>
#include <chrono>
#include <ctime>
#include <set>
#include <thread>

using namespace kabinet;

namespace {

const char* kTenant = "oes360";
const char* kPassword = "Notify-Password-2024";

long long now() { return static_cast<long long>(std::time(nullptr)); }

using test::obj;

/// A person of the tenant, written straight into the database.
struct Person {
    std::string id, email, phone, role = "consumer", state = "active", notifications = "{}", hash = "x";
};

void addPerson(Database& db, const Person& p, const std::string& tenant = kTenant) {
    db.transaction([&](soci::session& s) {
        std::string t = tenant, login = p.email;
        soci::indicator pi = p.phone.empty() ? soci::i_null : soci::i_ok;
        s << "INSERT INTO users (tenant_id, user_id, kind, role, state, login_field, login, email, email_verified, phone, "
             "phone_verified, password_hash, fields_json, notifications_json, created_at, updated_at) VALUES (:t, :id, "
             "'consumer', :r, :st, 'email', :l, :e, 1, :p, 1, :h, '{}', :n, 0, 0)",
            soci::use(t), soci::use(p.id), soci::use(p.role), soci::use(p.state), soci::use(login), soci::use(p.email),
            soci::use(p.phone, pi), soci::use(p.hash), soci::use(p.notifications);
    });
}

void exec(Database& db, const std::string& sql) {
    db.transaction([&](soci::session& s) { s << sql; });
}

/// A fresh migrated database with the project's tenants.
struct Fixture : test::SeededDatabase {
    Tenant& tenant(const std::string& id = kTenant) { return *tenants.find(id); }
    long long scalar(const std::string& sql) { return test::scalarInt(db, sql); }
    std::string text(const std::string& sql) { return test::scalarText(db, sql); }
    std::string raise(const Notice& n, long long at = 0) {
        std::string id;
        db.transaction([&](soci::session& s) { id = NotificationCentre::raise(s, tenant(), n, at ? at : now()); });
        return id;
    }
};

Notice rejected(std::vector<std::string> users, const std::string& reason = "показание меньше предыдущего") {
    Notice n;
    n.kind = "manual_reading_rejected";
    n.audience.users = std::move(users);
    n.values = {{"point", "Квартира"}, {"reading", "12 345 кВт·ч"}, {"date", "01.12.2026"}, {"reason", reason}};
    return n;
}

std::set<std::string> recipients(Fixture& f, const std::string& id) {
    std::set<std::string> out;
    f.db.read([&](soci::session& s) {
        soci::rowset<std::string> rs = (s.prepare << "SELECT user_id FROM notification_recipients WHERE notification_id = :id", soci::use(id));
        for (const auto& u : rs) out.insert(u);
    });
    return out;
}

std::string deliveryState(Fixture& f, const std::string& id, const std::string& user, const std::string& channel) {
    return f.text("SELECT state FROM notification_deliveries WHERE notification_id = '" + id + "' AND user_id = '" + user +
                  "' AND channel = '" + channel + "'");
}

} // namespace

TEST_CASE("notify: a notice reaches in-app, mail and SMS by each person's choices, or the digest", "[notify]") {
    Fixture f;
    test::SmtpServer smtp;
    test::SmsGateway sms;
    addPerson(f.db, {"all-on", "all-on@notify.example", "+79001110001"});
    addPerson(f.db, {"cat-off", "cat-off@notify.example", "+79001110002", "consumer", "active", R"({"meters":false})"});
    addPerson(f.db, {"mail-off", "mail-off@notify.example", "+79001110003"});
    addPerson(f.db, {"digest", "digest@notify.example", "+79001110004"});
    exec(f.db, "INSERT INTO notification_settings (tenant_id, user_id, email, sms, digest, updated_at) VALUES "
               "('oes360', 'mail-off', 0, NULL, NULL, 0), ('oes360', 'digest', NULL, 0, 1, 0)");

    const std::string id = f.raise(rejected({"all-on", "cat-off", "mail-off", "digest"}));
    REQUIRE(!id.empty());
    CHECK(recipients(f, id) == std::set<std::string>{"all-on", "cat-off", "mail-off", "digest"});
    // The body is the kind's template with the values; nothing raw.
    const std::string body = f.text("SELECT body FROM notifications WHERE notification_id = '" + id + "'");
    CHECK(body == "Показания 12 345 кВт·ч по точке учёта «Квартира» от 01.12.2026 отклонены. Причина: показание меньше предыдущего.");
    for (const auto& u : {"all-on", "cat-off", "mail-off", "digest"}) CHECK(deliveryState(f, id, u, "in_app") == "sent");
    CHECK(deliveryState(f, id, "all-on", "email") == "queued");
    CHECK(deliveryState(f, id, "all-on", "sms") == "queued");
    CHECK(deliveryState(f, id, "cat-off", "email") == "not_wanted");
    CHECK(deliveryState(f, id, "cat-off", "sms") == "not_wanted");
    CHECK(deliveryState(f, id, "mail-off", "email") == "not_wanted");
    CHECK(deliveryState(f, id, "mail-off", "sms") == "queued");
    CHECK(deliveryState(f, id, "digest", "email") == "digest");
    CHECK(deliveryState(f, id, "digest", "sms") == "not_wanted");
    CHECK(f.scalar("SELECT COUNT(*) FROM outbox") == 3);

    // The digest: nothing before the tenant's hour, one mail at it listing the day's notifications, once.
    const std::string second = f.raise(rejected({"digest"}, ""));
    CHECK(f.text("SELECT body FROM notifications WHERE notification_id = '" + second + "'") ==
          "Показания 12 345 кВт·ч по точке учёта «Квартира» от 01.12.2026 отклонены.");
    auto& t = f.tenant();
    const int hour = NotificationKinds::of(t)->digestHour;
    const long long dueAt = ((now() + t.utcOffset()) / 86400 + 1) * 86400 - t.utcOffset() + hour * 3600LL; // tomorrow
    DigestWorker digest(f.db, f.tenants);
    CHECK(digest.runOnce(dueAt - 60) == 0);
    CHECK(f.scalar("SELECT COUNT(*) FROM outbox") == 3);
    CHECK(digest.runOnce(dueAt + 5) == 1);
    CHECK(digest.runOnce(dueAt + 600) == 0);
    CHECK(f.scalar("SELECT COUNT(*) FROM outbox") == 4);
    CHECK(f.scalar("SELECT COUNT(*) FROM notification_deliveries WHERE user_id = 'digest' AND channel = 'email' AND state = 'digest'") == 0);
    CHECK(f.scalar("SELECT COUNT(DISTINCT message_id) FROM notification_deliveries WHERE user_id = 'digest' AND channel = 'email'") == 1);
    {
        // kabinetd's outbox delivers them: a real mail and real texts, none to those who did not want them.
        test::KabinetdProcess d(f.fresh.url(), {"--smtp", smtp.url()}, {{"KABINET_SMS_GATEWAY", sms.pluginConfig()}});
        const auto mail = smtp.waitFor("all-on@notify.example");
        CHECK(mail.subject.find("Показания отклонены") != std::string::npos);
        CHECK(mail.text.find("Причина: показание меньше предыдущего.") != std::string::npos);
        CHECK(sms.waitFor("+79001110001").find("отклонены") != std::string::npos);
        CHECK(sms.waitFor("+79001110003").find("отклонены") != std::string::npos);
        const auto dm = smtp.waitFor("digest@notify.example");
        INFO(dm.subject);
        CHECK(dm.subject.find("2 уведомления за день") != std::string::npos);
        CHECK(dm.text.find("Причина: показание меньше предыдущего.") != std::string::npos);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (std::chrono::steady_clock::now() < deadline && f.scalar("SELECT COUNT(*) FROM outbox WHERE state = 'sent'") < 4)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        d.terminate();
    }
    // Every mail the server received went to someone who wanted it: no mail to cat-off or mail-off.
    for (const auto& m : smtp.mails()) {
        CHECK(m.to.find("cat-off") == std::string::npos);
        CHECK(m.to.find("mail-off") == std::string::npos);
    }
    CHECK(f.scalar("SELECT COUNT(*) FROM outbox WHERE state = 'sent'") == 4);
}

TEST_CASE("notify: a rolled-back change notifies no one; dedupe; unknown kinds; empty audience", "[notify]") {
    Fixture f;
    addPerson(f.db, {"p1", "p1@notify.example", "+79001110011"});
    try {
        f.db.transaction([&](soci::session& s) {
            CHECK(!NotificationCentre::raise(s, f.tenant(), rejected({"p1"}), now()).empty());
            throw std::runtime_error("the change fails");
        });
        FAIL("no rollback");
    } catch (const std::runtime_error&) {
    }
    CHECK(f.scalar("SELECT COUNT(*) FROM notifications") == 0);
    CHECK(f.scalar("SELECT COUNT(*) FROM notification_recipients") == 0);
    CHECK(f.scalar("SELECT COUNT(*) FROM notification_deliveries") == 0);
    CHECK(f.scalar("SELECT COUNT(*) FROM outbox") == 0);

    Notice n = rejected({"p1"});
    n.dedupeKey = "submission-1";
    CHECK(!f.raise(n).empty());
    CHECK(f.raise(n).empty());
    CHECK(f.scalar("SELECT COUNT(*) FROM notifications") == 1);
    CHECK(f.scalar("SELECT COUNT(*) FROM outbox") == 2);

    Notice unknown = rejected({"p1"});
    unknown.kind = "horoscope";
    try {
        f.raise(unknown);
        FAIL("an unknown kind was raised");
    } catch (const Error& e) {
        CHECK(e.status() == 422);
        CHECK(e.fields().count("kind") == 1);
    }
    CHECK(f.raise(rejected({"nobody"})).empty());
    CHECK(f.scalar("SELECT COUNT(*) FROM notifications") == 1);

    // A person whose profile switches were never written (an empty text) has the defaults.
    addPerson(f.db, {"p2", "p2@notify.example", "", "consumer", "active", ""});
    const std::string empty = f.raise(rejected({"p2"}));
    CHECK(deliveryState(f, empty, "p2", "email") == "queued");
    CHECK(deliveryState(f, empty, "p2", "sms") == "not_wanted"); // no phone

    // An operator's broadcast: its own title and body, the channels it chose, its id.
    Notice b;
    b.kind = "broadcast";
    b.audience.users = {"p1"};
    b.title = "Уведомление о задолженности";
    b.body = "Оплатите счёт до 10 декабря.";
    b.channels = {"sms"};
    b.broadcastId = "bc-1";
    const std::string id = f.raise(b);
    REQUIRE(!id.empty());
    CHECK(f.text("SELECT title FROM notifications WHERE notification_id = '" + id + "'") == "Уведомление о задолженности");
    CHECK(f.text("SELECT broadcast_id FROM notifications WHERE notification_id = '" + id + "'") == "bc-1");
    CHECK(deliveryState(f, id, "p1", "sms") == "queued");
    CHECK(deliveryState(f, id, "p1", "email") == ""); // not a channel of this broadcast
    CHECK(f.text("SELECT body FROM outbox WHERE channel = 'sms' AND message_id LIKE '" + id + "%'") == "ОЭС 360: Оплатите счёт до 10 декабря.");
}

TEST_CASE("notify: the audience through grants on points, accounts and contracts", "[notify]") {
    Fixture f;
    exec(f.db, "INSERT INTO contracts (tenant_id, contract_id, number, consumer_name) VALUES ('oes360', 'c1', 'Д-1', 'ООО «Ромашка»'), "
               "('oes360', 'c2', 'Д-2', 'ООО «Лютик»')");
    exec(f.db, "INSERT INTO accounts (tenant_id, account_id, number, contract_id) VALUES ('oes360', 'a1', '100', 'c1'), "
               "('oes360', 'a2', '200', NULL)");
    exec(f.db, "INSERT INTO metering_points (tenant_id, point_id, account_id, contract_id, name, number) VALUES "
               "('oes360', 'p1', 'a1', NULL, 'Цех', '1'), ('oes360', 'p2', NULL, 'c1', 'Склад', '2'), "
               "('oes360', 'p3', 'a2', NULL, 'Дом', '3')");
    for (const auto& [u, scope, ref] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"by-point", "point", "p1"}, {"by-account", "account", "a1"}, {"by-contract", "contract", "c1"},
             {"other", "point", "p3"}, {"disabled", "contract", "c1"}}) {
        Person p{u, u + "@notify.example", ""};
        if (u == "disabled") p.state = "disabled";
        addPerson(f.db, p);
        exec(f.db, "INSERT INTO access_grants (tenant_id, user_id, scope, ref_id, way, granted_at) VALUES ('oes360', '" + u + "', '" +
                       scope + "', '" + ref + "', 'operator_grant', 0)");
    }
    addPerson(f.db, {"op", "op@notify.example", "", "operator"});
    addPerson(f.db, {"adm", "adm@notify.example", "", "tenant-admin"});
    const std::set<std::string> c1 = {"by-point", "by-account", "by-contract"};
    auto to = [&](auto fill) {
        Notice n;
        n.kind = "access_granted";
        n.values = {{"what", "договор"}};
        fill(n.audience);
        return recipients(f, f.raise(n));
    };
    CHECK(to([](Audience& a) { a.points = {"p1"}; }) == c1);
    CHECK(to([](Audience& a) { a.points = {"p2"}; }) == std::set<std::string>{"by-contract"});
    CHECK(to([](Audience& a) { a.accounts = {"a1"}; }) == c1);
    CHECK(to([](Audience& a) { a.contracts = {"c1"}; }) == c1);
    CHECK(to([](Audience& a) { a.contracts = {"c2"}; }).empty());
    CHECK(to([](Audience& a) { a.points = {"p3"}; }) == std::set<std::string>{"other"});
    CHECK(to([](Audience& a) { a.operators = true; }) == std::set<std::string>{"op", "adm"});
    CHECK(to([](Audience& a) { a.allConsumers = true; }) == std::set<std::string>{"by-point", "by-account", "by-contract", "other"});
    CHECK(to([](Audience& a) { a.users = {"other"}; a.operators = true; }) == std::set<std::string>{"other", "op", "adm"});

    // Refs carry human labels looked up by the centre.
    Notice n;
    n.kind = "access_granted";
    n.values = {{"what", "договор № Д-1"}};
    n.audience.contracts = {"c1"};
    n.refs = {{"contract", "c1"}, {"point", "p2"}};
    const std::string id = f.raise(n);
    const std::string refs = f.text("SELECT refs FROM notifications WHERE notification_id = '" + id + "'");
    CHECK(refs.find("\"label\":\"Договор № Д-1\"") != std::string::npos);
    CHECK(refs.find("\"label\":\"Склад\"") != std::string::npos);
}

TEST_CASE("notify: the API — list, pages, read, read-all, another's 404, kinds, settings, deliveries", "[notify]") {
    Fixture f;
    PasswordHasher hasher;
    const std::string hash = hasher.hash(kPassword);
    addPerson(f.db, {"anna", "anna@notify.example", "+79001110021", "consumer", "active", "{}", hash});
    addPerson(f.db, {"boris", "boris@notify.example", "", "consumer", "active", "{}", hash});
    std::vector<std::string> annas;
    for (int i = 0; i < 5; ++i) annas.push_back(f.raise(rejected({"anna"}, "причина " + std::to_string(i)), 1700000000 + i));
    const std::string boris = f.raise(rejected({"boris"}), 1700000000);

    test::KabinetdProcess d(f.fresh.url());
    test::TenantClient a(d, kTenant), b(d, kTenant);
    REQUIRE(a.login("anna@notify.example", kPassword).status == 200);
    REQUIRE(b.login("boris@notify.example", kPassword).status == 200);

    auto page = obj(a.call("GET", "notifications?limit=2").body);
    CHECK(page->getValue<int>("unread") == 5);
    auto rows = page->getArray("rows");
    REQUIRE(rows->size() == 2);
    CHECK(rows->getObject(0)->getValue<std::string>("id") == annas[4]);
    CHECK(rows->getObject(1)->getValue<std::string>("id") == annas[3]);
    CHECK(rows->getObject(0)->getValue<std::string>("kind") == "manual_reading_rejected");
    CHECK(rows->getObject(0)->getValue<std::string>("category") == "meters");
    CHECK(rows->getObject(0)->isNull("read_at"));
    CHECK(rows->getObject(0)->getValue<std::string>("body").find("причина 4") != std::string::npos);
    auto next = obj(a.call("GET", "notifications?limit=2&before=" + annas[3]).body)->getArray("rows");
    REQUIRE(next->size() == 2);
    CHECK(next->getObject(0)->getValue<std::string>("id") == annas[2]);
    CHECK(next->getObject(1)->getValue<std::string>("id") == annas[1]);
    CHECK(obj(a.call("GET", "notifications?before=1700000001").body)->getArray("rows")->size() == 1);
    CHECK(a.call("GET", "notifications?limit=0").status == 422);
    CHECK(a.call("GET", "notifications?before=" + boris).status == 422);

    auto read = a.call("POST", "notifications/" + annas[4] + "/read");
    REQUIRE(read.status == 200);
    CHECK(obj(read.body)->getValue<int>("unread") == 4);
    CHECK(a.call("POST", "notifications/" + annas[4] + "/read").status == 200); // again: still read, no error
    auto unread = obj(a.call("GET", "notifications?unread=1&limit=10").body);
    CHECK(unread->getArray("rows")->size() == 4);
    CHECK(unread->getValue<int>("unread") == 4);
    // Another's notification does not exist for her.
    CHECK(a.call("POST", "notifications/" + boris + "/read").status == 404);
    CHECK(a.call("POST", "notifications/ntf-nothing/read").status == 404);
    CHECK(f.scalar("SELECT COUNT(*) FROM notification_recipients WHERE user_id = 'boris' AND read_at IS NOT NULL") == 0);
    auto all = obj(a.call("POST", "notifications/read-all").body);
    CHECK(all->getValue<int>("read") == 4);
    CHECK(all->getValue<int>("unread") == 0);
    CHECK(obj(b.call("GET", "notifications").body)->getValue<int>("unread") == 1);

    // Kinds: consumers are not offered the staff category.
    auto kinds = obj(a.call("GET", "notification-kinds").body);
    std::set<std::string> cats;
    for (const auto& c : *kinds->getArray("categories")) cats.insert(c.extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("id"));
    CHECK(cats.count("supplier") == 1);
    CHECK(cats.count("meters") == 1);
    CHECK(cats.count("alerts") == 0);
    CHECK(kinds->getArray("channels")->size() == 3);
    bool sawRejected = false;
    for (const auto& k : *kinds->getArray("kinds")) {
        auto o = k.extract<Poco::JSON::Object::Ptr>();
        CHECK(o->getValue<std::string>("id") != "meter_tamper");
        if (o->getValue<std::string>("id") == "manual_reading_rejected") {
            sawRejected = true;
            CHECK(o->getValue<std::string>("label") == "Показания отклонены");
            CHECK(o->getArray("channels")->size() == 3);
        }
    }
    CHECK(sawRejected);

    // Settings: defaults, a change, refusals naming the field; the profile's switches are the same categories.
    auto settings = obj(a.call("GET", "me/notification-settings").body);
    CHECK(settings->getObject("categories")->getValue<bool>("meters"));
    CHECK(settings->getObject("channels")->getValue<bool>("email"));
    CHECK_FALSE(settings->getValue<bool>("digest"));
    auto put = a.call("PUT", "me/notification-settings", R"({"categories":{"meters":false},"channels":{"sms":false},"digest":true})");
    REQUIRE(put.status == 200);
    settings = obj(put.body);
    CHECK_FALSE(settings->getObject("categories")->getValue<bool>("meters"));
    CHECK(settings->getObject("categories")->getValue<bool>("supplier"));
    CHECK_FALSE(settings->getObject("channels")->getValue<bool>("sms"));
    CHECK(settings->getObject("channels")->getValue<bool>("email"));
    CHECK(settings->getValue<bool>("digest"));
    CHECK_FALSE(obj(a.call("GET", "me").body)->getObject("user")->getObject("notifications")->getValue<bool>("meters"));
    REQUIRE(a.call("PATCH", "me", R"({"notifications":{"meters":true}})").status == 200);
    CHECK(obj(a.call("GET", "me/notification-settings").body)->getObject("categories")->getValue<bool>("meters"));
    auto bad = a.call("PUT", "me/notification-settings", R"({"categories":{"spam":true,"alerts":false,"supplier":"да"},"channels":{"pigeon":true},"digest":1,"colour":"red"})");
    CHECK(bad.status == 422);
    auto fields = obj(bad.body)->getObject("fields");
    CHECK(fields->getValue<std::string>("categories.spam") == "Неизвестная категория уведомлений");
    CHECK(fields->has("categories.alerts"));
    CHECK(fields->getValue<std::string>("categories.supplier") == "Ожидается да или нет");
    CHECK(fields->has("channels.pigeon"));
    CHECK(fields->getValue<std::string>("digest") == "Ожидается да или нет");
    CHECK(fields->getValue<std::string>("colour") == "Неизвестное поле");
    CHECK(obj(a.call("GET", "me/notification-settings").body)->getValue<bool>("digest")); // nothing of the bad change stored

    // Staff: the deliveries of a notification, the outbox's state read through.
    CHECK(a.call("GET", "operator/notifications/" + annas[0] + "/deliveries").status == 403);
    auto admin = test::adminSession(d, f.fresh.url(), kTenant);
    auto del = d.request("GET", "/t/oes360/api/v1/operator/notifications/" + annas[0] + "/deliveries", "", admin);
    REQUIRE(del.status == 200);
    std::map<std::string, std::string> states;
    const auto deliveries = obj(del.body);
    for (const auto& r : *deliveries->getArray("rows")) {
        auto o = r.extract<Poco::JSON::Object::Ptr>();
        states[o->getValue<std::string>("channel")] = o->getValue<std::string>("state");
        CHECK(o->getValue<std::string>("login") == "anna@notify.example");
    }
    CHECK(states["in_app"] == "sent");
    CHECK((states["email"] == "queued" || states["email"] == "sent" || states["email"] == "failed"));
    CHECK(d.request("GET", "/t/oes360/api/v1/operator/notifications/ntf-nothing/deliveries", "", admin).status == 404);
    // Operators get their own notifications through the same route; consumers never see staff ones.
    Notice alert;
    alert.kind = "meter_silent";
    alert.audience.operators = true;
    alert.values = {{"meter", "01234567"}, {"since", "01.12.2026 10:00"}};
    const std::string alertId = f.raise(alert);
    REQUIRE(!alertId.empty());
    auto adminList = d.request("GET", "/t/oes360/api/v1/notifications", "", admin);
    REQUIRE(adminList.status == 200);
    auto adminRows = obj(adminList.body);
    REQUIRE(adminRows->getArray("rows")->size() == 1);
    CHECK(adminRows->getArray("rows")->getObject(0)->getValue<std::string>("id") == alertId);
    CHECK(adminRows->getArray("rows")->getObject(0)->getValue<std::string>("title") == "Прибор учёта № 01234567 не отвечает");
    CHECK(adminRows->getValue<int>("unread") == 1);
    CHECK(obj(a.call("GET", "notifications").body)->getValue<int>("unread") == 0);
    d.terminate();
}

TEST_CASE("notify: a kill -9 after the commit still delivers after the restart", "[notify]") {
    Fixture f;
    test::SmtpServer smtp;
    addPerson(f.db, {"kim", "kim@notify.example", ""});
    const std::string deadSmtp = "smtp://127.0.0.1:" + std::to_string(test::freePort());
    {
        // The first server cannot hand the mail over: it tries, keeps it queued, and dies without a word.
        test::KabinetdProcess d(f.fresh.url(), {"--smtp", deadSmtp});
        const std::string id = f.raise(rejected({"kim"}));
        REQUIRE(!id.empty());
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        // Wait for the failed attempt's outcome, not for its taking (which counts the attempt too): a kill
        // between the two would leave the lease held, and the next server would rightly wait for it to expire.
        const char* failedOnce = "SELECT COUNT(*) FROM outbox WHERE attempts > 0 AND state = 'queued' AND lease_until = 0 AND last_error <> ''";
        while (std::chrono::steady_clock::now() < deadline && f.scalar(failedOnce) == 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        REQUIRE(f.scalar(failedOnce) == 1);
        ::kill(d.pid(), SIGKILL);
        while (d.running()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    // Its retry falls due (the back-off of the failed attempt passed) and the next server delivers it.
    exec(f.db, "UPDATE outbox SET next_attempt_at = 0");
    test::KabinetdProcess d(f.fresh.url(), {"--smtp", smtp.url()});
    const auto mail = smtp.waitFor("kim@notify.example");
    CHECK(mail.subject.find("Показания отклонены") != std::string::npos);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline && f.scalar("SELECT COUNT(*) FROM outbox WHERE state = 'sent'") == 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(f.text("SELECT o.state FROM notification_deliveries d JOIN outbox o ON o.message_id = d.message_id WHERE d.channel = 'email'") == "sent");
    d.terminate();
}

TEST_CASE("notify: the operators' records of 0005 move into the notification centre", "[notify]") {
    test::FreshDatabase fresh;
    Database db{fresh.url(), 2};
    const std::string dialect = test::backend() == "postgresql" ? "postgresql" : "sqlite";
    // The schema as it was before sql/0007, with a tamper record of that time.
    db.transaction([&](soci::session& s) {
        s << "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
        for (const auto& m : embeddedMigrations()) {
            if (m.version >= 7 || (*m.dialect && m.dialect != dialect)) continue;
            for (const auto& st : Migrator::splitStatements(m.sql)) s << st;
            int v = m.version;
            std::string name = m.name;
            s << "INSERT INTO schema_version (version, name, applied_at) VALUES (:v, :n, 'then')", soci::use(v), soci::use(name);
        }
    });
    TenantRegistry tenants{test::sourceDir() + "/tenants", test::sourceDir() + "/scripts", LuaLimits{}};
    tenants.persist(db);
    addPerson(db, {"op", "op@notify.example", "", "operator"});
    addPerson(db, {"adm", "adm@notify.example", "", "tenant-admin"});
    addPerson(db, {"con", "con@notify.example", ""});
    exec(db, "INSERT INTO metering_points (tenant_id, point_id, name, number) VALUES ('oes360', 'p1', 'Цех', '1')");
    exec(db, "INSERT INTO meters (tenant_id, meter_id, point_id, model, serial) VALUES ('oes360', 'm1', 'p1', 'mercury', '01234567')");
    exec(db, "INSERT INTO notifications (tenant_id, notification_id, audience, kind, ref, meter_id, title, body, created_at, state) VALUES "
             "('oes360', 'ntf-old1', 'operators', 'tamper', 'm1|1700000000|cover_open', 'm1', 'Вскрытие', 'Прибор учёта', 1700000100, 'read'), "
             "('oes360', 'ntf-old2', 'operators', 'tamper', 'm9|1700000000|magnet', 'm9', 'Магнит', '', 1700000200, 'new')");
    REQUIRE(Migrator(db).migrate() == Migrator::latestKnown() - 6);
    CHECK(test::scalarInt(db, "SELECT COUNT(*) FROM notifications WHERE kind = 'meter_tamper'") == 2);
    CHECK(test::scalarText(db, "SELECT refs FROM notifications WHERE notification_id = 'ntf-old1'") ==
          R"([{"type":"meter","id":"m1","label":"01234567"}])");
    CHECK(test::scalarText(db, "SELECT refs FROM notifications WHERE notification_id = 'ntf-old2'") == "[]");
    CHECK(test::scalarInt(db, "SELECT COUNT(*) FROM notification_recipients") == 4); // two records × two staff
    CHECK(test::scalarInt(db, "SELECT COUNT(*) FROM notification_recipients WHERE user_id = 'con'") == 0);
    CHECK(test::scalarInt(db, "SELECT COUNT(*) FROM notification_recipients WHERE read_at IS NOT NULL") == 2);
    CHECK(test::scalarInt(db, "SELECT COUNT(*) FROM notification_deliveries WHERE channel = 'in_app' AND state = 'sent'") == 4);
    // The same event seen again is not raised twice: the old ref is the new dedupe key.
    Notice again;
    again.kind = "meter_tamper";
    again.audience.operators = true;
    again.dedupeKey = "m1|1700000000|cover_open";
    db.transaction([&](soci::session& s) { CHECK(NotificationCentre::raise(s, *tenants.find(kTenant), again, now()).empty()); });
}

TEST_CASE("notify: a tamper event tells the operators who, where, which meter and when — never an id", "[notify]") {
    Fixture f;
    addPerson(f.db, {"op", "op@notify.example", "", "operator"});
    addPerson(f.db, {"con", "con@notify.example", ""});
    exec(f.db, "INSERT INTO contracts (tenant_id, contract_id, number, consumer_name) VALUES ('oes360', 'c1', 'Д-7', 'ООО «Ромашка»')");
    exec(f.db, "INSERT INTO metering_points (tenant_id, point_id, contract_id, name, number, address) VALUES "
               "('oes360', 'pt-internal', 'c1', 'Цех № 2', '7', 'г. Оренбург, ул. Ленина, д. 5')");
    exec(f.db, "INSERT INTO meters (tenant_id, meter_id, point_id, model, serial) VALUES ('oes360', 'mt-internal', 'pt-internal', 'mercury', '09876543')");
    MeterDataBatch b;
    b.events.push_back({"mt-internal", 1764756000, "cover_open", "tamper", "alarm", "Вскрытие крышки корпуса", std::nullopt, true});
    b.events.push_back({"mt-internal", 1764756060, "power_off", "power", "warning", "Отключение питания", std::nullopt, false});
    MeterDataSink(f.db, &f.tenants).write(kTenant, b);
    MeterDataSink(f.db, &f.tenants).write(kTenant, b); // the same journal read again
    REQUIRE(f.scalar("SELECT COUNT(*) FROM notifications WHERE kind = 'meter_tamper'") == 1);
    const std::string title = f.text("SELECT title FROM notifications"), body = f.text("SELECT body FROM notifications");
    CHECK(title == "Вмешательство в работу прибора учёта № 09876543");
    // The event's time in the tenant's zone.
    const int offset = f.tenant().utcOffset();
    char local[32];
    const std::time_t at = 1764756000 + offset;
    std::tm tm{};
    gmtime_r(&at, &tm);
    std::strftime(local, sizeof local, "%d.%m.%Y %H:%M", &tm);
    CHECK(body == "Вскрытие крышки корпуса: прибор учёта № 09876543, потребитель ООО «Ромашка», адрес: г. Оренбург, ул. Ленина, д. 5, время: " +
                      std::string(local) + ".");
    for (const auto& text : {title, body}) {
        CHECK(text.find("mt-internal") == std::string::npos);
        CHECK(text.find("pt-internal") == std::string::npos);
    }
    CHECK(recipients(f, f.text("SELECT notification_id FROM notifications")) == std::set<std::string>{"op"});
    const std::string refs = f.text("SELECT refs FROM notifications");
    auto parsed = Poco::JSON::Parser().parse(refs).extract<Poco::JSON::Array::Ptr>();
    REQUIRE(parsed->size() == 2);
    CHECK(parsed->getObject(0)->getValue<std::string>("type") == "meter");
    CHECK(parsed->getObject(0)->getValue<std::string>("id") == "mt-internal");
    CHECK(parsed->getObject(0)->getValue<std::string>("label") == "Прибор учёта № 09876543");
    CHECK(parsed->getObject(1)->getValue<std::string>("type") == "point");
    CHECK(parsed->getObject(1)->getValue<std::string>("label") == "Цех № 2");
    CHECK(f.scalar("SELECT COUNT(*) FROM notification_recipients WHERE acknowledged_at IS NULL") == 1);
}
