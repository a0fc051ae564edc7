#include "identity/IdentityJson.h"

#include "lua/LuaJson.h"

#include <algorithm>

namespace kabinet::idjson {

std::string str(const JsonObject& o, const std::string& key) {
    if (!o || !o->has(key)) return {};
    auto v = o->get(key);
    return v.isEmpty() || !(v.isString() || v.isNumeric()) ? std::string() : v.convert<std::string>();
}

bool flag(const JsonObject& o, const std::string& key) {
    if (!o || !o->has(key)) return false;
    auto v = o->get(key);
    return v.isBoolean() ? v.convert<bool>() : false;
}

int number(const JsonObject& o, const std::string& key, int fallback) {
    if (!o || !o->has(key) || !o->get(key).isNumeric()) return fallback;
    return o->get(key).convert<int>();
}

std::vector<std::string> strings(const JsonObject& o, const std::string& key) {
    std::vector<std::string> out;
    if (o && o->has(key) && o->get(key).type() == typeid(Poco::JSON::Array::Ptr))
        for (const auto& v : *o->getArray(key))
            if (v.isString()) out.push_back(v.convert<std::string>());
    return out;
}

JsonObject obj(const Poco::Dynamic::Var& v) {
    return v.type() == typeid(Poco::JSON::Object::Ptr) ? v.extract<Poco::JSON::Object::Ptr>() : JsonObject(new Poco::JSON::Object);
}

JsonObject parsed(const std::string& text) { return obj(luajson::parse(text.empty() ? "{}" : text)); }

Poco::JSON::Array::Ptr toArray(const std::vector<std::string>& v) {
    Poco::JSON::Array::Ptr a = new Poco::JSON::Array;
    for (const auto& s : v) a->add(s);
    return a;
}

bool contains(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

} // namespace kabinet::idjson
