// Reports of cases on the backend of this run (issue 12): cases filed over two months by several channels, some
// answered on time, some late, some open, one outside the period; the order 186 App. 7 §4 figures (total,
// containing a complaint, containing a service request, answered on time, by channel), the counts per month and
// per kind, survey answers per question; the route's JSON, its CSV and XLSX downloads, and its refusals.
#include <catch2/catch.hpp>

#include "KabinetdProcess.h"
#include "TenantClient.h"
#include "JsonText.h"
#include "TestContext.h"
#include "cases/CaseReports.h"
#include "lua/LuaJson.h"
#include "storage/Database.h"
#include "util/TimeZones.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <fstream>
#include <optional>

using namespace kabinet;
using test::KabinetdProcess;

namespace {

using Obj = Poco::JSON::Object::Ptr;

using test::obj;

const int kMsk = 3 * 3600;

/// Unix time of a Moscow date at noon.
long long noon(const std::string& date) { return tz::localMidnight(date, kMsk) + 12 * 3600; }

struct Filed {
    std::string kind, channel, date;
    std::optional<long long> closedAfterDays; ///< answered so many days after filing; none: still open
    int dueDays = 30;                          ///< the running deadline, days after filing
    std::optional<int> onTime;                 ///< answered_on_time as the engine stores it (none: NULL)
    bool overdue = false;
    std::string fields = "{}";
};

struct World {
    test::FreshDatabase db;
    KabinetdProcess server;
    Database direct;
    std::string adminId;
    test::TenantClient admin;
    World() : server(db.url()), direct(db.url(), 2), admin(server, "vges") {
        const std::string email = "reports@vges.example";
        std::string out;
        REQUIRE(test::runProgram({test::binaryDir() + "/core/kabinet", "users", "create-admin", "--tenant", "vges", "--email", email, "--database",
                                  db.url(), "--tenants", test::sourceDir() + "/tenants", "--scripts", test::sourceDir() + "/scripts"},
                                 out, {{"KABINET_ADMIN_PASSWORD", "Admin-Password-9"}}) == 0);
        REQUIRE(admin.login(email, "Admin-Password-9").status == 200);
        direct.read([&](soci::session& s) { s << "SELECT user_id FROM users WHERE tenant_id = 'vges' AND email = :e", soci::use(email), soci::into(adminId); });
        REQUIRE(!adminId.empty());
        // The cases as the engine stores them (sql/0010_cases.sql).
        const std::vector<Filed> cases = {
            {"rq_complaint", "portal", "2026-03-02", 10, 30, 1},
            {"rq_complaint", "phone", "2026-03-10", 40, 30, 0, true},
            {"rq_info", "portal", "2026-03-31", std::nullopt, 30, std::nullopt},
            {"rq_service", "in_person", "2026-04-01", 5, 15, 1},
            {"rq_info", "email", "2026-04-15", 20, 10, std::nullopt}, // closed past its due date: late
            {"rq_survey", "portal", "2026-04-20", 0, 0, 1, false, R"({"score":5,"polite":"yes","remark":"Спасибо","grade":5})"},
            {"rq_survey", "portal", "2026-04-21", std::nullopt, 0, std::nullopt, false, R"({"score":3,"polite":"no","grade":"2"})"}, // filed closed, no closed_at
            {"rq_complaint", "post", "2026-02-27", 3, 30, 1}, // before the period
            {"complaint", "post", "2026-04-10", 2, 30, 1},    // ВГЭС's own kind «Жалоба» (tenants/vges/appeals.lua)
        };
        direct.transaction([&](soci::session& s) {
            int n = 0;
            for (const auto& c : cases) {
                ++n;
                const long long filed = noon(c.date);
                const std::string id = "rq-case-" + std::to_string(n), number = std::to_string(7000 + n);
                std::optional<long long> closed, due = filed + c.dueDays * 86400LL;
                if (c.closedAfterDays) closed = filed + *c.closedAfterDays * 86400LL;
                soci::indicator ci = closed ? soci::i_ok : soci::i_null, oi = c.onTime ? soci::i_ok : soci::i_null;
                long long closedValue = closed.value_or(0);
                int onTimeValue = c.onTime.value_or(0), overdue = c.overdue ? 1 : 0;
                const std::string state = closed || c.kind == "rq_survey" ? "closed" : "registered";
                s << "INSERT INTO cases (tenant_id, case_id, kind, register_id, number, number_text, applicant_id, channel, state, fields, "
                     "summary, filed_at, updated_at, state_since, closed_at, due_at, overdue, answered_on_time) VALUES ('vges', :id, :k, "
                     "'rq', :n, :nt, :a, :ch, :st, :f, '', :fa, :fa2, :fa3, :ca, :due, :ov, :ot)",
                    soci::use(id), soci::use(c.kind), soci::use(static_cast<long long>(7000 + n)), soci::use(number), soci::use(adminId),
                    soci::use(c.channel), soci::use(state), soci::use(c.fields), soci::use(filed), soci::use(filed), soci::use(filed),
                    soci::use(closedValue, ci), soci::use(*due), soci::use(overdue), soci::use(onTimeValue, oi);
            }
        });
    }
};

World& world() {
    static World w;
    return w;
}

const std::vector<ReportKind> kKinds = {
    {"rq_complaint", "Жалоба", "complaint", {}},
    {"rq_info", "Справочная информация", "information", {}},
    {"rq_service", "Заявка на услугу", "service_request", {}},
    {"rq_survey", "Опрос потребителя", "survey",
     {{"score", "Оценка", "number", {}}, {"polite", "Вежливость", "select", {{"yes", "Да, вежливы"}, {"no", "Нет"}}}, {"remark", "Пожелания", "textarea", {}},
      {"grade", "Общая оценка", "select", {{"1", "1 — очень плохо"}, {"2", "2 — плохо"}, {"5", "5 — отлично"}}}},
     {"closed"}},
};

Obj find(const Poco::JSON::Array::Ptr& a, const std::string& id) {
    for (const auto& v : *a)
        if (v.extract<Obj>()->getValue<std::string>("id") == id) return v.extract<Obj>();
    FAIL("no entry " << id);
    return nullptr;
}

long long n(const Obj& o, const char* k) { return o->getValue<long long>(k); }

} // namespace

TEST_CASE("case report: order 186 figures by channel, per kind, per month and survey answers", "[cases][reports]") {
    World& w = world();
    CaseReports reports(w.direct);
    const Obj r = reports.cases("vges", kKinds, {"2026-03-01", "2026-04-30", "month", kMsk});
    INFO(luajson::stringify(Poco::Dynamic::Var(r)));

    // Surveys are not appeals: six appeals in the period, the February one left out; the kind this list does not
    // declare («complaint») is counted as «other».
    const Obj t = r->getObject("totals");
    CHECK(n(t, "total") == 6);
    CHECK(n(t, "complaint") == 2);
    CHECK(n(t, "service_request") == 1);
    CHECK(n(t, "answered") == 5);
    CHECK(n(t, "answered_on_time") == 3);
    CHECK(n(t, "answered_late") == 2); // the engine's 0, and a closing past due_at where the flag is not stored
    CHECK(n(t, "open") == 1);
    CHECK(n(t, "overdue") == 1);

    const auto ch = r->getArray("by_channel");
    REQUIRE(ch->size() == 6);
    CHECK(n(find(ch, "portal"), "total") == 2);
    CHECK(n(find(ch, "portal"), "complaint") == 1);
    CHECK(n(find(ch, "portal"), "answered_on_time") == 1);
    CHECK(find(ch, "portal")->getValue<std::string>("label") == "В электронной форме через Интернет");
    CHECK(n(find(ch, "phone"), "answered_late") == 1);
    CHECK(n(find(ch, "in_person"), "service_request") == 1);
    CHECK(n(find(ch, "email"), "answered_late") == 1);
    CHECK(n(find(ch, "post"), "total") == 1);
    CHECK(n(find(ch, "other"), "total") == 0);

    const auto kinds = r->getArray("by_kind");
    CHECK(n(find(kinds, "rq_complaint"), "total") == 2);
    CHECK(n(find(kinds, "rq_info"), "open") == 1);
    CHECK(n(find(kinds, "rq_survey"), "total") == 2);
    CHECK(n(find(kinds, "rq_survey"), "answered") == 2); // in a final state, with closed_at or without
    CHECK(n(find(kinds, "rq_survey"), "open") == 0);
    CHECK(find(kinds, "complaint")->getValue<std::string>("report_as") == "other");

    const auto periods = r->getArray("periods");
    REQUIRE(periods->size() == 2);
    CHECK(periods->getObject(0)->getValue<std::string>("label") == "Март 2026");
    CHECK(n(periods->getObject(0), "total") == 3);
    CHECK(n(periods->getObject(1), "total") == 5);
    CHECK(n(find(periods->getObject(1)->getArray("kinds"), "rq_survey"), "count") == 2);
    CHECK(n(find(periods->getObject(1)->getArray("channels"), "portal"), "count") == 0); // appeals only

    const auto surveys = r->getArray("surveys");
    REQUIRE(surveys->size() == 1);
    const Obj s = surveys->getObject(0);
    CHECK(n(s, "total") == 2);
    const auto qs = s->getArray("questions");
    REQUIRE(qs->size() == 4);
    CHECK(qs->getObject(0)->getValue<double>("average") == 4.0);
    const auto polite = qs->getObject(1)->getArray("answers");
    REQUIRE(polite->size() == 2);
    CHECK(polite->getObject(0)->getValue<std::string>("text") == "Да, вежливы");
    CHECK(n(polite->getObject(0), "count") == 1);
    CHECK(n(qs->getObject(2), "answered") == 1); // free text: counted, not grouped
    CHECK(qs->getObject(2)->getArray("answers")->size() == 0);
    CHECK(qs->getObject(2)->get("average").isEmpty());
    // A rating (numbers as option values, answers stored as a number or its text): every option counted, averaged.
    const Obj grade = qs->getObject(3);
    CHECK(grade->getValue<double>("average") == 3.5);
    const auto grades = grade->getArray("answers");
    REQUIRE(grades->size() == 3);
    CHECK(n(grades->getObject(0), "count") == 0);
    CHECK(n(grades->getObject(1), "count") == 1);
    CHECK(grades->getObject(1)->getValue<std::string>("text") == "2 — плохо");
    CHECK(n(grades->getObject(2), "count") == 1);

    // Per day: every day of the range is a row.
    const Obj days = reports.cases("vges", kKinds, {"2026-03-01", "2026-03-31", "day", kMsk});
    CHECK(days->getArray("periods")->size() == 31);
    CHECK(n(days->getArray("periods")->getObject(1), "total") == 1);
}

TEST_CASE("case report route: JSON, CSV and XLSX downloads, refusals", "[cases][reports]") {
    World& w = world();
    auto r = w.admin.call("GET", "operator/reports/cases?from=2026-03-01&to=2026-04-30");
    INFO(r.body);
    REQUIRE(r.status == 200);
    const Obj j = obj(r.body);
    // The figures that do not depend on how the tenant reports its kinds.
    const auto ch = j->getArray("by_channel");
    CHECK(n(find(ch, "phone"), "total") == 1);
    CHECK(n(find(ch, "phone"), "answered_late") == 1);
    CHECK(n(find(ch, "in_person"), "answered_on_time") == 1);
    CHECK(n(find(ch, "email"), "answered_late") == 1);
    CHECK(j->getArray("periods")->size() == 2);
    // The tenant's own kinds (CaseKinds of tenants/vges): «Жалоба» is reported as a complaint, with its label.
    CHECK(n(j->getObject("totals"), "complaint") == 1);
    CHECK(find(j->getArray("by_kind"), "complaint")->getValue<std::string>("label") == "Жалоба");
    CHECK(find(j->getArray("by_kind"), "complaint")->getValue<std::string>("report_as") == "complaint");
    CHECK(n(find(j->getArray("by_kind"), "service"), "total") == 0);

    r = w.admin.call("GET", "operator/reports/cases?from=2026-03-01&to=2026-04-30&format=csv");
    REQUIRE(r.status == 200);
    CHECK_THAT(r.headers["Content-Type"], Catch::StartsWith("text/csv"));
    CHECK_THAT(r.headers["Content-Disposition"], Catch::Contains("attachment; filename=\"cases_2026-03-01_2026-04-30.csv\""));
    // The one header of file answers (FileAnswer's attachmentDisposition), with the readable name both ways.
    CHECK(r.headers["Content-Disposition"] == "attachment; filename=\"cases_2026-03-01_2026-04-30.csv\"; filename*=UTF-8''cases_2026-03-01_2026-04-30.csv");
    CHECK_THAT(r.body, Catch::Contains("Способ обращения;Всего обращений;Содержащих жалобу"));
    CHECK_THAT(r.body, Catch::Contains("По телефону;1;"));
    CHECK_THAT(r.body, Catch::Contains("Период;с 01.03.2026 по 30.04.2026"));
    CHECK_THAT(r.body, Catch::Contains("Март 2026;3;"));

    r = w.admin.call("GET", "operator/reports/cases?from=2026-03-01&to=2026-04-30&format=xlsx");
    REQUIRE(r.status == 200);
    CHECK_THAT(r.headers["Content-Type"], Catch::StartsWith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
    CHECK(r.headers["Content-Disposition"] == "attachment; filename=\"cases_2026-03-01_2026-04-30.xlsx\"; filename*=UTF-8''cases_2026-03-01_2026-04-30.xlsx");
    const std::string dir = test::tempDir("case-report");
    {
        std::ofstream f(dir + "/r.xlsx", std::ios::binary);
        f << r.body;
    }
    std::string xml;
    REQUIRE(test::runProgram({"/usr/bin/python3", "-c",
                              "import sys, zipfile\n"
                              "z = zipfile.ZipFile(sys.argv[1])\n"
                              "print(z.read('xl/worksheets/sheet1.xml').decode())\n"
                              "print(z.read('xl/worksheets/sheet3.xml').decode())\n"
                              "print(z.read('xl/sharedStrings.xml').decode())\n",
                              dir + "/r.xlsx"},
                             xml) == 0);
    for (const char* text : {"В электронной форме через Интернет", "Ответ дан в срок", "Март 2026", "Апрель 2026"})
        CHECK_THAT(xml, Catch::Contains(text));

    // ВОЭК's survey of its own declaration (tenants/voek/feedback.lua: ratings 1–5 whose values are numbers).
    {
        const std::string email = "reports@voek.example";
        std::string out;
        REQUIRE(test::runProgram({test::binaryDir() + "/core/kabinet", "users", "create-admin", "--tenant", "voek", "--email", email, "--database",
                                  w.db.url(), "--tenants", test::sourceDir() + "/tenants", "--scripts", test::sourceDir() + "/scripts"},
                                 out, {{"KABINET_ADMIN_PASSWORD", "Admin-Password-9"}}) == 0);
        test::TenantClient voek(w.server, "voek");
        REQUIRE(voek.login(email, "Admin-Password-9").status == 200);
        std::string id;
        w.direct.read([&](soci::session& s) { s << "SELECT user_id FROM users WHERE tenant_id = 'voek' AND email = :e", soci::use(email), soci::into(id); });
        const long long filed = noon("2026-05-05");
        w.direct.transaction([&](soci::session& s) {
            s << "INSERT INTO cases (tenant_id, case_id, kind, register_id, number, number_text, applicant_id, channel, state, fields, summary, "
                 "filed_at, updated_at, state_since, closed_at) VALUES ('voek', 'rq-voek-1', 'survey', 'survey', 1, '1', :a, 'portal', 'closed', "
                 "'{\"information\":5,\"terms\":4,\"staff\":5,\"cabinet\":3,\"overall\":4,\"comment\":\"Спасибо\"}', '', :f, :f2, :f3, :f4)",
                soci::use(id), soci::use(filed), soci::use(filed), soci::use(filed), soci::use(filed);
        });
        r = voek.call("GET", "operator/reports/cases?from=2026-05-01&to=2026-05-31");
        INFO(r.body);
        REQUIRE(r.status == 200);
        const Obj v = obj(r.body);
        CHECK(n(v->getObject("totals"), "total") == 0); // a survey is not an appeal
        const auto surveys = v->getArray("surveys");
        REQUIRE(surveys->size() == 1);
        const auto q = surveys->getObject(0)->getArray("questions")->getObject(0);
        CHECK(q->getValue<std::string>("name") == "information");
        CHECK(q->getValue<double>("average") == 5.0);
        const auto answers = q->getArray("answers");
        REQUIRE(answers->size() == 5);
        CHECK(answers->getObject(4)->getValue<std::string>("text") == "5 — отлично");
        CHECK(n(answers->getObject(4), "count") == 1);
        r = voek.call("GET", "operator/reports/cases?from=2026-05-01&to=2026-05-31&format=csv");
        REQUIRE(r.status == 200);
        CHECK_THAT(r.body, Catch::Contains("Насколько понятно вам разъяснили порядок технологического присоединения?;5 — отлично;1"));
    }

    // Refusals name the parameter.
    r = w.admin.call("GET", "operator/reports/cases?from=2026-02-30");
    CHECK(r.status == 422);
    CHECK(obj(r.body)->getObject("fields")->has("from"));
    r = w.admin.call("GET", "operator/reports/cases?from=2026-04-01&to=2026-03-01");
    CHECK(r.status == 422);
    CHECK(obj(r.body)->getObject("fields")->has("to"));
    r = w.admin.call("GET", "operator/reports/cases?format=pdf");
    CHECK(r.status == 422);
    CHECK(obj(r.body)->getObject("fields")->has("format"));
    r = w.admin.call("GET", "operator/reports/cases?from=2025-01-01&to=2026-03-01&group=day");
    CHECK(r.status == 422);
    CHECK(obj(r.body)->getObject("fields")->has("group"));
    // Staff only.
    test::TenantClient anonymous(w.server, "vges");
    CHECK(anonymous.call("GET", "operator/reports/cases").status == 401);
}
