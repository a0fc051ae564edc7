--- kabinet.tables — small helpers on plain Lua tables shared by the tenant
-- library: sets, lists, sorted keys, copies marked as JSON arrays.

local M = {}

local array = kabinet and kabinet.array or function(t) return t end

--- The host's marker of a table meant as a JSON array (identity outside the host).
M.array = array

--- Turns a list into a set.
function M.set_of(list)
  local s = {}
  for _, v in ipairs(list or {}) do s[v] = true end
  return s
end

--- True when t is a table whose keys are exactly 1..#t.
function M.is_list(t)
  if type(t) ~= "table" then return false end
  local n = 0
  for _ in pairs(t) do n = n + 1 end
  return n == #t
end

--- True when v is a string holding something besides white space.
function M.non_empty_string(v)
  return type(v) == "string" and v:find("%S") ~= nil
end

local function by_text(a, b) return tostring(a) < tostring(b) end

--- Sorted keys of a table (problems are reported in a stable order): by their
-- text; keys that are all strings are sorted by Lua's own comparison (the same
-- order, without a call per comparison).
function M.sorted_keys(t)
  local keys, strings = {}, true
  for k in pairs(t) do
    keys[#keys + 1] = k
    if strings and type(k) ~= "string" then strings = false end
  end
  if strings then table.sort(keys) else table.sort(keys, by_text) end
  return keys
end

--- Copy of plain data; sequences are marked as JSON arrays.
function M.plain_copy(v)
  if type(v) ~= "table" then return v end
  local out = {}
  for k, x in pairs(v) do out[k] = M.plain_copy(x) end
  if #v > 0 and M.is_list(v) then array(out) end
  return out
end

--- Copy of a list of strings, as a JSON array.
function M.list_copy(list)
  local out = {}
  for i, v in ipairs(list or {}) do out[i] = v end
  return array(out)
end

return M
