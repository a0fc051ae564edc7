// Applications for technological connection through HTTP on the backend of this run (issue 13): a ВГЭС and a ВОЭК
// application each go through the whole workflow their tenant's Lua declares — filed with the documents of their
// types, one missing-documents round (what is missing kept and shown, the applicant's upload, «Завершить загрузку»
// and the 409 of an upload after it), the offer with the ТУ number and date kept and shown in the view and as list
// columns, payment, readiness, the act, and completion: a personal account numbered from the tenant's register and a
// metering point at the object's address, which the applicant sees at once under «Точки учёта» (GET points). The
// disclosure stages get their dates; `?open=1|0` splits the lists into open and completed applications.
#include "techconnect_world.h"

using namespace techconnect_test;

namespace {

const char* kVoekSupplier = "ОАО «Владимирэнергосбыт»";

struct Flow {
    std::string tenant, form;
    std::vector<std::string> documents; ///< the applicant's required documents but the site plan
    long long firstAccount = 0;         ///< the first number of the tenant's register of personal accounts
    bool survey = false;                ///< completion offers the survey
};

void runWorkflow(const Flow& f) {
    auto& w = world();
    Client c = consumer(w, f.tenant, "Иванов Иван Иванович");
    Client op = operatorOf(w, f.tenant);

    // Filed with every required document: numbered, with the list's columns and the first stage reached.
    auto docsNow = f.documents;
    docsNow.push_back("site_plan");
    auto r = c.form("cases", {{"kind", "tc_person"}, {"fields", f.form}}, docs(docsNow));
    INFO(r.body);
    REQUIRE(r.status == 201);
    const std::string id = obj(r.body)->getValue<std::string>("id");
    auto mine = c.get("cases?group=techconnect");
    REQUIRE(caseIds(mine) == std::vector<std::string>{id});
    auto row = mine->getArray("cases")->getObject(0);
    CHECK(column(row, "object_name") == "Жилой дом на Лесной");
    CHECK(column(row, "address") == "Воронеж, ул. Лесная, д. 5");
    CHECK(column(row, "tu_number").empty());
    auto view = c.get("cases/" + id);
    REQUIRE(stage(view, "received"));
    CHECK(stage(view, "received")->getValue<bool>("current"));
    CHECK_FALSE(stage(view, "received")->get("reached_at").isEmpty());
    CHECK(stage(view, "offer_sent")->get("reached_at").isEmpty());

    // Missing documents: what is missing is kept with the case and shown like the form's values.
    const std::string missing = "План расположения ЭПУ без расстояния до сетей";
    op.post("cases/" + id + "/actions/request_missing", R"({"fields":{"missing":")" + missing + R"("}})", 200);
    view = c.get("cases/" + id);
    CHECK(stateOf(view) == "missing");
    CHECK(shown(view, "missing") == missing);
    CHECK(shownLabel(view, "missing") == "Недостающие сведения и документы");
    CHECK(view->getObject("uploads")->getValue<bool>("allowed"));
    CHECK(caseIds(c.get("cases?q=%D1%80%D0%B0%D1%81%D1%81%D1%82%D0%BE%D1%8F%D0%BD%D0%B8%D1%8F")) == std::vector<std::string>{id}); // «расстояния»

    // The applicant uploads (any number of times), then «Завершить загрузку» locks uploads until the next check.
    for (int i = 0; i < 2; ++i) {
        auto up = c.form("cases/" + id + "/documents", {{"type", "site_plan"}}, {{"file", "план.pdf", pdf("plan"), "application/pdf"}});
        INFO(up.body);
        CHECK(up.status == 201);
    }
    c.post("cases/" + id + "/actions/finish_upload", "{}", 200);
    const long long before = stored(w, f.tenant);
    auto locked = c.form("cases/" + id + "/documents", {{"type", "site_plan"}}, {{"file", "план.pdf", pdf("late"), "application/pdf"}});
    INFO(locked.body);
    CHECK(locked.status == 409);
    CHECK(field(locked, "file") == "Загрузка документов завершена: дождитесь проверки заявки");
    CHECK(stored(w, f.tenant) == before);
    CHECK_FALSE(c.get("cases/" + id)->getObject("uploads")->getValue<bool>("allowed"));

    // The offer: contract terms, technical conditions and invoice, with the ТУ number and date kept.
    r = op.form("cases/" + id + "/actions/place_offer", {{"fields", R"({"tu_number":"ТУ-17/26","tu_date":"06.03.2026"})"}},
                docs({"contract_terms", "tech_conditions", "invoice"}));
    INFO(r.body);
    REQUIRE(r.status == 200);
    view = c.get("cases/" + id);
    CHECK(stateOf(view) == "offer");
    CHECK(shown(view, "tu_number") == "ТУ-17/26");
    CHECK(shownLabel(view, "tu_number") == "Номер ТУ");
    CHECK_FALSE(shown(view, "tu_date").empty());
    CHECK(due(view, "payment") > 0);
    // Only the payment term counts now; the terms of the steps passed are kept (staff see them) but do not run.
    CHECK(running(view, "payment"));
    CHECK(due(view, "missing") > 0);
    CHECK_FALSE(running(view, "missing"));
    CHECK(stage(view, "offer_sent")->getValue<bool>("current"));
    CHECK_FALSE(stage(view, "offer_sent")->get("reached_at").isEmpty());
    CHECK_FALSE(stage(view, "received")->getValue<bool>("current"));
    row = c.get("cases?open=1")->getArray("cases")->getObject(0);
    CHECK(column(row, "tu_number") == "ТУ-17/26");
    row = op.get("operator/cases?open=1&group=techconnect")->getArray("cases")->getObject(0);
    CHECK(column(row, "tu_number") == "ТУ-17/26");
    // The utility's documents are the applicant's to download.
    for (const auto& d : *view->getArray("documents")) {
        auto o = d.extract<Obj>();
        if (o->getValue<std::string>("type") != "tech_conditions") continue;
        auto file = c.call("GET", "cases/" + id + "/documents/" + o->getValue<std::string>("id"));
        CHECK(file.status == 200);
        CHECK(file.body == pdf("tech_conditions"));
    }

    // Payment, readiness (the applicant's, with its confirmation), inspection, the act: completed.
    op.post("cases/" + id + "/actions/paid", "{}", 200);
    view = c.get("cases/" + id);
    bool readyOffered = false;
    for (const auto& a : *view->getArray("actions"))
        if (a.extract<Obj>()->getValue<std::string>("id") == "ready")
            readyOffered = !a.extract<Obj>()->getValue<std::string>("confirm").empty();
    CHECK(readyOffered);
    c.post("cases/" + id + "/actions/ready", "{}", 200);
    op.post("cases/" + id + "/actions/connect_works", "{}", 200);
    CHECK(c.call("GET", "points").status == 200);
    CHECK(c.get("points")->getArray("points")->size() == 0);
    r = op.form("cases/" + id + "/actions/complete", {}, docs({"act"}));
    INFO(r.body);
    REQUIRE(r.status == 200);

    // Completed: the personal account is kept and shown, and the applicant sees the new point at once.
    view = c.get("cases/" + id);
    CHECK(stateOf(view) == "completed");
    const std::string account = shown(view, "account_number");
    CHECK(shownLabel(view, "account_number") == "Лицевой счёт");
    REQUIRE_FALSE(account.empty());
    CHECK(std::stoll(account) >= f.firstAccount);
    CHECK(std::stoll(account) < f.firstAccount + 1000);
    CHECK(stage(view, "documents")->getValue<bool>("current"));
    for (const auto& s : *view->getArray("stages")) CHECK_FALSE(s.extract<Obj>()->get("reached_at").isEmpty());
    auto points = c.get("points")->getArray("points");
    REQUIRE(points->size() == 1);
    CHECK(points->getObject(0)->getValue<std::string>("account") == account);
    CHECK(points->getObject(0)->getValue<std::string>("address") == "Воронеж, ул. Лесная, д. 5");
    CHECK(points->getObject(0)->getValue<std::string>("name") == "Жилой дом на Лесной");
    CHECK(notices(w, c.userId, "access_granted", account) == 1);
    CHECK(w.scalar("SELECT COUNT(*) FROM access_grants WHERE tenant_id = '" + f.tenant + "' AND user_id = '" + c.userId +
                   "' AND scope = 'account'") == 1);
    CHECK(w.scalar("SELECT COUNT(*) FROM metering_points WHERE tenant_id = '" + f.tenant + "' AND power_limit_kw IS NOT NULL AND number = '" +
                   account + "'") == 1);
    // Completed applications leave the open list for the completed one, on both sides.
    CHECK(caseIds(c.get("cases?open=1")).empty());
    CHECK(caseIds(c.get("cases?open=0")) == std::vector<std::string>{id});
    CHECK(column(c.get("cases?open=0")->getArray("cases")->getObject(0), "account_number") == account);
    auto closedOps = caseIds(op.get("operator/cases?open=0&group=techconnect"));
    CHECK(std::find(closedOps.begin(), closedOps.end(), id) != closedOps.end());
    auto openOps = caseIds(op.get("operator/cases?open=1&group=techconnect"));
    CHECK(std::find(openOps.begin(), openOps.end(), id) == openOps.end());
    CHECK(c.call("GET", "cases?open=2").status == 422);
    if (f.survey) {
        REQUIRE_FALSE(view->get("offer").isEmpty());
        CHECK(view->getObject("offer")->getValue<std::string>("kind") == "survey");
        // The invitation answered: the survey (a kind ВОЭК also takes without one) is linked to the application
        // and the invitation is used up.
        const std::string answer = R"({"kind":"survey","parent":")" + id +
                                   R"(","fields":{"information":5,"terms":4,"staff":5,"cabinet":4,"overall":5}})";
        auto s = c.post("cases", answer, 201);
        CHECK(w.text("SELECT parent_case_id FROM cases WHERE tenant_id = '" + f.tenant + "' AND case_id = '" +
                     s->getValue<std::string>("id") + "'") == id);
        CHECK(c.get("cases/" + id)->get("offer").isEmpty());
        auto again = c.call("POST", "cases", answer);
        CHECK(again.status == 422);
        CHECK(again.body.find("parent") != std::string::npos);
    }
}

} // namespace

TEST_CASE("techconnect: a ВГЭС application goes through the whole workflow and ends with a personal account the applicant sees",
          "[techconnect]") {
    runWorkflow({"vges", personForm("individual_15", "12"), {"title_document", "id_copy"}, 100001, false});
}

TEST_CASE("techconnect: a ВОЭК application (signed scan of the printed form) goes through the whole workflow and offers the survey",
          "[techconnect]") {
    runWorkflow({"voek", personForm("person_150", "100", "0", "new", kVoekSupplier), {"signed_application", "title_document", "id_copy"}, 500001, true});
}
