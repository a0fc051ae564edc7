--- ООО «КЭС Оренбуржья» — consumers with WAVIoT smart meters ФОБОС 1 / ФОБОС 3.
-- Seed: shared/seeds/000_waviot_kes_orenburg.txt.
--
-- Registration as on the WAVIoT platform: e-mail (the login) and password,
-- surname, name, patronymic (if any) and a mobile phone; both the e-mail and
-- the phone must be confirmed. Meters become visible when the consumer has
-- told the grid company the e-mail they registered with and an operator has
-- granted access — what the consumer is told after registration. Tamper
-- events of the meters (cover, terminal cover, magnetic field) are reported
-- to the operator. The utility's staff (operators, tenant admins) must use a
-- second factor: an example of `identity.force_second_factor`.

local F = require("kabinet.fields")
local C = require("kabinet.consents")

return {
  id = "kes-orenburg",
  name = "Общество с ограниченной ответственностью «КЭС Оренбуржья»",
  short_name = "ООО «КЭС Оренбуржья»",
  hosts = { "kes-orenburg.kabinet.localhost" },
  timezone = "Asia/Yekaterinburg",
  branding = { primary = "#0a5ca8", accent = "#f39200", logo = nil },

  modules = { "identity", "meters", "readings", "notifications" },
  access_ways = { "operator_grant" },
  confirmations = { "email", "phone" },
  password_policy = { min_length = 8, max_length = 128, require_letter = true, require_digit = true },

  identity = {
    -- Seed, step 2: the consumer tells the grid company the e-mail of the account.
    post_registration = "Доступ к приборам учёта предоставляет сетевая организация: сообщите "
      .. "ООО «КЭС Оренбуржья» адрес электронной почты, с которым вы зарегистрировались, "
      .. "по телефону 38-78-38 или по эл. почте balans.kes@yandex.ru.",
    force_second_factor = { "operator", "tenant-admin" },
  },

  consents = {
    C.personal_data { operator = "ООО «КЭС Оренбуржья»", version = "2024-01", implicit = true },
  },

  applicant_kinds = {
    {
      id = "consumer",
      label = "Потребитель",
      fields = {
        F.text { name = "surname", label = "Фамилия", placeholder = "Иванов",
          hint = "Ваша фамилия", max_length = 100 },
        F.text { name = "name", label = "Имя", placeholder = "Иван",
          hint = "Ваше полное имя", max_length = 100 },
        F.text { name = "patronymic", label = "Отчество", required = false, placeholder = "Иванович",
          hint = "Ваше отчество (обязательно при наличии)", max_length = 100 },
        -- The seed's hint «Email будет использоваться для входа на сайт» is what the portal says of
        -- every login field; not said twice.
        F.email { label = "Email", login = true },
        F.phone { label = "Мобильный телефон", mobile = true,
          hint = "Актуальный номер мобильного телефона для входа" },
        F.password {},
        F.password_confirm { label = "Повторите пароль" },
      },
    },
  },

  settings = {
    meters = {
      -- What the portal tells a consumer who has no meters yet.
      access_help = "Для доступа к приборам учёта сообщите ООО «КЭС Оренбуржья» адрес электронной почты, "
        .. "с которым вы зарегистрировались: по телефону 38-78-38 или по эл. почте balans.kes@yandex.ru.",
      -- Events of the meter's journal that raise a notification to the operator.
      tamper_alerts = { "cover_open", "terminal_cover_open", "magnetic_field", "firmware_integrity" },
    },
  },
}
