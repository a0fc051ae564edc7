--- kabinet.messages — the default texts of the mails and SMS the core sends
-- for a tenant (confirmation links, password reset, one-time codes), and the
-- substitution of their `{name}` placeholders.
--
--   M.mail(name, vars, override) → {subject, text, html?}
--   M.sms(name, vars, override)  → text
--   M.variables(name)            → set of the placeholders a template may use
--   M.placeholders(s)            → list of the placeholder names in s
--
-- A template is plain Russian text with placeholders such as `{link}`.
-- The values come from the core (`vars`) and from the declaration
-- (`tenant_name` = short name, `tenant_full_name`, and the name forms for
-- sentences: `tenant_genitive` after «личный кабинет», `tenant_accusative`
-- after «в»; `kabinet.tenant` adds them from `name_forms`). Numbers of hours and minutes get a companion in words, declined to
-- agree: `expires_hours = 24` gives `{expires_hours_text}` = "24 часа",
-- `minutes = 1` gives `{minutes_text}` = "1 минуту".
--
-- Substitution is one pass with a replacement function, so a value is put in
-- exactly as given: a "%" or a "{link}" inside a value stays as it is and is
-- never read as a pattern or a placeholder. In HTML every value is escaped;
-- in a subject and an SMS line breaks in a value become spaces.
--
-- Tenants override templates in their declaration (`mail_templates`,
-- `sms_templates`); `kabinet.tenant.mail` and `kabinet.tenant.sms` pass the
-- override here. A mail override may give any of subject, text, html: what it
-- leaves out comes from the default, except that a new text also gets a new
-- HTML body made from it (never the default body of another text), and
-- `html = false` sends text only.

local V = require("kabinet.validators")

local M = {}

--- Characters of one SMS segment in UCS-2, the encoding any Cyrillic text
-- needs; default SMS texts stay within it with a 6-digit code.
M.SMS_LIMIT = 70

--- Templates: whether a mail or an SMS, and the variables the core must pass.
M.TEMPLATES = {
  confirm_email = { kind = "mail", required = { "link", "expires_hours" } },
  email_change = { kind = "mail", required = { "link", "expires_hours" } },
  password_reset = { kind = "mail", required = { "link", "expires_minutes" } },
  password_changed = { kind = "mail", required = {} },
  phone_code = { kind = "sms", required = { "code", "minutes" } },
  login_code = { kind = "sms", required = { "code", "minutes" } },
}

--- Variables every template may use, filled in from the declaration.
M.TENANT_VARS = { "tenant_name", "tenant_full_name", "tenant_genitive", "tenant_accusative" }

-- Number variables that get a "<name>_text" companion: the unit for 1, 2–4
-- and 5+ in the accusative ("действует 1 минуту / 2 минуты / 5 минут").
local UNITS = {
  expires_hours = { "час", "часа", "часов" },
  expires_minutes = { "минуту", "минуты", "минут" },
  minutes = { "минуту", "минуты", "минут" },
}

local FOOTER = "Письмо отправлено автоматически, отвечать на него не нужно."

--- Default mails. `text` paragraphs are separated by blank lines; a line
-- holding only `{link}` becomes a link in the HTML body.
M.MAIL = {
  confirm_email = {
    subject = "Подтверждение регистрации в личном кабинете {tenant_name}",
    text = table.concat({
      "Здравствуйте!",
      "Вы зарегистрировались в личном кабинете {tenant_genitive}. Чтобы подтвердить адрес "
        .. "электронной почты, перейдите по ссылке:",
      "{link}",
      "Ссылка действует {expires_hours_text}. Если вы не регистрировались, просто удалите это письмо.",
      FOOTER,
    }, "\n\n"),
  },
  email_change = {
    subject = "Подтверждение нового адреса электронной почты — {tenant_name}",
    text = table.concat({
      "Здравствуйте!",
      "Этот адрес указан как новый адрес электронной почты в личном кабинете {tenant_genitive}. "
        .. "Чтобы подтвердить его, перейдите по ссылке:",
      "{link}",
      "Ссылка действует {expires_hours_text}. Пока новый адрес не подтверждён, письма приходят на прежний. "
        .. "Если вы не меняли адрес, просто удалите это письмо.",
      FOOTER,
    }, "\n\n"),
  },
  password_reset = {
    subject = "Восстановление пароля — {tenant_name}",
    text = table.concat({
      "Здравствуйте!",
      "Для входа в личный кабинет {tenant_genitive} запрошено восстановление пароля. "
        .. "Чтобы задать новый пароль, перейдите по ссылке:",
      "{link}",
      "Ссылка действует {expires_minutes_text}, воспользоваться ею можно один раз. Если вы не "
        .. "запрашивали восстановление пароля, ничего не делайте: пароль останется прежним.",
      FOOTER,
    }, "\n\n"),
  },
  password_changed = {
    subject = "Пароль изменён — {tenant_name}",
    text = table.concat({
      "Здравствуйте!",
      "Пароль для входа в личный кабинет {tenant_genitive} изменён.",
      "Если это были не вы, сразу восстановите доступ: на странице входа нажмите «Забыли пароль?» "
        .. "и задайте новый пароль, а затем сообщите о случившемся в {tenant_accusative}.",
      FOOTER,
    }, "\n\n"),
  },
}

--- Default SMS texts (67 characters with a 6-digit code and "10 минут").
M.SMS = {
  phone_code = "Код подтверждения: {code}. Действует {minutes_text}. Никому не сообщайте.",
  login_code = "Код для входа: {code}. Действует {minutes_text}. Никому не сообщайте его.",
}

---------------------------------------------------------------------------
-- Placeholders
---------------------------------------------------------------------------

-- A placeholder: "{" name "}", the name in Latin letters, digits and "_".
local PLACEHOLDER = "{([%a_][%w_]*)}"

--- The placeholder names of a text, in order of appearance (repeats kept).
-- @param s string
-- @return list of names
function M.placeholders(s)
  local names = {}
  for name in s:gmatch(PLACEHOLDER) do names[#names + 1] = name end
  return names
end

--- The placeholders a template may use: its required variables, the
-- tenant's variables and the "<name>_text" companions of numbers.
-- @param name template name
-- @return set {name = true}, or nil for an unknown template
function M.variables(name)
  local t = M.TEMPLATES[name]
  if not t then return nil end
  local set = {}
  for _, v in ipairs(M.TENANT_VARS) do set[v] = true end
  for _, v in ipairs(t.required) do
    set[v] = true
    if UNITS[v] then set[v .. "_text"] = true end
  end
  return set
end

-- A variable's value as text: strings as they are, integral numbers without
-- a fractional part. Anything else is a mistake of the caller.
local function value_text(name, v)
  if type(v) == "string" then return v end
  local s = V.to_text(v)
  if s then return s end
  if type(v) == "number" then return tostring(v) end
  error(string.format("kabinet.messages: переменная '%s' должна быть строкой или числом, получено %s",
    name, type(v)), 3)
end

-- The values of a template: the caller's, checked for the required ones,
-- as text, with the "_text" companions of numbers added.
local function values_for(name, vars)
  local t = M.TEMPLATES[name]
  if not t then error(string.format("kabinet.messages: неизвестный шаблон '%s'", tostring(name)), 3) end
  vars = type(vars) == "table" and vars or {}
  for _, v in ipairs(t.required) do
    if vars[v] == nil then
      error(string.format("kabinet.messages: шаблон '%s' требует переменную '%s'", name, v), 3)
    end
  end
  local out = {}
  for k, v in pairs(vars) do
    if type(k) == "string" then out[k] = value_text(k, v) end
  end
  -- The name forms default to the short name.
  for _, form in ipairs { "tenant_genitive", "tenant_accusative" } do
    if out[form] == nil then out[form] = out.tenant_name end
  end
  for var, forms in pairs(UNITS) do
    local n = math.tointeger(tonumber(out[var]))
    if n and out[var .. "_text"] == nil then
      out[var .. "_text"] = string.format("%d %s", n, V.plural(n, forms[1], forms[2], forms[3]))
    elseif out[var] ~= nil and out[var .. "_text"] == nil then
      out[var .. "_text"] = out[var]
    end
  end
  return out
end

-- Puts values in for the placeholders in one pass; `convert` (optional)
-- transforms each value first. A placeholder without a value stays as it is.
local function substitute(template, values, convert)
  return (template:gsub(PLACEHOLDER, function(name)
    local v = values[name]
    if v == nil then return nil end
    if convert then v = convert(v) end
    return v
  end))
end

-- Line breaks and other control characters in a one-line value become spaces.
local function one_line(v)
  return (v:gsub("[%c]", " "))
end

local HTML_ESCAPES = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;" }

--- Escapes text for HTML element content and attribute values.
-- @param s string
-- @return string
function M.escape_html(s)
  return (s:gsub("[&<>\"']", HTML_ESCAPES))
end

--- Makes the HTML body of a mail from its text template (before the values
-- are put in): paragraphs at blank lines, line breaks kept, and a line that
-- holds only `{link}` turned into a link. Placeholders survive escaping
-- because "{" and "}" are not escaped.
-- @param text text template
-- @param subject subject template (the page title)
-- @return HTML template
function M.html_of(text, subject)
  local paragraphs = {}
  local source = text:gsub("\r\n", "\n") .. "\n\n"
  for block in source:gmatch("(.-)\n%s*\n") do
    if block:find("%S") then
      local lines = {}
      for line in (block .. "\n"):gmatch("(.-)\n") do
        local trimmed = V.trim(line)
        if trimmed == "{link}" then
          lines[#lines + 1] = '<a href="{link}">{link}</a>'
        else
          lines[#lines + 1] = M.escape_html(line)
        end
      end
      paragraphs[#paragraphs + 1] = "<p>" .. table.concat(lines, "<br>\n") .. "</p>"
    end
  end
  return table.concat({
    '<!DOCTYPE html>',
    '<html lang="ru"><head><meta charset="utf-8"><title>' .. M.escape_html(subject or "") .. '</title></head>',
    '<body>',
    table.concat(paragraphs, "\n"),
    '</body></html>',
  }, "\n")
end

---------------------------------------------------------------------------
-- mail, sms
---------------------------------------------------------------------------

--- Renders a mail.
-- @param name template name (a mail of M.TEMPLATES)
-- @param vars table of values; the template's required ones must be there
-- @param override optional {subject?, text?, html? (string or false)}
-- @return {subject, text, html?}
function M.mail(name, vars, override)
  local default = M.MAIL[name]
  if not default then error(string.format("kabinet.messages: неизвестный шаблон письма '%s'", tostring(name)), 2) end
  local values = values_for(name, vars)
  override = type(override) == "table" and override or {}
  local subject = override.subject or default.subject
  local text = override.text or default.text
  local html = override.html
  if html == nil then html = M.html_of(text, subject) end
  return {
    subject = substitute(subject, values, one_line),
    text = substitute(text, values),
    html = html and substitute(html, values, M.escape_html) or nil,
  }
end

--- Renders an SMS.
-- @param name template name (an SMS of M.TEMPLATES)
-- @param vars table of values; the template's required ones must be there
-- @param override optional text replacing the default
-- @return text, and its length in characters
function M.sms(name, vars, override)
  local default = M.SMS[name]
  if not default then error(string.format("kabinet.messages: неизвестный шаблон SMS '%s'", tostring(name)), 2) end
  local text = substitute(type(override) == "string" and override or default, values_for(name, vars), one_line)
  return text, utf8.len(text) or #text
end

return M
