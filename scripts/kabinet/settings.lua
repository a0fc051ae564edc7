--- kabinet.settings — the settings of the modules a tenant switches on
-- (`settings.<module>` of the declaration): one schema per module with the
-- keys' types, bounds and defaults, checked by kabinet.schema, and
-- checked(T), the settings with their defaults filled in that the core reads.
-- A module may carry settings only when it is in `modules`; the core's own
-- settings (ALWAYS: `settings.limits`, the tenant's limits) need no module and
-- are always filled in.

local S = require("kabinet.shape")
local W = require("kabinet.vocabulary")
local tables = require("kabinet.tables")

local M = {}

local function clock(desc, default)
  return S.ident { pattern = "^[0-2]%d:[0-5]%d$", pattern_doc = "`ЧЧ:ММ`", message = "ожидается время ЧЧ:ММ",
    default = default, desc = desc, rules = { function(add, path, v)
      if tonumber(v:sub(1, 2)) > 23 then add(path, "ожидается время ЧЧ:ММ") end
    end } }
end

--- The schema of each module's settings (every module has one, possibly empty).
M.MODULES = {
  archive = S.record { name = "settings.archive", keys = {
    { "max_depth_years", S.int { min = 1, max = 10, default = 3, desc = "how far back a period may start, in years" } },
    { "change_until", clock("a request may be changed until this time of its day", "21:00") },
    { "change_timezone", S.enum { values = W.TIMEZONES, message = "неизвестный часовой пояс '%s'", doc = "IANA name of a Russian zone",
      desc = "the zone of `change_until` (default the tenant's `timezone`)" } },
    { "ready", S.enum { values = tables.set_of { "next_day", "immediately" }, message = "ожидается next_day или immediately, а не '%s'",
      default = "next_day", desc = "files are made the next day after the cut-off, or at once" } },
    { "formats", S.strings { values = tables.set_of { "xlsx", "csv" }, what = "формата", desc = "file formats offered" } },
  } },
  manual_readings = S.record { name = "settings.manual_readings", keys = {
    { "approval", S.enum { values = tables.set_of { "operator", "auto" }, message = "ожидается operator или auto, а не '%s'",
      default = "operator", desc = "readings wait for an operator, or are accepted at once" } },
    { "window", S.record { name = "settings.manual_readings.window", desc = "days of the month readings are taken (may wrap)", keys = {
      { "from_day", S.int { min = 1, max = 31, default = 1, desc = "first day" } },
      { "to_day", S.int { min = 1, max = 31, default = 31, desc = "last day" } },
    } } },
    { "max_daily_kwh", S.number { min = 0.001, max = 1000000, default = 1000, message = "ожидается число от 0.001 до 1000000",
      desc = "plausibility ceiling of a reading, kWh a day since the last one" } },
    { "virtual_meters", S.bool { default = false, desc = "consumers may create meters of their own" } },
    { "non_smart_only", S.bool { default = false, desc = "readings only for meters not read remotely" } },
    { "polled_meters", S.bool { default = false, desc = "readings also for meters the server polls" } },
  } },
  meters = S.record { name = "settings.meters", keys = {
    { "access_help", S.string { desc = "what the portal tells a consumer who has no meters yet" } },
    { "tamper_alerts", S.strings { desc = "journal events that raise a notification to the operator" } },
    { "profile_intervals_min", S.list { of = S.int { min = 1, max = 1440 }, desc = "profile intervals offered, minutes" } },
  } },
  readings = S.record { name = "settings.readings", keys = {
    { "periods", S.strings { values = tables.set_of { "month", "week", "day" }, what = "периода", desc = "periods of the readings page" } },
    { "compare_previous_year", S.bool { default = false, desc = "show the same period a year before" } },
    { "forecast_to_period_end", S.bool { default = false, desc = "show the forecast to the period's end" } },
  } },
  contracts = S.record { name = "settings.contracts", keys = {
    { "renamable", S.bool { default = false, desc = "consumers may name their contracts" } },
  } },
  outages = S.record { name = "settings.outages", keys = {
    { "notify_days_ahead", S.int { min = 0, max = 30, default = 3,
      desc = "consumers at a planned outage's addresses are told this many days before it starts" } },
    { "sources", S.int { min = 1, max = 2, default = 1,
      desc = "independent supply sources of an outage's addresses unless the operator says otherwise: 1 (24 h permitted) or 2 (2 h)" } },
    { "public", S.bool { default = true, desc = "the outage list is published without a login (GET public/outages)" } },
  } },
  techconnect = S.record { name = "settings.techconnect", keys = {
    { "max_power_kw", S.number { min = 0, max = 100000, message = "ожидается число от 0 до 100000", desc = "the largest power applied for, kW" } },
    { "max_voltage_kv", S.number { min = 0, max = 1000, message = "ожидается число от 0 до 1000", desc = "the highest voltage class, kV" } },
  } },
}
--- Settings every tenant has whatever its `modules` (the core's, not a module's).
M.ALWAYS = tables.set_of { "limits" }

--- The tenant's limits (ThingsBoard's tenant profiles are the peer): request
-- rates as token buckets, meter-data ingest, document storage, text messages.
-- The defaults are generous: a tenant that declares nothing is not limited in
-- practice. Request rates are per kabinetd instance (docs/ARCHITECTURE.md, «Tenant limits»).
M.MODULES.limits = S.record { name = "settings.limits", keys = {
  { "requests_per_second_per_client", S.int { min = 1, max = 1000000, default = 5000,
    desc = "API requests a second of one client (its session when logged in, else its address), sustained" } },
  { "burst_per_client", S.int { min = 1, max = 1000000, default = 10000,
    desc = "API requests one client may send at once above its rate (the bucket's size)" } },
  { "requests_per_second", S.int { min = 1, max = 1000000, default = 20000,
    desc = "API requests a second of the whole tenant, sustained" } },
  { "burst", S.int { min = 1, max = 1000000, default = 40000,
    desc = "API requests the tenant may receive at once above its rate" } },
  { "ingest_rows_per_minute", S.int { min = 1, max = 100000000, default = 1000000,
    desc = "meter-data rows a minute through POST ingest/meter-data (a batch is taken or refused whole)" } },
  { "document_storage_bytes", S.int { min = 1, max = 1099511627776, default = 107374182400,
    desc = "bytes of documents (case attachments) the tenant may keep in all" } },
  { "sms_per_day", S.int { min = 0, max = 10000000, default = 10000,
    desc = "text messages sent a day (the tenant's local day); more are not sent and are marked failed" } },
} }

for name in pairs(W.MODULES) do
  M.MODULES[name] = M.MODULES[name] or S.record { name = "settings." .. name, keys = {} }
end

--- The node of `settings` in the declaration's schema.
M.node = S.custom { doc = "table module → settings", desc = "settings of the modules switched on, see «Module settings»",
  check = function(add, path, v, ctx)
    if type(v) ~= "table" then add(path, "ожидается таблица"); return end
    for _, k in ipairs(tables.sorted_keys(v)) do
      local p = path .. "." .. tostring(k)
      if type(v[k]) ~= "table" then
        add(p, "ожидается таблица")
      elseif not ctx.modules[k] and not M.ALWAYS[k] then
        add(p, string.format("модуль '%s' не включён в modules", tostring(k)))
      else
        S.check(M.MODULES[k], v[k], p, add, ctx)
      end
    end
  end }

--- The settings of every module the tenant switches on that has settings,
-- with defaults filled in, and the ALWAYS settings (T must have passed check). archive.change_timezone
-- defaults to the tenant's time zone.
-- @return {<module> = {...}}
function M.checked(T)
  local out = {}
  local own = type(T.settings) == "table" and T.settings or {}
  for _, module in ipairs(T.modules or {}) do
    local schema = M.MODULES[module]
    if schema and #schema.keys > 0 then out[module] = S.defaults(schema, own[module]) end
  end
  for module in pairs(M.ALWAYS) do out[module] = S.defaults(M.MODULES[module], own[module]) end
  if out.archive then out.archive.change_timezone = out.archive.change_timezone or T.timezone end
  return out
end

return M
