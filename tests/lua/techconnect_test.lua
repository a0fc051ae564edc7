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

local TC = require("kabinet.cases.techconnect")

local function by_name(list)
  local out = {}
  for _, x in ipairs(list) do out[x.name] = x end
  return out
end

local function by_id(list)
  local out = {}
  for _, x in ipairs(list) do out[x.id] = x end
  return out
end

local passes = require("testing").passes

local reports = require("testing").reports

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

---------------------------------------------------------------------------
-- ВГЭС and ВОЭК
---------------------------------------------------------------------------

-- What every tech-connection kind of the typical workflow has.
local function typical(k, what)
  local states = by_id(k.states)
  for _, id in ipairs { "registered", "checking", "missing", "offer", "measures", "inspection", "connecting",
    "completed", "annulled", "annulled_unpaid", "withdrawn" } do
    assert(states[id], what .. ": нет состояния " .. id)
  end
  eq(k.initial, "registered", what)
  eq(states.missing.uploads, true, what .. ": недостающие документы загружаются")
  eq(states.checking.uploads, false, what .. ": после «Завершить загрузку» загрузка закрыта")
  eq(states.registered.uploads, false, what)
  eq(states.missing.label, "Ожидание недостающих документов", what)
  eq(states.connecting.label, "Фактические действия по присоединению", what)
  eq(states.annulled.label, "Аннулирована", what)
  eq(states.completed.final, true, what)
  local a = by_id(k.actions)
  eq(a.request_missing.keep, true, what .. ": список недостающего сохраняется")
  eq(a.request_missing.fields[1].name, "missing", what)
  eq(a.request_missing.by[1], "operator", what)
  eq(a.finish_upload.label, "Завершить загрузку", what)
  eq(a.finish_upload.by[1], "consumer", what)
  eq(a.finish_upload.to, "checking", what .. ": возврат на проверку")
  eq(a.expire_missing.by[1], "timer", what)
  eq(a.expire_missing.after.days, 20, what)
  eq(a.expire_missing.after.unit, "working", what)
  eq(a.expire_missing.to, "annulled", what)
  eq(a.place_offer.keep, true, what)
  eq(by_name(a.place_offer.fields).tu_number.label, "Номер ТУ", what)
  eq(by_name(a.place_offer.fields).tu_date.type, "date", what)
  eq(table.concat(a.place_offer.documents, ","), "contract_terms,tech_conditions,invoice", what)
  eq(a.expire_unpaid.after.days, 5, what)
  eq(a.expire_unpaid.after.unit, "working", what)
  eq(a.expire_unpaid.to, "annulled_unpaid", what)
  eq(a.ready.label, "Сообщить о готовности", what)
  eq(a.ready.by[1], "consumer", what)
  eq(a.ready.confirm, TC.TEXT.ready_confirm, what)
  assert(a.ready.confirm:find("технических условий", 1, true), what .. ": подтверждение Рис. 16")
  eq(a.complete.documents[1], "act", what)
  eq(a.complete.hook, true, what)
  eq(a.withdraw.by[1], "consumer", what)
  eq(a.withdraw.to, "withdrawn", what)
  local hooks = {}
  for _, s in ipairs(k.hooks.enter) do hooks[s] = true end
  assert(hooks.annulled and hooks.annulled_unpaid, what .. ": аннулирование уведомляет операторов")
  local d = by_id(k.deadlines)
  eq(d.payment.days, 5, what)
  eq(d.payment.unit, "working", what)
  eq(d.payment.from, "entered:offer", what)
  eq(d.missing.days, 20, what)
  eq(d.offer.days, 10, what)
  -- PP 24 п.19л: six stages in order.
  local stages = {}
  for i, st in ipairs(k.stages) do stages[i] = st.id end
  eq(table.concat(stages, ","), "received,offer_sent,contract,conditions,connection,documents", what)
  eq(k.stages[1].label, "Заявка получена и зарегистрирована", what)
  eq(k.stages[6].states[1], "completed", what)
  -- Seed 003 Рис. 13.1: the columns.
  eq(table.concat(k.list_fields, ","), "object_name,address,power_total,tu_number,tu_date,account_number", what)
  -- Documents: required flags, 10 MB, the utility's by the operator.
  local docs = by_id(k.documents)
  for _, id in ipairs { "title_document", "site_plan" } do eq(docs[id].required, true, what .. ": " .. id) end
  eq(docs.power_of_attorney.required, false, what)
  eq(docs.other.required, false, what)
  for _, d2 in ipairs(k.documents) do eq(d2.max_bytes, 10 * 1024 * 1024, what .. ": 10 МБ " .. d2.id) end
  for _, id in ipairs { "contract_terms", "tech_conditions", "invoice", "act", "missing_notice" } do
    eq(docs[id].by, "operator", what .. ": " .. id)
  end
  eq(docs.site_plan.label, "План расположения энергопринимающих устройств с указанием расстояния до сетей", what)
end

case("ВГЭС: заявки на ТП физического и юридического лица, группа и регистры", function()
  local T = load_tenant("vges")
  passes(T)
  local g = by_id(tenant.case_groups(T)).techconnect
  eq(g.file_label, "Заявка на технологическое присоединение")
  eq(g.list_label, "Информация по заявкам на технологическое присоединение")
  local regs = by_id(tenant.case_registers(T))
  eq(regs.techconnect.start, 466, "после образца 465 (Рис. 13.1)")
  eq(regs.tc_accounts.start, 100001)
  local kinds = by_id(tenant.case_kinds(T))
  local p, b = kinds.tc_person, kinds.tc_business
  typical(p, "ВГЭС ФЛ")
  typical(b, "ВГЭС ЮЛ")
  eq(p.group, "techconnect")
  eq(p.register, "techconnect")
  eq(p.register_start, 466)
  eq(table.concat(p.applicants, ","), "individual")
  eq(table.concat(b.applicants, ","), "legal_entity,sole_proprietor")
  eq(p.print, nil, "ВГЭС не печатает заявку")
  eq(by_id(p.documents).signed_application, nil)
  eq(by_id(p.documents).id_copy.required, true, "копия паспорта физического лица")
  eq(by_id(p.documents).founding_documents, nil)
  eq(by_id(b.documents).founding_documents.required, true)
  eq(by_id(b.documents).id_copy, nil)
  local pf, bf = by_name(p.form), by_name(b.form)
  -- Applicant data from the profile; required here.
  eq(pf.passport.prefill, "passport")
  eq(pf.passport.required, true)
  eq(pf.full_name.prefill, "full_name")
  eq(pf.phone.prefill, "phone")
  eq(bf.egr_record.prefill, "egr_record")
  eq(bf.egr_record.required, true)
  eq(bf.egr_record_date.prefill, "egr_record_date")
  eq(bf.org_full_name.prefill, "org_full_name")
  eq(bf.passport, nil)
  eq(pf.egr_record, nil)
  -- The application: the seed's choices from the tenant's dictionaries.
  eq(pf.application_type.dictionary, "tc_application_types")
  eq(pf.supplier.dictionary, "retail_suppliers")
  eq(pf.object_type.dictionary, "tc_object_types")
  eq(pf.voltage.dictionary, "tc_voltage_classes")
  eq(pf.reliability.dictionary, "tc_reliability_categories")
  eq(pf.contract_kind.dictionary, "tc_contract_kinds")
  local services = {}
  for i, o in ipairs(pf.service_kind.options) do services[i] = o.value end
  eq(table.concat(services, ","), "individual_15,temporary_150,point_change_15")
  assert(pf.power_requested.hint:find("150 кВт", 1, true) and pf.power_requested.hint:find("15 кВт", 1, true))
  for _, name in ipairs { "object_name", "address", "cadastral_number", "power_requested", "power_previous",
    "power_total", "temporary_term", "by_representative" } do
    assert(pf[name], "нет поля " .. name)
  end
  eq(pf.temporary_term.visible_if.equals, "temporary_150")
  eq(pf.instalment, nil, "рассрочка — для ЮЛ и ИП")
  eq(bf.instalment.type, "boolean")
  eq(bf.procurement_law.type, "boolean")
  eq(pf.procurement_law, nil)
  -- 44-ФЗ / 275-ФЗ: 15 working days, on the business form only.
  local bo = by_id(b.actions).expire_unpaid.after.overrides
  eq(#bo, 1)
  eq(bo[1].field, "procurement_law")
  eq(bo[1].equals, true)
  eq(bo[1].days, 15)
  eq(by_id(b.deadlines).payment.overrides[1].days, 15)
  eq(#by_id(p.actions).expire_unpaid.after.overrides, 0)
  -- Completion: a personal account and a point at the object's address, no survey.
  local e = tenant.case_hook(T, "tc_person", "action:complete",
    { fields = { object_name = "Жилой дом", address = "Воронеж, ул. Звёздная, 40", power_total = "12,5" } })
  eq(e.connect.name, "Жилой дом")
  eq(e.connect.address, "Воронеж, ул. Звёздная, 40")
  eq(e.connect.power_kw, 12.5)
  eq(e.connect.register, "tc_accounts")
  eq(e.offer, nil)
  -- The rules annul: the operators are told why.
  e = tenant.case_hook(T, "tc_business", "enter:annulled_unpaid", { fields = {} })
  eq(#e.notices, 1)
  eq(e.notices[1].kind, "case_annulled")
  eq(e.notices[1].to, "operators")
  eq(e.notices[1].values.reason, "счёт не оплачен в срок")
  e = tenant.case_hook(T, "tc_person", "enter:annulled", { fields = {} })
  eq(e.notices[1].values.reason, "недостающие сведения не представлены в срок")
end)

case("ВОЭК: «Новая заявка» с печатью и подписанным сканом, опрос после присоединения", function()
  local T = load_tenant("voek")
  passes(T)
  local groups = tenant.case_groups(T)
  eq(groups[1].id, "techconnect", "«Заявки» первыми, как в меню seed 002")
  eq(groups[1].label, "Заявки")
  eq(groups[1].file_label, "Новая заявка")
  local kinds = by_id(tenant.case_kinds(T))
  local p, b = kinds.tc_person, kinds.tc_business
  typical(p, "ВОЭК ФЛ")
  typical(b, "ВОЭК ЮЛ")
  for _, k in ipairs { p, b } do
    assert(k.print and k.print.title:find("ВОЭК", 1, true), k.id .. ": печатная форма")
    assert(k.print.intro:find("861", 1, true))
    eq(#k.print.sign_lines, 2)
    local signed = by_id(k.documents).signed_application
    eq(signed.required, true, k.id .. ": скан подписанной заявки")
    eq(signed.by, "consumer")
  end
  local services = {}
  for i, o in ipairs(by_name(p.form).service_kind.options) do services[i] = o.value end
  eq(table.concat(services, ","), "individual_15,person_150,temporary_150,point_change_15",
    "п. 12(1): физические лица до 150 кВт")
  eq(by_name(p.form).supplier.type, "text", "энергосбыт вводится")
  eq(by_name(p.form).object_type.options[1].label, "Индивидуальный жилой дом")
  eq(by_id(tenant.case_registers(T)).tc_accounts.start, 500001)
  local e = tenant.case_hook(T, "tc_business", "action:complete",
    { fields = { object_name = "", object_type = "garage", address = "Воронеж, ул. Кольцовская, 1", power_total = "100" } })
  eq(e.connect.name, "Гараж", "без наименования — тип объекта")
  eq(e.connect.power_kw, 100)
  eq(e.offer.kind, "survey", "приглашение к опросу (seed 002)")
end)

---------------------------------------------------------------------------
-- The form: power limits, prefill, the applicant's register record
---------------------------------------------------------------------------

local PERSON = { applicant_kind = "individual", role = "consumer",
  profile = { full_name = "Башкатов Андрей Владимирович", passport = "2011 405454", snils = "112-233-445 95",
    address = "394056, Воронеж, Звёздная ул., д. 40", phone = "+79601153767", email = "maslograd@rambler.ru" } }

local function person_fields(extra)
  local f = { application_type = "new", service_kind = "individual_15", contract_kind = "supply",
    supplier = "tns_voronezh", object_type = "house", object_name = "Жилой дом",
    address = "Воронеж, ул. Звёздная, д. 40", power_requested = "10", power_previous = "5", power_total = "15", voltage = "0.4",
    reliability = "3" }
  for k, v in pairs(extra or {}) do f[k] = v end
  return f
end

local LEGAL = { applicant_kind = "legal_entity", role = "consumer",
  profile = { org_full_name = "ООО «Рога и копыта»", inn = "7707083893", egr_record = "1027700132195",
    egr_record_date = "2002-08-16", phone = "+79081111111", address = "394000, Воронеж, 1 Мая ул., д. 1" } }

local function legal_fields(extra)
  local f = person_fields { service_kind = "business_150", object_type = "non_residential", power_requested = "100",
    power_previous = "0", power_total = "100" }
  for k, v in pairs(extra or {}) do f[k] = v end
  return f
end

local function errors_of(r) return r.errors or {} end

case("мощность: предел вида услуги с учётом ранее присоединённой, сумма, рассрочка, категория", function()
  local T = load_tenant("vges")
  local ok = tenant.case_validate(T, "tc_person", person_fields(), PERSON)
  assert(ok.values, "10 + 5 = 15 кВт: " .. table.concat((function()
    local out = {}
    for k, v in pairs(ok.errors or {}) do out[#out + 1] = k .. ": " .. v end
    return out
  end)(), "; "))
  eq(ok.values.power_total, "15")
  eq(ok.values.power_requested, "10")
  eq(ok.summary, "Жилой дом")
  -- 10 + 5,5 is over 15 kW for an individual.
  local r = errors_of(tenant.case_validate(T, "tc_person", person_fields { power_previous = "5,5", power_total = "15,5" }, PERSON))
  eq(r.power_requested, "Для вида услуги «" .. TC.SERVICE_KINDS.individual_15.label
    .. "» общая максимальная мощность (с учётом ранее присоединённой) не более 15 кВт, а указано 15,5 кВт")
  -- Decimal comma, spaces.
  local v = tenant.case_validate(T, "tc_person", person_fields { power_requested = " 7,5 ", power_previous = "",
    power_total = "7.5" }, PERSON).values
  eq(v.power_total, "7.5")
  eq(v.power_previous, "0")
  -- The total is required, as Рис. 12 marks it.
  assert(errors_of(tenant.case_validate(T, "tc_person", person_fields { power_total = "" }, PERSON)).power_total)
  r = errors_of(tenant.case_validate(T, "tc_person", person_fields { power_requested = "пятнадцать" }, PERSON))
  eq(r.power_requested, TC.TEXT.power_number)
  r = errors_of(tenant.case_validate(T, "tc_person", person_fields { power_requested = "0" }, PERSON))
  eq(r.power_requested, TC.TEXT.power_zero)
  -- A total typed by the applicant must be the sum.
  r = errors_of(tenant.case_validate(T, "tc_person", person_fields { power_total = "16" }, PERSON))
  eq(r.power_total, "Общая максимальная мощность равна сумме запрашиваемой и ранее присоединённой: 15 кВт")
  eq(tenant.case_validate(T, "tc_person", person_fields { power_total = "15,0" }, PERSON).errors, nil)
  -- One source: category III only for individuals ≤ 15 kW.
  r = errors_of(tenant.case_validate(T, "tc_person", person_fields { reliability = "2" }, PERSON))
  eq(r.reliability, TC.TEXT.one_source)
  -- Capacity increase needs the power connected before.
  r = errors_of(tenant.case_validate(T, "tc_person", person_fields { application_type = "power_increase",
    power_previous = "0" }, PERSON))
  eq(r.power_previous, TC.TEXT.increase_previous)
  -- Temporary: the term of the temporary scheme is required.
  r = errors_of(tenant.case_validate(T, "tc_person", person_fields { service_kind = "temporary_150" }, PERSON))
  assert(r.temporary_term, "срок временной схемы обязателен")
  -- A service kind of the other form is refused.
  r = errors_of(tenant.case_validate(T, "tc_person", person_fields { service_kind = "business_150" }, PERSON))
  assert(r.service_kind, "вид услуги ЮЛ недоступен физическому лицу")
  -- Legal entity: 150 kW, instalments above 15 kW only.
  eq(tenant.case_validate(T, "tc_business", legal_fields { power_previous = "50", power_total = "150" }, LEGAL).values.power_total, "150")
  r = errors_of(tenant.case_validate(T, "tc_business", legal_fields { power_previous = "50,5", power_total = "150,5" }, LEGAL))
  assert(r.power_requested and r.power_requested:find("не более 150 кВт", 1, true), "151 кВт — сверх предела")
  eq(tenant.case_validate(T, "tc_business", legal_fields { instalment = true }, LEGAL).values.instalment, true)
  r = errors_of(tenant.case_validate(T, "tc_business", legal_fields { instalment = true, power_requested = "15",
    power_total = "15" }, LEGAL))
  eq(r.instalment, TC.TEXT.instalment)
  -- The 44-ФЗ flag is kept as a boolean (the timers' overrides compare it with true).
  eq(tenant.case_validate(T, "tc_business", legal_fields { procurement_law = "true" }, LEGAL).values.procurement_law, true)
  eq(tenant.case_validate(T, "tc_business", legal_fields(), LEGAL).values.procurement_law, false)
  -- ВОЭК: an individual may apply for up to 150 kW (п. 12(1)).
  local V = load_tenant("voek")
  local voek_person = person_fields { service_kind = "person_150", power_requested = "100", power_total = "105",
    supplier = "ПАО «ТНС энерго Воронеж»" }
  eq(tenant.case_validate(V, "tc_person", voek_person, PERSON).values.power_total, "105")
  r = errors_of(tenant.case_validate(T, "tc_person", person_fields { service_kind = "person_150" }, PERSON))
  assert(r.service_kind, "у ВГЭС такого вида услуги нет")
end)

case("данные заявителя из профиля: паспорт, запись ЕГРЮЛ / ЕГРИП обязательны", function()
  local T = load_tenant("vges")
  local v = tenant.case_validate(T, "tc_person", person_fields(), PERSON).values
  eq(v.passport, "2011 405454", "паспорт из профиля")
  eq(v.full_name, "Башкатов Андрей Владимирович")
  eq(v.postal_address, "394056, Воронеж, Звёздная ул., д. 40")
  -- Sent values win over the profile.
  eq(tenant.case_validate(T, "tc_person", person_fields { passport = "2004 123456" }, PERSON).values.passport, "2004 123456")
  -- Optional in the profile, required here.
  local bare = { applicant_kind = "individual", role = "consumer", profile = { full_name = "Иванов Иван Иванович",
    snils = "112-233-445 95", phone = "+79601153767", address = "Воронеж" } }
  local r = errors_of(tenant.case_validate(T, "tc_person", person_fields(), bare))
  eq(r.passport, TC.TEXT.passport)
  -- Legal entity: the ЕГРЮЛ record (13 digits) and its date.
  v = tenant.case_validate(T, "tc_business", legal_fields(), LEGAL).values
  eq(v.egr_record, "1027700132195")
  eq(v.egr_record_date, "2002-08-16")
  eq(v.org_full_name, "ООО «Рога и копыта»")
  local no_record = { applicant_kind = "legal_entity", role = "consumer", profile = { org_full_name = "ООО «Ромашка»",
    inn = "7707083893", phone = "+79081111111", address = "Воронеж" } }
  r = errors_of(tenant.case_validate(T, "tc_business", legal_fields(), no_record))
  eq(r.egr_record, "Укажите номер записи в ЕГРЮЛ: без него заявку на технологическое присоединение не принять (его можно сохранить в профиле)")
  eq(r.egr_record_date, TC.TEXT.egr_record_date)
  -- A sole proprietor's record is in ЕГРИП: 15 digits.
  local ip = { applicant_kind = "sole_proprietor", role = "consumer", profile = LEGAL.profile }
  r = errors_of(tenant.case_validate(T, "tc_business", legal_fields(), ip))
  eq(r.egr_record, "Номер записи в ЕГРИП состоит из 15 цифр")
  r = errors_of(tenant.case_validate(T, "tc_business", legal_fields { egr_record = "304500116000157" }, LEGAL))
  eq(r.egr_record, "Номер записи в ЕГРЮЛ состоит из 13 цифр")
  -- The kind is offered to its applicants only.
  eq(tenant.case_validate(T, "tc_business", legal_fields(), PERSON).errors.kind, "Этот вид обращения вам недоступен")
end)

case("действия с сохраняемыми полями: недостающие сведения, номер и дата ТУ", function()
  local T = load_tenant("vges")
  local r = tenant.case_action_validate(T, "tc_person", "place_offer", { tu_number = "1180", tu_date = "21.05.2020" })
  eq(r.values.tu_number, "1180")
  eq(r.values.tu_date, "2020-05-21")
  r = tenant.case_action_validate(T, "tc_person", "place_offer", { tu_number = "1180" })
  assert(r.errors.tu_date, "дата ТУ обязательна")
  r = tenant.case_action_validate(T, "tc_person", "request_missing", { missing = "План расположения ЭПУ с расстоянием до сетей" })
  eq(r.values.missing, "План расположения ЭПУ с расстоянием до сетей")
  assert(tenant.case_action_validate(T, "tc_person", "request_missing", {}).errors.missing)
end)

---------------------------------------------------------------------------
-- The third variant: a test tenant's Lua alone
---------------------------------------------------------------------------

case("третий вариант: без проверки выполнения ТУ до 15 кВт (тестовый арендатор)", function()
  local T = load_tenant("grid7", "tests/fixtures/tenants-techconnect")
  passes(T)
  local kinds = by_id(tenant.case_kinds(T))
  local p = kinds.tc_person
  typical(p, "grid7 ФЛ")
  local a = by_id(p.actions)
  eq(a.ready_direct.label, "Сообщить о готовности")
  eq(a.ready_direct.to, "connecting", "минуя проверку")
  eq(a.ready_direct.guard, true)
  eq(a.ready.guard, true)
  eq(a.ready.to, "inspection")
  eq(a.ready_direct.confirm, TC.TEXT.ready_confirm)
  eq(p.register_start, 700)
  eq(p.number_prefix, "ТП-")
  local small, large = { fields = { power_total = "12,5" } }, { fields = { power_total = "100" } }
  eq(tenant.case_hook(T, "tc_person", "guard:ready_direct", small).error, nil)
  assert(tenant.case_hook(T, "tc_person", "guard:ready", small).error, "малое присоединение не проверяется")
  assert(tenant.case_hook(T, "tc_person", "guard:ready_direct", large).error, "крупное проверяется")
  eq(tenant.case_hook(T, "tc_person", "guard:ready", large).error, nil)
  eq(tenant.case_hook(T, "tc_business", "action:complete",
    { fields = { object_name = "Склад", address = "Адрес", power_total = "100" } }).connect.register, "accounts")
  -- The same kinds at ВГЭС have one readiness action and no guard: the difference is Lua only.
  local vges = by_id(by_id(tenant.case_kinds(load_tenant("vges"))).tc_person.actions)
  eq(vges.ready_direct, nil)
  eq(vges.ready.guard, false)
end)

case("уведомление об аннулировании заявки объявлено", function()
  local d = by_id(tenant.notifications(load_tenant("voek")).kinds)
  local k = d.case_annulled
  assert(k, "нет вида case_annulled")
  eq(k.category, "cases")
  eq(k.severity, "warning")
  eq(k.title, "Заявка № {number} аннулирована")
  assert(k.body:find("{reason}", 1, true) and k.body:find("{kind}", 1, true))
end)

case("ошибки заявки на ТП у арендатора — с путями", function()
  local T = load_tenant("vges")
  local n = #T.case_kinds
  local k = T.case_kinds[n]
  k.stages[1].states = { "nowhere" }
  k.list_fields[1] = "object"
  k.workflow.actions[1].to = "limbo"
  T.case_registers.techconnect = nil
  reports(T, string.format("case_kinds[%d].stages[1].states[1]: состояние 'nowhere' не объявлено", n))
  reports(T, string.format("case_kinds[%d].list_fields[1]: поле 'object' не объявлено", n))
  reports(T, string.format("case_kinds[%d].workflow.actions[1].to: состояние 'limbo' не объявлено в states", n))
  reports(T, string.format("case_kinds[%d].register: регистр 'techconnect' не объявлен в case_registers", n))
end)

case("сроки — из Lua арендатора, в рабочих днях", function()
  local T = load_tenant("vges")
  T.case_kinds[#T.case_kinds] = C.techconnect { id = "tc_business", applicant = "business", group = "techconnect",
    register = "techconnect", terms = { payment = 7, payment_procurement = 20, missing = 30 } }
  passes(T)
  local k = by_id(tenant.case_kinds(T)).tc_business
  local a = by_id(k.actions)
  eq(a.expire_unpaid.after.days, 7)
  eq(a.expire_unpaid.after.overrides[1].days, 20)
  eq(a.expire_missing.after.days, 30)
  eq(by_id(k.deadlines).payment.days, 7)
  eq(by_id(k.deadlines).payment.overrides[1].days, 20)
  eq(by_id(k.deadlines).missing.days, 30)
  eq(by_id(k.deadlines).offer.days, 10, "не названный срок — по умолчанию")
  for _, d in ipairs(k.deadlines) do eq(d.unit, "working", d.id) end
end)

testing.finish()
