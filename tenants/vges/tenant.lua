--- АО «Воронежская горэлектросеть» (ВГЭС, formerly МУП).
-- Seed: shared/seeds/003_vges_voronezh.txt.
--
-- Login by a user name chosen at registration ("Имя пользователя (login)")
-- for every applicant kind. Registration forms differ by kind (pictures 4
-- and 5 of the seed): a Voronezh resident ("Я из Воронежа" = Да) picks the
-- street from the dictionary and types house, flat and postcode; anyone else
-- types the whole address. The user is logged in right after registration
-- (no confirmations). Appeals of five kinds (text up to 1000 characters, an
-- attachment, a registration number), tech-connection applications,
-- additional services, outage statistics, virtual meters with manual readings.
-- The profile (pictures 7 and 8) adds the passport of an individual and the
-- state register record (number and date) of a business: optional there,
-- but the tech-connection application will demand them.
-- Cross-field rules live in hooks.lua, the street list in streets.lua, the
-- appeals and service requests (kabinet.cases) in appeals.lua.

local F = require("kabinet.fields")
local hooks = require("hooks")
local streets = require("streets")
local appeals = require("appeals")()
local techconnect = require("techconnect")()

-- The items of lists a and b, in order.
local function concat(a, b)
  local out = {}
  for _, x in ipairs(a) do out[#out + 1] = x end
  for _, x in ipairs(b) do out[#out + 1] = x end
  return out
end

-- The registers of a and b together.
local function merge(a, b)
  local out = {}
  for k, v in pairs(a) do out[k] = v end
  for k, v in pairs(b) do out[k] = v end
  return out
end

-- Fields of the address block shown to Voronezh residents, and the free
-- address shown to everyone else.
local IN_VORONEZH = { field = "from_voronezh", equals = true }
local ELSEWHERE = { field = "from_voronezh", equals = false }

local function login_name()
  return F.text { name = "username", label = "Имя пользователя (login)", login = true,
    min_length = 3, max_length = 32, pattern = "^[%w_%.%-]+$",
    pattern_message = "Допустимы латинские буквы, цифры и символы _ . -",
    hint = "Латинские буквы, цифры и символы _ . -" } -- the portal itself says it is the login, unchangeable
end

local function from_voronezh()
  return F.boolean { name = "from_voronezh", label = "Я из Воронежа", required = false, default = true }
end

local function address()
  return F.text { name = "address", label = "Домашний адрес", visible_if = ELSEWHERE,
    hint = "Населённый пункт, улица, дом, квартира" }
end

local function street() return F.street { visible_if = IN_VORONEZH } end

local function house()
  return F.text { name = "house", label = "Номер дома", max_length = 25, visible_if = IN_VORONEZH }
end

local function flat()
  return F.text { name = "flat", label = "Номер квартиры", required = false, max_length = 20, visible_if = IN_VORONEZH }
end

-- Profile-only fields: "Эта информация понадобится при подаче заявки на
-- технологическое присоединение" — optional in the profile (the seed marks
-- them with *, but only the tech-connection application needs them, and
-- that application will require them).
local TC_HINT = "Понадобится при подаче заявки на технологическое присоединение"

local function passport()
  return F.passport { required = false, hint = TC_HINT }
end

-- Record of the state register. Picture 8 serves sole proprietors and legal
-- entities alike and says ЕГРЮЛ; a sole proprietor's record is in ЕГРИП
-- (the register of sole proprietors under 129-ФЗ), and the text of the seed speaks of "единый
-- государственный реестр для ЮЛ или ИП", so the proprietor's label names
-- his register. hooks.lua checks the length per kind (13 / 15 digits).
local function register_fields(register, digits)
  return {
    F.egr_record { label = "Номер записи в " .. register, required = false,
      placeholder = digits .. " цифр", hint = TC_HINT },
    F.date { name = "egr_record_date", label = "Дата внесения записи в единый государственный реестр",
      required = false, hint = TC_HINT },
  }
end

-- Sole proprietors and legal entities fill in one form (picture 5); only
-- the state registration number and the ИНН differ.
local function business_fields(state_number, inn)
  return {
    login_name(),
    F.email { label = "E-mail" },
    F.password {},
    F.password_confirm { label = "Подтвердите пароль" },
    F.text { name = "org_short_name", label = "Короткое наименование организации", max_length = 255 },
    F.text { name = "org_full_name", label = "Полное наименование организации", max_length = 500 },
    from_voronezh(), address(), street(), house(), flat(),
    F.full_name { name = "head_full_name", label = "ФИО руководителя" },
    F.postcode {},
    F.phone { label = "Телефон" },
    state_number,
    inn,
  }
end

local consent_text = table.concat({
  "1. Регистрационные данные указаны мной добровольно.\n",
  "2. Передача регистрационных данных выполняется через открытые каналы связи сети Интернет, ",
  "защита которых не является компетенцией АО «ВГЭС»\n",
  "3. На обработку и передачу своих персональных данных любым, не запрещенным законом способом. ",
  "В соответствии с Федеральным законом № 152-ФЗ от 27 июля 2006 г. «О персональных данных» ",
  "АО «Воронежская горэлектросеть» является оператором и осуществляет обработку и передачу ",
  "персональных данных Заявителей.",
})

return {
  id = "vges",
  name = "Акционерное общество «Воронежская горэлектросеть»",
  short_name = "АО «ВГЭС»",
  -- The name inside sentences of mails and SMS: «в личном кабинете АО «Воронежская горэлектросеть»».
  name_forms = { genitive = "АО «Воронежская горэлектросеть»", accusative = "АО «Воронежская горэлектросеть»" },
  hosts = { "vges.kabinet.localhost" },
  timezone = "Europe/Moscow",
  branding = { primary = "#0b5fa5", accent = "#f2b705", logo = "logo.svg" }, -- tenants/vges/branding/logo.svg

  modules = { "identity", "meters", "readings", "appeals", "techconnect", "services", "outages", "manual_readings" },
  access_ways = { "account_number" },
  confirmations = {},   -- "Если регистрация прошла успешно, то Вы попадёте внутрь своего личного кабинета"
  -- "заполняются латинскими буквами и цифрами поля email, пароля"
  password_policy = { min_length = 6, max_length = 64, require_letter = true, require_digit = true, latin_only = true },

  consents = {
    {
      id = "personal_data",
      title = "Согласие на обработку персональных данных",
      label = "Передавая при помощи данной формы регистрационные данные, соглашаюсь со следующим:",
      version = "2020-01",
      required = true,
      implicit = true,   -- sending the form is the acceptance; no check box
      text = consent_text,
    },
  },

  applicant_kinds = {
    {
      id = "individual",
      label = "Физическое лицо",
      fields = {
        login_name(),
        F.email { label = "E-mail" },
        F.password {},
        F.password_confirm { label = "Подтвердите пароль" },
        F.full_name { label = "ФИО" },
        from_voronezh(), address(), street(), house(), flat(),
        F.postcode {},
        F.phone { label = "Телефон" },
        F.snils {},
      },
      profile_fields = { passport() },
    },
    {
      id = "sole_proprietor",
      label = "Индивидуальный предприниматель",
      -- The seed labels the field "ОГРН"; for a sole proprietor it is the ОГРНИП.
      fields = business_fields(F.ogrnip { label = "ОГРН", hint = "ОГРНИП индивидуального предпринимателя, 15 цифр" },
        F.inn12 {}),
      profile_fields = register_fields(
        "едином государственном реестре индивидуальных предпринимателей (ЕГРИП)", 15),
    },
    {
      id = "legal_entity",
      label = "Юридическое лицо",
      fields = business_fields(F.ogrn {}, F.inn10 {}),
      profile_fields = register_fields("едином государственном реестре юридических лиц (ЕГРЮЛ)", 13),
    },
  },

  -- Appeals (five kinds) and additional-service requests: appeals.lua.
  -- Tech-connection applications: techconnect.lua.
  case_groups = concat(appeals.groups, techconnect.groups),
  case_registers = merge(appeals.registers, techconnect.registers),
  case_kinds = concat(appeals.kinds, techconnect.kinds),

  dictionaries = {
    streets = streets,
    -- Additional services (picture 14), the choice of the service request's form.
    service_kinds = {
      { value = "meter_reading", label = "Снятие показаний существующего прибора учёта (ПУ)" },
      { value = "meter_commissioning", label = "Осуществление допуска в эксплуатацию ПУ" },
      { value = "supply_point_metering", label = "Оборудование точки поставки приборами учёта" },
      { value = "meter_installation", label = "Установка, замена и (или) эксплуатация приборов учёта (ПУ)" },
    },
    -- Tech-connection application (picture 12, PP RF 861).
    tc_application_types = {
      { value = "new", label = "Новая заявка на ТП" },
      { value = "power_increase", label = "ТП в связи с увеличением мощности" },
      { value = "reliability_change", label = "ТП в связи с изменением категории надежности электроснабжения" },
      { value = "point_change", label = "ТП в связи с изменением точки присоединения" },
    },
    tc_service_kinds = {
      { value = "individual_15", max_power_kw = 15, label = "ФЛ до 15 кВт включительно" },
      { value = "business_150", max_power_kw = 150, label = "ЮЛ или ИП до 150 кВт включительно" },
      { value = "temporary_150", max_power_kw = 150,
        label = "Временное технологическое присоединение до 150 кВт включительно" },
      { value = "point_change", max_power_kw = 150,
        label = "Изменение точки присоединения существующего ТП (ФЛ до 15 кВт или ЮЛ / ИП до 150 кВт)" },
    },
    tc_contract_kinds = {
      { value = "supply", label = "На энергоснабжение" },
      { value = "purchase", label = "На поставку электроэнергии" },
    },
    retail_suppliers = {
      { value = "tns_voronezh", label = "ПАО «ТНС энерго Воронеж»" },
    },
    tc_object_types = {
      { value = "house", label = "Индивидуальный жилой дом" },
      { value = "garden_house", label = "Садовый дом" },
      { value = "garage", label = "Гараж" },
      { value = "non_residential", label = "Нежилое помещение" },
      { value = "construction_site", label = "Строительная площадка" },
      { value = "other", label = "Иной объект" },
    },
    tc_voltage_classes = {
      { value = "0.23", label = "0.23 кВ" },
      { value = "0.4", label = "0.4 кВ" },
      { value = "6", label = "6 кВ" },
      { value = "10", label = "10 кВ" },
    },
    tc_reliability_categories = {
      { value = "3", label = "III категория (по умолчанию)" },
      { value = "2", label = "II категория" },
      { value = "1", label = "I категория" },
    },
    tc_documents = {
      { value = "site_plan", required = true, label = "План расположения энергопринимающих устройств" },
      { value = "single_line_diagram", label = "Однолинейная схема электрических сетей заявителя" },
      { value = "devices_list", label = "Перечень и мощность энергопринимающих устройств" },
      { value = "ownership", required = true,
        label = "Копия документа, подтверждающего право собственности или иное" },
      { value = "extract", label = "Выписка" },
      { value = "consent", label = "Согласие" },
      { value = "land_plots_note", label = "Справка о количестве земельных участков" },
      { value = "garages_note", label = "Справка о количестве гаражей либо иных объектов" },
      { value = "supply_contract_draft",
        label = "Проект договора энергоснабжения (купли-продажи (поставки) электрической энергии (мощности) или протокол разногласий к проекту договора" },
      { value = "power_scheme", label = "Схема выдачи мощности или схема внешнего электроснабжения" },
    },
  },

  settings = {
    techconnect = { max_power_kw = 150 },
    -- Virtual meters: the consumer creates a meter (place, account, serial) and sends readings, accepted at once.
    -- Meters the server polls are not offered «Передать показания» (polled_meters = false).
    manual_readings = { approval = "auto", virtual_meters = true, max_daily_kwh = 300, polled_meters = false },
    -- «Статистика отключений» (seed 003): planned outages announced three days ahead; most of the city's
    -- houses have one supply source (24 h permitted); the list is public, as the company's site publishes it.
    outages = { notify_days_ahead = 3, sources = 1, public = true },
  },

  validate = hooks.validate,
}
