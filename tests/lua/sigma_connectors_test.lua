-- СИГМА's connectors: the energosfera connector (XML 80020 of ПК «Энергосфера») reads its drop folder every five
-- minutes, and a measuring point of the files is the metering point whose number is its 15-digit code — as
-- СИГМА's demo points are numbered.

local tenant = require("kabinet.tenant")

local testing = require("testing")
local case, eq, passes = testing.case, testing.eq, testing.passes

case("СИГМА declares the energosfera connector with the drop folder task", function()
  local T = load_tenant("sigma")
  passes(T)
  local c = tenant.connectors(T)
  eq(#c, 1)
  eq(c[1].id, "energosfera")
  eq(c[1].plugin, "energosfera")
  eq(c[1].accounts, "tenant")
  eq(c[1].tasks[1].id, "drop_folder")
  eq(c[1].tasks[1].every_s, 300)
  eq(c[1].settings.utc_offset_min, 180)
  eq(c[1].settings.drop_dir, nil) -- a folder of the server: its configuration names it
end)

case("a measuring point's code links to the metering point of that number; other connectors' devices do not", function()
  local T = load_tenant("sigma")
  eq(tenant.link_device(T, "energosfera", { key = "910000000001401" }).point_number, "910000000001401")
  eq(tenant.link_device(T, "other", { key = "910000000001401", serial = "1" }), nil)
end)

testing.finish()
