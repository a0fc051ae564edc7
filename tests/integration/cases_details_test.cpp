// The case engine's finer rules, on the fixture tenant grid6 (tests/fixtures/tenants-cases): search that folds
// case in any alphabet on both backends (the stored `search_text`), the actions a view offers filtered by the
// kind's Lua guard, a case filed straight into a final state (the offered survey) closed like any other,
// assignment recorded in the history and told to the new assignee, and notices whose text needs no declension
// of a person's name.
#include "cases_world.h"

#include <Poco/URI.h>

using namespace cases_test;

namespace {

std::string encoded(const std::string& s) {
    std::string out;
    Poco::URI::encode(s, "&=+?#%", out);
    return out;
}

/// A meter check of grid6 filed by `c` with `text` as its comment (the kind's summary) and `serial`.
std::string fileCheck(Client& c, const std::string& serial, const std::string& text) {
    auto r = c.form("cases", {{"kind", "meter_check"}, {"fields", R"({"serial":")" + serial + R"(","text":")" + text + R"("})"}},
                    {{"doc.photo", "фото.pdf", pdf("photo"), "application/pdf"}});
    INFO(r.body);
    REQUIRE(r.status == 201);
    return obj(r.body)->getValue<std::string>("id");
}

/// A tenant administrator of grid6 with a name, logged in.
Client namedOperator(World& w, const std::string& fullName) {
    Client c(w, "grid6");
    c.email = unique("op") + "@grid6.example";
    std::string out;
    REQUIRE(test::runProgram({test::binaryDir() + "/core/kabinet", "users", "create-admin", "--tenant", "grid6", "--email", c.email,
                              "--full-name", fullName, "--database", w.db.url(), "--tenants", tenantsDir(), "--scripts",
                              test::sourceDir() + "/scripts"},
                             out, {{"KABINET_ADMIN_PASSWORD", "Admin-Password-9"}}) == 0);
    auto r = c.login(c.email, "Admin-Password-9");
    INFO(r.body);
    REQUIRE(r.status == 200);
    c.findId(w);
    return c;
}

} // namespace

TEST_CASE("cases: search folds case of Cyrillic text on both backends, in the summary and in the form's values", "[cases]") {
    auto& w = world();
    Client c = consumer(w, "grid6");
    Client op = operatorOf(w, "grid6");
    const std::string serial = "Зав-" + unique("N");
    const std::string id = fileCheck(c, serial, "Счётчик в подъезде искрит");
    for (const std::string q : {"счётчик", "СЧЁТЧИК", "Счётчик в ПОДЪЕЗДЕ"}) {
        INFO(q);
        CHECK(caseIds(c.get("cases?q=" + encoded(q))) == std::vector<std::string>{id});
    }
    // A value of the form that is not the summary, found in any case by staff.
    std::string upper = serial;
    for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    CHECK(caseIds(op.get("operator/cases?q=" + encoded("ЗАВ-" + upper.substr(7)))) == std::vector<std::string>{id});
    CHECK(caseIds(c.get("cases?q=" + encoded("электросчётчик"))).empty());
    CHECK(w.text("SELECT search_text FROM cases WHERE case_id = '" + id + "'").find("счётчик в подъезде искрит") != std::string::npos);
}

TEST_CASE("cases: a view offers only the actions the kind's guard allows; a survey filed into its final state is closed", "[cases]") {
    auto& w = world();
    Client c = consumer(w, "grid6");
    Client op = operatorOf(w, "grid6");
    const std::string id = fileCheck(c, "G-1", "Проверка охранной функции");
    op.post("cases/" + id + "/actions/schedule", R"({"fields":{"visit":"12 марта, 10:00"}})", 200);
    // «Отметить поверку» starts from «Назначен визит», but the guard refuses it until the visit is confirmed.
    CHECK(actionIds(op.get("cases/" + id)).empty());
    CHECK(op.call("POST", "cases/" + id + "/actions/done", R"({"comment":"Поверено"})").status == 409);
    c.post("cases/" + id + "/actions/confirm", "{}", 200);
    CHECK(actionIds(op.get("cases/" + id)) == std::vector<std::string>{"done"});
    op.post("cases/" + id + "/actions/done", R"({"comment":"Поверено."})", 200);

    auto rated = c.post("cases", R"({"kind":"check_survey","fields":{"quality":5},"parent":")" + id + R"("})", 201);
    const std::string survey = rated->getValue<std::string>("id");
    CHECK(rated->getObject("state")->getValue<bool>("final"));
    auto view = c.get("cases/" + survey);
    REQUIRE_FALSE(view->get("closed_at").isEmpty());
    CHECK(view->getValue<long long>("closed_at") == view->getValue<long long>("filed_at"));
    CHECK(w.scalar("SELECT COUNT(*) FROM cases WHERE case_id = '" + survey + "' AND closed_at IS NOT NULL AND answered_on_time = 1") == 1);
}

TEST_CASE("cases: assignment is recorded in the history and told to the new assignee; notices need no declension", "[cases]") {
    auto& w = world();
    Client c = consumer(w, "grid6");
    Client op = namedOperator(w, "Смирнова Анна Викторовна");
    Client other = namedOperator(w, "Кузнецов Олег Петрович");
    const std::string id = fileCheck(c, "A-1", "Назначение");
    auto view = op.post("operator/cases/" + id + "/assign", R"({"assignee":")" + other.userId + R"("})", 200);
    auto history = view->getArray("history");
    REQUIRE(history->size() == 2);
    auto entry = history->getObject(1);
    CHECK(entry->getObject("action")->getValue<std::string>("id") == "assign");
    CHECK(entry->getObject("action")->getValue<std::string>("label") == "Назначение ответственного");
    CHECK(entry->getObject("actor")->getValue<std::string>("name") == "Смирнова Анна Викторовна");
    CHECK(entry->getObject("to")->getValue<std::string>("id") == "registered");
    REQUIRE(entry->getArray("fields")->size() == 1);
    CHECK(entry->getArray("fields")->getObject(0)->getValue<std::string>("label") == "Ответственный");
    CHECK(entry->getArray("fields")->getObject(0)->getValue<std::string>("text") == "Кузнецов Олег Петрович");
    CHECK(c.get("cases/" + id)->getArray("history")->size() == 2);

    // The new assignee is told in the app; the one who assigned is not.
    const std::string told = "SELECT COUNT(*) FROM notifications n JOIN notification_recipients r ON r.tenant_id = n.tenant_id AND "
                             "r.notification_id = n.notification_id WHERE n.tenant_id = 'grid6' AND n.kind = 'case_assigned' AND n.refs "
                             "LIKE '%" + id + "%' AND r.user_id = '";
    CHECK(w.scalar(told + other.userId + "'") == 1);
    CHECK(w.scalar(told + op.userId + "'") == 0);
    const std::string body = w.text("SELECT body FROM notifications WHERE tenant_id = 'grid6' AND kind = 'case_assigned' AND refs LIKE '%" +
                                    id + "%'");
    CHECK(body.find("Вы назначены ответственным по обращению № П-") == 0);
    CHECK(body.find("Назначил: Смирнова Анна Викторовна.") != std::string::npos);
    // Assigning the same person again changes nothing; taking the case off appends an entry.
    op.post("operator/cases/" + id + "/assign", R"({"assignee":")" + other.userId + R"("})", 200);
    view = op.post("operator/cases/" + id + "/assign", R"({"assignee":null})", 200);
    REQUIRE(view->getArray("history")->size() == 3);
    CHECK(view->getArray("history")->getObject(2)->getArray("fields")->getObject(0)->getValue<std::string>("text") == "Не назначен");
    CHECK(w.scalar(told + other.userId + "'") == 1);
    // Both changes are in the audit log (the repeat changed nothing and is not): who, to whom, which case.
    const std::string assigned = "SELECT COUNT(*) FROM audit_log WHERE tenant_id = 'grid6' AND kind = 'operator' AND action = 'case_assign' AND "
                                 "user_id = '" + op.userId + "' AND details LIKE '%\"case\":\"" + view->getValue<std::string>("number_text") + "\"%'";
    CHECK(w.scalar(assigned + " AND target_id = '" + other.userId + "'") == 1);
    CHECK(w.scalar(assigned + " AND target_id = ''") == 1);

    // A message: the author's name stands alone, in the nominative («Автор: …»), never after «от».
    c.post("cases/" + id + "/messages", R"({"text":"Когда придёте?"})", 201);
    const std::string message = w.text("SELECT body FROM notifications WHERE tenant_id = 'grid6' AND kind = 'case_message' AND refs LIKE '%" +
                                       id + "%'");
    CHECK(message.find("получено новое сообщение. Автор: " + c.email + ".") != std::string::npos);
    CHECK(message.find(" от ") == std::string::npos);
    const std::string filed = w.text("SELECT body FROM notifications WHERE tenant_id = 'grid6' AND kind = 'case_filed' AND refs LIKE '%" +
                                     id + "%'");
    CHECK(filed.find("Заявитель: " + c.email + ".") != std::string::npos);
}
