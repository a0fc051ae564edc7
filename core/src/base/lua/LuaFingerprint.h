#pragma once
/// A hash of what a Lua state holds, to tell whether code of one owner changed values that code of
/// another owner will read in the same state.
#include <cstdint>

extern "C" {
#include <lua.h>
}

namespace kabinet {

/// A hash of every value reachable from the state's registry (its globals, loaded modules and the
/// metatables kept there) and from the string metatable: tables by content (keys, values and metatable),
/// functions by identity and upvalues, strings and numbers by value, userdata and threads by identity.
/// The contents of weak tables (caches) are left out. Equal hashes taken at two moments mean, but for a
/// collision, that no reachable table changed in between and none was replaced. Leaves the stack as it was
/// (it may grow it); throws std::runtime_error when the stack cannot grow.
std::uint64_t luaFingerprint(lua_State* L);

} // namespace kabinet
