#include "http/Router.h"

#include "api/Routes.h"

#include "lua/LuaJson.h"
#include "util/Error.h"

#include <Poco/JSON/Object.h>
#include <Poco/String.h>

namespace kabinet {

std::vector<std::string> splitPath(const std::string& path) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= path.size()) {
        auto slash = path.find('/', start);
        if (slash == std::string::npos) slash = path.size();
        if (slash > start) out.push_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    return out;
}

Poco::Dynamic::Var Request::jsonObject() const {
    std::string ct = Poco::toLower(contentType);
    if (ct.rfind("application/json", 0) != 0)
        throw Error(415, "unsupported_media_type", "Ожидается тело запроса в формате JSON (Content-Type: application/json)");
    auto v = luajson::parse(body);
    if (v.type() != typeid(Poco::JSON::Object::Ptr))
        throw BadRequest("expected_object", "Тело запроса должно быть JSON-объектом");
    return v;
}

const char* accessName(Access a) {
    switch (a) {
    case Access::Public: return "public";
    case Access::User: return "user";
    case Access::Operator: return "operator";
    case Access::TenantAdmin: return "tenant-admin";
    case Access::PlatformAdmin: return "platform-admin";
    }
    return "unknown";
}

void Router::add(const std::string& method, const std::string& pattern, bool tenantScoped, Access access, Handler handler) {
    routes_.push_back({method, pattern, tenantScoped, access, std::move(handler), splitPath(pattern)});
}

const Route* Router::match(const std::string& method, const std::string& path, bool tenantScoped,
                           std::map<std::string, std::string>& params, bool& pathMatched) const {
    const auto segs = splitPath(path);
    pathMatched = false;
    for (const auto& r : routes_) {
        if (r.tenantScoped != tenantScoped || r.segments.size() != segs.size()) continue;
        std::map<std::string, std::string> p;
        bool ok = true;
        for (std::size_t i = 0; i < segs.size() && ok; ++i) {
            const auto& s = r.segments[i];
            if (s.size() > 2 && s.front() == '{' && s.back() == '}') p[s.substr(1, s.size() - 2)] = segs[i];
            else ok = s == segs[i];
        }
        if (!ok) continue;
        if (r.method != method && !(method == "HEAD" && r.method == "GET")) {
            pathMatched = true;
            continue;
        }
        params = std::move(p);
        return &r;
    }
    return nullptr;
}

} // namespace kabinet
