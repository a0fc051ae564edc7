-- Tests of the mail and SMS texts: kabinet.messages (defaults, placeholder
-- substitution that a "%" or a "{...}" in a value cannot disturb, HTML
-- escaping, Russian plurals), kabinet.tenant.mail / .sms with the tenants'
-- overrides, the 70-character SMS limit, and check() on `mail_templates` /
-- `sms_templates`. Needs the global load_tenant(id) of the test harness.

local tenant = require("kabinet.tenant")
local messages = require("kabinet.messages")
local F = require("kabinet.fields")

local testing = require("testing")
local case, eq = testing.case, testing.eq

local TENANTS = { "kes-orenburg", "sigma", "voek", "vges", "oes360" }

-- Values the core passes, per template.
local VARS = {
  confirm_email = { link = "https://kabinet.example/t/x/confirm/email?token=abc", expires_hours = 24 },
  email_change = { link = "https://kabinet.example/t/x/confirm/email?token=def", expires_hours = 24 },
  password_reset = { link = "https://kabinet.example/t/x/password/reset?token=ghi", expires_minutes = 60 },
  password_changed = {},
  phone_code = { code = "123456", minutes = 10 },
  login_code = { code = "654321", minutes = 10 },
}

local function contains(s, fragment, what)
  if type(s) ~= "string" or not s:find(fragment, 1, true) then
    error(string.format("%s: %q не содержит %q", what or "текст", tostring(s), fragment), 2)
  end
end

local function lacks(s, fragment, what)
  if s:find(fragment, 1, true) then
    error(string.format("%s: %q содержит %q", what or "текст", s, fragment), 2)
  end
end

-- Asserts that fn raises an error whose text contains `fragment`.
local function raises(fn, fragment)
  local ok, err = pcall(fn)
  if ok then error("ожидалась ошибка: " .. fragment, 2) end
  contains(tostring(err), fragment, "ошибка")
end

-- Asserts that check(T) reports a problem starting with `prefix`.
local reports = require("testing").reports

local function sample()
  return {
    id = "test-grid",
    name = "Акционерное общество «Тестовая сетевая компания»",
    short_name = "АО «ТСК»",
    hosts = { "test.kabinet.localhost" },
    timezone = "Europe/Moscow",
    branding = { primary = "#112233", accent = "#aabbcc" },
    modules = { "identity" },
    access_ways = { "account_number" },
    confirmations = {},
    password_policy = { min_length = 8 },
    applicant_kinds = {
      { id = "individual", label = "Физическое лицо", fields = { F.email { login = true }, F.password {} } },
    },
  }
end

---------------------------------------------------------------------------
-- Defaults
---------------------------------------------------------------------------

case("каждый шаблон каждого арендатора заполняется целиком", function()
  for _, id in ipairs(TENANTS) do
    local T = load_tenant(id)
    for name, spec in pairs(messages.TEMPLATES) do
      local what = id .. "." .. name
      if spec.kind == "mail" then
        local m = tenant.mail(T, name, VARS[name])
        for _, part in ipairs { "subject", "text", "html" } do
          assert(type(m[part]) == "string" and m[part] ~= "", what .. ": нет " .. part)
          lacks(m[part], "{", what .. "." .. part)
        end
        contains(m.subject, T.short_name, what .. ".subject")
        lacks(m.subject, "\n", what .. ".subject")
        if VARS[name].link then
          contains(m.text, VARS[name].link, what .. ".text")
          contains(m.html, '<a href="' .. VARS[name].link .. '">', what .. ".html")
        end
      else
        local text = tenant.sms(T, name, VARS[name])
        lacks(text, "{", what)
        contains(text, VARS[name].code, what)
      end
    end
  end
end)

case("тексты писем по умолчанию", function()
  local T = load_tenant("sigma")
  local m = tenant.mail(T, "confirm_email", VARS.confirm_email)
  eq(m.subject, "Подтверждение регистрации в личном кабинете ООО «СИГМА»")
  contains(m.text, "Ссылка действует 24 часа.")
  local r = tenant.mail(T, "password_reset", VARS.password_reset)
  contains(r.text, "Ссылка действует 60 минут")
  contains(r.text, "пароль останется прежним")
  local c = tenant.mail(T, "password_changed", {})
  eq(c.subject, "Пароль изменён — ООО «СИГМА»")
  contains(c.text, "Если это были не вы")
  contains(c.text, "«Забыли пароль?»")
  lacks(c.text, "http")
  local e = tenant.mail(T, "email_change", VARS.email_change)
  contains(e.text, "новый адрес электронной почты")
  eq(tenant.sms(T, "phone_code", VARS.phone_code),
    "Код подтверждения: 123456. Действует 10 минут. Никому не сообщайте.")
  eq(tenant.sms(T, "login_code", VARS.login_code),
    "Код для входа: 654321. Действует 10 минут. Никому не сообщайте его.")
end)

case("числа с единицами согласуются", function()
  local function hours(n)
    return tenant.mail(sample(), "confirm_email", { link = "x", expires_hours = n }).text:match("действует ([^.]+)%.")
  end
  eq(hours(1), "1 час")
  eq(hours(2), "2 часа")
  eq(hours(5), "5 часов")
  eq(hours(21), "21 час")
  eq(hours(24), "24 часа")
  eq(hours(48.0), "48 часов", "целое число в виде float")
  eq(hours("12"), "12 часов", "число строкой")
  local function minutes(n)
    return tenant.sms(sample(), "phone_code", { code = "1", minutes = n }):match("Действует ([^.]+)%.")
  end
  eq(minutes(1), "1 минуту")
  eq(minutes(3), "3 минуты")
  eq(minutes(10), "10 минут")
  eq(minutes(11), "11 минут")
  eq(minutes(21), "21 минуту")
end)

---------------------------------------------------------------------------
-- Safe substitution
---------------------------------------------------------------------------

case("значения с % и {} вставляются как есть", function()
  local T = sample()
  local link = "https://kabinet.example/r?token=a%1b%%c%d&next=%2F{code}"
  local m = tenant.mail(T, "password_reset", { link = link, expires_minutes = 30 })
  contains(m.text, "\n" .. link .. "\n", "ссылка в тексте")
  contains(m.html, 'href="https://kabinet.example/r?token=a%1b%%c%d&amp;next=%2F{code}"', "ссылка в HTML")
  local code = "%1%%"
  eq(tenant.sms(T, "phone_code", { code = code, minutes = 5 }),
    "Код подтверждения: %1%%. Действует 5 минут. Никому не сообщайте.")
  -- A value that looks like a placeholder is not substituted again.
  contains(tenant.sms(T, "login_code", { code = "{minutes}", minutes = 5 }), "Код для входа: {minutes}.")
  -- A name with pattern characters stays intact too.
  local T2 = sample()
  T2.short_name = "ООО «100% Свет»"
  contains(tenant.mail(T2, "password_changed").subject, "ООО «100% Свет»")
end)

case("HTML экранирует значения, тема письма — одна строка", function()
  local T = sample()
  T.short_name = "АО «<b>Свет</b> & Ко»"
  local m = tenant.mail(T, "confirm_email", { link = "https://x/?a=1&b=\"2\"", expires_hours = 1 })
  contains(m.html, "АО «&lt;b&gt;Свет&lt;/b&gt; &amp; Ко»")
  contains(m.html, 'href="https://x/?a=1&amp;b=&quot;2&quot;"')
  lacks(m.html, "<b>Свет")
  contains(m.text, "АО «<b>Свет</b> & Ко»", "текст не экранируется")
  local s = tenant.mail(sample(), "password_changed", { tenant_name = "Злой\r\nBcc: all@example.ru" }).subject
  lacks(s, "\n", "тема")
  lacks(s, "\r", "тема")
  eq(s, "Пароль изменён — Злой  Bcc: all@example.ru")
end)

case("переменные: обязательные, от ядра, неизвестные шаблоны", function()
  local T = sample()
  raises(function() tenant.mail(T, "confirm_email", { expires_hours = 24 }) end, "требует переменную 'link'")
  raises(function() tenant.mail(T, "password_reset", { link = "x" }) end, "требует переменную 'expires_minutes'")
  raises(function() tenant.sms(T, "login_code", { minutes = 5 }) end, "требует переменную 'code'")
  raises(function() tenant.mail(T, "operator_invite", {}) end, "неизвестный шаблон")
  raises(function() tenant.mail(T, "phone_code", VARS.phone_code) end, "неизвестный шаблон письма")
  raises(function() tenant.sms(T, "confirm_email", VARS.confirm_email) end, "неизвестный шаблон SMS")
  raises(function() tenant.mail(T, "confirm_email", { link = { "x" }, expires_hours = 1 }) end, "строкой или числом")
  -- The core may name the tenant itself.
  contains(tenant.mail(T, "password_changed", { tenant_name = "ТСК" }).subject, "— ТСК")
  contains(tenant.mail(T, "password_changed", nil).subject, "— АО «ТСК»")
end)

---------------------------------------------------------------------------
-- Tenants' overrides
---------------------------------------------------------------------------

case("ВОЭК: своё письмо активации, остальные — по умолчанию", function()
  local m = tenant.mail(load_tenant("voek"), "confirm_email", VARS.confirm_email)
  eq(m.subject, "Активация учётной записи в личном кабинете АО «ВОЭК»")
  contains(m.text, "Для активации учётной записи перейдите по ссылке:")
  contains(m.html, "Для активации учётной записи перейдите по ссылке:")
  local other = tenant.mail(load_tenant("oes360"), "confirm_email", VARS.confirm_email)
  eq(other.subject, "Подтверждение регистрации в личном кабинете ОЭС 360")
  local reset = tenant.mail(load_tenant("voek"), "password_reset", VARS.password_reset)
  eq(reset.subject, "Восстановление пароля — АО «ВОЭК»")
end)

case("частичная замена шаблона письма", function()
  local T = sample()
  T.mail_templates = {
    confirm_email = { subject = "Добро пожаловать в {tenant_name}" },
    password_reset = { text = "Новый пароль задаётся по ссылке (действует {expires_minutes_text}):\n\n{link}" },
    password_changed = { text = "Пароль изменён.", html = false },
    email_change = { html = "<p>Подтвердите адрес: <a href=\"{link}\">ссылка</a> ({tenant_full_name})</p>" },
  }
  local c = tenant.mail(T, "confirm_email", VARS.confirm_email)
  eq(c.subject, "Добро пожаловать в АО «ТСК»")
  contains(c.text, "Чтобы подтвердить адрес электронной почты", "текст по умолчанию")
  contains(c.html, "<title>Добро пожаловать в АО «ТСК»</title>")
  local r = tenant.mail(T, "password_reset", VARS.password_reset)
  eq(r.subject, "Восстановление пароля — АО «ТСК»")
  eq(r.text, "Новый пароль задаётся по ссылке (действует 60 минут):\n\n" .. VARS.password_reset.link)
  -- The HTML body is made from the new text, not left as the default one.
  contains(r.html, "Новый пароль задаётся по ссылке")
  lacks(r.html, "Здравствуйте")
  local p = tenant.mail(T, "password_changed", {})
  eq(p.text, "Пароль изменён.")
  eq(p.html, nil)
  local e = tenant.mail(T, "email_change", VARS.email_change)
  eq(e.html, "<p>Подтвердите адрес: <a href=\"" .. VARS.email_change.link
    .. "\">ссылка</a> (Акционерное общество «Тестовая сетевая компания»)</p>")
  contains(e.text, "новый адрес электронной почты", "текст по умолчанию")
end)

case("SMS умещаются в 70 символов", function()
  for _, id in ipairs(TENANTS) do
    local T = load_tenant(id)
    for name, spec in pairs(messages.TEMPLATES) do
      if spec.kind == "sms" then
        for _, minutes in ipairs { 1, 3, 5, 10, 15, 30 } do
          local text = tenant.sms(T, name, { code = "123456", minutes = minutes })
          local len = utf8.len(text)
          assert(len <= messages.SMS_LIMIT,
            string.format("%s.%s: %d символов > %d: %s", id, name, len, messages.SMS_LIMIT, text))
        end
      end
    end
  end
  eq(tenant.sms(load_tenant("oes360"), "login_code", VARS.login_code),
    "ОЭС 360: код входа 654321, действует 10 минут. Никому не сообщайте.")
  -- A longer text is sent all the same.
  local T = sample()
  T.sms_templates = { phone_code = string.rep("Очень длинное сообщение. ", 4) .. "{code}" }
  local long = tenant.sms(T, "phone_code", VARS.phone_code)
  assert(utf8.len(long) > messages.SMS_LIMIT)
  local _, length = messages.sms("phone_code", VARS.phone_code, T.sms_templates.phone_code)
  eq(length, utf8.len(long))
end)

---------------------------------------------------------------------------
-- check: mail_templates, sms_templates
---------------------------------------------------------------------------

case("check: шаблоны арендатора", function()
  local T = sample()
  T.mail_templates = {
    confirm_email = { subject = "Подтвердите {email}", text = "{link} {expires_minutes_text}", footer = "x" },
    phone_code = { text = "{code}" },
    welcome = { text = "Привет" },
    password_reset = "Ссылка: {link}",
    password_changed = { subject = "", html = false },
    email_change = { html = true },
  }
  T.sms_templates = {
    login_code = "Код {code}, {tenant_name}, {tenant_full_name}, {minutes}, {minutes_text}",
    phone_code = "Код {codes}",
    confirm_email = "{link}",
    password_reset = 42,
  }
  reports(T, "mail_templates.confirm_email.footer: неизвестный ключ")
  reports(T, "mail_templates.confirm_email.subject: неизвестная переменная {email}")
  reports(T, "mail_templates.confirm_email.text: неизвестная переменная {expires_minutes_text}")
  reports(T, "mail_templates.phone_code: неизвестный шаблон")
  reports(T, "mail_templates.welcome: неизвестный шаблон")
  reports(T, "mail_templates.password_reset: ожидается таблица")
  reports(T, "mail_templates.password_changed.subject: ожидается непустая строка")
  reports(T, "mail_templates.email_change.html: ожидается непустая строка")
  reports(T, "sms_templates.phone_code: неизвестная переменная {codes}")
  reports(T, "sms_templates.confirm_email: неизвестный шаблон")
  reports(T, "sms_templates.password_reset: неизвестный шаблон")
  for _, p in ipairs(tenant.check(T)) do
    assert(not p:find("sms_templates.login_code", 1, true), "известные переменные отвергнуты: " .. p)
    assert(not p:find("password_changed.html", 1, true), "html = false отвергнуто: " .. p)
  end
  local T2 = sample()
  T2.mail_templates = "strict"
  T2.sms_templates = { phone_code = 42 }
  reports(T2, "mail_templates: ожидается таблица")
  reports(T2, "sms_templates.phone_code: ожидается непустая строка")
end)

---------------------------------------------------------------------------
-- Name forms: the tenant's name inside sentences
---------------------------------------------------------------------------

case("форма имени в предложениях писем: своя или короткое имя, никогда полное", function()
  local link = { link = "https://x/t/y/confirm/email?token=1", expires_hours = 24 }
  for _, id in ipairs(TENANTS) do
    local T = load_tenant(id)
    for name, spec in pairs(messages.TEMPLATES) do
      if spec.kind == "mail" then
        local m = tenant.mail(T, name, VARS[name])
        for _, part in ipairs { "subject", "text" } do
          lacks(m[part], "кабинете " .. T.name, id .. "." .. name .. "." .. part)
          lacks(m[part], "кабинет " .. T.name, id .. "." .. name .. "." .. part)
          lacks(m[part], "кабинете Акционерное", id .. "." .. name .. "." .. part)
          lacks(m[part], "кабинете Общество", id .. "." .. name .. "." .. part)
        end
      end
    end
    local forms = T.name_forms or {}
    local m = tenant.mail(T, "confirm_email", link)
    contains(m.text, "в личном кабинете ", id)
    contains(m.text, (forms.genitive or T.short_name) .. ". ", id)
  end
  local vges = tenant.mail(load_tenant("vges"), "password_changed", {})
  contains(vges.text, "Пароль для входа в личный кабинет АО «Воронежская горэлектросеть» изменён.")
  contains(vges.text, "сообщите о случившемся в АО «Воронежская горэлектросеть».")
  eq(vges.subject, "Пароль изменён — АО «ВГЭС»")
  local T = sample()
  T.name_forms = { genitive = "ТСК", accusative = "ТСК-А" }
  local c = tenant.mail(T, "password_changed", {})
  contains(c.text, "личный кабинет ТСК изменён")
  contains(c.text, "сообщите о случившемся в ТСК-А.")
  contains(c.html, "личный кабинет ТСК изменён")
  local own = sample()
  own.sms_templates = { login_code = "{tenant_genitive}: код {code}, {minutes_text}" }
  eq(tenant.check(own), nil)
  eq(tenant.sms(own, "login_code", VARS.login_code), "АО «ТСК»: код 654321, 10 минут")
end)

case("check: name_forms", function()
  local T = sample()
  T.name_forms = { dative = "ТСК", genitive = "", accusative = "А\nБ" }
  reports(T, "name_forms.dative: неизвестная форма имени")
  reports(T, "name_forms.genitive: ожидается непустая строка")
  reports(T, "name_forms.accusative: одна строка")
  local T2 = sample()
  T2.name_forms = "ТСК"
  reports(T2, "name_forms: ожидается таблица")
end)

testing.finish()
