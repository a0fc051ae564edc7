#include "demo/CheckDigits.h"

#include "config/Config.h"
#include "lua/LuaState.h"

#include <memory>
#include <mutex>

namespace kabinet::demo {

std::string withCheckDigits(LuaState& st, const std::string& kind, const std::string& digits) {
    std::string out;
    st.protect(0, 0, [&](lua_State* L) {
        lua_getglobal(L, "require");
        lua_pushstring(L, "kabinet.demo");
        lua_call(L, 1, 1);
        lua_getfield(L, -1, kind.c_str());
        lua_pushlstring(L, digits.data(), digits.size());
        lua_call(L, 1, 1);
        out = luaL_checkstring(L, -1);
        lua_pop(L, 2);
    });
    return out;
}

namespace {

/// Calls kabinet.demo.<kind>(digits) in a state of the installed shared library (one per process, under a lock).
std::string complete(const char* kind, const std::string& digits) {
    static std::mutex mutex;
    static std::unique_ptr<LuaState> state;
    std::lock_guard<std::mutex> lock(mutex);
    if (!state) state = std::make_unique<LuaState>("demo identifiers", 8u << 20, 10'000'000, std::vector<std::string>{defaultShareDir() + "/scripts"});
    return withCheckDigits(*state, kind, digits);
}

} // namespace

std::string snils(const std::string& nine) { return complete("snils", nine); }
std::string inn10(const std::string& nine) { return complete("inn10", nine); }
std::string inn12(const std::string& ten) { return complete("inn12", ten); }
std::string ogrn(const std::string& twelve) { return complete("ogrn", twelve); }
std::string ogrnip(const std::string& fourteen) { return complete("ogrnip", fourteen); }

} // namespace kabinet::demo
