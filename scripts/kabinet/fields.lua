--- kabinet.fields — constructors for the fields of registration forms (and
-- of the profile-only fields a kind declares in `profile_fields`), so that a
-- tenant's declaration reads as a list of what it asks for:
--
--   local F = require("kabinet.fields")
--   fields = {
--     F.snils{ login = true },
--     F.email{ label = "Email" },
--     F.password{},
--     F.password_confirm{ label = "Пароль повторно" },
--     F.phone{ label = "Контактный телефон" },
--   }
--
-- Each constructor takes a table of keys that override its defaults (name,
-- label, placeholder ...) and returns a new field table; nothing is checked
-- here: `kabinet.tenant.check` reports what is wrong, with its path.
-- `required` defaults to true in `kabinet.tenant`; write `required = false`
-- for an optional field.

local F = {}

-- Returns a new table: `defaults` overlaid with `spec`.
local function make(defaults, spec)
  local field = {}
  for k, v in pairs(defaults) do field[k] = v end
  for k, v in pairs(spec or {}) do field[k] = v end
  return field
end

-- Defines F.<ctor> as a constructor with the given defaults.
local function define(ctor, defaults)
  F[ctor] = function(spec) return make(defaults, spec) end
end

--- F.text{name=, label=, ...}: one line of free text (name and label required).
define("text", { type = "text" })

--- F.textarea{name=, label=, ...}: several lines of free text.
define("textarea", { type = "textarea" })

--- F.full_name{label=}: surname, name and patronymic in one line ("ФИО").
define("full_name", { type = "text", name = "full_name", label = "ФИО", max_length = 255 })

--- F.email{}: e-mail address, stored lower-cased.
define("email", { type = "email", name = "email", label = "Электронная почта",
  placeholder = "name@example.ru", max_length = 254 })

--- F.phone{}: Russian phone number, stored as E.164 (+7XXXXXXXXXX);
-- `mobile = true` accepts only mobile numbers (for SMS codes).
define("phone", { type = "phone", name = "phone", label = "Телефон",
  placeholder = "+7 (900) 000-00-00" })

--- F.password{}: the password, checked against the tenant's password policy.
define("password", { type = "password", name = "password", label = "Пароль" })

--- F.password_confirm{}: the password typed again (same_as = "password").
define("password_confirm", { type = "password_confirm", name = "password_confirm",
  label = "Подтверждение пароля", same_as = "password" })

--- F.snils{}: СНИЛС with its control number, stored as 11 digits.
define("snils", { type = "snils", name = "snils", label = "СНИЛС", placeholder = "000-000-000 00" })

--- F.inn{}: ИНН of 10 or 12 digits.
define("inn", { type = "inn", name = "inn", label = "ИНН" })

--- F.inn10{}: ИНН of a legal entity (10 digits).
define("inn10", { type = "inn10", name = "inn", label = "ИНН", placeholder = "10 цифр" })

--- F.inn12{}: ИНН of an individual or a sole proprietor (12 digits).
define("inn12", { type = "inn12", name = "inn", label = "ИНН", placeholder = "12 цифр" })

--- F.ogrn{}: ОГРН of a legal entity (13 digits).
define("ogrn", { type = "ogrn", name = "ogrn", label = "ОГРН", placeholder = "13 цифр" })

--- F.ogrnip{}: ОГРНИП of a sole proprietor (15 digits).
define("ogrnip", { type = "ogrnip", name = "ogrnip", label = "ОГРНИП", placeholder = "15 цифр" })

--- F.postcode{}: Russian postcode (6 digits).
define("postcode", { type = "postcode", name = "postcode", label = "Почтовый индекс" })

--- F.passport{}: series and number of a Russian passport, stored as
-- "SSSS NNNNNN" ("2011№ 405454" → "2011 405454").
define("passport", { type = "passport", name = "passport", label = "Серия и номер паспорта",
  placeholder = "0000 000000" })

--- F.egr_record{}: number of the record in ЕГРЮЛ (13 digits) or ЕГРИП
-- (15 digits), stored as digits.
define("egr_record", { type = "egr_record", name = "egr_record",
  label = "Номер записи в едином государственном реестре" })

--- F.date{name=, label=}: a date, DD.MM.YYYY or YYYY-MM-DD, stored as YYYY-MM-DD.
define("date", { type = "date", placeholder = "ДД.ММ.ГГГГ" })

--- F.select{name=, label=, options = {{value=, label=}...}} or with
-- `dictionary = "<name>"`: one value out of a list.
define("select", { type = "select" })

--- F.street{}: a street chosen from the tenant's dictionary "streets".
define("street", { type = "street", name = "street", label = "Улица", dictionary = "streets" })

--- F.boolean{name=, label=}: a yes/no switch (the portal shows Да / Нет).
define("boolean", { type = "boolean" })

return F
