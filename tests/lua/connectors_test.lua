-- Tests of kabinet.connectors: a tenant's `connectors` declaration is checked with a Russian problem and the
-- key's path for every kind of mistake, normalised with its defaults for the connector hub, and the default and
-- hook rules of link_device.

local tenant = require("kabinet.tenant")

local testing = require("testing")
local case, eq, passes, reports = testing.case, testing.eq, testing.passes, testing.reports

local function with(connectors, extra)
  local T = load_tenant("oes360")
  T.connectors = connectors
  for k, v in pairs(extra or {}) do T[k] = v end
  return T
end

local ok = { id = "supplier", plugin = "supplier-http", label = "ОЭС 360", accounts = "consumer", supplier = "oes360",
             settings = { base_url_path = "/api" }, tasks = { { id = "balances", every_minutes = 60 } } }

case("a well-formed declaration passes and is normalised with its defaults", function()
  local T = with { ok, { id = "waviot", plugin = "waviot", label = "WAVIoT", tasks = {
    { id = "channels", every_minutes = 30, window_days = 31 } } } }
  passes(T)
  local c = tenant.connectors(T)
  eq(#c, 2)
  eq(c[1].accounts, "consumer")
  eq(c[1].supplier, "oes360")
  eq(c[1].settings.base_url_path, "/api")
  eq(c[1].sync_timeout_s, 300)
  eq(c[1].tasks[1].every_s, 3600)
  eq(c[1].tasks[1].window_s, 86400)
  eq(c[2].accounts, "tenant")
  eq(c[2].tasks[1].window_s, 31 * 86400)
  eq(#tenant.connectors(load_tenant("voek")), 0)
end)

case("every mistake is named with its path", function()
  reports(with { { id = "Bad Id", plugin = "x", label = "x", tasks = { { id = "t", every_minutes = 5 } } } },
    "connectors[1].id: ожидается идентификатор")
  reports(with { { id = "a", plugin = "x", tasks = { { id = "t", every_minutes = 5 } } } }, "connectors[1].label")
  reports(with { { id = "a", plugin = "x", label = "x", tasks = {} } }, "connectors[1].tasks: ожидается непустой список задач")
  reports(with { { id = "a", plugin = "x", label = "x", tasks = { { id = "t", every_minutes = 0 } } } },
    "connectors[1].tasks[1].every_minutes: ожидается целое число минут от 1 до 44640")
  reports(with { { id = "a", plugin = "x", label = "x", accounts = "everyone", tasks = { { id = "t", every_minutes = 5 } } } },
    "connectors[1].accounts: ожидается tenant или consumer")
  reports(with { { id = "a", plugin = "x", label = "x", accounts = "consumer", tasks = { { id = "t", every_minutes = 5 } } } },
    "connectors[1].supplier: коннектору с accounts = \"consumer\" нужен поставщик")
  reports(with { { id = "a", plugin = "x", label = "x", accounts = "consumer", supplier = "nobody",
    tasks = { { id = "t", every_minutes = 5 } } } }, "connectors[1].supplier: поставщика 'nobody' нет в справочнике suppliers")
  reports(with { ok, ok }, "connectors[2].id: повторяющийся коннектор 'supplier'")
  reports(with { { id = "a", plugin = "x", label = "x", secret = "y", tasks = { { id = "t", every_minutes = 5 } } } },
    "connectors[1].secret")
  reports(with({ ok }, { link_device = "serial" }), "link_device")
end)

case("link_device: the serial by default, the tenant's hook otherwise", function()
  local T = with { ok }
  eq(tenant.link_device(T, "supplier", { key = "k", serial = "123" }).meter_serial, "123")
  eq(tenant.link_device(T, "supplier", { key = "k" }), nil)
  T.link_device = function(connector_id, device) return { point_number = connector_id .. ":" .. device.key } end
  eq(tenant.link_device(T, "supplier", { key = "k" }).point_number, "supplier:k")
  T.link_device = function() return "nonsense" end
  local okCall = pcall(tenant.link_device, T, "supplier", { key = "k" })
  eq(okCall, false)
end)

testing.finish()
