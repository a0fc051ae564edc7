#include "tenants/FormInput.h"

#include "tenants/Tenant.h"
#include "util/Error.h"

#include <Poco/JSON/Array.h>

namespace kabinet {

namespace {
constexpr std::size_t kMaxFormFields = 200;       ///< more fields than any form has
constexpr std::size_t kMaxFieldBytes = 64 * 1024; ///< the longest text a form field may carry
using FieldErrors = std::map<std::string, std::string>;
} // namespace

Poco::JSON::Object::Ptr scalarFields(const Poco::JSON::Object::Ptr& given, std::map<std::string, std::string>& errors) {
    if (given->size() > kMaxFormFields) throw Unprocessable(FieldErrors{{"fields", "Слишком много полей в форме"}});
    Poco::JSON::Object::Ptr out = new Poco::JSON::Object;
    for (const auto& [name, value] : *given) {
        if (value.type() == typeid(Poco::JSON::Object::Ptr) || value.type() == typeid(Poco::JSON::Array::Ptr))
            errors[name.substr(0, 64)] = "Значение должно быть строкой, числом или логическим значением";
        else if (value.isString() && value.extract<std::string>().size() > kMaxFieldBytes)
            errors[name.substr(0, 64)] = "Слишком длинное значение";
        else
            out->set(name, value);
    }
    return out;
}

FormInput readForm(const Tenant& tenant, const Poco::JSON::Object::Ptr& body, bool requireKind) {
    FormInput in;
    auto kind = body->get("kind");
    if (!kind.isEmpty() && kind.isString()) in.kind = kind.convert<std::string>();
    if (requireKind && in.kind.empty()) throw Unprocessable(FieldErrors{{"kind", "Укажите вид заявителя"}});
    auto fields = body->get("fields");
    if (fields.isEmpty()) fields = Poco::JSON::Object::Ptr(new Poco::JSON::Object);
    if (fields.type() != typeid(Poco::JSON::Object::Ptr))
        throw Unprocessable(FieldErrors{{"fields", "Поле fields должно быть объектом"}});
    auto consents = body->get("consents");
    if (!consents.isEmpty() && consents.type() != typeid(Poco::JSON::Array::Ptr))
        throw Unprocessable(FieldErrors{{"consents", "Поле consents должно быть списком"}});
    in.fields = scalarFields(fields.extract<Poco::JSON::Object::Ptr>(), in.errors);
    for (const auto& id : tenant.consentIds()) in.fields->remove(id); // consents come only through "consents"
    if (!consents.isEmpty())
        for (const auto& c : *consents.extract<Poco::JSON::Array::Ptr>())
            if (c.isString() && tenant.consentIds().count(c.convert<std::string>())) in.fields->set(c.convert<std::string>(), true);
    return in;
}

void mergeTenantErrors(const Tenant& tenant, const std::map<std::string, std::string>& tenantErrors,
                       std::map<std::string, std::string>& into) {
    for (const auto& [field, reason] : tenantErrors)
        into.emplace(tenant.consentIds().count(field) ? "consents." + field : field, reason);
}

} // namespace kabinet
