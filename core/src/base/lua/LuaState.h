#pragma once
/// A sandboxed Lua 5.4 state with a memory cap and a per-call instruction budget.
///
/// The budget is kept by a deadline, not by counting: a call may use budget / kInstructionsPerMs
/// milliseconds of CPU time. Nothing watches inside Lua (no hook): the shared LuaWatchdog looks at a call
/// a quarter of its deadline after it began, then again until the calling thread has used the other three
/// quarters of CPU time since that look (so a busy machine does not stop a legitimate call); then it arms a
/// count hook on the running thread of the state (lua_sethook may be called asynchronously), which raises
/// "instruction budget … exceeded" at the next instruction. The hook is removed when the call ends.
///
/// Sandbox: base library without dofile/loadfile and with `load` limited to text chunks; string, table,
/// math, utf8, coroutine; `os` reduced to time/date/clock; no io, debug or package. `require(name)` loads
/// text modules only, from the search roots given (first match wins), once per state; the process keeps the
/// bytecode it compiled of a module file and loads that again while the file's text is unchanged.
/// A global table `kabinet` offers `kabinet.array(t)` (emit t as a JSON array) and `kabinet.log(msg)`.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <time.h>
#include <stdexcept>
#include <string>
#include <vector>

extern "C" {
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
}

namespace kabinet {

/// A failure inside Lua (syntax error, runtime error, budget or memory exhausted). The message names the
/// owner (e.g. "tenant 'voek'") and the script with its line where Lua reports one.
class LuaError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Instructions per millisecond that turn a budget into a call's deadline in CPU time (50,000,000 →
/// 500 ms): a conservative rate for plain Lua, so a legitimate call never meets its deadline.
inline constexpr unsigned long long kInstructionsPerMs = 100'000;

class LuaState {
public:
    /// Creates a state for `owner` (used in error messages) with the given limits and require roots.
    LuaState(std::string owner, std::size_t memoryLimit, unsigned long long instructionBudget,
             std::vector<std::string> requireRoots);
    ~LuaState();
    LuaState(const LuaState&) = delete;
    LuaState& operator=(const LuaState&) = delete;

    lua_State* L() const noexcept { return L_; }                 /// the raw state, for pushing arguments
    const std::string& owner() const noexcept { return owner_; } /// who this state belongs to
    std::size_t memoryUsed() const noexcept { return used_; }    /// bytes currently allocated

    /// Loads and runs a file as a text chunk; leaves its `nresults` results on the stack. Throws LuaError.
    void runFile(const std::string& path, int nresults);
    /// Runs a file as runFile(path, nresults) does, with the table at stack index `env` as its globals.
    void runFile(const std::string& path, int nresults, int env);

    /// Pushes a new global environment, for code that must not share globals with what this state ran
    /// before: the sandbox's functions, shallow copies of every library table (string, table, math, …,
    /// kabinet), `_G` being the environment itself, a `load` whose chunks default to it, and a `require`
    /// that loads a module found under `roots` (first match wins) into the environment, once per
    /// environment, and otherwise answers as the state's own require (modules shared by all environments).
    void pushEnvironment(const std::vector<std::string>& roots);
    /// Names a new owner (error messages, kabinet.log), for a state that serves one owner after another.
    void setOwner(std::string owner) { owner_ = std::move(owner); }
    /// Calls the function below `nargs` arguments on the stack under the instruction budget and the memory
    /// cap, leaving `nresults` results. Throws LuaError with the owner, script and line on failure.
    void call(int nargs, int nresults);

    /// Runs fn inside a protected call under the budget and the memory cap, with the values at stack
    /// indexes 1..nargs of the current stack passed as its arguments (so fn sees them at 1..nargs), and
    /// leaves `nresults` results that fn left on top. Lua errors and C++ exceptions from fn become LuaError.
    void protect(int nargs, int nresults, const std::function<void(lua_State*)>& fn);

    /// Called by kabinet.log; default writes a debug log line with the owner.
    std::function<void(const std::string&)> onLog;

    /// The CPU time one call may take before the watchdog stops it (from the instruction budget).
    std::chrono::microseconds deadline() const noexcept { return deadline_; }

private:
    static void* alloc(void* ud, void* ptr, std::size_t osize, std::size_t nsize);
    static void hook(lua_State* L, lua_Debug* ar);
    static std::chrono::steady_clock::time_point look(void* self);
    static int luaGuardedWrap(lua_State* L);
    static int luaWrapped(lua_State* L);
    void switchTo(lua_State* thread);
    static int luaRequire(lua_State* L);
    static int luaEnvRequire(lua_State* L);
    static int luaEnvLoad(lua_State* L);
    static int luaLoadText(lua_State* L);
    static int luaArray(lua_State* L);
    static int luaGuardedPcall(lua_State* L);
    static int luaGuardedXpcall(lua_State* L);
    static int luaGuardedCoroutine(lua_State* L);
    static int luaLog(lua_State* L);
    void openSandbox();
    [[noreturn]] void fail(const std::string& what);

    std::string owner_;
    std::size_t limit_;
    std::size_t used_ = 0;
    unsigned long long budget_;
    std::chrono::microseconds deadline_;
    int depth_ = 0;                          // nesting of call(): only the outermost one is watched
    std::mutex armMutex_;                    // the watchdog's arming vs. a coroutine switch
    std::atomic<bool> overdue_{false};       // the current call passed its deadline
    clockid_t cpuClock_ = 0;                 // the CPU clock of the thread of the current call
    long long cpuMark_ = -1;                 // its CPU time (ns) at the watchdog's first look; -1 before
    lua_State* running_ = nullptr;           // the thread running now (main or a coroutine), under armMutex_
    bool budgetExceeded_ = false;
    bool memoryExceeded_ = false;
    std::vector<std::string> roots_;
    lua_State* L_ = nullptr;
};

/// Registry key of the metatable that marks tables as JSON arrays.
extern const char* const kLuaArrayMeta;

} // namespace kabinet
