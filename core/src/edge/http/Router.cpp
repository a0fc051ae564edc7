#include "http/Router.h"


#include "lua/LuaJson.h"
#include "util/Error.h"
#include "util/Text.h"

#include <Poco/JSON/Array.h>
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

namespace {
/// Refuses text no person types: every string of the body (keys too) must be well-formed UTF-8 without control
/// characters (tab, line feed and carriage return allowed). Names the field (the key holding the string).
void screenText(const Poco::Dynamic::Var& root) {
    std::vector<std::pair<const Poco::Dynamic::Var*, std::string>> todo = {{&root, "body"}};
    std::map<std::string, std::string> errors;
    auto screen = [&](const std::string& value, const std::string& field) {
        switch (text::check(value)) {
        case text::Problem::None: return;
        case text::Problem::InvalidUtf8: errors.emplace(text::validUtf8(field, 64), "Текст содержит недопустимые байты"); return;
        case text::Problem::ControlCharacter:
            errors.emplace(text::validUtf8(field, 64), "Текст содержит недопустимые управляющие символы");
            return;
        }
    };
    while (!todo.empty()) {
        auto [v, field] = todo.back();
        todo.pop_back();
        if (v->type() == typeid(Poco::JSON::Object::Ptr)) {
            for (const auto& [k, child] : *v->extract<Poco::JSON::Object::Ptr>()) {
                screen(k, k);
                todo.push_back({&child, k});
            }
        } else if (v->type() == typeid(Poco::JSON::Array::Ptr)) {
            for (const auto& child : *v->extract<Poco::JSON::Array::Ptr>()) todo.push_back({&child, field});
        } else if (v->isString()) {
            screen(v->extract<std::string>(), field);
        }
    }
    if (!errors.empty()) throw Unprocessable(std::move(errors));
}
} // namespace

Poco::Dynamic::Var Request::jsonObject() const {
    std::string ct = Poco::toLower(contentType);
    if (ct.rfind("application/json", 0) != 0)
        throw Error(415, "unsupported_media_type", "Ожидается тело запроса в формате JSON (Content-Type: application/json)");
    auto v = luajson::parse(body);
    if (v.type() != typeid(Poco::JSON::Object::Ptr))
        throw BadRequest("expected_object", "Тело запроса должно быть JSON-объектом");
    screenText(v);
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

void Router::addUndescribed(const std::string& method, const std::string& pattern, bool tenantScoped, Access access, Handler handler) {
    routes_.push_back({method, pattern, tenantScoped, access, std::move(handler), splitPath(pattern), nullptr});
}

void Router::add(const std::string& method, const std::string& pattern, bool tenantScoped, Access access, RouteSpec spec,
                 Handler handler) {
    routes_.push_back({method, pattern, tenantScoped, access, std::move(handler), splitPath(pattern),
                       std::make_shared<const RouteSpec>(std::move(spec))});
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
