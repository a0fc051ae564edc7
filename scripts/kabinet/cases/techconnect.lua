--- kabinet.cases.techconnect — applications for technological connection
-- (PP 861 of 27.12.2004) as case kinds: the typical workflow
-- (C.workflows.techconnect), the application form, its documents, the
-- power limits and the applicant's data (C.techconnect). kabinet.cases
-- installs both into its table; a tenant writes
--
--   C.techconnect { id = "tc_person", applicant = "person", group = "techconnect", register = "techconnect" }
--
-- and changes what differs with the usual keys (states, actions, deadlines,
-- hooks, extra_fields, documents …) and the options below:
--   applicant = "person" | "business"   whose form: an individual's (passport,
--                         СНИЛС) or a legal entity's / sole proprietor's
--                         (ЕГРЮЛ / ЕГРИП record); `applicants` defaults to it
--   service_kinds = {ids}  the «Вид услуги» offered (default per applicant)
--   dictionaries = {<field> = "<dictionary>"}   choices from the tenant's
--                         dictionaries (application_type, contract_kind,
--                         supplier, object_type, voltage, reliability); the
--                         supplier is typed unless a dictionary is named
--   object_types = {{value, label}}   object types (default M.OBJECT_TYPES)
--   print = {title, intro, sign_lines}   printable; then the signed scan
--                         `signed_application` is required
--   survey = "<kind id>"   offered to the applicant on completion
--   accounts = "<register id>"   the register numbering personal accounts
--                         (default "tc_accounts"; declare it in case_registers)
--   terms = {notice, offer, missing, payment, payment_procurement}   working days
--   power_hint = "…", address_hint = "…"   hints under the power and the address
--
-- Terms (working days, counted by the tenant's calendar). Facts: the invoice
-- is paid within 5 working days of its placing in the personal account, 15
-- when the applicant procures under 44-ФЗ or 275-ФЗ, else the application is
-- annulled (REGULATION.md §A2, [V] PortalTP SendOrder.aspx). Assumptions
-- (REGULATION.md "Not found": the current primary text of PP 861's step
-- terms was not read): the contract terms, ТУ and invoice are placed within
-- 10 working days of the application, missing data is asked for within 3
-- working days and supplied within 20 working days or the application is
-- annulled (PROTOCOLS.md §8, marked [M]; older passports said 6 days for the
-- notice).

local F = require("kabinet.fields")

local M = {}

--- The terms in working days (see the header for which are facts).
M.TERMS = {
  notice = 3,               -- assumption: notice of missing data (PROTOCOLS.md §8 [M])
  offer = 10,               -- assumption: contract terms, ТУ, invoice placed (PROTOCOLS.md §8 [M], ≤ 150 kW)
  missing = 20,             -- assumption: missing data supplied (PROTOCOLS.md §8 [M])
  payment = 5,              -- fact: REGULATION.md §A2
  payment_procurement = 15, -- fact: REGULATION.md §A2 (44-ФЗ / 275-ФЗ)
}

--- Types of application («Тип заявки», seed 003).
M.APPLICATION_TYPES = {
  { value = "new", label = "Новая заявка на ТП" },
  { value = "power_increase", label = "ТП в связи с увеличением мощности" },
  { value = "reliability_change", label = "ТП в связи с изменением категории надёжности электроснабжения" },
  { value = "point_change", label = "ТП в связи с изменением точки присоединения" },
}

--- Kinds of service («Вид услуги»): the label and the limit of the total
-- maximum power (with the power connected before), kW. PP 861 п.14
-- (individuals, household needs, one source), п.12(1) (≤ 150 kW), п.13
-- (temporary); seed 003 lists the same four.
M.SERVICE_KINDS = {
  individual_15 = { label = "Физическое лицо до 15 кВт включительно (бытовые нужды, один источник электроснабжения)",
    max_kw = 15, one_source = true },
  business_150 = { label = "Юридическое лицо или индивидуальный предприниматель до 150 кВт включительно", max_kw = 150 },
  person_150 = { label = "До 150 кВт включительно (п. 12(1) Правил)", max_kw = 150 },
  temporary_150 = { label = "Временное технологическое присоединение до 150 кВт включительно", max_kw = 150,
    temporary = true },
  point_change_15 = { label = "Изменение точки присоединения существующего ТП (физическое лицо до 15 кВт)", max_kw = 15 },
  point_change_150 = { label = "Изменение точки присоединения существующего ТП (ЮЛ / ИП до 150 кВт)", max_kw = 150 },
}

--- The service kinds each applicant's form offers by default.
M.DEFAULT_SERVICES = {
  person = { "individual_15", "temporary_150", "point_change_15" },
  business = { "business_150", "temporary_150", "point_change_150" },
}

--- Object types («Тип объекта»).
M.OBJECT_TYPES = {
  { value = "house", label = "Индивидуальный жилой дом" },
  { value = "garden_house", label = "Садовый дом" },
  { value = "garage", label = "Гараж" },
  { value = "non_residential", label = "Нежилое помещение" },
  { value = "construction_site", label = "Строительная площадка" },
  { value = "other", label = "Иной объект" },
}

--- Instalments are offered above this total power and up to 150 kW (п.12(1) applicants).
M.INSTALMENT_FROM_KW, M.INSTALMENT_TO_KW = 15, 150

--- Texts of the form's errors and of the workflow.
M.TEXT = {
  power_number = "Укажите мощность числом в кВт, например 15 или 7,5",
  power_zero = "Запрашиваемая мощность должна быть больше нуля",
  power_limit = "Для вида услуги «%s» общая максимальная мощность (с учётом ранее присоединённой) не более %s кВт, а указано %s кВт",
  power_total = "Общая максимальная мощность равна сумме запрашиваемой и ранее присоединённой: %s кВт",
  increase_previous = "При увеличении мощности укажите ранее присоединённую мощность",
  one_source = "Для физических лиц до 15 кВт электроснабжение по одному источнику: только III категория надёжности",
  instalment = "Рассрочка платежа возможна при общей мощности свыше 15 и до 150 кВт включительно",
  passport = "Укажите серию и номер паспорта: без них заявку на технологическое присоединение не принять (их можно сохранить в профиле)",
  egr_record = "Укажите номер записи в %s: без него заявку на технологическое присоединение не принять (его можно сохранить в профиле)",
  egr_record_date = "Укажите дату внесения записи в государственный реестр (её можно сохранить в профиле)",
  egr_digits = "Номер записи в %s состоит из %d цифр",
  -- Seed 003, «Сообщить о готовности» (Рис. 16: the applicant confirms that it
  -- has met the technical conditions and its devices are ready).
  ready_confirm = "Подтверждаете выполнение со своей стороны технических условий и готовность энергопринимающих устройств к присоединению?",
  finish_confirm = "Завершить загрузку документов? Добавить файлы снова можно будет только по новому запросу сетевой организации.",
  withdraw_confirm = "Аннулировать заявку на технологическое присоединение?",
  annulled_missing = "недостающие сведения не представлены в срок",
  annulled_unpaid = "счёт не оплачен в срок",
}

-- The registers of a business applicant: name in sentences, digits of the record.
local REGISTERS = {
  legal_entity = { name = "ЕГРЮЛ", digits = 13 },
  sole_proprietor = { name = "ЕГРИП", digits = 15 },
}

---------------------------------------------------------------------------
-- Power values
---------------------------------------------------------------------------

--- A power typed by the applicant ("7,5", "15", "0.4") as a number of kW, or nil.
function M.parse_kw(v)
  if type(v) == "number" then return v >= 0 and v or nil end
  if type(v) ~= "string" then return nil end
  local s = v:gsub("%s", ""):gsub(",", ".")
  if not s:match("^%d+%.?%d*$") or #s > 12 then return nil end
  return tonumber(s)
end

--- A power as the case shows it: at most 3 decimals, a decimal comma ("7,5").
function M.format_kw(n)
  local s = string.format("%.3f", n):gsub("0+$", ""):gsub("%.$", "")
  return (s:gsub("%.", ","))
end

---------------------------------------------------------------------------
-- The form
---------------------------------------------------------------------------

local function options_of(ids)
  local out = {}
  for i, id in ipairs(ids) do out[i] = { value = id, label = M.SERVICE_KINDS[id].label } end
  return out
end

-- The applicant's data, prefilled from the profile; required here even
-- where the profile leaves them optional (seed 003 says the profile keeps
-- them for this application).
local function applicant_fields(applicant)
  if applicant == "person" then
    return {
      F.full_name { label = "ФИО заявителя", prefill = "full_name" },
      F.passport { label = "Серия и номер паспорта", prefill = "passport" },
      F.snils { prefill = "snils" },
      F.text { name = "postal_address", label = "Почтовый адрес заявителя", max_length = 500, prefill = "address",
        hint = "Индекс, населённый пункт, улица, дом, квартира" },
      F.phone { label = "Телефон", prefill = "phone" },
      F.email { label = "Электронная почта", required = false, prefill = "email" },
    }
  end
  return {
    F.text { name = "org_full_name", label = "Полное наименование организации (ФИО индивидуального предпринимателя)",
      max_length = 500, prefill = "org_full_name" },
    F.full_name { name = "head_full_name", label = "ФИО руководителя", required = false, prefill = "head_full_name" },
    F.inn { prefill = "inn" },
    F.egr_record { label = "Номер записи в ЕГРЮЛ / ЕГРИП", prefill = "egr_record",
      hint = "ЕГРЮЛ — 13 цифр, ЕГРИП — 15 цифр" },
    F.date { name = "egr_record_date", label = "Дата внесения записи в единый государственный реестр",
      prefill = "egr_record_date" },
    F.text { name = "postal_address", label = "Почтовый адрес заявителя", max_length = 500, prefill = "address" },
    F.phone { label = "Телефон", prefill = "phone" },
    F.email { label = "Электронная почта", required = false, prefill = "email" },
  }
end

local TEMPORARY = { field = "service_kind", equals = "temporary_150" }

-- A choice from the constructor's options, or from the tenant's dictionary
-- when `dictionaries` names one for this field.
local function choice(spec, f)
  local dictionary = (spec.dictionaries or {})[f.name]
  if dictionary then f.options, f.dictionary = nil, dictionary end
  return F.select(f)
end

-- The application itself.
local function application_fields(spec)
  local services = spec.service_kinds or M.DEFAULT_SERVICES[spec.applicant]
  local list = {
    choice(spec, { name = "application_type", label = "Тип заявки", options = M.APPLICATION_TYPES, default = "new" }),
    F.select { name = "service_kind", label = "Вид услуги", options = options_of(services),
      placeholder = "-Выберите вид тех. присоединения-" },
    choice(spec, { name = "contract_kind", label = "Вид договора в отношении ЭПУ", options = {
      { value = "supply", label = "На энергоснабжение" },
      { value = "purchase", label = "На поставку (купли-продажи) электроэнергии" } }, default = "supply" }),
    (spec.dictionaries or {}).supplier and choice(spec, { name = "supplier", label = "Энергосбытовая организация" })
      or F.text { name = "supplier", label = "Энергосбытовая организация", max_length = 255 },
    choice(spec, { name = "object_type", label = "Тип объекта", options = spec.object_types or M.OBJECT_TYPES,
      placeholder = "Выберите тип объекта" }),
    F.text { name = "object_name", label = "Наименование энергопринимающих устройств (объекта)", max_length = 255 },
    F.text { name = "address", label = "Адрес (местонахождение) энергопринимающих устройств", max_length = 500,
      hint = spec.address_hint or "Населённый пункт, улица, дом" },
    F.text { name = "cadastral_number", label = "Кадастровый номер земельного участка (объекта)", required = false,
      max_length = 40, pattern = "^%d%d:%d%d:%d%d%d%d%d%d%d?:%d+$",
      pattern_message = "Кадастровый номер пишется как 36:34:0000000:123", placeholder = "36:34:0000000:123" },
    F.text { name = "power_requested", label = "Запрашиваемая максимальная мощность присоединяемых ЭПУ, кВт",
      max_length = 12, hint = spec.power_hint },
    F.text { name = "power_previous", label = "Ранее присоединённая максимальная мощность ЭПУ, кВт", required = false,
      max_length = 12, default = "0" },
    F.text { name = "power_total", label = "Общая максимальная мощность, кВт", max_length = 12,
      hint = "Сумма запрашиваемой и ранее присоединённой мощности" },
    choice(spec, { name = "voltage", label = "Класс напряжения присоединения", options = {
      { value = "0.23", label = "0,23 кВ" }, { value = "0.4", label = "0,4 кВ" },
      { value = "6", label = "6 кВ" }, { value = "10", label = "10 кВ" } }, default = "0.4" }),
    choice(spec, { name = "reliability", label = "Категория надёжности", options = {
      { value = "3", label = "III категория" }, { value = "2", label = "II категория" } }, default = "3" }),
    F.text { name = "temporary_term", label = "Срок электроснабжения ЭПУ по временной схеме", max_length = 100,
      visible_if = TEMPORARY },
  }
  if spec.applicant == "business" then
    list[#list + 1] = F.boolean { name = "instalment", label = "Рассрочка платежа (свыше 15 и до 150 кВт)",
      required = false, default = false }
    list[#list + 1] = F.boolean { name = "procurement_law", required = false, default = false,
      label = "Заявитель закупает услугу по 44-ФЗ или 275-ФЗ (срок оплаты счёта 15 рабочих дней)" }
  end
  list[#list + 1] = F.boolean { name = "by_representative", label = "Заявка подаётся представителем по доверенности",
    required = false, default = false }
  return list
end

--- The validate hook of a tech-connection kind (it sees a copy of the values,
-- so it only refuses): power numbers, the limit of the chosen service kind
-- (requested + previously connected = the total typed), the
-- one-source rule of individuals ≤ 15 kW, instalments, the applicant's
-- register record.
function M.validate(_, _, errors, values, context)
  context = type(context) == "table" and context or {}
  local requested = M.parse_kw(values.power_requested)
  local previous = values.power_previous == nil and 0 or M.parse_kw(values.power_previous)
  if values.power_requested ~= nil and not errors.power_requested then
    if requested == nil then errors.power_requested = M.TEXT.power_number
    elseif requested <= 0 then errors.power_requested = M.TEXT.power_zero end
  end
  if values.power_previous ~= nil and previous == nil and not errors.power_previous then
    errors.power_previous = M.TEXT.power_number
  end
  local service = M.SERVICE_KINDS[values.service_kind or ""]
  if requested and requested > 0 and previous then
    -- The hook sees a copy of the values: the total is typed (seed 003 marks it
    -- required) and must be the sum; the portal may fill it in as the sum.
    local total = requested + previous
    if values.power_total ~= nil and not errors.power_total then
      local given = M.parse_kw(values.power_total)
      if given == nil or math.abs(given - total) > 0.0005 then
        errors.power_total = string.format(M.TEXT.power_total, M.format_kw(total))
      end
    end
    if service and total > service.max_kw + 0.0005 then
      errors.power_requested = string.format(M.TEXT.power_limit, service.label, M.format_kw(service.max_kw),
        M.format_kw(total))
    end
    if values.instalment == true and not (total > M.INSTALMENT_FROM_KW and total <= M.INSTALMENT_TO_KW) then
      errors.instalment = M.TEXT.instalment
    end
  end
  if values.application_type == "power_increase" and previous ~= nil and previous <= 0 and not errors.power_previous then
    errors.power_previous = M.TEXT.increase_previous
  end
  if service and service.one_source and values.reliability ~= nil and values.reliability ~= "3" then
    errors.reliability = M.TEXT.one_source
  end
  -- The applicant's data the profile may lack: a clearer word than «обязательное поле».
  local register = REGISTERS[context.applicant_kind or ""]
  if errors.passport and values.passport == nil then errors.passport = M.TEXT.passport end
  if errors.egr_record and values.egr_record == nil then
    errors.egr_record = string.format(M.TEXT.egr_record, register and register.name or "ЕГРЮЛ / ЕГРИП")
  elseif register and type(values.egr_record) == "string" and #values.egr_record ~= register.digits then
    errors.egr_record = string.format(M.TEXT.egr_digits, register.name, register.digits)
  end
  if errors.egr_record_date and values.egr_record_date == nil then errors.egr_record_date = M.TEXT.egr_record_date end
end

---------------------------------------------------------------------------
-- Documents
---------------------------------------------------------------------------

local PAPER = { "pdf", "jpeg", "png", "zip" }

--- The documents of an application: the applicant's by type (required flags,
-- 10 MB per file) and the utility's (by = "operator").
function M.documents(C, spec)
  local list = {}
  local function add(d) list[#list + 1] = C.document(d) end
  if spec.print then
    add { id = "signed_application", label = "Заявка, подписанная заявителем (скан)", required = true, types = PAPER }
  end
  add { id = "title_document", required = true, types = PAPER, max_count = 5,
    label = "Копия документа о праве собственности или ином законном основании на объект (земельный участок)" }
  if spec.applicant == "person" then
    add { id = "id_copy", label = "Копия паспорта", required = true, types = PAPER, max_count = 3 }
  end
  add { id = "site_plan", required = true, types = PAPER, max_count = 3,
    label = "План расположения энергопринимающих устройств с указанием расстояния до сетей" }
  add { id = "power_of_attorney", label = "Доверенность (при подаче заявки представителем)", types = PAPER }
  if spec.applicant == "business" then
    add { id = "founding_documents", label = "Учредительные документы (выписка из ЕГРЮЛ / ЕГРИП)", required = true,
      types = PAPER, max_count = 5 }
  end
  add { id = "other", label = "Иные документы", max_count = 10 }
  -- The utility's documents (seed 003 Рис. 13.3: downloadable by the applicant).
  add { id = "missing_notice", label = "Уведомление о недостающих сведениях", by = "operator", max_count = 3 }
  add { id = "contract_terms", label = "Условия типового договора об осуществлении технологического присоединения",
    by = "operator", types = PAPER, required = false }
  add { id = "tech_conditions", label = "Технические условия", by = "operator", types = PAPER }
  add { id = "invoice", label = "Счёт на оплату", by = "operator", types = PAPER }
  add { id = "act", label = "Акт о технологическом присоединении", by = "operator", types = PAPER }
  return list
end

---------------------------------------------------------------------------
-- The workflow
---------------------------------------------------------------------------

--- The typical workflow: registered → documents check → (missing data ⇄
-- check) → offer placed → paid → measures → «Сообщить о готовности» →
-- inspection → actual connection → act placed (completed); annulled when
-- missing data or the payment is late, or by the applicant.
-- opts = {terms = {…} (M.TERMS), procurement = true (the form has `procurement_law`)}
function M.workflow(opts)
  opts = opts or {}
  local t = {}
  for k, v in pairs(M.TERMS) do t[k] = (opts.terms or {})[k] or v end
  local procurement = opts.procurement and { { field = "procurement_law", equals = true, days = t.payment_procurement } }
    or nil
  local open = { "registered", "checking", "missing", "offer", "measures" }
  return {
    initial = "registered",
    states = {
      { id = "registered", label = "Заявка зарегистрирована", tone = "new", uploads = false },
      { id = "checking", label = "Проверка документов", tone = "work", uploads = false },
      { id = "missing", label = "Ожидание недостающих документов", tone = "wait", uploads = true },
      { id = "offer", label = "Договор и технические условия направлены, ожидается оплата", tone = "wait", uploads = false },
      { id = "measures", label = "Выполнение мероприятий по техническим условиям", tone = "work", uploads = false },
      { id = "inspection", label = "Проверка выполнения технических условий", tone = "work", uploads = false },
      { id = "connecting", label = "Фактические действия по присоединению", tone = "work", uploads = false },
      { id = "completed", label = "Технологическое присоединение выполнено", final = true, tone = "done" },
      { id = "annulled", label = "Аннулирована", final = true, tone = "rejected" },
      { id = "annulled_unpaid", label = "Аннулирована (неоплата)", final = true, tone = "rejected" },
      { id = "withdrawn", label = "Аннулирована заявителем", final = true, tone = "rejected" },
    },
    actions = {
      { id = "check", label = "Начать проверку документов", from = { "registered" }, to = "checking", by = { "operator" } },
      { id = "request_missing", label = "Запросить недостающие сведения", from = { "registered", "checking" },
        to = "missing", by = { "operator" }, keep = true, attach = { "missing_notice" },
        fields = { F.textarea { name = "missing", label = "Недостающие сведения и документы", max_length = 2000 } },
        confirm = "Направить заявителю запрос недостающих сведений?" },
      { id = "finish_upload", label = "Завершить загрузку", from = { "missing" }, to = "checking", by = { "consumer" },
        confirm = M.TEXT.finish_confirm },
      { id = "expire_missing", label = "Аннулирование: недостающие сведения не представлены", from = { "missing" },
        to = "annulled", by = { "timer" }, after = { days = t.missing, unit = "working" } },
      { id = "place_offer", label = "Направить договор, технические условия и счёт", from = { "checking" },
        to = "offer", by = { "operator" }, keep = true,
        fields = {
          F.text { name = "tu_number", label = "Номер ТУ", max_length = 50 },
          F.date { name = "tu_date", label = "Дата ТУ" },
        },
        documents = { "contract_terms", "tech_conditions", "invoice" },
        confirm = "Разместить договор, технические условия и счёт в личном кабинете заявителя?" },
      { id = "paid", label = "Отметить оплату счёта", from = { "offer" }, to = "measures", by = { "operator" },
        confirm = "Счёт оплачен, договор заключён?" },
      { id = "expire_unpaid", label = "Аннулирование: счёт не оплачен", from = { "offer" }, to = "annulled_unpaid",
        by = { "timer" }, after = { days = t.payment, unit = "working", overrides = procurement } },
      { id = "ready", label = "Сообщить о готовности", from = { "measures" }, to = "inspection", by = { "consumer" },
        confirm = M.TEXT.ready_confirm },
      { id = "remarks", label = "Вернуть с замечаниями", from = { "inspection" }, to = "measures", by = { "operator" },
        comment = "required" },
      { id = "connect_works", label = "Начать фактическое присоединение", from = { "inspection" }, to = "connecting",
        by = { "operator" } },
      { id = "complete", label = "Разместить акт о технологическом присоединении", from = { "connecting" },
        to = "completed", by = { "operator" }, documents = { "act" },
        confirm = "Разместить акт и завершить технологическое присоединение? Заявителю откроется лицевой счёт." },
      { id = "withdraw", label = "Аннулировать заявку", from = open, to = "withdrawn", by = { "consumer" },
        comment = "optional", confirm = M.TEXT.withdraw_confirm },
    },
    deadlines = {
      { id = "notice", label = "Срок уведомления о недостающих сведениях", days = t.notice, unit = "working",
        from = "filed", running = { "registered", "checking" } },
      { id = "offer", label = "Срок направления договора и технических условий", days = t.offer, unit = "working",
        from = "filed", running = { "registered", "checking" } },
      { id = "missing", label = "Срок представления недостающих сведений", days = t.missing, unit = "working",
        from = "entered:missing", running = { "missing" } },
      { id = "payment", label = "Срок оплаты счёта", days = t.payment, unit = "working", from = "entered:offer",
        running = { "offer" }, overrides = procurement },
    },
  }
end

--- Disclosure stages of PP 24 п.19л (REGULATION.md §A2): received and
-- registered; contract and ТУ sent; contract concluded; ТУ being met;
-- actual connection; documents issued.
function M.stages()
  return {
    { id = "received", label = "Заявка получена и зарегистрирована", states = { "registered" } },
    { id = "offer_sent", label = "Направлены договор и технические условия", states = { "offer" } },
    { id = "contract", label = "Договор заключён", states = { "measures" } },
    { id = "conditions", label = "Выполнение технических условий проверяется", states = { "inspection" } },
    { id = "connection", label = "Фактическое присоединение", states = { "connecting" } },
    { id = "documents", label = "Документы о технологическом присоединении оформлены", states = { "completed" } },
  }
end

--- The columns of the lists (seed 003 Рис. 13.1).
M.LIST_FIELDS = { "object_name", "address", "power_total", "tu_number", "tu_date", "account_number" }

-- The label of an option value, or the value.
local function option_label(options, value)
  for _, o in ipairs(options or {}) do if o.value == value then return o.label end end
  return value
end

--- The completion hook: a personal account from `accounts`, a metering point
-- at the object's address under it (the `connect` effect), and the survey
-- offer when the tenant names one.
-- @param C kabinet.cases (its C.offer_survey makes the offer)
function M.completion(spec, C)
  local accounts = spec.accounts or "tc_accounts"
  local types = spec.object_types or M.OBJECT_TYPES
  local survey = spec.survey and C.offer_survey(spec.survey)
  return function(case)
    local f = type(case) == "table" and type(case.fields) == "table" and case.fields or {}
    local name = f.object_name
    if type(name) ~= "string" or not name:find("%S") then name = option_label(types, f.object_type) end
    local out = { connect = { name = name, address = f.address, power_kw = M.parse_kw(f.power_total),
      register = accounts } }
    if survey then out.offer = survey(case).offer end
    return out
  end
end

--- The enter hook of an annulled state: the operators are told why.
function M.annulled_notice(reason)
  return function()
    return { notices = { { kind = "case_annulled", to = "operators", values = { reason = reason } } } }
  end
end

-- Keys of C.techconnect that are options, not keys of the kind.
local OPTIONS = { "applicant", "service_kinds", "dictionaries", "object_types", "survey", "accounts", "terms",
  "power_hint", "address_hint" }

--- Installs C.workflows.techconnect and C.techconnect into kabinet.cases' table.
-- @param build the constructors' kind builder of kabinet.cases
function M.install(C, build)
  C.workflows.techconnect = M.workflow

  --- C.techconnect{id, applicant = "person"|"business", group, register, …}: an
  -- application for technological connection (see kabinet.cases.techconnect).
  function C.techconnect(spec)
    spec = spec or {}
    local applicant = spec.applicant == "business" and "business" or "person"
    local opts = {}
    for k, v in pairs(spec) do opts[k] = v end
    opts.applicant = applicant
    local kind_spec = {}
    for k, v in pairs(spec) do kind_spec[k] = v end
    for _, k in ipairs(OPTIONS) do kind_spec[k] = nil end
    if kind_spec.applicants == nil then
      kind_spec.applicants = applicant == "person" and { "individual" } or { "legal_entity", "sole_proprietor" }
    end
    if kind_spec.validate == nil then kind_spec.validate = M.validate end
    if kind_spec.stages == nil then kind_spec.stages = M.stages() end
    if kind_spec.list_fields == nil then
      local names = {}
      for i, n in ipairs(M.LIST_FIELDS) do names[i] = n end
      kind_spec.list_fields = names
    end
    if kind_spec.documents == nil then kind_spec.documents = M.documents(C, opts) end
    local hooks = { enter = {}, guard = {}, after = {} }
    for part, fns in pairs(spec.hooks or {}) do
      hooks[part] = hooks[part] or {}
      for k, fn in pairs(fns) do hooks[part][k] = fn end
    end
    hooks.after.complete = hooks.after.complete or M.completion(opts, C)
    hooks.enter.annulled = hooks.enter.annulled or M.annulled_notice(M.TEXT.annulled_missing)
    hooks.enter.annulled_unpaid = hooks.enter.annulled_unpaid or M.annulled_notice(M.TEXT.annulled_unpaid)
    kind_spec.hooks = hooks
    return build({
      label = "Заявка на технологическое присоединение",
      report_as = "service_request",
      summary_field = "object_name",
      attachment = false,
      make_fields = function()
        local list = applicant_fields(applicant)
        for _, f in ipairs(application_fields(opts)) do list[#list + 1] = f end
        return list
      end,
      make_workflow = function()
        return M.workflow { terms = spec.terms, procurement = applicant == "business" }
      end,
    }, kind_spec)
  end
end

return M
