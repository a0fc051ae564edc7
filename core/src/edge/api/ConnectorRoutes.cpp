/// Routes of the operators' page «Обмен данными» (docs/API.md, "Connectors").
#include "api/ConnectorSpecs.h"
#include "api/Routes.h"
#include "server/Services.h"
#include "util/Error.h"

#include <Poco/JSON/Object.h>
#include <Poco/NumberParser.h>
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

/// The `limit` query parameter: 1–500, 50 when absent; 422 otherwise.
int limitOf(const Request& q) {
    std::string text;
    try {
        for (const auto& [k, v] : Poco::URI("/?" + q.query).getQueryParameters())
            if (k == "limit") text = v;
    } catch (const Poco::Exception&) {
        throw BadRequest("malformed_query", "Некорректные параметры запроса");
    }
    if (text.empty()) return 50;
    int n = 0;
    if (!Poco::NumberParser::tryParse(text, n) || n < 1 || n > 500) throw Unprocessable({{"limit", "Укажите число от 1 до 500"}});
    return n;
}
} // namespace

void registerConnectorRoutes(Router& r, Services& s) {
    r.add("GET", "/api/v1/operator/connectors", true, Access::Operator, spec::connectors(),
          [&s](Request& q) { return json(200, s.connectorViews->list(*q.tenant, now())); });
    r.add("POST", "/api/v1/operator/connectors/{id}/sync", true, Access::Operator, spec::connectorSync(), [&s](Request& q) {
        const auto info = s.connectors->connector(*q.tenant, q.params["id"]);
        if (!info) throw NotFound("connector_not_found", "Такого обмена данными нет");
        s.connectors->instance(*q.tenant, q.params["id"]); // 503 when it is not configured
        s.connectors->syncNow(*q.tenant, q.params["id"], now());
        Poco::JSON::Object::Ptr o = new Poco::JSON::Object;
        o->set("ok", true);
        o->set("message", "Обмен данными «" + info->label + "» запущен");
        return json(202, o);
    });
    r.add("GET", "/api/v1/operator/connectors/{id}/log", true, Access::Operator, spec::connectorLog(),
          [&s](Request& q) { return json(200, s.connectorViews->log(*q.tenant, q.params["id"], limitOf(q))); });
    r.add("GET", "/api/v1/operator/connectors/{id}/devices", true, Access::Operator, spec::connectorDevices(),
          [&s](Request& q) { return json(200, s.connectorViews->devices(*q.tenant, q.params["id"])); });
}

} // namespace kabinet
