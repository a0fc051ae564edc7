--- kabinet.cases.schema — the schema of `case_groups`, `case_registers` and
-- `case_kinds` of a tenant declaration (see kabinet.cases for how a tenant
-- writes them). kabinet.schema builds the nodes with nodes(parts), handing
-- over the field language of registration (the field record and its rules),
-- so a case form is checked exactly like a registration form, plus `prefill`.
-- Every key has a type, bounds and a description (tenants/README.md's tables
-- are generated from them); cross-references (groups, registers, applicant
-- kinds, states, document types) are named extra checks reporting their path.

local S = require("kabinet.shape")
local tables = require("kabinet.tables")

local set_of, is_list = tables.set_of, tables.is_list

local M = {}

local NAME_PATTERN = "^[a-z][a-z0-9_]*$"
local ID_MESSAGE = "идентификатор: латинские строчные буквы, цифры и '_'"

--- What a kind counts as in the yearly statistics of order 186 (App. 7 §4).
M.REPORT_AS = set_of { "complaint", "service_request", "information", "feedback", "survey", "other" }
--- Who may take an action.
M.ACTORS = set_of { "consumer", "operator", "timer" }
--- Who adds documents of a type.
M.DOCUMENT_BY = set_of { "consumer", "operator" }
--- File types a document type may allow (told by content, not by name).
M.FILE_TYPES = set_of { "pdf", "jpeg", "png", "doc", "docx", "xls", "xlsx", "odt", "txt", "zip" }
--- The file types, in the order they are offered.
M.FILE_TYPE_LIST = { "pdf", "jpeg", "png", "doc", "docx", "xls", "xlsx", "odt", "txt", "zip" }
--- How a state looks in lists.
M.TONES = set_of { "new", "work", "wait", "done", "rejected" }
--- Day counts of deadlines and timers.
M.UNITS = set_of { "working", "calendar" }
--- Whether an action takes a comment.
M.COMMENT = set_of { "none", "optional", "required" }
--- The largest file a document type may allow (the upload routes' body limit is above it).
M.MAX_BYTES = 25 * 1024 * 1024
--- The default size limit of a document.
M.DEFAULT_MAX_BYTES = 10 * 1024 * 1024

local function id(desc)
  return S.string { required = true, pattern = NAME_PATTERN, pattern_doc = "`a-z`, `0-9`, `_`",
    pattern_message = ID_MESSAGE, desc = desc }
end

local function ref(desc, required)
  return S.ident { required = required, pattern = NAME_PATTERN, pattern_doc = "id", message = "ожидается " .. ID_MESSAGE,
    desc = desc }
end

local function days(desc)
  return S.int { required = true, min = 1, max = 3650, desc = desc }
end

local function unit(desc)
  return S.enum { values = M.UNITS, default = "calendar", message = "ожидается working или calendar, а не '%s'",
    doc = "`working`, `calendar`", desc = desc }
end

-- Ids of a list of tables (the ones that have a string id).
local function ids_of(list)
  local out = {}
  if is_list(list) then
    for _, x in ipairs(list) do
      if type(x) == "table" and type(x.id) == "string" then out[x.id] = true end
    end
  end
  return out
end

-- Reports every string of `list` (at path[i]) that is not a key of `known`.
local function known_ids(add, path, list, known, what)
  if not is_list(list) then return end
  for i, v in ipairs(list) do
    if type(v) == "string" and not known[v] then
      add(string.format("%s[%d]", path, i), string.format("%s '%s' не объявлен%s", what[1], v, what[2]))
    end
  end
end

--- The schema nodes, made from the field language of registration:
-- parts = {field = <field record>, field_rules = fn, name_fields = fn, no_visibility_cycles = fn}.
-- @return {groups, registers, kinds, group, register, kind, field, document, workflow, state, action, deadline}
function M.nodes(parts)
  local N = {}

  -- A field of a case's or an action's form: the registration field language plus `prefill`.
  local field_keys = {}
  for i, entry in ipairs(parts.field.keys) do field_keys[i] = entry end
  field_keys[#field_keys + 1] = { "prefill", S.ident { pattern = NAME_PATTERN, pattern_doc = "profile field name",
    message = "ожидается имя поля профиля", desc = "the value shown in the form is taken from this field of the applicant's profile (cases only)" } }
  N.field = S.record { name = "case field", keys = field_keys, rules = { parts.field_rules, function(add, path, f)
    if f.type == "password" or f.type == "password_confirm" then
      add(path .. ".type", "пароль не может быть полем обращения")
    end
    if f.login ~= nil then add(path .. ".login", "поле обращения не бывает полем для входа") end
  end } }

  -- A form (a kind's or an action's): names first, so that references may point forward.
  local function form(desc)
    return S.list { of = N.field, message = "ожидается список полей", desc = desc,
      enter = function(ctx, list, path, add) ctx.names = parts.name_fields(add, path, list, {}) end,
      rules = { parts.no_visibility_cycles } }
  end

  N.document = S.record { name = "case document", message = "ожидается таблица {id, label, …}", keys = {
    { "id", id("sent as the form part `doc.<id>`") },
    { "label", S.string { required = true, desc = "Russian name of the document («Документ»)" } },
    { "required", S.bool { default = false, desc = "filing needs at least one file of this type" } },
    { "max_bytes", S.int { min = 1, max = M.MAX_BYTES, default = M.DEFAULT_MAX_BYTES, desc = "the largest file, bytes" } },
    { "types", S.strings { values = M.FILE_TYPES, what = "типа файла", desc = "file types allowed, told by content (default all)" } },
    { "max_count", S.int { min = 1, max = 20, default = 1, desc = "files of this type per case" } },
    { "by", S.enum { values = M.DOCUMENT_BY, default = "consumer", message = "ожидается consumer или operator, а не '%s'",
      doc = "`consumer`, `operator`", desc = "who adds files of this type" } },
  } }

  N.state = S.record { name = "case state", message = "ожидается таблица {id, label, …}", keys = {
    { "id", id("the state's id (`registered`, `in_work` …)") },
    { "label", S.string { required = true, desc = "Russian status as lists show it («В работе»)" } },
    { "final", S.bool { default = false, desc = "the case is closed in this state" } },
    { "uploads", S.bool { desc = "the applicant may add documents in this state (default: when not final)" } },
    { "tone", S.enum { values = M.TONES, message = "ожидается new, work, wait, done или rejected, а не '%s'",
      desc = "colour of the status (default `new` for the initial state, `done` for a final one, else `work`)" } },
    { "on_enter", S.func { desc = "`function(case)` → effects, when a case enters the state" } },
  } }

  -- A term that differs by a form value: the first override whose field equals its value wins.
  N.override = S.record { name = "term override", message = "ожидается таблица {field, equals, days}", keys = {
    { "field", S.ident { required = true, pattern = NAME_PATTERN, pattern_doc = "field name",
      message = "ожидается имя поля формы", desc = "a field of the kind's form (or a kept action input)" } },
    { "equals", S.custom { required = true, doc = "string, number or boolean",
      desc = "the value of the field that selects this term",
      check = function(add, path, v)
        local t = type(v)
        if t ~= "string" and t ~= "number" and t ~= "boolean" then add(path, "ожидается строка, число или true/false") end
      end } },
    { "days", days("the term when the field has that value (same unit)") },
  } }
  local function overrides(desc)
    return S.list { of = N.override, message = "ожидается список {field, equals, days}", desc = desc }
  end

  N.after = S.record { name = "timer", message = "ожидается таблица {days, unit}", desc = "timer actions only", keys = {
    { "days", days("the action fires this many days after the case entered its `from` state") },
    { "unit", unit("working or calendar days") },
    { "overrides", overrides("other terms by a form value (`{ {field = \"procurement_law\", equals = true, days = 15} }`; the first match wins)") },
  } }

  N.action = S.record { name = "case action", message = "ожидается таблица {id, label, to, by, …}", keys = {
    { "id", id("sent as `POST cases/{id}/actions/<id>`") },
    { "label", S.string { required = true, desc = "Russian button («Дать ответ»)" } },
    { "from", S.strings { desc = "states it may be taken in (default: any state that is not final)" } },
    { "to", ref("the state the case enters", true) },
    { "by", S.strings { required = true, values = M.ACTORS, what = "исполнителя", desc = "who takes it: `consumer`, `operator`, `timer`" } },
    { "fields", form("inputs the action needs (e.g. the answer text), in the case field language") },
    { "comment", S.enum { values = M.COMMENT, default = "none", message = "ожидается none, optional или required, а не '%s'",
      doc = "`none`, `optional`, `required`", desc = "whether a comment comes with it" } },
    { "documents", S.strings { desc = "document types that must be attached with it" } },
    { "attach", S.strings { desc = "document types that may be attached with it (default `documents`)" } },
    { "confirm", S.custom { doc = "string", desc = "a confirmation question the portal asks first (`\"\"`: none)",
      check = function(add, path, v) if type(v) ~= "string" then add(path, "ожидается строка") end end } },
    { "after", N.after },
    { "keep", S.bool { default = false, desc = "the action's validated inputs are merged into the case's fields and shown like form values" } },
    { "guard", S.func { desc = "`function(case)` → `{error = \"…\"}` refuses the action (409), `{}` allows it" } },
    { "hook", S.func { desc = "`function(case)` → effects, after the action" } },
  } }

  N.deadline = S.record { name = "case deadline", message = "ожидается таблица {id, label, days, …}", keys = {
    { "id", id("the deadline's id") },
    { "label", S.string { required = true, desc = "Russian name («Срок ответа»)" } },
    { "days", days("length of the term") },
    { "unit", unit("working or calendar days (counting starts the day after the event)") },
    { "from", S.ident { pattern = "^[a-z][a-z0-9_:]*$", default = "filed", message = "ожидается filed или entered:<состояние>",
      pattern_doc = "`filed` or `entered:<state>`", desc = "the event the term runs from" } },
    { "running", S.strings { desc = "states in which the case is overdue past the due date (default: every state that is not final)" } },
    { "overrides", overrides("other lengths by a form value (`{field, equals, days}`; the first match wins)") },
  } }

  N.stage = S.record { name = "case stage", message = "ожидается таблица {id, label, states}", keys = {
    { "id", id("the stage's id") },
    { "label", S.string { required = true, desc = "Russian name of the stage («Заявка принята и зарегистрирована»)" } },
    { "states", S.strings { required = true, desc = "the stage is reached when the case first enters one of these states" } },
  } }

  N.print = S.record { name = "case print", message = "ожидается таблица {title, intro, sign_lines}",
    desc = "the kind can be printed from its filled form (with a required `signed_application` document: the signed scan)", keys = {
    { "title", S.string { required = true, desc = "the heading of the printed application" } },
    { "intro", S.string { desc = "a paragraph under the heading (default none)" } },
    { "sign_lines", S.strings { desc = "captions of the signature lines («Заявитель», …)" } },
  } }

  -- States, actions and deadlines that refer to each other.
  local function workflow_rules(add, path, w)
    local states = ids_of(w.states)
    local finals = {}
    if is_list(w.states) then
      for _, s in ipairs(w.states) do
        if type(s) == "table" and s.final == true and type(s.id) == "string" then finals[s.id] = true end
      end
    end
    local state_what = { "состояние", "о в states" }
    if type(w.initial) == "string" and not states[w.initial] then
      add(path .. ".initial", string.format("состояние '%s' не объявлено в states", w.initial))
    end
    if is_list(w.actions) then
      for i, a in ipairs(w.actions) do
        if type(a) == "table" then
          local p = string.format("%s.actions[%d]", path, i)
          known_ids(add, p .. ".from", a.from, states, state_what)
          if type(a.to) == "string" and not states[a.to] then
            add(p .. ".to", string.format("состояние '%s' не объявлено в states", a.to))
          end
          local by = is_list(a.by) and set_of(a.by) or {}
          if by.timer and a.after == nil then add(p .. ".after", "действие по таймеру требует after = {days, unit}") end
          if a.after ~= nil and not by.timer then add(p .. ".after", "after применимо только к действию с by = {\"timer\"}") end
          if by.timer and (a.from == nil or #a.from == 0) then
            add(p .. ".from", "действие по таймеру требует состояние, от входа в которое отсчитывается срок")
          end
          if by.timer and is_list(a.fields) and #a.fields > 0 then
            add(p .. ".fields", "действию по таймеру некому ввести поля")
          end
        end
      end
    end
    if is_list(w.deadlines) then
      for i, d in ipairs(w.deadlines) do
        if type(d) == "table" then
          local p = string.format("%s.deadlines[%d]", path, i)
          known_ids(add, p .. ".running", d.running, states, state_what)
          local entered = type(d.from) == "string" and d.from:match("^entered:(.*)$")
          if type(d.from) == "string" and d.from ~= "filed" and not entered then
            add(p .. ".from", "ожидается filed или entered:<состояние>")
          elseif entered and not states[entered] then
            add(p .. ".from", string.format("состояние '%s' не объявлено в states", entered))
          end
        end
      end
    end
    if next(states) and not next(finals) then add(path .. ".states", "нужно хотя бы одно конечное состояние (final = true)") end
  end

  N.workflow = S.record { name = "case workflow", message = "ожидается таблица {initial, states, actions, deadlines}",
    rules = { workflow_rules }, keys = {
    { "initial", ref("the state a filed case starts in", false) },
    { "states", S.list { of = N.state, nonempty = true, required = true, message = "ожидается непустой список состояний",
      missing = "ожидается непустой список состояний",
      unique = { key = "id", message = "повторяющееся состояние '%s'" }, desc = "the states, in the order of the way" } },
    { "actions", S.list { of = N.action, message = "ожидается список действий",
      unique = { key = "id", message = "повторяющееся действие '%s'" }, desc = "what moves a case from state to state" } },
    { "deadlines", S.list { of = N.deadline, message = "ожидается список сроков",
      unique = { key = "id", message = "повторяющийся срок '%s'" }, desc = "terms the case is overdue after" } },
  } }
  -- `initial` defaults to "registered"; said here so that the generated table shows it.
  S.key(N.workflow, "initial").default = "registered"

  -- A kind's references: its group, register, applicant kinds, summary field,
  -- and the document types its actions name.
  local function kind_rules(add, path, k, ctx)
    local T = ctx.T
    local groups = ids_of(T.case_groups)
    if type(k.group) == "string" and not groups[k.group] then
      add(path .. ".group", string.format("группа '%s' не объявлена в case_groups", k.group))
    end
    if type(k.register) == "string" and k.register ~= k.id
        and not (type(T.case_registers) == "table" and T.case_registers[k.register] ~= nil) then
      add(path .. ".register", string.format("регистр '%s' не объявлен в case_registers", k.register))
    end
    known_ids(add, path .. ".applicants", k.applicants, ctx.kind_ids, { "вид заявителя", " в applicant_kinds" })
    if type(k.summary_field) == "string" and k.summary_field ~= "" then
      local names = {}
      if is_list(k.fields) then
        for _, f in ipairs(k.fields) do if type(f) == "table" and f.name then names[f.name] = true end end
      end
      if not names[k.summary_field] then
        add(path .. ".summary_field", string.format("поле '%s' не найдено в форме", k.summary_field))
      end
    end
    local docs = ids_of(k.documents)
    local w = type(k.workflow) == "table" and k.workflow or {}
    -- Names a term override or a list column may use: the form's fields,
    -- the inputs of actions that keep them, and the connect effect's account.
    local values = { account_number = true }
    if is_list(k.fields) then
      for _, f in ipairs(k.fields) do if type(f) == "table" and type(f.name) == "string" then values[f.name] = true end end
    end
    if is_list(w.actions) then
      for _, a in ipairs(w.actions) do
        if type(a) == "table" and a.keep == true and is_list(a.fields) then
          for _, f in ipairs(a.fields) do if type(f) == "table" and type(f.name) == "string" then values[f.name] = true end end
        end
      end
    end
    local function check_overrides(p, list)
      if not is_list(list) then return end
      for i, o in ipairs(list) do
        if type(o) == "table" and type(o.field) == "string" and not values[o.field] then
          add(string.format("%s[%d].field", p, i), string.format("поле '%s' не найдено в форме", o.field))
        end
      end
    end
    known_ids(add, path .. ".list_fields", k.list_fields, values, { "поле", "о в форме или в сохраняемых полях действий" })
    local states = ids_of(w.states)
    if is_list(k.stages) then
      for i, st in ipairs(k.stages) do
        if type(st) == "table" then
          known_ids(add, string.format("%s.stages[%d].states", path, i), st.states, states, { "состояние", "о в workflow.states" })
        end
      end
    end
    if is_list(w.deadlines) then
      for i, d in ipairs(w.deadlines) do
        if type(d) == "table" then check_overrides(string.format("%s.workflow.deadlines[%d].overrides", path, i), d.overrides) end
      end
    end
    if is_list(w.actions) then
      for i, a in ipairs(w.actions) do
        if type(a) == "table" then
          local p = string.format("%s.workflow.actions[%d]", path, i)
          known_ids(add, p .. ".documents", a.documents, docs, { "вид документа", " в documents" })
          known_ids(add, p .. ".attach", a.attach, docs, { "вид документа", " в documents" })
          if type(a.after) == "table" then check_overrides(p .. ".after.overrides", a.after.overrides) end
        end
      end
    end
  end

  N.kind = S.record { name = "case kind", message = "ожидается таблица вида обращения (C.appeal{…}, C.service{…} …)",
    rules = { kind_rules }, keys = {
    { "id", id("the kind's id; also its register's id unless `register` names one") },
    { "label", S.string { required = true, desc = "Russian name («Жалоба»)" } },
    { "group", ref("the `case_groups` entry it is filed under", true) },
    { "register", ref("the `case_registers` entry that numbers it (default its own register, from 1)", false) },
    { "number_prefix", S.string { one_line = true, max_chars = 20, desc = "put before the number («ДУ-»; default the register's `prefix`)" } },
    { "report_as", S.enum { values = M.REPORT_AS, default = "other", message = "неизвестный вид для отчётов '%s'",
      desc = "what it counts as in the yearly statistics of order 186" } },
    { "applicants", S.strings { desc = "applicant kinds that may file it (default all; `{}` nobody directly)" } },
    { "offered_only", S.bool { default = false, desc = "filed only after an offer (e.g. a survey after tech connection)" } },
    { "summary_field", S.custom { doc = "field name or `\"\"`", desc = "the field lists show as «Содержание» (default `text` when the form has it)",
      check = function(add, path, v)
        if type(v) ~= "string" then add(path, "ожидается имя поля или пустая строка") end
      end } },
    { "fields", form("the form, in the field language of registration plus `prefill`") },
    { "documents", S.list { of = N.document, message = "ожидается список видов документов",
      unique = { key = "id", message = "повторяющийся вид документа '%s'" }, desc = "document types of the case" } },
    { "workflow", N.workflow },
    { "stages", S.list { of = N.stage, message = "ожидается список этапов",
      unique = { key = "id", message = "повторяющийся этап '%s'" },
      desc = "disclosed stages of the case (PP 24 п.19л), in order, each with the states that reach it" } },
    { "list_fields", S.strings { desc = "form or kept values shown as columns of the lists (labels from the form / action inputs)" } },
    { "forward", S.string { desc = "a connector (accounts = \"consumer\") the filed case is sent to through the applicant's supplier account; the supplier's status and answer come back as the actions `take` and `answer`" } },
    { "print", N.print },
    { "validate", S.func { desc = "`function(kind_id, fields, errors, values, context)` after the field checks; `context` = `{applicant_kind, role, profile}`" } },
  } }
  S.key(N.kind, "workflow").required = true
  S.key(N.kind, "workflow").desc = "states, actions, deadlines (`C.workflows.*` or the tenant's own)"

  N.group = S.record { name = "case group", message = "ожидается таблица {id, label, …}", keys = {
    { "id", id("the group's id") },
    { "label", S.string { required = true, desc = "the menu section («Обращения»)" } },
    { "file_label", S.string { desc = "the menu entry that files a case («Обращение»; default `label`)" } },
    { "list_label", S.string { desc = "the menu entry of the list («Информация по обращениям»; default `label`)" } },
    { "kind_label", S.string { default = "Вид обращения", desc = "label of the choice of kind («Тема обращения»)" } },
    { "kind_placeholder", S.string { default = "-Выберите вид обращения-", desc = "the choice's empty entry" } },
    { "list", ref("the group whose list page also shows this group's cases (default its own id)", false) },
  } }

  N.groups = S.list { of = N.group, message = "ожидается список групп", desc = "menu sections of the portal's cases, in order",
    unique = { key = "id", message = "повторяющаяся группа '%s'" },
    rules = { function(add, path, list)
      local ids = ids_of(list)
      for i, g in ipairs(list) do
        if type(g) == "table" and type(g.list) == "string" and not ids[g.list] then
          add(string.format("%s[%d].list", path, i), string.format("группа '%s' не объявлена в case_groups", g.list))
        end
      end
    end } }

  N.register = S.record { name = "case register", message = "ожидается таблица {start, prefix}", keys = {
    { "start", S.int { min = 1, max = 999999999, default = 1, desc = "the first number it gives" } },
    { "prefix", S.string { one_line = true, max_chars = 20, desc = "put before the numbers of its kinds («ДУ-»)" } },
  } }

  N.registers = S.map { message = "ожидается таблица {регистр = {start = …}}", desc = "numbering registers (kinds may share one)",
    key = { check = function(k) return type(k) == "string" and k:match(NAME_PATTERN) ~= nil end, message = ID_MESSAGE },
    value = N.register }
  N.registers.doc = "table id → `case register`"

  N.kinds = S.list { of = N.kind, message = "ожидается список видов обращений", desc = "kinds of cases (`C.appeal{…}` …, see «Cases»)",
    unique = { key = "id", message = "повторяющийся вид обращения '%s'" } }

  return N
end

return M
