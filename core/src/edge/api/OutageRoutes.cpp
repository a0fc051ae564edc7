/// Routes of outages (docs/API.md, "Outages").
#include "api/OutageSpecs.h"
#include "api/Routes.h"
#include "server/Services.h"
#include "util/Error.h"

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

OutageService::Query query(const Request& q) {
    OutageService::Query out;
    if (q.query.size() > 2000) throw BadRequest("query_too_long", "Слишком длинная строка запроса");
    try {
        for (const auto& [k, v] : Poco::URI("/?" + q.query).getQueryParameters()) out[k] = v;
    } catch (const Poco::Exception&) {
        throw BadRequest("malformed_query", "Некорректные параметры запроса");
    }
    return out;
}

long long now() { return static_cast<long long>(std::time(nullptr)); }

Poco::JSON::Object::Ptr body(Request& q) { return q.jsonObject().extract<Poco::JSON::Object::Ptr>(); }
} // namespace

void registerOutageRoutes(Router& r, Services& s) {
    r.add("GET", "/api/v1/outages", true, Access::User, spec::outages(),
          [&s](Request& q) { return json(200, s.outages->list(*q.tenant, *q.session, query(q), now())); });
    r.add("GET", "/api/v1/outages/stats", true, Access::User, spec::outageStats(),
          [&s](Request& q) { return json(200, s.outages->stats(*q.tenant, *q.session, query(q), now())); });
    // Utilities publish their outages: no login.
    r.add("GET", "/api/v1/public/outages", true, spec::publicOutages(),
          [&s](Request& q) { return json(200, s.outages->publicList(*q.tenant, query(q), now())); });
    r.add("POST", "/api/v1/operator/outages", true, Access::Operator, spec::createOutage(),
          [&s](Request& q) { return json(201, s.outages->create(*q.tenant, *q.session, body(q), now(), q.clientAddress)); });
    r.add("PATCH", "/api/v1/operator/outages/{id}", true, Access::Operator, spec::changeOutage(),
          [&s](Request& q) { return json(200, s.outages->change(*q.tenant, *q.session, q.params["id"], body(q), now(), q.clientAddress)); });
    r.add("POST", "/api/v1/operator/outages/{id}/cancel", true, Access::Operator, spec::cancelOutage(),
          [&s](Request& q) { return json(200, s.outages->cancel(*q.tenant, *q.session, q.params["id"], now(), q.clientAddress)); });
}

} // namespace kabinet
