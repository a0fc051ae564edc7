#pragma once
/// JSON text of the connector module (records, account data, call inputs and answers) read and written one way.
#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <cstddef>
#include <string>
#include <vector>

namespace kabinet::recordjson {

/// The compact JSON text of a value (objects and arrays as Poco::JSON writes them, no indentation).
std::string stringify(const Poco::Dynamic::Var& value);
/// The JSON object the text holds; throws when the text is not JSON or not an object.
Poco::JSON::Object::Ptr parseObject(const std::string& text);
/// The JSON object the text holds, or an empty object when it holds none (stored data written by older code,
/// a plugin's garbage); never throws.
Poco::JSON::Object::Ptr objectOr(const std::string& text);
/// The first `n` items joined by ", ", with " …" when there are more (for log lines and operator messages).
std::string joinFirst(const std::vector<std::string>& items, std::size_t n);

} // namespace kabinet::recordjson
