#pragma once
/// The registration form a demo consumer fills in, as the portal would: every visible field of the kind gets
/// what the person would type (by the field's name first, its type second), all consents are given.
#include "demo/Roster.h"

#include <Poco/JSON/Object.h>

#include <string>

namespace kabinet {
class Tenant;
}

namespace kabinet::demo {

using JsonObject = Poco::JSON::Object::Ptr;

/// The demo password: Latin letters and digits, so every tenant's policy accepts it.
inline constexpr const char* kPassword = "Demo2024pass";

/// A key of an object as text (numbers and booleans converted); empty when absent or not a scalar.
std::string text(const JsonObject& o, const std::string& key);
/// The object of a JSON text; nullptr when empty or not an object.
JsonObject parseObject(const std::string& json);
/// The registration body exactly as the portal sends it: {kind, fields (visible ones), consents (all ids)}.
/// Throws std::runtime_error when the tenant has no such applicant kind.
JsonObject registrationBody(Tenant& t, const JsonObject& form, const std::string& kind, const Persona& p);
/// The login a person types for this kind: the value of the field marked `login` (else the e-mail).
std::string loginOf(Tenant& t, const JsonObject& form, const std::string& kind, const Persona& p);

} // namespace kabinet::demo
