#pragma once
// What the tech-connection tests share (issue 13): the case tests' world (seed tenants, the fixture tenants of
// tests/fixtures/tenants-cases and tenants-techconnect), an application's form values and documents, the notices
// of a case, the service called straight with a test clock, and Moscow wall-clock moments.
#include "cases_world.h"

#include "cases/CaseService.h"
#include "identity/SessionInfo.h"

#include <ctime>
#include <memory>
#include <sstream>

namespace techconnect_test {

using namespace cases_test;

/// Notices of `kind` about case `caseId` delivered to `user`.
inline long long notices(World& w, const std::string& user, const std::string& kind, const std::string& caseId) {
    return w.scalar("SELECT COUNT(*) FROM notification_recipients r JOIN notifications n ON n.tenant_id = r.tenant_id AND "
                    "n.notification_id = r.notification_id WHERE r.user_id = '" + user + "' AND n.kind = '" + kind +
                    "' AND n.refs LIKE '%" + caseId + "%'");
}

/// Cases, history entries and documents of a tenant: what a refused request must leave as it was.
inline long long stored(World& w, const std::string& tenant) {
    return w.scalar("SELECT COUNT(*) FROM cases WHERE tenant_id = '" + tenant + "'") +
           w.scalar("SELECT COUNT(*) FROM case_history WHERE tenant_id = '" + tenant + "'") +
           w.scalar("SELECT COUNT(*) FROM documents WHERE tenant_id = '" + tenant + "'");
}

/// Unix time of a Moscow wall-clock moment.
inline long long msk(int y, int mo, int d, int h, int mi) {
    std::tm tm{};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    return static_cast<long long>(timegm(&tm)) - 3 * 3600;
}

/// The session of a logged-in client as the service sees it.
inline SessionInfo session(const Client& c, const std::string& role, const std::string& kind = "individual") {
    SessionInfo s;
    s.userId = c.userId;
    s.role = role;
    s.kind = kind;
    return s;
}

/// An individual's application form: service kind and requested power as given, the rest filled in.
inline std::string personForm(const std::string& service, const std::string& power, const std::string& previous = "0",
                              const std::string& type = "new", const std::string& supplier = "tns_voronezh") {
    return R"({"application_type":")" + type + R"(","service_kind":")" + service + R"(","contract_kind":"supply","supplier":")" + supplier + R"(",)"
           R"("object_type":"house","object_name":"Жилой дом на Лесной","address":"Воронеж, ул. Лесная, д. 5",)"
           R"("power_requested":")" + power + R"(","power_previous":")" + previous + R"(","power_total":")" +
           std::to_string(std::stoi(power) + std::stoi(previous)) + R"(","voltage":"0.4","reliability":"3",)"
           R"("full_name":"Иванов Иван Иванович","passport":"2010 123456","snils":"112-233-445 95",)"
           R"("postal_address":"394000, Воронеж, ул. Лесная, д. 5","phone":"+79601153767"})";
}

/// File parts of documents by type, each a small PDF.
inline std::vector<Part> docs(const std::vector<std::string>& types) {
    std::vector<Part> out;
    for (const auto& t : types) out.push_back({"doc." + t, t + ".pdf", pdf(t), "application/pdf"});
    return out;
}

/// Uploads for a direct service call (the streams live as long as the holder).
struct Uploads {
    std::vector<std::unique_ptr<std::istringstream>> streams;
    std::vector<CaseUpload> list;
    explicit Uploads(const std::vector<std::string>& types) {
        for (const auto& t : types) {
            streams.push_back(std::make_unique<std::istringstream>(pdf(t)));
            list.push_back(CaseUpload{"doc." + t, t + ".pdf", streams.back().get()});
        }
    }
};

/// The member `name` of the view's `fields` (its shown text), "" when absent.
inline std::string shown(const Obj& view, const std::string& name) {
    for (const auto& f : *view->getArray("fields")) {
        auto o = f.extract<Obj>();
        if (o->getValue<std::string>("name") == name) return o->getValue<std::string>("text");
    }
    return {};
}

/// The label of the view's field `name`, "" when absent.
inline std::string shownLabel(const Obj& view, const std::string& name) {
    for (const auto& f : *view->getArray("fields")) {
        auto o = f.extract<Obj>();
        if (o->getValue<std::string>("name") == name) return o->getValue<std::string>("label");
    }
    return {};
}

/// The text of list row `row`'s column `name` ("<none>" when the row has no such column).
inline std::string column(const Obj& row, const std::string& name) {
    for (const auto& c : *row->getArray("columns")) {
        auto o = c.extract<Obj>();
        if (o->getValue<std::string>("name") == name) return o->getValue<std::string>("text");
    }
    return "<none>";
}

/// The stage `id` of a view, or null.
inline Obj stage(const Obj& view, const std::string& id) {
    for (const auto& s : *view->getArray("stages"))
        if (s.extract<Obj>()->getValue<std::string>("id") == id) return s.extract<Obj>();
    return nullptr;
}

/// The due date of the view's deadline `id` (0 when it has none).
inline long long due(const Obj& view, const std::string& id) {
    for (const auto& d : *view->getArray("deadlines"))
        if (d.extract<Obj>()->getValue<std::string>("id") == id) return d.extract<Obj>()->getValue<long long>("due_at");
    return 0;
}

/// Whether the view's deadline `id` counts now (false when it has none).
inline bool running(const Obj& view, const std::string& id) {
    for (const auto& d : *view->getArray("deadlines"))
        if (d.extract<Obj>()->getValue<std::string>("id") == id) return d.extract<Obj>()->getValue<bool>("running");
    return false;
}

/// The state id of a view or list row.
inline std::string stateOf(const Obj& o) { return o->getObject("state")->getValue<std::string>("id"); }

} // namespace techconnect_test
