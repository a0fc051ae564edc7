#pragma once
/// Conversion between Lua values and JSON (Poco::Dynamic::Var holding Poco::JSON objects and arrays).
/// Lua → JSON: a table marked by kabinet.array, or with keys exactly 1..n (n > 0), becomes an array; any
/// other table an object with string keys (numeric keys are written as strings); functions, userdata and
/// threads are skipped; nesting deeper than 64 raises an error. JSON → Lua: null becomes nil.
#include <Poco/Dynamic/Var.h>
#include <string>

struct lua_State;

namespace kabinet::luajson {

/// Converts the value at `index` to JSON. Throws std::runtime_error on cycles or too deep nesting.
Poco::Dynamic::Var toJson(lua_State* L, int index);
/// Throws as toJson(L, index) would (cycles, too deep nesting) without building the value.
void check(lua_State* L, int index);
/// A key naming a value as held: an object or array by its address (values shared between owners — e.g. interned
/// summaries of copies of a tenant — have one key), anything else by its text. Keep the value while the key is used.
std::string identity(const Poco::Dynamic::Var& value);
/// Pushes a JSON value onto the Lua stack.
void push(lua_State* L, const Poco::Dynamic::Var& value);
/// Serialises a JSON value to compact text (UTF-8 kept as is).
std::string stringify(const Poco::Dynamic::Var& value);
/// Parses JSON text; throws BadRequest("malformed_json") on bad input.
Poco::Dynamic::Var parse(const std::string& text);

} // namespace kabinet::luajson
