--- kabinet.schema — the schema of a tenant declaration (tenants/<id>/tenant.lua)
-- and check(T), which walks a declaration against it.
--
-- Every key is declared once below with its type, bounds or allowed values
-- and a one-line description (tenants/README.md's tables are generated from
-- these, see kabinet.schema_doc). What a schema cannot say is a named extra
-- check (`rules` of a node, see kabinet.shape): references between fields,
-- cycles of visible_if, the login field, what confirmations need, template
-- placeholders, settings of modules not switched on. The module settings
-- (`settings.<module>`) have their own schemas in kabinet.settings, the
-- cases (`case_groups`, `case_registers`, `case_kinds`) in kabinet.cases.schema.

local S = require("kabinet.shape")
local W = require("kabinet.vocabulary")
local tables = require("kabinet.tables")
local messages = require("kabinet.messages")
local polling = require("kabinet.polling")
local connectors = require("kabinet.connectors")
local calendar = require("kabinet.calendar")
local settings = require("kabinet.settings")
local notifications = require("kabinet.notifications")

local set_of, is_list, non_empty_string, sorted_keys =
  tables.set_of, tables.is_list, tables.non_empty_string, tables.sorted_keys

local M = {}

local NAME_PATTERN = "^[a-z][a-z0-9_]*$"
local ID_MESSAGE = "идентификатор: латинские строчные буквы, цифры и '_'"

local function list_of(set)
  local keys = sorted_keys(set)
  for i, k in ipairs(keys) do keys[i] = "`" .. k .. "`" end
  return table.concat(keys, ", ")
end

---------------------------------------------------------------------------
-- Named extra checks
---------------------------------------------------------------------------

-- The name of the e-mail (key "email_field") or phone field as the tenant's
-- `identity` declares it, or the default.
function M.identity_field(T, key, default)
  local v = type(T.identity) == "table" and T.identity[key] or nil
  if type(v) == "string" then return v end
  return default
end

-- Dictionary items: a non-empty list of {value, label, <scalars>} or plain strings.
local function check_items(add, path, items)
  if not is_list(items) or #items == 0 then
    add(path, "ожидается непустой список значений")
    return
  end
  local values = {}
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
      S.check(S.string { required = true }, item.label, p .. ".label", add)
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
end

local function items(spec)
  spec.check = check_items
  spec.doc = spec.doc or "list of `\"value\"` or `{value, label, …}`"
  return S.custom(spec)
end

-- Reports a visible_if chain that goes round in a circle (a list rule).
local function no_visibility_cycles(add, path, fields, ctx)
  for i, f in ipairs(fields) do
    local seen, cur = {}, f
    while type(cur) == "table" and type(cur.visible_if) == "table" and not seen[cur] do
      seen[cur] = true
      cur = ctx.names[cur.visible_if.field]
    end
    if type(cur) == "table" and seen[cur] then
      add(string.format("%s[%d].visible_if", path, i), "циклическая зависимость видимости полей")
    end
  end
end

-- Rules of one field that involve several of its keys or other fields.
local function field_rules(add, path, f, ctx)
  local t = f.type
  if (f.min_length or f.max_length) and t and not W.LENGTH_TYPES[t] then
    add(path, string.format("min_length/max_length неприменимы к типу '%s'", t))
  end
  if math.type(f.min_length) == "integer" and math.type(f.max_length) == "integer" and f.min_length > f.max_length then
    add(path, "min_length больше max_length")
  end
  if t == "select" and (f.options == nil) == (f.dictionary == nil) then
    add(path, "поле типа 'select' требует ровно одно из: options, dictionary")
  end
  if t == "street" and f.dictionary == nil then
    add(path .. ".dictionary", "поле типа 'street' требует справочник улиц")
  end
  if f.default ~= nil then
    local want = t == "boolean" and "boolean" or "string"
    if type(f.default) ~= want then add(path .. ".default", "тип значения по умолчанию не подходит к типу поля") end
  end
  local names = ctx.names
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
  local cond = f.visible_if
  if type(cond) == "table" then
    local ctrl = type(cond.field) == "string" and names[cond.field]
    if not ctrl or cond.field == f.name then
      add(path .. ".visible_if.field", string.format("поле '%s' не найдено в форме", tostring(cond.field)))
    elseif ctrl.type == "boolean" and type(cond.equals) ~= "boolean" then
      add(path .. ".visible_if.equals", "для логического поля ожидается true или false")
    end
  end
end

-- Names of a form's fields → fields; reports repeated names.
local function name_fields(add, path, list, names)
  for i, f in ipairs(list) do
    if type(f) == "table" and type(f.name) == "string" then
      if names[f.name] then
        add(string.format("%s[%d].name", path, i), string.format("повторяющееся имя поля '%s'", f.name))
      else
        names[f.name] = f
      end
    end
  end
  return names
end

-- The registration fields of a kind: named first, so that references may point forward.
local function enter_fields(ctx, list, path, add)
  ctx.names = name_fields(add, path, list, {})
  ctx.kind_names = ctx.names
end

-- The profile-only fields of a kind: names of their own; references may
-- point to registration fields. Skipped when the registration fields are broken.
local function enter_profile_fields(ctx, list, path, add)
  if not ctx.kind_names then return false end
  local all = {}
  for k, f in pairs(ctx.kind_names) do all[k] = f end
  for i, f in ipairs(list) do
    if type(f) == "table" and type(f.name) == "string" and ctx.kind_names[f.name] then
      add(string.format("%s[%d].name", path, i), string.format("поле '%s' уже есть в форме регистрации", f.name))
    end
  end
  local own = {}
  for i, f in ipairs(list) do
    if type(f) == "table" and type(f.name) == "string" and not ctx.kind_names[f.name] then
      if own[f.name] then
        add(string.format("%s[%d].name", path, i), string.format("повторяющееся имя поля '%s'", f.name))
      else
        own[f.name], all[f.name] = f, f
      end
    end
  end
  ctx.names = all
end

-- A profile-only field is never the login nor a password.
local function profile_field_rules(add, path, f)
  if f.login == true then add(path .. ".login", "поле профиля не может быть полем для входа") end
  if f.type == "password" or f.type == "password_confirm" then
    add(path .. ".type", "пароль не может быть полем профиля: он меняется отдельно")
  end
end

-- The login field, the password, and what the tenant's confirmations and
-- second factor need of a kind's form.
local function kind_rules(add, path, kind, ctx)
  local T, names = ctx.T, ctx.kind_names
  if not names then return end
  local logins, passwords, types = {}, 0, {}
  for _, f in ipairs(kind.fields) do
    if type(f) == "table" then
      if f.login == true then logins[#logins + 1] = f end
      if f.type == "password" then passwords = passwords + 1 end
      if f.type then types[f.type] = true end
    end
  end
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
    if lf.type and not W.LOGIN_TYPES[lf.type] then
      add(path, string.format("поле '%s' типа '%s' не может служить логином", tostring(lf.name), lf.type))
    end
    if lf.required == false or lf.visible_if ~= nil then
      add(path, string.format("поле для входа '%s' должно быть обязательным и всегда видимым", tostring(lf.name)))
    end
  end
  if passwords ~= 1 then
    add(path, string.format("должно быть ровно одно поле типа 'password', найдено %d", passwords))
  end
  local confirmations = is_list(T.confirmations) and set_of(T.confirmations) or {}
  local phone_needed = confirmations.phone or T.second_factor == "sms"
  if confirmations.email and not types.email then
    add(path, "подтверждение e-mail требует поля типа 'email'")
  end
  if phone_needed and not types.phone then
    add(path, "подтверждение телефона и SMS-коды требуют поля типа 'phone'")
  end
  local wanted = {
    { name = M.identity_field(T, "email_field", "email"), type = "email", key = "identity.email_field",
      needed = confirmations.email and types.email },
    { name = M.identity_field(T, "phone_field", "phone"), type = "phone", key = "identity.phone_field",
      needed = phone_needed and types.phone },
  }
  for _, w in ipairs(wanted) do
    local f = names[w.name]
    if (f and f.type ~= w.type) or (not f and w.needed) then
      add(path, string.format("поле '%s' (%s) должно быть в форме и иметь тип '%s'", w.name, w.key, w.type))
    end
  end
end

-- A kind may offer only the access ways of the tenant.
local function kind_ways_rule(add, path, ways, ctx)
  if not is_list(ctx.T.access_ways) then return end
  local tenant_ways = set_of(ctx.T.access_ways)
  for i, w in ipairs(ways) do
    if type(w) == "string" and W.ACCESS_WAYS[w] and not tenant_ways[w] then
      add(string.format("%s[%d]", path, i), string.format("способ '%s' не указан в access_ways арендатора", w))
    end
  end
end

-- Placeholders of a template text that the template does not know.
local function check_placeholders(add, path, text, known)
  for _, name in ipairs(messages.placeholders(text)) do
    if not known[name] then add(path, string.format("неизвестная переменная {%s}", name)) end
  end
end

-- `mail_templates` or `sms_templates` (`kind` "mail" or "sms"): template
-- names of that kind, texts with known placeholders.
local function templates(kind, desc)
  local mail_keys = set_of { "subject", "text", "html" }
  return S.custom {
    desc = desc, doc = "table template → " .. (kind == "sms" and "text" or "`{subject, text, html}`"),
    check = function(add, key, t)
      if type(t) ~= "table" then add(key, "ожидается таблица {шаблон = текст}"); return end
      for _, name in ipairs(sorted_keys(t)) do
        local p = key .. "." .. tostring(name)
        local spec, v = messages.TEMPLATES[name], t[name]
        local known = spec and messages.variables(name)
        if not spec or spec.kind ~= kind then
          add(p, "неизвестный шаблон")
        elseif kind == "sms" then
          S.check(S.string { required = true }, v, p, add)
          if non_empty_string(v) then check_placeholders(add, p, v, known) end
        elseif type(v) ~= "table" then
          add(p, "ожидается таблица {subject, text, html}")
        else
          for _, k in ipairs(sorted_keys(v)) do
            if not mail_keys[k] then add(p .. "." .. tostring(k), "неизвестный ключ") end
          end
          for _, k in ipairs { "subject", "text", "html" } do
            if not (k == "html" and v.html == false) and v[k] ~= nil then
              S.check(S.string {}, v[k], p .. "." .. k, add)
              if non_empty_string(v[k]) then check_placeholders(add, p .. "." .. k, v[k], known) end
            end
          end
        end
      end
    end,
  }
end

---------------------------------------------------------------------------
-- The schema
---------------------------------------------------------------------------

local function int_limit(default, min, max, desc)
  return S.int { default = default, min = min, max = max, desc = desc }
end

--- Bounds of login throttling, of guessing access identifiers and of sessions.
local lockout = S.record { name = "identity.lockout", desc = "throttling of failed logins", keys = {
  { "max_failures", int_limit(5, 1, 100, "failed logins …") },
  { "window_minutes", int_limit(15, 1, 1440, "… within this window lock the login") },
  { "lock_minutes", int_limit(15, 1, 10080, "for this long") },
} }
local guessing = S.record { name = "identity.guessing",
  desc = "throttling of personal account and contract numbers not found, per user", keys = {
  { "max_failures", int_limit(10, 1, 100, "numbers not found …") },
  { "window_minutes", int_limit(60, 1, 1440, "… within this window lock the user's guessing") },
  { "lock_minutes", int_limit(60, 1, 10080, "for this long") },
} }
local session = S.record { name = "identity.session", desc = "session length", keys = {
  { "hours", int_limit(12, 1, 720, "a session without «remember me»") },
  { "remember_days", int_limit(30, 0, 365, "with «remember me»; 0 switches it off") },
} }

local field_name = S.string { required = true, pattern = NAME_PATTERN, pattern_doc = "`a-z`, `0-9`, `_`",
  pattern_message = "имя поля: латинские строчные буквы, цифры и '_'", desc = "the name the browser sends" }

--- A field of a registration or profile form.
M.field = S.record { name = "field", rules = { field_rules }, keys = {
  { "name", field_name },
  { "label", S.string { required = true, desc = "Russian label as the utility writes it" } },
  { "type", S.enum { required = true, values = W.FIELD_TYPES, message = "неизвестный тип '%s'",
    desc = "how the value is checked and stored" } },
  { "required", S.bool { default = true, desc = "`false` for an optional field" } },
  { "login", S.bool { desc = "`true` on exactly one field per kind: the login identifier" } },
  { "options", items { only_for = { "select" }, desc = "the list a `select` value must come from" } },
  { "dictionary", S.custom { only_for = { "select", "street", "text" }, doc = "name of a dictionary",
    desc = "the dictionary a `select` or `street` value must come from (`text`: suggestions)",
    check = function(add, path, v, ctx)
      if type(v) ~= "string" then add(path, "ожидается имя справочника")
      elseif not ctx.dicts[v] then add(path, string.format("справочник '%s' не объявлен в dictionaries", v)) end
    end } },
  { "visible_if", S.record { name = "visible_if", message = "ожидается таблица {field = ..., equals = ...}",
    desc = "`{field = \"from_voronezh\", equals = true}`: hidden fields are neither required nor checked", keys = {
      { "field", S.custom { doc = "field name", desc = "the field that controls visibility", check = function() end } },
      { "equals", S.custom { doc = "string, number or boolean", desc = "the value that shows this field",
        check = function(add, path, v)
          local t = type(v)
          if t ~= "string" and t ~= "number" and t ~= "boolean" then
            add(path, "ожидается строка, число или логическое значение")
          end
        end } },
    } } },
  { "hint", S.string { desc = "shown by the portal under the field" } },
  { "min_length", S.int { min = 0, desc = "in characters (text, textarea, password, email)" } },
  { "max_length", S.int { min = 0, desc = "in characters (text, textarea, password, email)" } },
  { "same_as", S.custom { doc = "field name", desc = "the field this one repeats (`password_confirm` → `\"password\"`)",
    check = function() end } },
  { "placeholder", S.string { desc = "shown by the portal inside the empty field" } },
  { "default", S.custom { doc = "string or boolean", desc = "used when nothing is sent", check = function() end } },
  { "mobile", S.bool { only_for = { "phone" }, desc = "accept mobile numbers only (for SMS codes)" } },
  { "pattern", S.custom { only_for = { "text" }, doc = "Lua pattern", desc = "checked on the server",
    check = function(add, path, v)
      if type(v) ~= "string" or not pcall(string.find, "", v) then add(path, "ожидается шаблон Lua (string.find)") end
    end } },
  { "pattern_message", S.string { desc = "the reason shown when `pattern` does not match" } },
} }

--- An applicant kind with its forms.
M.kind = S.record { name = "applicant kind", rules = { kind_rules },
  enter = function(ctx) ctx.kind_names, ctx.names = nil, nil end, keys = {
  { "id", S.string { required = true, pattern = NAME_PATTERN, pattern_doc = "`a-z`, `0-9`, `_`", pattern_message = ID_MESSAGE,
    desc = "the kind's id (`individual`, `legal_entity` …)" } },
  { "label", S.string { required = true, desc = "Russian name of the kind" } },
  { "fields", S.list { of = M.field, nonempty = true, message = "ожидается непустой список полей", required = true,
    missing = "ожидается непустой список полей",
    enter = enter_fields, rules = { no_visibility_cycles }, desc = "the registration form, in order" } },
  { "login", S.custom { doc = "field name", desc = "the login field, instead of `login = true` on it",
    check = function() end } },
  { "access_ways", S.strings { values = W.ACCESS_WAYS, what = "способа доступа", rules = { kind_ways_rule },
    desc = "the tenant's access ways this kind may use (default all)" } },
  { "validate", S.func { desc = "`function(kind_id, fields, errors, values, context)` for this kind" } },
  { "profile_fields", S.list { message = "ожидается список полей", enter = enter_profile_fields,
    of = S.record { name = "field", rules = { field_rules, profile_field_rules }, keys = M.field.keys },
    rules = { no_visibility_cycles }, desc = "fields the profile asks for besides the registration ones" } },
} }

local function bool_policy(desc) return S.bool { desc = desc } end

--- The nodes of `case_groups`, `case_registers`, `case_kinds` (kabinet.cases.schema),
-- in the field language above.
local cases = require("kabinet.cases.schema").nodes {
  field = M.field, field_rules = field_rules, name_fields = name_fields, no_visibility_cycles = no_visibility_cycles,
}
M.cases = cases

--- The whole declaration.
M.declaration = S.record { name = "declaration", label = "декларация", keys = {
  { "id", S.ident { required = true, pattern = "^[a-z0-9][a-z0-9%-]*$", pattern_doc = "`a-z`, `0-9`, `-`",
    message = "ожидается идентификатор из латинских строчных букв, цифр и '-'", desc = "the folder name" } },
  { "name", S.string { required = true, desc = "full legal name" } },
  { "short_name", S.string { required = true, desc = "short name («АО «ВОЭК»»)" } },
  { "hosts", S.strings { required = true, desc = "host names the portal answers on", rules = { function(add, path, hosts)
    if #hosts == 0 then add(path, "ожидается хотя бы одно имя хоста") end
    for i, h in ipairs(hosts) do
      if type(h) == "string" and not h:match("^[a-z0-9][a-z0-9%.%-]*[a-z0-9]$") and not h:match("^[a-z0-9][a-z0-9%.%-]*[a-z0-9]:%d+$") then
        add(string.format("%s[%d]", path, i), string.format("некорректное имя хоста '%s'", h))
      end
    end
  end } } },
  { "timezone", S.enum { required = true, values = W.TIMEZONES, message = "неизвестный часовой пояс '%s'",
    doc = "IANA name of a Russian zone", desc = "`Europe/Moscow`, `Asia/Yekaterinburg` …" } },
  { "branding", S.record { required = true, name = "branding", desc = "colours and logo of the portal", keys = {
    { "primary", S.ident { required = true, missing = "ожидается цвет в формате #rrggbb", pattern = "^#%x%x%x%x%x%x$",
      pattern_doc = "`#rrggbb`", message = "ожидается цвет в формате #rrggbb", desc = "main colour" } },
    { "accent", S.ident { required = true, missing = "ожидается цвет в формате #rrggbb", pattern = "^#%x%x%x%x%x%x$",
      pattern_doc = "`#rrggbb`", message = "ожидается цвет в формате #rrggbb", desc = "accent colour" } },
    { "logo", S.custom { doc = "file name", desc = "image beside tenant.lua (png, svg, jpg, webp); the monogram without one",
      check = function(add, path, v)
        local ext = type(v) == "string" and v:match("^[%w_%-%.]+%.(%w+)$")
        if not ext or not W.LOGO_EXTENSIONS[ext:lower()] or v:find("..", 1, true) then
          add(path, "ожидается имя файла изображения (png, svg, jpg, webp) без пути")
        end
      end } },
  } } },
  { "modules", S.strings { required = true, values = W.MODULES, what = "модуля",
    desc = "`identity` always; the portal shows a home card or menu entry only for a module declared here whose page it has",
    rules = { function(add, path, v)
      if not set_of(v).identity then add(path, "модуль 'identity' обязателен") end
    end } } },
  { "name_forms", S.record { name = "name_forms", message = "ожидается таблица {genitive = …, accusative = …}",
    unknown = "неизвестная форма имени (есть genitive, accusative)",
    desc = "the tenant's name inside sentences of mails and SMS; default the short name", keys = {
      { "genitive", S.string { one_line = true, max_chars = W.NAME_FORM_MAX, desc = "`{tenant_genitive}`, after «личный кабинет»" } },
      { "accusative", S.string { one_line = true, max_chars = W.NAME_FORM_MAX, desc = "`{tenant_accusative}`, after «в»" } },
    } } },
  { "access_ways", S.strings { required = true, values = W.ACCESS_WAYS, what = "способа доступа",
    desc = "how consumers get access to metering points" } },
  { "confirmations", S.strings { required = true, values = W.CONFIRMATIONS, what = "подтверждения",
    desc = "what must be confirmed before the first login: `{}`, `{\"email\"}`, `{\"email\", \"phone\"}`" } },
  { "second_factor", S.enum { values = W.SECOND_FACTORS, message = "неизвестный второй фактор '%s' (допустимо: sms, totp)",
    desc = "`sms`: SMS codes are offered besides TOTP, which every tenant offers (`totp` changes nothing)" } },
  { "identity", S.record { name = "identity", desc = "login, session and registration settings", keys = {
    { "registration_message", S.string { doc = "string", desc = "shown in the answer to the registration; by default by `confirmations` («Регистрация прошла успешно.» without any)" } },
    { "post_registration", S.custom { doc = "string or table kind → string",
      desc = "what a new user does next (e.g. how to get access to meters): one text, or `{<kind id> = text}`",
      check = function(add, path, post, ctx)
        if type(post) ~= "table" then S.check(S.string {}, post, path, add); return end
        for _, k in ipairs(sorted_keys(post)) do
          local p = path .. "." .. tostring(k)
          if not ctx.kind_ids[k] then add(p, string.format("вид заявителя '%s' не объявлен", tostring(k))) end
          S.check(S.string { required = true }, post[k], p, add)
        end
      end } },
    { "force_second_factor", S.strings { values = W.ROLES, what = "роли", desc = "roles that must use a second factor" } },
    { "email_field", S.ident { pattern = NAME_PATTERN, pattern_doc = "field name", message = "ожидается имя поля", default = "email",
      desc = "the field confirmations and resets use; `check` demands it, of type `email`, in every kind when e-mail confirmation needs it" } },
    { "phone_field", S.ident { pattern = NAME_PATTERN, pattern_doc = "field name", message = "ожидается имя поля", default = "phone",
      desc = "the field phone confirmation and SMS codes use; `check` demands it, of type `phone`, in every kind when they need it" } },
    { "lockout", lockout },
    { "guessing", guessing },
    { "session", session },
  } } },
  { "password_policy", S.record { required = true, name = "password_policy", desc = "what a password must be",
    rules = { function(add, path, p)
      if math.type(p.min_length) == "integer" and math.type(p.max_length) == "integer" and p.min_length > p.max_length then
        add(path, "min_length больше max_length")
      end
    end }, keys = {
      { "min_length", S.int { min = 1, desc = "characters at least" } },
      { "max_length", S.int { min = 1, desc = "characters at most" } },
      { "require_letter", bool_policy("a letter") },
      { "require_upper", bool_policy("an upper-case letter") },
      { "require_lower", bool_policy("a lower-case letter") },
      { "require_digit", bool_policy("a digit") },
      { "require_special", bool_policy("a character other than a letter or digit") },
      { "latin_only", bool_policy("Latin letters only") },
    } } },
  { "applicant_kinds", S.list { required = true, of = M.kind, nonempty = true,
    message = "ожидается непустой список видов заявителя",
    unique = { key = "id", message = "повторяющийся вид заявителя '%s'" },
    desc = "who registers (individual, legal entity …), each with its forms" } },
  { "consents", S.list { message = "ожидается список", unique = { key = "id", message = "повторяющийся идентификатор '%s'" },
    desc = "consents of the registration form; an implicit one has no check box: sending the form accepts it",
    of = S.record { name = "consent", rules = { function(add, path, c, ctx)
      if type(c.id) == "string" and ctx.field_names[c.id] then
        add(path .. ".id", string.format("совпадает с именем поля '%s'", c.id))
      end
    end }, keys = {
      { "id", S.string { required = true, desc = "sent as `fields[<id>] = true`; not a field's name" } },
      { "title", S.string { desc = "heading of the consent's text" } },
      { "label", S.string { required = true, desc = "text beside the check box" } },
      { "version", S.string { required = true, desc = "stored with the consent given" } },
      { "text", S.string { required = true, desc = "the full text" } },
      { "required", S.bool { default = true, desc = "registration needs it" } },
      { "implicit", S.bool { default = false, desc = "no check box: sending the form accepts it" } },
      { "error", S.string { desc = "shown when not ticked (default «Необходимо дать согласие»)" } },
    } } } },
  { "dictionaries", S.map { message = "ожидается таблица {имя = список значений}", desc = "lists of values for `select` and `street` fields",
    key = { check = function(k) return type(k) == "string" and k:match(NAME_PATTERN) ~= nil end,
            message = "имя справочника: латинские строчные буквы, цифры и '_'" },
    value = items { required = true } } },
  { "case_groups", cases.groups },
  { "case_registers", cases.registers },
  { "case_kinds", cases.kinds },
  { "messages", S.record { name = "messages", desc = "rewording of the forms' messages", keys = {
    { "required", S.string { default = W.DEFAULT_MESSAGES.required, desc = "an empty required field" } },
    { "login_taken", S.string { default = W.DEFAULT_MESSAGES.login_taken, desc = "the login is already registered" } },
    { "registration_failed", S.string { default = W.DEFAULT_MESSAGES.registration_failed, desc = "the registration form has errors" } },
    { "login_readonly", S.string { default = W.DEFAULT_MESSAGES.login_readonly, desc = "the profile's login field" } },
  } } },
  { "notifications", notifications.schema },
  { "mail_templates", templates("mail", "the tenant's own mail texts, see «Mail and SMS»") },
  { "sms_templates", templates("sms", "the tenant's own SMS texts, see «Mail and SMS»") },
  { "polling", polling.schema },
  { "connectors", connectors.schema },
  { "link_device", S.func { desc = "`function(connector_id, device)` → `{meter_serial = …}` or `{point_number = …}` or nil: which meter an upstream device is (default: the meter whose serial is the device's `serial`)" } },
  { "calendar", calendar.schema },
  { "settings", settings.node },
  { "validate", S.func { desc = "`function(kind_id, fields, errors, values, context)`; `context` is `registration` or `profile`" } },
} }

--- What the checks need to know of the whole declaration before the walk.
local function context(T)
  local ctx = { T = T, modules = {}, dicts = {}, kind_ids = {}, field_names = {} }
  if is_list(T.modules) then ctx.modules = set_of(T.modules) end
  if type(T.dictionaries) == "table" then
    for name in pairs(T.dictionaries) do ctx.dicts[name] = true end
  end
  if is_list(T.applicant_kinds) then
    for _, kind in ipairs(T.applicant_kinds) do
      if type(kind) == "table" then
        if type(kind.id) == "string" then ctx.kind_ids[kind.id] = true end
        for _, list in ipairs { kind.fields, kind.profile_fields } do
          if is_list(list) then
            for _, f in ipairs(list) do
              if type(f) == "table" and type(f.name) == "string" then ctx.field_names[f.name] = true end
            end
          end
        end
      end
    end
  end
  return ctx
end

--- Checks a tenant declaration against the schema and its extra checks.
-- @return nil when T is well-formed, else an array of "<path>: <problem>"
function M.check(T)
  if type(T) ~= "table" then
    return tables.array { "декларация: tenant.lua должен вернуть таблицу" }
  end
  local problems = {}
  local function add(path, msg) problems[#problems + 1] = path .. ": " .. msg end
  S.check(M.declaration, T, "", add, context(T))
  if #problems == 0 then return nil end
  return tables.array(problems)
end

--- The identity limits: {lockout|guessing|session = {<key> = {default, min, max}}}.
M.IDENTITY_LIMITS = {}
for _, group in ipairs { "lockout", "guessing", "session" } do
  local limits = {}
  for _, entry in ipairs(S.key(S.key(M.declaration, "identity"), group).keys) do
    limits[entry[1]] = { default = entry[2].default, min = entry[2].min, max = entry[2].max }
  end
  M.IDENTITY_LIMITS[group] = limits
end

return M
