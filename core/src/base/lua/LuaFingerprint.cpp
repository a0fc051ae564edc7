#include "lua/LuaFingerprint.h"

#include "util/HashMix.h"

#include <cstring>
#include <stdexcept>
#include <string_view>
#include <unordered_set>

extern "C" {
#include <lauxlib.h>
}

namespace kabinet {

namespace {

constexpr auto mix = hashMix;

bool collectable(int type) {
    return type == LUA_TTABLE || type == LUA_TFUNCTION || type == LUA_TUSERDATA || type == LUA_TTHREAD;
}

/// Walks the graph with the objects still to visit kept on the Lua stack above a work slot.
class Walk {
public:
    explicit Walk(lua_State* L) : L_(L) {}

    std::uint64_t run() {
        const int base = lua_gettop(L_);
        if (!lua_checkstack(L_, 8)) throw std::runtime_error("Lua stack exhausted");
        lua_pushnil(L_); // the work slot
        work_ = lua_gettop(L_);
        lua_pushvalue(L_, LUA_REGISTRYINDEX);
        registry_ = lua_topointer(L_, -1);
        enqueueTop();
        lua_pushliteral(L_, "");
        if (lua_getmetatable(L_, -1)) {
            lua_remove(L_, -2);
            enqueueTop();
        } else {
            lua_pop(L_, 1);
        }
        while (lua_gettop(L_) > work_) {
            lua_replace(L_, work_);
            visit();
        }
        lua_settop(L_, base);
        return total_;
    }

private:
    /// The hash of the value at `idx`; a collectable one stands for its identity.
    std::uint64_t hashOf(int idx) const {
        const int t = lua_type(L_, idx);
        switch (t) {
        case LUA_TNIL: return 1;
        case LUA_TBOOLEAN: return lua_toboolean(L_, idx) ? 3 : 2;
        case LUA_TNUMBER: {
            if (lua_isinteger(L_, idx)) return mix(4, static_cast<std::uint64_t>(lua_tointeger(L_, idx)));
            const double d = lua_tonumber(L_, idx);
            std::uint64_t bits = 0;
            std::memcpy(&bits, &d, sizeof bits);
            return mix(5, bits);
        }
        case LUA_TSTRING: {
            std::size_t len = 0;
            const char* s = lua_tolstring(L_, idx, &len);
            return mix(6, std::hash<std::string_view>{}(std::string_view(s, len)));
        }
        case LUA_TLIGHTUSERDATA: return mix(7, reinterpret_cast<std::uintptr_t>(lua_touserdata(L_, idx)));
        default: return mix(static_cast<std::uint64_t>(t) + 8, reinterpret_cast<std::uintptr_t>(lua_topointer(L_, idx)));
        }
    }

    /// Leaves the value on top of the stack queued when it is collectable and not seen yet, else pops it.
    void enqueueTop() {
        if (collectable(lua_type(L_, -1)) && seen_.insert(lua_topointer(L_, -1)).second) {
            if (!lua_checkstack(L_, 8)) throw std::runtime_error("Lua stack exhausted");
            return;
        }
        lua_pop(L_, 1);
    }

    /// Whether the table at the work slot is weak (its metatable's __mode has 'k' or 'v').
    bool weak() const {
        if (!lua_getmetatable(L_, work_)) return false;
        lua_pushliteral(L_, "__mode");
        lua_rawget(L_, -2);
        const char* mode = lua_type(L_, -1) == LUA_TSTRING ? lua_tostring(L_, -1) : nullptr;
        const bool w = mode && (std::strchr(mode, 'k') || std::strchr(mode, 'v'));
        lua_pop(L_, 2);
        return w;
    }

    void visit() {
        const int t = lua_type(L_, work_);
        std::uint64_t h = hashOf(work_);
        if (t == LUA_TTABLE || t == LUA_TUSERDATA) {
            const bool skip = t == LUA_TTABLE && weak();
            if (lua_getmetatable(L_, work_)) {
                h = mix(h, hashOf(-1));
                enqueueTop();
            }
            if (t == LUA_TTABLE && !skip) {
                std::uint64_t content = 0; // a sum: the order of the entries does not matter
                lua_pushnil(L_);
                const bool registry = lua_topointer(L_, work_) == registry_;
                while (lua_next(L_, work_)) { // key, value
                    if (registry && lua_type(L_, -2) == LUA_TSTRING && std::strcmp(lua_tostring(L_, -2), "_UBOX*") == 0) {
                        lua_pop(L_, 1); // lauxlib's metatable of buffer boxes, made on first use: no script reaches it
                        continue;
                    }
                    content += mix(hashOf(-2), hashOf(-1));
                    const bool keepValue = collectable(lua_type(L_, -1)) && seen_.insert(lua_topointer(L_, -1)).second;
                    const bool keepKey = collectable(lua_type(L_, -2)) && seen_.insert(lua_topointer(L_, -2)).second;
                    if (keepValue) { // queued below the key, which lua_next needs on top
                        lua_pushvalue(L_, -1);
                        lua_insert(L_, -3);
                    }
                    if (keepKey) {
                        lua_pushvalue(L_, -2);
                        lua_insert(L_, -3);
                    }
                    lua_pop(L_, 1);
                    if (!lua_checkstack(L_, 8)) throw std::runtime_error("Lua stack exhausted");
                }
                h = mix(h, content);
            }
        } else if (t == LUA_TFUNCTION) {
            for (int i = 1; lua_getupvalue(L_, work_, i); ++i) {
                h = mix(h, hashOf(-1));
                enqueueTop();
            }
        }
        total_ += h;
    }

    lua_State* L_;
    int work_ = 0;
    const void* registry_ = nullptr;
    std::unordered_set<const void*> seen_;
    std::uint64_t total_ = 0;
};

} // namespace

std::uint64_t luaFingerprint(lua_State* L) { return Walk(L).run(); }

} // namespace kabinet
