#pragma once
/// JSON answers as the tests read them.
#include <Poco/JSON/Object.h>

#include <string>

namespace kabinet::test {

/// The JSON object `text` holds; throws (Poco's parser or extract) when it is not one.
Poco::JSON::Object::Ptr obj(const std::string& text);

} // namespace kabinet::test
