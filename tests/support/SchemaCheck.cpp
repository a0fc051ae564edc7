#include "SchemaCheck.h"

#include <Poco/JSON/Array.h>

#include <cmath>
#include <regex>
#include <set>
#include <stdexcept>
#include <vector>

namespace kabinet::test {

namespace {
using Object = Poco::JSON::Object;
using Array = Poco::JSON::Array;

bool isObject(const Poco::Dynamic::Var& v) { return v.type() == typeid(Object::Ptr); }
bool isArray(const Poco::Dynamic::Var& v) { return v.type() == typeid(Array::Ptr); }
bool isBool(const Poco::Dynamic::Var& v) { return v.type() == typeid(bool); }

std::string typeOf(const Poco::Dynamic::Var& v) {
    if (v.isEmpty()) return "null";
    if (isBool(v)) return "boolean";
    if (isObject(v)) return "object";
    if (isArray(v)) return "array";
    if (v.isString()) return "string";
    if (v.isInteger()) return "integer";
    if (v.isNumeric()) return "number";
    return "unknown";
}

bool hasType(const Poco::Dynamic::Var& v, const std::string& type) {
    const std::string actual = typeOf(v);
    if (actual == type) return true;
    if (type == "number") return actual == "integer";
    if (type == "integer" && actual == "number") {
        const double d = v.convert<double>();
        return std::isfinite(d) && std::floor(d) == d;
    }
    return false;
}

Object::Ptr resolve(const std::string& ref, const Object::Ptr& root) {
    static const std::string prefix = "#/";
    if (ref.rfind(prefix, 0) != 0) throw std::invalid_argument("$ref outside the document: " + ref);
    Object::Ptr at = root;
    std::size_t start = prefix.size();
    while (start <= ref.size()) {
        auto slash = ref.find('/', start);
        if (slash == std::string::npos) slash = ref.size();
        const std::string key = ref.substr(start, slash - start);
        if (!at || !at->has(key) || !isObject(at->get(key))) throw std::invalid_argument("$ref does not resolve: " + ref);
        at = at->getObject(key);
        start = slash + 1;
    }
    return at;
}

std::string shown(const Poco::Dynamic::Var& v) {
    if (v.isEmpty()) return "null";
    std::string s = v.isString() ? "\"" + v.convert<std::string>() + "\"" : v.toString();
    return s.size() > 60 ? s.substr(0, 60) + "…" : s;
}
} // namespace

std::string schemaMismatch(const Poco::Dynamic::Var& value, const Object::Ptr& schema, const Object::Ptr& root, const std::string& where) {
    static const std::set<std::string> known = {"type", "properties", "required", "additionalProperties", "items", "enum",
                                                "anyOf", "$ref", "format", "description"};
    for (const auto& [key, ignored] : *schema)
        if (!known.count(key)) throw std::invalid_argument(where + ": the checker does not know the schema keyword '" + key + "'");

    if (schema->has("$ref")) {
        auto target = resolve(schema->getValue<std::string>("$ref"), root);
        if (auto m = schemaMismatch(value, target, root, where); !m.empty()) return m;
    }
    if (schema->has("anyOf")) {
        std::string reasons;
        bool any = false;
        for (const auto& alt : *schema->getArray("anyOf")) {
            auto m = schemaMismatch(value, alt.extract<Object::Ptr>(), root, where);
            if (m.empty()) {
                any = true;
                break;
            }
            reasons += (reasons.empty() ? "" : " | ") + m;
        }
        if (!any) return where + ": matches none of the alternatives (" + reasons + ")";
    }
    if (schema->has("type")) {
        std::vector<std::string> types;
        const auto t = schema->get("type");
        if (isArray(t)) {
            for (const auto& x : *t.extract<Array::Ptr>()) types.push_back(x.convert<std::string>());
        } else {
            types.push_back(t.convert<std::string>());
        }
        bool ok = false;
        std::string expected;
        for (const auto& type : types) {
            ok = ok || hasType(value, type);
            expected += (expected.empty() ? "" : " or ") + type;
        }
        if (!ok) return where + ": expected " + expected + ", got " + typeOf(value) + " " + shown(value);
    }
    if (schema->has("enum")) {
        bool found = false;
        for (const auto& allowed : *schema->getArray("enum")) {
            if (allowed.isEmpty() ? value.isEmpty() : (!value.isEmpty() && typeOf(value) == typeOf(allowed) && value.toString() == allowed.toString()))
                found = true;
        }
        if (!found) return where + ": " + shown(value) + " is not one of the declared values";
    }
    if (schema->has("format") && schema->getValue<std::string>("format") == "date" && value.isString()) {
        static const std::regex date(R"(\d{4}-\d{2}-\d{2})");
        if (!std::regex_match(value.convert<std::string>(), date)) return where + ": " + shown(value) + " is not a date YYYY-MM-DD";
    }
    if (isObject(value)) {
        const auto o = value.extract<Object::Ptr>();
        const auto props = schema->has("properties") ? schema->getObject("properties") : Object::Ptr();
        if (schema->has("required"))
            for (const auto& name : *schema->getArray("required"))
                if (!o->has(name.convert<std::string>())) return where + "." + name.convert<std::string>() + ": missing";
        for (const auto& [key, member] : *o) {
            if (props && props->has(key)) {
                if (auto m = schemaMismatch(member, props->getObject(key), root, where + "." + key); !m.empty()) return m;
            } else if (schema->has("additionalProperties")) {
                const auto extra = schema->get("additionalProperties");
                if (isBool(extra)) {
                    if (!extra.extract<bool>()) return where + "." + key + ": not declared";
                } else if (auto m = schemaMismatch(member, extra.extract<Object::Ptr>(), root, where + "." + key); !m.empty()) {
                    return m;
                }
            }
        }
    }
    if (isArray(value) && schema->has("items")) {
        const auto items = schema->getObject("items");
        const auto a = value.extract<Array::Ptr>();
        for (std::size_t i = 0; i < a->size(); ++i)
            if (auto m = schemaMismatch(a->get(static_cast<unsigned>(i)), items, root, where + "[" + std::to_string(i) + "]"); !m.empty())
                return m;
    }
    return {};
}

} // namespace kabinet::test
