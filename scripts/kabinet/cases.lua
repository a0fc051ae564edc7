--- kabinet.cases — what a tenant writes to declare its cases (appeals,
-- service requests, feedback, surveys, complaints …): constructors that build
-- a whole kind from a few keys, and the common workflows.
--
--   local C = require("kabinet.cases")
--   case_groups = {
--     { id = "appeals", label = "Обращения", file_label = "Обращение",
--       list_label = "Информация по обращениям", kind_label = "Тема обращения" },
--   },
--   case_registers = { appeals = { start = 7875 } },
--   case_kinds = {
--     C.appeal { id = "info", group = "appeals", register = "appeals",
--                label = "Справочная информация", text_max = 1000, attachment = true },
--     C.feedback { id = "feedback", group = "feedback" },
--   },
--
-- Every constructor takes the keys of a kind (id, label, group, register,
-- number_prefix, report_as, applicants, offered_only, summary_field, fields,
-- documents, workflow, validate — see kabinet.cases.schema) and fills the rest
-- in; besides them it understands these shorthand keys:
--   text_max = n          the text field's limit in characters (default 4000)
--   text_label = "…"      the text field's label
--   attachment = true     one optional document «Документ» of the applicant
--                         (a number: that many files; false: none)
--   answer_days = n, answer_unit = "calendar" | "working"   the answer term
--   extra_fields = {…}    fields appended to the constructor's form
--   states = {<id> = {label = …} | false}    changes to the workflow's states
--   actions = {<id> = {…} | false}           … its actions (false removes)
--   deadlines = {<id> = {…} | false}         … its deadlines
--   hooks = {enter = {<state> = fn}, guard = {<action> = fn}, after = {<action> = fn}}
-- `fields`, `documents` or `workflow` given whole replace the constructor's.
-- Nothing is checked here: kabinet.tenant.check reports what is wrong with
-- its path (`case_kinds[2].workflow.actions[1].to: …`).
--
-- Hooks are `function(case)` with case = {id, number, kind, state, fields,
-- applicant = {kind, profile}, action_fields, now} and return effects:
--   {error = "…"}                     (guard) refuse the action
--   {set = {field = value}}            merged into the case's fields
--   {notices = {{kind, to = "applicant"|"operators", values}}}
--   {offer = {kind = "<kind id>"}}    invite the applicant to file that kind
--   {connect = {name, address, power_kw, register}}   a personal account from
--                                     the register, a point at the address, access
-- Richer workflows (tech connection, kabinet.cases.techconnect: C.techconnect,
-- C.workflows.techconnect) also use action `keep`, term `overrides`, kind
-- `stages`, `list_fields` and `print` (see kabinet.cases.schema).

local F = require("kabinet.fields")
local CS = require("kabinet.cases.schema")

local C = {}

-- Terms of answers. Order 186 (via its restatements) gives 30 days for a
-- written appeal from its registration; its term for appeals sent through the
-- site or the personal account was not found (REGULATION.md "Not found"), so
-- 30 calendar days is an assumption for every electronic appeal, feedback
-- message, PP 55/2024 complaint and service request unless the tenant says otherwise.
C.ANSWER_DAYS = 30

---------------------------------------------------------------------------
-- Small helpers
---------------------------------------------------------------------------

-- A deep copy of plain data (functions are kept as they are).
local function copy(v)
  if type(v) ~= "table" then return v end
  local out = {}
  for k, x in pairs(v) do out[k] = copy(x) end
  return out
end

-- Applies changes by id to a list of tables: {<id> = {key = value} | false};
-- an id not in the list with a table is appended (it needs all its keys).
local function patch(list, changes)
  if changes == nil then return list end
  local out, seen = {}, {}
  for _, item in ipairs(list) do
    local change = changes[item.id]
    seen[item.id] = true
    if change ~= false then
      local x = copy(item)
      if type(change) == "table" then
        for k, v in pairs(change) do x[k] = v end
      end
      out[#out + 1] = x
    end
  end
  local extra = {}
  for id, change in pairs(changes) do
    if type(change) == "table" and not seen[id] then extra[#extra + 1] = id end
  end
  table.sort(extra, function(a, b) return tostring(a) < tostring(b) end)
  for _, id in ipairs(extra) do
    local x = copy(changes[id])
    x.id = x.id or id
    out[#out + 1] = x
  end
  return out
end
C.patch = patch

--- C.document{id, label, required?, max_bytes?, types?, max_count?, by?}: a
-- document type (defaults: optional, 10 MB, every file type, one file, by the applicant).
function C.document(spec)
  local d = { required = false, max_bytes = CS.DEFAULT_MAX_BYTES, types = copy(CS.FILE_TYPE_LIST), max_count = 1,
    by = "consumer" }
  for k, v in pairs(spec or {}) do d[k] = v end
  return d
end

--- The applicant's optional attachment «Документ» (n files at most).
function C.attachment(n)
  return C.document { id = "attachment", label = "Документ", max_count = n or 1 }
end

--- The operator's document that may come with the answer.
function C.answer_document()
  return C.document { id = "answer", label = "Ответ (документ)", by = "operator", max_count = 5 }
end

--- C.text{max = n, label = …}: the free text of a case («Текст обращения»).
function C.text(spec)
  spec = spec or {}
  local max = spec.max or 4000
  return F.textarea { name = spec.name or "text", label = spec.label or ("Текст обращения (не более " .. max .. " символов)"),
    max_length = max, required = spec.required ~= false, placeholder = spec.placeholder }
end

--- C.rating{name, label}: an answer from 1 (very bad) to 5 (excellent), stored as a number.
function C.rating(spec)
  local f = F.select { options = {
    { value = 1, label = "1 — очень плохо" }, { value = 2, label = "2 — плохо" }, { value = 3, label = "3 — удовлетворительно" },
    { value = 4, label = "4 — хорошо" }, { value = 5, label = "5 — отлично" },
  }, placeholder = "-Выберите оценку-" }
  for k, v in pairs(spec or {}) do f[k] = v end
  return f
end

--- A hook (for `hooks.enter` / `hooks.after`) that invites the applicant to file
-- the offered kind `kind_id` (e.g. the service-quality survey when a tech
-- connection is complete); the core tells the applicant (`case_offer`).
function C.offer_survey(kind_id)
  return function() return { offer = { kind = kind_id } } end
end

---------------------------------------------------------------------------
-- Common workflows (each call gives a new table to change)
---------------------------------------------------------------------------

local function answer_field()
  return F.textarea { name = "answer", label = "Ответ", max_length = 4000 }
end

local function term(opts, id, label, running)
  return { id = id, label = label, days = opts.days or C.ANSWER_DAYS, unit = opts.unit or "calendar", from = "filed",
    running = running }
end

C.workflows = {}

--- An appeal: registered → in work → answered (final; the answer text
-- required, a document may be attached by the operator); the answer is due
-- `days` (30) `unit` (calendar) days after filing.
function C.workflows.appeal(opts)
  opts = opts or {}
  return {
    initial = "registered",
    states = {
      { id = "registered", label = "Зарегистрировано", tone = "new" },
      { id = "in_work", label = "В работе", tone = "work" },
      { id = "answered", label = "Ответ дан", final = true, tone = "done" },
    },
    actions = {
      { id = "take", label = "Принять в работу", from = { "registered" }, to = "in_work", by = { "operator" } },
      { id = "answer", label = "Дать ответ", from = { "registered", "in_work" }, to = "answered", by = { "operator" },
        fields = { answer_field() }, attach = { "answer" }, confirm = "Отправить ответ заявителю?" },
    },
    deadlines = { term(opts, "answer", "Срок ответа", { "registered", "in_work" }) },
  }
end

--- A service request: registered → in work → done, or rejected (a reason
-- required); the applicant may withdraw it while it is only registered. The
-- term (30 calendar days) is an assumption: no figure was found for
-- additional services (REGULATION.md "Not found").
function C.workflows.service(opts)
  opts = opts or {}
  return {
    initial = "registered",
    states = {
      { id = "registered", label = "Зарегистрирована", tone = "new" },
      { id = "in_work", label = "В работе", tone = "work" },
      { id = "done", label = "Выполнена", final = true, tone = "done" },
      { id = "rejected", label = "Отклонена", final = true, tone = "rejected" },
      { id = "withdrawn", label = "Отозвана", final = true, tone = "rejected" },
    },
    actions = {
      { id = "take", label = "Принять в работу", from = { "registered" }, to = "in_work", by = { "operator" } },
      { id = "complete", label = "Отметить выполнение", from = { "registered", "in_work" }, to = "done", by = { "operator" },
        fields = { F.textarea { name = "result", label = "Результат", required = false, max_length = 4000 } },
        attach = { "answer" } },
      { id = "reject", label = "Отклонить", from = { "registered", "in_work" }, to = "rejected", by = { "operator" },
        comment = "required", attach = { "answer" }, confirm = "Отклонить заявку?" },
      { id = "withdraw", label = "Отозвать заявку", from = { "registered" }, to = "withdrawn", by = { "consumer" },
        comment = "optional", confirm = "Отозвать заявку?" },
    },
    deadlines = { term(opts, "done", "Срок исполнения", { "registered", "in_work" }) },
  }
end

--- Feedback: a message to the grid company, answered (or closed with a
-- reason when there is nothing to answer); 30 calendar days (an assumption).
function C.workflows.feedback(opts)
  opts = opts or {}
  return {
    initial = "registered",
    states = {
      { id = "registered", label = "Получено", tone = "new" },
      { id = "answered", label = "Ответ дан", final = true, tone = "done" },
      { id = "closed", label = "Закрыто без ответа", final = true, tone = "rejected" },
    },
    actions = {
      { id = "answer", label = "Дать ответ", from = { "registered" }, to = "answered", by = { "operator" },
        fields = { answer_field() }, attach = { "answer" } },
      { id = "close", label = "Закрыть без ответа", from = { "registered" }, to = "closed", by = { "operator" },
        comment = "required", confirm = "Закрыть сообщение без ответа?" },
    },
    deadlines = { term(opts, "answer", "Срок ответа", { "registered" }) },
  }
end

--- A survey: filed and closed at once; nothing to act on.
function C.workflows.survey()
  return {
    initial = "closed",
    states = { { id = "closed", label = "Получен", final = true, tone = "done", uploads = false } },
    actions = {},
    deadlines = {},
  }
end

---------------------------------------------------------------------------
-- Kinds
---------------------------------------------------------------------------

-- Keys a constructor reads and does not put into the kind.
local SHORTHAND = { text_max = true, text_label = true, attachment = true, answer_days = true, answer_unit = true,
  extra_fields = true, states = true, actions = true, deadlines = true, hooks = true }

-- Builds a kind: the constructor's defaults (`base`, with a workflow maker),
-- then the tenant's keys.
local function build(base, spec)
  spec = spec or {}
  local kind = {}
  for k, v in pairs(base) do if k ~= "make_workflow" and k ~= "make_fields" then kind[k] = v end end
  for k, v in pairs(spec) do if not SHORTHAND[k] then kind[k] = v end end
  if spec.fields == nil and base.make_fields then kind.fields = base.make_fields(spec) end
  if spec.extra_fields then
    kind.fields = copy(kind.fields or {})
    for _, f in ipairs(spec.extra_fields) do kind.fields[#kind.fields + 1] = f end
  end
  if spec.documents == nil then
    local docs = {}
    if spec.attachment ~= false and (spec.attachment ~= nil or base.attachment) then
      docs[#docs + 1] = C.attachment(type(spec.attachment) == "number" and spec.attachment or 1)
    end
    if base.answer_document then docs[#docs + 1] = C.answer_document() end
    kind.documents = docs
  end
  kind.attachment, kind.answer_document = nil, nil
  local w = spec.workflow and copy(spec.workflow)
    or base.make_workflow { days = spec.answer_days, unit = spec.answer_unit }
  if type(w) ~= "table" then
    kind.workflow = w -- check() says what is missing
    return kind
  end
  w.states = patch(w.states or {}, spec.states)
  w.actions = patch(w.actions or {}, spec.actions)
  w.deadlines = patch(w.deadlines or {}, spec.deadlines)
  local hooks = spec.hooks or {}
  for state, fn in pairs(hooks.enter or {}) do
    for _, s in ipairs(w.states) do if s.id == state then s.on_enter = fn end end
  end
  for action, fn in pairs(hooks.guard or {}) do
    for _, a in ipairs(w.actions) do if a.id == action then a.guard = fn end end
  end
  for action, fn in pairs(hooks.after or {}) do
    for _, a in ipairs(w.actions) do if a.id == action then a.hook = fn end end
  end
  -- Attachments named by actions that the tenant's documents do not have are dropped.
  local docs = {}
  for _, d in ipairs(kind.documents or {}) do if type(d) == "table" and d.id then docs[d.id] = true end end
  for _, a in ipairs(w.actions) do
    if a.attach and not spec.workflow then
      local keep = {}
      for _, id in ipairs(a.attach) do if docs[id] then keep[#keep + 1] = id end end
      a.attach = keep
    end
  end
  kind.workflow = w
  return kind
end

local function text_form(spec)
  return { C.text { max = spec.text_max, label = spec.text_label } }
end

--- C.kind{…}: a kind with the tenant's own `workflow` (required) and form.
function C.kind(spec)
  return build({ make_workflow = function() return nil end, attachment = false }, spec)
end

--- C.appeal{id, label, group, …}: an appeal (report_as `information`; a
-- complaint is `report_as = "complaint"`): the text, an optional attachment,
-- the appeal workflow (C.workflows.appeal) with the answer due in 30 calendar days.
function C.appeal(spec)
  return build({ report_as = "information", make_fields = text_form, attachment = true, answer_document = true,
    make_workflow = C.workflows.appeal }, spec)
end

--- C.service{id, label, group, …}: a request for a paid or additional
-- service (report_as `service_request`), the service workflow.
function C.service(spec)
  return build({ report_as = "service_request", make_fields = text_form, attachment = true, answer_document = true,
    make_workflow = C.workflows.service }, spec)
end

--- C.feedback{id, label, group, …}: a message to the company («Обратная
-- связь»), answered or closed.
function C.feedback(spec)
  return build({ label = "Сообщение в сетевую организацию", report_as = "feedback", make_fields = function(s)
    return { F.text { name = "subject", label = "Тема сообщения", max_length = 200 },
      C.text { max = s.text_max, label = s.text_label or "Текст сообщения" } }
  end, attachment = true, answer_document = true, make_workflow = C.workflows.feedback }, spec)
end

--- C.survey{id, label, group, fields = {C.rating{…}, …}}: answers to
-- questions, filed and closed at once (report_as `survey`; offered_only
-- unless the tenant lists it in a menu). Answers are aggregated per question.
function C.survey(spec)
  return build({ label = "Опрос потребителя", report_as = "survey", offered_only = true, summary_field = "",
    make_fields = function() return {} end, make_workflow = C.workflows.survey }, spec)
end

-- PP 55/2024 complaints: the time of the violation cannot lie ahead (a day's
-- margin for the time zones of Russia).
local function pp55_validate(_, _, errors, values)
  local latest = os.date("!%Y-%m-%d", os.time() + 14 * 3600)
  if values.violation_date and not errors.violation_date and values.violation_date > latest then
    errors.violation_date = "Дата нарушения не может быть позже сегодняшней"
  end
end

--- C.complaint_pp55{id, group, …}: a complaint on the reliability or quality
-- of supply with the content PP 55 of 24.01.2024 (п.7 of PP 442's Basic
-- provisions) asks for: who the consumer is (a person: name, residence, date
-- and place of birth, identity document; or the organisation's name), the contract number, the
-- address of the power-receiving devices, what happened and when, the
-- consumer's demands, phone and e-mail, how to answer; attachments allowed.
-- PP 55's terms of checking and answering were not found (REGULATION.md),
-- so the appeal term (30 calendar days) is an assumption.
function C.complaint_pp55(spec)
  local PERSON = { field = "applicant_type", equals = "person" }
  local ORGANISATION = { field = "applicant_type", equals = "organisation" }
  local function fields()
    return {
      F.select { name = "applicant_type", label = "Заявитель", options = {
        { value = "person", label = "Физическое лицо" }, { value = "organisation", label = "Организация" } } },
      F.full_name { prefill = "full_name", visible_if = PERSON },
      F.text { name = "residence", label = "Место жительства", max_length = 500, prefill = "address", visible_if = PERSON },
      F.date { name = "birth_date", label = "Дата рождения", visible_if = PERSON },
      F.text { name = "birth_place", label = "Место рождения", max_length = 255, visible_if = PERSON },
      F.passport { label = "Документ, удостоверяющий личность (серия и номер паспорта)", prefill = "passport",
        visible_if = PERSON },
      F.text { name = "org_name", label = "Наименование организации", max_length = 500, prefill = "org_full_name",
        visible_if = ORGANISATION },
      F.text { name = "contract", label = "Номер договора энергоснабжения", max_length = 50 },
      F.text { name = "device_address", label = "Адрес энергопринимающих устройств", max_length = 500 },
      F.select { name = "violation", label = "Нарушение", options = {
        { value = "reliability", label = "Надёжность: перерыв в электроснабжении" },
        { value = "quality", label = "Качество электрической энергии (напряжение, частота)" },
      } },
      F.date { name = "violation_date", label = "Дата нарушения" },
      F.text { name = "violation_time", label = "Время нарушения", required = false, max_length = 5, placeholder = "ЧЧ:ММ",
        pattern = "^[0-2]?%d:[0-5]%d$", pattern_message = "Укажите время в виде ЧЧ:ММ" },
      C.text { max = spec and spec.text_max or 4000, label = "Описание нарушения" },
      F.textarea { name = "demands", label = "Требования потребителя", max_length = 4000 },
      F.phone { label = "Контактный телефон", prefill = "phone" },
      F.email { label = "Электронная почта", required = false, prefill = "email" },
      F.select { name = "answer_way", label = "Способ получения ответа", options = {
        { value = "cabinet", label = "В личном кабинете" },
        { value = "email", label = "По электронной почте" },
        { value = "post", label = "Почтой" },
      }, default = "cabinet" },
    }
  end
  return build({ label = "Жалоба на надёжность или качество электроснабжения", report_as = "complaint",
    make_fields = fields, attachment = true, answer_document = true, make_workflow = C.workflows.appeal,
    validate = pp55_validate }, spec)
end

-- Applications for technological connection: C.workflows.techconnect, C.techconnect.
require("kabinet.cases.techconnect").install(C, build)

return C
