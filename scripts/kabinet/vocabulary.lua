--- kabinet.vocabulary — the words of a tenant declaration and the texts the
-- library shows: the allowed values (field types, modules, access ways,
-- confirmations, second factors, roles, time zones), the user-visible
-- messages and their rewording by T.messages, the forms of the tenant's name
-- in sentences, the monogram, and mail and SMS texts (the defaults are in
-- kabinet.messages). All user-visible text is Russian.

local messages = require("kabinet.messages")
local tables = require("kabinet.tables")

local set_of = tables.set_of

local M = {}

local log = kabinet and kabinet.log or function() end

--- Field types a form may use.
M.FIELD_TYPES = set_of {
  "text", "email", "phone", "password", "password_confirm", "snils", "inn",
  "inn10", "inn12", "ogrn", "ogrnip", "postcode", "date", "select", "street",
  "boolean", "textarea", "passport", "egr_record",
}

--- Modules a tenant may switch on.
M.MODULES = set_of {
  "identity", "meters", "readings", "manual_readings", "archive", "reports",
  "appeals", "techconnect", "services", "outages", "notifications",
  "contracts", "feedback", "survey",
}

--- Ways a consumer gets access to metering points (SPEC §2.2).
M.ACCESS_WAYS = set_of { "account_number", "ogrn_contract", "supplier_login", "operator_grant" }

--- Confirmations a tenant may demand before the first login.
M.CONFIRMATIONS = set_of { "email", "phone" }

--- Second factors a tenant may offer.
M.SECOND_FACTORS = set_of { "sms", "totp" }

--- Roles of a tenant's users (the core's fixed roles; `platform-admin`
-- belongs to no tenant) — for `identity.force_second_factor`.
M.ROLES = set_of { "consumer", "operator", "tenant-admin" }

--- Time zones of the Russian Federation (IANA names).
M.TIMEZONES = set_of {
  "Europe/Kaliningrad", "Europe/Moscow", "Europe/Simferopol", "Europe/Kirov",
  "Europe/Volgograd", "Europe/Astrakhan", "Europe/Saratov", "Europe/Ulyanovsk",
  "Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk", "Asia/Novosibirsk",
  "Asia/Barnaul", "Asia/Tomsk", "Asia/Novokuznetsk", "Asia/Krasnoyarsk",
  "Asia/Irkutsk", "Asia/Chita", "Asia/Yakutsk", "Asia/Khandyga",
  "Asia/Vladivostok", "Asia/Ust-Nera", "Asia/Magadan", "Asia/Sakhalin",
  "Asia/Srednekolymsk", "Asia/Kamchatka", "Asia/Anadyr",
}

--- Field types that can serve as the login identifier.
M.LOGIN_TYPES = set_of { "text", "email", "phone", "snils", "inn", "inn10", "inn12", "ogrn", "ogrnip" }

--- Field types whose length may be limited with min_length / max_length.
M.LENGTH_TYPES = set_of { "text", "textarea", "password", "email" }

--- Length caps applied when a field declares none (protects storage).
M.DEFAULT_MAX_LENGTH = { text = 255, textarea = 4000, email = 254 }

--- File name extensions of a logo.
M.LOGO_EXTENSIONS = set_of { "png", "svg", "jpg", "jpeg", "webp" }

--- The login kind of the utility's staff (operators, tenant admins): by e-mail, in every tenant.
M.STAFF_KIND = "staff"

--- Forms of the tenant's name for sentences of mails and text messages
-- (`name_forms` of the declaration), each with its placeholder and where it
-- goes: `genitive` → {tenant_genitive}, after «личный кабинет» («в личном
-- кабинете АО «ВОЭК»»); `accusative` → {tenant_accusative}, after «в»
-- («сообщите в АО «ВОЭК»»). Without them the short name stands in, which
-- reads right wherever it is an abbreviation with the name in quotes.
M.NAME_FORMS = { genitive = "tenant_genitive", accusative = "tenant_accusative" }

--- The longest name form, in characters.
M.NAME_FORM_MAX = 200

--- Messages a tenant may reword in `T.messages`, with their defaults.
M.DEFAULT_MESSAGES = {
  required = "Поле обязательно для заполнения",
  login_taken = "Пользователь с такими данными уже зарегистрирован",
  registration_failed = "Не удалось зарегистрироваться. Исправьте отмеченные поля и повторите попытку.",
  login_readonly = "Имя для входа изменить нельзя",
}

--- The messages each form carries for the portal.
M.REGISTRATION_MESSAGES = { "required", "login_taken", "registration_failed" }
M.PROFILE_MESSAGES = { "required", "login_readonly" }

--- What is shown after registration when the tenant says nothing, by the
-- confirmations it demands.
M.REGISTRATION_DONE = {
  none = "Регистрация прошла успешно.",
  email = "Для подтверждения регистрации перейдите по ссылке из письма, отправленного на указанный "
    .. "адрес электронной почты.",
  phone = "Для подтверждения регистрации введите код из SMS, отправленного на указанный номер телефона.",
  both = "Для завершения регистрации подтвердите адрес электронной почты (перейдите по ссылке из письма) "
    .. "и номер телефона (введите код из SMS).",
}

--- Reasons the forms give for a field (not reworded by tenants).
M.TEXT = {
  bad_value = "Некорректное значение",
  not_in_list = "Выберите значение из списка",
  hook_failed = "Не удалось проверить данные формы. Повторите попытку позже или обратитесь в службу поддержки",
  unknown_field = "Неизвестное поле",
  password_elsewhere = "Пароль меняется отдельно: кнопкой «Сменить пароль»",
  unknown_kind = "Неизвестный вид заявителя",
  passwords_differ = "Пароли не совпадают",
  values_differ = "Значения не совпадают",
  consent_needed = "Необходимо дать согласие",
}

--- A user-visible message, as the tenant words it in T.messages or by default.
-- @param key one of the keys of M.DEFAULT_MESSAGES
-- @return string (nil for an unknown key)
function M.message(T, key)
  local own = type(T) == "table" and type(T.messages) == "table" and T.messages[key]
  return own or M.DEFAULT_MESSAGES[key]
end

--- Latin and Cyrillic letters (ё included) in lower or upper case; other
-- characters as they are.
function M.change_case(s, upper)
  local out = {}
  for _, c in utf8.codes(s) do
    if upper then
      if (c >= 0x61 and c <= 0x7A) or (c >= 0x430 and c <= 0x44F) then c = c - 0x20
      elseif c == 0x451 then c = 0x401 end
    else
      if (c >= 0x41 and c <= 0x5A) or (c >= 0x410 and c <= 0x42F) then c = c + 0x20
      elseif c == 0x401 then c = 0x451 end
    end
    out[#out + 1] = utf8.char(c)
  end
  return table.concat(out)
end

local LEGAL_FORMS = set_of { "АО", "ООО", "ПАО", "ЗАО", "ОАО", "МУП", "ГУП", "ИП" }

--- Up to two capital letters of a name for a tile without a logo: the name,
-- not its legal form («АО «ВОЭК»» → «ВО», «ОЭС 360» → «ОЭ»); «ЛК» without one.
function M.monogram(name)
  local plain = (name or ""):gsub("«", ""):gsub("»", ""):gsub("[\"'()]", "")
  local words = {}
  for w in plain:gmatch("%S+") do words[#words + 1] = w end
  local word = words[1]
  if #words > 1 and LEGAL_FORMS[M.change_case(words[1], true)] then word = words[2] end
  if not word or not utf8.len(word) then return "ЛК" end
  local letters = {}
  for _, c in utf8.codes(word) do
    if #letters == 2 then break end
    letters[#letters + 1] = utf8.char(c)
  end
  return M.change_case(table.concat(letters), true)
end

-- The values of a message: the tenant's names and name forms, then what the core passes.
local function message_vars(T, vars)
  local out = { tenant_name = T.short_name, tenant_full_name = T.name }
  local forms = type(T.name_forms) == "table" and T.name_forms or {}
  for form, var in pairs(M.NAME_FORMS) do out[var] = forms[form] or T.short_name end
  if type(vars) == "table" then
    for k, v in pairs(vars) do out[k] = v end
  end
  return out
end

--- A mail of the tenant: its own template (T.mail_templates[template]) over
-- the default of kabinet.messages, with the values put in (see kabinet.tenant.mail).
-- @return {subject, text, html?}; raises for an unknown template or a missing variable
function M.mail(T, template, vars)
  local own = type(T.mail_templates) == "table" and T.mail_templates[template] or nil
  return messages.mail(template, message_vars(T, vars), own)
end

--- An SMS of the tenant: T.sms_templates[template] or the default, with the
-- values put in; a text longer than one Cyrillic SMS is logged.
-- @return text; raises for an unknown template or a missing variable
function M.sms(T, template, vars)
  local own = type(T.sms_templates) == "table" and T.sms_templates[template] or nil
  local text, length = messages.sms(template, message_vars(T, vars), own)
  if length > messages.SMS_LIMIT then
    log(string.format("kabinet.tenant: SMS '%s' длиннее %d символов (%d)", template, messages.SMS_LIMIT, length))
  end
  return text
end

return M
