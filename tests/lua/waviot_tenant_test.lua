-- КЭС Оренбуржья's WAVIoT connector (tenants/kes-orenburg/tenant.lua): the declaration passes the tenant
-- check, link_device maps the platform's modems to the metering points, and the event map marks as tamper
-- exactly the codes of the tenant's tamper_alerts.
-- Needs the global load_tenant(id [, folder]) of the test harness.

local testing = require("testing")
local case, eq = testing.case, testing.eq

local T = load_tenant("kes-orenburg")

case("the declaration passes the tenant check", function()
  testing.passes(T)
end)

case("one WAVIoT connector on the tenant's own account with modems, channels and events", function()
  eq(#T.connectors, 1)
  local c = T.connectors[1]
  eq(c.id, "waviot")
  eq(c.plugin, "waviot")
  eq(c.accounts, "tenant")
  local tasks = {}
  for _, t in ipairs(c.tasks) do tasks[t.id] = t end
  eq(tasks.modems.every_minutes, 360)
  eq(tasks.channels.every_minutes, 30)
  eq(tasks.channels.window_days, 31)
  eq(tasks.events.window_days, 31)
  -- Secrets and addresses come from the server configuration only.
  eq(c.settings.login, nil)
  eq(c.settings.password, nil)
  eq(c.settings.api_url, nil)
end)

case("link_device maps the demo platform's modems to the demo points; an unknown modem stays unlinked", function()
  eq(T.link_device("waviot", { key = "3B2A10", serial = "01830400" }).point_number, "56-ТУ-000101")
  eq(T.link_device("waviot", { key = "3B2A11" }).point_number, "56-ТУ-000214")
  eq(T.link_device("waviot", { key = "3B2A12" }).point_number, "56-ТУ-000338")
  eq(T.link_device("waviot", { key = "3B2A13", serial = "01830451" }), nil)
end)

case("tamper classes are the tenant's tamper alerts, the others are not", function()
  local alerts = {}
  for _, code in ipairs(T.settings.meters.tamper_alerts) do alerts[code] = true end
  local map = T.connectors[1].settings.event_map
  local tampers = 0
  for upstream, c in pairs(map) do
    eq(c.tamper, alerts[c.code] == true, "event_map[" .. upstream .. "]")
    if c.tamper then
      tampers = tampers + 1
      eq(c.severity, "alarm", c.code)
    end
  end
  eq(tampers, 3)
  eq(map["17"].code, "cover_open")
  eq(map["2"].code, "power_off")
end)

testing.finish()
