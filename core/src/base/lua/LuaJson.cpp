#include "lua/LuaJson.h"

#include "lua/LuaState.h"
#include "util/Error.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <cmath>
#include <cstdint>
#include <sstream>

namespace kabinet::luajson {

namespace {
constexpr int kMaxDepth = 64;

bool isArray(lua_State* L, int idx, lua_Integer& n) {
    if (lua_getmetatable(L, idx)) {
        luaL_getmetatable(L, kLuaArrayMeta);
        bool marked = lua_rawequal(L, -1, -2);
        lua_pop(L, 2);
        if (marked) {
            n = static_cast<lua_Integer>(lua_rawlen(L, idx));
            return true;
        }
    }
    lua_Integer count = 0, max = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (!lua_isinteger(L, -1)) {
            lua_pop(L, 1);
            return false;
        }
        lua_Integer k = lua_tointeger(L, -1);
        if (k < 1) {
            lua_pop(L, 1);
            return false;
        }
        max = std::max(max, k);
        ++count;
    }
    n = count;
    return count > 0 && count == max;
}

Poco::Dynamic::Var convert(lua_State* L, int idx, int depth) {
    idx = lua_absindex(L, idx);
    if (depth > kMaxDepth) throw std::runtime_error("value nested deeper than 64 levels (or a cycle)");
    switch (lua_type(L, idx)) {
    case LUA_TNIL: return Poco::Dynamic::Var();
    case LUA_TBOOLEAN: return static_cast<bool>(lua_toboolean(L, idx));
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) return static_cast<Poco::Int64>(lua_tointeger(L, idx));
        return static_cast<double>(lua_tonumber(L, idx));
    case LUA_TSTRING: {
        std::size_t len = 0;
        const char* s = lua_tolstring(L, idx, &len);
        return std::string(s, len);
    }
    case LUA_TTABLE: {
        luaL_checkstack(L, 4, "json conversion");
        lua_Integer n = 0;
        if (isArray(L, idx, n)) {
            Poco::JSON::Array::Ptr arr = new Poco::JSON::Array;
            for (lua_Integer i = 1; i <= n; ++i) {
                lua_rawgeti(L, idx, i);
                int t = lua_type(L, -1);
                if (t != LUA_TFUNCTION && t != LUA_TUSERDATA && t != LUA_TTHREAD && t != LUA_TLIGHTUSERDATA)
                    arr->add(convert(L, -1, depth + 1));
                lua_pop(L, 1);
            }
            return arr;
        }
        Poco::JSON::Object::Ptr obj = new Poco::JSON::Object;
        lua_pushnil(L);
        while (lua_next(L, idx)) {
            int t = lua_type(L, -1);
            if (t != LUA_TFUNCTION && t != LUA_TUSERDATA && t != LUA_TTHREAD && t != LUA_TLIGHTUSERDATA) {
                std::string key;
                if (lua_type(L, -2) == LUA_TSTRING) {
                    std::size_t len = 0;
                    const char* s = lua_tolstring(L, -2, &len);
                    key.assign(s, len);
                } else if (lua_type(L, -2) == LUA_TNUMBER) {
                    lua_pushvalue(L, -2);
                    key = lua_tostring(L, -1);
                    lua_pop(L, 1);
                } else {
                    lua_pop(L, 1);
                    continue;
                }
                obj->set(key, convert(L, -1, depth + 1));
            }
            lua_pop(L, 1);
        }
        return obj;
    }
    default: return Poco::Dynamic::Var();
    }
}
} // namespace

Poco::Dynamic::Var toJson(lua_State* L, int index) { return convert(L, index, 0); }

namespace {
void checkValue(lua_State* L, int idx, int depth) {
    if (lua_type(L, idx) != LUA_TTABLE) return;
    idx = lua_absindex(L, idx);
    if (depth > kMaxDepth) throw std::runtime_error("value nested deeper than 64 levels (or a cycle)");
    luaL_checkstack(L, 4, "json check");
    lua_pushnil(L);
    while (lua_next(L, idx)) { // every value toJson would write (keys and skipped values cannot fail)
        checkValue(L, -1, depth + 1);
        lua_pop(L, 1);
    }
}
} // namespace

void check(lua_State* L, int index) { checkValue(L, index, 0); }

std::string identity(const Poco::Dynamic::Var& v) {
    if (v.type() == typeid(Poco::JSON::Object::Ptr))
        return "o" + std::to_string(reinterpret_cast<std::uintptr_t>(v.extract<Poco::JSON::Object::Ptr>().get()));
    if (v.type() == typeid(Poco::JSON::Array::Ptr))
        return "a" + std::to_string(reinterpret_cast<std::uintptr_t>(v.extract<Poco::JSON::Array::Ptr>().get()));
    return "t" + stringify(v);
}

void push(lua_State* L, const Poco::Dynamic::Var& v) {
    luaL_checkstack(L, 4, "json conversion");
    if (v.isEmpty()) {
        lua_pushnil(L);
    } else if (v.type() == typeid(Poco::JSON::Object::Ptr)) {
        auto obj = v.extract<Poco::JSON::Object::Ptr>();
        lua_createtable(L, 0, static_cast<int>(obj->size()));
        for (const auto& [k, val] : *obj) {
            push(L, val);
            lua_setfield(L, -2, k.c_str());
        }
    } else if (v.type() == typeid(Poco::JSON::Array::Ptr)) {
        auto arr = v.extract<Poco::JSON::Array::Ptr>();
        lua_createtable(L, static_cast<int>(arr->size()), 0);
        luaL_setmetatable(L, kLuaArrayMeta);
        lua_Integer i = 1;
        for (const auto& val : *arr) {
            push(L, val);
            lua_rawseti(L, -2, i++);
        }
    } else if (v.isBoolean()) {
        lua_pushboolean(L, v.convert<bool>());
    } else if (v.isInteger()) {
        lua_pushinteger(L, v.convert<Poco::Int64>());
    } else if (v.isNumeric()) {
        lua_pushnumber(L, v.convert<double>());
    } else if (v.isString()) {
        const std::string s = v.convert<std::string>();
        lua_pushlstring(L, s.data(), s.size());
    } else {
        lua_pushnil(L);
    }
}

std::string stringify(const Poco::Dynamic::Var& value) {
    std::ostringstream out;
    if (value.isEmpty()) return "null";
    Poco::JSON::Stringifier::condense(value, out);
    return out.str();
}

Poco::Dynamic::Var parse(const std::string& text) {
    try {
        Poco::JSON::Parser parser;
        return parser.parse(text);
    } catch (const Poco::Exception&) {
        throw BadRequest("malformed_json", "Тело запроса не является корректным JSON");
    } catch (const std::exception&) {
        throw BadRequest("malformed_json", "Тело запроса не является корректным JSON");
    }
}

} // namespace kabinet::luajson
