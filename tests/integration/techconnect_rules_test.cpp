// The rules of tech-connection applications on the backend of this run (issue 13): a ВОЭК application whose invoice
// is not paid within 5 working days annuls itself — the test clock crosses a weekend and the transfer of 8 March 2026
// to Monday 9 March — and the applicant and the operators are told; an applicant under 44-ФЗ gets 15 working days
// (a term chosen by a form value); power over the chosen kind's limit and a missing required document are refused
// with Russian reasons naming the field, and nothing is stored.
#include "techconnect_world.h"

#include "tenants/Tenant.h"

using namespace techconnect_test;

namespace {

/// Files an application of `kind` through the service at `filed`, checks it and places the offer at `placed`; returns
/// the case id.
std::string offerPlaced(Tenant& t, CaseService& service, const Client& c, const std::string& applicantKind, const Client& op,
                        const std::string& kind, const std::string& form, const std::vector<std::string>& documents, long long filed,
                        long long placed) {
    Uploads up(documents);
    auto filedCase = service.file(t, session(c, "consumer", applicantKind), obj(R"({"kind":")" + kind + R"(","fields":)" + form + "}"),
                                  up.list, filed);
    const std::string id = filedCase->getValue<std::string>("id");
    service.act(t, session(op, "tenant-admin"), id, "check", obj("{}"), {}, filed + 3600);
    Uploads offer({"contract_terms", "tech_conditions", "invoice"});
    auto view = service.act(t, session(op, "tenant-admin"), id, "place_offer",
                            obj(R"({"fields":{"tu_number":"ТУ-5/26","tu_date":"2026-03-06"}})"), offer.list, placed);
    REQUIRE(stateOf(view) == "offer");
    return id;
}

std::string stateIn(World& w, const std::string& id) { return w.text("SELECT state FROM cases WHERE case_id = '" + id + "'"); }

} // namespace

TEST_CASE("techconnect: a ВОЭК application annuls itself 5 working days after the invoice, across a weekend and a moved holiday",
          "[techconnect]") {
    auto& w = world();
    Client c = consumer(w, "voek");
    Client op = operatorOf(w, "voek");
    auto t = w.tenants.find("voek");
    REQUIRE(t);
    CaseService service(w.direct);
    // Placed on Friday 6 March 2026. Working days after it: Tue 10 (Mon 9 is the day off moved from Sunday 8 March),
    // Wed 11, Thu 12, Fri 13, then — after the weekend — Mon 16: the term ends at 24:00 of Monday 16 March.
    const std::string id = offerPlaced(*t, service, c, "individual", op, "tc_person", personForm("person_150", "40", "0", "new", "ОАО «Владимирэнергосбыт»"),
                                       {"signed_application", "title_document", "id_copy", "site_plan"}, msk(2026, 3, 2, 10, 0),
                                       msk(2026, 3, 6, 15, 0));
    auto view = service.view(*t, session(c, "consumer"), id, msk(2026, 3, 6, 15, 0));
    CHECK(due(view, "payment") == msk(2026, 3, 17, 0, 0));

    for (long long at : {msk(2026, 3, 12, 12, 0), msk(2026, 3, 14, 0, 1), msk(2026, 3, 16, 23, 59)}) {
        service.runTimers(*t, at);
        INFO(at);
        CHECK(stateIn(w, id) == "offer");
    }
    CHECK(notices(w, c.userId, "case_changed", id) == 2); // the check and the offer
    service.runTimers(*t, msk(2026, 3, 17, 0, 1));
    CHECK(stateIn(w, id) == "annulled_unpaid");
    service.runTimers(*t, msk(2026, 3, 17, 0, 2));
    CHECK(w.scalar("SELECT COUNT(*) FROM case_history WHERE case_id = '" + id + "' AND actor_role = 'timer'") == 1);

    // The applicant is told of the change, the operators why (the annulled state's enter hook).
    CHECK(notices(w, c.userId, "case_changed", id) == 3);
    CHECK(notices(w, op.userId, "case_annulled", id) == 1);
    CHECK(notices(w, c.userId, "case_annulled", id) == 0);
    auto seen = c.get("cases/" + id);
    CHECK(seen->getObject("state")->getValue<std::string>("label") == "Аннулирована (неоплата)");
    CHECK(seen->getObject("state")->getValue<bool>("final"));
    CHECK(caseIds(c.get("cases?open=0")) == std::vector<std::string>{id});
}

TEST_CASE("techconnect: an applicant under 44-ФЗ gets 15 working days to pay", "[techconnect]") {
    auto& w = world();
    Client c(w, "voek");
    c.email = unique("ul") + "@example.ru";
    auto r = c.call("POST", "registration",
                    R"({"kind":"legal_entity","fields":{"inn":"7707083893","ogrn":"1027700132195","email":")" + c.email +
                        R"(","password":"Secret123","password_confirm":"Secret123","phone":"+79001112233"},"consents":["personal_data"]})");
    INFO(r.body);
    REQUIRE(r.status == 201);
    c.findId(w);
    w.direct.transaction([&](soci::session& s) {
        s << "UPDATE users SET state = 'active', email_verified = 1 WHERE tenant_id = 'voek' AND user_id = :u", soci::use(c.userId);
    });
    Client op = operatorOf(w, "voek");
    auto t = w.tenants.find("voek");
    REQUIRE(t);
    CaseService service(w.direct);
    const std::string form =
        R"({"application_type":"new","service_kind":"business_150","contract_kind":"supply","supplier":"ОАО «Владимирэнергосбыт»",)"
        R"("object_type":"non_residential",)"
        R"("object_name":"Склад","address":"Владимир, ул. Мира, д. 1","power_requested":"120","power_previous":"0","power_total":"120",)"
        R"("voltage":"0.4",)"
        R"("reliability":"3","org_full_name":"ПАО Сбербанк","inn":"7707083893","egr_record":"1027700132195",)"
        R"("egr_record_date":"2002-08-16","postal_address":"Москва, ул. Вавилова, д. 19","phone":"+79001112233",)"
        R"("procurement_law":true})";
    const std::string id = offerPlaced(*t, service, c, "legal_entity", op, "tc_business", form,
                                       {"signed_application", "title_document", "site_plan", "founding_documents"},
                                       msk(2026, 3, 2, 10, 0), msk(2026, 3, 6, 15, 0));
    // 15 working days after Friday 6 March 2026 (Mon 9 off): 10–13, 16–20, 23–27 and Monday 30 March.
    auto view = service.view(*t, session(c, "consumer", "legal_entity"), id, msk(2026, 3, 6, 15, 0));
    CHECK(due(view, "payment") == msk(2026, 3, 31, 0, 0));
    CHECK(shown(view, "procurement_law") == "Да");
    for (long long at : {msk(2026, 3, 17, 0, 1), msk(2026, 3, 30, 23, 59)}) {
        service.runTimers(*t, at);
        CHECK(stateIn(w, id) == "offer");
    }
    service.runTimers(*t, msk(2026, 3, 31, 0, 1));
    CHECK(stateIn(w, id) == "annulled_unpaid");
}

TEST_CASE("techconnect: power over the kind's limit and a missing required document are refused in Russian; nothing is stored",
          "[techconnect]") {
    auto& w = world();
    Client c = consumer(w, "vges");
    const long long before = stored(w, "vges");
    const std::vector<std::string> all{"title_document", "id_copy", "site_plan"};

    // 20 kW for an individual's household connection (up to 15 kW with the power connected before).
    auto r = c.form("cases", {{"kind", "tc_person"}, {"fields", personForm("individual_15", "20")}}, docs(all));
    INFO(r.body);
    CHECK(r.status == 422);
    CHECK(field(r, "power_requested").find("не более 15 кВт") != std::string::npos);
    // 10 kW now and 8 kW connected before: 18 kW in all.
    r = c.form("cases", {{"kind", "tc_person"}, {"fields", personForm("individual_15", "10", "8", "increase")}}, docs(all));
    CHECK(r.status == 422);
    CHECK(field(r, "power_requested").find("18") != std::string::npos);
    // The site plan left out.
    r = c.form("cases", {{"kind", "tc_person"}, {"fields", personForm("individual_15", "12")}}, docs({"title_document", "id_copy"}));
    CHECK(r.status == 422);
    CHECK(field(r, "doc.site_plan").find("План расположения") != std::string::npos);
    CHECK(stored(w, "vges") == before);
}

TEST_CASE("techconnect: a third variant from a test tenant's Lua alone skips the inspection up to 15 kW", "[techconnect]") {
    auto& w = world();
    Client c(w, "grid7");
    c.email = unique("tp") + "@example.ru";
    auto r = c.call("POST", "registration",
                    R"({"kind":"individual","fields":{"email":")" + c.email +
                        R"(","password":"Secret123","full_name":"Сидоров Сидор Сидорович","phone":"+79001234567"}})");
    INFO(r.body);
    REQUIRE(r.status == 201);
    if (c.csrf.empty()) REQUIRE(c.login(c.email, "Secret123").status == 200);
    c.findId(w);
    Client op = operatorOf(w, "grid7");
    const std::vector<std::string> all{"title_document", "id_copy", "site_plan"};

    // Each application up to the applicant's readiness: a small one and a temporary one of 40 kW.
    auto upToMeasures = [&](const std::string& form) {
        auto filed = c.form("cases", {{"kind", "tc_person"}, {"fields", form}}, docs(all));
        INFO(filed.body);
        REQUIRE(filed.status == 201);
        const std::string id = obj(filed.body)->getValue<std::string>("id");
        CHECK(obj(filed.body)->getValue<std::string>("number_text").rfind("ТП-", 0) == 0);
        op.post("cases/" + id + "/actions/check", "{}", 200);
        auto placed = op.form("cases/" + id + "/actions/place_offer", {{"fields", R"({"tu_number":"7/26","tu_date":"2026-03-06"})"}},
                              docs({"contract_terms", "tech_conditions", "invoice"}));
        INFO(placed.body);
        REQUIRE(placed.status == 200);
        op.post("cases/" + id + "/actions/paid", "{}", 200);
        return id;
    };
    const std::string small = upToMeasures(personForm("individual_15", "12", "0", "new", "Сбыт"));
    std::string big = personForm("temporary_150", "40", "0", "new", "Сбыт");
    big.insert(big.size() - 1, R"(,"temporary_term":"6 месяцев")");
    const std::string large = upToMeasures(big);

    // Up to 15 kW «Сообщить о готовности» leads straight to the actual connection; above, to the inspection.
    auto acts = actionIds(c.get("cases/" + small));
    CHECK(std::find(acts.begin(), acts.end(), "ready_direct") != acts.end());
    CHECK(std::find(acts.begin(), acts.end(), "ready") == acts.end());
    CHECK(stateOf(c.post("cases/" + small + "/actions/ready_direct", "{}", 200)) == "connecting");
    acts = actionIds(c.get("cases/" + large));
    CHECK(std::find(acts.begin(), acts.end(), "ready") != acts.end());
    CHECK(std::find(acts.begin(), acts.end(), "ready_direct") == acts.end());
    auto refused = c.call("POST", "cases/" + large + "/actions/ready_direct", "{}");
    CHECK(refused.status == 409);
    CHECK(obj(refused.body)->getValue<std::string>("message").find("проверка") != std::string::npos);
    CHECK(stateOf(c.post("cases/" + large + "/actions/ready", "{}", 200)) == "inspection");

    // Completed: the account comes from the tenant's own register.
    auto done = op.form("cases/" + small + "/actions/complete", {}, docs({"act"}));
    INFO(done.body);
    REQUIRE(done.status == 200);
    const std::string account = shown(obj(done.body), "account_number");
    CHECK(account == "7000001");
    auto points = c.get("points")->getArray("points");
    REQUIRE(points->size() == 1);
    CHECK(points->getObject(0)->getValue<std::string>("account") == account);
    CHECK(stage(c.get("cases/" + small), "conditions")->get("reached_at").isEmpty()); // never inspected
}
