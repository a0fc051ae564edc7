-- kabinet.calendar — the production calendar: which days are working days, for counting the working-day
-- periods of cases (answer within 30 days, 15 working days …; the counting itself is in C++,
-- core/src/base/calendar/ProductionCalendar).
--
-- A calendar is a table
--   { weekend = { 6, 7 },                        -- ISO weekdays off (1 = Monday … 7 = Sunday)
--     years = { ["2026"] = { off = { "01-01", … },  -- holidays and moved days off
--                            work = { "MM-DD", … }, -- working Saturdays and Sundays
--                            short = { "MM-DD", … } } } } -- shortened pre-holiday working days
-- A year the table does not hold counts the weekend only (the server says so in its log).
--
-- Shipped: the Russian Federation's calendar of 2025, 2026 and 2027 (kabinet/calendar/ru_<year>.lua; facts
-- from the xmlcalendar/data repository, see each file) and, as a regional example, the Republic of Tatarstan's
-- own holidays on top of it in 2025 and 2026 (kabinet/calendar/tatarstan_<year>.lua; in a later year such a
-- tenant gets the federal days until the republic's dates are added). A tenant without `calendar` gets the
-- federal one; in tenant.lua:
--   calendar = require("kabinet.calendar").russia { region = "tatarstan" }
-- or a whole table of its own (above), or russia { years = { ["2028"] = {…} } } to add or replace years.
local S = require("kabinet.shape")
local tables = require("kabinet.tables")

local M = {}

--- The years shipped for the federal calendar, and per region.
M.YEARS = { 2025, 2026, 2027 }
M.REGIONS = { tatarstan = { 2025, 2026 } }

local function copy_list(list)
  local out = {}
  for i, v in ipairs(list or {}) do out[i] = v end
  return out
end

local function merged(a, b)
  local out = copy_list(a)
  for _, v in ipairs(b or {}) do out[#out + 1] = v end
  return out
end

--- The Russian Federation's calendar, optionally with a region's own days and extra years.
-- @param opts {region = "tatarstan"?, years = {["YYYY"] = {off, work, short}}?} (years given replace shipped ones)
-- @return a calendar table (see above)
function M.russia(opts)
  opts = opts or {}
  local region = opts.region
  if region ~= nil and not M.REGIONS[region] then
    error(string.format("kabinet.calendar.russia: неизвестный регион '%s'", tostring(region)), 2)
  end
  local years = {}
  for _, y in ipairs(M.YEARS) do
    local federal = require("kabinet.calendar.ru_" .. y)
    local day = { off = copy_list(federal.off), work = copy_list(federal.work), short = copy_list(federal.short) }
    if region then
      for _, ry in ipairs(M.REGIONS[region]) do
        if ry == y then
          local extra = require("kabinet.calendar." .. region .. "_" .. y)
          day.off, day.work, day.short = merged(day.off, extra.off), merged(day.work, extra.work), merged(day.short, extra.short)
        end
      end
    end
    years[tostring(y)] = day
  end
  for key, day in pairs(opts.years or {}) do years[key] = day end
  return { weekend = { 6, 7 }, years = years }
end

local DAY_MESSAGE = "ожидается список дней \"ММ-ДД\""

local function valid_day(year, text)
  if type(text) ~= "string" then return false end
  local m, d = text:match("^(%d%d)%-(%d%d)$")
  if not m then return false end
  m, d = tonumber(m), tonumber(d)
  if m < 1 or m > 12 or d < 1 then return false end
  local days = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }
  if m == 2 and (year % 4 == 0 and (year % 100 ~= 0 or year % 400 == 0)) then return d <= 29 end
  return d <= days[m]
end

local function days_node(desc)
  return S.custom { doc = "list of `\"MM-DD\"`", desc = desc, check = function(add, path, v, ctx)
    if type(v) ~= "table" or (next(v) ~= nil and not tables.is_list(v)) then add(path, DAY_MESSAGE); return end
    local year = tonumber(path:match("%.(%d%d%d%d)%.")) or 2000
    for i, d in ipairs(v) do
      if not valid_day(year, d) then add(string.format("%s[%d]", path, i), "ожидается день \"ММ-ДД\" этого года") end
    end
  end }
end

--- The schema of a tenant's `calendar` table (kabinet.shape).
M.schema = S.record { name = "calendar",
  desc = "production calendar for working-day periods (default: the Russian Federation's, `kabinet.calendar.russia()`)",
  keys = {
    { "weekend", S.custom { doc = "list of ISO weekdays 1…7", desc = "weekdays off (default { 6, 7 })",
      check = function(add, path, v)
        if type(v) ~= "table" or not tables.is_list(v) then add(path, "ожидается список дней недели 1…7"); return end
        for i, d in ipairs(v) do
          if math.type(d) ~= "integer" or d < 1 or d > 7 then add(string.format("%s[%d]", path, i), "ожидается день недели 1…7") end
        end
      end } },
    { "years", S.map { message = "ожидается таблица {[\"ГГГГ\"] = {off, work, short}}", desc = "the days of each year that differ from the weekend rule",
      key = { check = function(k) return type(k) == "string" and k:match("^%d%d%d%d$") ~= nil end,
              message = "год: ожидается \"ГГГГ\"" },
      value = S.record { name = "year", keys = {
        { "off", days_node("weekdays off: holidays and days off moved onto a weekday") },
        { "work", days_node("working Saturdays and Sundays") },
        { "short", days_node("shortened pre-holiday working days (working days)") },
      } } } },
  } }

--- The calendar the server reads: the tenant's `calendar` or the federal one, with JSON arrays.
-- @return {weekend = [1…7], years = {["YYYY"] = {off = [...], work = [...], short = [...]}}}
function M.of(T)
  local c = T.calendar or M.russia()
  local years = {}
  for key, day in pairs(c.years or {}) do
    years[key] = { off = tables.array(copy_list(day.off)), work = tables.array(copy_list(day.work)),
                   short = tables.array(copy_list(day.short)) }
  end
  return { weekend = tables.array(copy_list(c.weekend or { 6, 7 })), years = years }
end

return M
