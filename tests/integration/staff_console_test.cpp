// The tenant administrator's console against kabinetd as a process, on the backend of this run: staff
// created, disabled (no login, sessions end at once) and enabled again, a second factor reset, each refusal
// a clear Russian 4xx; and the one audit log the core writes — logins (success, failure, refused), grants
// of access, guesses, staff actions — read by kind and page by the tenant administrator only.
#include <catch2/catch.hpp>

#include "KabinetdProcess.h"
#include "Simulators.h"
#include "TenantClient.h"
#include "JsonText.h"
#include "TestContext.h"
#include "identity/Totp.h"
#include "meters/MeterRegistry.h"
#include "storage/Database.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <ctime>

using namespace kabinet;
using test::HttpResult;
using test::KabinetdProcess;

namespace {

using test::obj;

struct World {
    test::FreshDatabase db;
    test::SmtpServer smtp;
    KabinetdProcess server;
    Database direct;
    World() : server(db.url(), {"--smtp", smtp.url(), "--public-url", "http://kabinet.test"}), direct(db.url(), 2) {
        MeterRegistry(direct).upsertAccount("voek", {"", "3300555001", "", "Иванов И. И.", "г. Владимир, ул. Мира, д. 5, кв. 7"});
        direct.transaction([&](soci::session& s) {
            s << "INSERT INTO users (tenant_id, user_id, kind, role, state, login_field, login, email, email_verified, phone_verified, "
                 "password_hash, fields_json, notifications_json, created_at, updated_at) VALUES ('voek', 'console-consumer', 'individual', "
                 "'consumer', 'active', 'snils', '15101883224', 'consumer@example.ru', 1, 0, 'x', '{}', '{}', 0, 0)";
        });
    }
};

World& world() {
    static World w;
    return w;
}

std::string unique(const std::string& prefix) {
    static int n = 0;
    return prefix + std::to_string(::time(nullptr) % 100000) + "x" + std::to_string(++n);
}

/// A tenant admin made by the CLI, logged in (cookie and CSRF kept). Returns the client; `email` gets the login.
test::TenantClient admin(World& w, const std::string& tenant, std::string& email) {
    email = unique("console-admin-") + "@" + tenant + ".example";
    std::string out;
    REQUIRE(test::runProgram({test::binaryDir() + "/core/kabinet", "users", "create-admin", "--tenant", tenant, "--email", email,
                              "--full-name", "Админов Андрей Петрович", "--database", w.db.url(), "--tenants",
                              test::sourceDir() + "/tenants", "--scripts", test::sourceDir() + "/scripts"},
                             out, {{"KABINET_ADMIN_PASSWORD", "Admin-Password-9"}}) == 0);
    test::TenantClient c{w.server, tenant};
    REQUIRE(c.login(email, "Admin-Password-9").status == 200);
    return c;
}

/// The staff member `id` of GET operators.
Poco::JSON::Object::Ptr member(test::TenantClient& a, const std::string& id) {
    auto r = a.call("GET", "operators");
    REQUIRE(r.status == 200);
    auto list = obj(r.body)->getArray("operators");
    for (std::size_t i = 0; i < list->size(); ++i)
        if (list->getObject(static_cast<unsigned>(i))->getValue<std::string>("id") == id) return list->getObject(static_cast<unsigned>(i));
    FAIL("staff member " << id << " not listed");
    return nullptr;
}

/// Creates an operator through the API; returns its id.
std::string createOperator(test::TenantClient& a, const std::string& email, const std::string& role = "operator") {
    auto r = a.call("POST", "operators", R"({"email":")" + email + R"(","full_name":"Операторова Ольга","password":"Operator-Pass-1","role":")" +
                                             role + R"("})");
    INFO(r.body);
    REQUIRE(r.status == 201);
    return obj(r.body)->getValue<std::string>("id");
}

std::string field(const HttpResult& r, const std::string& name) {
    auto f = obj(r.body)->getObject("fields");
    return f && f->has(name) ? f->getValue<std::string>(name) : std::string();
}

} // namespace

TEST_CASE("a tenant admin creates, disables and enables staff; a disabled member cannot log in and their sessions end", "[staff]") {
    auto& w = world();
    std::string adminEmail;
    auto a = admin(w, "voek", adminEmail);
    const std::string email = unique("operator-") + "@voek.example";
    const std::string id = createOperator(a, email);
    auto m = member(a, id);
    CHECK(m->getValue<std::string>("role") == "operator");
    CHECK(m->getValue<std::string>("state") == "active");
    CHECK(m->isNull("second_factor"));
    CHECK(m->getValue<std::string>("full_name") == "Операторова Ольга");
    CHECK(std::abs(m->getValue<long long>("created_at") - static_cast<long long>(std::time(nullptr))) < 120);

    // Bad input is refused beside each field, in Russian; a taken e-mail is a conflict.
    auto bad = a.call("POST", "operators", R"({"email":"not-an-address","full_name":"","password":"short","role":"boss"})");
    CHECK(bad.status == 422);
    CHECK(field(bad, "email") == "Неверный адрес электронной почты");
    CHECK(field(bad, "full_name") == "Укажите ФИО");
    CHECK(field(bad, "password") == "Пароль сотрудника — не короче 10 символов");
    CHECK(field(bad, "role") == "Выберите роль: оператор или администратор");
    auto taken = a.call("POST", "operators", R"({"email":")" + email + R"(","full_name":"Другой","password":"Operator-Pass-1"})");
    CHECK(taken.status == 409);
    CHECK(field(taken, "email") == "Пользователь с таким E-mail уже существует");

    // The operator works; the staff routes are the admin's only.
    test::TenantClient op{w.server, "voek"};
    REQUIRE(op.login(email, "Operator-Pass-1").status == 200);
    CHECK(op.call("GET", "me").status == 200);
    CHECK(op.call("GET", "operators").status == 403);
    CHECK(op.call("POST", "operators/" + id + "/disable").status == 403);

    // Disabled: the session ends at once and the password no longer opens one.
    auto off = a.call("POST", "operators/" + id + "/disable");
    INFO(off.body);
    REQUIRE(off.status == 200);
    CHECK(obj(off.body)->getObject("operator")->getValue<std::string>("state") == "disabled");
    CHECK(op.call("GET", "me").status == 401);
    test::TenantClient again{w.server, "voek"};
    auto refused = again.login(email, "Operator-Pass-1");
    CHECK(refused.status == 403);
    CHECK(obj(refused.body)->getValue<std::string>("error") == "account_disabled");
    CHECK(member(a, id)->getValue<std::string>("state") == "disabled");
    CHECK(a.call("POST", "operators/" + id + "/disable").status == 200); // twice changes nothing

    // Enabled again: in with the same password.
    auto on = a.call("POST", "operators/" + id + "/enable");
    REQUIRE(on.status == 200);
    CHECK(obj(on.body)->getObject("operator")->getValue<std::string>("state") == "active");
    CHECK(again.login(email, "Operator-Pass-1").status == 200);

    // Not one's own account, not someone unknown, not a consumer, not another tenant's staff.
    const std::string self = obj(a.call("GET", "me").body)->getObject("user")->getValue<std::string>("id");
    auto own = a.call("POST", "operators/" + self + "/disable");
    CHECK(own.status == 409);
    CHECK(obj(own.body)->getValue<std::string>("message") == "Нельзя отключить собственную учётную запись");
    auto unknown = a.call("POST", "operators/nobody-at-all/disable");
    CHECK(unknown.status == 404);
    CHECK(obj(unknown.body)->getValue<std::string>("message") == "Сотрудник не найден");
    CHECK(a.call("POST", "operators/console-consumer/disable").status == 404);
    std::string vgesEmail;
    auto other = admin(w, "vges", vgesEmail);
    CHECK(other.call("POST", "operators/" + id + "/disable").status == 404);

    // An admin made by an admin is an admin.
    const std::string second = createOperator(a, unique("admin2-") + "@voek.example", "tenant-admin");
    CHECK(member(a, second)->getValue<std::string>("role") == "tenant-admin");
}

TEST_CASE("a tenant admin resets a staff member's second factor; the member logs in without it", "[staff]") {
    auto& w = world();
    std::string adminEmail;
    auto a = admin(w, "voek", adminEmail);
    const std::string email = unique("totp-operator-") + "@voek.example";
    const std::string id = createOperator(a, email);
    test::TenantClient op{w.server, "voek"};
    REQUIRE(op.login(email, "Operator-Pass-1").status == 200);
    auto setup = op.call("POST", "me/second-factor", R"({"method":"totp"})");
    REQUIRE(setup.status == 200);
    const std::string key = *totp::base32Decode(obj(setup.body)->getValue<std::string>("secret"));
    REQUIRE(op.call("POST", "me/second-factor/confirm", R"({"code":")" + totp::code(key, std::time(nullptr)) + R"("})").status == 200);
    CHECK(member(a, id)->getValue<std::string>("second_factor") == "totp");
    test::TenantClient challenged{w.server, "voek"};
    auto first = challenged.login(email, "Operator-Pass-1");
    REQUIRE(first.status == 200);
    CHECK(obj(first.body)->getValue<std::string>("second_factor") == "totp");

    // The phone is lost: the admin resets the factor; the member's sessions end and the password alone opens one.
    auto reset = a.call("DELETE", "operators/" + id + "/second-factor");
    INFO(reset.body);
    REQUIRE(reset.status == 200);
    CHECK(obj(reset.body)->getObject("operator")->isNull("second_factor"));
    CHECK(op.call("GET", "me").status == 401);
    test::TenantClient after{w.server, "voek"};
    auto in = after.login(email, "Operator-Pass-1");
    REQUIRE(in.status == 200);
    CHECK_FALSE(obj(in.body)->has("second_factor"));
    CHECK(obj(in.body)->getObject("user")->getValue<std::string>("role") == "operator");

    // Nothing to reset, one's own factor, someone unknown: clear refusals.
    auto none = a.call("DELETE", "operators/" + id + "/second-factor");
    CHECK(none.status == 409);
    CHECK(obj(none.body)->getValue<std::string>("message") == "У сотрудника не включено подтверждение входа");
    const std::string self = obj(a.call("GET", "me").body)->getObject("user")->getValue<std::string>("id");
    CHECK(a.call("DELETE", "operators/" + self + "/second-factor").status == 409);
    CHECK(a.call("DELETE", "operators/nobody/second-factor").status == 404);
}

TEST_CASE("one audit log: logins, grants, guesses and staff actions, by kind and page, for the tenant admin only", "[audit]") {
    auto& w = world();
    std::string adminEmail;
    auto a = admin(w, "voek", adminEmail);
    const std::string email = unique("audit-operator-") + "@voek.example";
    const std::string id = createOperator(a, email);
    test::TenantClient op{w.server, "voek"};
    const std::string wrongLogin = unique("nobody-") + "@voek.example";
    CHECK(op.login(wrongLogin, "Whatever-Pass-1").status == 401);   // names nobody
    CHECK(op.login(email, "Wrong-Password-1").status == 401);       // a wrong password
    REQUIRE(op.login(email, "Operator-Pass-1").status == 200);      // in
    REQUIRE(op.call("POST", "operator/grants", R"({"user_id":"console-consumer","scope":"account","ref":"3300555001"})").status == 201);
    REQUIRE(op.call("DELETE", "operator/grants", R"({"user_id":"console-consumer","scope":"account","ref":"3300555001"})").status == 204);
    REQUIRE(a.call("POST", "operators/" + id + "/disable").status == 200);
    CHECK(test::TenantClient{w.server, "voek"}.login(email, "Operator-Pass-1").status == 403); // disabled
    REQUIRE(a.call("POST", "operators/" + id + "/enable").status == 200);
    CHECK(op.call("GET", "me").status == 401); // the disable ended the operator's session

    // Newest first, every kind: the enable, the refused login of the disabled account, the disable, the revoke…
    auto all = a.call("GET", "admin/audit?per_page=100");
    INFO(all.body);
    REQUIRE(all.status == 200);
    CHECK(all.headers["Cache-Control"] == "no-store");
    auto entries = obj(all.body)->getArray("entries");
    auto at = [&](unsigned i) { return entries->getObject(i); };
    REQUIRE(entries->size() >= 8);
    CHECK(at(0)->getValue<std::string>("kind") == "staff");
    CHECK(at(0)->getValue<std::string>("action") == "enable");
    CHECK(at(0)->getObject("actor")->getValue<std::string>("login") == adminEmail);
    CHECK(at(0)->getObject("target")->getValue<std::string>("login") == email);
    CHECK(at(1)->getValue<std::string>("kind") == "login");
    CHECK(at(1)->getValue<std::string>("outcome") == "disabled");
    CHECK(at(1)->getObject("actor")->getValue<std::string>("login") == email);
    CHECK(at(2)->getValue<std::string>("action") == "disable");
    CHECK(at(3)->getValue<std::string>("kind") == "grant");
    CHECK(at(3)->getValue<std::string>("action") == "revoke");
    CHECK(at(3)->getObject("target")->getValue<std::string>("login") == "15101883224");
    CHECK(at(3)->getObject("details")->getValue<std::string>("number") == "3300555001");
    CHECK(at(3)->getObject("details")->getValue<std::string>("scope") == "account");
    CHECK(at(4)->getValue<std::string>("action") == "grant");
    CHECK(at(4)->getObject("actor")->getValue<std::string>("role") == "operator");
    CHECK(at(5)->getValue<std::string>("kind") == "login");
    CHECK(at(5)->getValue<std::string>("outcome") == "success");
    CHECK(at(5)->getValue<std::string>("client_address") == "127.0.0.1");
    CHECK(at(6)->getValue<std::string>("outcome") == "failure");
    CHECK(at(6)->getObject("actor")->getValue<std::string>("login") == email);
    CHECK(at(7)->getValue<std::string>("outcome") == "failure");
    CHECK(at(7)->isNull("actor"));
    CHECK(at(7)->getValue<std::string>("tried") == "…" + wrongLogin.substr(wrongLogin.size() - 2)); // masked, never whole
    CHECK(all.body.find(wrongLogin) == std::string::npos);
    CHECK(all.body.find(id) == std::string::npos); // never an internal id

    // One kind, a page at a time.
    auto grants = obj(a.call("GET", "admin/audit?kind=grant").body);
    CHECK(grants->getValue<std::string>("kind") == "grant");
    CHECK(grants->getValue<int>("total") == 2);
    auto staff = obj(a.call("GET", "admin/audit?kind=staff&per_page=1&page=2").body);
    CHECK(staff->getArray("entries")->size() == 1);
    CHECK(staff->getArray("entries")->getObject(0)->getValue<std::string>("action") == "disable");
    CHECK(staff->getValue<int>("total") >= 3); // create, disable, enable (and earlier cases' actions)
    auto logins = obj(a.call("GET", "admin/audit?kind=login&per_page=100").body)->getArray("entries");
    for (std::size_t i = 0; i < logins->size(); ++i) CHECK(logins->getObject(static_cast<unsigned>(i))->getValue<std::string>("kind") == "login");

    // A guess of a consumer lands in the same log, and the operators' page still shows the guesses only.
    w.direct.transaction([&](soci::session& s) {
        s << "INSERT INTO audit_log (tenant_id, audit_id, at_ms, kind, user_id, action, tried, client_address, outcome) VALUES "
             "('voek', 'console-guess', 1, 'guess', 'console-consumer', 'account_number', '…99', '127.0.0.9', 'miss')";
    });
    auto guesses = obj(a.call("GET", "admin/audit?kind=guess").body);
    CHECK(guesses->getValue<int>("total") == 1);
    REQUIRE(op.login(email, "Operator-Pass-1").status == 200);
    auto operatorPage = obj(op.call("GET", "operator/audit").body);
    CHECK(operatorPage->getValue<int>("total") == 1);
    CHECK(operatorPage->getArray("entries")->getObject(0)->getValue<std::string>("tried") == "…99");

    // An operator's decision on a manual reading is there too, with whose reading and why.
    w.direct.transaction([&](soci::session& s) {
        s << "INSERT INTO manual_readings (tenant_id, submission_id, meter_id, user_id, ts, t1, total, state, submitted_at) VALUES "
             "('voek', 'console-reading', 'no-such-meter', 'console-consumer', 1700000000, 10, 10, 'pending', 1700000000)";
    });
    REQUIRE(op.call("POST", "operator/manual-readings/console-reading/reject", R"({"reason":"Показание меньше предыдущего"})").status == 200);
    auto decisions = obj(a.call("GET", "admin/audit?kind=operator").body);
    REQUIRE(decisions->getValue<int>("total") == 1);
    auto decision = decisions->getArray("entries")->getObject(0);
    CHECK(decision->getValue<std::string>("action") == "reading_reject");
    CHECK(decision->getObject("actor")->getValue<std::string>("login") == email);
    CHECK(decision->getObject("target")->getValue<std::string>("login") == "15101883224");
    CHECK(decision->getObject("details")->getValue<std::string>("reason") == "Показание меньше предыдущего");
    // And a broadcast: its title, audience and how many it reached.
    auto sent = op.call("POST", "operator/broadcasts", R"({"title":"Плановые работы","body":"Текст","audience":{"all":true}})");
    INFO(sent.body);
    REQUIRE(sent.status == 201);
    auto broadcast = obj(a.call("GET", "admin/audit?kind=operator").body)->getArray("entries")->getObject(0);
    CHECK(broadcast->getValue<std::string>("action") == "broadcast_send");
    CHECK(broadcast->getObject("actor")->getValue<std::string>("login") == email);
    CHECK(broadcast->isNull("target"));
    CHECK(broadcast->getObject("details")->getValue<std::string>("title") == "Плановые работы");
    CHECK(broadcast->getObject("details")->getValue<std::string>("audience") == "all");
    CHECK(broadcast->getObject("details")->getValue<long long>("recipients") == obj(sent.body)->getValue<long long>("recipients"));

    // Bad filters are refused beside the parameter; operators and consumers do not read the whole log.
    auto badKind = a.call("GET", "admin/audit?kind=everything");
    CHECK(badKind.status == 422);
    CHECK(field(badKind, "kind") == "Допустимые виды записей: guess, login, grant, staff, operator");
    CHECK(a.call("GET", "admin/audit?per_page=500").status == 422);
    CHECK(op.call("GET", "admin/audit").status == 403);
}
