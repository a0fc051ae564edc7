-- Upstream connectors of a tenant: which connector plugins the server runs for it, for which upstream
-- accounts, what each fetches and how often. Secrets and addresses never live here: the server's
-- `--connectors` entry {"<tenant>": {"<connector id>": {…}}} is merged over `settings`.
--
--   connectors = {
--     { id = "waviot", plugin = "waviot", label = "WAVIoT (ФОБОС)", accounts = "tenant",
--       settings = { … },
--       tasks = {
--         { id = "modems", every_minutes = 360 },
--         { id = "channels", every_minutes = 30, window_days = 31 },
--       },
--       sync_timeout_s = 300 },
--   },
--   link_device = function(connector_id, device) return { meter_serial = device.serial } end,
--
-- accounts: "tenant" — one upstream account, the tenant's own (account id `tenant`); "consumer" — one
-- account per consumer who linked (a supplier login), serving the `suppliers` dictionary value `supplier`.
-- window_days: how far back the first sync of a task goes (later syncs resume from the stored cursor).
-- link_device(connector_id, device) is called once per new upstream device key and answers
-- { meter_serial = … } or { point_number = … } (metering_points.number), or nil to leave it unlinked;
-- without it a device whose `serial` equals a meter's serial is linked to that meter.
local S = require("kabinet.shape")
local tables = require("kabinet.tables")

local M = {}

local ID_PATTERN = "^[a-z0-9_%-]+$"
local ID_MESSAGE = "ожидается идентификатор из латинских строчных букв, цифр, '_' и '-'"

M.schema = S.list { message = "ожидается список коннекторов",
  unique = { key = "id", message = "повторяющийся коннектор '%s'" },
  desc = "upstream connectors (plugins) the server syncs for the tenant; see docs/CONNECTORS.md",
  of = S.record { name = "connector", rules = { function(add, path, c, ctx)
    if c.accounts == "consumer" and type(c.supplier) ~= "string" then
      add(path .. ".supplier", "коннектору с accounts = \"consumer\" нужен поставщик из справочника suppliers")
    end
    if c.accounts ~= "consumer" and c.supplier ~= nil then
      add(path .. ".supplier", "поставщик указывается только при accounts = \"consumer\"")
    end
    local dict = ctx and ctx.T and type(ctx.T.dictionaries) == "table" and ctx.T.dictionaries.suppliers
    if type(c.supplier) == "string" then
      local known = false
      if type(dict) == "table" then
        for _, item in ipairs(dict) do
          local value = type(item) == "table" and item.value or item
          if value == c.supplier then known = true end
        end
      end
      if not known then add(path .. ".supplier", string.format("поставщика '%s' нет в справочнике suppliers", c.supplier)) end
    end
  end }, keys = {
    { "id", S.ident { required = true, missing = ID_MESSAGE, pattern = ID_PATTERN, pattern_doc = "`a-z`, `0-9`, `_`, `-`",
      message = ID_MESSAGE, desc = "unique in the tenant; the key of the server's `--connectors` entry" } },
    { "plugin", S.ident { required = true, missing = "ожидается имя модуля", pattern = "^[a-z0-9][a-z0-9_%-]*$",
      pattern_doc = "plugin name", message = "ожидается имя модуля", desc = "the connector plugin's name" } },
    { "label", S.string { required = true, one_line = true, max_chars = 100, desc = "shown to staff" } },
    { "accounts", S.enum { default = "tenant", values = { tenant = true, consumer = true },
      message = "ожидается tenant или consumer, а не '%s'",
      desc = "`tenant`: the tenant's own upstream account; `consumer`: one per consumer who linked" } },
    { "supplier", S.string { doc = "dictionary value", desc = "`consumer` connectors: the `suppliers` value they serve" } },
    { "settings", S.custom { doc = "table", desc = "non-secret plugin settings; the server's entry is merged over them",
      check = function(add, path, v)
        if type(v) ~= "table" then add(path, "ожидается таблица настроек") end
      end } },
    { "sync_timeout_s", S.int { min = 1, max = 86400, default = 300, message = "ожидается целое число секунд от 1 до 86400",
      desc = "a sync running longer is abandoned as `timeout` and the plugin instance replaced" } },
    { "tasks", S.list { required = true, missing = "ожидается список задач", nonempty = true, message = "ожидается непустой список задач",
      unique = { key = "id", message = "повторяющаяся задача '%s'" }, desc = "what to fetch and how often",
      of = S.record { name = "task", keys = {
        { "id", S.ident { required = true, missing = ID_MESSAGE, pattern = ID_PATTERN, pattern_doc = "`a-z`, `0-9`, `_`, `-`",
          message = ID_MESSAGE, desc = "the task the plugin knows (`channels`, `modems`, `balances` …)" } },
        { "label", S.string { desc = "what staff see on «Обмен данными» (Russian; the id when absent)" } },
        { "every_minutes", S.int { required = true, missing = "ожидается целое число минут от 1 до 44640", min = 1, max = 44640,
          message = "ожидается целое число минут от 1 до 44640", desc = "period of the scheduled sync" } },
        { "window_days", S.int { min = 1, max = 400, default = 1, message = "ожидается целое число дней от 1 до 400",
          desc = "how far back the first sync goes" } },
      } } } },
  } } }

--- The connectors in the form the server reads: every default filled in, settings as given.
-- @return array of {id, plugin, label, accounts, supplier?, settings, sync_timeout_s, tasks = [{id, label, every_s, window_s}]}
function M.normalise(list)
  local out = {}
  local node = M.schema.of
  local task_node = S.key(node, "tasks").of
  for i, decl in ipairs(list or {}) do
    local c = S.defaults(node, decl)
    local tasks = {}
    for j, t in ipairs(c.tasks) do
      local d = S.defaults(task_node, t)
      tasks[j] = { id = d.id, label = d.label or d.id, every_s = d.every_minutes * 60, window_s = d.window_days * 86400 }
    end
    out[i] = { id = c.id, plugin = c.plugin, label = c.label, accounts = c.accounts, supplier = c.supplier,
               settings = tables.plain_copy(c.settings or {}), sync_timeout_s = c.sync_timeout_s,
               tasks = tables.array(tasks) }
  end
  return tables.array(out)
end

return M
