/// Tenant-scoped public routes: the tenant profile, its registration form and dictionaries, registration
/// validation, and the loaded plugins.
#include "api/TenantSpecs.h"
#include "tenants/FormInput.h"
#include "http/Router.h"
#include "lua/LuaJson.h"
#include "server/Services.h"
#include "util/Error.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <set>
#include <sstream>

namespace kabinet {

namespace {
std::string toText(const Poco::JSON::Object& o) {
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

} // namespace

void registerTenantRoutes(Router& r, Services& s) {
    r.add("GET", "/api/v1/tenant", true, spec::tenantProfile(), [](Request& q) { return Response::json(200, q.tenant->profileJson()); });

    r.add("GET", "/api/v1/forms/registration", true, spec::registrationForm(),
          [](Request& q) { return Response::json(200, q.tenant->registrationFormJson()); });

    r.add("GET", "/api/v1/dictionaries/{name}", true, spec::dictionary(), [](Request& q) {
        const std::string& name = q.params["name"];
        if (name.size() > 64) throw NotFound("dictionary_not_found", "Справочник не найден");
        std::string json = q.tenant->dictionaryJson(name);
        if (json.empty()) throw NotFound("dictionary_not_found", "Справочник «" + name + "» не найден");
        return Response::json(200, json);
    });

    r.add("POST", "/api/v1/forms/registration/validate", true, spec::validateRegistration(), [](Request& q) {
        FormInput in = readForm(*q.tenant, q.jsonObject().extract<Poco::JSON::Object::Ptr>());
        mergeTenantErrors(*q.tenant, q.tenant->validateRegistration(in.kind, in.fields), in.errors);
        if (!in.errors.empty()) throw Unprocessable(in.errors);
        return Response::json(200, "{\"ok\":true}");
    });

    r.add("GET", "/api/v1/forms/profile", true, spec::profileForm(), [](Request& q) { return Response::json(200, q.tenant->profileFormJson()); });

    r.add("GET", "/api/v1/plugins", true, Access::TenantAdmin, spec::plugins(), [&s](Request&) {
        Poco::JSON::Object o;
        Poco::JSON::Array::Ptr loaded = new Poco::JSON::Array;
        for (const auto& p : s.plugins->plugins()) {
            Poco::JSON::Object::Ptr e = new Poco::JSON::Object;
            e->set("name", p->manifest.name);
            e->set("kind", p->manifest.kind);
            e->set("version", p->manifest.version);
            e->set("abi", p->manifest.abi);
            e->set("status", p->manifest.status);
            loaded->add(e);
        }
        Poco::JSON::Array::Ptr failed = new Poco::JSON::Array;
        for (const auto& f : s.plugins->failures()) {
            Poco::JSON::Object::Ptr e = new Poco::JSON::Object;
            e->set("folder", f.folder);
            e->set("error", f.error);
            failed->add(e);
        }
        o.set("plugins", loaded);
        o.set("failed", failed);
        return Response::json(200, toText(o));
    });
}

} // namespace kabinet
