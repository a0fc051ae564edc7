--- kabinet.cases.model — what the core reads of a tenant's cases: the
-- normalised groups and kinds (built once per declaration), the validation of
-- a case's form and of an action's inputs (the one field loop of
-- kabinet.forms), and the calls of the kinds' Lua hooks with their effects
-- checked. kabinet.tenant exposes these as case_groups, case_kinds,
-- case_registers, case_validate, case_action_validate and case_hook.

local forms = require("kabinet.forms")
local tables = require("kabinet.tables")
local notifications = require("kabinet.notifications")
local CS = require("kabinet.cases.schema")

local array, list_copy, set_of = tables.array, tables.list_copy, tables.set_of

local M = {}

local log = kabinet and kabinet.log or function() end

--- Texts of the answers.
M.TEXT = {
  unknown_kind = "Неизвестный вид обращения",
  not_allowed = "Этот вид обращения вам недоступен",
  unknown_action = "Неизвестное действие",
  hook_failed = "Не удалось выполнить правила обращения. Попробуйте позже или обратитесь в службу поддержки",
}

--- How many characters of the summary field lists show.
M.SUMMARY_CHARS = 200

-- Prepared models, cached per declaration table.
local prepared = setmetatable({}, { __mode = "k" })

-- A form (list of declared fields) prepared for kabinet.forms.run.
local function prepare_form(id, list, validate)
  local form = { id = id, fields = {}, by_name = {}, decl = { validate = validate } }
  for i, f in ipairs(list or {}) do
    local field = forms.prepare_field(f, false)
    form.fields[i] = field
    form.by_name[field.name] = field
  end
  return form
end

-- The view of a form's fields: the registration form's view plus `prefill`.
local function form_view(fm, form)
  local out = {}
  for i, f in ipairs(form.fields) do
    local view = forms.field_view(fm, f)
    view.prefill = f.prefill
    out[i] = view
  end
  return array(out)
end

-- The overrides of a term as the core reads them: [{field, equals, days}].
local function overrides_view(list)
  local out = {}
  for i, o in ipairs(list or {}) do out[i] = { field = o.field, equals = o.equals, days = o.days } end
  return array(out)
end

-- Normalises one state / action / deadline, and the kind's whole JSON view.
local function kind_view(fm, T, decl, kind)
  local w = decl.workflow
  local docs = {}
  for i, d in ipairs(decl.documents or {}) do
    docs[i] = { id = d.id, label = d.label, required = d.required == true,
      max_bytes = d.max_bytes or CS.DEFAULT_MAX_BYTES,
      types = list_copy(d.types or CS.FILE_TYPE_LIST), max_count = d.max_count or 1, by = d.by or "consumer" }
  end
  local initial = w.initial or "registered"
  local states, finals, non_final, enter = {}, {}, {}, {}
  for i, s in ipairs(w.states) do
    local final = s.final == true
    local tone = s.tone or (s.id == initial and "new") or (final and "done") or "work"
    local uploads = s.uploads
    if uploads == nil then uploads = not final end
    states[i] = { id = s.id, label = s.label, final = final, uploads = uploads, tone = tone }
    if final then finals[s.id] = true else non_final[#non_final + 1] = s.id end
    if s.on_enter then enter[#enter + 1] = s.id end
  end
  local actions = {}
  for i, a in ipairs(w.actions or {}) do
    local after = nil
    if a.after then
      after = { days = a.after.days, unit = a.after.unit or "calendar", overrides = overrides_view(a.after.overrides) }
    end
    local form = kind.action_forms[a.id]
    actions[i] = {
      id = a.id, label = a.label, from = list_copy(a.from), to = a.to, by = list_copy(a.by),
      fields = form_view(fm, form), comment = a.comment or "none",
      documents = list_copy(a.documents), attach = list_copy(a.attach or a.documents),
      confirm = a.confirm or "",
      after = after, keep = a.keep == true,
      guard = a.guard ~= nil, hook = a.hook ~= nil,
    }
  end
  local deadlines = {}
  for i, d in ipairs(w.deadlines or {}) do
    deadlines[i] = { id = d.id, label = d.label, days = d.days, unit = d.unit or "calendar", from = d.from or "filed",
      running = list_copy(d.running or non_final), overrides = overrides_view(d.overrides) }
  end
  local stages = {}
  for i, st in ipairs(decl.stages or {}) do
    stages[i] = { id = st.id, label = st.label, states = list_copy(st.states) }
  end
  local printable = nil
  if decl.print then
    printable = { title = decl.print.title, intro = decl.print.intro or "", sign_lines = list_copy(decl.print.sign_lines or {}) }
  end
  local applicants = {}
  if decl.applicants then
    applicants = decl.applicants
  else
    for i, k in ipairs(T.applicant_kinds) do applicants[i] = k.id end
  end
  local registers = type(T.case_registers) == "table" and T.case_registers or {}
  local register = decl.register or decl.id
  local reg = registers[register] or {}
  local summary = decl.summary_field
  if summary == nil then summary = kind.form.by_name.text and "text" or "" end
  return {
    id = decl.id, label = decl.label, group = decl.group, register = register,
    register_start = reg.start or 1,
    number_prefix = decl.number_prefix or reg.prefix or "",
    report_as = decl.report_as or "other",
    applicants = list_copy(applicants),
    offered_only = decl.offered_only == true,
    summary_field = summary,
    form = form_view(fm, kind.form),
    documents = array(docs),
    initial = initial,
    states = array(states), actions = array(actions), deadlines = array(deadlines),
    hooks = { enter = array(enter) },
    stages = array(stages), list_fields = list_copy(decl.list_fields or {}), print = printable,
    forward = decl.forward,
  }
end

--- The prepared cases of T (raises when T does not pass check): groups
-- (views), kinds (views, in order) and by_id = {<kind id> = {decl, form,
-- action_forms, view, actions = {<id> = decl}, states = {<id> = decl}}}.
function M.prepare(T)
  local model = prepared[T]
  if model then return model end
  local fm = forms.prepare(T)
  model = { fm = fm, groups = {}, kinds = {}, by_id = {}, registers = {} }
  for i, g in ipairs(T.case_groups or {}) do
    model.groups[i] = {
      id = g.id, label = g.label, file_label = g.file_label or g.label, list_label = g.list_label or g.label,
      kind_label = g.kind_label or "Вид обращения", kind_placeholder = g.kind_placeholder or "-Выберите вид обращения-",
      list = g.list or g.id,
    }
  end
  for i, decl in ipairs(T.case_kinds or {}) do
    local kind = { decl = decl, form = prepare_form(decl.id, decl.fields, decl.validate), action_forms = {},
      actions = {}, states = {} }
    for _, a in ipairs(decl.workflow.actions or {}) do
      kind.action_forms[a.id] = prepare_form(decl.id, a.fields)
      kind.actions[a.id] = a
    end
    for _, s in ipairs(decl.workflow.states) do kind.states[s.id] = s end
    kind.view = kind_view(fm, T, decl, kind)
    model.kinds[i] = kind.view
    model.by_id[decl.id] = kind
  end
  local ids = tables.sorted_keys(type(T.case_registers) == "table" and T.case_registers or {})
  local used = {}
  for _, k in ipairs(model.kinds) do
    if not used[k.register] then
      used[k.register] = true
      if not (T.case_registers or {})[k.register] then ids[#ids + 1] = k.register end
    end
  end
  for i, id in ipairs(ids) do
    local r = (T.case_registers or {})[id] or {}
    model.registers[i] = { id = id, start = r.start or 1, prefix = r.prefix or "" }
  end
  prepared[T] = model
  return model
end

--- The groups (menu sections), in order.
function M.groups(T)
  local out = {}
  for i, g in ipairs(M.prepare(T).groups) do out[i] = tables.plain_copy(g) end
  return array(out)
end

--- The kinds' views, in order (the same tables each call: treat as read-only).
function M.kinds(T)
  return array(M.prepare(T).kinds)
end

--- The numbering registers: [{id, start, prefix}], declared or implied by a kind.
function M.registers(T)
  return array(tables.plain_copy(M.prepare(T).registers))
end

-- Keeps an error table to the contract whatever a hook put in it.
local function result(errors, values)
  if next(errors) then return { errors = errors } end
  return { values = values }
end

--- Validates a case's form as the applicant (or an operator for them) sent it.
-- A field with `prefill` that is not sent takes the profile's value.
-- @param context {applicant_kind, role = "consumer"|"operator", profile = {…}}
-- @return {errors = {field = reason}} or {values = {…}, summary = "…"}
function M.validate(T, kind_id, fields, context)
  local model = M.prepare(T)
  local kind = type(kind_id) == "string" and model.by_id[kind_id]
  if not kind then return { errors = { kind = M.TEXT.unknown_kind } } end
  context = type(context) == "table" and context or {}
  local applicant = context.applicant_kind
  if applicant ~= nil and not set_of(kind.view.applicants)[applicant] then
    return { errors = { kind = M.TEXT.not_allowed } }
  end
  local input = {}
  for k, v in pairs(type(fields) == "table" and fields or {}) do input[k] = v end
  local profile = type(context.profile) == "table" and context.profile or {}
  for _, f in ipairs(kind.form.fields) do
    if f.prefill and input[f.name] == nil then input[f.name] = profile[f.prefill] end
  end
  local hook_context = { applicant_kind = applicant, role = context.role, profile = profile }
  local errors, values = forms.run(model.fm, kind.form, input, "case", hook_context)
  local out = result(errors, values)
  if out.values then
    local name = kind.view.summary_field
    out.summary = name ~= "" and M.prefix(values[name], M.SUMMARY_CHARS) or ""
  end
  return out
end

--- The first n characters (UTF-8) of a value as text; "" for nil.
function M.prefix(v, n)
  if v == nil or v == false then return "" end
  local s = tostring(v)
  local cut = utf8.offset(s, n + 1)
  if cut then s = s:sub(1, cut - 1) end
  return s
end

--- Validates the inputs of an action.
-- @return {errors = {field = reason}} or {values = {…}}
function M.validate_action(T, kind_id, action_id, fields)
  local model = M.prepare(T)
  local kind = type(kind_id) == "string" and model.by_id[kind_id]
  if not kind then return { errors = { kind = M.TEXT.unknown_kind } } end
  local form = type(action_id) == "string" and kind.action_forms[action_id]
  if not form then return { errors = { action = M.TEXT.unknown_action } } end
  local input = {}
  for k, v in pairs(type(fields) == "table" and fields or {}) do input[k] = v end
  local errors, values = forms.run(model.fm, form, input, "case")
  return result(errors, values)
end

-- The Lua function of a hook name: "guard:<action>", "action:<action>", "enter:<state>".
local function hook_function(kind, hook)
  local what, id = tostring(hook):match("^(%a+):([%w_]+)$")
  if what == "guard" or what == "action" then
    local a = kind.actions[id]
    return a and (what == "guard" and a.guard or a.hook)
  elseif what == "enter" then
    local s = kind.states[id]
    return s and s.on_enter
  end
  return nil
end

local SCALAR = set_of { "string", "number", "boolean" }
local EFFECT_KEYS = set_of { "error", "set", "notices", "offer", "connect" }

-- A hook's `connect` effect kept to the contract: {name, address, power_kw,
-- register} with non-blank texts, a positive power and a register the
-- model numbers; nil (and the reason) otherwise.
local function connect_effect(model, raw)
  if type(raw) ~= "table" then return nil, "connect не таблица" end
  local function text(v) return type(v) == "string" and v:find("%S") ~= nil end
  if not text(raw.name) then return nil, "connect.name" end
  if not text(raw.address) then return nil, "connect.address" end
  if type(raw.power_kw) ~= "number" or raw.power_kw ~= raw.power_kw or raw.power_kw <= 0 or raw.power_kw == math.huge then
    return nil, "connect.power_kw"
  end
  local known = false
  for _, r in ipairs(model.registers) do if r.id == raw.register then known = true end end
  if not known then return nil, "connect.register " .. tostring(raw.register) end
  return { name = raw.name, address = raw.address, power_kw = raw.power_kw, register = raw.register }
end

-- The effects a hook returned, kept to the contract: unknown keys, values of
-- the wrong type, undeclared notification kinds and unknown offered kinds are
-- dropped (and logged).
local function effects(T, model, kind_id, hook, raw)
  local out = {}
  if raw == nil then return out end
  local function bad(what)
    log(string.format("kabinet.cases: %s/%s: %s отброшено", kind_id, hook, what))
  end
  if type(raw) ~= "table" then bad("ответ не таблица"); return out end
  for k in pairs(raw) do
    if not EFFECT_KEYS[k] then bad("ключ " .. tostring(k)) end
  end
  if raw.error ~= nil then
    if type(raw.error) == "string" and raw.error:find("%S") then out.error = raw.error
    else out.error = M.TEXT.hook_failed; bad("error не строка") end
  end
  if type(raw.set) == "table" then
    local set = {}
    for k, v in pairs(raw.set) do
      if type(k) == "string" and SCALAR[type(v)] then set[k] = v else bad("set." .. tostring(k)) end
    end
    if next(set) then out.set = set end
  end
  if type(raw.notices) == "table" then
    local declared = {}
    for _, k in ipairs(notifications.declared(T).kinds) do declared[k.id] = true end
    local list = {}
    for _, n in ipairs(raw.notices) do
      if type(n) == "table" and declared[n.kind] and (n.to == "applicant" or n.to == "operators") then
        local values = {}
        for k, v in pairs(type(n.values) == "table" and n.values or {}) do
          if type(k) == "string" and SCALAR[type(v)] then values[k] = v end
        end
        list[#list + 1] = { kind = n.kind, to = n.to, values = values }
      else
        bad("уведомление " .. tostring(type(n) == "table" and n.kind))
      end
    end
    if #list > 0 then out.notices = array(list) end
  end
  if raw.connect ~= nil then
    local c, why = connect_effect(model, raw.connect)
    if c then out.connect = c else bad(why) end
  end
  if raw.offer ~= nil then
    local id = type(raw.offer) == "table" and raw.offer.kind
    if type(id) == "string" and model.by_id[id] then out.offer = { kind = id }
    else bad("offer " .. tostring(id)) end
  end
  return out
end

--- Runs a hook of a kind on a case and returns its effects:
-- {error?, set?, notices? = [{kind, to, values}], offer? = {kind},
-- connect? = {name, address, power_kw, register}}; `{}` when
-- the kind has no such hook. A hook that raises gives `error` (so a broken
-- guard never lets an action through), and the failure is logged.
-- @param hook "guard:<action>", "action:<action>" or "enter:<state>"
-- @param case {id, number, kind, state, fields, applicant = {kind, profile}, action_fields, now}
function M.hook(T, kind_id, hook, case)
  local model = M.prepare(T)
  local kind = type(kind_id) == "string" and model.by_id[kind_id]
  if not kind then return { error = M.TEXT.unknown_kind } end
  local fn = hook_function(kind, hook)
  if not fn then return {} end
  local ok, raw = pcall(fn, type(case) == "table" and case or {})
  if not ok then
    log(string.format("kabinet.cases: ошибка в правиле %s вида '%s': %s", tostring(hook), kind_id, tostring(raw)))
    return { error = M.TEXT.hook_failed }
  end
  return effects(T, model, kind_id, tostring(hook), raw)
end

return M
