--- kabinet.schema_doc — the markdown tables of tenants/README.md, made from
-- the declaration's schema (kabinet.schema, kabinet.settings).
--
--   blocks()      → {{name, text}, ...}: every generated table, by block name
--   render(text)  → text with every block between its markers replaced:
--                   <!-- schema:<name> --> … <!-- /schema:<name> -->
--   missing(text) → names of blocks text has no markers for
--
-- tests/lua/schema_doc_test.lua fails when the README differs from what
-- render() makes of it; `lua5.4 scripts/tools/tenant_schema_doc.lua --write`
-- brings it in step.

local S = require("kabinet.shape")
local schema = require("kabinet.schema")
local settings = require("kabinet.settings")
local notifications = require("kabinet.notifications")
local tables = require("kabinet.tables")

local M = {}

-- A value as the README writes it.
local function literal(v)
  if type(v) == "string" then return '`"' .. v .. '"`' end
  if type(v) == "table" then return "`{…}`" end
  return "`" .. tostring(v) .. "`"
end

-- The third column: whether the key must be given, or its default.
local function need(n)
  if n.required then return "required" end
  if n.default ~= nil then return literal(n.default) end
  return ""
end

-- Rows of a record: | key | type | required / default | what |; with
-- `flatten`, keys of nested records (not lists of them) are rows of their
-- own, written `outer.inner`.
local function rows(record, prefix, out, flatten)
  for _, entry in ipairs(record.keys) do
    local name, n = entry[1], entry[2]
    local key = prefix .. name
    if flatten and n.kind == "record" and #n.keys > 0 then
      rows(n, key .. ".", out, flatten)
    else
      local what = n.desc or error("schema_doc: key '" .. key .. "' has no description", 0)
      if n.only_for then
        local types = {}
        for i, t in ipairs(n.only_for) do types[i] = "`" .. t .. "`" end
        what = what .. " (" .. table.concat(types, ", ") .. " only)"
      end
      out[#out + 1] = string.format("| `%s` | %s | %s | %s |", key, S.describe(n), need(n), what)
    end
  end
  return out
end

-- The markdown table of a record's keys.
local function table_of(record, flatten)
  return table.concat(rows(record, "", { "| key | type | required / default | what |", "|---|---|---|---|" }, flatten), "\n")
end

local function key(record, name) return S.key(record, name) end

--- Every generated block: {{name, text}, ...} in README order.
function M.blocks()
  local D = schema.declaration
  local kinds = key(D, "applicant_kinds").of
  local out = {
    { "declaration", table_of(D) },
    { "branding", table_of(key(D, "branding")) },
    { "password_policy", table_of(key(D, "password_policy")) },
    { "applicant_kind", table_of(kinds) },
    { "field", table_of(schema.field) },
    { "consent", table_of(key(D, "consents").of) },
    { "notifications", table_of(key(D, "notifications")) },
    { "notification_category", table_of(key(key(D, "notifications"), "categories").of) },
    { "notification_kind", table_of(notifications.kind_schema) },
    { "notification_channel", table_of(notifications.channel_schema) },
    { "messages", table_of(key(D, "messages")) },
    { "name_forms", table_of(key(D, "name_forms")) },
    { "identity", table_of(key(D, "identity"), true) },
    { "polling", table_of(key(D, "polling"), true) },
    { "polling_schedule", table_of(key(key(D, "polling"), "schedules").of) },
    { "connector", table_of(key(D, "connectors").of) },
    { "connector_task", table_of(key(key(D, "connectors").of, "tasks").of) },
    { "case_group", table_of(schema.cases.group) },
    { "case_register", table_of(schema.cases.register) },
    { "case_kind", table_of(schema.cases.kind) },
    { "case_document", table_of(schema.cases.document) },
    { "case_workflow", table_of(schema.cases.workflow) },
    { "case_state", table_of(schema.cases.state) },
    { "case_action", table_of(schema.cases.action) },
    { "case_deadline", table_of(schema.cases.deadline) },
    { "case_term_override", table_of(schema.cases.override) },
    { "case_stage", table_of(schema.cases.stage) },
    { "case_print", table_of(schema.cases.print) },
  }
  local modules = tables.sorted_keys(settings.MODULES)
  local parts = {}
  for _, m in ipairs(modules) do
    local record = settings.MODULES[m]
    if #record.keys > 0 then
      parts[#parts + 1] = "`settings." .. m .. "`:\n\n" .. table_of(record, true)
    end
  end
  out[#out + 1] = { "settings", table.concat(parts, "\n\n") }
  return out
end

local function marks(name)
  return "<!-- schema:" .. name .. " -->", "<!-- /schema:" .. name .. " -->"
end

--- The text with every generated block put between its markers (blocks
-- without markers are left out; see missing()).
function M.render(text)
  for _, block in ipairs(M.blocks()) do
    local open, close = marks(block[1])
    local a = text:find(open, 1, true)
    local b = a and text:find(close, a, true)
    if a and b then
      text = text:sub(1, a + #open - 1) .. "\n" .. block[2] .. "\n" .. text:sub(b)
    end
  end
  return text
end

--- Names of the blocks the text has no (complete) markers for.
function M.missing(text)
  local out = {}
  for _, block in ipairs(M.blocks()) do
    local open, close = marks(block[1])
    local a = text:find(open, 1, true)
    if not (a and text:find(close, a, true)) then out[#out + 1] = block[1] end
  end
  return out
end

return M
