/// Routes outside any tenant: health, metrics and the description of the API.
#include "api/OpenApi.h"
#include "api/Routes.h"
#include "api/SystemSpecs.h"
#include "http/Router.h"
#include "server/Services.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <sstream>

namespace kabinet {

void registerSystemRoutes(Router& r, Services& s) {
    r.add("GET", "/healthz", false, spec::healthz(), [&s](Request&) {
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
        // The databases of placed tenants: each pinged, named by the tenants it holds (never by its URL).
        const auto all = s.db->all();
        bool degraded = false;
        if (all.size() > 1) {
            Poco::JSON::Array::Ptr placed = new Poco::JSON::Array;
            for (std::size_t i = 1; i < all.size(); ++i) {
                Poco::JSON::Object::Ptr d = new Poco::JSON::Object;
                Poco::JSON::Array::Ptr held = new Poco::JSON::Array;
                for (const auto& id : s.db->tenantsOn(*all[i])) held->add(id);
                d->set("tenants", held);
                std::string why;
                const bool answers = all[i]->ping(why);
                d->set("status", answers ? "ok" : "unavailable");
                if (!answers) d->set("reason", why);
                degraded = degraded || !answers;
                placed->add(d);
            }
            o.set("tenant_databases", placed);
        }
        if (up && degraded) o.set("status", "degraded");
        std::ostringstream out;
        o.stringify(out);
        return Response::json(up ? 200 : 503, out.str());
    });
    r.add("GET", "/metrics", false, spec::metrics(), [&s](Request&) {
        Response resp;
        resp.contentType = "text/plain; version=0.0.4; charset=utf-8";
        resp.body = s.metrics.render();
        resp.body += s.db->metricsText(); // store: the read replica's series
        if (s.limits) resp.body += s.limits->metricsText(); // refusals and usage of tenant limits
        return resp;
    });
}

void registerApiDescription(Router& r) {
    auto text = std::make_shared<std::string>();
    r.add("GET", "/api/v1/openapi.json", false, spec::openApi(), [text](Request&) { return Response::json(200, *text); });
    *text = openApiText(r); // every route registered so far, this one included
}

} // namespace kabinet
