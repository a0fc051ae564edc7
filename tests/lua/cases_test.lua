-- Tests of the cases in tenant Lua (kabinet.cases, kabinet.cases.schema,
-- kabinet.cases.model through kabinet.tenant): the model of each seed's
-- kinds, the validation of forms and action inputs, the hooks' effects, a
-- sixth kind declared by a tenant table alone, the schema's errors with
-- their paths, the notification kinds of cases.
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

local function by_name(list)
  local out = {}
  for _, x in ipairs(list) do out[x.name] = x end
  return out
end

local passes = require("testing").passes

local reports = require("testing").reports

local CONSUMER = { applicant_kind = "individual", role = "consumer",
  profile = { phone = "+79601153767", email = "maslograd@rambler.ru", full_name = "Башкатов Андрей Владимирович" } }

---------------------------------------------------------------------------
-- The seeds' kinds
---------------------------------------------------------------------------

case("ВГЭС: группы, пять видов обращений и заявка на доп. услугу, общий регистр", function()
  local T = load_tenant("vges")
  passes(T)
  local groups = tenant.case_groups(T)
  eq(#groups, 3, "групп: обращения, доп. услуги, технологическое присоединение")
  eq(groups[1].id, "appeals")
  eq(groups[1].label, "Обращения")
  eq(groups[1].file_label, "Обращение")
  eq(groups[1].list_label, "Информация по обращениям")
  eq(groups[1].kind_label, "Тема обращения")
  eq(groups[1].kind_placeholder, "-Выберите вид обращения-")
  eq(groups[1].list, "appeals")
  eq(groups[2].label, "Дополнительные услуги")
  eq(groups[2].file_label, "Заявка на дополнительную услугу")
  eq(groups[2].list, "appeals", "заявки на доп. услуги видны в списке обращений (Рис. 17)")
  -- The public profile carries the groups for the portal's menus.
  eq(#tenant.profile(T).case_groups, 3)
  eq(tenant.profile(T).case_groups[2].list, "appeals")

  local kinds = tenant.case_kinds(T)
  eq(#kinds, 8, "видов: шесть обращений и заявок на доп. услугу, две заявки на ТП")
  local labels = { "Запрос справочной информации", "Жалоба",
    "Сообщение о бездоговорном / безучётном потреблении электроэнергии",
    "Сообщение о хищении объектов электросетевого комплекса", "Запрос консультации" }
  for i = 1, 5 do
    local k = kinds[i]
    eq(k.label, labels[i])
    eq(k.group, "appeals")
    eq(k.register, "appeals")
    eq(k.register_start, 7875, "номера после образца 7874")
    eq(k.number_prefix, "")
    eq(k.initial, "registered")
    eq(k.summary_field, "text")
    eq(k.offered_only, false)
    eq(#k.applicants, 3, "все виды заявителей")
    local form = by_name(k.form)
    eq(form.text.type, "textarea")
    eq(form.text.max_length, 1000)
    eq(form.text.required, true)
    eq(form.text.label, "Текст обращения (не более 1000 символов)")
    eq(form.phone.prefill, "phone")
    eq(form.email.prefill, "email")
    eq(form.email.required, false)
    eq(form.email.login, false, "вид поля как в форме регистрации")
    local docs = by_id(k.documents)
    eq(docs.attachment.required, false)
    eq(docs.attachment.max_count, 1)
    eq(docs.attachment.by, "consumer")
    eq(docs.attachment.label, "Документ")
    eq(docs.answer.by, "operator")
    local states = by_id(k.states)
    eq(states.registered.label, "Регистрация", "статус нового обращения как в Рис. 17")
    eq(states.registered.tone, "new")
    eq(states.answered.final, true)
    eq(states.in_work.uploads, true)
    eq(states.answered.uploads, false)
    local answer = by_id(k.actions).answer
    eq(answer.to, "answered")
    eq(answer.by[1], "operator")
    eq(answer.fields[1].name, "answer")
    eq(answer.fields[1].required, true)
    eq(answer.attach[1], "answer", "оператор может приложить документ к ответу")
    eq(#answer.documents, 0)
    local d = k.deadlines[1]
    eq(d.days, 30)
    eq(d.unit, "calendar")
    eq(d.from, "filed")
    eq(#d.running, 2)
  end
  eq(kinds[2].report_as, "complaint")
  eq(kinds[1].report_as, "information")

  local s = kinds[6]
  eq(s.id, "service")
  eq(s.group, "services")
  eq(s.register, "appeals", "один регистр на обращения и заявки")
  eq(s.report_as, "service_request")
  local form = by_name(s.form)
  eq(form.street.type, "street")
  eq(form.street.dictionary, "streets")
  eq(form.street.label, "Местонахождение ЭПУ")
  eq(form.house.max_length, 25)
  eq(form.flat.required, false)
  eq(form.service_kind.type, "select")
  eq(form.service_kind.dictionary, "service_kinds")
  eq(form.text.max_length, 1000)
  eq(#tenant.dictionary(T, "service_kinds").items, 4, "видов доп. услуг")
  eq(by_id(s.states).registered.label, "Регистрация")
  eq(by_id(s.actions).withdraw.by[1], "consumer")
  eq(by_id(s.actions).reject.comment, "required")
  -- The old declaration of appeals is gone: one mechanism.
  eq(tenant.dictionary(T, "appeal_kinds"), nil)
  eq(tenant.settings(T).appeals, nil)
  local regs = tenant.case_registers(T)
  eq(#regs, 3, "обращения, лицевые счета ТП, заявки на ТП")
  eq(regs[1].id, "appeals")
  eq(regs[1].start, 7875)
end)

case("ОЭС 360: обращение в службу поддержки и жалоба по ПП 55", function()
  local T = load_tenant("oes360")
  passes(T)
  local groups = tenant.case_groups(T)
  eq(#groups, 1)
  eq(groups[1].label, "Обращения")
  local kinds = by_id(tenant.case_kinds(T))
  local k = kinds.support
  eq(k.label, "Обращение в службу поддержки")
  local form = by_name(k.form)
  eq(form.email.prefill, "email")
  eq(form.email.required, true)
  eq(form.phone.prefill, "phone")
  eq(form.subject.type, "select")
  assert(#form.subject.options >= 3, "короткий список тем")
  eq(form.subject.options[1].label, "Замена прибора учёта")
  eq(form.text.label, "Краткое описание вопроса")
  local states = by_id(k.states)
  eq(states.registered.label, "Новое")
  eq(states.in_work.label, "В работе")
  eq(states.answered.label, "Закрыто")
  eq(by_id(k.actions).answer.fields[1].name, "answer")
  local p = kinds.pp55
  eq(p.report_as, "complaint")
  eq(p.register, "appeals")
  local pf = by_name(p.form)
  for _, name in ipairs { "applicant_type", "full_name", "residence", "birth_date", "birth_place", "passport",
    "org_name", "contract", "device_address", "violation", "violation_date", "violation_time", "text", "demands",
    "phone", "email", "answer_way" } do
    assert(pf[name], "ПП 55: нет поля " .. name)
  end
  eq(pf.full_name.visible_if.field, "applicant_type")
  eq(pf.org_name.visible_if.equals, "organisation")
  eq(pf.answer_way.default, "cabinet")
  eq(by_id(p.documents).attachment.required, false)
  eq(by_id(p.states).answered.label, "Закрыто")
end)

case("ВОЭК: обратная связь и опрос потребителя", function()
  local T = load_tenant("voek")
  passes(T)
  local groups = by_id(tenant.case_groups(T))
  eq(groups.feedback.label, "Обратная связь")
  eq(groups.survey.label, "Опрос потребителя")
  -- The menu's filing entries as seed 002 names them; the lists short.
  eq(groups.feedback.file_label, "Обратная связь")
  eq(groups.survey.file_label, "Опрос потребителя")
  eq(groups.feedback.list_label, "Мои сообщения")
  eq(groups.survey.list_label, "Мои ответы на опрос")
  local kinds = by_id(tenant.case_kinds(T))
  local f = kinds.feedback
  eq(f.report_as, "feedback")
  eq(by_id(f.actions).answer.to, "answered")
  eq(by_id(f.states).answered.final, true)
  eq(by_name(f.form).text.max_length, 2000)
  local s = kinds.survey
  eq(s.report_as, "survey")
  eq(s.offered_only, false, "в меню ВОЭК")
  eq(s.initial, "closed")
  eq(#s.states, 1)
  eq(s.states[1].final, true)
  eq(#s.actions, 0)
  eq(#s.deadlines, 0)
  local ratings = 0
  for _, q in ipairs(s.form) do
    if q.type == "select" then
      ratings = ratings + 1
      eq(#q.options, 5, q.name .. ": оценки 1–5")
      eq(q.options[1].value, 1)
      eq(q.options[5].value, 5)
    end
  end
  eq(ratings, 5, "вопросов с оценкой")
  eq(by_name(s.form).comment.type, "textarea")
  eq(by_name(s.form).comment.required, false)
end)

case("арендатор без обращений: пустые списки", function()
  local T = load_tenant("sigma")
  eq(#tenant.case_groups(T), 0)
  eq(#tenant.case_kinds(T), 0)
  eq(#tenant.profile(T).case_groups, 0)
end)

---------------------------------------------------------------------------
-- Validation
---------------------------------------------------------------------------

case("ВГЭС: 1001 символ отклонён, 1000 принято; обязательные поля; справочники", function()
  local T = load_tenant("vges")
  local r = tenant.case_validate(T, "complaint", { text = string.rep("я", 1001) }, CONSUMER)
  eq(r.values, nil)
  eq(r.errors.text, "Должно быть не более 1000 символов")
  r = tenant.case_validate(T, "complaint", { text = "  " .. string.rep("я", 1000) .. "  " }, CONSUMER)
  eq(r.errors, nil)
  eq(utf8.len(r.values.text), 1000)
  eq(utf8.len(r.summary), 200, "содержание в списках — первые 200 символов")
  -- Prefilled from the profile when not sent; what the person typed wins.
  eq(r.values.phone, "+79601153767")
  eq(r.values.email, "maslograd@rambler.ru")
  r = tenant.case_validate(T, "info", { text = "Вопрос", phone = "8 (473) 255-11-22" }, CONSUMER)
  eq(r.values.phone, "+74732551122")
  eq(r.summary, "Вопрос")
  r = tenant.case_validate(T, "info", {}, CONSUMER)
  eq(r.errors.text, "Поле обязательно для заполнения")
  r = tenant.case_validate(T, "service", { text = "Снять показания", street = "Несуществующая ул.", house = "40",
    service_kind = "teleport" }, CONSUMER)
  eq(r.errors.street, "Выберите значение из списка")
  eq(r.errors.service_kind, "Выберите значение из списка")
  r = tenant.case_validate(T, "service", { text = "Снять показания", street = "Звездная ул.", house = "40" }, CONSUMER)
  eq(r.errors.service_kind, "Поле обязательно для заполнения")
  r = tenant.case_validate(T, "service", { text = "Снять показания", street = "Звездная ул.", house = "40", flat = "12",
    service_kind = "meter_reading" }, CONSUMER)
  eq(r.errors, nil)
  eq(r.values.service_kind, "meter_reading")
  eq(r.values.flat, "12")
  r = tenant.case_validate(T, "service", { text = "x", street = "Звездная ул.", house = string.rep("1", 26),
    service_kind = "meter_reading" }, CONSUMER)
  eq(r.errors.house, "Должно быть не более 25 символов")
  -- A value that is not a scalar, an unknown kind.
  r = tenant.case_validate(T, "info", { text = { "a" } }, CONSUMER)
  eq(r.errors.text, "Некорректное значение")
  r = tenant.case_validate(T, "nothing", { text = "x" }, CONSUMER)
  eq(r.errors.kind, "Неизвестный вид обращения")
  -- An operator filing without an applicant kind is not refused for it.
  r = tenant.case_validate(T, "info", { text = "По телефону" }, { role = "operator" })
  eq(r.errors, nil)
end)

case("ответ оператора и другие действия: поля действия проверяются", function()
  local T = load_tenant("vges")
  local r = tenant.case_action_validate(T, "info", "answer", {})
  eq(r.errors.answer, "Поле обязательно для заполнения")
  r = tenant.case_action_validate(T, "info", "answer", { answer = "Ответ по существу" })
  eq(r.values.answer, "Ответ по существу")
  r = tenant.case_action_validate(T, "info", "answer", { answer = string.rep("ж", 4001) })
  eq(r.errors.answer, "Должно быть не более 4000 символов")
  r = tenant.case_action_validate(T, "info", "take", {})
  eq(r.errors, nil)
  r = tenant.case_action_validate(T, "info", "explode", {})
  eq(r.errors.action, "Неизвестное действие")
  r = tenant.case_action_validate(T, "nothing", "answer", {})
  eq(r.errors.kind, "Неизвестный вид обращения")
end)

case("опрос: оценки 1–5 числами, иное отклонено", function()
  local T = load_tenant("voek")
  local answers = { information = "5", terms = 4, staff = "3", cabinet = "2", overall = "1", comment = "Спасибо" }
  local r = tenant.case_validate(T, "survey", answers, CONSUMER)
  eq(r.errors, nil)
  eq(r.values.information, 5)
  eq(math.type(r.values.information), "integer")
  eq(r.values.terms, 4)
  eq(r.summary, "Спасибо")
  answers.overall = "6"
  r = tenant.case_validate(T, "survey", answers, CONSUMER)
  eq(r.errors.overall, "Выберите значение из списка")
  answers.overall = nil
  r = tenant.case_validate(T, "survey", answers, CONSUMER)
  eq(r.errors.overall, "Поле обязательно для заполнения")
end)

case("ПП 55: данные лица или организации по выбору, дата нарушения не в будущем", function()
  local T = load_tenant("oes360")
  local base = { applicant_type = "person", contract = "123-456", device_address = "г. Москва, ул. Ленина, д. 1",
    violation = "reliability", violation_date = "01.11.2026", violation_time = "14:30",
    text = "Перерыв электроснабжения 6 часов", demands = "Перерасчёт", phone = "+7 900 111-22-33" }
  local ctx = { applicant_kind = "consumer", role = "consumer", profile = { full_name = "Иванов Иван Иванович",
    email = "ivanov@example.ru" } }
  local r = tenant.case_validate(T, "pp55", base, ctx)
  eq(r.errors.birth_date, "Поле обязательно для заполнения")
  eq(r.errors.passport, "Поле обязательно для заполнения")
  eq(r.errors.residence, "Поле обязательно для заполнения")
  eq(r.errors.full_name, nil, "ФИО взято из профиля")
  eq(r.errors.org_name, nil, "скрытое поле организации не требуется")
  local person = testing.with(base, { birth_date = "1980-02-03", birth_place = "г. Воронеж",
    passport = "2011№ 405454", residence = "г. Москва, ул. Ленина, д. 1, кв. 2" })
  r = tenant.case_validate(T, "pp55", person, ctx)
  eq(r.errors, nil)
  eq(r.values.passport, "2011 405454")
  eq(r.values.full_name, "Иванов Иван Иванович")
  eq(r.values.answer_way, "cabinet")
  eq(r.values.violation_date, "2026-11-01")
  r = tenant.case_validate(T, "pp55", testing.with(base, { applicant_type = "organisation" }), ctx)
  eq(r.errors.org_name, "Поле обязательно для заполнения")
  eq(r.errors.passport, nil)
  r = tenant.case_validate(T, "pp55", testing.with(person, { violation_date = "01.01.2099", violation_time = "25:99" }), ctx)
  eq(r.errors.violation_date, "Дата нарушения не может быть позже сегодняшней")
  eq(r.errors.violation_time, "Укажите время в виде ЧЧ:ММ")
end)

---------------------------------------------------------------------------
-- A sixth kind declared by a tenant table alone; hooks and their effects
---------------------------------------------------------------------------

-- ВГЭС with one more kind of its own: a meter check with its own workflow
-- (accepted → visit planned → checked), a timer that closes an unconfirmed
-- visit after 5 working days, a deadline of 10 working days from acceptance,
-- guards and hooks.
local function with_meter_check()
  local T = load_tenant("vges")
  T.case_groups[#T.case_groups + 1] = { id = "meters", label = "Приборы учёта", file_label = "Заявка на проверку" }
  T.case_registers.checks = { start = 1, prefix = "ПУ-" }
  T.case_kinds[#T.case_kinds + 1] = C.kind {
    id = "meter_check", label = "Проверка прибора учёта", group = "meters", register = "checks",
    report_as = "service_request", applicants = { "individual" },
    fields = {
      F.text { name = "meter", label = "Заводской номер прибора учёта", max_length = 30, pattern = "^%d+$",
        pattern_message = "Только цифры" },
      F.date { name = "visit_date", label = "Желаемая дата визита", required = false },
    },
    summary_field = "meter",
    documents = { C.document { id = "photo", label = "Фото прибора учёта", required = true, types = { "jpeg", "png" },
      max_bytes = 5 * 1024 * 1024, max_count = 3 } },
    workflow = {
      initial = "accepted",
      states = {
        { id = "accepted", label = "Принята" },
        { id = "planned", label = "Визит назначен", tone = "wait", uploads = false },
        { id = "checked", label = "Проверка выполнена", final = true,
          on_enter = function(c)
            return { notices = { { kind = "case_changed", to = "applicant", values = { number = c.number, state = "Проверка выполнена" } } },
              offer = { kind = "meter_survey" } }
          end },
        { id = "expired", label = "Закрыта без визита", final = true, tone = "rejected" },
      },
      actions = {
        { id = "plan", label = "Назначить визит", from = { "accepted" }, to = "planned", by = { "operator" },
          fields = { F.date { name = "date", label = "Дата визита" } },
          guard = function(c)
            if c.fields.visit_date == "1999-01-01" then return { error = "Дата визита уже прошла" } end
            return {}
          end,
          hook = function(c) return { set = { visit = c.action_fields.date, bad = { 1 } } } end },
        { id = "done", label = "Проверка выполнена", from = { "planned" }, to = "checked", by = { "operator" },
          documents = { "photo" } },
        { id = "expire", label = "Закрыть без визита", from = { "planned" }, to = "expired", by = { "timer" },
          after = { days = 5, unit = "working" } },
        { id = "broken", label = "Сломанное правило", to = "expired", by = { "operator" },
          guard = function() error("ошибка в правиле") end },
      },
      deadlines = {
        { id = "check", label = "Срок проверки", days = 10, unit = "working", from = "entered:accepted" },
      },
    },
  }
  T.case_kinds[#T.case_kinds + 1] = C.survey {
    id = "meter_survey", label = "Оценка визита", group = "meters",
    fields = { C.rating { name = "visit", label = "Оцените визит" } },
  }
  return T
end

case("шестой вид из одной таблицы арендатора: свой процесс и срок в рабочих днях", function()
  local T = with_meter_check()
  passes(T)
  local kinds = by_id(tenant.case_kinds(T))
  local k = kinds.meter_check
  assert(k, "нет вида meter_check")
  eq(k.register, "checks")
  eq(k.register_start, 1)
  eq(k.number_prefix, "ПУ-", "префикс регистра")
  eq(k.initial, "accepted")
  eq(k.applicants[1], "individual")
  eq(#k.applicants, 1)
  eq(k.summary_field, "meter")
  eq(k.documents[1].required, true)
  eq(k.documents[1].types[2], "png")
  eq(k.documents[1].max_bytes, 5 * 1024 * 1024)
  local states = by_id(k.states)
  eq(states.accepted.tone, "new")
  eq(states.planned.tone, "wait")
  eq(states.planned.uploads, false)
  eq(states.checked.tone, "done")
  eq(states.expired.tone, "rejected")
  local actions = by_id(k.actions)
  eq(actions.plan.guard, true)
  eq(actions.plan.hook, true)
  eq(actions.plan.fields[1].type, "date")
  eq(actions.done.documents[1], "photo")
  eq(actions.done.attach[1], "photo")
  eq(actions.expire.by[1], "timer")
  eq(actions.expire.after.days, 5)
  eq(actions.expire.after.unit, "working")
  eq(actions.plan.after, nil)
  eq(#actions.broken.from, 0, "[] = любое незавершённое состояние")
  local d = k.deadlines[1]
  eq(d.days, 10)
  eq(d.unit, "working")
  eq(d.from, "entered:accepted")
  eq(#d.running, 2, "по умолчанию — незавершённые состояния")
  eq(d.running[1], "accepted")
  eq(d.running[2], "planned")
  eq(k.hooks.enter[1], "checked")
  eq(#k.hooks.enter, 1)
  eq(kinds.meter_survey.offered_only, true)
  -- Only individuals may file it.
  local r = tenant.case_validate(T, "meter_check", { meter = "12345" }, { applicant_kind = "legal_entity", role = "consumer" })
  eq(r.errors.kind, "Этот вид обращения вам недоступен")
  r = tenant.case_validate(T, "meter_check", { meter = "12A" }, CONSUMER)
  eq(r.errors.meter, "Только цифры")
  r = tenant.case_validate(T, "meter_check", { meter = "0012345" }, CONSUMER)
  eq(r.summary, "0012345")
  -- The registers: the shared one of appeals and the kind's own.
  local regs = by_id(tenant.case_registers(T))
  eq(regs.checks.prefix, "ПУ-")
  eq(regs.appeals.start, 7875)
end)

case("правила вида: запрет, изменения полей, уведомления, приглашение", function()
  local T = with_meter_check()
  local c = { id = "c1", number = 12, kind = "meter_check", state = "accepted", fields = { meter = "1", visit_date = "1999-01-01" },
    applicant = { kind = "individual", profile = {} }, action_fields = { date = "2026-12-10" }, now = 0 }
  eq(tenant.case_hook(T, "meter_check", "guard:plan", c).error, "Дата визита уже прошла")
  c.fields.visit_date = "2026-12-09"
  eq(next(tenant.case_hook(T, "meter_check", "guard:plan", c)), nil, "разрешено: пустые последствия")
  local e = tenant.case_hook(T, "meter_check", "action:plan", c)
  eq(e.set.visit, "2026-12-10")
  eq(e.set.bad, nil, "не скаляр отброшен")
  e = tenant.case_hook(T, "meter_check", "enter:checked", c)
  eq(e.notices[1].kind, "case_changed")
  eq(e.notices[1].to, "applicant")
  eq(e.notices[1].values.number, 12)
  eq(e.offer.kind, "meter_survey")
  -- No such hook: nothing happens; a raising hook refuses.
  eq(next(tenant.case_hook(T, "meter_check", "action:done", c)), nil)
  eq(next(tenant.case_hook(T, "meter_check", "enter:accepted", c)), nil)
  eq(next(tenant.case_hook(T, "meter_check", "nonsense", c)), nil)
  eq(tenant.case_hook(T, "meter_check", "guard:broken", c).error,
    "Не удалось выполнить правила обращения. Попробуйте позже или обратитесь в службу поддержки")
  eq(tenant.case_hook(T, "nothing", "guard:plan", c).error, "Неизвестный вид обращения")
end)

case("C.offer_survey и последствия не по договору", function()
  local T = load_tenant("voek")
  T.case_kinds[1] = C.feedback { id = "feedback", group = "feedback",
    hooks = { after = { answer = C.offer_survey("survey") },
      enter = { closed = function()
        return { notices = { { kind = "no_such_kind", to = "applicant" }, { kind = "case_offer", to = "everyone" },
          { kind = "case_overdue", to = "operators", values = { due = "03.12.2026", junk = {} } } },
          offer = { kind = "nothing" }, colour = "red" }
      end } } }
  passes(T)
  local k = by_id(tenant.case_kinds(T)).feedback
  eq(by_id(k.actions).answer.hook, true)
  eq(k.hooks.enter[1], "closed")
  local e = tenant.case_hook(T, "feedback", "action:answer", { fields = {} })
  eq(e.offer.kind, "survey")
  e = tenant.case_hook(T, "feedback", "enter:closed", { fields = {} })
  eq(#e.notices, 1, "неизвестный вид и адресат отброшены")
  eq(e.notices[1].kind, "case_overdue")
  eq(e.notices[1].values.due, "03.12.2026")
  eq(e.notices[1].values.junk, nil)
  eq(e.offer, nil, "неизвестный вид приглашения отброшен")
  eq(e.colour, nil)
end)

case("арендатор заменяет части: состояния, действия, сроки, вложения", function()
  local T = load_tenant("vges")
  T.case_kinds[1] = C.appeal { id = "info", group = "appeals", register = "appeals", label = "Справка",
    answer_days = 15, answer_unit = "working", attachment = 3,
    states = { in_work = { label = "На рассмотрении" } },
    actions = { take = false, answer = { confirm = "" }, reopen = { label = "Вернуть в работу", from = { "answered" },
      to = "in_work", by = { "consumer" }, comment = "required" } },
    extra_fields = { F.text { name = "account", label = "Лицевой счёт", required = false } } }
  passes(T)
  local k = tenant.case_kinds(T)[1]
  eq(k.deadlines[1].days, 15)
  eq(k.deadlines[1].unit, "working")
  eq(by_id(k.documents).attachment.max_count, 3)
  eq(by_id(k.states).in_work.label, "На рассмотрении")
  local actions = by_id(k.actions)
  eq(actions.take, nil)
  eq(actions.answer.confirm, "")
  eq(actions.reopen.by[1], "consumer")
  eq(k.form[#k.form].name, "account")
  -- Without an attachment, no attachment document.
  T = load_tenant("vges")
  T.case_kinds[1] = C.appeal { id = "info", label = "Справка", group = "appeals", attachment = false }
  passes(T)
  k = tenant.case_kinds(T)[1]
  eq(by_id(k.documents).attachment, nil)
  eq(k.register, "info", "свой регистр по умолчанию")
  eq(k.register_start, 1)
end)

---------------------------------------------------------------------------
-- Schema errors with their paths
---------------------------------------------------------------------------

case("ошибки декларации обращений с путями", function()
  local T = load_tenant("vges")
  T.case_groups[2].list = "nowhere"
  T.case_groups[3] = { id = "appeals", label = "Ещё раз" }
  T.case_registers.bad = { start = 0, colour = "red" }
  local k = T.case_kinds[1]
  k.group = "missing"
  k.register = "unknown"
  k.applicants = { "individual", "martian" }
  k.summary_field = "nothing"
  k.report_as = "gossip"
  k.colour = "red"
  k.fields[#k.fields + 1] = F.password {}
  k.documents[1].types = { "pdf", "exe" }
  k.documents[1].max_bytes = 100 * 1024 * 1024
  local w = k.workflow
  w.initial = "limbo"
  w.states[4] = { id = "registered", label = "Дубль", tone = "pink" }
  w.actions[1].to = "heaven"
  w.actions[1].from = { "purgatory" }
  w.actions[2].attach = { "scan" }
  w.actions[3] = { id = "tick", label = "Таймер", to = "answered", by = { "timer" } }
  w.actions[4] = { id = "tock", label = "Не таймер", from = { "in_work" }, to = "answered", by = { "operator", "alien" },
    after = { days = 0 } }
  w.deadlines[1].from = "yesterday"
  w.deadlines[1].running = { "nowhere" }
  w.deadlines[2] = { id = "d2", label = "Срок", days = 5, unit = "lunar", from = "entered:limbo" }
  T.case_kinds[2].id = "info"
  T.case_kinds[3].workflow.states = { { id = "open", label = "Открыто" } }
  T.case_kinds[3].workflow.initial = "open"
  T.case_kinds[3].workflow.actions = {}
  T.case_kinds[3].workflow.deadlines = {}
  T.case_kinds[4].workflow = nil
  T.case_kinds[5] = "жалоба"
  reports(T, "case_groups[2].list: группа 'nowhere' не объявлена в case_groups")
  reports(T, "case_groups[3].id: повторяющаяся группа 'appeals'")
  reports(T, "case_registers.bad.start: ожидается целое число от 1 до 999999999")
  reports(T, "case_registers.bad.colour: неизвестный ключ")
  reports(T, "case_kinds[1].group: группа 'missing' не объявлена в case_groups")
  reports(T, "case_kinds[1].register: регистр 'unknown' не объявлен в case_registers")
  reports(T, "case_kinds[1].applicants[2]: вид заявителя 'martian' не объявлен в applicant_kinds")
  reports(T, "case_kinds[1].summary_field: поле 'nothing' не найдено в форме")
  reports(T, "case_kinds[1].report_as: неизвестный вид для отчётов 'gossip'")
  reports(T, "case_kinds[1].colour: неизвестный ключ")
  reports(T, "case_kinds[1].fields[4].type: пароль не может быть полем обращения")
  reports(T, "case_kinds[1].documents[1].types[2]: неизвестное значение типа файла 'exe'")
  reports(T, "case_kinds[1].documents[1].max_bytes: ожидается целое число от 1 до 26214400")
  reports(T, "case_kinds[1].workflow.initial: состояние 'limbo' не объявлено в states")
  reports(T, "case_kinds[1].workflow.states[4].id: повторяющееся состояние 'registered'")
  reports(T, "case_kinds[1].workflow.states[4].tone: ожидается new, work, wait, done или rejected")
  reports(T, "case_kinds[1].workflow.actions[1].to: состояние 'heaven' не объявлено в states")
  reports(T, "case_kinds[1].workflow.actions[1].from[1]: состояние 'purgatory' не объявлено в states")
  reports(T, "case_kinds[1].workflow.actions[2].attach[1]: вид документа 'scan' не объявлен в documents")
  reports(T, "case_kinds[1].workflow.actions[3].after: действие по таймеру требует after")
  reports(T, "case_kinds[1].workflow.actions[3].from: действие по таймеру требует состояние")
  reports(T, "case_kinds[1].workflow.actions[4].by[2]: неизвестное значение исполнителя 'alien'")
  reports(T, "case_kinds[1].workflow.actions[4].after.days: ожидается целое число от 1 до 3650")
  reports(T, "case_kinds[1].workflow.actions[4].after: after применимо только к действию с by = {\"timer\"}")
  reports(T, "case_kinds[1].workflow.deadlines[1].from: ожидается filed или entered:<состояние>")
  reports(T, "case_kinds[1].workflow.deadlines[1].running[1]: состояние 'nowhere' не объявлено в states")
  reports(T, "case_kinds[1].workflow.deadlines[2].unit: ожидается working или calendar, а не 'lunar'")
  reports(T, "case_kinds[1].workflow.deadlines[2].from: состояние 'limbo' не объявлено в states")
  reports(T, "case_kinds[2].id: повторяющийся вид обращения 'info'")
  reports(T, "case_kinds[3].workflow.states: нужно хотя бы одно конечное состояние")
  reports(T, "case_kinds[4].workflow: обязательный ключ отсутствует")
  reports(T, "case_kinds[5]: ожидается таблица вида обращения")
  -- A field rule of the registration language applies to case forms too.
  local T2 = load_tenant("voek")
  T2.case_kinds[1].fields[1].visible_if = { field = "ghost", equals = true }
  T2.case_kinds[1].fields[2].dictionary = "colours"
  T2.case_kinds[2].workflow.actions = { { id = "x", label = "X", to = "closed", by = { "operator" },
    fields = { F.select { name = "choice", label = "Выбор" } } } }
  reports(T2, "case_kinds[1].fields[1].visible_if.field: поле 'ghost' не найдено в форме")
  reports(T2, "case_kinds[1].fields[2].dictionary: справочник 'colours' не объявлен в dictionaries")
  reports(T2, "case_kinds[2].workflow.actions[1].fields[1]: поле типа 'select' требует ровно одно из: options, dictionary")
  -- Kinds without any group declared.
  local T3 = load_tenant("voek")
  T3.case_groups = nil
  reports(T3, "case_kinds[1].group: группа 'feedback' не объявлена в case_groups")
end)

---------------------------------------------------------------------------
-- Notifications of cases
---------------------------------------------------------------------------

case("уведомления об обращениях: категория и пять видов", function()
  local d = tenant.notifications(load_tenant("vges"))
  local cats, kinds = by_id(d.categories), by_id(d.kinds)
  eq(cats.cases.label, "Обращения и заявки")
  eq(cats.cases.default, true)
  eq(cats.cases.staff, nil, "не только для сотрудников")
  local want = {
    case_filed = { "{number}", "{kind}", "{applicant}" },
    case_changed = { "{number}", "{kind}", "{state}", "{action}" },
    case_message = { "{number}", "{kind}", "{author}" },
    case_overdue = { "{number}", "{kind}", "{due}" },
    case_offer = { "{number}", "{kind}", "{offer}" },
    case_assigned = { "{number}", "{kind}", "{by}" },
  }
  for id, values in pairs(want) do
    local k = kinds[id]
    assert(k, "нет вида " .. id)
    eq(k.category, "cases", id)
    eq(k.channels[1], "in_app", id)
    eq(k.channels[2], "email", id)
    assert(k.label:find("%S"), id .. ": подпись")
    local text = k.title .. " " .. k.body
    for _, v in ipairs(values) do assert(text:find(v, 1, true), id .. " без " .. v) end
    assert(not text:find("[%a]", 1) or text:find("[А-Яа-яЁё]"), id .. ": по-русски")
  end
  eq(kinds.case_overdue.severity, "warning")
  eq(kinds.case_filed.title, "Новое обращение № {number}")
end)

case("уведомления об обращениях: имена людей не склоняются", function()
  -- A name is put in as stored (nominative): never after a preposition that needs another case («от», «для», «у»).
  local kinds = by_id(tenant.notifications(load_tenant("vges")).kinds)
  for _, id in ipairs({ "case_filed", "case_changed", "case_message", "case_overdue", "case_offer", "case_assigned" }) do
    local text = kinds[id].title .. " " .. kinds[id].body
    for _, name in ipairs({ "applicant", "author", "by" }) do
      for _, prep in ipairs({ "от", "для", "у", "к", "с" }) do
        assert(not text:find(prep .. " {" .. name .. "}", 1, true), id .. ": «" .. prep .. " {" .. name .. "}»")
      end
    end
  end
  eq(kinds.case_message.body, "По обращению № {number} «{kind}» получено новое сообщение.[ Автор: {author}.]")
  eq(kinds.case_filed.body, "Поступило обращение № {number} «{kind}».[ Заявитель: {applicant}.]")
end)

testing.finish()
