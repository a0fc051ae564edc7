// The Lua budget's cost on loop-heavy tenant code: the same functions timed with the watchdog (no hook until a
// call passes its deadline) and with the permanent count hook the sandbox used before (a hook every 1,000
// instructions on every call, counting the budget), in the same run. Prints the CPU time per call and the ratio.
#include "lua/LuaState.h"

#include <algorithm>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

using namespace kabinet;

namespace {

// The hook of the permanent way: counts the budget in steps of 1,000 instructions.
unsigned long long spent = 0;
constexpr unsigned long long kBudget = 50'000'000;
void countingHook(lua_State* L, lua_Debug*) {
    spent += 1000;
    if (spent > kBudget) luaL_error(L, "instruction budget of %I exceeded", static_cast<lua_Integer>(kBudget));
}

// Loop-heavy functions a tenant declaration could hold: checking a batch of ИНН with the shared validators,
// and a tariff sum over a year of half hours.
const char* const kScript = R"(
local V = require("kabinet.validators")
local M = {}
function M.validate_inns(n)
  local good = 0
  for i = 1, n do
    local s = string.format("77%07d", i)
    local sum, w = 0, { 2, 4, 10, 3, 5, 9, 4, 6, 8 }
    for k = 1, 9 do sum = sum + w[k] * (s:byte(k) - 48) end
    if V.inn10(s .. tostring(sum % 11 % 10)) then good = good + 1 end
  end
  return good
end
function M.tariff_year()
  local total = 0
  for day = 0, 364 do
    for half = 0, 47 do
      local p = 0.2 + 0.8 * ((half >= 14 and half < 46) and 1 or 0.4) + (day % 7 >= 5 and 0.1 or 0)
      local price = (half >= 14 and half < 46) and 6.12 or 2.87
      total = total + p * 0.5 * price
    end
  end
  return total
end
return M
)";

/// CPU time of this thread in ms: the machine may be shared, and the figures compare the code, not the load.
double cpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/// Median over 7 runs of the CPU time per call.
double timeCalls(LuaState& st, int module, const char* fn, int arg, bool permanent, int calls) {
    std::vector<double> runs;
    for (int rep = 0; rep < 7; ++rep) {
        const double t0 = cpuMs();
        for (int i = 0; i < calls; ++i) {
            lua_getfield(st.L(), module, fn);
            lua_pushinteger(st.L(), arg);
            if (permanent) {
                spent = 0;
                lua_sethook(st.L(), &countingHook, LUA_MASKCOUNT, 1000); // call() removes it at the end, as before
            }
            st.call(1, 1);
            lua_pop(st.L(), 1);
        }
        runs.push_back((cpuMs() - t0) / calls);
    }
    std::sort(runs.begin(), runs.end());
    return runs[runs.size() / 2];
}

} // namespace

int main() {
    const std::string dir = "/tmp/kabinet-lua-bench";
    std::system(("mkdir -p " + dir).c_str());
    std::ofstream(dir + "/bench.lua") << kScript;
    LuaState st("bench", 64u << 20, kBudget, {dir, std::string(KABINET_SOURCE_DIR) + "/scripts"});
    st.runFile(dir + "/bench.lua", 1);
    const int module = lua_gettop(st.L());
    std::printf("Lua budget: watchdog vs permanent count hook (median of 7 runs, CPU ms per call)\n");
    struct Case {
        const char* name;
        const char* fn;
        int arg, calls;
    } cases[] = {{"validate 20,000 ИНН (kabinet.validators)", "validate_inns", 20000, 10},
                 {"tariff sum over a year of half hours", "tariff_year", 0, 20}};
    for (const auto& c : cases) {
        const double hooked = timeCalls(st, module, c.fn, c.arg, true, c.calls);
        const double watched = timeCalls(st, module, c.fn, c.arg, false, c.calls);
        std::printf("  %-42s permanent hook %8.3f ms   watchdog %8.3f ms   hook/watchdog %.2f×\n", c.name, hooked, watched,
                    hooked / watched);
    }
    return 0;
}
