#include "JsonText.h"

#include <Poco/JSON/Parser.h>

namespace kabinet::test {

Poco::JSON::Object::Ptr obj(const std::string& text) { return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>(); }

} // namespace kabinet::test
