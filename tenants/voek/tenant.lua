--- АО «ВОЭК» — Владимирская областная электросетевая компания.
-- Seed: shared/seeds/002_voek.txt.
--
-- Three applicant kinds with their own fields and login identifiers:
-- an individual logs in with СНИЛС, a sole proprietor with ОГРНИП, a legal
-- entity with ОГРН. The account is activated by a link sent to the e-mail.
-- Individuals add personal account numbers checked against the company's
-- data; sole proprietors and legal entities are found by ОГРН(ИП), confirm
-- with the number of any of their contracts and then see all contracts.
-- Archive of smart-meter data for a period of at most 3 years back; the
-- request may be changed until 21:00 Moscow time, the file is ready the next
-- day. Tech-connection applications, contracts, feedback and the quality
-- survey (kabinet.cases, in feedback.lua).

local F = require("kabinet.fields")
local C = require("kabinet.consents")
local feedback = require("feedback")()
local techconnect = require("techconnect")()

-- The items of lists a and b, in order.
local function concat(a, b)
  local out = {}
  for _, x in ipairs(a) do out[#out + 1] = x end
  for _, x in ipairs(b) do out[#out + 1] = x end
  return out
end

-- Sole proprietors and legal entities are found by ОГРН(ИП) and confirm
-- with the number of any of their contracts.
local ENTITY_NEXT = "Чтобы видеть сведения о приборах учёта, после входа откройте «Информация по приборам учёта» "
  .. "и подтвердите данные организации номером любого договора электроснабжения или купли-продажи "
  .. "электрической энергии со сбытовой организацией."

return {
  id = "voek",
  name = "Акционерное общество «Владимирская областная электросетевая компания»",
  short_name = "АО «ВОЭК»",
  hosts = { "voek.kabinet.localhost" },
  timezone = "Europe/Moscow",
  branding = { primary = "#00529b", accent = "#e30613", logo = nil },

  modules = { "identity", "meters", "readings", "archive", "techconnect", "contracts", "feedback", "survey" },
  access_ways = { "account_number", "ogrn_contract" },
  confirmations = { "email" },
  password_policy = { min_length = 8, max_length = 128, require_letter = true, require_digit = true },

  identity = {
    -- "...необходимо зайти в указанную при регистрации электронную почту для
    -- активации учетной записи в системе ВОЭК."
    registration_message = "Для активации учётной записи перейдите по ссылке из письма, "
      .. "отправленного на указанный при регистрации адрес электронной почты.",
    -- What each kind does next to see its meters (sections III and V of the seed).
    post_registration = {
      individual = "Чтобы видеть сведения о приборах учёта, после входа добавьте номер лицевого счёта: "
        .. "он указан сбытовой организацией в квитанции на оплату электрической энергии.",
      sole_proprietor = ENTITY_NEXT,
      legal_entity = ENTITY_NEXT,
    },
  },

  -- The activation mail in the company's words.
  mail_templates = {
    confirm_email = {
      subject = "Активация учётной записи в личном кабинете {tenant_name}",
      text = table.concat({
        "Здравствуйте!",
        "Вы зарегистрировались в личном кабинете потребителя {tenant_genitive}. Для активации учётной "
          .. "записи перейдите по ссылке:",
        "{link}",
        "Ссылка действует {expires_hours_text}. Если вы не регистрировались, просто удалите это письмо.",
        "Письмо отправлено автоматически, отвечать на него не нужно.",
      }, "\n\n"),
    },
  },

  consents = {
    C.personal_data { operator = "АО «ВОЭК»", version = "2024-01", implicit = true },
  },

  applicant_kinds = {
    {
      id = "individual",
      label = "Физическое лицо",
      access_ways = { "account_number" },
      fields = {
        F.snils { login = true },
        F.email { label = "Email" },
        F.password {},
        F.password_confirm { label = "Пароль повторно" },
        F.phone { label = "Контактный телефон" },
      },
    },
    {
      id = "sole_proprietor",
      label = "Индивидуальный предприниматель",
      access_ways = { "ogrn_contract" },
      fields = {
        F.inn12 {},
        F.email { label = "Email" },
        F.password {},
        F.password_confirm { label = "Пароль повторно" },
        F.phone { label = "Контактный телефон" },
        F.ogrnip { login = true },
      },
    },
    {
      id = "legal_entity",
      label = "Юридическое лицо",
      access_ways = { "ogrn_contract" },
      fields = {
        F.inn10 {},
        F.email { label = "Email" },
        F.password {},
        F.password_confirm { label = "Пароль повторно" },
        F.phone { label = "Контактный телефон" },
        F.ogrn { login = true },
      },
    },
  },

  -- «Обратная связь» and «Опрос потребителя»: feedback.lua.
  -- «Заявки» (tech connection) first, as seed 002's menu: techconnect.lua.
  case_groups = concat(techconnect.groups, feedback.groups),
  case_registers = techconnect.registers,
  case_kinds = concat(feedback.kinds, techconnect.kinds),

  dictionaries = {
    -- Who may apply for tech connection through the cabinet (PP RF 861).
    tc_service_kinds = {
      { value = "individual_15", max_power_kw = 15,
        label = "Физическое лицо до 15 кВт включительно для бытовых нужд (п. 14 Правил)" },
      { value = "up_to_150", max_power_kw = 150,
        label = "Юридическое лицо, физическое лицо или индивидуальный предприниматель до 150 кВт включительно (п. 12(1) Правил)" },
      { value = "temporary", max_power_kw = 150,
        label = "Временное технологическое присоединение (п. 13 Правил)" },
    },
  },

  settings = {
    archive = {
      max_depth_years = 3,
      change_until = "21:00",            -- Moscow time, on the day of the request
      change_timezone = "Europe/Moscow",
      ready = "next_day",
      formats = { "xlsx", "csv" },
    },
    techconnect = { max_voltage_kv = 10 },
  },
}
