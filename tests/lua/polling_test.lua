-- Tests of kabinet.polling: the defaults, normalisation to item bits and seconds, and a Russian problem
-- with the key's path for every kind of wrong rule.

local P = require("kabinet.polling")

local testing = require("testing")
local case, eq = testing.case, testing.eq

local function problems(p)
  local out = {}
  P.check(function(path, text) out[#out + 1] = path .. ": " .. text end, p)
  return out
end

local function has(list, fragment)
  for _, line in ipairs(list) do
    if line:find(fragment, 1, true) then return true end
  end
  error(string.format("нет проблемы с %q среди: %s", fragment, table.concat(list, " | ")), 2)
end

case("defaults read registers hourly and the profile every 30 minutes, 7 days deep", function()
  local r = P.normalise(nil)
  eq(#r.schedules, 2)
  eq(r.schedules[1].name, "current")
  eq(r.schedules[1].items, 1 | 2 | 4 | 8)
  eq(r.schedules[1].every_s, 3600)
  eq(r.schedules[2].items, 16 | 32 | 64)
  eq(r.schedules[2].every_s, 1800)
  eq(r.schedules[2].delay_s, 120)
  eq(r.schedules[2].depth_s, 7 * 86400)
  eq(r.retry.first_s, 60)
  eq(r.retry.factor, 2)
  eq(r.retry.max_s, 3600)
end)

case("a tenant's schedule with a night window crossing midnight", function()
  local r = P.normalise {
    schedules = { { name = "night", read = { "profile", "billing" }, every_min = 60, window = { "22:00", "06:00" }, depth_days = 31 } },
    retry = { first_s = 30 },
  }
  eq(r.schedules[1].items, 16 | 64)
  eq(r.schedules[1].window_from_min, 22 * 60)
  eq(r.schedules[1].window_to_min, 6 * 60)
  eq(r.schedules[1].depth_s, 31 * 86400)
  eq(r.retry.first_s, 30)
  eq(r.retry.max_s, 3600)
  eq(#problems { schedules = { { name = "night", read = { "profile" }, every_min = 60, window = { "22:00", "06:00" } } } }, 0)
end)

case("wrong rules are named with their path", function()
  has(problems "каждый час", "polling: ожидается таблица")
  has(problems { schedules = {} }, "polling.schedules: ожидается непустой список")
  has(problems { schedules = { { name = "A b", read = { "energy" }, every_min = 5 } } }, "polling.schedules[1].name")
  has(problems { schedules = { { name = "a", read = { "energy", "weather" }, every_min = 5 } } }, "polling.schedules[1].read[2]: неизвестный вид данных 'weather'")
  has(problems { schedules = { { name = "a", read = { "energy" }, every_min = 0 } } }, "polling.schedules[1].every_min")
  has(problems { schedules = { { name = "a", read = { "energy" }, every_min = 5, window = { "25:00", "06:00" } } } }, "polling.schedules[1].window")
  has(problems { schedules = { { name = "a", read = { "energy" }, every_min = 5, window = { "06:00", "06:00" } } } }, "совпадают")
  has(problems { schedules = { { name = "a", read = { "energy" }, every_min = 5 }, { name = "a", read = { "clock" }, every_min = 5 } } }, "повторяется")
  has(problems { schedules = { { name = "a", read = { "energy" }, every_min = 5, often = true } } }, "polling.schedules[1].often: неизвестный ключ")
  has(problems { retry = { factor = 0.5 } }, "polling.retry.factor")
  has(problems { retry = { first_s = -1 } }, "polling.retry.first_s")
  has(problems { interval = 5 }, "polling.interval: неизвестный ключ")
end)

case("a meter is silent after silent_after_h hours, 24 by default", function()
  eq(P.normalise(nil).silent_after_s, 24 * 3600)
  eq(P.normalise({ silent_after_h = 6 }).silent_after_s, 6 * 3600)
  eq(#problems { silent_after_h = 6 }, 0)
  has(problems { silent_after_h = 0 }, "polling.silent_after_h: ожидается целое число часов от 1 до 8760")
  has(problems { silent_after_h = 1.5 }, "polling.silent_after_h")
end)

testing.finish()
