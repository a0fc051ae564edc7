--- kabinet.tenant — what the C++ core asks of a tenant's declaration.
--
-- `tenants/<id>/tenant.lua` returns a table T (the declaration: names,
-- hosts, branding, modules, applicant kinds with their registration and
-- profile fields, dictionaries, consents, password policy, identity
-- settings, mail and SMS texts ...). The core hands T to the functions
-- below (the default mail and SMS texts are in kabinet.messages):
--
--   check(T)                                → nil | {"<path>: <problem>", ...}
--   profile(T)                              → public profile
--   registration_form(T)                    → form description for the portal
--   dictionary(T, name)                     → {name, items = {{value, label}...}} | nil
--   validate_registration(T, kind, fields)  → nil | {<field> = "<reason>"}
--   normalize_registration(T, kind, fields) → registration record | nil, errors
--   normalize_login(T, kind, value)         → login identifier | nil, reason
--   message(T, key)                         → user-visible message text
--   profile_form(T)                         → profile form description for the portal
--   validate_profile(T, kind, fields)       → nil | {<field> = "<reason>"} (a PATCH)
--   normalize_profile(T, kind, fields)      → {<field> = value} | nil, errors
--   identity(T)                             → identity settings with defaults
--   validate_password(T, password, confirm) → nil | {password?, confirm?}
--   mail(T, template, vars)                 → {subject, text, html?}
--   sms(T, template, vars)                  → SMS text
--   display_name(T, kind, fields)           → the person's or organisation's name | nil
--
-- Everything but `check` first prepares T once (the result is cached per T)
-- and raises an error if T does not pass `check`. Tables meant as JSON
-- arrays are marked with `kabinet.array` (when the host provides it).
-- All user-visible text is Russian.

local V = require("kabinet.validators")
local messages = require("kabinet.messages")
local polling = require("kabinet.polling")

local M = {}

local array = kabinet and kabinet.array or function(t) return t end
local log = kabinet and kabinet.log or function() end

---------------------------------------------------------------------------
-- Vocabulary
---------------------------------------------------------------------------

-- Turns a list into a set.
local function set_of(list)
  local s = {}
  for _, v in ipairs(list) do s[v] = true end
  return s
end

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

-- Field types that can serve as the login identifier.
local LOGIN_TYPES = set_of { "text", "email", "phone", "snils", "inn", "inn10", "inn12", "ogrn", "ogrnip" }

-- Field types whose length may be limited with min_length / max_length.
local LENGTH_TYPES = set_of { "text", "textarea", "password", "email" }

-- Length caps applied when a field declares none (protects storage).
local DEFAULT_MAX_LENGTH = { text = 255, textarea = 4000, email = 254 }

local TOP_KEYS = set_of {
  "id", "name", "short_name", "hosts", "timezone", "branding", "modules",
  "access_ways", "confirmations", "second_factor", "password_policy",
  "dictionaries", "appeal_kinds", "consents", "applicant_kinds", "validate",
  "settings", "messages", "identity", "notification_switches", "mail_templates",
  "sms_templates", "polling", "name_forms",
}
local REQUIRED_TOP_KEYS = {
  "id", "name", "short_name", "hosts", "timezone", "branding", "modules",
  "access_ways", "confirmations", "password_policy", "applicant_kinds",
}
local KIND_KEYS = set_of { "id", "label", "fields", "login", "access_ways", "validate", "profile_fields" }
local FIELD_KEYS = set_of {
  "name", "label", "type", "required", "login", "dictionary", "options",
  "visible_if", "hint", "min_length", "max_length", "same_as", "placeholder",
  "default", "mobile", "pattern", "pattern_message",
}
local POLICY_KEYS = set_of {
  "min_length", "max_length", "require_letter", "require_upper",
  "require_lower", "require_digit", "require_special", "latin_only",
}
local CONSENT_KEYS = set_of { "id", "title", "label", "version", "text", "required", "implicit", "error" }
local BRANDING_KEYS = set_of { "primary", "accent", "logo" }
local IDENTITY_KEYS = set_of {
  "email_field", "phone_field", "lockout", "guessing", "session", "registration_message",
  "post_registration", "force_second_factor",
}
local SWITCH_KEYS = set_of { "id", "label", "default" }
local MAIL_TEMPLATE_KEYS = set_of { "subject", "text", "html" }

--- Forms of the tenant's name for sentences of mails and text messages
-- (`name_forms` of the declaration), each with its placeholder and where it
-- goes: `genitive` → {tenant_genitive}, after «личный кабинет» («в личном
-- кабинете АО «ВОЭК»»); `accusative` → {tenant_accusative}, after «в»
-- («сообщите в АО «ВОЭК»»). Without them the short name stands in, which
-- reads right wherever it is an abbreviation with the name in quotes.
M.NAME_FORMS = { genitive = "tenant_genitive", accusative = "tenant_accusative" }

-- The longest name form, in characters.
local NAME_FORM_MAX = 200

--- Limits of login throttling, of guessing access identifiers and of
-- sessions: defaults, and the range a tenant may set in `identity.lockout`
-- / `identity.guessing` / `identity.session`. This table is the one place
-- of these bounds: the core takes what identity() returns as it is.
M.IDENTITY_LIMITS = {
  lockout = {
    max_failures = { default = 5, min = 1, max = 100 },     -- failed logins ...
    window_minutes = { default = 15, min = 1, max = 1440 }, -- ... within this window
    lock_minutes = { default = 15, min = 1, max = 10080 },  -- lock the login for this long
  },
  guessing = { -- personal account and contract numbers tried by one user
    max_failures = { default = 10, min = 1, max = 100 },    -- numbers not found ...
    window_minutes = { default = 60, min = 1, max = 1440 }, -- ... within this window
    lock_minutes = { default = 60, min = 1, max = 10080 },  -- lock the user's guessing this long
  },
  session = {
    hours = { default = 12, min = 1, max = 720 },           -- a session without "remember me"
    remember_days = { default = 30, min = 0, max = 365 },   -- with "remember me"; 0 switches it off
  },
}
local LOGO_EXTENSIONS = set_of { "png", "svg", "jpg", "jpeg", "webp" }

--- The login kind of the utility's staff (operators, tenant admins): by e-mail, in every tenant.
M.STAFF_KIND = "staff"

--- Messages a tenant may reword in `T.messages`, with their defaults.
M.DEFAULT_MESSAGES = {
  required = "Поле обязательно для заполнения",
  login_taken = "Пользователь с такими данными уже зарегистрирован",
  registration_failed = "Не удалось зарегистрироваться. Исправьте отмеченные поля и повторите попытку.",
  login_readonly = "Имя для входа изменить нельзя",
}

-- The messages each form carries for the portal.
local REGISTRATION_MESSAGES = { "required", "login_taken", "registration_failed" }
local PROFILE_MESSAGES = { "required", "login_readonly" }

-- What is shown after registration when the tenant says nothing, by the
-- confirmations it demands.
local REGISTRATION_DONE = {
  none = "Регистрация прошла успешно.",
  email = "Для подтверждения регистрации перейдите по ссылке из письма, отправленного на указанный "
    .. "адрес электронной почты.",
  phone = "Для подтверждения регистрации введите код из SMS, отправленного на указанный номер телефона.",
  both = "Для завершения регистрации подтвердите адрес электронной почты (перейдите по ссылке из письма) "
    .. "и номер телефона (введите код из SMS).",
}

local BAD_VALUE = "Некорректное значение"
local NOT_IN_LIST = "Выберите значение из списка"
local HOOK_FAILED = "Не удалось проверить данные формы. Повторите попытку позже или обратитесь в службу поддержки"
local UNKNOWN_FIELD = "Неизвестное поле"
local PASSWORD_ELSEWHERE = "Пароль меняется отдельно: кнопкой «Сменить пароль»"

---------------------------------------------------------------------------
-- Small helpers
---------------------------------------------------------------------------

-- True when t is a table whose keys are exactly 1..#t.
local function is_list(t)
  if type(t) ~= "table" then return false end
  local n = 0
  for _ in pairs(t) do n = n + 1 end
  return n == #t
end

local function non_empty_string(v)
  return type(v) == "string" and v:find("%S") ~= nil
end

-- Sorted keys of a table (problems are reported in a stable order).
local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  return keys
end

-- Copy of plain data; sequences are marked as JSON arrays.
local function plain_copy(v)
  if type(v) ~= "table" then return v end
  local out = {}
  for k, x in pairs(v) do out[k] = plain_copy(x) end
  if #v > 0 and is_list(v) then array(out) end
  return out
end

-- Copy of a list of strings, as a JSON array.
local function list_copy(list)
  local out = {}
  for i, v in ipairs(list or {}) do out[i] = v end
  return array(out)
end

--- Reads a yes/no value as a browser sends it: true/false, 1/0, or the
-- strings "true", "false", "1", "0", "on", "off", "yes", "no", "да", "нет".
-- @return boolean, or nil when the value is not a yes/no
function M.parse_boolean(v)
  if type(v) == "boolean" then return v end
  if v == 1 then return true elseif v == 0 then return false end
  if type(v) ~= "string" then return nil end
  local s = V.trim(v):lower()
  if s == "true" or s == "1" or s == "on" or s == "yes" or s == "да" then return true end
  if s == "false" or s == "0" or s == "off" or s == "no" or s == "нет" then return false end
  return nil
end

-- Dictionary items normalised to {value, label, <extra scalars>}.
local function normalise_items(items)
  local out = {}
  for i, item in ipairs(items) do
    if type(item) == "table" then
      local copy = {}
      for k, v in pairs(item) do copy[k] = v end
      out[i] = copy
    else
      out[i] = { value = item, label = tostring(item) }
    end
  end
  return out
end

---------------------------------------------------------------------------
-- check(T)
---------------------------------------------------------------------------

-- A problem collector: add(path, message).
local function collector()
  local problems = {}
  local function add(path, msg) problems[#problems + 1] = path .. ": " .. msg end
  return problems, add
end

-- Reports keys of `t` that are not in `allowed`.
local function check_keys(add, path, t, allowed)
  for _, k in ipairs(sorted_keys(t)) do
    if not allowed[k] then add(path .. "." .. tostring(k), "неизвестный ключ") end
  end
end

-- Checks an optional boolean.
local function check_bool(add, path, v)
  if v ~= nil and type(v) ~= "boolean" then add(path, "ожидается true или false") end
end

-- Checks an optional non-negative integer.
local function check_count(add, path, v)
  if v ~= nil and (math.type(v) ~= "integer" or v < 0) then
    add(path, "ожидается целое неотрицательное число")
  end
end

-- Checks a required (or optional) non-empty string.
local function check_string(add, path, v, optional)
  if v == nil then
    if not optional then add(path, "обязательный ключ отсутствует") end
  elseif not non_empty_string(v) then
    add(path, "ожидается непустая строка")
  end
end

-- Checks a list of strings, each from `allowed` (a set) when given, no repeats.
local function check_string_list(add, path, v, allowed, what)
  if not is_list(v) then add(path, "ожидается список строк"); return end
  local seen = {}
  for i, s in ipairs(v) do
    local p = string.format("%s[%d]", path, i)
    if type(s) ~= "string" then
      add(p, "ожидается строка")
    elseif allowed and not allowed[s] then
      add(p, string.format("неизвестное значение %s '%s'", what, s))
    elseif seen[s] then
      add(p, string.format("значение '%s' повторяется", s))
    end
    if type(s) == "string" then seen[s] = true end
  end
end

-- Checks a list of {value, label} items (or plain strings); returns the set
-- of their values as strings.
local function check_items(add, path, items)
  local values = {}
  if not is_list(items) or #items == 0 then
    add(path, "ожидается непустой список значений")
    return values
  end
  for i, item in ipairs(items) do
    local p = string.format("%s[%d]", path, i)
    local value
    if type(item) == "string" then
      value = item
    elseif type(item) == "table" then
      value = item.value
      if type(value) ~= "string" and math.type(value) ~= "integer" then
        add(p .. ".value", "ожидается строка или целое число")
      end
      check_string(add, p .. ".label", item.label)
      for k, x in pairs(item) do
        if type(k) ~= "string" or (type(x) == "table" or type(x) == "function") then
          add(p .. "." .. tostring(k), "допустимы только строки, числа и логические значения")
        end
      end
    else
      add(p, "ожидается строка или таблица {value, label}")
    end
    if value ~= nil then
      local key = tostring(value)
      if values[key] then add(p, string.format("значение '%s' повторяется", key)) end
      values[key] = true
    end
  end
  return values
end

local function check_policy(add, policy)
  if type(policy) ~= "table" then add("password_policy", "ожидается таблица"); return end
  check_keys(add, "password_policy", policy, POLICY_KEYS)
  for _, k in ipairs { "min_length", "max_length" } do
    local v = policy[k]
    if v ~= nil and (math.type(v) ~= "integer" or v < 1) then
      add("password_policy." .. k, "ожидается целое положительное число")
    end
  end
  if math.type(policy.min_length) == "integer" and math.type(policy.max_length) == "integer"
      and policy.min_length > policy.max_length then
    add("password_policy", "min_length больше max_length")
  end
  for k in pairs(POLICY_KEYS) do
    if k ~= "min_length" and k ~= "max_length" then check_bool(add, "password_policy." .. k, policy[k]) end
  end
end

local function check_branding(add, b)
  if type(b) ~= "table" then add("branding", "ожидается таблица"); return end
  check_keys(add, "branding", b, BRANDING_KEYS)
  for _, k in ipairs { "primary", "accent" } do
    if type(b[k]) ~= "string" or not b[k]:match("^#%x%x%x%x%x%x$") then
      add("branding." .. k, "ожидается цвет в формате #rrggbb")
    end
  end
  if b.logo ~= nil then
    local ext = type(b.logo) == "string" and b.logo:match("^[%w_%-%.]+%.(%w+)$")
    if not ext or not LOGO_EXTENSIONS[ext:lower()] or b.logo:find("..", 1, true) then
      add("branding.logo", "ожидается имя файла изображения (png, svg, jpg, webp) без пути")
    end
  end
end

-- Checks one field of a kind. `names` maps field names of the kind to fields;
-- `dicts` is the set of dictionary names.
local function check_field(add, path, f, names, dicts)
  if type(f) ~= "table" then add(path, "ожидается таблица"); return end
  check_keys(add, path, f, FIELD_KEYS)
  check_string(add, path .. ".name", f.name)
  if type(f.name) == "string" and not f.name:match("^[a-z][a-z0-9_]*$") then
    add(path .. ".name", "имя поля: латинские строчные буквы, цифры и '_'")
  end
  check_string(add, path .. ".label", f.label)
  local t = f.type
  if t == nil then
    add(path .. ".type", "обязательный ключ отсутствует")
  elseif not M.FIELD_TYPES[t] then
    add(path .. ".type", string.format("неизвестный тип '%s'", tostring(t)))
  end
  check_bool(add, path .. ".required", f.required)
  check_bool(add, path .. ".login", f.login)
  check_bool(add, path .. ".mobile", f.mobile)
  for _, k in ipairs { "hint", "placeholder", "pattern_message" } do
    check_string(add, path .. "." .. k, f[k], true)
  end
  check_count(add, path .. ".min_length", f.min_length)
  check_count(add, path .. ".max_length", f.max_length)
  if (f.min_length or f.max_length) and t and not LENGTH_TYPES[t] then
    add(path, string.format("min_length/max_length неприменимы к типу '%s'", t))
  end
  if math.type(f.min_length) == "integer" and math.type(f.max_length) == "integer"
      and f.min_length > f.max_length then
    add(path, "min_length больше max_length")
  end
  if f.mobile ~= nil and t ~= "phone" then add(path .. ".mobile", "применимо только к типу 'phone'") end
  if f.pattern ~= nil then
    if t ~= "text" then
      add(path .. ".pattern", "применимо только к типу 'text'")
    elseif type(f.pattern) ~= "string" or not pcall(string.find, "", f.pattern) then
      add(path .. ".pattern", "ожидается шаблон Lua (string.find)")
    end
  end
  -- Lists of values.
  if f.options ~= nil then
    if t ~= "select" then add(path .. ".options", "применимо только к типу 'select'") end
    check_items(add, path .. ".options", f.options)
  end
  if f.dictionary ~= nil then
    if t ~= "select" and t ~= "street" and t ~= "text" then
      add(path .. ".dictionary", string.format("неприменимо к типу '%s'", tostring(t)))
    elseif type(f.dictionary) ~= "string" then
      add(path .. ".dictionary", "ожидается имя справочника")
    elseif not dicts[f.dictionary] then
      add(path .. ".dictionary", string.format("справочник '%s' не объявлен в dictionaries", f.dictionary))
    end
  end
  if t == "select" and (f.options == nil) == (f.dictionary == nil) then
    add(path, "поле типа 'select' требует ровно одно из: options, dictionary")
  end
  if t == "street" and f.dictionary == nil then
    add(path .. ".dictionary", "поле типа 'street' требует справочник улиц")
  end
  -- Default value.
  if f.default ~= nil then
    local want = t == "boolean" and "boolean" or "string"
    if type(f.default) ~= want then add(path .. ".default", "тип значения по умолчанию не подходит к типу поля") end
  end
  -- References to other fields.
  if f.same_as ~= nil then
    local other = type(f.same_as) == "string" and names[f.same_as]
    if not other or f.same_as == f.name then
      add(path .. ".same_as", string.format("поле '%s' не найдено в форме", tostring(f.same_as)))
    elseif t == "password_confirm" and other.type ~= "password" then
      add(path .. ".same_as", "подтверждение пароля должно ссылаться на поле типа 'password'")
    end
  elseif t == "password_confirm" then
    add(path .. ".same_as", "подтверждение пароля требует same_as")
  end
  if f.visible_if ~= nil then
    local cond = f.visible_if
    if type(cond) ~= "table" then
      add(path .. ".visible_if", "ожидается таблица {field = ..., equals = ...}")
    else
      check_keys(add, path .. ".visible_if", cond, set_of { "field", "equals" })
      local ctrl = type(cond.field) == "string" and names[cond.field]
      if not ctrl or cond.field == f.name then
        add(path .. ".visible_if.field", string.format("поле '%s' не найдено в форме", tostring(cond.field)))
      elseif ctrl.type == "boolean" and type(cond.equals) ~= "boolean" then
        add(path .. ".visible_if.equals", "для логического поля ожидается true или false")
      end
      local et = type(cond.equals)
      if et ~= "string" and et ~= "number" and et ~= "boolean" then
        add(path .. ".visible_if.equals", "ожидается строка, число или логическое значение")
      end
    end
  end
end

-- Whether the tenant proves phones by a code: where it confirms them at
-- registration, or sends second-factor codes to them.
local function phone_by_code(T)
  return set_of(T.confirmations or {}).phone == true or T.second_factor == "sms"
end

-- The name of the e-mail (key "email_field") or phone field as the tenant's
-- `identity` declares it, or the default.
local function identity_field(T, key, default)
  local v = type(T.identity) == "table" and T.identity[key] or nil
  if type(v) == "string" then return v end
  return default
end

-- Reports a visible_if chain that goes round in a circle; `names` maps
-- field names to fields, `path_of(i)` gives the path of fields[i].
local function check_visibility_cycles(add, fields, names, path_of)
  for i, f in ipairs(fields) do
    local seen, cur = {}, f
    while type(cur) == "table" and type(cur.visible_if) == "table" and not seen[cur] do
      seen[cur] = true
      cur = names[cur.visible_if.field]
    end
    if type(cur) == "table" and seen[cur] then
      add(path_of(i) .. ".visible_if", "циклическая зависимость видимости полей")
    end
  end
end

-- Checks the profile-only fields of a kind (`profile_fields`): fields as in
-- the registration form, never the login nor a password, with names of their
-- own; visible_if and same_as may refer to registration fields.
-- `names` maps the kind's registration field names to their fields.
local function check_profile_fields(add, path, list, names, dicts, field_names)
  if not is_list(list) then add(path, "ожидается список полей"); return end
  local all = {}
  for k, f in pairs(names) do all[k] = f end
  for i, f in ipairs(list) do
    if type(f) == "table" and type(f.name) == "string" then
      local p = string.format("%s[%d].name", path, i)
      if names[f.name] then
        add(p, string.format("поле '%s' уже есть в форме регистрации", f.name))
      elseif all[f.name] then
        add(p, string.format("повторяющееся имя поля '%s'", f.name))
      else
        all[f.name] = f
      end
      field_names[f.name] = true
    end
  end
  for i, f in ipairs(list) do
    local p = string.format("%s[%d]", path, i)
    check_field(add, p, f, all, dicts)
    if type(f) == "table" then
      if f.login == true then add(p .. ".login", "поле профиля не может быть полем для входа") end
      if f.type == "password" or f.type == "password_confirm" then
        add(p .. ".type", "пароль не может быть полем профиля: он меняется отдельно")
      end
    end
  end
  check_visibility_cycles(add, list, all, function(i) return string.format("%s[%d]", path, i) end)
end

-- Checks one applicant kind; `field_names` collects every field name of
-- every kind (consent ids must not collide with them).
local function check_kind(add, T, path, kind, dicts, field_names)
  if type(kind) ~= "table" then add(path, "ожидается таблица"); return end
  check_keys(add, path, kind, KIND_KEYS)
  check_string(add, path .. ".id", kind.id)
  if type(kind.id) == "string" and not kind.id:match("^[a-z][a-z0-9_]*$") then
    add(path .. ".id", "идентификатор: латинские строчные буквы, цифры и '_'")
  end
  check_string(add, path .. ".label", kind.label)
  if kind.validate ~= nil and type(kind.validate) ~= "function" then
    add(path .. ".validate", "ожидается функция")
  end
  if kind.access_ways ~= nil then
    check_string_list(add, path .. ".access_ways", kind.access_ways, M.ACCESS_WAYS, "способа доступа")
    if is_list(kind.access_ways) and is_list(T.access_ways) then
      local tenant_ways = set_of(T.access_ways)
      for i, w in ipairs(kind.access_ways) do
        if type(w) == "string" and M.ACCESS_WAYS[w] and not tenant_ways[w] then
          add(string.format("%s.access_ways[%d]", path, i), string.format("способ '%s' не указан в access_ways арендатора", w))
        end
      end
    end
  end
  local fields = kind.fields
  if not is_list(fields) or #fields == 0 then
    add(path .. ".fields", "ожидается непустой список полей")
    return
  end
  -- Names first, so that references may point forward.
  local names = {}
  for i, f in ipairs(fields) do
    if type(f) == "table" and type(f.name) == "string" then
      if names[f.name] then
        add(string.format("%s.fields[%d].name", path, i), string.format("повторяющееся имя поля '%s'", f.name))
      else
        names[f.name] = f
      end
      field_names[f.name] = true
    end
  end
  local logins, passwords, types = {}, 0, {}
  for i, f in ipairs(fields) do
    local fpath = string.format("%s.fields[%d]", path, i)
    check_field(add, fpath, f, names, dicts)
    if type(f) == "table" then
      if f.login == true then logins[#logins + 1] = f end
      if f.type == "password" then passwords = passwords + 1 end
      if f.type then types[f.type] = true end
    end
  end
  -- visible_if must not go round in a circle.
  check_visibility_cycles(add, fields, names, function(i) return string.format("%s.fields[%d]", path, i) end)
  -- The login identifier: one field flagged login = true, or kind.login naming it.
  if kind.login ~= nil then
    local named = type(kind.login) == "string" and names[kind.login]
    if not named then
      add(path .. ".login", string.format("поле '%s' не найдено в форме", tostring(kind.login)))
    elseif #logins > 0 and (#logins > 1 or logins[1] ~= named) then
      add(path .. ".login", "противоречит полям с login = true")
    else
      logins = { named }
    end
  end
  if #logins ~= 1 then
    add(path, string.format("должно быть ровно одно поле для входа (login = true), найдено %d", #logins))
  else
    local lf = logins[1]
    if lf.type and not LOGIN_TYPES[lf.type] then
      add(path, string.format("поле '%s' типа '%s' не может служить логином", tostring(lf.name), lf.type))
    end
    if lf.required == false or lf.visible_if ~= nil then
      add(path, string.format("поле для входа '%s' должно быть обязательным и всегда видимым", tostring(lf.name)))
    end
  end
  if passwords ~= 1 then
    add(path, string.format("должно быть ровно одно поле типа 'password', найдено %d", passwords))
  end
  -- What the tenant's confirmations and second factor need.
  local confirmations = is_list(T.confirmations) and set_of(T.confirmations) or {}
  if confirmations.email and not types.email then
    add(path, "подтверждение e-mail требует поля типа 'email'")
  end
  if (confirmations.phone or T.second_factor == "sms") and not types.phone then
    add(path, "подтверждение телефона и SMS-коды требуют поля типа 'phone'")
  end
  -- The e-mail and phone fields the core reads (identity.email_field /
  -- phone_field): of the right type wherever they are, present where needed.
  local wanted = {
    { name = identity_field(T, "email_field", "email"), type = "email", key = "identity.email_field",
      needed = confirmations.email and types.email },
    { name = identity_field(T, "phone_field", "phone"), type = "phone", key = "identity.phone_field",
      needed = (confirmations.phone or T.second_factor == "sms") and types.phone },
  }
  for _, w in ipairs(wanted) do
    local f = names[w.name]
    if (f and f.type ~= w.type) or (not f and w.needed) then
      add(path, string.format("поле '%s' (%s) должно быть в форме и иметь тип '%s'", w.name, w.key, w.type))
    end
  end
  if kind.profile_fields ~= nil then
    check_profile_fields(add, path .. ".profile_fields", kind.profile_fields, names, dicts, field_names)
  end
end

local function check_consents(add, consents, field_names)
  if not is_list(consents) then add("consents", "ожидается список"); return end
  local ids = {}
  for i, c in ipairs(consents) do
    local p = string.format("consents[%d]", i)
    if type(c) ~= "table" then
      add(p, "ожидается таблица")
    else
      check_keys(add, p, c, CONSENT_KEYS)
      check_string(add, p .. ".id", c.id)
      check_string(add, p .. ".label", c.label)
      check_string(add, p .. ".version", c.version)
      check_string(add, p .. ".text", c.text)
      check_string(add, p .. ".title", c.title, true)
      check_string(add, p .. ".error", c.error, true)
      check_bool(add, p .. ".required", c.required)
      check_bool(add, p .. ".implicit", c.implicit)
      if type(c.id) == "string" then
        if ids[c.id] then add(p .. ".id", string.format("повторяющийся идентификатор '%s'", c.id)) end
        if field_names[c.id] then add(p .. ".id", string.format("совпадает с именем поля '%s'", c.id)) end
        ids[c.id] = true
      end
    end
  end
end

-- Checks `identity`; `kind_ids` is the set of the applicant kinds' ids.
local function check_identity(add, id, kind_ids)
  if type(id) ~= "table" then add("identity", "ожидается таблица"); return end
  check_keys(add, "identity", id, IDENTITY_KEYS)
  for _, k in ipairs { "email_field", "phone_field" } do
    local v = id[k]
    if v ~= nil and (type(v) ~= "string" or not v:match("^[a-z][a-z0-9_]*$")) then
      add("identity." .. k, "ожидается имя поля")
    end
  end
  for _, group in ipairs { "lockout", "guessing", "session" } do
    local t, limits = id[group], M.IDENTITY_LIMITS[group]
    if t ~= nil then
      if type(t) ~= "table" then
        add("identity." .. group, "ожидается таблица")
      else
        check_keys(add, "identity." .. group, t, limits)
        for _, k in ipairs(sorted_keys(limits)) do
          local v, lim = t[k], limits[k]
          if v ~= nil and (math.type(v) ~= "integer" or v < lim.min or v > lim.max) then
            add(string.format("identity.%s.%s", group, k),
              string.format("ожидается целое число от %d до %d", lim.min, lim.max))
          end
        end
      end
    end
  end
  check_string(add, "identity.registration_message", id.registration_message, true)
  local post = id.post_registration
  if type(post) == "table" then
    for _, k in ipairs(sorted_keys(post)) do
      local p = "identity.post_registration." .. tostring(k)
      if not kind_ids[k] then add(p, string.format("вид заявителя '%s' не объявлен", tostring(k))) end
      check_string(add, p, post[k])
    end
  elseif post ~= nil then
    check_string(add, "identity.post_registration", post)
  end
  if id.force_second_factor ~= nil then
    check_string_list(add, "identity.force_second_factor", id.force_second_factor, M.ROLES, "роли")
  end
end

-- Checks `notification_switches`: a list of {id, label, default?}.
local function check_switches(add, list)
  if not is_list(list) then add("notification_switches", "ожидается список"); return end
  local ids = {}
  for i, sw in ipairs(list) do
    local p = string.format("notification_switches[%d]", i)
    if type(sw) ~= "table" then
      add(p, "ожидается таблица {id, label, default}")
    else
      check_keys(add, p, sw, SWITCH_KEYS)
      check_string(add, p .. ".id", sw.id)
      if type(sw.id) == "string" then
        if not sw.id:match("^[a-z][a-z0-9_]*$") then
          add(p .. ".id", "идентификатор: латинские строчные буквы, цифры и '_'")
        elseif ids[sw.id] then
          add(p .. ".id", string.format("повторяющийся идентификатор '%s'", sw.id))
        end
        ids[sw.id] = true
      end
      check_string(add, p .. ".label", sw.label)
      check_bool(add, p .. ".default", sw.default)
    end
  end
end

-- Checks `name_forms`: known forms, each a one-line non-empty string.
local function check_name_forms(add, forms)
  if type(forms) ~= "table" then add("name_forms", "ожидается таблица {genitive = …, accusative = …}"); return end
  for _, k in ipairs(sorted_keys(forms)) do
    local p = "name_forms." .. tostring(k)
    local v = forms[k]
    if not M.NAME_FORMS[k] then
      add(p, "неизвестная форма имени (есть genitive, accusative)")
    elseif not non_empty_string(v) then
      add(p, "ожидается непустая строка")
    elseif v:find("%c") or (utf8.len(v) or NAME_FORM_MAX + 1) > NAME_FORM_MAX then
      add(p, string.format("одна строка не длиннее %d символов", NAME_FORM_MAX))
    end
  end
end

-- Reports placeholders of a template text that the template does not know.
local function check_placeholders(add, path, text, known)
  for _, name in ipairs(messages.placeholders(text)) do
    if not known[name] then add(path, string.format("неизвестная переменная {%s}", name)) end
  end
end

-- Checks `mail_templates` or `sms_templates` (`kind` "mail" or "sms"):
-- template names of that kind, texts with known placeholders.
local function check_templates(add, key, templates, kind)
  if type(templates) ~= "table" then add(key, "ожидается таблица {шаблон = текст}"); return end
  for _, name in ipairs(sorted_keys(templates)) do
    local p = key .. "." .. tostring(name)
    local spec = messages.TEMPLATES[name]
    local v = templates[name]
    if not spec or spec.kind ~= kind then
      add(p, "неизвестный шаблон")
    elseif kind == "sms" then
      check_string(add, p, v)
      if non_empty_string(v) then check_placeholders(add, p, v, messages.variables(name)) end
    elseif type(v) ~= "table" then
      add(p, "ожидается таблица {subject, text, html}")
    else
      check_keys(add, p, v, MAIL_TEMPLATE_KEYS)
      local known = messages.variables(name)
      for _, k in ipairs { "subject", "text", "html" } do
        if k == "html" and v.html == false then
          -- text only
        elseif v[k] ~= nil then
          check_string(add, p .. "." .. k, v[k])
          if non_empty_string(v[k]) then check_placeholders(add, p .. "." .. k, v[k], known) end
        end
      end
    end
  end
end

--- Checks a tenant declaration.
-- @param T the table returned by tenants/<id>/tenant.lua
-- @return nil when T is well-formed, else an array of strings
--   "<path>: <problem>" (paths such as "applicant_kinds[2].fields[3].type")
function M.check(T)
  if type(T) ~= "table" then
    return array { "декларация: tenant.lua должен вернуть таблицу" }
  end
  local problems, add = collector()
  check_keys(add, "декларация", T, TOP_KEYS)
  for _, k in ipairs(REQUIRED_TOP_KEYS) do
    if T[k] == nil then add(k, "обязательный ключ отсутствует") end
  end
  if T.id ~= nil and (type(T.id) ~= "string" or not T.id:match("^[a-z0-9][a-z0-9%-]*$")) then
    add("id", "ожидается идентификатор из латинских строчных букв, цифр и '-'")
  end
  check_string(add, "name", T.name, true)
  check_string(add, "short_name", T.short_name, true)
  if T.timezone ~= nil and not M.TIMEZONES[T.timezone] then
    add("timezone", string.format("неизвестный часовой пояс '%s'", tostring(T.timezone)))
  end
  if T.hosts ~= nil then
    check_string_list(add, "hosts", T.hosts)
    if is_list(T.hosts) and #T.hosts == 0 then add("hosts", "ожидается хотя бы одно имя хоста") end
    for i, h in ipairs(is_list(T.hosts) and T.hosts or {}) do
      if type(h) == "string" and not h:match("^[a-z0-9][a-z0-9%.%-]*[a-z0-9]$") and not h:match("^[a-z0-9][a-z0-9%.%-]*[a-z0-9]:%d+$") then
        add(string.format("hosts[%d]", i), string.format("некорректное имя хоста '%s'", h))
      end
    end
  end
  if T.branding ~= nil then check_branding(add, T.branding) end
  local modules = {}
  if T.modules ~= nil then
    check_string_list(add, "modules", T.modules, M.MODULES, "модуля")
    if is_list(T.modules) then
      modules = set_of(T.modules)
      if not modules.identity then add("modules", "модуль 'identity' обязателен") end
    end
  end
  if T.access_ways ~= nil then
    check_string_list(add, "access_ways", T.access_ways, M.ACCESS_WAYS, "способа доступа")
  end
  if T.confirmations ~= nil then
    check_string_list(add, "confirmations", T.confirmations, M.CONFIRMATIONS, "подтверждения")
  end
  if T.second_factor ~= nil and not M.SECOND_FACTORS[T.second_factor] then
    add("second_factor", string.format("неизвестный второй фактор '%s' (допустимо: sms, totp)", tostring(T.second_factor)))
  end
  if T.password_policy ~= nil then check_policy(add, T.password_policy) end
  if T.polling ~= nil then polling.check(add, T.polling) end
  if T.validate ~= nil and type(T.validate) ~= "function" then add("validate", "ожидается функция") end
  if T.messages ~= nil then
    if type(T.messages) ~= "table" then
      add("messages", "ожидается таблица")
    else
      check_keys(add, "messages", T.messages, M.DEFAULT_MESSAGES)
      for k, v in pairs(T.messages) do
        if M.DEFAULT_MESSAGES[k] and not non_empty_string(v) then add("messages." .. k, "ожидается непустая строка") end
      end
    end
  end
  if T.settings ~= nil then
    if type(T.settings) ~= "table" then
      add("settings", "ожидается таблица")
    else
      for _, k in ipairs(sorted_keys(T.settings)) do
        if type(T.settings[k]) ~= "table" then
          add("settings." .. tostring(k), "ожидается таблица")
        elseif not modules[k] then
          add("settings." .. tostring(k), string.format("модуль '%s' не включён в modules", tostring(k)))
        end
      end
    end
  end
  -- Dictionaries (and appeal kinds, which are one too).
  local dicts = {}
  if T.dictionaries ~= nil then
    if type(T.dictionaries) ~= "table" then
      add("dictionaries", "ожидается таблица {имя = список значений}")
    else
      for _, name in ipairs(sorted_keys(T.dictionaries)) do
        local p = "dictionaries." .. tostring(name)
        if type(name) ~= "string" or not name:match("^[a-z][a-z0-9_]*$") then
          add(p, "имя справочника: латинские строчные буквы, цифры и '_'")
        end
        check_items(add, p, T.dictionaries[name])
        dicts[name] = true
      end
    end
  end
  if T.appeal_kinds ~= nil then
    check_items(add, "appeal_kinds", T.appeal_kinds)
    if dicts.appeal_kinds then add("dictionaries.appeal_kinds", "уже объявлено как appeal_kinds") end
    if not modules.appeals then add("appeal_kinds", "модуль 'appeals' не включён в modules") end
    dicts.appeal_kinds = true
  end
  -- Applicant kinds and their forms.
  local field_names = {}
  local ids = {}
  if T.applicant_kinds ~= nil then
    if not is_list(T.applicant_kinds) or #T.applicant_kinds == 0 then
      add("applicant_kinds", "ожидается непустой список видов заявителя")
    else
      for i, kind in ipairs(T.applicant_kinds) do
        local p = string.format("applicant_kinds[%d]", i)
        check_kind(add, T, p, kind, dicts, field_names)
        if type(kind) == "table" and type(kind.id) == "string" then
          if ids[kind.id] then add(p .. ".id", string.format("повторяющийся вид заявителя '%s'", kind.id)) end
          ids[kind.id] = true
        end
      end
    end
  end
  if T.consents ~= nil then check_consents(add, T.consents, field_names) end
  -- Identity settings, profile switches and message texts (all optional).
  if T.identity ~= nil then check_identity(add, T.identity, ids) end
  if T.notification_switches ~= nil then check_switches(add, T.notification_switches) end
  if T.mail_templates ~= nil then check_templates(add, "mail_templates", T.mail_templates, "mail") end
  if T.sms_templates ~= nil then check_templates(add, "sms_templates", T.sms_templates, "sms") end
  if T.name_forms ~= nil then check_name_forms(add, T.name_forms) end
  if #problems == 0 then return nil end
  return array(problems)
end

---------------------------------------------------------------------------
-- The prepared model of a declaration
---------------------------------------------------------------------------

-- Prepared models, cached per declaration table.
local prepared = setmetatable({}, { __mode = "k" })

-- Copy of a declared field with explicit required/login flags and options
-- as {value, label} items.
local function prepare_field(f, login)
  local field = {}
  for k, v in pairs(f) do field[k] = v end
  field.required = f.required ~= false
  field.login = login
  if field.options then field.options = normalise_items(field.options) end
  return field
end

-- Builds (once per T) the normalised model: kinds with fields whose
-- required/login flags are explicit, dictionaries as {value, label} items.
-- A kind also has `profile`: the fields of its profile form in order (the
-- registration fields but the password ones, then `profile_fields`), and
-- `by_name` finds any of its fields, registration or profile-only.
local function prepare(T)
  local model = prepared[T]
  if model then return model end
  local problems = M.check(T)
  if problems then
    error("декларация арендатора некорректна:\n" .. table.concat(problems, "\n"), 0)
  end
  model = {
    T = T,
    policy = T.password_policy,
    dictionaries = {},
    consents = {},
    kinds = {},
    kind_by_id = {},
  }
  for name, items in pairs(T.dictionaries or {}) do
    model.dictionaries[name] = normalise_items(items)
  end
  if T.appeal_kinds then model.dictionaries.appeal_kinds = normalise_items(T.appeal_kinds) end
  for i, c in ipairs(T.consents or {}) do
    model.consents[i] = {
      id = c.id, title = c.title, label = c.label, version = c.version, text = c.text,
      required = c.required ~= false, implicit = c.implicit == true,
      error = c.error or "Необходимо дать согласие",
    }
  end
  for i, decl in ipairs(T.applicant_kinds) do
    local kind = { id = decl.id, label = decl.label, decl = decl, fields = {}, by_name = {},
      profile = {}, access_ways = decl.access_ways or T.access_ways }
    for j, f in ipairs(decl.fields) do
      local field = prepare_field(f, f.login == true or decl.login == f.name)
      kind.fields[j] = field
      kind.by_name[field.name] = field
      if field.login then kind.login_field = field end
      if field.type ~= "password" and field.type ~= "password_confirm" then
        kind.profile[#kind.profile + 1] = field
      end
    end
    for _, f in ipairs(decl.profile_fields or {}) do
      local field = prepare_field(f, false)
      field.profile_only = true
      kind.profile[#kind.profile + 1] = field
      kind.by_name[field.name] = field
    end
    model.kinds[i] = kind
    model.kind_by_id[kind.id] = kind
  end
  prepared[T] = model
  return model
end

-- The items a field's value must come from, or nil.
local function choices(model, field)
  if field.options then return field.options end
  if field.dictionary then return model.dictionaries[field.dictionary] end
  return nil
end

---------------------------------------------------------------------------
-- profile, registration_form, dictionary, message
---------------------------------------------------------------------------

-- Latin and Cyrillic letters (ё included) in lower or upper case; other
-- characters as they are.
local function change_case(s, upper)
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

-- Up to two capital letters of a name for a tile without a logo: the name,
-- not its legal form («АО «ВОЭК»» → «ВО», «ОЭС 360» → «ОЭ»); «ЛК» without one.
local function monogram(name)
  local plain = (name or ""):gsub("«", ""):gsub("»", ""):gsub("[\"'()]", "")
  local words = {}
  for w in plain:gmatch("%S+") do words[#words + 1] = w end
  local word = words[1]
  if #words > 1 and LEGAL_FORMS[change_case(words[1], true)] then word = words[2] end
  if not word or not utf8.len(word) then return "ЛК" end
  local letters = {}
  for _, c in utf8.codes(word) do
    if #letters == 2 then break end
    letters[#letters + 1] = utf8.char(c)
  end
  return change_case(table.concat(letters), true)
end


--- The public profile of a tenant.
-- @return {id, name, short_name, timezone, hosts = [...], branding = {primary,
--   accent, logo?, monogram}, modules = [...], access_ways = [...], confirmations = [...],
--   second_factor?, settings?, applicant_kinds = [{id, label, login = {name,
--   label, type}, access_ways = [...]}]}
function M.profile(T)
  local model = prepare(T)
  local kinds = {}
  for i, kind in ipairs(model.kinds) do
    local lf = kind.login_field
    kinds[i] = {
      id = kind.id, label = kind.label,
      login = { name = lf.name, label = lf.label, type = lf.type },
      access_ways = list_copy(kind.access_ways),
    }
  end
  return {
    id = T.id,
    name = T.name,
    short_name = T.short_name,
    timezone = T.timezone,
    hosts = list_copy(T.hosts),
    branding = { primary = T.branding.primary, accent = T.branding.accent, logo = T.branding.logo,
                 monogram = monogram(T.short_name or T.name) },
    modules = list_copy(T.modules),
    access_ways = list_copy(T.access_ways),
    confirmations = list_copy(T.confirmations),
    second_factor = T.second_factor,
    settings = T.settings and plain_copy(T.settings) or nil,
    applicant_kinds = array(kinds),
  }
end

-- The tenant's meter polling rules, normalised (kabinet.polling; defaults when the tenant sets none).
function M.polling(T)
  return polling.normalise(T.polling)
end

-- The portal's view of one field.
local function field_view(model, f)
  local out = {
    name = f.name, label = f.label, type = f.type, required = f.required, login = f.login,
    dictionary = f.dictionary, hint = f.hint, placeholder = f.placeholder,
    min_length = f.min_length, max_length = f.max_length, same_as = f.same_as,
    default = f.default,
  }
  if f.type == "password" then
    out.min_length = out.min_length or model.policy.min_length
    out.max_length = out.max_length or model.policy.max_length
  end
  if f.options then
    local opts = {}
    for i, o in ipairs(f.options) do opts[i] = { value = o.value, label = o.label } end
    out.options = array(opts)
  end
  if f.visible_if then
    out.visible_if = { field = f.visible_if.field, equals = f.visible_if.equals }
  end
  return out
end

--- The registration form: kinds with their fields, and the consents.
-- Every field carries name, label, type, required, login (explicit
-- booleans) and, when declared, dictionary, options = [{value, label}],
-- visible_if = {field, equals}, hint, placeholder, min_length, max_length,
-- same_as, default. Password fields carry the policy's length limits.
-- @return {kinds = [{id, label, fields = [...]}], consents = [{id, title?,
--   label, version, text, required, implicit}], password_policy = {...},
--   messages = {required, login_taken, registration_failed}}
function M.registration_form(T)
  local model = prepare(T)
  local kinds = {}
  for i, kind in ipairs(model.kinds) do
    local fields = {}
    for j, f in ipairs(kind.fields) do fields[j] = field_view(model, f) end
    kinds[i] = { id = kind.id, label = kind.label, fields = array(fields) }
  end
  local consents = {}
  for i, c in ipairs(model.consents) do
    consents[i] = { id = c.id, title = c.title, label = c.label, version = c.version,
      text = c.text, required = c.required, implicit = c.implicit }
  end
  local texts = {}
  for _, k in ipairs(REGISTRATION_MESSAGES) do texts[k] = M.message(T, k) end
  return {
    kinds = array(kinds),
    consents = array(consents),
    password_policy = plain_copy(model.policy),
    messages = texts,
  }
end

--- A dictionary of the tenant (T.dictionaries[name], or T.appeal_kinds for
-- "appeal_kinds").
-- @return {name, items = [{value, label, ...}]} or nil when there is none
function M.dictionary(T, name)
  local model = prepare(T)
  local items = type(name) == "string" and model.dictionaries[name]
  if not items then return nil end
  local out = {}
  for i, item in ipairs(items) do
    local copy = {}
    for k, v in pairs(item) do copy[k] = v end
    out[i] = copy
  end
  return { name = name, items = array(out) }
end

--- A user-visible message, as the tenant words it in T.messages or by default.
-- @param key one of the keys of M.DEFAULT_MESSAGES
-- @return string (nil for an unknown key)
function M.message(T, key)
  local own = type(T) == "table" and type(T.messages) == "table" and T.messages[key]
  return own or M.DEFAULT_MESSAGES[key]
end

---------------------------------------------------------------------------
-- Field values
---------------------------------------------------------------------------

-- Free text: trimmed, valid UTF-8, no control characters (textarea keeps
-- line breaks and tabs), within length limits, matching the field's pattern.
local function text_value(raw, f)
  local s = V.to_text(raw)
  if not s then return nil, BAD_VALUE end
  s = V.trim(s)
  local len = utf8.len(s)
  if not len then return nil, "Недопустимые символы" end
  local bad = f.type == "textarea" and "[%z\1-\8\11\12\14-\31\127]" or "[%z\1-\31\127]"
  if s:find(bad) then return nil, "Недопустимые символы" end
  if f.min_length and len < f.min_length then
    return nil, "Должно быть не менее " .. V.chars_genitive(f.min_length)
  end
  local max = f.max_length or DEFAULT_MAX_LENGTH[f.type]
  if max and len > max then
    return nil, "Должно быть не более " .. V.chars_genitive(max)
  end
  if f.pattern and not s:find(f.pattern) then
    return nil, f.pattern_message or "Неверный формат"
  end
  return s
end

-- A password as typed; the tenant policy, narrowed by the field's own limits.
local function password_value(raw, f, model)
  if type(raw) ~= "string" then return nil, BAD_VALUE end
  local policy = model.policy
  if f.min_length or f.max_length then
    local merged = {}
    for k, v in pairs(policy) do merged[k] = v end
    merged.min_length = math.max(f.min_length or 0, policy.min_length or 0)
    merged.max_length = math.min(f.max_length or math.maxinteger, policy.max_length or math.maxinteger)
    policy = merged
  end
  local ok, err = V.password(raw, policy)
  if not ok then return nil, err end
  return raw
end

-- Normalisers by field type: (raw, field, model) → value | nil, reason.
local NORMALIZE = {
  text = text_value,
  textarea = text_value,
  password = password_value,
  password_confirm = function(raw)
    if type(raw) ~= "string" then return nil, BAD_VALUE end
    return raw
  end,
  email = function(raw, f)
    local v, err = V.normalize_email(raw)
    if v and f.max_length and utf8.len(v) > f.max_length then
      return nil, "Должно быть не более " .. V.chars_genitive(f.max_length)
    end
    return v, err
  end,
  phone = function(raw, f) return V.normalize_phone(raw, { mobile = f.mobile }) end,
  snils = V.normalize_snils,
  inn = function(raw) return V.normalize_inn(raw) end,
  inn10 = function(raw) return V.normalize_inn(raw, 10) end,
  inn12 = function(raw) return V.normalize_inn(raw, 12) end,
  ogrn = V.normalize_ogrn,
  ogrnip = V.normalize_ogrnip,
  egr_record = V.normalize_egr_record,
  passport = V.normalize_passport,
  postcode = V.normalize_postcode,
  date = function(raw) return V.normalize_date(raw) end,
  select = function(raw)
    local s = V.to_text(raw)
    if not s then return nil, BAD_VALUE end
    return V.trim(s)
  end,
  boolean = function(raw)
    local b = M.parse_boolean(raw)
    if b == nil then return nil, "Выберите «Да» или «Нет»" end
    return b
  end,
}
NORMALIZE.street = NORMALIZE.select

-- Lower case of Latin and Cyrillic letters (a login is one account however
-- it is typed: "PETROV.DEMO" is "petrov.demo").
local function fold_case(s)
  return change_case(s, false)
end

-- Normalises the value of one field, including list membership. Text login
-- identifiers are case-folded, in registration and login alike.
local function field_value(model, f, raw)
  local v, err = NORMALIZE[f.type](raw, f, model)
  if v == nil then return nil, err end
  if f.login and (f.type == "text" or f.type == "textarea") and type(v) == "string" then v = fold_case(v) end
  local items = choices(model, f)
  if items then
    for _, item in ipairs(items) do
      if tostring(item.value) == v then return item.value end
    end
    return nil, NOT_IN_LIST
  end
  return v
end

-- True when a value counts as "not filled in".
local function is_empty(f, v)
  if v == nil then return true end
  if type(v) == "string" then
    if f.type == "password" or f.type == "password_confirm" then return v == "" end
    return v:find("%S") == nil
  end
  return false
end

-- True when the field is shown, given the values sent (visible_if chains
-- are followed; check() has ruled out cycles).
local function is_visible(kind, f, fields)
  local cond = f.visible_if
  if not cond then return true end
  local ctrl = kind.by_name[cond.field]
  if not is_visible(kind, ctrl, fields) then return false end
  local raw = fields[ctrl.name]
  if ctrl.type == "boolean" then
    local b = M.parse_boolean(raw)
    if b == nil then b = ctrl.default == true end
    return b == cond.equals
  end
  local s = V.to_text(raw)
  return s ~= nil and V.trim(s) == tostring(cond.equals)
end

-- Calls a tenant's validate function; a failure in it is logged and shown
-- as a form-level error instead of letting a broken form pass. `context` is
-- "registration" or "profile" (the hook's fifth argument).
local function run_hook(fn, kind_id, fields, errors, values, context)
  if type(fn) ~= "function" then return end
  local input, copy = {}, {}
  for k, v in pairs(fields) do input[k] = v end
  for k, v in pairs(values) do copy[k] = v end
  local ok, err = pcall(fn, kind_id, input, errors, copy, context)
  if not ok then
    log("kabinet.tenant: ошибка в функции validate для вида '" .. tostring(kind_id) .. "': " .. tostring(err))
    errors._form = HOOK_FAILED
  end
end

-- Keeps an error table to the contract whatever a hook put in it: string
-- keys, string reasons.
local function sanitize_errors(errors)
  for k, v in pairs(errors) do
    if type(k) ~= "string" then errors[k] = nil
    elseif type(v) ~= "string" then errors[k] = BAD_VALUE end
  end
end

-- Applies every rule of a kind to the values sent.
-- @return errors (possibly empty), values (normalised, of visible fields)
local function run_rules(model, kind, fields)
  local errors, values = {}, {}
  local required_msg = M.message(model.T, "required")
  for _, f in ipairs(kind.fields) do
    if is_visible(kind, f, fields) then
      local raw = fields[f.name]
      local t = type(raw)
      if raw ~= nil and t ~= "string" and t ~= "number" and t ~= "boolean" then
        errors[f.name] = BAD_VALUE
      elseif is_empty(f, raw) then
        if f.default ~= nil then
          values[f.name] = f.default
        elseif f.required then
          errors[f.name] = required_msg
        end
      else
        local v, err = field_value(model, f, raw)
        if v == nil then errors[f.name] = err else values[f.name] = v end
      end
    end
  end
  -- Fields that must repeat another one (password confirmation and the like).
  for _, f in ipairs(kind.fields) do
    if f.same_as and values[f.name] ~= nil and not errors[f.name] then
      if f.type == "password_confirm" then
        if fields[f.same_as] ~= values[f.name] then errors[f.name] = "Пароли не совпадают" end
      else
        local other = values[f.same_as]
        if other ~= nil and other ~= values[f.name] then errors[f.name] = "Значения не совпадают" end
      end
    end
  end
  -- Consents with a check box must be ticked.
  for _, c in ipairs(model.consents) do
    if c.required and not c.implicit and M.parse_boolean(fields[c.id]) ~= true then
      errors[c.id] = c.error
    end
  end
  run_hook(kind.decl.validate, kind.id, fields, errors, values, "registration")
  run_hook(model.T.validate, kind.id, fields, errors, values, "registration")
  sanitize_errors(errors)
  return errors, values
end

---------------------------------------------------------------------------
-- validate_registration, normalize_registration, normalize_login
---------------------------------------------------------------------------

--- Validates a registration as the browser sent it.
-- Rules: required fields (fields hidden by visible_if are skipped and their
-- values ignored), type validators, same_as ("Пароли не совпадают"),
-- min/max length, options and dictionary membership, the password policy,
-- required consents (sent as `fields[<consent id>] = true`), then the
-- kind's and the tenant's `validate(kind_id, fields, errors, values,
-- "registration")`.
-- Values not in the form are ignored; a form value that is not a string,
-- number or boolean is an error.
-- @param T declaration
-- @param kind_id applicant kind id
-- @param fields table {<field name> = value}
-- @return nil when valid; else {<field name> = "<reason>"}; an unknown kind
--   gives {kind = "Неизвестный вид заявителя"}; a failing tenant hook gives
--   `_form`
function M.validate_registration(T, kind_id, fields)
  local model = prepare(T)
  local kind = model.kind_by_id[kind_id]
  if not kind then return { kind = "Неизвестный вид заявителя" } end
  local errors = run_rules(model, kind, type(fields) == "table" and fields or {})
  if next(errors) then return errors end
  return nil
end

--- Validates a registration and, when it is valid, returns what the core
-- stores: normalised values (E.164 phones, digit-only identifiers, ISO
-- dates, lower-case e-mail, booleans) of the visible fields except the
-- password and its confirmation; the password as typed (to be hashed); the
-- login identifier; the consents given, with their versions.
-- @return {kind, login = {field, value}, password, values = {...},
--   consents = [{id, version}]} or nil, errors (as validate_registration)
function M.normalize_registration(T, kind_id, fields)
  local model = prepare(T)
  local kind = model.kind_by_id[kind_id]
  if not kind then return nil, { kind = "Неизвестный вид заявителя" } end
  fields = type(fields) == "table" and fields or {}
  local errors, values = run_rules(model, kind, fields)
  if next(errors) then return nil, errors end
  local out = {
    kind = kind.id,
    login = { field = kind.login_field.name, value = values[kind.login_field.name] },
    values = {},
    consents = {},
  }
  for _, f in ipairs(kind.fields) do
    local v = values[f.name]
    if f.type == "password" then
      out.password = v
    elseif f.type ~= "password_confirm" and v ~= nil then
      out.values[f.name] = v
    end
  end
  for _, c in ipairs(model.consents) do
    if c.implicit or M.parse_boolean(fields[c.id]) == true then
      out.consents[#out.consents + 1] = { id = c.id, version = c.version }
    end
  end
  array(out.consents)
  return out
end

--- Normalises what a user typed as the login identifier, the same way the
-- registration stored it ("151-018-832 24" → "15101883224", e-mail
-- lower-cased ...). Without kind_id the login fields of all kinds are tried
-- in order and the first that accepts the value wins. The kind
-- M.STAFF_KIND ("staff") is the utility's staff, who log in by e-mail in
-- every tenant whatever its consumers' login identifiers are.
-- @return normalised identifier or nil, reason
function M.normalize_login(T, kind_id, value)
  local model = prepare(T)
  local kinds = model.kinds
  if kind_id == M.STAFF_KIND then
    if type(value) ~= "string" or not value:find("%S") then return nil, "Введите адрес электронной почты" end
    return V.normalize_email(value)
  end
  if kind_id ~= nil then
    local kind = model.kind_by_id[kind_id]
    if not kind then return nil, "Неизвестный вид заявителя" end
    kinds = { kind }
  end
  local first_err
  for _, kind in ipairs(kinds) do
    local f = kind.login_field
    if is_empty(f, value) then return nil, "Заполните поле «" .. f.label .. "»" end
    local v, err = field_value(model, f, value)
    if v ~= nil then return v end
    first_err = first_err or err
  end
  return nil, first_err
end

---------------------------------------------------------------------------
-- profile_form, validate_profile, normalize_profile
---------------------------------------------------------------------------

--- The profile form: per kind, the registration fields without the password
-- fields, then the kind's profile-only fields (`profile_fields`); every
-- field as in registration_form plus `editable` (false only for the login
-- identifier) and `profile_only` (true for the profile-only fields). The
-- tenant's notification switches come with their defaults.
-- @return {kinds = [{id, label, fields = [...]}], notifications = [{id,
--   label, default}], messages = {required, login_readonly},
--   confirmed = {email = "<field>"?, phone = "<field>"?}}
function M.profile_form(T)
  local model = prepare(T)
  local kinds = {}
  for i, kind in ipairs(model.kinds) do
    local fields = {}
    for j, f in ipairs(kind.profile) do
      local view = field_view(model, f)
      view.editable = not f.login
      view.profile_only = f.profile_only == true
      fields[j] = view
    end
    kinds[i] = { id = kind.id, label = kind.label, fields = array(fields) }
  end
  local switches = {}
  for i, sw in ipairs(T.notification_switches or {}) do
    switches[i] = { id = sw.id, label = sw.label, default = sw.default ~= false }
  end
  local texts = {}
  for _, k in ipairs(PROFILE_MESSAGES) do texts[k] = M.message(T, k) end
  -- The contact fields whose confirmation the profile shows: the e-mail where
  -- the tenant confirms it by a link, the phone where it proves it by a code.
  local confirmed = {}
  if set_of(T.confirmations or {}).email then confirmed.email = identity_field(T, "email_field", "email") end
  if phone_by_code(T) then confirmed.phone = identity_field(T, "phone_field", "phone") end
  return { kinds = array(kinds), notifications = array(switches), messages = texts, confirmed = confirmed }
end

-- Whether a field counts as shown in a profile change. The stored values
-- are the core's: when the field that controls visibility is not in the
-- change, the field counts as shown and what was sent is checked.
local function shown_in_patch(kind, f, fields)
  local cond = f.visible_if
  if not cond then return true end
  local ctrl = kind.by_name[cond.field]
  local raw = fields[ctrl.name]
  if raw == nil then return true end
  if not shown_in_patch(kind, ctrl, fields) then return false end
  if ctrl.type == "boolean" then
    local b = M.parse_boolean(raw)
    if b == nil then b = ctrl.default == true end
    return b == cond.equals
  end
  local s = V.to_text(raw)
  return s ~= nil and V.trim(s) == tostring(cond.equals)
end

-- Applies the rules of a kind's profile to a change (PATCH semantics).
-- @return errors (possibly empty), values (normalised, of the fields sent)
local function run_profile_rules(model, kind, fields)
  local errors, values = {}, {}
  -- Names that are not editable fields of this profile.
  for name in pairs(fields) do
    local key = tostring(name)
    local f = type(name) == "string" and kind.by_name[name] or nil
    if not f then
      errors[key] = UNKNOWN_FIELD
    elseif f.type == "password" or f.type == "password_confirm" then
      errors[key] = PASSWORD_ELSEWHERE
    elseif f.login then
      errors[key] = M.message(model.T, "login_readonly")
    end
  end
  -- The fields sent: as in registration, but an absent field is left alone,
  -- and an optional one sent empty is cleared ("").
  local required_msg = M.message(model.T, "required")
  for _, f in ipairs(kind.profile) do
    local raw = fields[f.name]
    if raw ~= nil and not errors[f.name] and shown_in_patch(kind, f, fields) then
      local t = type(raw)
      if t ~= "string" and t ~= "number" and t ~= "boolean" then
        errors[f.name] = BAD_VALUE
      elseif is_empty(f, raw) then
        if f.default ~= nil then
          values[f.name] = f.default
        elseif f.required then
          errors[f.name] = required_msg
        else
          values[f.name] = ""
        end
      else
        local v, err = field_value(model, f, raw)
        if v == nil then errors[f.name] = err else values[f.name] = v end
      end
    end
  end
  -- Fields that repeat another one, when both are in the change.
  for _, f in ipairs(kind.profile) do
    local other = f.same_as and values[f.same_as]
    if other ~= nil and values[f.name] ~= nil and not errors[f.name] and other ~= values[f.name] then
      errors[f.name] = "Значения не совпадают"
    end
  end
  run_hook(kind.decl.validate, kind.id, fields, errors, values, "profile")
  run_hook(model.T.validate, kind.id, fields, errors, values, "profile")
  sanitize_errors(errors)
  return errors, values
end

--- Validates a change of the profile as the browser sent it (PATCH
-- semantics): only the fields present are checked, by the rules of
-- registration (required, type validators, lengths, lists, same_as), then
-- the kind's and the tenant's `validate(kind_id, fields, errors, values,
-- "profile")` hooks, which see only the fields sent. A required field sent
-- empty is an error; an optional one sent empty is cleared. A field hidden by
-- visible_if is ignored when its controlling field is in the change and hides
-- it; otherwise it is checked.
-- @param T declaration
-- @param kind_id the user's applicant kind
-- @param fields {<field name> = value}
-- @return nil when valid; else {<field name> = "<reason>"}: the login field
--   gives message(T, "login_readonly") ("Имя для входа изменить нельзя"), a
--   password field "Пароль меняется отдельно …", any other name that is not
--   a field of the profile "Неизвестное поле"; an unknown kind gives
--   {kind = "Неизвестный вид заявителя"}; a failing hook gives `_form`
function M.validate_profile(T, kind_id, fields)
  local model = prepare(T)
  local kind = model.kind_by_id[kind_id]
  if not kind then return { kind = "Неизвестный вид заявителя" } end
  local errors = run_profile_rules(model, kind, type(fields) == "table" and fields or {})
  if next(errors) then return errors end
  return nil
end

--- Validates a change of the profile and, when it is valid, returns the
-- normalised values of the fields sent (as normalize_registration: E.164
-- phones, digit-only identifiers, "SSSS NNNNNN" passports, ISO dates,
-- lower-case e-mail, booleans). An optional field sent empty comes back as
-- "" (the core clears it); fields not sent are not in the result.
-- @return {<field name> = value} or nil, errors (as validate_profile)
function M.normalize_profile(T, kind_id, fields)
  local model = prepare(T)
  local kind = model.kind_by_id[kind_id]
  if not kind then return nil, { kind = "Неизвестный вид заявителя" } end
  local errors, values = run_profile_rules(model, kind, type(fields) == "table" and fields or {})
  if next(errors) then return nil, errors end
  return values
end

---------------------------------------------------------------------------
-- identity, validate_password
---------------------------------------------------------------------------

-- Integer settings of one group (lockout, guessing, session): the tenant's or defaults.
local function limits_of(decl, group)
  local own = type(decl[group]) == "table" and decl[group] or {}
  local out = {}
  for k, lim in pairs(M.IDENTITY_LIMITS[group]) do
    out[k] = own[k] or lim.default
  end
  return out
end

--- The identity settings the core needs, with the defaults filled in.
-- `confirmations` come from T.confirmations; the second factors offered are
-- TOTP for every tenant, with SMS before it where T.second_factor = "sms";
-- the rest comes from T.identity.
-- @return {
--   confirmations = ["email", "phone"],        -- before the first login
--   second_factor = {offered = ["sms", "totp"], forced_roles = ["operator", ...]},
--   email_field = "email", phone_field = "phone",
--   login = {<kind id> = <login field name>},
--   lockout = {max_failures, window_minutes, lock_minutes},
--   guessing = {max_failures, window_minutes, lock_minutes},
--   session = {hours, remember_days},
--   registration_message = "<shown in the answer to the registration>",
--   post_registration = {<kind id> = "<what to do next>"},  -- kinds with one
--   phone_by_code = true,   -- a new phone counts only once a code sent to it is entered
-- }
function M.identity(T)
  local model = prepare(T)
  local decl = type(T.identity) == "table" and T.identity or {}
  local login, post = {}, {}
  for _, kind in ipairs(model.kinds) do
    login[kind.id] = kind.login_field.name
    local p = decl.post_registration
    if type(p) == "table" then p = p[kind.id] end
    post[kind.id] = p
  end
  local offered = {}
  if T.second_factor and T.second_factor ~= "totp" then offered[1] = T.second_factor end
  offered[#offered + 1] = "totp"
  local confirmations = set_of(T.confirmations)
  local done = decl.registration_message
  if not done then
    if confirmations.email and confirmations.phone then done = REGISTRATION_DONE.both
    elseif confirmations.email then done = REGISTRATION_DONE.email
    elseif confirmations.phone then done = REGISTRATION_DONE.phone
    else done = REGISTRATION_DONE.none end
  end
  return {
    confirmations = list_copy(T.confirmations),
    second_factor = { offered = array(offered), forced_roles = list_copy(decl.force_second_factor) },
    email_field = identity_field(T, "email_field", "email"),
    phone_field = identity_field(T, "phone_field", "phone"),
    login = login,
    lockout = limits_of(decl, "lockout"),
    guessing = limits_of(decl, "guessing"),
    session = limits_of(decl, "session"),
    registration_message = done,
    post_registration = post,
    phone_by_code = phone_by_code(T),
  }
end

--- Checks a new password (password change, reset) against the tenant's
-- password policy, and its repetition when given.
-- @param password the new password as typed
-- @param confirm optional repetition
-- @return nil when acceptable; else {password = "<reason>"} and/or
--   {confirm = "Пароли не совпадают"}
function M.validate_password(T, password, confirm)
  local model = prepare(T)
  local errors = {}
  if type(password) ~= "string" or password == "" then
    errors.password = M.message(T, "required")
  else
    local ok, err = V.password(password, model.policy)
    if not ok then errors.password = err end
  end
  if confirm ~= nil and confirm ~= password then errors.confirm = "Пароли не совпадают" end
  if next(errors) then return errors end
  return nil
end

---------------------------------------------------------------------------
-- display_name
---------------------------------------------------------------------------

-- Profile values naming a person, in order: the full name in one field, or
-- its parts.
local PERSON_FIELDS = { "full_name", "fio" }
local PERSON_PARTS = { "surname", "name", "patronymic" }
-- Profile values naming an organisation (or a sole proprietor), in order.
local ORG_FIELDS = { "org_short_name", "organization", "org_name", "org_full_name" }

-- The first non-empty trimmed string among fields[names[i]], or nil.
local function first_text(fields, names)
  for _, n in ipairs(names) do
    local v = fields[n]
    if type(v) == "string" and v:find("%S") then return V.trim(v) end
  end
  return nil
end

--- The name a person is shown by in the portal's header and greetings: for
-- an individual the ФИО (one field, or surname, name and patronymic), for
-- other kinds (organisations, sole proprietors) the organisation's name,
-- each falling back to the other; nil when the profile holds no name (the
-- core then shows the e-mail). Never an identifier such as СНИЛС or ОГРН.
-- @param kind_id applicant kind id (the user's)
-- @param fields stored profile values
-- @return string or nil
function M.display_name(T, kind_id, fields)
  prepare(T)
  if type(fields) ~= "table" then return nil end
  local person = first_text(fields, PERSON_FIELDS)
  if not person then
    local parts = {}
    for _, n in ipairs(PERSON_PARTS) do
      local v = fields[n]
      if type(v) == "string" and v:find("%S") then parts[#parts + 1] = V.trim(v) end
    end
    if fields.surname and #parts >= 2 then person = table.concat(parts, " ") end
  end
  local org = first_text(fields, ORG_FIELDS)
  if kind_id == "individual" then return person or org end
  return org or person
end

---------------------------------------------------------------------------
-- mail, sms
---------------------------------------------------------------------------

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
-- the default of kabinet.messages, with the values put in. `tenant_name`
-- (the short name), `tenant_full_name` and the name forms
-- (`tenant_genitive`, `tenant_accusative`, see M.NAME_FORMS) are filled in
-- from T unless vars give them.
-- @param template "confirm_email" (vars: link, expires_hours),
--   "email_change" (link, expires_hours), "password_reset" (link,
--   expires_minutes), "password_changed" (none)
-- @param vars table of values (strings or numbers)
-- @return {subject, text, html?}; raises for an unknown template or a
--   missing variable
function M.mail(T, template, vars)
  prepare(T)
  local own = type(T.mail_templates) == "table" and T.mail_templates[template] or nil
  return messages.mail(template, message_vars(T, vars), own)
end

--- An SMS of the tenant: T.sms_templates[template] or the default, with the
-- values put in. A text longer than one Cyrillic SMS (70 characters) is
-- sent all the same, in several parts, and logged.
-- @param template "phone_code" or "login_code" (vars: code, minutes)
-- @return text; raises for an unknown template or a missing variable
function M.sms(T, template, vars)
  prepare(T)
  local own = type(T.sms_templates) == "table" and T.sms_templates[template] or nil
  local text, length = messages.sms(template, message_vars(T, vars), own)
  if length > messages.SMS_LIMIT then
    log(string.format("kabinet.tenant: SMS '%s' длиннее %d символов (%d)", template, messages.SMS_LIMIT, length))
  end
  return text
end

return M
