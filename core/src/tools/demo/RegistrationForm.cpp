#include "demo/RegistrationForm.h"

#include "tenants/Tenant.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <vector>

namespace kabinet::demo {

using JsonArray = Poco::JSON::Array::Ptr;

std::string text(const JsonObject& o, const std::string& key) {
    if (!o || !o->has(key)) return {};
    auto v = o->get(key);
    return v.isEmpty() || !(v.isString() || v.isNumeric() || v.isBoolean()) ? std::string() : v.convert<std::string>();
}

JsonObject parseObject(const std::string& json) {
    if (json.empty()) return nullptr;
    Poco::JSON::Parser p;
    auto v = p.parse(json);
    return v.type() == typeid(JsonObject) ? v.extract<JsonObject>() : nullptr;
}

namespace {

bool flagOf(const JsonObject& o, const std::string& key) {
    if (!o || !o->has(key)) return false;
    auto v = o->get(key);
    return v.isBoolean() && v.convert<bool>();
}

std::string formatSnils(const std::string& d) {
    return d.substr(0, 3) + "-" + d.substr(3, 3) + "-" + d.substr(6, 3) + " " + d.substr(9, 2);
}

/// The values of a dictionary (items are {value, label} objects or plain strings).
std::vector<std::string> dictionaryValues(Tenant& t, const std::string& name) {
    std::vector<std::string> out;
    if (name.empty()) return out;
    auto d = parseObject(t.dictionaryJson(name));
    if (!d || !d->getArray("items")) return out;
    for (const auto& item : *d->getArray("items")) {
        if (item.isString()) out.push_back(item.convert<std::string>());
        else if (item.type() == typeid(JsonObject)) out.push_back(text(item.extract<JsonObject>(), "value"));
    }
    return out;
}

/// The kind's description in the registration form, or nullptr.
JsonObject formKind(const JsonObject& form, const std::string& kind) {
    if (!form || !form->getArray("kinds")) return nullptr;
    for (const auto& k : *form->getArray("kinds"))
        if (k.type() == typeid(JsonObject) && text(k.extract<JsonObject>(), "id") == kind) return k.extract<JsonObject>();
    return nullptr;
}

/// What a person fills into a field of this name, or empty when the name is not one the demo knows.
std::string namedValue(const std::string& name, const Persona& p) {
    if (name == "surname") return p.surname;
    if (name == "name") return p.name;
    if (name == "patronymic") return p.patronymic;
    if (name == "username") return p.username;
    if (name == "organization") return p.organization.empty() ? p.fullName() : p.organization; // a private person names themself
    if (name == "org_short_name") return p.organization;
    if (name == "org_full_name") return p.organizationFull.empty() ? p.organization : p.organizationFull;
    if (name == "contract_number") return p.contractNumber;
    if (name == "house") return p.house;
    if (name == "flat") return p.flat;
    if (name == "address") return p.address;
    if (name == "full_name" || name == "head_full_name" || name == "fio") return p.surname.empty() ? p.organization : p.fullName();
    return {};
}

/// The value a person would type into a field, by its name first and its type second; empty when they
/// would leave it empty. A required field nothing fits gets a neutral text.
Poco::Dynamic::Var fieldValue(Tenant& t, const JsonObject& f, const Persona& p) {
    const std::string name = text(f, "name"), type = text(f, "type");
    const bool required = flagOf(f, "required");
    if (name == "from_voronezh") return Poco::Dynamic::Var(p.fromVoronezh);
    std::string v = namedValue(name, p);
    if (v.empty()) {
        if (type == "email") v = p.email;
        else if (type == "phone") v = p.phone;
        else if (type == "password" || type == "password_confirm") v = kPassword;
        else if (type == "snils") v = p.snils.empty() ? std::string() : formatSnils(p.snils);
        else if (type == "inn" || type == "inn10" || type == "inn12") v = p.inn;
        else if (type == "ogrn") v = p.ogrn;
        else if (type == "ogrnip") v = p.ogrnip;
        else if (type == "postcode") v = p.postcode;
        else if (type == "street") {
            auto items = dictionaryValues(t, text(f, "dictionary").empty() ? "streets" : text(f, "dictionary"));
            v = !p.street.empty() && std::find(items.begin(), items.end(), p.street) != items.end() ? p.street
                : items.empty()                                                                    ? std::string()
                                                                                                   : items.front();
        } else if (type == "boolean")
            return f->has("default") && f->get("default").isBoolean() ? f->get("default") : Poco::Dynamic::Var(false);
        else if (required && type == "select") {
            if (auto opts = f->getArray("options"); opts && opts->size() > 0 && opts->get(0).type() == typeid(JsonObject))
                v = text(opts->getObject(0), "value");
            else if (auto items = dictionaryValues(t, text(f, "dictionary")); !items.empty())
                v = items.front();
        } else if (required && type == "date") v = "2015-03-16";
        else if (required && type == "egr_record") v = !p.ogrnip.empty() ? p.ogrnip : p.ogrn;
        else if (required && type == "passport") v = "4510 123456";
        else if (required && (type == "text" || type == "textarea")) v = "Демонстрационные данные";
    }
    return v.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(v);
}

} // namespace

JsonObject registrationBody(Tenant& t, const JsonObject& form, const std::string& kind, const Persona& p) {
    auto k = formKind(form, kind);
    if (!k) throw std::runtime_error("demo seed: tenant '" + t.id() + "' has no applicant kind '" + kind + "'");
    std::map<std::string, Poco::Dynamic::Var> values;
    std::vector<JsonObject> fields;
    if (auto list = k->getArray("fields"))
        for (const auto& f : *list)
            if (f.type() == typeid(JsonObject)) fields.push_back(f.extract<JsonObject>());
    for (const auto& f : fields) values[text(f, "name")] = fieldValue(t, f, p);
    JsonObject out = new Poco::JSON::Object;
    JsonObject given = new Poco::JSON::Object;
    for (const auto& f : fields) {
        const std::string name = text(f, "name");
        if (auto cond = f->getObject("visible_if")) {
            const auto& other = values[text(cond, "field")];
            const std::string want = cond->has("equals") ? cond->get("equals").convert<std::string>() : "true";
            if (other.isEmpty() || other.convert<std::string>() != want) continue; // hidden: the portal does not send it
        }
        if (!values[name].isEmpty()) given->set(name, values[name]);
    }
    JsonArray consents = new Poco::JSON::Array;
    if (auto list = form->getArray("consents"))
        for (const auto& c : *list)
            if (c.type() == typeid(JsonObject)) consents->add(text(c.extract<JsonObject>(), "id"));
    out->set("kind", kind);
    out->set("fields", given);
    out->set("consents", consents);
    return out;
}

std::string loginOf(Tenant& t, const JsonObject& form, const std::string& kind, const Persona& p) {
    auto k = formKind(form, kind);
    if (k && k->getArray("fields"))
        for (const auto& f : *k->getArray("fields"))
            if (f.type() == typeid(JsonObject) && flagOf(f.extract<JsonObject>(), "login")) {
                auto v = fieldValue(t, f.extract<JsonObject>(), p);
                return v.isEmpty() ? std::string() : v.convert<std::string>();
            }
    return p.email;
}

} // namespace kabinet::demo
