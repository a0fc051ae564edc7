-- Tests of the tech-connection applications as case kinds (kabinet.cases.techconnect,
-- tenants/vges/techconnect.lua, tenants/voek/techconnect.lua, the test tenant
-- tests/fixtures/tenants-techconnect/): the keys of contract §1 (keep,
-- overrides, stages, list_fields, print, the connect effect) in the model,
-- both utilities' kinds, power limits, prefill, the third variant, schema
-- errors with their paths.
-- Needs the global load_tenant(id) of the test harness.

local tenant = require("kabinet.tenant")
local C = require("kabinet.cases")
local F = require("kabinet.fields")

local testing = require("testing")
local case, eq = testing.case, testing.eq

local function by_id(list)
  local out = {}
  for _, x in ipairs(list) do out[x.id] = x end
  return out
end

local function passes(T)
  local problems = tenant.check(T)
  if problems then error(table.concat(problems, "\n"), 2) end
end

local function reports(T, prefix)
  local problems = tenant.check(T)
  assert(problems, "check() не нашёл проблем, ожидалось: " .. prefix)
  for _, p in ipairs(problems) do
    if p:sub(1, #prefix) == prefix then return p end
  end
  error("нет проблемы, начинающейся с " .. prefix .. "; найдено:\n" .. table.concat(problems, "\n"), 2)
end

---------------------------------------------------------------------------
-- The keys of contract §1 on a kind of the tenant's own
---------------------------------------------------------------------------

-- A small kind using every new key.
local function keyed_kind()
  return C.kind {
    id = "tc", label = "Заявка", group = "feedback",
    fields = { F.text { name = "object_name", label = "Объект" }, F.text { name = "address", label = "Адрес" },
      F.boolean { name = "procurement_law", label = "44-ФЗ", required = false } },
    documents = { C.document { id = "signed_application", label = "Подписанное заявление", required = true } },
    stages = { { id = "received", label = "Заявка принята", states = { "registered" } },
      { id = "done", label = "Готово", states = { "done" } } },
    list_fields = { "object_name", "tu_number", "account_number" },
    print = { title = "Заявка", sign_lines = { "Заявитель" } },
    workflow = {
      initial = "registered",
      states = { { id = "registered", label = "Принята" }, { id = "offer", label = "Оферта" },
        { id = "done", label = "Исполнена", final = true }, { id = "annulled", label = "Аннулирована", final = true } },
      actions = {
        { id = "offer", label = "Оферта", from = { "registered" }, to = "offer", by = { "operator" }, keep = true,
          fields = { F.text { name = "tu_number", label = "Номер ТУ" } } },
        { id = "expire", label = "Аннулировать", from = { "offer" }, to = "annulled", by = { "timer" },
          after = { days = 5, unit = "working", overrides = { { field = "procurement_law", equals = true, days = 15 } } } },
        { id = "complete", label = "Исполнить", from = { "offer" }, to = "done", by = { "operator" },
          hook = function(c)
            return { connect = { name = c.fields.object_name, address = c.fields.address, power_kw = 12.5,
              register = "tc_accounts" } }
          end },
      },
      deadlines = { { id = "pay", label = "Срок оплаты", days = 5, unit = "working", from = "entered:offer",
        overrides = { { field = "procurement_law", equals = true, days = 15 } } } },
    },
  }
end

case("ключи договора §1 в модели: keep, overrides, stages, list_fields, print", function()
  local T = load_tenant("voek")
  T.case_registers.tc_accounts = { start = 500001 }
  T.case_kinds[#T.case_kinds + 1] = keyed_kind()
  passes(T)
  local k = by_id(tenant.case_kinds(T)).tc
  local a = by_id(k.actions)
  eq(a.offer.keep, true)
  eq(a.expire.keep, false)
  eq(a.expire.after.days, 5)
  eq(a.expire.after.unit, "working")
  eq(#a.expire.after.overrides, 1)
  eq(a.expire.after.overrides[1].field, "procurement_law")
  eq(a.expire.after.overrides[1].equals, true)
  eq(a.expire.after.overrides[1].days, 15)
  eq(k.deadlines[1].overrides[1].days, 15)
  eq(#k.stages, 2)
  eq(k.stages[1].id, "received")
  eq(k.stages[1].label, "Заявка принята")
  eq(k.stages[2].states[1], "done")
  eq(table.concat(k.list_fields, ","), "object_name,tu_number,account_number")
  eq(k.print.title, "Заявка")
  eq(k.print.intro, "")
  eq(k.print.sign_lines[1], "Заявитель")
  -- A kind without them: empty lists and no print.
  local f = by_id(tenant.case_kinds(T)).feedback
  eq(#f.stages, 0)
  eq(#f.list_fields, 0)
  eq(f.print, nil)
  eq(#f.deadlines[1].overrides, 0)
end)

case("последствие connect: по договору или отброшено", function()
  local T = load_tenant("voek")
  T.case_registers.tc_accounts = { start = 500001 }
  T.case_kinds[#T.case_kinds + 1] = keyed_kind()
  passes(T)
  local e = tenant.case_hook(T, "tc", "action:complete", { fields = { object_name = "Дом", address = "Воронеж, ул. Ленина, 1" } })
  eq(e.connect.name, "Дом")
  eq(e.connect.address, "Воронеж, ул. Ленина, 1")
  eq(e.connect.power_kw, 12.5)
  eq(e.connect.register, "tc_accounts")
  -- No address: the effect is dropped.
  e = tenant.case_hook(T, "tc", "action:complete", { fields = { object_name = "Дом" } })
  eq(e.connect, nil)
  -- An unknown register: dropped.
  T.case_kinds[#T.case_kinds].workflow.actions[3].hook = function()
    return { connect = { name = "Дом", address = "Адрес", power_kw = 5, register = "nowhere" } }
  end
  eq(tenant.case_hook(T, "tc", "action:complete", { fields = {} }).connect, nil)
  T.case_kinds[#T.case_kinds].workflow.actions[3].hook = function()
    return { connect = { name = "Дом", address = "Адрес", power_kw = -1, register = "tc_accounts" } }
  end
  eq(tenant.case_hook(T, "tc", "action:complete", { fields = {} }).connect, nil)
end)

case("ошибки ключей договора §1 с путями", function()
  local T = load_tenant("voek")
  local k = keyed_kind()
  T.case_kinds[#T.case_kinds + 1] = k
  local n = #T.case_kinds
  k.stages[2].states = { "heaven" }
  k.stages[3] = { id = "received", label = "Дубль", states = {} }
  k.list_fields = { "object_name", "colour" }
  k.print = { intro = "Без заголовка" }
  k.workflow.actions[1].keep = "yes"
  k.workflow.actions[2].after.overrides = { { field = "ghost", equals = true, days = 15 }, { field = "procurement_law", equals = {}, days = 0 } }
  k.workflow.deadlines[1].overrides = { { field = "nothing", equals = 1, days = 3 } }
  local p = string.format("case_kinds[%d]", n)
  reports(T, p .. ".stages[2].states[1]: состояние 'heaven' не объявлено в workflow.states")
  reports(T, p .. ".stages[3].id: повторяющийся этап 'received'")
  reports(T, p .. ".list_fields[2]: поле 'colour' не объявлено в форме")
  reports(T, p .. ".print.title: обязательный ключ отсутствует")
  reports(T, p .. ".workflow.actions[1].keep: ")
  reports(T, p .. ".workflow.actions[2].after.overrides[1].field: поле 'ghost' не найдено в форме")
  reports(T, p .. ".workflow.actions[2].after.overrides[2].equals: ожидается строка, число или true/false")
  reports(T, p .. ".workflow.actions[2].after.overrides[2].days: ожидается целое число от 1 до 3650")
  reports(T, p .. ".workflow.deadlines[1].overrides[1].field: поле 'nothing' не найдено в форме")
end)

testing.finish()
