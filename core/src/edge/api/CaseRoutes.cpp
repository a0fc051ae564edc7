/// Routes of cases (docs/API.md, "Cases").
#include "api/CaseSpecs.h"
#include "api/Routes.h"
#include "server/Services.h"
#include "util/Error.h"

#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <ctime>
#include <sstream>

namespace kabinet {

namespace {
using Obj = Poco::JSON::Object::Ptr;

Response json(int status, const Obj& o) {
    std::ostringstream out;
    o->stringify(out);
    Response r = Response::json(status, out.str());
    r.headers.push_back({"Cache-Control", "no-store"});
    return r;
}

CaseService::Query query(const Request& q) {
    CaseService::Query out;
    if (q.query.size() > 2000) throw BadRequest("query_too_long", "Слишком длинная строка запроса");
    try {
        for (const auto& [k, v] : Poco::URI("/?" + q.query).getQueryParameters()) out[k] = v;
    } catch (const Poco::Exception&) {
        throw BadRequest("malformed_query", "Некорректные параметры запроса");
    }
    return out;
}

long long now() { return static_cast<long long>(std::time(nullptr)); }

/// A request's form: the JSON object body, with no files.
struct Form {
    Obj body;
    std::vector<CaseUpload> uploads;
};

Form form(Request& q) {
    Form f;
    f.body = q.jsonObject().extract<Obj>();
    return f;
}
} // namespace

void registerCaseRoutes(Router& r, Services& s) {
    r.add("GET", "/api/v1/case-kinds", true, Access::User, spec::caseKinds(),
          [&s](Request& q) { return json(200, s.cases->kinds(*q.tenant, *q.session, query(q))); });
    r.add("POST", "/api/v1/cases", true, Access::User, spec::fileCase(), [&s](Request& q) {
        Form f = form(q);
        return json(201, s.cases->file(*q.tenant, *q.session, f.body, f.uploads, now()));
    });
    r.add("GET", "/api/v1/cases", true, Access::User, spec::cases(),
          [&s](Request& q) { return json(200, s.cases->list(*q.tenant, *q.session, query(q), false)); });
    r.add("GET", "/api/v1/cases/{id}", true, Access::User, spec::caseView(),
          [&s](Request& q) { return json(200, s.cases->view(*q.tenant, *q.session, q.params["id"], now())); });
    r.add("POST", "/api/v1/cases/{id}/actions/{action}", true, Access::User, spec::caseAction(), [&s](Request& q) {
        Form f = form(q);
        return json(200, s.cases->act(*q.tenant, *q.session, q.params["id"], q.params["action"], f.body, f.uploads, now()));
    });
    r.add("POST", "/api/v1/cases/{id}/documents", true, Access::User, spec::caseDocument(), [&s](Request& q) {
        Form f = form(q);
        std::string type = f.body && f.body->has("type") ? f.body->getValue<std::string>("type") : std::string();
        CaseUpload file;
        for (const auto& u : f.uploads)
            if (u.part == "file") file = u;
        if (!file.in) throw Unprocessable({{"file", "Приложите файл"}});
        return json(201, s.cases->addDocument(*q.tenant, *q.session, q.params["id"], type, file, now()));
    });
    r.add("GET", "/api/v1/cases/{id}/documents/{doc}", true, Access::User, spec::caseFile(), [&s](Request& q) {
        const CaseFile f = s.cases->document(*q.tenant, *q.session, q.params["id"], q.params["doc"]);
        std::ostringstream out;
        s.cases->copyDocument(*q.tenant, f.documentId, out);
        Response r;
        r.status = 200;
        r.body = out.str();
        r.contentType = f.contentType;
        return r;
    });
    r.add("POST", "/api/v1/cases/{id}/messages", true, Access::User, spec::caseMessage(), [&s](Request& q) {
        Form f = form(q);
        return json(201, s.cases->addMessage(*q.tenant, *q.session, q.params["id"], f.body, f.uploads, now()));
    });
    r.add("GET", "/api/v1/operator/cases", true, Access::Operator, spec::operatorCases(),
          [&s](Request& q) { return json(200, s.cases->list(*q.tenant, *q.session, query(q), true)); });
    r.add("POST", "/api/v1/operator/cases/{id}/assign", true, Access::Operator, spec::assignCase(), [&s](Request& q) {
        return json(200, s.cases->assign(*q.tenant, *q.session, q.params["id"], q.jsonObject().extract<Obj>(), now()));
    });
}

} // namespace kabinet
