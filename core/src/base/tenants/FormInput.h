#pragma once
/// Reading a registration-style form from a request body: {"kind", "fields", "consents"}. Values must be
/// scalars (strings, numbers, booleans) of bounded size; consents given as a list of ids are handed to the
/// tenant's rules as fields[id] = true, and the tenant's errors about them are renamed "consents.<id>".
/// Every string has already been screened (well-formed UTF-8, no control characters) by Request::jsonObject.
#include <Poco/JSON/Object.h>

#include <map>
#include <string>

namespace kabinet {

class Tenant;

struct FormInput {
    std::string kind;
    Poco::JSON::Object::Ptr fields;            ///< scalar values, consents merged in as booleans
    std::map<std::string, std::string> errors; ///< problems found before the tenant's rules ran
};

/// Keeps the scalar values of a form (strings ≤ 64 KiB, numbers, booleans; at most 200 fields) and names
/// every other one in `errors`.
Poco::JSON::Object::Ptr scalarFields(const Poco::JSON::Object::Ptr& given, std::map<std::string, std::string>& errors);

/// Parses and screens the form. Throws Unprocessable for a missing kind or a body of the wrong shape.
FormInput readForm(const Tenant& tenant, const Poco::JSON::Object::Ptr& body, bool requireKind = true);

/// Adds the tenant's errors to `into`, renaming consent ids to "consents.<id>"; earlier errors win.
void mergeTenantErrors(const Tenant& tenant, const std::map<std::string, std::string>& tenantErrors,
                       std::map<std::string, std::string>& into);

} // namespace kabinet
