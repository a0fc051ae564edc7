--- ОЭС 360 ЛК — the consumer cabinet on the supplier's side.
-- Seed: shared/seeds/004_oes360.txt.
--
-- Registration: e-mail (the login), full name, phone, password of at least
-- 8 characters typed twice; the e-mail is confirmed by a link; codes of the
-- optional second factor go to the phone by SMS (TOTP is offered as well).
-- The profile has switches for notifications from the supplier and from the
-- meters. Contracts are linked by
-- choosing a supplier and entering the login and password the supplier
-- issued; a contract can be renamed. Metering points with readings, power
-- profile, event journals and instrument transformers; readings of
-- non-smart meters are submitted by the consumer; notifications; appeals.

local F = require("kabinet.fields")
local C = require("kabinet.consents")
local Cases = require("kabinet.cases")

-- «Обращение в службу поддержки» (3.7): e-mail, contact phone, a short
-- subject and a short description; the latest appeals with their status on the
-- home page, every appeal with its status, answer and history on «Обращения».
-- The subjects are a short list (the seed's samples: «Смена тарифного
-- расписания», «Замена прибора учёта»); statuses as the seed shows them
-- («В РАБОТЕ», «ЗАКРЫТО» with the answer beside it).
local SUBJECTS = {
  { value = "meter_replacement", label = "Замена прибора учёта" },
  { value = "tariff_change", label = "Смена тарифного расписания" },
  { value = "readings", label = "Показания и расчёты" },
  { value = "contract", label = "Договор и личный кабинет" },
  { value = "other", label = "Другой вопрос" },
}
local STATES = { registered = { label = "Новое" }, answered = { label = "Закрыто" } }

return {
  id = "oes360",
  name = "ОЭС 360 — личный кабинет потребителя",
  short_name = "ОЭС 360",
  hosts = { "oes360.kabinet.localhost" },
  timezone = "Europe/Moscow",
  branding = { primary = "#2e9e48", accent = "#f5c400", logo = nil },

  modules = { "identity", "contracts", "meters", "readings", "manual_readings", "notifications", "appeals" },
  access_ways = { "supplier_login" },
  confirmations = { "email" },
  second_factor = "sms",
  -- "Пароль должен быть не менее 8 символов и может содержать заглавные и
  -- строчные буквы, цифры и специальные символы."
  password_policy = { min_length = 8, max_length = 128 },

  identity = {
    -- "Для подтверждения регистрации необходимо перейти по ссылке из письма,
    -- которое будет отправлено на указанный E-mail."
    registration_message = "Для подтверждения регистрации перейдите по ссылке из письма, "
      .. "отправленного на указанный E-mail.",
    -- "После входа в ОЭС 360 ЛК потребителя необходимо добавить договор."
    post_registration = "После входа добавьте договор: нажмите «Добавить договор», выберите поставщика "
      .. "и введите логин и пароль, полученные от поставщика.",
  },

  -- Profile, 3.4: "включить или выключить уведомления от поставщика или приборов учета".
  notifications = {
    categories = {
      { id = "supplier", label = "Уведомления от поставщика", default = true },
      { id = "meters", label = "Уведомления от приборов учёта", default = true },
    },
  },

  -- The login code names the cabinet (67 characters with a 6-digit code).
  sms_templates = {
    login_code = "{tenant_name}: код входа {code}, действует {minutes_text}. Никому не сообщайте.",
  },

  consents = {
    C.personal_data { operator = "ОЭС 360", version = "2024-01", implicit = true },
  },

  applicant_kinds = {
    {
      id = "consumer",
      label = "Абонент",
      fields = {
        F.email { label = "E-mail", login = true,
          hint = "На этот адрес придёт письмо с подтверждением регистрации; он нужен и для восстановления пароля" },
        F.full_name { label = "Ф.И.О." },
        F.phone { label = "Телефон", mobile = true,
          hint = "На этот номер могут приходить коды двухфакторной аутентификации" },
        F.password { hint = "Не менее 8 символов; может содержать заглавные и строчные буквы, цифры и специальные символы" },
        F.password_confirm { label = "Повторите пароль", hint = "Введённые пароли должны совпадать" },
      },
    },
  },

  case_groups = {
    { id = "appeals", label = "Обращения", file_label = "Создать обращение", list_label = "Обращения",
      kind_label = "Вид обращения", kind_placeholder = "-Выберите вид обращения-" },
  },
  case_kinds = {
    Cases.appeal {
      id = "support", label = "Обращение в службу поддержки", group = "appeals", register = "appeals",
      -- «Отправка обращений абонента в программный комплекс снабжающей компании» (seed 004 §1): the appeal goes to
      -- the supplier's billing through the consumer's supplier account; its status and answer come back here.
      forward = "supplier",
      fields = {
        F.email { label = "E-mail", prefill = "email" },
        F.phone { label = "Контактный телефон", prefill = "phone" },
        F.select { name = "subject", label = "Тема сообщения", options = SUBJECTS, placeholder = "-Выберите тему-" },
        Cases.text { label = "Краткое описание вопроса", max = 2000 },
      },
      states = STATES,
    },
    -- PP 55/2024: a complaint on the reliability or quality of supply, numbered with the appeals.
    Cases.complaint_pp55 { id = "pp55", group = "appeals", register = "appeals", states = STATES },
  },
  case_registers = { appeals = { start = 1 } },

  dictionaries = {
    -- Suppliers whose contracts can be linked with the supplier's login.
    suppliers = {
      { value = "oes360", label = "ОЭС 360" },
    },
  },

  -- The supplier's billing (seed 004 §1): a consumer links a contract by the login and password the supplier
  -- issued («Добавить договор»); their account then brings the balance with charges and payments, the
  -- supplier's notifications and the status and answer of forwarded appeals. The supplier's address and the
  -- paths of its API are server settings (`--connectors`), never written here.
  connectors = {
    {
      id = "supplier",
      plugin = "supplier-http",
      label = "ОЭС 360 — биллинг поставщика",
      accounts = "consumer",
      supplier = "oes360",
      tasks = {
        { id = "balances", label = "Баланс, начисления и оплаты", every_minutes = 60, window_days = 400 },
        { id = "notifications", label = "Уведомления поставщика", every_minutes = 30, window_days = 31 },
        { id = "cases", label = "Ответы на обращения", every_minutes = 10 },
      },
    },
  },

  messages = {
    login_taken = "Пользователь с таким E-mail уже существует",
  },

  settings = {
    contracts = { renamable = true },
    meters = { profile_intervals_min = { 30, 60 } },
    readings = { periods = { "month", "week", "day" } },
    -- Readings of smart meters (and of meters the server polls) arrive by themselves: not offered.
    manual_readings = { approval = "auto", non_smart_only = true, polled_meters = false },
  },
}
