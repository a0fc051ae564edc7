#include "util/Error.h"

#include "util/Text.h"

#include <Poco/JSON/Object.h>
#include <sstream>

namespace kabinet {

Error::Error(int status, std::string code, std::string message, std::map<std::string, std::string> fields)
    : std::runtime_error(std::move(message)), status_(status), code_(std::move(code)), fields_(std::move(fields)) {}

std::string Error::toJson() const {
    Poco::JSON::Object obj;
    obj.set("error", code_);
    // Messages and field names may echo what a client sent (a tenant id from the path, a field name): the
    // body stays well-formed UTF-8 JSON whatever those bytes were.
    obj.set("message", text::validUtf8(what()));
    Poco::JSON::Object::Ptr f = new Poco::JSON::Object;
    for (const auto& [k, v] : fields_) f->set(text::validUtf8(k), text::validUtf8(v));
    obj.set("fields", f);
    if (retryAfter_ > 0) obj.set("retry_after", retryAfter_);
    for (const auto& [k, v] : extra_)
        if (!obj.has(k)) obj.set(k, text::validUtf8(v));
    std::ostringstream out;
    obj.stringify(out);
    return out.str();
}

} // namespace kabinet
