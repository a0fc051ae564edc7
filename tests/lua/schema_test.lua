-- Tests of the tenant schema: the tables of tenants/README.md are the ones
-- kabinet.schema_doc makes from the schema; module settings (`settings.<module>`)
-- are checked by their schemas and come with their defaults from
-- kabinet.tenant.settings; the identity limits are the schema's.
-- Needs the globals load_tenant(id) and read_doc(path) of the test harness.

local tenant = require("kabinet.tenant")
local doc = require("kabinet.schema_doc")

local testing = require("testing")
local case, eq = testing.case, testing.eq

-- Asserts that check(T) reports a problem starting with `prefix`.
local reports = require("testing").reports

---------------------------------------------------------------------------
-- tenants/README.md
---------------------------------------------------------------------------

case("таблицы tenants/README.md сделаны из схемы", function()
  local text = read_doc("tenants/README.md")
  local missing = doc.missing(text)
  eq(#missing, 0, "блоки без меток в README: " .. table.concat(missing, ", "))
  local made = doc.render(text)
  if made ~= text then
    local line = 1
    for i = 1, math.min(#made, #text) do
      if made:byte(i) ~= text:byte(i) then break end
      if text:byte(i) == 10 then line = line + 1 end
    end
    error("tenants/README.md расходится со схемой со строки " .. line
      .. ": lua5.4 scripts/tools/tenant_schema_doc.lua --write", 0)
  end
end)

case("у каждого ключа схемы есть описание", function()
  local blocks = doc.blocks()
  assert(#blocks >= 10)
  for _, b in ipairs(blocks) do
    assert(b[2]:find("| key | type |", 1, true), b[1])
    assert(not b[2]:find("|  |  |", 1, true), "пустая ячейка в " .. b[1])
  end
end)

---------------------------------------------------------------------------
-- settings.<module>
---------------------------------------------------------------------------

case("настройки модулей: значения арендатора и умолчания", function()
  local voek = tenant.settings(load_tenant("voek"))
  eq(voek.archive.max_depth_years, 3)
  eq(voek.archive.change_until, "21:00")
  eq(voek.archive.change_timezone, "Europe/Moscow")
  eq(voek.archive.ready, "next_day")
  local sigma = tenant.settings(load_tenant("sigma"))
  eq(sigma.manual_readings.approval, "operator")
  eq(sigma.manual_readings.max_daily_kwh, 2000)
  eq(sigma.manual_readings.window.to_day, 31)
  eq(sigma.manual_readings.virtual_meters, false)
  local vges = tenant.settings(load_tenant("vges"))
  eq(vges.manual_readings.approval, "auto")
  eq(vges.manual_readings.virtual_meters, true)
  eq(vges.manual_readings.window.from_day, 1)
  eq(vges.manual_readings.polled_meters, false)
  -- A module switched on without settings gets every default; the archive's
  -- time zone is the tenant's.
  local T = load_tenant("kes-orenburg")
  T.modules[#T.modules + 1] = "archive"
  T.modules[#T.modules + 1] = "manual_readings"
  T.timezone = "Asia/Yekaterinburg"
  local s = tenant.settings(T)
  eq(s.archive.max_depth_years, 3)
  eq(s.archive.change_timezone, "Asia/Yekaterinburg")
  eq(s.manual_readings.approval, "operator")
  eq(s.manual_readings.max_daily_kwh, 1000)
  eq(s.manual_readings.non_smart_only, false)
  eq(s.reports, nil)
end)

case("настройки модулей проверяются по схеме", function()
  local T = load_tenant("voek")
  T.settings.archive.ready = "later"
  T.settings.archive.change_until = "25:00"
  T.settings.archive.max_depth_years = 0
  T.settings.archive.colour = "red"
  T.settings.archive.change_timezone = "Europe/Berlin"
  reports(T, "settings.archive.ready: ожидается next_day или immediately")
  reports(T, "settings.archive.change_until: ожидается время ЧЧ:ММ")
  reports(T, "settings.archive.max_depth_years: ожидается целое число от 1 до 10")
  reports(T, "settings.archive.colour: неизвестный ключ")
  reports(T, "settings.archive.change_timezone: неизвестный часовой пояс 'Europe/Berlin'")
  local V = load_tenant("vges")
  V.settings.manual_readings.window = { from_day = 0, to_day = 32 }
  V.settings.manual_readings.max_daily_kwh = "много"
  V.settings.manual_readings.approval = "nobody"
  V.settings.manual_readings.virtual_meters = "yes"
  reports(V, "settings.manual_readings.window.from_day: ожидается целое число от 1 до 31")
  reports(V, "settings.manual_readings.window.to_day: ожидается целое число от 1 до 31")
  reports(V, "settings.manual_readings.max_daily_kwh: ожидается число")
  reports(V, "settings.manual_readings.approval: ожидается operator или auto")
  reports(V, "settings.manual_readings.virtual_meters: ожидается true или false")
  local K = load_tenant("kes-orenburg")
  K.settings.archive = { max_depth_years = 2 }
  reports(K, "settings.archive: модуль 'archive' не включён в modules")
end)

case("настройки отключений: значения ВГЭС, умолчания и проверка", function()
  local vges = tenant.settings(load_tenant("vges"))
  eq(vges.outages.notify_days_ahead, 3)
  eq(vges.outages.sources, 1)
  eq(vges.outages.public, true)
  local T = load_tenant("vges")
  T.settings.outages = nil
  local s = tenant.settings(T)
  eq(s.outages.notify_days_ahead, 3)
  eq(s.outages.sources, 1)
  eq(s.outages.public, true)
  local V = load_tenant("vges")
  V.settings.outages = { notify_days_ahead = 45, sources = 3, public = "да", colour = "red" }
  reports(V, "settings.outages.notify_days_ahead: ожидается целое число от 0 до 30")
  reports(V, "settings.outages.sources: ожидается целое число от 1 до 2")
  reports(V, "settings.outages.public: ожидается true или false")
  reports(V, "settings.outages.colour: неизвестный ключ")
  local K = load_tenant("kes-orenburg")
  K.settings = K.settings or {}
  K.settings.outages = { sources = 2 }
  reports(K, "settings.outages: модуль 'outages' не включён в modules")
end)

---------------------------------------------------------------------------
-- identity limits
---------------------------------------------------------------------------

case("границы identity — из схемы", function()
  eq(tenant.IDENTITY_LIMITS.lockout.max_failures.default, 5)
  eq(tenant.IDENTITY_LIMITS.guessing.window_minutes.default, 60)
  eq(tenant.IDENTITY_LIMITS.session.remember_days.min, 0)
  local id = tenant.identity(load_tenant("sigma"))
  eq(id.guessing.max_failures, 10)
  eq(id.session.hours, 12)
end)

testing.finish()
