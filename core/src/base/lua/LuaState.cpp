#include "lua/LuaState.h"

#include "lua/LuaWatchdog.h"

#include "util/Files.h"
#include "util/Log.h"

#include <Poco/File.h>
#include <algorithm>
#include <pthread.h>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <unordered_map>

namespace kabinet {

const char* const kLuaArrayMeta = "kabinet.array";

namespace {

LuaState* self(lua_State* L) {
    void* ud = nullptr;
    lua_getallocf(L, &ud);
    return static_cast<LuaState*>(ud);
}

/// Modules compiled once per process: a module's text and the bytecode Lua made of it (with its debug
/// information, so messages keep their lines). A state that requires the same file with the same text loads
/// the bytecode instead of compiling again — most of the cost of a new tenant state is compiling the shared
/// library. Only bytecode this process dumped itself is ever loaded; scripts still load text only.
struct CompiledModule {
    std::string text;
    std::string bytecode;
};
std::mutex compiledMutex;
std::unordered_map<std::string, std::shared_ptr<const CompiledModule>> compiled; // by file path
constexpr std::size_t kMaxCompiledModules = 1024; // a bound: past it, further files are compiled every time

std::shared_ptr<const CompiledModule> compiledModule(const std::string& path) {
    std::lock_guard<std::mutex> lock(compiledMutex);
    auto it = compiled.find(path);
    return it == compiled.end() ? nullptr : it->second;
}

int appendChunk(lua_State*, const void* p, std::size_t size, void* ud) {
    static_cast<std::string*>(ud)->append(static_cast<const char*>(p), size);
    return 0;
}

/// Loads a module's text as a function on the stack (bytecode of an earlier compile of the same text when
/// there is one); returns the lua_load status.
int loadModule(lua_State* L, const std::string& path, const std::string& text, const std::string& chunk) {
    if (auto c = compiledModule(path); c && c->text == text)
        return luaL_loadbufferx(L, c->bytecode.data(), c->bytecode.size(), chunk.c_str(), "b");
    int rc = luaL_loadbufferx(L, text.data(), text.size(), chunk.c_str(), "t");
    if (rc != LUA_OK) return rc;
    auto c = std::make_shared<CompiledModule>();
    c->text = text;
    if (lua_dump(L, &appendChunk, &c->bytecode, 0) == 0 && !c->bytecode.empty()) {
        std::lock_guard<std::mutex> lock(compiledMutex);
        if (compiled.size() < kMaxCompiledModules || compiled.count(path)) compiled[path] = std::move(c);
    }
    return LUA_OK;
}
} // namespace

LuaState::LuaState(std::string owner, std::size_t memoryLimit, unsigned long long instructionBudget,
                   std::vector<std::string> requireRoots)
    : owner_(std::move(owner)), limit_(memoryLimit), budget_(instructionBudget),
      deadline_(std::max<unsigned long long>(1, instructionBudget * 1000 / kInstructionsPerMs)),
      roots_(std::move(requireRoots)) {
    L_ = lua_newstate(&LuaState::alloc, this);
    if (!L_) throw LuaError(owner_ + ": cannot create a Lua state");
    running_ = L_;
    onLog = [this](const std::string& m) { log::debug("lua log", {{"owner", owner_}, {"text", m}}); };
    try {
        openSandbox();
    } catch (...) {
        lua_close(L_);
        throw;
    }
}

LuaState::~LuaState() {
    if (L_) lua_close(L_);
}

void* LuaState::alloc(void* ud, void* ptr, std::size_t osize, std::size_t nsize) {
    auto* st = static_cast<LuaState*>(ud);
    const std::size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        st->used_ -= old;
        std::free(ptr);
        return nullptr;
    }
    if (nsize > old && st->used_ - old + nsize > st->limit_) {
        st->memoryExceeded_ = true;
        return nullptr; // Lua raises "not enough memory"
    }
    void* p = std::realloc(ptr, nsize);
    if (p) st->used_ = st->used_ - old + nsize;
    return p;
}

void LuaState::hook(lua_State* L, lua_Debug*) {
    LuaState* st = self(L);
    if (!st->overdue_.load()) {
        lua_sethook(L, nullptr, 0, 0); // a coroutine armed during an earlier call, resumed in a later one
        return;
    }
    st->budgetExceeded_ = true;
    luaL_where(L, 0); // the running Lua function: inside a hook, level 0 is the interrupted code
    lua_pushfstring(L, "instruction budget of %I exceeded", static_cast<lua_Integer>(st->budget_));
    lua_concat(L, 2);
    lua_error(L);
}

std::chrono::steady_clock::time_point LuaState::look(void* p) {
    auto* st = static_cast<LuaState*>(p);
    // A quarter of the deadline in wall time has passed: from here on count the CPU time of the call's
    // thread, and arm once it has used the other three quarters.
    const std::chrono::nanoseconds rest = st->deadline_ * 3 / 4;
    timespec ts{};
    if (clock_gettime(st->cpuClock_, &ts) == 0) {
        const long long cpu = ts.tv_sec * 1'000'000'000LL + ts.tv_nsec;
        if (st->cpuMark_ < 0) st->cpuMark_ = cpu;
        const std::chrono::nanoseconds used{cpu - st->cpuMark_};
        if (used < rest) return std::chrono::steady_clock::now() + (rest - used);
    }
    std::lock_guard<std::mutex> lock(st->armMutex_);
    st->overdue_ = true;
    // From the watchdog's thread, while the state runs: lua_sethook is the one Lua call made to be called
    // asynchronously (ldebug.c: "can be called during a signal"; lua.c stops a script on SIGINT this way):
    // it stores the hook and sets the trap flags the interpreter polls before each instruction.
    lua_sethook(st->running_, &LuaState::hook, LUA_MASKCOUNT, 1);
    return {};
}

void LuaState::switchTo(lua_State* thread) {
    std::lock_guard<std::mutex> lock(armMutex_);
    running_ = thread;
    if (overdue_.load()) lua_sethook(thread, &LuaState::hook, LUA_MASKCOUNT, 1);
}

void LuaState::openSandbox() {
    static const luaL_Reg libs[] = {{LUA_GNAME, luaopen_base},        {LUA_TABLIBNAME, luaopen_table},
                                    {LUA_STRLIBNAME, luaopen_string}, {LUA_MATHLIBNAME, luaopen_math},
                                    {LUA_UTF8LIBNAME, luaopen_utf8},  {LUA_COLIBNAME, luaopen_coroutine},
                                    {LUA_OSLIBNAME, luaopen_os}};
    for (const auto& lib : libs) {
        luaL_requiref(L_, lib.name, lib.func, 1);
        lua_pop(L_, 1);
    }
    // Base library: no file access, text-only load.
    for (const char* name : {"dofile", "loadfile"}) {
        lua_pushnil(L_);
        lua_setglobal(L_, name);
    }
    lua_pushcfunction(L_, &LuaState::luaLoadText);
    lua_setglobal(L_, "load");
    // pcall, xpcall and coroutine.resume must not swallow an exhausted budget or memory: a script could
    // otherwise catch the error and loop on.
    lua_pushcfunction(L_, &LuaState::luaGuardedPcall);
    lua_setglobal(L_, "pcall");
    lua_pushcfunction(L_, &LuaState::luaGuardedXpcall);
    lua_setglobal(L_, "xpcall");
    // coroutine.resume, wrap and close also tell the watchdog which thread runs, so an overdue coroutine is stopped too.
    lua_getglobal(L_, "coroutine");
    lua_getfield(L_, -1, "resume");
    lua_pushcclosure(L_, &LuaState::luaGuardedCoroutine, 1);
    lua_pushvalue(L_, -1);
    lua_setfield(L_, LUA_REGISTRYINDEX, "kabinet.resume");
    lua_setfield(L_, -2, "resume");
    lua_pushcfunction(L_, &LuaState::luaGuardedWrap);
    lua_setfield(L_, -2, "wrap");
    lua_getfield(L_, -1, "close"); // runs the coroutine's pending __close handlers: the same guard
    lua_pushcclosure(L_, &LuaState::luaGuardedCoroutine, 1);
    lua_setfield(L_, -2, "close");
    lua_pop(L_, 1);
    // os: only the clock functions.
    lua_getglobal(L_, "os");
    lua_newtable(L_);
    for (const char* name : {"time", "date", "clock"}) {
        lua_getfield(L_, -2, name);
        lua_setfield(L_, -2, name);
    }
    lua_setglobal(L_, "os");
    lua_pop(L_, 1);
    // require from the given roots.
    lua_newtable(L_);
    lua_setfield(L_, LUA_REGISTRYINDEX, "kabinet.loaded");
    lua_pushcfunction(L_, &LuaState::luaRequire);
    lua_setglobal(L_, "require");
    // The kabinet table.
    luaL_newmetatable(L_, kLuaArrayMeta);
    lua_pop(L_, 1);
    lua_newtable(L_);
    lua_pushcfunction(L_, &LuaState::luaArray);
    lua_setfield(L_, -2, "array");
    lua_pushcfunction(L_, &LuaState::luaLog);
    lua_setfield(L_, -2, "log");
    lua_setglobal(L_, "kabinet");
}

int LuaState::luaLoadText(lua_State* L) {
    std::size_t len = 0;
    const char* s = luaL_checklstring(L, 1, &len);
    const char* chunkname = luaL_optstring(L, 2, "=(load)");
    int env = !lua_isnone(L, 4) ? 4 : 0;
    if (luaL_loadbufferx(L, s, len, chunkname, "t") != LUA_OK) {
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    if (env) {
        lua_pushvalue(L, env);
        if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
    }
    return 1;
}

namespace {
/// The file path of a module below a root ("a.b" → "a/b"); false for a name that is no module name.
bool moduleRel(const char* name, std::string& rel) {
    rel = name;
    for (char& c : rel) {
        if (c == '.') c = '/';
        else if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
    }
    return true;
}

/// Runs the module chunk on top of the stack with its name, and records what it returns (true for nothing)
/// in the table of loaded modules at `loaded`; leaves that value on the stack (one result of require).
int runModule(lua_State* L, const char* name, int loaded) {
    lua_pushstring(L, name);
    lua_call(L, 1, 1);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_pushboolean(L, 1);
    }
    lua_pushvalue(L, -1);
    lua_setfield(L, loaded, name);
    return 1;
}
} // namespace

int LuaState::luaRequire(lua_State* L) {
    const char* name = luaL_checkstring(L, 1);
    lua_getfield(L, LUA_REGISTRYINDEX, "kabinet.loaded");
    lua_getfield(L, -1, name);
    if (!lua_isnil(L, -1)) return 1;
    lua_pop(L, 1);
    std::string rel;
    if (!moduleRel(name, rel)) return luaL_error(L, "module '%s': invalid module name", name);
    LuaState* st = self(L);
    std::string path, text;
    for (const auto& root : st->roots_) {
        std::string candidate = root + "/" + rel + ".lua";
        if (readFile(candidate, text)) {
            path = candidate;
            break;
        }
    }
    if (path.empty()) return luaL_error(L, "module '%s' not found", name);
    // Chunk names are relative to their root, so messages read "kabinet/validators.lua:12: ...".
    std::string chunk = "@" + rel + ".lua";
    if (loadModule(L, path, text, chunk) != LUA_OK) return lua_error(L);
    return runModule(L, name, lua_absindex(L, -2));
}

// require of an environment (pushEnvironment): upvalues 1 the environment, 2 its loaded modules, 3 its roots.
int LuaState::luaEnvRequire(lua_State* L) {
    const char* name = luaL_checkstring(L, 1);
    lua_settop(L, 1);
    lua_getfield(L, lua_upvalueindex(2), name);
    if (!lua_isnil(L, -1)) return 1;
    lua_pop(L, 1);
    std::string rel;
    if (!moduleRel(name, rel)) return luaL_error(L, "module '%s': invalid module name", name);
    std::string path, text;
    const lua_Integer roots = luaL_len(L, lua_upvalueindex(3));
    for (lua_Integer i = 1; i <= roots && path.empty(); ++i) {
        lua_geti(L, lua_upvalueindex(3), i);
        std::string candidate = std::string(lua_tostring(L, -1)) + "/" + rel + ".lua";
        lua_pop(L, 1);
        if (readFile(candidate, text)) path = candidate;
    }
    if (path.empty()) { // not the environment's own: the module the state shares
        lua_pushcfunction(L, &LuaState::luaRequire);
        lua_pushvalue(L, 1);
        lua_call(L, 1, 1);
        return 1;
    }
    if (loadModule(L, path, text, "@" + rel + ".lua") != LUA_OK) return lua_error(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1); // its _ENV
    return runModule(L, name, lua_upvalueindex(2));
}

// load of an environment: chunks without an explicit environment get the environment (upvalue 1).
int LuaState::luaEnvLoad(lua_State* L) {
    if (lua_isnone(L, 4)) {
        lua_settop(L, 3);
        lua_pushvalue(L, lua_upvalueindex(1));
    }
    return luaLoadText(L);
}

void LuaState::pushEnvironment(const std::vector<std::string>& roots) {
    lua_checkstack(L_, 8);
    lua_newtable(L_);
    const int env = lua_gettop(L_);
    lua_pushglobaltable(L_);
    lua_pushnil(L_);
    while (lua_next(L_, env + 1)) { // key, value
        if (lua_istable(L_, -1) && !lua_rawequal(L_, -1, env + 1)) {
            lua_newtable(L_); // a shallow copy of a library table
            lua_pushnil(L_);
            while (lua_next(L_, -3)) {
                lua_pushvalue(L_, -2);
                lua_insert(L_, -2);
                lua_rawset(L_, -4);
            }
            lua_remove(L_, -2);
        }
        lua_pushvalue(L_, -2);
        lua_insert(L_, -2);
        lua_rawset(L_, env);
    }
    lua_pop(L_, 1); // the state's globals
    lua_pushvalue(L_, env);
    lua_setfield(L_, env, "_G");
    lua_pushvalue(L_, env);
    lua_pushcclosure(L_, &LuaState::luaEnvLoad, 1);
    lua_setfield(L_, env, "load");
    lua_pushvalue(L_, env);
    lua_newtable(L_);
    lua_createtable(L_, static_cast<int>(roots.size()), 0);
    for (std::size_t i = 0; i < roots.size(); ++i) {
        lua_pushstring(L_, roots[i].c_str());
        lua_rawseti(L_, -2, static_cast<lua_Integer>(i + 1));
    }
    lua_pushcclosure(L_, &LuaState::luaEnvRequire, 3);
    lua_setfield(L_, env, "require");
}

int LuaState::luaGuardedPcall(lua_State* L) {
    luaL_checkany(L, 1);
    int status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
    LuaState* st = self(L);
    if (status != LUA_OK && (st->budgetExceeded_ || status == LUA_ERRMEM)) return lua_error(L);
    lua_pushboolean(L, status == LUA_OK);
    lua_insert(L, 1);
    return lua_gettop(L);
}

int LuaState::luaGuardedXpcall(lua_State* L) {
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 1); // function
    lua_copy(L, 2, 1);   // handler to index 1
    lua_replace(L, 2);   // function to index 2
    int status = lua_pcall(L, n - 2, LUA_MULTRET, 1);
    LuaState* st = self(L);
    if (status != LUA_OK && (st->budgetExceeded_ || status == LUA_ERRMEM)) return lua_error(L);
    lua_pushboolean(L, status == LUA_OK);
    lua_replace(L, 1);
    return lua_gettop(L);
}

// coroutine.resume or coroutine.close (the upvalue) on the coroutine at 1: the state knows that coroutine
// runs meanwhile, and an exhausted budget or memory inside it goes on instead of becoming a `false` answer.
int LuaState::luaGuardedCoroutine(lua_State* L) {
    LuaState* st = self(L);
    lua_State* co = lua_tothread(L, 1);
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    {
        // Lua errors unwind as C++ exceptions: the guard hands the running thread back in every case.
        struct Back {
            LuaState* st;
            lua_State* L;
            ~Back() { st->switchTo(L); }
        } back{st, L};
        if (co) st->switchTo(co);
        lua_call(L, n, LUA_MULTRET);
    }
    if (lua_toboolean(L, 1) == 0 && lua_gettop(L) >= 2) {
        const char* err = lua_tostring(L, 2);
        if (st->budgetExceeded_ || (err && std::string(err) == "not enough memory")) {
            lua_pushvalue(L, 2);
            return lua_error(L);
        }
    }
    return lua_gettop(L);
}

int LuaState::luaGuardedWrap(lua_State* L) {
    luaL_checktype(L, 1, LUA_TFUNCTION);
    lua_State* co = lua_newthread(L);
    lua_pushvalue(L, 1);
    lua_xmove(L, co, 1);
    lua_pushcclosure(L, &LuaState::luaWrapped, 1);
    return 1;
}

int LuaState::luaWrapped(lua_State* L) {
    int n = lua_gettop(L);
    lua_getfield(L, LUA_REGISTRYINDEX, "kabinet.resume");
    lua_insert(L, 1);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 2);
    lua_call(L, n + 1, LUA_MULTRET);
    if (!lua_toboolean(L, 1)) { // an error inside the coroutine goes on, with the caller's position
        if (lua_type(L, 2) == LUA_TSTRING) {
            luaL_where(L, 1);
            lua_pushvalue(L, 2);
            lua_concat(L, 2);
            lua_replace(L, 2);
        }
        lua_settop(L, 2);
        return lua_error(L);
    }
    lua_remove(L, 1);
    return lua_gettop(L);
}

int LuaState::luaArray(lua_State* L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    luaL_setmetatable(L, kLuaArrayMeta);
    return 1;
}

int LuaState::luaLog(lua_State* L) {
    const char* msg = luaL_checkstring(L, 1);
    LuaState* st = self(L);
    if (st->onLog) st->onLog(msg);
    return 0;
}

void LuaState::fail(const std::string& what) {
    std::string msg = what;
    if (budgetExceeded_) msg = "instruction budget of " + std::to_string(budget_) + " exceeded (" + what + ")";
    else if (memoryExceeded_) msg = "memory limit of " + std::to_string(limit_ / 1024) + " KiB exceeded (" + what + ")";
    budgetExceeded_ = memoryExceeded_ = false;
    throw LuaError(owner_ + ": " + msg);
}

void LuaState::protect(int nargs, int nresults, const std::function<void(lua_State*)>& fn) {
    lua_pushlightuserdata(L_, const_cast<std::function<void(lua_State*)>*>(&fn));
    lua_pushcclosure(L_, [](lua_State* L) -> int {
        auto* f = static_cast<const std::function<void(lua_State*)>*>(lua_touserdata(L, lua_upvalueindex(1)));
        int before = lua_gettop(L);
        try {
            (*f)(L);
        } catch (const std::exception& e) {
            // A Lua error (thrown by the C++ build of Lua) is not a std::exception and passes through.
            return luaL_error(L, "%s", e.what());
        }
        return lua_gettop(L) - before;
    }, 1);
    for (int i = 1; i <= nargs; ++i) lua_pushvalue(L_, i);
    call(nargs, nresults);
}

void LuaState::runFile(const std::string& path, int nresults) { runFile(path, nresults, 0); }

void LuaState::runFile(const std::string& path, int nresults, int env) {
    if (env) env = lua_absindex(L_, env);
    std::string text;
    if (!readFile(path, text)) throw LuaError(owner_ + ": cannot read " + path);
    std::string chunk = "@" + path;
    auto slash = path.find_last_of('/');
    if (slash != std::string::npos) {
        auto prev = path.find_last_of('/', slash - 1);
        chunk = "@" + path.substr(prev == std::string::npos ? 0 : prev + 1);
    }
    if (luaL_loadbufferx(L_, text.data(), text.size(), chunk.c_str(), "t") != LUA_OK) {
        std::string err = lua_tostring(L_, -1) ? lua_tostring(L_, -1) : "syntax error";
        lua_pop(L_, 1);
        fail(err);
    }
    if (env) {
        lua_pushvalue(L_, env);
        if (!lua_setupvalue(L_, -2, 1)) lua_pop(L_, 1); // its _ENV
    }
    call(0, nresults);
}

void LuaState::call(int nargs, int nresults) {
    // Only the outermost call is watched (a host function may call back into Lua).
    const bool outermost = depth_ == 0;
    std::uint64_t ticket = 0;
    if (outermost) {
        budgetExceeded_ = memoryExceeded_ = false;
        // The thread's CPU clock, for the watchdog (its id is computed, not a system call).
        static thread_local clockid_t cpuClock = [] {
            clockid_t id = CLOCK_THREAD_CPUTIME_ID;
            return pthread_getcpuclockid(pthread_self(), &id) == 0 ? id : CLOCK_MONOTONIC;
        }();
        cpuClock_ = cpuClock;
        cpuMark_ = -1;
        ticket = LuaWatchdog::instance().enter(LuaWatchdog::Clock::now() + deadline_ / 4, &LuaState::look, this);
    }
    int base = lua_gettop(L_) - nargs;
    lua_pushcfunction(L_, [](lua_State* L) -> int {
        const char* m = lua_tostring(L, 1);
        luaL_traceback(L, L, m ? m : "(error object is not a string)", 1);
        return 1;
    });
    lua_insert(L_, base);
    ++depth_;
    int rc = lua_pcall(L_, nargs, nresults, base);
    --depth_;
    if (outermost) {
        LuaWatchdog::instance().leave(ticket); // from here on the watchdog leaves this state alone
        {
            std::lock_guard<std::mutex> lock(armMutex_);
            overdue_ = false;
            running_ = L_;
        }
        lua_sethook(L_, nullptr, 0, 0);
    }
    lua_remove(L_, base);
    if (rc != LUA_OK) {
        std::string err = lua_tostring(L_, -1) ? lua_tostring(L_, -1) : "error";
        lua_pop(L_, 1);
        // Keep the first line (script:line: message); the traceback goes to debug logs only.
        auto nl = err.find('\n');
        if (nl != std::string::npos) {
            log::debug("lua traceback", {{"owner", owner_}, {"trace", err}});
            err = err.substr(0, nl);
        }
        if (rc == LUA_ERRMEM) memoryExceeded_ = true;
        fail(err);
    }
}

} // namespace kabinet
