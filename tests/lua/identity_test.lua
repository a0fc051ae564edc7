-- Tests of kabinet.tenant.identity() per shipped tenant against the seeds
-- (confirmations, second factors, the messages after registration), its
-- defaults and overrides, check() on `identity`, validate_password(), and
-- that the hostile test fixtures still pass check().
-- Needs the global load_tenant(id [, folder]) of the test harness.

local tenant = require("kabinet.tenant")
local F = require("kabinet.fields")

local testing = require("testing")
local case, eq = testing.case, testing.eq

local TENANTS = { "kes-orenburg", "sigma", "voek", "vges", "oes360" }

-- Asserts that check(T) reports a problem starting with `prefix`.
local reports = require("testing").reports

local passes = require("testing").passes

local function contains(s, fragment, what)
  if type(s) ~= "string" or not s:find(fragment, 1, true) then
    error(string.format("%s: %q не содержит %q", what or "текст", tostring(s), fragment), 2)
  end
end

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
    confirmations = { "email" },
    password_policy = { min_length = 8, require_digit = true },
    applicant_kinds = {
      { id = "individual", label = "Физическое лицо", fields = {
        F.snils { login = true }, F.email {}, F.phone { mobile = true }, F.password {}, F.password_confirm {},
      } },
      { id = "legal_entity", label = "Юридическое лицо", fields = {
        F.ogrn { login = true }, F.email {}, F.password {},
      } },
    },
  }
end

---------------------------------------------------------------------------
-- identity() of the shipped tenants
---------------------------------------------------------------------------

case("подтверждения по семенам", function()
  local want = {
    ["kes-orenburg"] = "email,phone",   -- "должны быть подтверждены почта и номер телефона"
    sigma = "email",                    -- "подтвердить регистрацию, перейдя по ссылке письма"
    voek = "email",                     -- "для активации учетной записи"
    vges = "",                          -- "Вы попадёте внутрь своего личного кабинета"
    oes360 = "email",                   -- "перейти по ссылке из письма"
  }
  for _, id in ipairs(TENANTS) do
    eq(table.concat(tenant.identity(load_tenant(id)).confirmations, ","), want[id], id)
  end
end)

case("второй фактор: TOTP у всех, SMS у ОЭС 360, обязателен персоналу КЭС", function()
  local want = {
    ["kes-orenburg"] = { "totp", "operator,tenant-admin" },
    sigma = { "totp", "" },
    voek = { "totp", "" },
    vges = { "totp", "" },
    oes360 = { "sms,totp", "" },
  }
  for _, id in ipairs(TENANTS) do
    local sf = tenant.identity(load_tenant(id)).second_factor
    eq(table.concat(sf.offered, ","), want[id][1], id .. ".offered")
    eq(table.concat(sf.forced_roles, ","), want[id][2], id .. ".forced_roles")
  end
end)

case("поля e-mail, телефона и логина; лимиты по умолчанию", function()
  for _, id in ipairs(TENANTS) do
    local idn = tenant.identity(load_tenant(id))
    eq(idn.email_field, "email", id)
    eq(idn.phone_field, "phone", id)
    eq(idn.lockout.max_failures, 5, id)
    eq(idn.lockout.window_minutes, 15, id)
    eq(idn.lockout.lock_minutes, 15, id)
    eq(idn.guessing.max_failures, 10, id)
    eq(idn.guessing.window_minutes, 60, id)
    eq(idn.guessing.lock_minutes, 60, id)
    eq(idn.session.hours, 12, id)
    eq(idn.session.remember_days, 30, id)
  end
  local voek = tenant.identity(load_tenant("voek")).login
  eq(voek.individual, "snils")
  eq(voek.sole_proprietor, "ogrnip")
  eq(voek.legal_entity, "ogrn")
  eq(tenant.identity(load_tenant("vges")).login.legal_entity, "username")
  eq(tenant.identity(load_tenant("oes360")).login.consumer, "email")
end)

case("сообщения после регистрации", function()
  local kes = tenant.identity(load_tenant("kes-orenburg"))
  contains(kes.registration_message, "подтвердите адрес электронной почты", "КЭС")
  contains(kes.registration_message, "номер телефона", "КЭС")
  contains(kes.post_registration.consumer, "Доступ к приборам учёта предоставляет сетевая организация: сообщите", "КЭС")
  contains(kes.post_registration.consumer, "38-78-38", "КЭС")
  contains(kes.post_registration.consumer, "balans.kes@yandex.ru", "КЭС")

  local sigma = tenant.identity(load_tenant("sigma"))
  contains(sigma.registration_message, "по ссылке из письма", "СИГМА")
  contains(sigma.post_registration.consumer, "Доступ к приборам учёта предоставляет сетевая организация", "СИГМА")
  contains(sigma.post_registration.consumer, "+7 978 997-31-92", "СИГМА")

  local voek = tenant.identity(load_tenant("voek"))
  contains(voek.registration_message, "Для активации учётной записи перейдите по ссылке из письма", "ВОЭК")
  contains(voek.post_registration.individual, "лицевого счёта", "ВОЭК ФЛ")
  contains(voek.post_registration.legal_entity, "номером любого договора", "ВОЭК ЮЛ")
  contains(voek.post_registration.sole_proprietor, "номером любого договора", "ВОЭК ИП")

  local vges = tenant.identity(load_tenant("vges"))
  eq(vges.registration_message, "Регистрация прошла успешно.")
  eq(next(vges.post_registration), nil, "ВГЭС: сообщений после регистрации нет")

  local oes = tenant.identity(load_tenant("oes360"))
  contains(oes.registration_message, "Для подтверждения регистрации перейдите по ссылке из письма", "ОЭС 360")
  contains(oes.post_registration.consumer, "добавьте договор", "ОЭС 360")
end)

case("результат — копия: изменения не трогают декларацию", function()
  local T = load_tenant("kes-orenburg")
  local idn = tenant.identity(T)
  idn.second_factor.forced_roles[1] = "consumer"
  idn.confirmations[1] = "pigeon"
  eq(T.identity.force_second_factor[1], "operator")
  eq(T.confirmations[1], "email")
end)

---------------------------------------------------------------------------
-- identity() of declarations written here
---------------------------------------------------------------------------

case("умолчания образца и сообщение по подтверждениям", function()
  local idn = tenant.identity(sample())
  eq(table.concat(idn.second_factor.offered, ","), "totp")
  eq(#idn.second_factor.forced_roles, 0)
  eq(idn.login.individual, "snils")
  eq(idn.login.legal_entity, "ogrn")
  contains(idn.registration_message, "по ссылке из письма")
  local T = sample()
  T.applicant_kinds[2].fields[4] = F.phone {}
  T.confirmations = { "phone" }
  contains(tenant.identity(T).registration_message, "код из SMS")
  T.confirmations = {}
  eq(tenant.identity(T).registration_message, "Регистрация прошла успешно.")
  T.second_factor = "totp"
  eq(table.concat(tenant.identity(T).second_factor.offered, ","), "totp")
end)

case("свои настройки арендатора", function()
  local T = sample()
  T.second_factor = "sms"
  T.identity = {
    email_field = "email",
    lockout = { max_failures = 3, lock_minutes = 5000 },
    guessing = { max_failures = 4 },
    session = { hours = 500, remember_days = 0 },
    registration_message = "Проверьте почту.",
    post_registration = { legal_entity = "Подтвердите организацию." },
    force_second_factor = { "tenant-admin" },
  }
  T.applicant_kinds[2].fields[4] = F.phone {}
  passes(T)
  local idn = tenant.identity(T)
  eq(table.concat(idn.second_factor.offered, ","), "sms,totp")
  eq(table.concat(idn.second_factor.forced_roles, ","), "tenant-admin")
  eq(idn.lockout.max_failures, 3)
  eq(idn.lockout.window_minutes, 15, "не заданное — по умолчанию")
  eq(idn.lockout.lock_minutes, 5000, "до 10080 минут: ядро берёт как есть")
  eq(idn.guessing.max_failures, 4)
  eq(idn.guessing.lock_minutes, 60, "не заданное — по умолчанию")
  eq(idn.session.hours, 500)
  eq(idn.session.remember_days, 0)
  eq(idn.registration_message, "Проверьте почту.")
  eq(idn.post_registration.legal_entity, "Подтвердите организацию.")
  eq(idn.post_registration.individual, nil)
  T.identity.post_registration = "Ждите звонка."
  eq(tenant.identity(T).post_registration.individual, "Ждите звонка.")
  eq(tenant.identity(T).post_registration.legal_entity, "Ждите звонка.")
end)

---------------------------------------------------------------------------
-- check: identity
---------------------------------------------------------------------------

case("check: поле e-mail нужного имени и типа", function()
  -- A legal entity whose e-mail field is called "mail": e-mail confirmation needs "email".
  local T = sample()
  T.applicant_kinds[2].fields[2].name = "mail"
  reports(T, "applicant_kinds[2]: поле 'email' (identity.email_field) должно быть в форме и иметь тип 'email'")
  T.identity = { email_field = "mail" }
  reports(T, "applicant_kinds[1]: поле 'mail' (identity.email_field)")
  T.applicant_kinds[1].fields[2].name = "mail"
  passes(T)
  eq(tenant.identity(T).email_field, "mail")
  local T2 = sample()
  T2.confirmations = {}
  passes(T2)
  T2.identity = { phone_field = "email" }
  reports(T2, "applicant_kinds[1]: поле 'email' (identity.phone_field) должно быть в форме и иметь тип 'phone'")
end)

case("check: ключи и значения identity", function()
  local T = sample()
  T.confirmations = {}
  T.identity = {
    lockout = { max_failures = 0, window_minutes = 1.5, lock_minutes = 20000, forever = true },
    guessing = { max_failures = 101 },
    session = { hours = 10000, remember_days = -1 },
    registration_message = "",
    post_registration = { nobody = "Привет", individual = 42 },
    force_second_factor = { "operator", "platform-admin", "operator" },
    email_field = "E-mail",
    lockouts = {},
  }
  reports(T, "identity.lockouts: неизвестный ключ")
  reports(T, "identity.lockout.forever: неизвестный ключ")
  reports(T, "identity.lockout.max_failures: ожидается целое число от 1 до 100")
  reports(T, "identity.lockout.window_minutes: ожидается целое число")
  reports(T, "identity.lockout.lock_minutes: ожидается целое число от 1 до 10080")
  reports(T, "identity.guessing.max_failures: ожидается целое число от 1 до 100")
  reports(T, "identity.session.hours: ожидается целое число от 1 до 720")
  reports(T, "identity.session.remember_days: ожидается целое число от 0 до 365")
  reports(T, "identity.registration_message: ожидается непустая строка")
  reports(T, "identity.post_registration.nobody: вид заявителя 'nobody' не объявлен")
  reports(T, "identity.post_registration.individual: ожидается непустая строка")
  reports(T, "identity.force_second_factor[2]: неизвестное значение роли 'platform-admin'")
  reports(T, "identity.force_second_factor[3]: значение 'operator' повторяется")
  reports(T, "identity.email_field: ожидается имя поля")
  local T2 = sample()
  T2.identity = "strict"
  reports(T2, "identity: ожидается таблица")
end)

case("check: SMS-код требует телефона", function()
  local T = sample()
  T.confirmations = {}
  T.second_factor = "sms"
  reports(T, "applicant_kinds[2]: подтверждение телефона и SMS-коды требуют поля типа 'phone'")
end)

---------------------------------------------------------------------------
-- validate_password
---------------------------------------------------------------------------

case("новый пароль по политике арендатора", function()
  local T = load_tenant("vges")    -- at least 6, a letter and a digit, Latin only
  eq(tenant.validate_password(T, "secret1", "secret1"), nil)
  eq(tenant.validate_password(T, "secret1"), nil, "без повтора")
  contains(tenant.validate_password(T, "secret", "secret").password, "цифру")
  contains(tenant.validate_password(T, "пароль12", "пароль12").password, "латинские")
  eq(tenant.validate_password(T, "secret1", "secret2").confirm, "Пароли не совпадают")
  eq(tenant.validate_password(T, "", "").password, "Поле обязательно для заполнения")
  contains(tenant.validate_password(load_tenant("sigma"), "secret12").password, "заглавную")
end)

---------------------------------------------------------------------------
-- Hostile test fixtures
---------------------------------------------------------------------------

case("враждебные арендаторы из tests/fixtures по-прежнему загружаются", function()
  for _, id in ipairs { "hostile-loop", "hostile-memory" } do
    local T = load_tenant(id, "tests/fixtures/tenants-hostile")
    passes(T)
    -- What the core asks at load time never calls their hooks.
    eq(tenant.profile(T).id, id)
    eq(#tenant.profile_form(T).kinds, 1, id)
    eq(#tenant.identity(T).confirmations, 0, id)
    eq(tenant.identity(T).registration_message, "Регистрация прошла успешно.", id)
  end
end)

case("display_name: ФИО человека, название организации, никогда не номер", function()
  local kes = load_tenant("kes-orenburg")
  eq(tenant.display_name(kes, "individual", { surname = "Кузнецов", name = "Алексей", patronymic = "Петрович" }),
    "Кузнецов Алексей Петрович")
  eq(tenant.display_name(kes, "individual", { surname = "Кузнецов", name = "Алексей" }), "Кузнецов Алексей")
  local vges = load_tenant("vges")
  eq(tenant.display_name(vges, "legal_entity",
    { org_short_name = "ООО «СтройМонтаж»", org_full_name = "Общество …", head_full_name = "Иванов Иван Иванович", inn = "3662000000" }),
    "ООО «СтройМонтаж»")
  eq(tenant.display_name(vges, "individual", { full_name = "  Петров Пётр Петрович ", username = "petrov.demo" }),
    "Петров Пётр Петрович")
  local sigma = load_tenant("sigma")
  eq(tenant.display_name(sigma, "legal_entity", { organization = "ООО «Таврида-Хлеб»", full_name = "Ковальчук С. А." }),
    "ООО «Таврида-Хлеб»")
  local voek = load_tenant("voek")
  eq(tenant.display_name(voek, "individual", { snils = "11845230644", email = "a@b.ru" }), nil)
  eq(tenant.display_name(voek, "legal_entity", { ogrn = "1053302012345", inn = "3302012345" }), nil)
  eq(tenant.display_name(voek, "individual", nil), nil)
end)

testing.finish()
