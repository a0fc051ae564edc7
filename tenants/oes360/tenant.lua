--- ОЭС 360 ЛК — the consumer cabinet on the supplier's side.
-- Seed: shared/seeds/004_oes360.txt.
--
-- Registration: e-mail (the login), full name, phone, password of at least
-- 8 characters typed twice; the e-mail is confirmed by a link; codes of the
-- optional second factor go to the phone by SMS. Contracts are linked by
-- choosing a supplier and entering the login and password the supplier
-- issued; a contract can be renamed. Metering points with readings, power
-- profile, event journals and instrument transformers; readings of
-- non-smart meters are submitted by the consumer; notifications; appeals.

local F = require("kabinet.fields")
local C = require("kabinet.consents")

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

  dictionaries = {
    -- Suppliers whose contracts can be linked with the supplier's login.
    suppliers = {
      { value = "oes360", label = "ОЭС 360" },
    },
  },

  messages = {
    login_taken = "Пользователь с таким E-mail уже существует",
  },

  settings = {
    contracts = { renamable = true },
    meters = { profile_intervals_min = { 30, 60 } },
    readings = { periods = { "month", "week", "day" } },
    manual_readings = { approval = "auto", non_smart_only = true },
    notifications = { switches = { "supplier", "meters" } },
  },
}
