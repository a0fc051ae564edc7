// Cases of the seed tenants on the backend of this run (issue 12): a ВГЭС appeal with an attachment gets the next
// number of its register; an operator answers it with a document and the consumer is told in the portal and by a
// real mail, and reads the answer and downloads the document; a ВГЭС additional-service request; an ОЭС 360
// appeal and a PP 55 complaint numbered in one register; ВОЭК feedback answered and the survey, filed and closed
// at once. Every answer is checked against its route's declared shape.
#include "cases_world.h"

using namespace cases_test;

namespace {

long long notices(World& w, const std::string& user, const std::string& kind, const std::string& caseId) {
    return w.scalar("SELECT COUNT(*) FROM notification_recipients r JOIN notifications n ON n.tenant_id = r.tenant_id AND "
                    "n.notification_id = r.notification_id WHERE r.user_id = '" + user + "' AND n.kind = '" + kind +
                    "' AND n.refs LIKE '%" + caseId + "%'");
}

} // namespace

TEST_CASE("cases: a ВГЭС appeal with an attachment is numbered, answered with a document, and the consumer is told and reads it",
          "[cases]") {
    auto& w = world();
    Client c = consumer(w, "vges", "Петров Пётр Петрович");
    Client op = operatorOf(w, "vges");

    auto kinds = c.get("case-kinds");
    auto list = kinds->getArray("kinds");
    Obj info;
    for (std::size_t i = 0; i < list->size(); ++i)
        if (list->getObject(i)->getValue<std::string>("id") == "info") info = list->getObject(i);
    REQUIRE(info);
    CHECK(info->getValue<std::string>("label") == "Запрос справочной информации");
    CHECK(info->getValue<int>("text_max") == 1000);
    // The phone is prefilled from the profile.
    bool prefilled = false;
    for (const auto& f : *info->getArray("form")) {
        auto fo = f.extract<Obj>();
        if (fo->getValue<std::string>("name") == "phone") prefilled = fo->has("value") && !fo->get("value").isEmpty();
    }
    CHECK(prefilled);

    const std::string text = "Прошу сообщить график приёма граждан.";
    auto r = c.form("cases", {{"kind", "info"}, {"fields", R"({"text":")" + text + R"("})"}},
                    {{"doc.attachment", "заявление.pdf", pdf("request"), "application/pdf"}});
    INFO(r.body);
    REQUIRE(r.status == 201);
    auto filed = obj(r.body);
    const std::string id = filed->getValue<std::string>("id");
    const long long number = filed->getValue<long long>("number");
    CHECK(number >= 7875);
    CHECK(filed->getValue<std::string>("message").find(std::to_string(number)) != std::string::npos);
    CHECK(filed->getObject("state")->getValue<std::string>("label") == "Регистрация");

    // The consumer's list and the operators' list show it; the operators are told.
    auto mine = c.get("cases");
    CHECK(caseIds(mine) == std::vector<std::string>{id});
    CHECK(mine->getArray("cases")->getObject(0)->getValue<std::string>("summary") == text);
    auto all = op.get("operator/cases?number=" + std::to_string(number));
    REQUIRE(caseIds(all) == std::vector<std::string>{id});
    CHECK(all->getArray("cases")->getObject(0)->getObject("applicant")->getValue<std::string>("name") == "Петров Пётр Петрович");
    CHECK(notices(w, op.userId, "case_filed", id) == 1);
    CHECK(caseIds(op.get("operator/cases?q=" + std::string("%D1%81%D0%BE%D0%BE%D0%B1%D1%89%D0%B8%D1%82%D1%8C%20%D0%B3%D1%80%D0%B0%D1%84%D0%B8%D0%BA"))) ==
          std::vector<std::string>{id}); // «сообщить график»
    CHECK(caseIds(c.get("cases?q=" + std::to_string(number))) == std::vector<std::string>{id});
    // Staff find a case by its applicant; a consumer's list by the dates of filing.
    CHECK(caseIds(op.get("operator/cases?q=" + c.email)) == std::vector<std::string>{id});
    CHECK(caseIds(op.get("operator/cases?q=%D0%9F%D0%B5%D1%82%D1%80%D0%BE%D0%B2%20%D0%9F%D1%91%D1%82%D1%80")) == std::vector<std::string>{id}); // «Петров Пётр»
    CHECK(caseIds(c.get("cases?from=2020-01-01&to=2020-12-31")).empty());
    CHECK(c.call("GET", "cases?from=вчера").status == 422);

    // The operator sees the answer among the actions and answers with a document.
    auto view = op.get("cases/" + id);
    CHECK(view->getArray("documents")->size() == 1);
    auto acts = actionIds(view);
    CHECK(std::find(acts.begin(), acts.end(), "answer") != acts.end());
    CHECK(actionIds(c.get("cases/" + id)).empty());
    // A document the action does not take is refused, naming its part.
    auto wrong = op.form("cases/" + id + "/actions/take", {}, {{"doc.answer", "ответ.pdf", pdf(), "application/pdf"}});
    CHECK(wrong.status == 422);
    CHECK_FALSE(field(wrong, "doc.answer").empty());
    const std::string answer = "График приёма: вторник и четверг, с 9:00 до 13:00.";
    r = op.form("cases/" + id + "/actions/answer", {{"fields", R"({"answer":")" + answer + R"("})"}},
                {{"doc.answer", "ответ.pdf", pdf("the answer"), "application/pdf"}});
    INFO(r.body);
    REQUIRE(r.status == 200);
    CHECK(obj(r.body)->getObject("state")->getValue<std::string>("id") == "answered");

    // The consumer is told in the portal and by mail, and reads the answer with its document.
    CHECK(notices(w, c.userId, "case_changed", id) == 1);
    bool mailed = false;
    for (int n = 1; n <= 3 && !mailed; ++n) {
        auto m = w.smtp.waitFor(c.email, n);
        mailed = m.text.find(std::to_string(number)) != std::string::npos || m.subject.find(std::to_string(number)) != std::string::npos;
    }
    CHECK(mailed);
    view = c.get("cases/" + id);
    CHECK(view->getObject("state")->getValue<std::string>("label") == "Ответ дан");
    CHECK(view->getValue<std::string>("closed_at") != "");
    auto history = view->getArray("history");
    REQUIRE(history->size() == 2);
    auto last = history->getObject(1);
    CHECK(last->getObject("action")->getValue<std::string>("label") == "Дать ответ");
    REQUIRE(last->getArray("fields")->size() == 1);
    CHECK(last->getArray("fields")->getObject(0)->getValue<std::string>("text") == answer);
    REQUIRE(last->getArray("documents")->size() == 1);
    const std::string docId = last->getArray("documents")->getObject(0)->getValue<std::string>("id");
    auto file = c.call("GET", "cases/" + id + "/documents/" + docId);
    CHECK(file.status == 200);
    CHECK(file.body == pdf("the answer"));
    CHECK(w.scalar("SELECT answered_on_time FROM cases WHERE case_id = '" + id + "'") == 1);
}

TEST_CASE("cases: a ВГЭС additional service request is filed from the address form and completed", "[cases]") {
    auto& w = world();
    Client c = consumer(w, "vges");
    Client op = operatorOf(w, "vges");
    auto filed = c.post("cases", R"({"kind":"service","fields":{"street":"Кольцовская ул.","house":"35","service_kind":"meter_reading",)"
                                 R"("text":"Прошу снять показания прибора учёта."}})",
                        201);
    const std::string id = filed->getValue<std::string>("id");
    auto view = c.get("cases/" + id);
    CHECK(view->getObject("kind")->getValue<std::string>("group") == "services");
    bool shown = false;
    for (const auto& f : *view->getArray("fields")) {
        auto fo = f.extract<Obj>();
        if (fo->getValue<std::string>("name") == "service_kind")
            shown = fo->getValue<std::string>("text") == "Снятие показаний существующего прибора учёта (ПУ)";
    }
    CHECK(shown);
    CHECK(actionIds(view) == std::vector<std::string>{"withdraw"});
    // Listed with the appeals (the services group lists on the appeals page).
    auto appeals = c.get("cases?group=appeals");
    CHECK(std::find(caseIds(appeals).begin(), caseIds(appeals).end(), id) != caseIds(appeals).end());
    op.post("cases/" + id + "/actions/take", "{}", 200);
    view = op.post("cases/" + id + "/actions/complete", R"({"fields":{"result":"Показания сняты 12.03."}})", 200);
    CHECK(view->getObject("state")->getValue<std::string>("label") == "Выполнена");
    CHECK(view->getObject("state")->getValue<bool>("final"));
    // Nothing more to do: no actions, and an action now is a conflict.
    CHECK(actionIds(c.get("cases/" + id)).empty());
    CHECK(c.call("POST", "cases/" + id + "/actions/withdraw", "{}").status == 409);

    // Staff file on the consumer's behalf, received by phone: the consumer's own case.
    auto phoned = op.post("cases", R"({"kind":"consultation","fields":{"text":"Консультация по телефону."},"applicant_id":")" + c.userId +
                                       R"(","channel":"phone"})",
                          201);
    auto mine = c.get("cases");
    CHECK(caseIds(mine).front() == phoned->getValue<std::string>("id"));
    CHECK(c.get("cases/" + phoned->getValue<std::string>("id"))->getValue<std::string>("channel") == "phone");
    CHECK(op.call("POST", "cases", R"({"kind":"consultation","fields":{"text":"Без заявителя"}})").status == 422);
}

TEST_CASE("cases: an ОЭС 360 appeal and a PP 55 complaint share the appeals register", "[cases]") {
    auto& w = world();
    Client c = consumer(w, "oes360", "Сидорова Анна Викторовна");
    auto a = c.post("cases", R"({"kind":"support","fields":{"subject":"meter_replacement","text":"Не приходят показания счётчика."}})", 201);
    auto kinds = c.get("case-kinds");
    Obj pp55;
    for (const auto& k : *kinds->getArray("kinds"))
        if (k.extract<Obj>()->getValue<std::string>("id") == "pp55") pp55 = k.extract<Obj>();
    REQUIRE(pp55);
    auto b = c.post("cases", R"({"kind":"pp55","fields":{"applicant_type":"person","full_name":"Сидорова Анна Викторовна",)"
                             R"("residence":"г. Москва, ул. Ленина, 1","birth_date":"1980-05-04","birth_place":"г. Москва",)"
                             R"("passport":"4510 123456","contract":"77-123","device_address":"г. Москва, ул. Ленина, 1",)"
                             R"("violation":"reliability","violation_date":"2026-01-10","text":"Перерыв электроснабжения 10 часов.",)"
                             R"("demands":"Пересчитать плату.","phone":"+79031112233","answer_way":"cabinet"}})",
                    201);
    CHECK(b->getValue<long long>("number") > a->getValue<long long>("number"));
    auto view = c.get("cases/" + b->getValue<std::string>("id"));
    CHECK(view->getObject("kind")->getValue<std::string>("label") == pp55->getValue<std::string>("label"));
    CHECK(view->getArray("deadlines")->size() == 1);
    CHECK(view->getObject("applicant")->getValue<std::string>("name") == "Сидорова Анна Викторовна");
    CHECK(caseIds(c.get("cases")).size() == 2);
}

TEST_CASE("cases: ВОЭК feedback is answered; the survey is filed and closed at once", "[cases]") {
    auto& w = world();
    Client c = consumer(w, "voek", "Смирнов Олег Игоревич");
    Client op = operatorOf(w, "voek");
    auto f = c.post("cases", R"({"kind":"feedback","fields":{"subject":"Счёт","text":"Почему изменился тариф?"}})", 201);
    const std::string id = f->getValue<std::string>("id");
    // A message from the consumer reaches the operators; the operator answers.
    auto m = c.post("cases/" + id + "/messages", R"({"text":"Дополняю: тариф изменился с 1 июля."})", 201);
    // A ВОЭК individual's profile has no name: the person is shown by their e-mail.
    CHECK(m->getObject("message")->getObject("author")->getValue<std::string>("name") == c.email);
    CHECK(notices(w, op.userId, "case_message", id) == 1);
    auto view = op.post("cases/" + id + "/actions/answer", R"({"fields":{"answer":"Тариф утверждён приказом от 20.12."}})", 200);
    CHECK(view->getObject("state")->getValue<std::string>("id") == "answered");
    CHECK(view->getArray("messages")->size() == 1);

    auto s = c.post("cases", R"({"kind":"survey","fields":{"information":5,"terms":4,"staff":5,"cabinet":3,"overall":4,)"
                             R"("comment":"Всё хорошо."}})",
                    201);
    CHECK(s->getObject("state")->getValue<bool>("final"));
    view = c.get("cases/" + s->getValue<std::string>("id"));
    bool rated = false;
    for (const auto& x : *view->getArray("fields")) {
        auto fo = x.extract<Obj>();
        if (fo->getValue<std::string>("name") == "terms") rated = fo->getValue<std::string>("text") == "4 — хорошо";
    }
    CHECK(rated);
    CHECK(view->getArray("actions")->size() == 0);
}
