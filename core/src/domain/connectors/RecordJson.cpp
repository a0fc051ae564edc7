#include "connectors/RecordJson.h"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>
#include <stdexcept>

namespace kabinet::recordjson {

std::string stringify(const Poco::Dynamic::Var& value) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(value, out);
    return out.str();
}

Poco::JSON::Object::Ptr parseObject(const std::string& text) {
    Poco::Dynamic::Var v = Poco::JSON::Parser().parse(text);
    if (v.type() != typeid(Poco::JSON::Object::Ptr)) throw std::runtime_error("not a JSON object");
    return v.extract<Poco::JSON::Object::Ptr>();
}

Poco::JSON::Object::Ptr objectOr(const std::string& text) {
    try {
        return parseObject(text);
    } catch (const std::exception&) {
        return new Poco::JSON::Object;
    }
}

std::string joinFirst(const std::vector<std::string>& items, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < items.size() && i < n; ++i) out += (i ? ", " : "") + items[i];
    if (items.size() > n) out += " …";
    return out;
}

} // namespace kabinet::recordjson
