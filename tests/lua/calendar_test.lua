-- Tests of kabinet.calendar: the shipped federal calendar, the Tatarstan example on top of it, a tenant's
-- own years, and a Russian problem with its path for a malformed `calendar` table.

local C = require("kabinet.calendar")
local S = require("kabinet.shape")

local testing = require("testing")
local case, eq = testing.case, testing.eq

local function contains(list, v)
  for _, x in ipairs(list) do if x == v then return true end end
  return false
end

local function problems(c)
  local out = {}
  S.check(C.schema, c, "calendar", function(path, text) out[#out + 1] = path .. ": " .. text end, {})
  return out
end

case("a tenant without a calendar gets the federal one of 2025, 2026 and 2027", function()
  local c = C.of({})
  eq(c.weekend[1], 6)
  eq(c.weekend[2], 7)
  assert(contains(c.years["2026"].off, "01-09"), "9 января 2026 — выходной (перенос с 3 января)")
  assert(contains(c.years["2026"].off, "12-31"), "31 декабря 2026 — выходной")
  assert(contains(c.years["2025"].short, "11-01"), "1 ноября 2025 — рабочая суббота, сокращённая")
  assert(not contains(c.years["2026"].off, "03-20"), "20 марта — не федеральный выходной")
  assert(contains(c.years["2027"].off, "02-22"), "22 февраля 2027 — выходной (перенос с 20 февраля)")
  assert(contains(c.years["2027"].work, "02-20"), "20 февраля 2027 — рабочая суббота")
  assert(contains(c.years["2027"].off, "11-05"), "5 ноября 2027 — выходной (перенос со 2 января)")
end)

case("the Tatarstan calendar adds the republic's holidays and keeps the federal ones", function()
  local c = C.of({ calendar = C.russia { region = "tatarstan" } })
  assert(contains(c.years["2026"].off, "03-20"), "Ураза-байрам 2026")
  assert(contains(c.years["2026"].off, "05-27"), "Курбан-байрам 2026")
  assert(contains(c.years["2026"].short, "03-19"), "предпраздничный день")
  assert(contains(c.years["2026"].off, "01-09"), "федеральные дни сохраняются")
  -- the shipped federal tables are not changed by the merge
  assert(not contains(C.of({}).years["2026"].off, "03-20"))
end)

case("an unknown region is refused in Russian", function()
  local ok, err = pcall(C.russia, { region = "atlantis" })
  assert(not ok and tostring(err):find("неизвестный регион", 1, true), tostring(err))
end)

case("a tenant may add a year of its own, or replace a shipped one", function()
  local c = C.of({ calendar = C.russia { years = { ["2028"] = { off = { "01-01" } }, ["2027"] = { off = { "01-04" } } } } })
  eq(c.years["2028"].off[1], "01-01")
  eq(#c.years["2028"].work, 0)
  eq(#c.years["2027"].off, 1)
  eq(c.years["2027"].off[1], "01-04")
  eq(#c.years["2027"].work, 0)
  eq(#c.years["2026"].off, #require("kabinet.calendar.ru_2026").off)
  eq(#problems(C.russia { region = "tatarstan" }), 0)
end)

case("a malformed calendar names the path in Russian", function()
  local p = problems({ weekend = { 8 }, years = { ["26"] = {}, ["2026"] = { off = { "02-30" }, extra = {} } } })
  local text = table.concat(p, " | ")
  assert(text:find("calendar.weekend[1]: ожидается день недели 1…7", 1, true), text)
  assert(text:find("calendar.years.26: год", 1, true), text)
  assert(text:find("calendar.years.2026.off[1]: ожидается день", 1, true), text)
  assert(text:find("calendar.years.2026.extra: неизвестный ключ", 1, true), text)
end)

testing.finish()
