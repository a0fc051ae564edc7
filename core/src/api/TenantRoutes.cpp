/// Tenant-scoped public routes: the tenant profile, its registration form and dictionaries, registration
/// validation, and the loaded plugins.
#include "http/Router.h"
#include "lua/LuaJson.h"
#include "server/Services.h"
#include "util/Error.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <set>
#include <sstream>

namespace kabinet {

using FieldErrors = std::map<std::string, std::string>;

namespace {
std::string toText(const Poco::JSON::Object& o) {
    std::ostringstream out;
    o.stringify(out);
    return out.str();
}

/// Ids of the consents the tenant's registration form marks as required.
std::vector<std::string> requiredConsents(const Tenant& t) {
    std::vector<std::string> ids;
    auto form = luajson::parse(t.registrationFormJson());
    auto obj = form.extract<Poco::JSON::Object::Ptr>();
    if (auto consents = obj->getArray("consents"))
        for (const auto& c : *consents) {
            auto co = c.extract<Poco::JSON::Object::Ptr>();
            if (co->optValue<bool>("required", false)) ids.push_back(co->optValue<std::string>("id", ""));
        }
    return ids;
}
} // namespace

void registerTenantRoutes(Router& r, Services& s) {
    r.add("GET", "/api/v1/tenant", true, [](Request& q) { return Response::json(200, q.tenant->profileJson()); });

    r.add("GET", "/api/v1/forms/registration", true,
          [](Request& q) { return Response::json(200, q.tenant->registrationFormJson()); });

    r.add("GET", "/api/v1/dictionaries/{name}", true, [](Request& q) {
        const std::string& name = q.params["name"];
        if (name.size() > 64) throw NotFound("dictionary_not_found", "Справочник не найден");
        std::string json = q.tenant->dictionaryJson(name);
        if (json.empty()) throw NotFound("dictionary_not_found", "Справочник «" + name + "» не найден");
        return Response::json(200, json);
    });

    r.add("POST", "/api/v1/forms/registration/validate", true, [](Request& q) {
        auto body = q.jsonObject().extract<Poco::JSON::Object::Ptr>();
        std::map<std::string, std::string> errors;
        auto kind = body->get("kind");
        if (kind.isEmpty() || !kind.isString() || kind.convert<std::string>().empty())
            throw Unprocessable(FieldErrors{{"kind", "Укажите вид заявителя"}});
        auto fields = body->get("fields");
        if (fields.isEmpty()) fields = Poco::JSON::Object::Ptr(new Poco::JSON::Object);
        if (fields.type() != typeid(Poco::JSON::Object::Ptr))
            throw Unprocessable(FieldErrors{{"fields", "Поле fields должно быть объектом"}});
        errors = q.tenant->validateRegistration(kind.convert<std::string>(), fields);
        // Consents the tenant requires (152-ФЗ).
        std::set<std::string> given;
        auto consents = body->get("consents");
        if (!consents.isEmpty()) {
            if (consents.type() != typeid(Poco::JSON::Array::Ptr))
                throw Unprocessable(FieldErrors{{"consents", "Поле consents должно быть списком"}});
            for (const auto& c : *consents.extract<Poco::JSON::Array::Ptr>())
                if (c.isString()) given.insert(c.convert<std::string>());
        }
        for (const auto& id : requiredConsents(*q.tenant))
            if (!given.count(id)) errors["consents." + id] = "Необходимо дать согласие";
        if (!errors.empty()) throw Unprocessable(errors);
        return Response::json(200, "{\"ok\":true}");
    });

    r.add("GET", "/api/v1/plugins", true, [&s](Request&) {
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
