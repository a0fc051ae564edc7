#include <catch2/catch.hpp>

#include "TestContext.h"
#include "lua/LuaJson.h"
#include "lua/LuaState.h"

#include <chrono>
#include <fstream>
#include <thread>

using namespace kabinet;

namespace {
/// Runs a chunk of Lua text in a fresh sandboxed state and returns its one result as JSON text.
std::string eval(const std::string& code, std::size_t memory = 8u << 20, unsigned long long budget = 5'000'000) {
    const std::string dir = test::tempDir("lua");
    std::ofstream(dir + "/chunk.lua") << code;
    LuaState st("test", memory, budget, {dir, test::sourceDir() + "/scripts"});
    st.runFile(dir + "/chunk.lua", 1);
    return luajson::stringify(luajson::toJson(st.L(), -1));
}
} // namespace

TEST_CASE("a hostile endless loop is stopped by the instruction budget", "[lua]") {
    try {
        eval("while true do end");
        FAIL("the loop was not stopped");
    } catch (const LuaError& e) {
        CHECK_THAT(e.what(), Catch::Contains("test") && Catch::Contains("instruction budget"));
        CHECK_THAT(e.what(), Catch::Contains("chunk.lua:1"));
    }
    // Catching the error does not help: pcall, xpcall and coroutine.resume pass it on.
    CHECK_THROWS_WITH(eval("while true do pcall(function() while true do end end) end"), Catch::Contains("instruction budget"));
    CHECK_THROWS_WITH(eval("while true do xpcall(function() while true do end end, function(e) return e end) end"),
                      Catch::Contains("instruction budget"));
    CHECK_THROWS_WITH(eval("while true do coroutine.resume(coroutine.create(function() while true do end end)) end"),
                      Catch::Contains("instruction budget"));
    // Ordinary errors are still caught as usual.
    CHECK(eval("local ok, err = pcall(error, 'x') return {ok, err}") == "[false,\"x\"]");
    CHECK(eval("local ok, v = pcall(function(a) return a + 1 end, 41) return {ok, v}") == "[true,42]");
    CHECK(eval("return {xpcall(function() error({code = 1}) end, function(e) return e.code end)}") == "[false,1]");
    CHECK(eval("return {coroutine.resume(coroutine.create(function(a) return a * 2 end), 21)}") == "[true,42]");
    // A loop inside a coroutine is stopped too.
    CHECK_THROWS_WITH(eval("return coroutine.wrap(function() while true do end end)()"),
                      Catch::Contains("instruction budget"));
}

TEST_CASE("a memory-eating script hits the memory limit", "[lua]") {
    // The time budget is generous (5 s of CPU), so memory is what stops the script even on a slow build
    // (sanitizers): the budget is a CPU-time deadline, not an instruction count.
    const unsigned long long slow = 500'000'000;
    CHECK_THROWS_WITH(eval("local t = {} for i = 1, 1e9 do t[i] = string.rep('x', 1024) .. i end", 8u << 20, slow),
                      Catch::Contains("memory limit"));
    CHECK_THROWS_WITH(eval("return string.rep('x', 64 * 1024 * 1024)"), Catch::Contains("memory limit"));
    CHECK_THROWS_WITH(eval("local ok = pcall(function() local t = {} for i = 1, 1e9 do t[i] = string.rep('y', 1024) .. i end end) return ok", 8u << 20, slow),
                      Catch::Contains("memory limit"));
}

TEST_CASE("the sandbox offers no file, process or debug access", "[lua]") {
    CHECK(eval("return io == nil and debug == nil and package == nil and dofile == nil and loadfile == nil") == "true");
    CHECK(eval("return os.execute == nil and os.getenv == nil and os.remove == nil and type(os.time()) == 'number'") == "true");
    CHECK(eval("return type(string.format('%d', 1)) == 'string' and utf8.len('Привет') == 6") == "true");
    // Binary chunks are refused.
    CHECK(eval("local f, err = load(string.dump and 'x' or '\\27Lua') return f == nil") == "true");
    CHECK(eval("return string.dump == nil or select(2, pcall(function() return load(string.dump(function() end)) end)) == nil") == "true");
    // require only reaches the roots, and only with plain module names.
    CHECK_THROWS_WITH(eval("return require('../../etc/passwd')"), Catch::Contains("invalid module name"));
    CHECK_THROWS_WITH(eval("return require('nonexistent.module')"), Catch::Contains("not found"));
}

TEST_CASE("Lua values convert to JSON and back", "[lua]") {
    CHECK(eval("return {1, 2, 3}") == "[1,2,3]");
    CHECK(eval("return kabinet.array({})") == "[]");
    CHECK(eval("return {a = 'б', n = 1.5, t = true}") == R"({"a":"б","n":1.5,"t":true})");
    CHECK(eval("return {f = function() end, x = 1}") == R"({"x":1})");
    CHECK_THROWS_WITH(eval("local t = {} t.self = t return t"), Catch::Contains("nested deeper"));
}

TEST_CASE("runtime errors name the script and line", "[lua]") {
    CHECK_THROWS_WITH(eval("local x = nil\nreturn x.y"), Catch::Contains("chunk.lua:2"));
    CHECK_THROWS_WITH(eval("return (("), Catch::Contains("chunk.lua:1"));
}

// The budget is kept by a watchdog: nothing watches inside Lua until a call passes its deadline, then an
// instruction hook is armed on the running thread and stops it, even in a loop that calls no function.
TEST_CASE("a tight loop past its deadline is stopped by the watchdog", "[lua][watchdog]") {
    const std::string dir = test::tempDir("lua");
    std::ofstream(dir + "/loop.lua") << "local i = 0\nwhile true do i = i + 1 end\n";
    LuaState st("test", 8u << 20, 2'000'000, {dir});
    CHECK(st.deadline() == std::chrono::milliseconds(20));
    const auto t0 = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH(st.runFile(dir + "/loop.lua", 0), Catch::Contains("instruction budget") && Catch::Contains("loop.lua:2"));
    // Stopped by the deadline, not by counting: the loop ran at least that long.
    CHECK(std::chrono::steady_clock::now() - t0 >= st.deadline());
    // The state serves the next call, with no hook left behind.
    lua_pushcfunction(st.L(), [](lua_State* L) -> int {
        lua_pushboolean(L, lua_gethook(L) == nullptr);
        return 1;
    });
    st.call(0, 1);
    CHECK(lua_toboolean(st.L(), -1));
    lua_pop(st.L(), 1);
}

TEST_CASE("a fast call runs with no instruction hook and is not stopped", "[lua][watchdog]") {
    const std::string dir = test::tempDir("lua");
    std::ofstream(dir + "/fast.lua") << "local n = 0\nfor i = 1, 1000 do n = n + i end\n"
                                        "local co = coroutine.create(function() while true do coroutine.yield(n) end end)\n"
                                        "return function(probe) probe() local ok, v = coroutine.resume(co) return ok and v end\n";
    LuaState st("test", 8u << 20, 2'000'000, {dir});
    st.runFile(dir + "/fast.lua", 1);
    const int fn = lua_gettop(st.L());
    static bool hooked;
    hooked = false;
    for (int i = 0; i < 200; ++i) {
        lua_pushvalue(st.L(), fn);
        lua_pushcfunction(st.L(), [](lua_State* L) -> int {
            if (lua_gethook(L) != nullptr) hooked = true;
            return 0;
        });
        st.call(1, 1);
        CHECK(lua_tointeger(st.L(), -1) == 500500);
        lua_pop(st.L(), 1);
    }
    CHECK_FALSE(hooked);
}

TEST_CASE("a coroutine suspended in an overdue call runs freely in the next call", "[lua][watchdog]") {
    const std::string dir = test::tempDir("lua");
    std::ofstream(dir + "/keep.lua") << "co = coroutine.create(function() local i = 0 while true do i = i + 1 if i % 1000 == 0 then coroutine.yield(i) end end end)\n"
                                        "return function(loop) local ok, v = coroutine.resume(co) while loop do end return v end\n";
    LuaState st("test", 8u << 20, 2'000'000, {dir});
    st.runFile(dir + "/keep.lua", 1);
    const int fn = lua_gettop(st.L());
    lua_pushvalue(st.L(), fn);
    lua_pushboolean(st.L(), 1);
    CHECK_THROWS_WITH(st.call(1, 1), Catch::Contains("instruction budget"));
    lua_pushvalue(st.L(), fn);
    lua_pushboolean(st.L(), 0);
    st.call(1, 1);
    CHECK(lua_tointeger(st.L(), -1) == 2000);
}

TEST_CASE("the deadline counts the call's CPU time, not time spent waiting", "[lua][watchdog]") {
    const std::string dir = test::tempDir("lua");
    std::ofstream(dir + "/wait.lua") << "return function(wait) wait() local n = 0 for i = 1, 10000 do n = n + i end return n end\n";
    LuaState st("test", 8u << 20, 2'000'000, {dir});
    st.runFile(dir + "/wait.lua", 1);
    lua_pushcfunction(st.L(), [](lua_State*) -> int {
        std::this_thread::sleep_for(std::chrono::milliseconds(80)); // four deadlines off the CPU (a loaded machine)
        return 0;
    });
    st.call(1, 1);
    CHECK(lua_tointeger(st.L(), -1) == 50005000);
}

TEST_CASE("a loop in a coroutine's __close handler is stopped too", "[lua][watchdog]") {
    CHECK_THROWS_WITH(eval("local co = coroutine.create(function() local x <close> = setmetatable({}, {__close = function() while true do end end}) "
                           "coroutine.yield() end) coroutine.resume(co) return coroutine.close(co)"),
                      Catch::Contains("instruction budget"));
    CHECK(eval("local co = coroutine.create(function() local x <close> = setmetatable({}, {__close = function() end}) coroutine.yield() end) "
               "coroutine.resume(co) return coroutine.close(co)") == "true");
}
