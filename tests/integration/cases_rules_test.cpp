// The rules of the case engine on the backend of this run (issue 12): bad input (1001 characters, a missing required
// document, a 30 MB file, an executable renamed .pdf) is refused with a Russian reason naming the field and stores
// nothing; 200 filings at once take 200 consecutive numbers; a timer action fires once with two timer passes on one
// database; a case past its deadline is flagged overdue and the operators told once; a consumer gets 404 for
// another's case; and a sixth kind declared by a tenant's Lua alone (tests/fixtures/tenants-cases/grid6) is filed
// and moved through its own workflow, with a deadline in working days by the production calendar.
#include "cases_world.h"

#include "calendar/TenantCalendars.h"
#include "cases/CaseService.h"
#include "cases/CaseTimers.h"
#include "tenants/Tenant.h"

#include <chrono>
#include <mutex>
#include <sstream>
#include <set>
#include <thread>

using namespace cases_test;

namespace {

long long rows(World& w, const std::string& tenant) {
    return w.scalar("SELECT COUNT(*) FROM cases WHERE tenant_id = '" + tenant + "'") +
           w.scalar("SELECT COUNT(*) FROM case_history WHERE tenant_id = '" + tenant + "'") +
           w.scalar("SELECT COUNT(*) FROM documents WHERE tenant_id = '" + tenant + "'");
}

SessionInfo session(const Client& c, const std::string& role = "consumer", const std::string& kind = "individual") {
    SessionInfo s;
    s.userId = c.userId;
    s.role = role;
    s.kind = kind;
    return s;
}

Obj body(const std::string& json) { return obj(json); }

/// "YYYY-MM-DD" in Moscow time of a moment.
std::string mskDate(long long ts) {
    std::time_t t = static_cast<std::time_t>(ts + 3 * 3600);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

std::vector<CaseUpload> photo(std::istringstream& in) { return {CaseUpload{"doc.photo", "счётчик.pdf", &in}}; }

/// Unix time of a Moscow wall-clock moment "YYYY-MM-DD HH:MM".
long long msk(int y, int mo, int d, int h, int mi) {
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    return static_cast<long long>(timegm(&tm)) - 3 * 3600;
}

} // namespace

TEST_CASE("cases: bad input gets a Russian reason naming the field and stores nothing", "[cases]") {
    auto& w = world();
    Client c = consumer(w, "vges");
    Client g = consumer(w, "grid6");
    const long long before = rows(w, "vges"), beforeG = rows(w, "grid6");

    // 1001 characters of text.
    std::string longText;
    for (int i = 0; i < 1001; ++i) longText += "ж";
    auto r = c.call("POST", "cases", R"({"kind":"info","fields":{"text":")" + longText + R"("}})");
    CHECK(r.status == 422);
    CHECK(field(r, "text").find("1000") != std::string::npos);
    // An unknown kind; no kind.
    r = c.call("POST", "cases", R"({"kind":"nonsense","fields":{}})");
    CHECK(r.status == 422);
    CHECK_FALSE(field(r, "kind").empty());
    // A required document missing.
    r = g.call("POST", "cases", R"({"kind":"meter_check","fields":{"serial":"12345","text":"Прошу поверить счётчик."}})");
    CHECK(r.status == 422);
    CHECK(field(r, "doc.photo").find("Фотография счётчика") != std::string::npos);
    // An executable renamed .pdf.
    std::string exe = "MZ\x90";
    exe += std::string(200, '\0');
    r = c.form("cases", {{"kind", "info"}, {"fields", R"({"text":"Вложение"})"}}, {{"doc.attachment", "scan.pdf", exe, "application/pdf"}});
    CHECK(r.status == 422);
    CHECK(field(r, "doc.attachment").find("scan.pdf") != std::string::npos);
    // A 30 MB file.
    r = c.form("cases", {{"kind", "info"}, {"fields", R"({"text":"Большой файл"})"}},
               {{"doc.attachment", "big.pdf", pdf() + std::string(30u << 20, 'x'), "application/pdf"}});
    CHECK((r.status == 413 || r.status == 422));
    CHECK(field(r, "doc.attachment").find("МБ") != std::string::npos);
    // A document of a type the kind does not have.
    r = c.form("cases", {{"kind", "info"}, {"fields", R"({"text":"Чужой документ"})"}}, {{"doc.act", "a.pdf", pdf(), "application/pdf"}});
    CHECK(r.status == 422);
    CHECK_FALSE(field(r, "doc.act").empty());

    CHECK(rows(w, "vges") == before);
    CHECK(rows(w, "grid6") == beforeG);
}

TEST_CASE("cases: a consumer gets 404 for another's case; a consumer may not take an operator's action", "[cases]") {
    auto& w = world();
    Client a = consumer(w, "vges");
    Client b = consumer(w, "vges");
    auto f = a.post("cases", R"({"kind":"complaint","fields":{"text":"Жалоба на отключение."}})", 201);
    const std::string id = f->getValue<std::string>("id");
    CHECK(b.call("GET", "cases/" + id).status == 404);
    CHECK(b.call("POST", "cases/" + id + "/messages", R"({"text":"Чужое"})").status == 404);
    CHECK(b.call("POST", "cases/" + id + "/actions/take", "{}").status == 404);
    CHECK(caseIds(b.get("cases")).empty());
    CHECK(a.call("POST", "cases/" + id + "/actions/take", "{}").status == 403);
    CHECK(a.call("GET", "operator/cases").status == 403);
    CHECK(w.scalar("SELECT COUNT(*) FROM case_messages WHERE case_id = '" + id + "'") == 0);
}

TEST_CASE("cases: 200 filings at once take 200 consecutive numbers of the register", "[cases]") {
    auto& w = world();
    Client c = consumer(w, "oes360");
    auto t = w.tenants.find("oes360");
    REQUIRE(t);
    CaseService service(w.direct);
    const SessionInfo s = session(c, "consumer", "consumer");
    std::mutex m;
    std::vector<long long> numbers;
    std::vector<std::string> errors;
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&, i] {
            for (int k = 0; k < 25; ++k) {
                try {
                    auto r = service.file(*t, s, body(R"({"kind":"support","fields":{"subject":"meter_replacement","text":"Обращение )" + std::to_string(i * 25 + k) + R"("}})"),
                                          {}, static_cast<long long>(std::time(nullptr)));
                    std::lock_guard<std::mutex> l(m);
                    numbers.push_back(r->getValue<long long>("number"));
                } catch (const std::exception& e) {
                    std::lock_guard<std::mutex> l(m);
                    errors.push_back(e.what());
                }
            }
        });
    for (auto& th : threads) th.join();
    INFO((errors.empty() ? std::string() : errors.front()));
    REQUIRE(errors.empty());
    REQUIRE(numbers.size() == 200);
    std::sort(numbers.begin(), numbers.end());
    for (std::size_t i = 1; i < numbers.size(); ++i) CHECK(numbers[i] == numbers[i - 1] + 1);
    CHECK(std::set<long long>(numbers.begin(), numbers.end()).size() == 200);
    CHECK(w.scalar("SELECT last_number FROM case_registers WHERE tenant_id = 'oes360' AND register_id = 'appeals'") == numbers.back());
}

TEST_CASE("cases: a timer action fires once with two timer passes on one database; overdue cases are flagged once", "[cases]") {
    auto& w = world();
    Client c = consumer(w, "grid6");
    Client op = operatorOf(w, "grid6");
    auto t = w.tenants.find("grid6");
    REQUIRE(t);
    CaseService service(w.direct);
    const long long now = std::time(nullptr);
    std::istringstream in1(pdf("photo")), in2(pdf("photo"));
    auto idle = service.file(*t, session(c), body(R"({"kind":"meter_check","fields":{"serial":"A-1","text":"Без ответа"}})"), photo(in1), now);
    auto busy = service.file(*t, session(c), body(R"({"kind":"meter_check","fields":{"serial":"A-2","text":"Назначим"}})"), photo(in2), now);
    const std::string idleId = idle->getValue<std::string>("id"), busyId = busy->getValue<std::string>("id");
    op.post("cases/" + busyId + "/actions/schedule", R"({"fields":{"visit":"12.03, 10:00"}})", 200);

    // Nothing is due yet.
    CHECK(service.runTimers(*t, now) == 0);

    // Twenty days later two instances' timer workers run their passes at once: the idle case closes once, the
    // scheduled one is overdue once.
    Database second(w.db.url(), 2);
    CaseService other(second);
    const long long later = now + 20 * 86400;
    {
        CaseTimers one(service, w.tenants, [later] { return later; });
        CaseTimers two(other, w.tenants, [later] { return later; });
        one.start();
        two.start();
        for (int i = 0; i < 500 && (one.passes() < 1 || two.passes() < 1); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        REQUIRE(one.passes() >= 1);
        REQUIRE(two.passes() >= 1);
    }
    service.runTimers(*t, later + 60);
    CHECK(w.text("SELECT state FROM cases WHERE case_id = '" + idleId + "'") == "expired");
    CHECK(w.scalar("SELECT COUNT(*) FROM case_history WHERE case_id = '" + idleId + "' AND actor_role = 'timer'") == 1);
    CHECK(w.scalar("SELECT overdue FROM cases WHERE case_id = '" + busyId + "'") == 1);
    CHECK(w.scalar("SELECT COUNT(*) FROM notifications WHERE tenant_id = 'grid6' AND kind = 'case_overdue' AND refs LIKE '%" + busyId +
                   "%'") == 1);
    CHECK(w.scalar("SELECT COUNT(*) FROM notifications WHERE tenant_id = 'grid6' AND kind = 'case_changed' AND refs LIKE '%" + idleId +
                   "%'") == 1);
    auto view = c.get("cases/" + idleId);
    CHECK(view->getArray("history")->getObject(1)->getObject("actor")->getValue<std::string>("name") == "Автоматически");
    auto ops = op.get("operator/cases?overdue=1");
    CHECK(caseIds(ops) == std::vector<std::string>{busyId});
    // Due within ten days: the scheduled case (5 working days), not the closed one.
    CHECK(caseIds(op.get("operator/cases?due_to=" + mskDate(now + 10 * 86400))) == std::vector<std::string>{busyId});
    CHECK(caseIds(op.get("operator/cases?due_to=" + mskDate(now - 86400))).empty());
}

TEST_CASE("cases: a sixth kind declared in a tenant's Lua alone is filed and moved through its own workflow", "[cases]") {
    auto& w = world();
    Client c = consumer(w, "grid6");
    Client op = operatorOf(w, "grid6");
    auto kinds = c.get("case-kinds");
    REQUIRE(kinds->getArray("kinds")->size() == 1);
    auto kind = kinds->getArray("kinds")->getObject(0);
    CHECK(kind->getValue<std::string>("label") == "Заявка на поверку прибора учёта");
    CHECK(kinds->getArray("groups")->getObject(0)->getValue<std::string>("label") == "Поверка приборов учёта");

    auto r = c.form("cases", {{"kind", "meter_check"}, {"fields", R"({"serial":"0123456","text":"Счётчик в подъезде."})"}},
                    {{"doc.photo", "счётчик.pdf", pdf("photo"), "application/pdf"}});
    INFO(r.body);
    REQUIRE(r.status == 201);
    auto filed = obj(r.body);
    const std::string id = filed->getValue<std::string>("id");
    CHECK(filed->getValue<std::string>("number_text").rfind("П-", 0) == 0);
    CHECK(filed->getValue<long long>("number") >= 500);

    // The deadline: 5 working days by the tenant's production calendar, to 24:00 Moscow time.
    auto t = w.tenants.find("grid6");
    const long long filedAt = w.scalar("SELECT filed_at FROM cases WHERE case_id = '" + id + "'");
    auto view = c.get("cases/" + id);
    REQUIRE(view->getArray("deadlines")->size() == 1);
    CHECK(view->getArray("deadlines")->getObject(0)->getValue<long long>("due_at") ==
          TenantCalendars::of(*t).deadline(filedAt, 5, ProductionCalendar::Unit::Working, 3 * 3600));
    CHECK(view->getArray("deadlines")->getObject(0)->getValue<std::string>("label") == "Срок поверки");
    CHECK(actionIds(view).empty());

    // Who may: the consumer may not schedule; the operator schedules with the visit's date.
    CHECK(c.call("POST", "cases/" + id + "/actions/schedule", R"({"fields":{"visit":"завтра"}})").status == 403);
    auto ov = op.get("cases/" + id);
    CHECK(actionIds(ov) == std::vector<std::string>{"schedule"});
    ov = op.post("cases/" + id + "/actions/schedule", R"({"fields":{"visit":"12 марта, 10:00"}})", 200);
    CHECK(ov->getObject("state")->getValue<std::string>("label") == "Назначен визит");
    // The guard: not done before the consumer confirms (409 with the tenant's reason).
    auto refused = op.call("POST", "cases/" + id + "/actions/done", R"({"comment":"Поверено"})");
    CHECK(refused.status == 409);
    CHECK(obj(refused.body)->getValue<std::string>("message") == "Поверку можно отметить только после подтверждения визита");
    // The consumer confirms; the operator marks it done, a comment required.
    view = c.get("cases/" + id);
    CHECK(actionIds(view) == std::vector<std::string>{"confirm"});
    c.post("cases/" + id + "/actions/confirm", "{}", 200);
    // While the visit is pending the applicant adds a photo and writes a message with a file; staff are told.
    auto added = c.form("cases/" + id + "/documents", {{"type", "photo"}}, {{"file", "щиток.pdf", pdf("board"), "application/pdf"}});
    INFO(added.body);
    REQUIRE(added.status == 201);
    CHECK(obj(added.body)->getObject("document")->getValue<std::string>("type_label") == "Фотография счётчика");
    CHECK(c.form("cases/" + id + "/documents", {{"type", "act"}}, {{"file", "акт.pdf", pdf(), "application/pdf"}}).status == 422);
    auto note = c.form("cases/" + id + "/messages", {{"text", "Ключ от щитка у соседа."}}, {{"file", "схема.pdf", pdf("map"), "application/pdf"}});
    INFO(note.body);
    REQUIRE(note.status == 201);
    CHECK(obj(note.body)->getObject("message")->getArray("documents")->size() == 1);
    CHECK(w.scalar("SELECT COUNT(*) FROM notifications WHERE tenant_id = 'grid6' AND kind = 'case_message' AND refs LIKE '%" + id + "%'") == 1);
    auto noComment = op.call("POST", "cases/" + id + "/actions/done", "{}");
    CHECK(noComment.status == 422);
    CHECK_FALSE(field(noComment, "comment").empty());
    ov = op.post("cases/" + id + "/actions/done", R"({"comment":"Счётчик поверен, пломба установлена."})", 200);
    CHECK(ov->getObject("state")->getValue<std::string>("label") == "Поверка выполнена");
    auto history = ov->getArray("history");
    REQUIRE(history->size() == 4);
    CHECK(history->getObject(3)->getValue<std::string>("comment") == "Счётчик поверен, пломба установлена.");
    CHECK(w.scalar("SELECT answered_on_time FROM cases WHERE case_id = '" + id + "'") == 1);
    CHECK(ov->getArray("documents")->size() == 3);
    CHECK(c.form("cases/" + id + "/documents", {{"type", "photo"}}, {{"file", "поздно.pdf", pdf(), "application/pdf"}}).status == 409);
    // The state's on_enter hook: a value set on the case, and the survey offered to the applicant (told once).
    CHECK(w.text("SELECT fields FROM cases WHERE case_id = '" + id + "'").find("\"checked_on\"") != std::string::npos);
    view = c.get("cases/" + id);
    REQUIRE_FALSE(view->get("offer").isEmpty());
    CHECK(view->getObject("offer")->getValue<std::string>("label") == "Оценка поверки");
    CHECK(w.scalar("SELECT COUNT(*) FROM notifications WHERE tenant_id = 'grid6' AND kind = 'case_offer' AND refs LIKE '%" + id + "%'") == 1);
    CHECK(c.call("POST", "cases", R"({"kind":"check_survey","fields":{"quality":5}})").status == 422);
    auto offered = c.get("case-kinds?offer=" + id)->getArray("kinds");
    REQUIRE(offered->size() == 2);
    CHECK(offered->getObject(1)->getValue<std::string>("id") == "check_survey");
    auto rated = c.post("cases", R"({"kind":"check_survey","fields":{"quality":5},"parent":")" + id + R"("})", 201);
    CHECK(rated->getObject("state")->getValue<bool>("final"));
    CHECK(c.get("cases/" + id)->get("offer").isEmpty());
    auto again = c.call("POST", "cases", R"({"kind":"check_survey","fields":{"quality":4},"parent":")" + id + R"("})");
    CHECK(again.status == 422);
    CHECK_FALSE(field(again, "parent").empty());

    // Working days count past the holiday of 9 March 2026: filed on Monday 2 March, due at the end of 10 March.
    CaseService service(w.direct);
    std::istringstream in(pdf("photo"));
    auto early = service.file(*t, session(c), body(R"({"kind":"meter_check","fields":{"serial":"B-1","text":"Март"}})"), photo(in),
                              msk(2026, 3, 2, 10, 0));
    CHECK(w.scalar("SELECT due_at FROM case_deadlines WHERE case_id = '" + early->getValue<std::string>("id") + "'") == msk(2026, 3, 11, 0, 0));
    // Assigned to the operator: the operators' list by assignee.
    op.post("operator/cases/" + id + "/assign", R"({"assignee":")" + op.userId + R"("})", 200);
    CHECK(caseIds(op.get("operator/cases?assignee=me")) == std::vector<std::string>{id});
}
