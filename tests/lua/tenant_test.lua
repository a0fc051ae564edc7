-- Tests of the kabinet.tenant contract on small declarations written here:
-- check() and its paths, profile(), registration_form(), dictionary(),
-- validate_registration() rules, normalize_registration(),
-- normalize_login(), tenant hooks. Self-contained; errors on failure.

local tenant = require("kabinet.tenant")
local F = require("kabinet.fields")
local Cases = require("kabinet.cases")

local testing = require("testing")
local case, eq = testing.case, testing.eq

-- A small valid declaration; every call gives a new one to spoil.
local function sample()
  return {
    id = "test-grid",
    name = "Акционерное общество «Тестовая сетевая компания»",
    short_name = "АО «ТСК»",
    hosts = { "test.kabinet.localhost" },
    timezone = "Europe/Moscow",
    branding = { primary = "#112233", accent = "#aabbcc", logo = "logo.svg" },
    modules = { "identity", "meters", "appeals" },
    access_ways = { "account_number" },
    confirmations = { "email" },
    password_policy = { min_length = 8, require_digit = true },
    dictionaries = { streets = { "Ленина ул.", { value = "mira", label = "Мира пр-т" } } },
    case_groups = { { id = "appeals", label = "Обращения" } },
    case_kinds = { Cases.appeal { id = "complaint", label = "Жалоба", group = "appeals", report_as = "complaint" } },
    consents = {
      { id = "pd", label = "Я согласен", version = "v1", text = "Текст согласия", required = true },
    },
    applicant_kinds = {
      {
        id = "individual",
        label = "Физическое лицо",
        fields = {
          F.email { login = true },
          F.password {},
          F.password_confirm {},
          F.select { name = "tariff", label = "Тариф", options = {
            { value = "one", label = "Одноставочный" }, { value = 2, label = "Двухзонный" } } },
          F.boolean { name = "local", label = "Местный житель", required = false },
          F.street { visible_if = { field = "local", equals = true } },
          F.date { name = "birth_date", label = "Дата рождения", required = false },
          F.inn { required = false },
          F.textarea { name = "note", label = "Комментарий", required = false, max_length = 10 },
        },
      },
    },
  }
end

local VALID = { email = "User@Example.RU", password = "secret123", password_confirm = "secret123",
  tariff = "one", pd = true }

local with = testing.with

-- Asserts that check(T) reports a problem starting with `prefix`.
local reports = require("testing").reports

---------------------------------------------------------------------------
-- check
---------------------------------------------------------------------------

case("образцовая декларация проходит", function()
  local problems = tenant.check(sample())
  if problems then error(table.concat(problems, "\n")) end
end)

case("не таблица", function()
  eq(#tenant.check(nil), 1)
  assert(tenant.check("tenant")[1]:find("таблицу", 1, true))
end)

case("неизвестный тип поля — с путём", function()
  local T = sample()
  T.applicant_kinds[1].fields[3].type = "foo"
  eq(reports(T, "applicant_kinds[1].fields[3].type"),
    "applicant_kinds[1].fields[3].type: неизвестный тип 'foo'")
end)

case("обязательные ключи", function()
  local T = sample()
  T.id, T.timezone, T.applicant_kinds, T.password_policy = nil, nil, nil, nil
  eq(reports(T, "id:"), "id: обязательный ключ отсутствует")
  reports(T, "timezone:")
  reports(T, "applicant_kinds:")
  reports(T, "password_policy:")
end)

case("опечатки в ключах", function()
  local T = sample()
  T.modulez = {}
  T.applicant_kinds[1].fields[1].requird = true
  reports(T, "декларация.modulez: неизвестный ключ")
  reports(T, "applicant_kinds[1].fields[1].requird: неизвестный ключ")
end)

case("значения верхнего уровня", function()
  local T = sample()
  T.timezone = "Europe/Berlin"
  T.branding.primary = "red"
  T.branding.logo = "../etc/passwd"
  T.modules = { "identity", "teleport" }
  T.access_ways = { "telepathy" }
  T.confirmations = { "email", "pigeon" }
  T.second_factor = "carrier-pigeon"
  T.hosts = { "Bad Host" }
  T.id = "Test Grid"
  reports(T, "timezone: неизвестный часовой пояс 'Europe/Berlin'")
  reports(T, "branding.primary: ожидается цвет")
  reports(T, "branding.logo:")
  reports(T, "modules[2]: неизвестное значение модуля 'teleport'")
  reports(T, "access_ways[1]:")
  reports(T, "confirmations[2]:")
  reports(T, "second_factor:")
  reports(T, "hosts[1]:")
  reports(T, "id:")
  local T2 = sample()
  T2.modules = { "meters" }
  reports(T2, "modules: модуль 'identity' обязателен")
  T2.case_groups = nil
  reports(T2, "case_kinds[1].group: группа 'appeals' не объявлена в case_groups")
end)

case("повторяющиеся имена полей и виды", function()
  local T = sample()
  table.insert(T.applicant_kinds[1].fields, F.text { name = "tariff", label = "Ещё тариф" })
  T.applicant_kinds[2] = T.applicant_kinds[1]
  reports(T, "applicant_kinds[1].fields[10].name: повторяющееся имя поля 'tariff'")
  reports(T, "applicant_kinds[2].id: повторяющийся вид заявителя 'individual'")
end)

case("ровно одно поле для входа", function()
  local T = sample()
  T.applicant_kinds[1].fields[1].login = nil
  reports(T, "applicant_kinds[1]: должно быть ровно одно поле для входа (login = true), найдено 0")
  local T2 = sample()
  T2.applicant_kinds[1].fields[8].login = true
  reports(T2, "applicant_kinds[1]: должно быть ровно одно поле для входа (login = true), найдено 2")
  local T3 = sample()
  T3.applicant_kinds[1].fields[8].login = true
  T3.applicant_kinds[1].fields[8].required = nil
  T3.applicant_kinds[1].fields[1].login = nil
  T3.applicant_kinds[1].fields[8].required = false
  reports(T3, "applicant_kinds[1]: поле для входа 'inn' должно быть обязательным")
  local T4 = sample()
  T4.applicant_kinds[1].fields[1].login = nil
  T4.applicant_kinds[1].fields[5].login = true
  reports(T4, "applicant_kinds[1]: поле 'local' типа 'boolean' не может служить логином")
end)

case("правило входа на уровне вида", function()
  local T = sample()
  T.applicant_kinds[1].fields[1].login = nil
  T.applicant_kinds[1].login = "email"
  eq(tenant.check(T), nil)
  eq(tenant.registration_form(T).kinds[1].fields[1].login, true)
  eq(tenant.profile(T).applicant_kinds[1].login.name, "email")
  local T2 = sample()
  T2.applicant_kinds[1].login = "inn"
  reports(T2, "applicant_kinds[1].login: противоречит полям с login = true")
  local T3 = sample()
  T3.applicant_kinds[1].fields[1].login = nil
  T3.applicant_kinds[1].login = "nobody"
  reports(T3, "applicant_kinds[1].login: поле 'nobody' не найдено")
end)

case("справочники и ссылки на поля", function()
  local T = sample()
  T.applicant_kinds[1].fields[6].dictionary = "streetz"
  T.applicant_kinds[1].fields[6].visible_if = { field = "city", equals = true }
  T.applicant_kinds[1].fields[3].same_as = "passwd"
  reports(T, "applicant_kinds[1].fields[6].dictionary: справочник 'streetz' не объявлен в dictionaries")
  reports(T, "applicant_kinds[1].fields[6].visible_if.field: поле 'city' не найдено в форме")
  reports(T, "applicant_kinds[1].fields[3].same_as: поле 'passwd' не найдено в форме")
  local T2 = sample()
  T2.applicant_kinds[1].fields[6].visible_if = { field = "local", equals = "да" }
  reports(T2, "applicant_kinds[1].fields[6].visible_if.equals: для логического поля ожидается true или false")
  local T3 = sample()
  T3.applicant_kinds[1].fields[4].options = nil
  reports(T3, "applicant_kinds[1].fields[4]: поле типа 'select' требует ровно одно из: options, dictionary")
  local T4 = sample()
  T4.dictionaries.streets[3] = "Ленина ул."
  reports(T4, "dictionaries.streets[3]: значение 'Ленина ул.' повторяется")
end)

case("циклическая видимость", function()
  local T = sample()
  local fields = T.applicant_kinds[1].fields
  fields[5].visible_if = { field = "street", equals = "mira" }
  reports(T, "applicant_kinds[1].fields[5].visible_if: циклическая зависимость")
end)

case("пароль, подтверждения, согласия", function()
  local T = sample()
  table.remove(T.applicant_kinds[1].fields, 3)
  table.remove(T.applicant_kinds[1].fields, 2)
  reports(T, "applicant_kinds[1]: должно быть ровно одно поле типа 'password', найдено 0")
  local T2 = sample()
  T2.confirmations = { "email", "phone" }
  reports(T2, "applicant_kinds[1]: подтверждение телефона")
  local T3 = sample()
  T3.consents[1].id = "email"
  T3.consents[1].version = ""
  reports(T3, "consents[1].id: совпадает с именем поля 'email'")
  reports(T3, "consents[1].version: ожидается непустая строка")
  local T4 = sample()
  T4.password_policy = { min_length = 10, max_length = 5, require_digit = "yes" }
  reports(T4, "password_policy: min_length больше max_length")
  reports(T4, "password_policy.require_digit: ожидается true или false")
end)

case("ошибочная декларация не готовится молча", function()
  local T = sample()
  T.timezone = "Mars/Olympus"
  local ok, err = pcall(tenant.registration_form, T)
  assert(not ok, "registration_form принял неверную декларацию")
  assert(tostring(err):find("timezone", 1, true), tostring(err))
end)

---------------------------------------------------------------------------
-- profile, form, dictionary
---------------------------------------------------------------------------

case("профиль", function()
  local p = tenant.profile(sample())
  eq(p.id, "test-grid")
  eq(p.short_name, "АО «ТСК»")
  eq(p.branding.logo, "logo.svg")
  eq(p.branding.monogram, "ТС")                       -- the name, not its legal form
  eq(p.modules[3], "appeals")
  eq(p.hosts[1], "test.kabinet.localhost")
  eq(#p.applicant_kinds, 1)
  eq(p.applicant_kinds[1].id, "individual")
  eq(p.applicant_kinds[1].label, "Физическое лицо")
  eq(p.applicant_kinds[1].login.type, "email")
  eq(p.second_factor, nil)
  -- The profile is a copy: changing it leaves the declaration alone.
  local T = sample()
  tenant.profile(T).modules[1] = "hacked"
  eq(T.modules[1], "identity")
end)

case("монограмма: буквы названия, а не организационно-правовой формы", function()
  local function mono(short_name)
    local T = sample()
    T.short_name = short_name
    return tenant.profile(T).branding.monogram
  end
  eq(mono("АО «ВОЭК»"), "ВО")
  eq(mono("ооо «сигма»"), "СИ")
  eq(mono("ОЭС 360"), "ОЭ")
  eq(mono("Ёлкинская сеть"), "ЁЛ")
  eq(tenant.profile(load_tenant("voek")).branding.monogram, "ВО")
  eq(tenant.profile(load_tenant("kes-orenburg")).branding.monogram, "КЭ")
end)

case("форма: явные флаги, варианты, видимость, политика", function()
  local form = tenant.registration_form(sample())
  local fields = form.kinds[1].fields
  eq(fields[1].required, true)
  eq(fields[1].login, true)
  eq(fields[2].login, false)
  eq(fields[2].min_length, 8, "min_length пароля из политики")
  eq(fields[3].same_as, "password")
  eq(fields[4].options[2].value, 2)
  eq(fields[4].options[2].label, "Двухзонный")
  eq(fields[5].required, false)
  eq(fields[6].visible_if.field, "local")
  eq(fields[6].visible_if.equals, true)
  eq(fields[6].dictionary, "streets")
  eq(form.consents[1].id, "pd")
  eq(form.consents[1].implicit, false)
  eq(form.password_policy.min_length, 8)
  eq(form.messages.required, "Поле обязательно для заполнения")
end)

case("справочник: строки становятся {value, label}", function()
  local T = sample()
  local d = tenant.dictionary(T, "streets")
  eq(d.name, "streets")
  eq(d.items[1].value, "Ленина ул.")
  eq(d.items[1].label, "Ленина ул.")
  eq(d.items[2].value, "mira")
  eq(tenant.case_kinds(T)[1].label, "Жалоба")
  eq(tenant.dictionary(T, "appeal_kinds"), nil)
  eq(tenant.dictionary(T, "nope"), nil)
  eq(tenant.dictionary(T, 42), nil)
end)

---------------------------------------------------------------------------
-- validation and normalisation
---------------------------------------------------------------------------

case("правила полей", function()
  local T = sample()
  eq(tenant.validate_registration(T, "individual", VALID), nil)
  local e = tenant.validate_registration(T, "individual", with(VALID, {
    tariff = "three", birth_date = "31.02.2000", inn = "7707083894", note = "слишком длинный текст",
  }))
  eq(e.tariff, "Выберите значение из списка")
  eq(e.birth_date, "Такой даты не существует")
  eq(e.inn, "Неверное контрольное число ИНН")
  eq(e.note, "Должно быть не более 10 символов")
  -- A number matches an option value given as a string and vice versa.
  eq(tenant.validate_registration(T, "individual", with(VALID, { tariff = "2" })), nil)
  -- The street is asked only of local residents.
  eq(tenant.validate_registration(T, "individual", with(VALID, { ["local"] = true })).street,
    "Поле обязательно для заполнения")
  eq(tenant.validate_registration(T, "individual", with(VALID, { ["local"] = true, street = "mira" })), nil)
  eq(tenant.validate_registration(T, "individual", with(VALID, { pd = "нет" })).pd, "Необходимо дать согласие")
  eq(tenant.validate_registration(T, "individual", with(VALID, { email = "a\0@b.ru" })).email,
    "Некорректный адрес электронной почты")
end)

case("нормализация регистрации", function()
  local T = sample()
  local r, errors = tenant.normalize_registration(T, "individual", with(VALID, {
    ["local"] = "да", street = "Ленина ул.", birth_date = "01.02.1990", inn = " 7707083893 ",
    extra = "ignored",
  }))
  assert(r, errors and next(errors))
  eq(r.kind, "individual")
  eq(r.login.field, "email")
  eq(r.login.value, "user@example.ru")
  eq(r.password, "secret123")
  eq(r.values.password, nil, "пароль не попадает в values")
  eq(r.values.password_confirm, nil)
  eq(r.values.email, "user@example.ru")
  eq(r.values["local"], true)
  eq(r.values.street, "Ленина ул.")
  eq(r.values.birth_date, "1990-02-01")
  eq(r.values.inn, "7707083893")
  eq(r.values.extra, nil)
  eq(#r.consents, 1)
  eq(r.consents[1].id, "pd")
  eq(r.consents[1].version, "v1")
  local none, errs = tenant.normalize_registration(T, "individual", with(VALID, { password_confirm = "x" }))
  eq(none, nil)
  eq(errs.password_confirm, "Пароли не совпадают")
end)

case("нормализация регистрации ВОЭК и ВГЭС", function()
  local r = tenant.normalize_registration(load_tenant("voek"), "individual", {
    snils = "112-233-445 95", email = "Ivanov@Mail.ru", password = "Secret123",
    password_confirm = "Secret123", phone = "8 (960) 115-37-67" })
  eq(r.login.value, "11223344595")
  eq(r.values.phone, "+79601153767")
  eq(r.consents[1].id, "personal_data", "неявное согласие записывается")
  local v = tenant.normalize_registration(load_tenant("vges"), "individual", {
    username = "elsewhere", email = "e@mail.ru", password = "abc12345", password_confirm = "abc12345",
    full_name = "Иванов Иван", from_voronezh = false, address = "Липецк, ул. Ленина, 1",
    street = "Звездная ул.", postcode = "398001", phone = "9601153767", snils = "15101883224" })
  eq(v.values.street, nil, "скрытое поле не сохраняется")
  eq(v.values.from_voronezh, false)
  eq(v.values.address, "Липецк, ул. Ленина, 1")
end)

case("нормализация логина", function()
  local voek = load_tenant("voek")
  eq(tenant.normalize_login(voek, "individual", "112-233-445 95"), "11223344595")
  eq(tenant.normalize_login(voek, "legal_entity", " 1027700132195 "), "1027700132195")
  eq(tenant.normalize_login(voek, nil, "304500116000157"), "304500116000157")
  eq(tenant.normalize_login(voek, nil, "1027700132195"), "1027700132195")
  local none, why = tenant.normalize_login(voek, "legal_entity", "1027700132196")
  eq(none, nil)
  eq(why, "Неверное контрольное число ОГРН")
  eq(select(2, tenant.normalize_login(voek, "alien", "x")), "Неизвестный вид заявителя")
  eq(select(2, tenant.normalize_login(voek, "individual", "")), "Заполните поле «СНИЛС»")
  eq(tenant.normalize_login(load_tenant("oes360"), nil, " Vasiliy@Example.RU "), "vasiliy@example.ru")
  -- A text login is one account however it is typed: folded to lower case (registration stores the same).
  eq(tenant.normalize_login(load_tenant("vges"), nil, "BashkatovAndre"), "bashkatovandre")
  eq(tenant.normalize_login(load_tenant("vges"), nil, " PETROV.DEMO "), "petrov.demo")
  -- Staff log in by e-mail in every tenant, whatever the consumers' login identifiers.
  eq(tenant.normalize_login(voek, tenant.STAFF_KIND, " Operator@Voek.Example "), "operator@voek.example")
  eq(tenant.normalize_login(load_tenant("vges"), "staff", "op@vges.example"), "op@vges.example")
  eq(tenant.normalize_login(voek, "staff", "15101883224"), nil)
  eq(select(2, tenant.normalize_login(voek, "staff", "  ")), "Введите адрес электронной почты")
end)

case("телефон подтверждается кодом там, где арендатор его проверяет", function()
  eq(tenant.identity(load_tenant("kes-orenburg")).phone_by_code, true)   -- confirmed at registration
  eq(tenant.identity(load_tenant("oes360")).phone_by_code, true)         -- SMS second-factor codes
  eq(tenant.identity(load_tenant("voek")).phone_by_code, false)          -- a contact phone
  eq(tenant.profile_form(load_tenant("kes-orenburg")).confirmed.phone, "phone")
  eq(tenant.profile_form(load_tenant("kes-orenburg")).confirmed.email, "email")
  eq(tenant.profile_form(load_tenant("voek")).confirmed.phone, nil)
  eq(tenant.profile_form(load_tenant("voek")).confirmed.email, "email")
  eq(tenant.profile_form(load_tenant("vges")).confirmed.email, nil)
end)

case("функции validate вида и арендатора", function()
  local T = sample()
  local seen = {}
  T.applicant_kinds[1].validate = function(kind_id, fields, errors, values)
    seen.kind = kind_id
    seen.raw = fields.email
    seen.normalised = values.email
    if fields.tariff == "one" and fields.inn == nil then errors.inn = "Для одноставочного тарифа укажите ИНН" end
  end
  T.validate = function(_, fields, errors)
    fields.email = "mutated"        -- a hook gets a copy
    errors[1] = "не строковый ключ отбрасывается"
  end
  local input = with(VALID, {})
  local e = tenant.validate_registration(T, "individual", input)
  eq(e.inn, "Для одноставочного тарифа укажите ИНН")
  eq(e[1], nil)
  eq(input.email, "User@Example.RU")
  eq(seen.kind, "individual")
  eq(seen.raw, "User@Example.RU")
  eq(seen.normalised, "user@example.ru")
end)

case("сбой в функции validate не пропускает форму", function()
  local T = sample()
  T.validate = function() error("boom") end
  local e = tenant.validate_registration(T, "individual", VALID)
  assert(e and e._form, "ожидалась ошибка _form")
  assert(e._form:find("Не удалось проверить", 1, true))
end)

testing.finish()
