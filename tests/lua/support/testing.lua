--- testing — the small harness the Lua test scripts share: named cases that collect failures instead of
-- stopping at the first, an equality assertion with a Russian message, and a table copy with changes.
--
--   local T = require("testing")
--   T.case("name", function() T.eq(1 + 1, 2, "сумма") end)
--   T.finish()   -- raises one error listing every failed case

local M = {}

local failures, count = {}, 0

--- Runs fn as one named check; a failure is remembered, not raised.
function M.case(name, fn)
  count = count + 1
  local ok, err = pcall(fn)
  if not ok then failures[#failures + 1] = name .. ": " .. tostring(err) end
end

--- Raises (at the caller's caller) unless actual == expected.
function M.eq(actual, expected, what)
  if actual ~= expected then
    error(string.format("%s: ожидалось %q, получено %q", what or "значение",
      tostring(expected), tostring(actual)), 2)
  end
end

--- Marker for `with`: remove the key.
M.NIL = {}

--- A shallow copy of base with the keys of changes set (M.NIL removes a key).
function M.with(base, changes)
  local t = {}
  for k, v in pairs(base) do t[k] = v end
  for k, v in pairs(changes or {}) do
    if v == M.NIL then t[k] = nil else t[k] = v end
  end
  return t
end

--- Ends the script: raises one error naming every failed case.
--- Raises (at the caller) the problems tenant.check reports for the declaration T; returns when it has none.
function M.passes(T)
  local problems = require("kabinet.tenant").check(T)
  if problems then error(table.concat(problems, "\n"), 2) end
end

--- The first problem tenant.check reports for T that starts with `prefix`; raises when there is none.
function M.reports(T, prefix)
  local problems = require("kabinet.tenant").check(T)
  assert(problems, "check() не нашёл проблем, ожидалось: " .. prefix)
  for _, p in ipairs(problems) do
    if p:sub(1, #prefix) == prefix then return p end
  end
  error("нет проблемы, начинающейся с " .. prefix .. "; найдено:\n" .. table.concat(problems, "\n"), 2)
end

function M.finish()
  if #failures > 0 then
    error(string.format("%d из %d проверок не прошли:\n%s", #failures, count, table.concat(failures, "\n")), 0)
  end
end

return M
