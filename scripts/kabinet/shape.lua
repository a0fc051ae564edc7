--- kabinet.shape — the vocabulary of a declarative schema and its checker.
--
-- A schema is a tree of nodes made by the constructors below; every node
-- carries `desc` (one line, for the generated documentation), optionally
-- `required`, `default` (documented, and filled in by defaults()) and
-- `rules`: named extra checks, functions (add, path, value, ctx) run after
-- the node's own check passed, for what a schema cannot say (references
-- between fields, cycles, placeholders). check(node, value, path, add, ctx)
-- walks a value against a node and reports each problem through
-- add(path, text) with the path of the value ("applicant_kinds[2].fields[3].type").
--
--   S.string{pattern?, pattern_message?, one_line?, max_chars?}  non-empty string
--   S.ident{pattern, message}                                   string matching pattern, else message
--   S.bool{}                                                    true / false
--   S.int{min?, max?, message?}                                 integer within bounds
--   S.number{min?, max?, message?}                              number within bounds
--   S.enum{values = {...}, message = "... '%s'"}                one of the values
--   S.strings{values?, what?}                                   list of distinct strings (from values)
--   S.list{of = node, nonempty?, message?, unique?, enter?}     list of nodes
--   S.record{keys = {{name, node}, ...}, message?, enter?}      table with exactly these keys
--   S.map{key?, value = node, message?}                         table of name → node
--   S.func{}                                                    function
--   S.custom{check = function(add, path, v, ctx), doc}          anything else
--
-- A key of a record may say `only_for = {"phone"}`: it applies only when the
-- record's `type` is one of those. `enter(ctx, value, path, add)` of a list
-- or record runs before its parts are walked (it may set context for them,
-- or return false to skip them).

local tables = require("kabinet.tables")

local is_list, non_empty_string, sorted_keys = tables.is_list, tables.non_empty_string, tables.sorted_keys

local M = {}

-- Each record node's keys as a set (weak: a cache, never part of the node).
local known_keys = setmetatable({}, { __mode = "k" })

local function node(kind, spec)
  spec = spec or {}
  spec.kind = kind
  return spec
end

for _, kind in ipairs { "string", "ident", "bool", "int", "number", "enum", "strings", "list", "record", "map", "func", "custom" } do
  M[kind] = function(spec) return node(kind, spec) end
end

--- The node of a record's key, or nil.
function M.key(record, name)
  for _, entry in ipairs(record.keys) do
    if entry[1] == name then return entry[2] end
  end
  return nil
end

--- The default message of an integer node.
local function int_message(n)
  if n.message then return n.message end
  if n.min and n.max then return string.format("ожидается целое число от %d до %d", n.min, n.max) end
  if n.min == 0 then return "ожидается целое неотрицательное число" end
  return "ожидается целое положительное число"
end

local check

local CHECKS = {
  string = function(n, v, path, add)
    if not non_empty_string(v) then
      add(path, n.message or "ожидается непустая строка")
    elseif n.one_line and (v:find("%c") or (utf8.len(v) or n.max_chars + 1) > n.max_chars) then
      add(path, string.format("одна строка не длиннее %d символов", n.max_chars))
      return false
    end
    if type(v) == "string" and n.pattern and not v:match(n.pattern) then
      add(path, n.pattern_message)
      return false
    end
    return non_empty_string(v)
  end,
  ident = function(n, v, path, add)
    if type(v) ~= "string" or not v:match(n.pattern) then add(path, n.message); return false end
    return true
  end,
  bool = function(n, v, path, add)
    if type(v) ~= "boolean" then add(path, "ожидается true или false"); return false end
    return true
  end,
  int = function(n, v, path, add)
    if math.type(v) ~= "integer" or (n.min and v < n.min) or (n.max and v > n.max) then
      add(path, int_message(n)); return false
    end
    return true
  end,
  number = function(n, v, path, add)
    if type(v) ~= "number" or (n.min and v < n.min) or (n.max and v > n.max) then
      add(path, n.message or string.format("ожидается число от %s до %s", n.min, n.max)); return false
    end
    return true
  end,
  enum = function(n, v, path, add)
    if not n.values[v] then add(path, string.format(n.message or "неизвестное значение '%s'", tostring(v))); return false end
    return true
  end,
  strings = function(n, v, path, add)
    if not is_list(v) then add(path, "ожидается список строк"); return false end
    local seen = {}
    for i, s in ipairs(v) do
      local p = string.format("%s[%d]", path, i)
      if type(s) ~= "string" then
        add(p, "ожидается строка")
      elseif n.values and not n.values[s] then
        add(p, string.format("неизвестное значение %s '%s'", n.what, s))
      elseif seen[s] then
        add(p, string.format("значение '%s' повторяется", s))
      end
      if type(s) == "string" then seen[s] = true end
    end
    return true
  end,
  list = function(n, v, path, add, ctx)
    if not is_list(v) or (n.nonempty and #v == 0) then add(path, n.message or "ожидается список"); return false end
    if n.enter and n.enter(ctx, v, path, add) == false then return false end
    local seen = {}
    for i, item in ipairs(v) do
      local p = string.format("%s[%d]", path, i)
      check(n.of, item, p, add, ctx)
      local u = n.unique
      local id = u and type(item) == "table" and item[u.key]
      if type(id) == "string" and (not u.pattern or id:match(u.pattern)) then
        if seen[id] then add(p .. "." .. u.key, string.format(u.message, id)) end
        seen[id] = true
      end
    end
    return true
  end,
  record = function(n, v, path, add, ctx)
    if type(v) ~= "table" then add(path, n.message or "ожидается таблица"); return false end
    if n.enter and n.enter(ctx, v, path, add) == false then return false end
    -- The node's keys as a set, made on the first check (a node is not changed once made) and kept
    -- beside it, not in it: checks leave the library's tables as they were.
    local known = known_keys[n]
    if not known then
      known = {}
      for _, entry in ipairs(n.keys) do known[entry[1]] = entry[2] end
      known_keys[n] = known
    end
    local unknown
    for k in pairs(v) do
      if not known[k] then unknown = true; break end
    end
    if unknown then
      for _, k in ipairs(sorted_keys(v)) do
        if not known[k] then add((path == "" and n.label or path) .. "." .. tostring(k), n.unknown or "неизвестный ключ") end
      end
    end
    for _, entry in ipairs(n.keys) do
      local name, sub = entry[1], entry[2]
      local x = v[name]
      -- An absent key that is not required passes: its path is made only when there is something to check.
      if x ~= nil or sub.required then
        local p = path == "" and name or path .. "." .. name
        check(sub, x, p, add, ctx)
        if x ~= nil and sub.only_for and v.type ~= nil and not tables.set_of(sub.only_for)[v.type] then
          if #sub.only_for == 1 then
            add(p, string.format("применимо только к типу '%s'", sub.only_for[1]))
          else
            add(p, string.format("неприменимо к типу '%s'", tostring(v.type)))
          end
        end
      end
    end
    return true
  end,
  map = function(n, v, path, add, ctx)
    if type(v) ~= "table" then add(path, n.message or "ожидается таблица"); return false end
    for _, k in ipairs(sorted_keys(v)) do
      local p = path .. "." .. tostring(k)
      if n.key and not n.key.check(k, ctx) then
        add(p, string.format(n.key.message, tostring(k)))
        if n.key.stop then goto continue end
      end
      check(n.value, v[k], p, add, ctx)
      ::continue::
    end
    return true
  end,
  func = function(n, v, path, add)
    if type(v) ~= "function" then add(path, "ожидается функция"); return false end
    return true
  end,
  custom = function(n, v, path, add, ctx)
    return n.check(add, path, v, ctx) ~= false
  end,
}

--- Checks `v` against node `n` at `path`, reporting problems through add(path, text).
-- @return true when v is absent or passed the node's own check
function check(n, v, path, add, ctx)
  if v == nil then
    if n.required then add(path, n.missing or "обязательный ключ отсутствует") end
    return true
  end
  local ok = CHECKS[n.kind](n, v, path, add, ctx)
  local rules = n.rules
  if ok and rules then
    for _, rule in ipairs(rules) do rule(add, path, v, ctx) end
  end
  return ok
end
M.check = check

--- A copy of a checked record with its defaults filled in (nested records
-- too); keys without a default and absent stay absent.
function M.defaults(n, v)
  if n.kind ~= "record" then
    if v == nil then return tables.plain_copy(n.default) end
    return tables.plain_copy(v)
  end
  v = type(v) == "table" and v or {}
  local out = {}
  for _, entry in ipairs(n.keys) do out[entry[1]] = M.defaults(entry[2], v[entry[1]]) end
  return out
end

--- One line describing what a node accepts (for the generated documentation).
function M.describe(n)
  if n.doc then return n.doc end
  local function values(set)
    local list = sorted_keys(set)
    for i, v in ipairs(list) do list[i] = "`" .. tostring(v) .. "`" end
    return table.concat(list, ", ")
  end
  local k = n.kind
  if k == "string" then return n.pattern and "string (" .. (n.pattern_doc or "pattern") .. ")" or "string" end
  if k == "ident" then return "string (" .. (n.pattern_doc or "pattern") .. ")" end
  if k == "bool" then return "boolean" end
  if k == "int" or k == "number" then
    local what = k == "int" and "integer" or "number"
    if n.min and n.max then return string.format("%s %s–%s", what, n.min, n.max) end
    if n.min then return string.format("%s ≥ %s", what, n.min) end
    return what
  end
  if k == "enum" then return "one of " .. values(n.values) end
  if k == "strings" then return n.values and "list of " .. values(n.values) or "list of strings" end
  if k == "list" then return "list of " .. (n.of.name and "`" .. n.of.name .. "`" or M.describe(n.of)) end
  if k == "record" then return n.name and "`" .. n.name .. "` table" or "table" end
  if k == "map" then return "table name → " .. M.describe(n.value) end
  if k == "func" then return "function" end
  return "value"
end

return M
