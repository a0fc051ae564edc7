-- Tests of the tenant limits' declaration (`settings.limits`, kabinet.settings): every tenant has them with
-- generous defaults whether it declares them or not and whatever its modules; a fixture tenant's low limits
-- come through; wrong values are refused with the key's path.

local tenant = require("kabinet.tenant")
local settings = require("kabinet.settings")

local testing = require("testing")
local case, eq = testing.case, testing.eq
local reports = testing.reports

case("лимиты есть у каждой организации, по умолчанию щедрые", function()
  for _, id in ipairs { "vges", "oes360", "voek", "sigma", "kes-orenburg" } do
    local l = tenant.settings(load_tenant(id)).limits
    assert(l, id .. ": нет settings.limits")
    eq(l.requests_per_second_per_client, 5000, id)
    eq(l.burst_per_client, 10000, id)
    eq(l.requests_per_second, 20000, id)
    eq(l.burst, 40000, id)
    eq(l.ingest_rows_per_minute, 1000000, id)
    eq(l.document_storage_bytes, 100 * 1024 * 1024 * 1024, id)
    eq(l.sms_per_day, 10000, id)
  end
  eq(settings.ALWAYS.limits, true)
end)

case("низкие лимиты тестовой организации и умолчания для необъявленных", function()
  local l = tenant.settings(load_tenant("limtest", "tests/fixtures/tenants-limits")).limits
  eq(l.ingest_rows_per_minute, 10)
  eq(l.document_storage_bytes, 1500)
  eq(l.sms_per_day, 2)
  eq(l.requests_per_second_per_client, 5000)
  local r = tenant.settings(load_tenant("limrate", "tests/fixtures/tenants-limits")).limits
  eq(r.requests_per_second_per_client, 1)
  eq(r.burst_per_client, 4)
  eq(r.requests_per_second, 1)
  eq(r.burst, 6)
  eq(r.sms_per_day, 10000)
end)

case("settings.limits не требует модуля в modules", function()
  local T = load_tenant("kes-orenburg")
  T.settings = T.settings or {}
  T.settings.limits = { sms_per_day = 0 }
  eq(tenant.check(T), nil)
  eq(tenant.settings(T).limits.sms_per_day, 0)
end)

case("лимиты проверяются по схеме", function()
  local T = load_tenant("vges")
  T.settings.limits = {
    requests_per_second_per_client = 0, burst_per_client = 1.5, requests_per_second = "много",
    ingest_rows_per_minute = -1, document_storage_bytes = 0, sms_per_day = -5, speed = 1,
  }
  reports(T, "settings.limits.requests_per_second_per_client: ожидается целое число от 1 до 1000000")
  reports(T, "settings.limits.burst_per_client: ожидается целое число от 1 до 1000000")
  reports(T, "settings.limits.requests_per_second: ожидается целое число")
  reports(T, "settings.limits.ingest_rows_per_minute: ожидается целое число от 1 до 100000000")
  reports(T, "settings.limits.document_storage_bytes: ожидается целое число от 1 до 1099511627776")
  reports(T, "settings.limits.sms_per_day: ожидается целое число от 0 до 10000000")
  reports(T, "settings.limits.speed: неизвестный ключ")
  local V = load_tenant("vges")
  V.settings.limits = 5
  reports(V, "settings.limits: ожидается таблица")
end)

testing.finish()
