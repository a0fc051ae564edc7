#include "util/Error.h"

#include <Poco/JSON/Object.h>
#include <sstream>

namespace kabinet {

Error::Error(int status, std::string code, std::string message, std::map<std::string, std::string> fields)
    : std::runtime_error(std::move(message)), status_(status), code_(std::move(code)), fields_(std::move(fields)) {}

std::string Error::toJson() const {
    Poco::JSON::Object obj;
    obj.set("error", code_);
    obj.set("message", std::string(what()));
    Poco::JSON::Object::Ptr f = new Poco::JSON::Object;
    for (const auto& [k, v] : fields_) f->set(k, v);
    obj.set("fields", f);
    if (retryAfter_ > 0) obj.set("retry_after", retryAfter_);
    std::ostringstream out;
    obj.stringify(out);
    return out.str();
}

} // namespace kabinet
