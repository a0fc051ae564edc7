/// Routes of cases (docs/API.md, "Cases").
#include "api/CaseSpecs.h"
#include "api/Routes.h"
#include "http/FileAnswer.h"
#include "http/Multipart.h"
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

/// A request's form: the JSON object body, or a multipart form's text parts as members and its files as uploads
/// (streams over the request's body, which outlives the form).
struct Form {
    Obj body;
    std::vector<CaseUpload> uploads;
    std::vector<std::unique_ptr<std::istream>> streams;
    std::unique_ptr<MultipartForm> parts;
};

std::unique_ptr<Form> form(Request& q) {
    auto f = std::make_unique<Form>();
    if (!MultipartForm::isMultipart(q)) {
        f->body = q.jsonObject().extract<Obj>();
        return f;
    }
    f->parts = std::make_unique<MultipartForm>(MultipartForm::parse(q));
    f->body = new Poco::JSON::Object;
    for (const auto& [k, v] : f->parts->fields()) f->body->set(k, v);
    for (const auto& file : f->parts->files()) {
        f->streams.push_back(file.open());
        f->uploads.push_back(CaseUpload{file.field, file.fileName, f->streams.back().get()});
    }
    return f;
}
} // namespace

void registerCaseRoutes(Router& r, Services& s) {
    r.add("GET", "/api/v1/case-kinds", true, Access::User, spec::caseKinds(),
          [&s](Request& q) { return json(200, s.cases->kinds(*q.tenant, *q.session, query(q))); });
    r.add("POST", "/api/v1/cases", true, Access::User, spec::fileCase(), [&s](Request& q) {
        auto f = form(q);
        return json(201, s.cases->file(*q.tenant, *q.session, f->body, f->uploads, now()));
    });
    r.add("GET", "/api/v1/cases", true, Access::User, spec::cases(),
          [&s](Request& q) { return json(200, s.cases->list(*q.tenant, *q.session, query(q), false)); });
    r.add("GET", "/api/v1/cases/{id}", true, Access::User, spec::caseView(),
          [&s](Request& q) { return json(200, s.cases->view(*q.tenant, *q.session, q.params["id"], now())); });
    r.add("POST", "/api/v1/cases/{id}/actions/{action}", true, Access::User, spec::caseAction(), [&s](Request& q) {
        auto f = form(q);
        return json(200, s.cases->act(*q.tenant, *q.session, q.params["id"], q.params["action"], f->body, f->uploads, now()));
    });
    r.add("POST", "/api/v1/cases/{id}/documents", true, Access::User, spec::caseDocument(), [&s](Request& q) {
        auto f = form(q);
        const std::string type = f->body->has("type") ? f->body->get("type").convert<std::string>() : std::string();
        if (type.empty()) throw Unprocessable({{"type", "Выберите вид документа"}});
        CaseUpload file;
        for (const auto& u : f->uploads)
            if (u.part == "file") file = u;
        if (!file.in) throw Unprocessable({{"file", "Приложите файл"}});
        return json(201, s.cases->addDocument(*q.tenant, *q.session, q.params["id"], type, file, now()));
    });
    r.add("GET", "/api/v1/cases/{id}/documents/{doc}", true, Access::User, spec::caseFile(), [&s](Request& q) {
        const CaseFile f = s.cases->document(*q.tenant, *q.session, q.params["id"], q.params["doc"]);
        auto tenant = q.tenant;
        return fileAnswer(f.contentType, f.name, f.size,
                          [&s, tenant, id = f.documentId](std::ostream& out) { s.cases->copyDocument(*tenant, id, out); });
    });
    r.add("POST", "/api/v1/cases/{id}/messages", true, Access::User, spec::caseMessage(), [&s](Request& q) {
        auto f = form(q);
        return json(201, s.cases->addMessage(*q.tenant, *q.session, q.params["id"], f->body, f->uploads, now()));
    });
    r.add("GET", "/api/v1/operator/cases", true, Access::Operator, spec::operatorCases(),
          [&s](Request& q) { return json(200, s.cases->list(*q.tenant, *q.session, query(q), true)); });
    r.add("POST", "/api/v1/operator/cases/{id}/assign", true, Access::Operator, spec::assignCase(), [&s](Request& q) {
        return json(200, s.cases->assign(*q.tenant, *q.session, q.params["id"], q.jsonObject().extract<Obj>(), now(), q.clientAddress));
    });
}

} // namespace kabinet
