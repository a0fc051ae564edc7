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

constexpr std::size_t kMaxFormFields = 200;       ///< more fields than any form has
constexpr std::size_t kMaxFieldBytes = 64 * 1024; ///< the longest text a form field may carry

namespace {
std::string toText(const Poco::JSON::Object& o) {
    std::ostringstream out;
    o.stringify(out);
    return out.str();
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
        // Consents (152-ФЗ) come as a list of ids; the tenant's rules see each given one as fields[id] = true
        // and report a missing one under its id, which the API names "consents.<id>".
        auto consents = body->get("consents");
        if (!consents.isEmpty() && consents.type() != typeid(Poco::JSON::Array::Ptr))
            throw Unprocessable(FieldErrors{{"consents", "Поле consents должно быть списком"}});
        // Form values are scalars; anything else is refused here, before it reaches the tenant's scripts.
        auto given = fields.extract<Poco::JSON::Object::Ptr>();
        if (given->size() > kMaxFormFields)
            throw Unprocessable(FieldErrors{{"fields", "Слишком много полей в форме"}});
        Poco::JSON::Object::Ptr withConsents = new Poco::JSON::Object;
        for (const auto& [name, value] : *given) {
            if (value.type() == typeid(Poco::JSON::Object::Ptr) || value.type() == typeid(Poco::JSON::Array::Ptr))
                errors[name.substr(0, 64)] = "Значение должно быть строкой, числом или логическим значением";
            else if (value.isString() && value.extract<std::string>().size() > kMaxFieldBytes)
                errors[name.substr(0, 64)] = "Слишком длинное значение";
            else
                withConsents->set(name, value);
        }
        for (const auto& id : q.tenant->consentIds()) withConsents->remove(id);
        if (!consents.isEmpty())
            for (const auto& c : *consents.extract<Poco::JSON::Array::Ptr>())
                if (c.isString() && q.tenant->consentIds().count(c.convert<std::string>()))
                    withConsents->set(c.convert<std::string>(), true);
        for (auto& [field, reason] : q.tenant->validateRegistration(kind.convert<std::string>(), withConsents))
            errors.emplace(q.tenant->consentIds().count(field) ? "consents." + field : field, reason);
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
