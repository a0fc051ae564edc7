--- Standalone stand-in for the server's Lua sandbox, used by tests/lua/run.sh.
--
--   lua5.4 tests/lua/support/sandbox.lua <repo root> <test file>
--
-- Runs one test script in an environment like the one the C++ host builds:
-- base library without dofile/loadfile (`load` text-only), string, table,
-- math, utf8, coroutine, `os` with time/date/clock only; no io, debug or
-- package. `require(name)` maps dots to slashes and looks in the folder of
-- the tenant being loaded, then in scripts/; modules are cached by file, so
-- tenant-local modules of different tenants never collide. Globals `kabinet`
-- (array, log), `load_tenant(id [, folder])` and `read_doc(path)` are provided as the host
-- provides them (`folder`, relative to the repository, holds tenant folders
-- other than tenants/, e.g. the test fixtures).
-- This file itself runs with the full standard library.

local root, test_path = arg[1], arg[2]
assert(root and test_path, "usage: sandbox.lua <repo root> <test file>")

local env
local current_dir                               -- folder of the tenant being loaded
local modules = {}                              -- file path → module value
local arrays = setmetatable({}, { __mode = "k" }) -- tables marked by kabinet.array

local function file_exists(path)
  local f = io.open(path, "r")
  if f then f:close() return true end
  return false
end

-- Loads a file as text into the sandbox environment.
local function load_file(path)
  local f = assert(io.open(path, "r"))
  local src = f:read("a")
  f:close()
  local name = path:sub(1, #root + 1) == root .. "/" and path:sub(#root + 2) or path
  return assert(load(src, "@" .. name, "t", env))
end

local function sandbox_require(name)
  if type(name) ~= "string" or not name:match("^[%w_%-]+[%w_%.%-]*$") or name:find("..", 1, true) then
    error("require: недопустимое имя модуля '" .. tostring(name) .. "'", 2)
  end
  local rel = name:gsub("%.", "/") .. ".lua"
  local path
  if current_dir and file_exists(current_dir .. "/" .. rel) then
    path = current_dir .. "/" .. rel
  elseif file_exists(root .. "/scripts/" .. rel) then
    path = root .. "/scripts/" .. rel
  elseif file_exists(root .. "/tests/lua/support/" .. rel) then
    path = root .. "/tests/lua/support/" .. rel
  else
    error("require: модуль '" .. name .. "' не найден", 2)
  end
  if modules[path] == nil then
    local value = load_file(path)(name)
    modules[path] = value == nil and true or value
  end
  return modules[path]
end

local function copy(t)
  local c = {}
  for k, v in pairs(t) do c[k] = v end
  return c
end

local verbose = os.getenv("KABINET_LUA_VERBOSE")

env = {
  assert = assert, error = error, ipairs = ipairs, pairs = pairs, next = next,
  select = select, tonumber = tonumber, tostring = tostring, type = type,
  pcall = pcall, xpcall = xpcall, rawequal = rawequal, rawget = rawget,
  rawset = rawset, rawlen = rawlen, setmetatable = setmetatable,
  getmetatable = getmetatable, print = print, _VERSION = _VERSION,
  string = copy(string), table = copy(table), math = copy(math),
  utf8 = copy(utf8), coroutine = copy(coroutine),
  os = { time = os.time, date = os.date, clock = os.clock },
  require = sandbox_require,
  load = function(chunk, chunkname, _, chunk_env)
    if type(chunk) ~= "string" then error("load: допускается только текст", 2) end
    return load(chunk, chunkname, "t", chunk_env or env)
  end,
  kabinet = {
    array = function(t) arrays[t] = true return t end,
    log = function(msg) if verbose then io.stderr:write("[kabinet.log] ", tostring(msg), "\n") end end,
  },
}
env._G = env

--- Loads <folder>/<id>/tenant.lua (folder "tenants" unless given, relative
-- to the repository) and returns its declaration (a new table on every call).
env.load_tenant = function(id, folder)
  if type(id) ~= "string" or not id:match("^[a-z0-9][a-z0-9%-]*$") then
    error("load_tenant: недопустимый идентификатор '" .. tostring(id) .. "'", 2)
  end
  folder = folder or "tenants"
  if type(folder) ~= "string" or not folder:match("^[%w_%-/]+$") or folder:find("..", 1, true) then
    error("load_tenant: недопустимая папка '" .. tostring(folder) .. "'", 2)
  end
  local dir = root .. "/" .. folder .. "/" .. id
  local chunk = load_file(dir .. "/tenant.lua")
  local previous = current_dir
  current_dir = dir
  local ok, T = pcall(chunk)
  current_dir = previous
  if not ok then error(T, 0) end
  return T
end

--- read_doc(path): the text of a documentation file of the repository (a
-- `.md` path relative to it), as the host's test runner provides it.
env.read_doc = function(rel)
  if type(rel) ~= "string" or not rel:match("^[%w_%-/%.]+%.md$") or rel:find("..", 1, true) or rel:sub(1, 1) == "/" then
    error("read_doc: недопустимый путь '" .. tostring(rel) .. "'", 2)
  end
  local f = io.open(root .. "/" .. rel, "r")
  if not f then error("read_doc: нет файла " .. rel, 2) end
  local text = f:read("a")
  f:close()
  return text
end

local ok, err = pcall(load_file(test_path))
if not ok then
  io.stderr:write(tostring(err), "\n")
  os.exit(1)
end
