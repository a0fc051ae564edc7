/// Routes of the operators' broadcasts and alerts (docs/API.md, "Broadcasts and alerts").
#include "api/OperatorNoticeSpecs.h"
#include "api/Routes.h"
#include "server/Services.h"
#include "util/Error.h"

#include <Poco/JSON/Object.h>
#include <Poco/URI.h>

#include <ctime>
#include <sstream>

namespace kabinet {

namespace {
Response json(int status, const Poco::JSON::Object::Ptr& o) {
    std::ostringstream out;
    o->stringify(out);
    Response r = Response::json(status, out.str());
    r.headers.push_back({"Cache-Control", "no-store"});
    return r;
}

long long now() { return static_cast<long long>(std::time(nullptr)); }

/// A query parameter ("" when absent).
std::string param(const Request& q, const std::string& name) {
    try {
        for (const auto& [k, v] : Poco::URI("/?" + q.query).getQueryParameters())
            if (k == name) return v;
    } catch (const Poco::Exception&) {
        throw BadRequest("malformed_query", "Некорректные параметры запроса");
    }
    return "";
}
} // namespace

void registerOperatorNoticeRoutes(Router& r, Services& s) {
    r.add("POST", "/api/v1/operator/broadcasts", true, Access::Operator, spec::sendBroadcast(), [&s](Request& q) {
        auto out = s.broadcasts->send(*q.tenant, q.jsonObject().extract<Poco::JSON::Object::Ptr>(), now(), q.session->userId, q.clientAddress);
        return json(201, out);
    });
    r.add("POST", "/api/v1/operator/broadcasts/preview", true, Access::Operator, spec::previewBroadcast(), [&s](Request& q) {
        return json(200, s.broadcasts->preview(*q.tenant, q.jsonObject().extract<Poco::JSON::Object::Ptr>(), now()));
    });
    r.add("GET", "/api/v1/operator/broadcasts", true, Access::Operator, spec::broadcasts(),
          [&s](Request& q) { return json(200, s.broadcasts->history(*q.tenant)); });
    r.add("GET", "/api/v1/operator/alerts", true, Access::Operator, spec::alerts(),
          [&s](Request& q) { return json(200, s.alerts->list(*q.tenant, param(q, "state"))); });
    r.add("POST", "/api/v1/operator/alerts/{id}/acknowledge", true, Access::Operator, spec::acknowledgeAlert(),
          [&s](Request& q) { return json(200, s.alerts->acknowledge(*q.tenant, *q.session, q.params["id"], now())); });
}

} // namespace kabinet
