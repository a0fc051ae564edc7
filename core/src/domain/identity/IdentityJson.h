#pragma once
/// Reading JSON request bodies and Lua answers the way identity expects them: a missing or mistyped key is
/// the empty value (never an exception); the services decide what an empty value means.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <string>
#include <vector>

namespace kabinet::idjson {

using JsonObject = Poco::JSON::Object::Ptr;

/// The key's text (a number is printed); empty when absent, null or of another type.
std::string str(const JsonObject& o, const std::string& key);
/// The key's boolean; false when absent or not a boolean.
bool flag(const JsonObject& o, const std::string& key);
/// The key's whole number; `fallback` when absent or not a number.
int number(const JsonObject& o, const std::string& key, int fallback);
/// The key's strings (other array items skipped); empty when absent or not an array.
std::vector<std::string> strings(const JsonObject& o, const std::string& key);
/// The value as an object; a new empty object when it is none.
JsonObject obj(const Poco::Dynamic::Var& v);
/// Parses stored JSON text (empty text is `{}`) as an object; a new empty object when it is none.
JsonObject parsed(const std::string& text);
/// A JSON array of the strings, in order.
Poco::JSON::Array::Ptr toArray(const std::vector<std::string>& v);
/// Whether `x` is among `v`.
bool contains(const std::vector<std::string>& v, const std::string& x);

} // namespace kabinet::idjson
