// Runs the Lua test scripts of tests/lua/ inside the server's own sandbox (the same LuaState the tenants
// run in), so the shared library and the tenants are tested exactly as kabinetd executes them.
#include <catch2/catch.hpp>

#include "TestContext.h"
#include "lua/LuaState.h"

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace kabinet;

namespace {
/// require(name) while tenants are loaded: like the server's per-tenant state (roots: the tenant's folder, then
/// scripts/), a module of the folder of the tenant being loaded comes first and is cached per folder, so two
/// tenants' modules of one name (tenants/vges/techconnect.lua, tenants/voek/techconnect.lua) never collide.
int tenantRequire(lua_State* L) {
    const std::string name = luaL_checkstring(L, 1);
    lua_getfield(L, LUA_REGISTRYINDEX, "test.tenant_dir");
    const std::string dir = lua_isstring(L, -1) ? lua_tostring(L, -1) : "";
    lua_pop(L, 1);
    std::string rel = name;
    for (char& c : rel)
        if (c == '.') c = '/';
    const std::string path = dir + "/" + rel + ".lua";
    std::ifstream in(path);
    if (dir.empty() || rel.find("..") != std::string::npos || !in) {
        lua_getfield(L, LUA_REGISTRYINDEX, "test.require");
        lua_pushvalue(L, 1);
        lua_call(L, 1, 1);
        return 1;
    }
    lua_getfield(L, LUA_REGISTRYINDEX, "test.tenant_modules");
    lua_getfield(L, -1, path.c_str());
    if (!lua_isnil(L, -1)) return 1;
    lua_pop(L, 1);
    std::ostringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str(), chunk = "@" + rel + ".lua";
    if (luaL_loadbufferx(L, text.data(), text.size(), chunk.c_str(), "t") != LUA_OK) return lua_error(L);
    lua_pushvalue(L, 1);
    lua_call(L, 1, 1);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_pushboolean(L, 1);
    }
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, path.c_str());
    return 1;
}

int loadTenant(lua_State* L) {
    const char* id = luaL_checkstring(L, 1);
    for (const char* p = id; *p; ++p)
        if (!(std::isalnum(static_cast<unsigned char>(*p)) || *p == '-')) return luaL_error(L, "bad tenant id");
    const char* folder = luaL_optstring(L, 2, "tenants");
    for (const char* p = folder; *p; ++p)
        if (!(std::isalnum(static_cast<unsigned char>(*p)) || *p == '-' || *p == '_' || *p == '/') || (p[0] == '.' && p[1] == '.'))
            return luaL_error(L, "bad folder");
    const std::string path = test::sourceDir() + "/" + folder + "/" + id + "/tenant.lua";
    lua_pushstring(L, (test::sourceDir() + "/" + folder + "/" + id).c_str());
    lua_setfield(L, LUA_REGISTRYINDEX, "test.tenant_dir");
    std::ifstream in(path);
    if (!in) return luaL_error(L, "no tenant %s", id);
    std::ostringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str(), chunk = std::string("@") + id + "/tenant.lua";
    if (luaL_loadbufferx(L, text.data(), text.size(), chunk.c_str(), "t") != LUA_OK) return lua_error(L);
    lua_call(L, 0, 1);
    return 1;
}

/// read_doc(path): the text of a documentation file of the repository (a `.md` path relative to it).
int readDoc(lua_State* L) {
    const std::string rel = luaL_checkstring(L, 1);
    if (rel.size() < 4 || rel.substr(rel.size() - 3) != ".md" || rel.find("..") != std::string::npos || rel[0] == '/')
        return luaL_error(L, "bad document path");
    std::ifstream in(test::sourceDir() + "/" + rel);
    if (!in) return luaL_error(L, "no document %s", rel.c_str());
    std::ostringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    lua_pushlstring(L, text.data(), text.size());
    return 1;
}
} // namespace

TEST_CASE("Lua test scripts of tests/lua pass inside the sandbox", "[lua][tenants]") {
    namespace fs = std::filesystem;
    std::vector<std::string> scripts;
    for (const auto& e : fs::directory_iterator(test::sourceDir() + "/tests/lua"))
        if (e.path().filename().string().size() > 9 && e.path().string().ends_with("_test.lua")) scripts.push_back(e.path().string());
    std::sort(scripts.begin(), scripts.end());
    REQUIRE(scripts.size() >= 2);
    std::vector<std::string> roots = {test::sourceDir() + "/scripts", test::sourceDir() + "/tests/lua/support"};
    for (const auto& e : fs::directory_iterator(test::sourceDir() + "/tenants")) roots.push_back(e.path().string());
    for (const auto& e : fs::directory_iterator(test::sourceDir() + "/tests/fixtures/tenants-hostile")) roots.push_back(e.path().string());
    for (const auto& script : scripts) {
        SECTION(fs::path(script).filename().string()) {
            LuaState st("test " + fs::path(script).filename().string(), 256u << 20, 20'000'000'000ull, roots);
            lua_pushcfunction(st.L(), &loadTenant);
            lua_setglobal(st.L(), "load_tenant");
            lua_pushcfunction(st.L(), &readDoc);
            lua_setglobal(st.L(), "read_doc");
            lua_getglobal(st.L(), "require");
            lua_setfield(st.L(), LUA_REGISTRYINDEX, "test.require");
            lua_newtable(st.L());
            lua_setfield(st.L(), LUA_REGISTRYINDEX, "test.tenant_modules");
            lua_pushcfunction(st.L(), &tenantRequire);
            lua_setglobal(st.L(), "require");
            try {
                st.runFile(script, 0);
            } catch (const LuaError& e) {
                FAIL(e.what());
            }
            // The harness collects failed cases; a script that forgot testing.finish() still reports them.
            const char* finish = "local ok, t = pcall(require, 'testing') if ok and type(t) == 'table' and t.finish then t.finish() end";
            if (luaL_loadstring(st.L(), finish) != LUA_OK || lua_pcall(st.L(), 0, 0, 0) != LUA_OK) {
                const std::string what = lua_isstring(st.L(), -1) ? lua_tostring(st.L(), -1) : "testing.finish() failed";
                lua_pop(st.L(), 1);
                FAIL(what);
            }
        }
    }
}
