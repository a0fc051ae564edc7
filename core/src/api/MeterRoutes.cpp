/// Routes of contracts, accounts and meter data (docs/API.md, "Contracts, accounts and meter data").
#include "api/Routes.h"
#include "meters/MeterService.h"
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

Query query(const Request& q) {
    Query out;
    if (q.query.size() > 2000) throw BadRequest("query_too_long", "Слишком длинная строка запроса");
    try {
        for (const auto& [k, v] : Poco::URI("/?" + q.query).getQueryParameters()) out[k] = v;
    } catch (const Poco::Exception&) {
        throw BadRequest("malformed_query", "Некорректные параметры запроса");
    }
    return out;
}

std::string field(Request& q, const char* key) {
    auto b = q.jsonObject().extract<Poco::JSON::Object::Ptr>();
    return b->has(key) && b->get(key).isString() ? b->getValue<std::string>(key) : std::string();
}
} // namespace

void registerMeterRoutes(Router& r, Services& s) {
    r.add("GET", "/api/v1/access", true, Access::User, [&s](Request& q) { return json(200, s.meters->access(*q.tenant, *q.session)); });
    r.add("POST", "/api/v1/access/accounts", true, Access::User,
          [&s](Request& q) { return json(201, s.meters->addAccount(*q.tenant, *q.session, field(q, "number"))); });
    r.add("DELETE", "/api/v1/access/accounts/{id}", true, Access::User, [&s](Request& q) {
        s.meters->removeAccount(*q.tenant, *q.session, q.params["id"]);
        Response resp;
        resp.status = 204;
        return resp;
    });
    r.add("POST", "/api/v1/access/ogrn", true, Access::User, [&s](Request& q) { return json(200, s.meters->checkOgrn(*q.tenant, *q.session)); });
    r.add("POST", "/api/v1/access/ogrn/confirm", true, Access::User,
          [&s](Request& q) { return json(200, s.meters->confirmOgrn(*q.tenant, *q.session, field(q, "contract_number"))); });
    r.add("PATCH", "/api/v1/access/contracts/{id}", true, Access::User, [&s](Request& q) {
        s.meters->renameContract(*q.tenant, *q.session, q.params["id"], field(q, "title"));
        return Response::json(200, R"({"ok":true})");
    });

    r.add("GET", "/api/v1/points", true, Access::User, [&s](Request& q) { return json(200, s.meters->points(*q.tenant, *q.session)); });
    r.add("GET", "/api/v1/points/{id}", true, Access::User,
          [&s](Request& q) { return json(200, s.meters->point(*q.tenant, *q.session, q.params["id"])); });
    r.add("GET", "/api/v1/points/{id}/readings", true, Access::User,
          [&s](Request& q) { return json(200, s.meters->readings(*q.tenant, *q.session, q.params["id"], query(q))); });
    r.add("GET", "/api/v1/points/{id}/consumption", true, Access::User,
          [&s](Request& q) { return json(200, s.meters->consumption(*q.tenant, *q.session, q.params["id"], query(q))); });
    r.add("GET", "/api/v1/points/{id}/profile", true, Access::User,
          [&s](Request& q) { return json(200, s.meters->profile(*q.tenant, *q.session, q.params["id"], query(q))); });
    r.add("GET", "/api/v1/points/{id}/events", true, Access::User,
          [&s](Request& q) { return json(200, s.meters->events(*q.tenant, *q.session, q.params["id"], query(q))); });
    r.add("GET", "/api/v1/points/{id}/network", true, Access::User,
          [&s](Request& q) { return json(200, s.meters->network(*q.tenant, *q.session, q.params["id"], query(q))); });
    r.add("GET", "/api/v1/points/{id}/history", true, Access::User, [&s](Request& q) {
        return json(200, s.meters->history(*q.tenant, *q.session, q.params["id"], static_cast<long long>(std::time(nullptr))));
    });

    r.add("GET", "/api/v1/operator/consumers", true, Access::Operator,
          [&s](Request& q) { return json(200, s.meters->consumers(*q.tenant, query(q)["q"])); });
    r.add("POST", "/api/v1/operator/grants", true, Access::Operator, [&s](Request& q) {
        s.meters->grant(*q.tenant, *q.session, q.jsonObject().extract<Poco::JSON::Object::Ptr>(), false);
        return Response::json(201, R"({"ok":true})");
    });
    r.add("DELETE", "/api/v1/operator/grants", true, Access::Operator, [&s](Request& q) {
        s.meters->grant(*q.tenant, *q.session, q.jsonObject().extract<Poco::JSON::Object::Ptr>(), true);
        Response resp;
        resp.status = 204;
        return resp;
    });
}

} // namespace kabinet
