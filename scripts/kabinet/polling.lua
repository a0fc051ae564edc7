-- Polling rules of a tenant: what the server reads from the tenant's smart meters, how often, in which
-- hours, how far back it catches up, and how it backs off after a failure.
--
--   polling = {
--     schedules = {
--       { name = "current", read = { "identity", "clock", "energy", "instant" }, every_min = 60 },
--       { name = "profile", read = { "profile", "events", "billing" }, every_min = 30, delay_min = 2,
--         depth_days = 7, window = { "00:00", "24:00" } },
--     },
--     retry = { first_s = 60, factor = 2, max_s = 3600 },
--   }
--
-- every_min: period, aligned to the tenant's local midnight; delay_min: minutes after each period start
-- (so that the meter has closed its profile interval); window: local hours in which the schedule may run
-- ("22:00"-"06:00" crosses midnight); depth_days: how far back profile, events and billing snapshots are
-- caught up when nothing is stored yet (or after a long outage). retry: after the n-th failure in a row the
-- next try comes first_s × factor^(n−1) seconds later, at most max_s.
local M = {}

M.ITEMS = { identity = 1, clock = 2, energy = 4, instant = 8, profile = 16, events = 32, billing = 64 }

M.DEFAULT = {
  schedules = {
    { name = "current", read = { "identity", "clock", "energy", "instant" }, every_min = 60, delay_min = 1 },
    { name = "profile", read = { "profile", "events", "billing" }, every_min = 30, delay_min = 2, depth_days = 7 },
  },
  retry = { first_s = 60, factor = 2, max_s = 3600 },
}

local SCHEDULE_KEYS = { name = true, read = true, every_min = true, delay_min = true, depth_days = true, window = true }
local RETRY_KEYS = { first_s = true, factor = true, max_s = true }

local function minutes_of(text)
  if type(text) ~= "string" then return nil end
  local h, m = text:match("^(%d%d):(%d%d)$")
  if not h then return nil end
  h, m = tonumber(h), tonumber(m)
  if m > 59 or h > 24 or (h == 24 and m ~= 0) then return nil end
  return h * 60 + m
end

local function positive(v, integer)
  return type(v) == "number" and v > 0 and (not integer or math.type(v) == "integer")
end

-- Adds a problem for every wrong key or value of a `polling` table through add(path, text).
function M.check(add, p)
  if type(p) ~= "table" then add("polling", "ожидается таблица"); return end
  for k in pairs(p) do
    if k ~= "schedules" and k ~= "retry" then add("polling." .. tostring(k), "неизвестный ключ") end
  end
  if p.schedules ~= nil then
    if type(p.schedules) ~= "table" or #p.schedules == 0 then
      add("polling.schedules", "ожидается непустой список расписаний")
    else
      local names = {}
      for i, s in ipairs(p.schedules) do
        local path = string.format("polling.schedules[%d]", i)
        if type(s) ~= "table" then add(path, "ожидается таблица") goto continue end
        for k in pairs(s) do
          if not SCHEDULE_KEYS[k] then add(path .. "." .. tostring(k), "неизвестный ключ") end
        end
        if type(s.name) ~= "string" or not s.name:match("^[a-z][a-z0-9_%-]*$") then
          add(path .. ".name", "ожидается имя из латинских строчных букв, цифр, '_' и '-'")
        elseif names[s.name] then
          add(path .. ".name", "имя расписания повторяется")
        else
          names[s.name] = true
        end
        if type(s.read) ~= "table" or #s.read == 0 then
          add(path .. ".read", "ожидается непустой список: " .. "identity, clock, energy, instant, profile, events, billing")
        else
          for j, item in ipairs(s.read) do
            if not M.ITEMS[item] then add(string.format("%s.read[%d]", path, j), "неизвестный вид данных '" .. tostring(item) .. "'") end
          end
        end
        if not positive(s.every_min, true) or s.every_min > 44640 then
          add(path .. ".every_min", "ожидается целое число минут от 1 до 44640")
        end
        if s.delay_min ~= nil and (math.type(s.delay_min) ~= "integer" or s.delay_min < 0) then
          add(path .. ".delay_min", "ожидается целое неотрицательное число минут")
        end
        if s.depth_days ~= nil and (not positive(s.depth_days, true) or s.depth_days > 400) then
          add(path .. ".depth_days", "ожидается целое число дней от 1 до 400")
        end
        if s.window ~= nil then
          if type(s.window) ~= "table" or #s.window ~= 2 or not minutes_of(s.window[1]) or not minutes_of(s.window[2]) then
            add(path .. ".window", "ожидается пара времён {\"ЧЧ:ММ\", \"ЧЧ:ММ\"}")
          elseif minutes_of(s.window[1]) == minutes_of(s.window[2]) then
            add(path .. ".window", "начало и конец окна совпадают")
          end
        end
        ::continue::
      end
    end
  end
  if p.retry ~= nil then
    if type(p.retry) ~= "table" then add("polling.retry", "ожидается таблица") return end
    for k in pairs(p.retry) do
      if not RETRY_KEYS[k] then add("polling.retry." .. tostring(k), "неизвестный ключ") end
    end
    if p.retry.first_s ~= nil and not positive(p.retry.first_s, true) then add("polling.retry.first_s", "ожидается целое положительное число секунд") end
    if p.retry.max_s ~= nil and not positive(p.retry.max_s, true) then add("polling.retry.max_s", "ожидается целое положительное число секунд") end
    if p.retry.factor ~= nil and (type(p.retry.factor) ~= "number" or p.retry.factor < 1 or p.retry.factor > 10) then
      add("polling.retry.factor", "ожидается число от 1 до 10")
    end
  end
end

-- The rules in the form the server reads: schedules with an item bit mask and seconds.
-- @return {schedules = [{name, items, every_s, delay_s, depth_s, window_from_min?, window_to_min?}],
--          retry = {first_s, factor, max_s}}
function M.normalise(p)
  p = p or {}
  local schedules = {}
  for i, s in ipairs(p.schedules or M.DEFAULT.schedules) do
    local items = 0
    for _, item in ipairs(s.read) do items = items | M.ITEMS[item] end
    schedules[i] = {
      name = s.name, items = items, every_s = s.every_min * 60, delay_s = (s.delay_min or 0) * 60,
      depth_s = (s.depth_days or 7) * 86400,
      window_from_min = s.window and minutes_of(s.window[1]) or nil,
      window_to_min = s.window and minutes_of(s.window[2]) or nil,
    }
  end
  local r = p.retry or {}
  local d = M.DEFAULT.retry
  return {
    schedules = schedules,
    retry = { first_s = r.first_s or d.first_s, factor = r.factor or d.factor, max_s = r.max_s or d.max_s },
  }
end

return M
