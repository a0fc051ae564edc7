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
--     silent_after_h = 24,
--   }
--
-- every_min: period, aligned to the tenant's local midnight; delay_min: minutes after each period start
-- (so that the meter has closed its profile interval); window: local hours in which the schedule may run
-- ("22:00"-"06:00" crosses midnight); depth_days: how far back profile, events and billing snapshots are
-- caught up when nothing is stored yet (or after a long outage). retry: after the n-th failure in a row the
-- next try comes first_s × factor^(n−1) seconds later, at most max_s. silent_after_h: a meter whose last
-- good poll is older than this many hours while polls keep failing is reported to the operators
-- (`meter_silent`, once per silence).
local S = require("kabinet.shape")

local M = {}

M.ITEMS = { identity = 1, clock = 2, energy = 4, instant = 8, profile = 16, events = 32, billing = 64 }

M.DEFAULT = {
  schedules = {
    { name = "current", read = { "identity", "clock", "energy", "instant" }, every_min = 60, delay_min = 1 },
    { name = "profile", read = { "profile", "events", "billing" }, every_min = 30, delay_min = 2, depth_days = 7 },
  },
  retry = { first_s = 60, factor = 2, max_s = 3600 },
  silent_after_h = 24,
}

local function minutes_of(text)
  if type(text) ~= "string" then return nil end
  local h, m = text:match("^(%d%d):(%d%d)$")
  if not h then return nil end
  h, m = tonumber(h), tonumber(m)
  if m > 59 or h > 24 or (h == 24 and m ~= 0) then return nil end
  return h * 60 + m
end

local NAME_MESSAGE = "ожидается имя из латинских строчных букв, цифр, '_' и '-'"
local READ_MESSAGE = "ожидается непустой список: identity, clock, energy, instant, profile, events, billing"
local EVERY_MESSAGE = "ожидается целое число минут от 1 до 44640"
local SECONDS_MESSAGE = "ожидается целое положительное число секунд"

--- The schema of a tenant's `polling` table (kabinet.shape).
M.schema = S.record { name = "polling", desc = "meter polling schedules and retries", keys = {
  { "schedules", S.list { nonempty = true, message = "ожидается непустой список расписаний",
    desc = "what is read and when (default: `current` hourly, `profile` every 30 minutes)",
    unique = { key = "name", pattern = "^[a-z][a-z0-9_%-]*$", message = "имя расписания повторяется" },
    of = S.record { name = "schedule", keys = {
      { "name", S.ident { required = true, missing = NAME_MESSAGE, pattern = "^[a-z][a-z0-9_%-]*$",
        pattern_doc = "`a-z`, `0-9`, `_`, `-`", message = NAME_MESSAGE, desc = "the schedule's name" } },
      { "read", S.list { required = true, missing = READ_MESSAGE, nonempty = true, message = READ_MESSAGE,
        of = S.enum { values = M.ITEMS, message = "неизвестный вид данных '%s'" },
        doc = "list of `identity`, `clock`, `energy`, `instant`, `profile`, `events`, `billing`",
        desc = "what is read from the meter" } },
      { "every_min", S.int { required = true, missing = EVERY_MESSAGE, min = 1, max = 44640, message = EVERY_MESSAGE,
        desc = "period, aligned to the tenant's local midnight" } },
      { "delay_min", S.int { min = 0, default = 0, message = "ожидается целое неотрицательное число минут",
        desc = "minutes after each period start (the meter closes its profile interval)" } },
      { "depth_days", S.int { min = 1, max = 400, default = 7, message = "ожидается целое число дней от 1 до 400",
        desc = "how far back profile, events and billing are caught up" } },
      { "window", S.custom { doc = "`{\"ЧЧ:ММ\", \"ЧЧ:ММ\"}`", desc = "local hours the schedule may run in (may cross midnight)",
        check = function(add, path, w)
          if type(w) ~= "table" or #w ~= 2 or not minutes_of(w[1]) or not minutes_of(w[2]) then
            add(path, "ожидается пара времён {\"ЧЧ:ММ\", \"ЧЧ:ММ\"}")
          elseif minutes_of(w[1]) == minutes_of(w[2]) then
            add(path, "начало и конец окна совпадают")
          end
        end } },
    } } } },
  { "retry", S.record { name = "retry", desc = "back-off after failures: first_s × factor^(n−1) seconds, at most max_s", keys = {
    { "first_s", S.int { min = 1, default = M.DEFAULT.retry.first_s, message = SECONDS_MESSAGE, desc = "after the first failure" } },
    { "factor", S.number { min = 1, max = 10, default = M.DEFAULT.retry.factor, message = "ожидается число от 1 до 10",
      desc = "growth per failure in a row" } },
    { "max_s", S.int { min = 1, default = M.DEFAULT.retry.max_s, message = SECONDS_MESSAGE, desc = "the longest wait" } },
  } } },
  { "silent_after_h", S.int { min = 1, max = 8760, default = M.DEFAULT.silent_after_h,
    message = "ожидается целое число часов от 1 до 8760",
    desc = "hours without a good poll (while polls fail) after which the operators are told the meter is silent" } },
} }

--- Adds a problem for every wrong key or value of a `polling` table through add(path, text).
function M.check(add, p)
  S.check(M.schema, p, "polling", add, {})
end

--- The rules in the form the server reads: schedules with an item bit mask and seconds; what a
-- schedule or `retry` leaves out is the schema's default.
-- @return {schedules = [{name, items, every_s, delay_s, depth_s, window_from_min?, window_to_min?}],
--          retry = {first_s, factor, max_s}, silent_after_s}
function M.normalise(p)
  p = p or {}
  local schedule_node = S.key(M.schema, "schedules").of
  local schedules = {}
  for i, decl in ipairs(p.schedules or M.DEFAULT.schedules) do
    local s = S.defaults(schedule_node, decl)
    local items = 0
    for _, item in ipairs(s.read) do items = items | M.ITEMS[item] end
    schedules[i] = {
      name = s.name, items = items, every_s = s.every_min * 60, delay_s = s.delay_min * 60,
      depth_s = s.depth_days * 86400,
      window_from_min = s.window and minutes_of(s.window[1]) or nil,
      window_to_min = s.window and minutes_of(s.window[2]) or nil,
    }
  end
  return { schedules = schedules, retry = S.defaults(S.key(M.schema, "retry"), p.retry),
           silent_after_s = (p.silent_after_h or M.DEFAULT.silent_after_h) * 3600 }
end

return M
