// The ОЭС 360 supplier (issue 14): «Добавить договор» by the supplier's login and password through the
// supplier-http connector, balances with charges and payments, supplier notifications, readings sent to the
// supplier inside its window, appeals forwarded and answered — against tests/simulators/supplier_server.py.
#include <catch2/catch.hpp>

#include "KabinetdProcess.h"
#include "SupplierSim.h"
#include "TenantClient.h"
#include "JsonText.h"
#include "TestContext.h"
#include "storage/Database.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <thread>

using namespace kabinet;
using test::HttpResult;
using test::KabinetdProcess;

namespace {

const char* kPassword = "Supplier-Test-9";

using test::obj;

/// Waits (at most `seconds`) until `ready` holds.
bool waitFor(const std::function<bool()>& ready, int seconds = 20) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (std::chrono::steady_clock::now() < until) {
        if (ready()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(150));
    }
    return ready();
}

/// A server with the supplier's connector, a consumer of ОЭС 360 and an operator.
struct World {
    test::SupplierSim sim;
    test::FreshDatabase db;
    KabinetdProcess server;
    Database direct;
    test::TenantClient consumer, op;
    std::string userId;

    World()
        : server(db.url(), {"--connectors", sim.connectorsOption()}), direct(db.url(), 2), consumer(server, "oes360"), op(server, "oes360") {
        auto r = consumer.call("POST", "registration", R"({"kind":"consumer","fields":{"email":"abonent@oes360.example","full_name":"Иванов Василий Васильевич",)"
                                                       R"("phone":"+79031112233","password":")" + std::string(kPassword) +
                                                           R"(","password_confirm":")" + kPassword + R"("}})");
        REQUIRE(r.status == 201);
        direct.transaction([](soci::session& s) { s << "UPDATE users SET state = 'active', email_verified = 1 WHERE tenant_id = 'oes360'"; });
        REQUIRE(consumer.login("abonent@oes360.example", kPassword).status == 200);
        direct.read([&](soci::session& s) { s << "SELECT user_id FROM users WHERE tenant_id = 'oes360' AND email = 'abonent@oes360.example'", soci::into(userId); });
        const std::string email = "operator@oes360.example";
        std::string out;
        REQUIRE(test::runProgram({test::binaryDir() + "/core/kabinet", "users", "create-admin", "--tenant", "oes360", "--email", email, "--database",
                                  db.url(), "--tenants", test::sourceDir() + "/tenants", "--scripts", test::sourceDir() + "/scripts"},
                                 out, {{"KABINET_ADMIN_PASSWORD", "Admin-Password-9"}}) == 0);
        REQUIRE(op.login(email, "Admin-Password-9").status == 200);
    }

    HttpResult link(const std::string& login, const std::string& password, const std::string& title = "Дача") {
        return consumer.call("POST", "access/supplier", R"({"supplier":"oes360","title":")" + title + R"(","login":")" + login +
                                                            R"(","password":")" + password + R"("})");
    }

    /// The connector's jobs as the operator page shows them.
    Poco::JSON::Array::Ptr jobs() {
        auto r = op.call("GET", "operator/connectors");
        REQUIRE(r.status == 200);
        auto items = obj(r.body)->getArray("items");
        for (std::size_t i = 0; i < items->size(); ++i)
            if (items->getObject(i)->getValue<std::string>("id") == "supplier") return items->getObject(i)->getArray("jobs");
        FAIL("no supplier connector on the operator page");
        return nullptr;
    }

    Poco::JSON::Object::Ptr job(const std::string& task) {
        auto js = jobs();
        for (std::size_t i = 0; i < js->size(); ++i)
            if (js->getObject(i)->getValue<std::string>("task") == task) return js->getObject(i);
        return nullptr;
    }

    /// Makes every job of the connector due now and waits until `task` ran once more (a new row of its log).
    Poco::JSON::Object::Ptr syncNow(const std::string& task) {
        const std::string runs = "SELECT COUNT(*) FROM connector_log WHERE tenant_id = 'oes360' AND connector_id = 'supplier' AND task = '" + task + "'";
        const long long before = count(runs);
        REQUIRE(op.call("POST", "operator/connectors/supplier/sync").status == 202);
        REQUIRE(waitFor([&] {
            auto j = job(task);
            return count(runs) > before && j && !j->getValue<bool>("running");
        }));
        return job(task);
    }

    long long count(const std::string& sql) {
        long long n = 0;
        direct.read([&](soci::session& s) { s << sql, soci::into(n); });
        return n;
    }

    /// Every charge and payment stored for a contract: "kind/id/day/kopecks".
    std::set<std::string> stored(const std::string& number) {
        std::set<std::string> out;
        direct.read([&](soci::session& s) {
            soci::rowset<soci::row> rows = (s.prepare << "SELECT e.kind, e.external_id, e.day, e.amount_kop FROM supplier_entries e "
                                                         "JOIN supplier_contracts c ON c.tenant_id = e.tenant_id AND c.contract_id = e.contract_id "
                                                         "WHERE e.tenant_id = 'oes360' AND c.contract_number = :n",
                                            soci::use(number));
            for (const auto& r : rows)
                out.insert(r.get<std::string>(0) + "/" + r.get<std::string>(1) + "/" + r.get<std::string>(2) + "/" +
                           std::to_string(r.get<long long>(3)));
        });
        return out;
    }

    /// What the simulator holds for a contract, in the same form.
    std::set<std::string> truth(const std::string& number) {
        std::set<std::string> out;
        auto c = sim.truth()->getObject("contracts")->getObject(number);
        for (const auto& [list, kind] : {std::pair<std::string, std::string>{"accruals", "charge"}, {"payments", "payment"}}) {
            auto a = c->getArray(list);
            for (std::size_t i = 0; i < a->size(); ++i) {
                auto e = a->getObject(i);
                out.insert(kind + "/" + e->getValue<std::string>("id") + "/" + e->getValue<std::string>("date") + "/" +
                           std::to_string(std::llround(e->getValue<double>("amount") * 100)));
            }
        }
        return out;
    }

    /// The whole database as text (to look for what must never be stored).
    std::string dump() {
        std::string all;
        if (test::backend() == "sqlite") {
            const std::string file = db.url().substr(std::string("sqlite://").size());
            for (const auto& f : {file, file + "-wal"}) {
                std::ifstream in(f, std::ios::binary);
                all += std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            }
            return all;
        }
        std::vector<std::string> tables;
        direct.read([&](soci::session& s) {
            soci::rowset<std::string> rows = (s.prepare << "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                                                           "AND table_type = 'BASE TABLE'");
            for (const auto& t : rows) tables.push_back(t);
        });
        direct.read([&](soci::session& s) {
            for (const auto& t : tables) {
                std::string text;
                soci::indicator ind = soci::i_null;
                s << "SELECT string_agg(x::text, '|') FROM " + t + " x", soci::into(text, ind);
                if (ind == soci::i_ok) all += text;
            }
        });
        return all;
    }
};

/// Whether a job's last run ended without an error (last_error null or empty).
bool noError(const Poco::JSON::Object::Ptr& job) {
    return job->isNull("last_error") || job->getValue<std::string>("last_error").empty();
}

std::string today(long long offset = 3 * 3600) {
    const std::time_t t = std::time(nullptr) + offset;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

} // namespace

TEST_CASE("Supplier: a contract is linked by the supplier's credentials; the password is never stored, the token is sealed", "[supplier]") {
    World w;
    // Fields and the supplier are checked first.
    CHECK(w.consumer.call("POST", "access/supplier", R"({"supplier":"nobody","title":"x","login":"a","password":"b"})").status == 422);
    auto r = w.consumer.call("POST", "access/supplier", R"({"supplier":"oes360","title":"","login":"","password":""})");
    CHECK(r.status == 422);
    CHECK(obj(r.body)->getObject("fields")->getValue<std::string>("login") == "Укажите логин, полученный от поставщика");
    // Wrong credentials: 422 in Russian on the password.
    r = w.link("petrova", "wrong-password");
    CHECK(r.status == 422);
    CHECK(obj(r.body)->getObject("fields")->getValue<std::string>("password") == "Неверный логин или пароль поставщика");
    // The supplier is down: 503 in Russian, nothing stored.
    w.sim.control(R"({"down":true})");
    r = w.link("petrova", "Oes360-demo2");
    CHECK(r.status == 503);
    CHECK(obj(r.body)->getValue<std::string>("message") == "Поставщик «ОЭС 360» сейчас недоступен; попробуйте позже");
    CHECK(w.count("SELECT COUNT(*) FROM connector_accounts WHERE tenant_id = 'oes360'") == 0);
    w.sim.control(R"({"down":false})");
    // The right ones: both contracts of the account, with their points and meters, granted under the title.
    r = w.link("petrova", "Oes360-demo2", "Квартира");
    INFO(r.body);
    REQUIRE(r.status == 201);
    CHECK(obj(r.body)->getArray("contracts")->size() == 2);
    auto contracts = obj(w.consumer.call("GET", "access").body)->getArray("contracts");
    REQUIRE(contracts->size() == 2);
    CHECK(contracts->getObject(0)->getValue<std::string>("title") == "Квартира");
    CHECK(contracts->getObject(0)->getValue<std::string>("supplier_name") == "ОЭС 360");
    CHECK(w.count("SELECT COUNT(*) FROM supplier_meters WHERE tenant_id = 'oes360'") == 2);
    // The consumer's account: the token sealed (a SecretBox text, not JSON), the password nowhere.
    std::string secret;
    w.direct.read([&](soci::session& s) {
        s << "SELECT secret FROM connector_accounts WHERE tenant_id = 'oes360' AND connector_id = 'supplier' AND kind = 'consumer'", soci::into(secret);
    });
    CHECK(secret.rfind("v1.", 0) == 0);
    CHECK(secret.find("token") == std::string::npos);
    CHECK(w.dump().find("Oes360-demo2") == std::string::npos);
    CHECK(w.server.logs().find("Oes360-demo2") == std::string::npos);
    CHECK(w.server.logs().find("wrong-password") == std::string::npos);
    // The account's tasks were scheduled.
    CHECK(w.count("SELECT COUNT(*) FROM connector_jobs WHERE tenant_id = 'oes360' AND connector_id = 'supplier'") == 3);
    // Without a connector for the supplier (no server settings), the consumer is told so and nothing is stored.
    test::FreshDatabase db2;
    KabinetdProcess bare(db2.url());
    test::TenantClient b{bare, "oes360"};
    REQUIRE(b.call("POST", "registration", R"({"kind":"consumer","fields":{"email":"supplier@example.ru","full_name":"Иванов Иван",)"
                                           R"("phone":"+79031112233","password":"longpass1","password_confirm":"longpass1"}})").status == 201);
    Database direct2(db2.url(), 1);
    direct2.transaction([](soci::session& s) { s << "UPDATE users SET state = 'active', email_verified = 1"; });
    REQUIRE(b.login("supplier@example.ru", "longpass1").status == 200);
    r = b.call("POST", "access/supplier", R"({"supplier":"oes360","title":"Квартира","login":"petrova","password":"Oes360-demo2"})");
    CHECK(r.status == 503);
    CHECK(obj(r.body)->getValue<std::string>("error") == "supplier_unavailable");
    int n = -1;
    direct2.read([&](soci::session& s) { s << "SELECT COUNT(*) FROM contracts", soci::into(n); });
    CHECK(n == 0);
}

TEST_CASE("Supplier: balances, charges and payments equal what the supplier holds; faults end in visible errors, never wrong values",
          "[supplier]") {
    World w;
    REQUIRE(w.link("ivanov", "Oes360-demo").status == 201);
    const std::string number = "77120458-301";
    auto job = w.syncNow("balances");
    CHECK(noError(job));
    const auto truth = w.truth(number);
    REQUIRE(truth.size() >= 12);
    CHECK(w.stored(number) == truth);
    auto balances = obj(w.consumer.call("GET", "supplier/balances").body)->getArray("items");
    REQUIRE(balances->size() == 1);
    auto b = balances->getObject(0);
    CHECK(b->getValue<std::string>("number") == number);
    CHECK(std::llround(b->getValue<double>("balance") * 100) ==
          std::llround(w.sim.truth()->getObject("contracts")->getObject(number)->getValue<double>("balance") * 100));
    CHECK(b->getArray("charges")->size() > 0);
    // The supplier's notification reached the consumer once.
    w.syncNow("notifications");
    auto countNotices = [&] {
        auto rows = obj(w.consumer.call("GET", "notifications?limit=50").body)->getArray("rows");
        int n = 0;
        for (std::size_t i = 0; i < rows->size(); ++i)
            if (rows->getObject(i)->getValue<std::string>("title") == "Уведомление о плановых работах") ++n;
        return n;
    };
    CHECK(countNotices() == 1);
    // A second sync stores nothing new.
    const long long entries = w.count("SELECT COUNT(*) FROM supplier_entries");
    w.syncNow("balances");
    w.syncNow("notifications");
    CHECK(w.count("SELECT COUNT(*) FROM supplier_entries") == entries);
    CHECK(countNotices() == 1);
    // Each fault: a logged, visible error of the job, and what is stored stays equal to the supplier's.
    for (const std::string fault : {"500", "429", "truncated", "slow"}) {
        INFO(fault);
        w.sim.control(R"({"fault":")" + fault + R"(","times":)" + (fault == "slow" ? "2" : "6") + R"(,"delay_ms":1500})");
        job = w.syncNow("balances");
        CHECK(!noError(job));
        CHECK(job->getValue<int>("attempts") >= 1);
        CHECK(w.stored(number) == truth);
        w.sim.control(R"({"clear":true})");
    }
    auto log = obj(w.op.call("GET", "operator/connectors/supplier/log?limit=50").body)->getArray("items");
    int errors = 0;
    for (std::size_t i = 0; i < log->size(); ++i) errors += log->getObject(i)->getValue<std::string>("outcome") == "error" ? 1 : 0;
    CHECK(errors >= 4);
    // Retried: the next run succeeds again.
    job = w.syncNow("balances");
    CHECK(noError(job));
    // A token the supplier no longer accepts stops the account with an authentication error until it is linked again.
    w.sim.control(R"({"fault":"401_once","times":1})");
    job = w.syncNow("balances");
    CHECK(job->getValue<std::string>("last_error_kind") == "auth");
    CHECK(w.stored(number) == truth);
    REQUIRE(w.link("ivanov", "Oes360-demo").status == 201);
    job = w.syncNow("balances");
    CHECK(noError(job));
    CHECK(w.stored(number) == w.truth(number));
}

TEST_CASE("Supplier: a reading of a non-smart meter reaches the supplier inside its window, waits while it is down, is refused outside",
          "[supplier]") {
    World w;
    REQUIRE(w.link("ivanov", "Oes360-demo").status == 201);
    auto points = obj(w.consumer.call("GET", "points").body);
    auto items = points->has("items") ? points->getArray("items") : points->getArray("points");
    REQUIRE(items);
    REQUIRE(items->size() == 1);
    const std::string point = items->getObject(0)->getValue<std::string>("id");
    auto r = w.consumer.call("POST", "points/" + point + "/manual-readings", R"({"t1":5052,"t2":2500})");
    INFO(r.body);
    REQUIRE(r.status == 201);
    CHECK(obj(r.body)->getObject("supplier")->getValue<std::string>("state") == "sent");
    auto readings = w.sim.truth()->getArray("readings");
    REQUIRE(readings->size() == 1);
    CHECK(readings->getObject(0)->getObject("values")->getValue<int>("T1") == 5052);
    CHECK(readings->getObject(0)->getObject("values")->getValue<int>("T2") == 2500);
    CHECK(readings->getObject(0)->getValue<std::string>("serial") == "41230017");
    // The supplier is down: the reading is kept and sent later; its state says so meanwhile.
    w.sim.control(R"({"down":true})");
    r = w.consumer.call("POST", "points/" + point + "/manual-readings", R"({"t1":5060,"t2":2510})");
    REQUIRE(r.status == 201);
    CHECK(obj(r.body)->getObject("supplier")->getValue<std::string>("state") == "pending");
    const std::string pendingId = obj(r.body)->getValue<std::string>("id");
    w.sim.control(R"({"down":false})");
    CHECK(waitFor([&] { return w.sim.truth()->getArray("readings")->size() == 2; }));
    auto rows = obj(w.consumer.call("GET", "points/" + point + "/manual-readings").body)->getArray("rows");
    bool sent = false;
    for (std::size_t i = 0; i < rows->size(); ++i)
        if (rows->getObject(i)->getValue<std::string>("id") == pendingId)
            sent = rows->getObject(i)->getObject("supplier")->getValue<std::string>("state") == "sent";
    CHECK(sent);
    // Outside the supplier's window (as the last sync reported it): refused in Russian, nothing sent.
    const int day = std::stoi(today().substr(8, 2));
    const int from = day <= 15 ? 20 : 1, to = day <= 15 ? 28 : 10;
    w.sim.control(R"({"window":{"from_day":)" + std::to_string(from) + R"(,"to_day":)" + std::to_string(to) + "}}");
    w.syncNow("balances");
    r = w.consumer.call("POST", "points/" + point + "/manual-readings", R"({"t1":5070,"t2":2520})");
    CHECK(r.status == 422);
    CHECK(obj(r.body)->getObject("fields")->getValue<std::string>("date") ==
          "Поставщик принимает показания с " + std::to_string(from) + " по " + std::to_string(to) + " число месяца");
    CHECK(w.sim.truth()->getArray("readings")->size() == 2);
}

TEST_CASE("Supplier: an appeal is forwarded to the supplier and its answer comes back into the case with the consumer's notice",
          "[supplier]") {
    World w;
    REQUIRE(w.link("ivanov", "Oes360-demo").status == 201);
    auto r = w.consumer.call("POST", "cases", R"({"kind":"support","fields":{"email":"abonent@oes360.example","phone":"+79031112233",)"
                                              R"("subject":"meter_replacement","text":"Прошу заменить прибор учёта."}})");
    INFO(r.body);
    REQUIRE(r.status == 201);
    const std::string caseId = obj(r.body)->getValue<std::string>("id");
    Poco::JSON::Object::Ptr state;
    REQUIRE(waitFor([&] {
        auto a = w.consumer.call("GET", "cases/" + caseId + "/supplier");
        if (a.status != 200) return false;
        state = obj(a.body);
        return state->getValue<std::string>("state") == "forwarded";
    }));
    const std::string external = state->getValue<std::string>("external_id");
    auto appeals = w.sim.truth()->getArray("appeals");
    REQUIRE(appeals->size() == 1);
    CHECK(appeals->getObject(0)->getValue<std::string>("id") == external);
    CHECK(appeals->getObject(0)->getValue<std::string>("reference") == caseId);
    CHECK(appeals->getObject(0)->getValue<std::string>("text") == "Прошу заменить прибор учёта.");
    CHECK(appeals->getObject(0)->getValue<std::string>("contract") == "77120458-301");
    // The supplier answers; the next sync of the account's cases brings the answer into the case.
    w.sim.control(R"({"appeal":{"id":")" + external + R"(","status":"closed","answer":"Прибор учёта заменён 12.12."}})");
    w.syncNow("cases");
    auto view = obj(w.consumer.call("GET", "cases/" + caseId).body);
    CHECK(view->getObject("state")->getValue<std::string>("id") == "answered");
    std::ostringstream text;
    view->stringify(text);
    CHECK(text.str().find("Прибор учёта заменён 12.12.") != std::string::npos);
    auto rows = obj(w.consumer.call("GET", "notifications?limit=50").body)->getArray("rows");
    bool told = false;
    for (std::size_t i = 0; i < rows->size(); ++i) told = told || rows->getObject(i)->getValue<std::string>("kind") == "case_changed";
    CHECK(told);
    // A second sync changes nothing.
    const long long history = w.count("SELECT COUNT(*) FROM case_history WHERE tenant_id = 'oes360'");
    w.syncNow("cases");
    CHECK(w.count("SELECT COUNT(*) FROM case_history WHERE tenant_id = 'oes360'") == history);
}
