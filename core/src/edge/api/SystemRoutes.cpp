/// Routes outside any tenant: health and metrics.
#include "http/Router.h"
#include "server/Services.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <sstream>

namespace kabinet {

void registerSystemRoutes(Router& r, Services& s) {
    r.add("GET", "/healthz", false, [&s](Request&) {
        Poco::JSON::Object o;
        std::string reason;
        const bool up = s.db->ping(reason);
        o.set("status", up ? "ok" : "unavailable");
        o.set("database", s.db->backendName());
        Poco::JSON::Array::Ptr tenants = new Poco::JSON::Array;
        for (const auto& id : s.tenants->ids()) tenants->add(id);
        o.set("tenants", tenants);
        Poco::JSON::Array::Ptr plugins = new Poco::JSON::Array;
        for (const auto& p : s.plugins->plugins()) plugins->add(p->manifest.name);
        o.set("plugins", plugins);
        if (!up) o.set("reason", reason);
        std::ostringstream out;
        o.stringify(out);
        return Response::json(up ? 200 : 503, out.str());
    });
    r.add("GET", "/metrics", false, [&s](Request&) {
        Response resp;
        resp.contentType = "text/plain; version=0.0.4; charset=utf-8";
        resp.body = s.metrics.render();
        return resp;
    });
}

} // namespace kabinet
