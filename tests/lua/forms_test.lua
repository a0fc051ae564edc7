-- The registration forms of the five shipped tenants, field by field
-- against their seeds (shared/seeds/*.txt): names, Russian labels, types,
-- required and login flags, order; check(T) passes; and validate_registration
-- cases per tenant. Needs the global load_tenant(id) of the test harness.

local tenant = require("kabinet.tenant")

local testing = require("testing")
local case, eq = testing.case, testing.eq

-- Asserts that `errors` has exactly the keys of `expected`, each message
-- containing the expected fragment.
local function errors_like(errors, expected, what)
  what = what or "ошибки"
  if expected == nil then
    if errors ~= nil then
      local list = {}
      for k, v in pairs(errors) do list[#list + 1] = k .. " = " .. v end
      table.sort(list)
      error(what .. ": ожидалось отсутствие ошибок, получено: " .. table.concat(list, "; "), 2)
    end
    return
  end
  if type(errors) ~= "table" then error(what .. ": ожидались ошибки, получено nil", 2) end
  for k, fragment in pairs(expected) do
    local msg = errors[k]
    if type(msg) ~= "string" then error(string.format("%s: нет ошибки для '%s'", what, k), 2) end
    if not msg:find(fragment, 1, true) then
      error(string.format("%s: ошибка '%s' = %q не содержит %q", what, k, msg, fragment), 2)
    end
  end
  for k, msg in pairs(errors) do
    if expected[k] == nil then error(string.format("%s: лишняя ошибка '%s' = %q", what, k, tostring(msg)), 2) end
  end
end

local NIL, with = testing.NIL, testing.with

---------------------------------------------------------------------------
-- Expected forms. Each row: name, label, type, required, login.
---------------------------------------------------------------------------

local R, O = true, false     -- required / optional
local L, _ = true, false     -- login / not

local EXPECTED = {
  ["kes-orenburg"] = {
    { id = "consumer", label = "Потребитель", fields = {
      { "surname", "Фамилия", "text", R, _ },
      { "name", "Имя", "text", R, _ },
      { "patronymic", "Отчество", "text", O, _ },
      { "email", "Email", "email", R, L },
      { "phone", "Мобильный телефон", "phone", R, _ },
      { "password", "Пароль", "password", R, _ },
      { "password_confirm", "Повторите пароль", "password_confirm", R, _ },
    } },
  },
  sigma = {
    { id = "consumer", label = "Абонент", fields = {
      { "full_name", "Полное имя", "text", R, _ },
      { "organization", "Название организации", "text", R, _ },
      { "contract_number", "Номер договора", "text", R, _ },
      { "phone", "Номер телефона", "phone", R, _ },
      { "email", "Электронная почта", "email", R, L },
      { "password", "Пароль", "password", R, _ },
      { "password_confirm", "Подтверждение пароля", "password_confirm", R, _ },
    } },
  },
  voek = {
    { id = "individual", label = "Физическое лицо", fields = {
      { "snils", "СНИЛС", "snils", R, L },
      { "email", "Email", "email", R, _ },
      { "password", "Пароль", "password", R, _ },
      { "password_confirm", "Пароль повторно", "password_confirm", R, _ },
      { "phone", "Контактный телефон", "phone", R, _ },
    } },
    { id = "sole_proprietor", label = "Индивидуальный предприниматель", fields = {
      { "inn", "ИНН", "inn12", R, _ },
      { "email", "Email", "email", R, _ },
      { "password", "Пароль", "password", R, _ },
      { "password_confirm", "Пароль повторно", "password_confirm", R, _ },
      { "phone", "Контактный телефон", "phone", R, _ },
      { "ogrnip", "ОГРНИП", "ogrnip", R, L },
    } },
    { id = "legal_entity", label = "Юридическое лицо", fields = {
      { "inn", "ИНН", "inn10", R, _ },
      { "email", "Email", "email", R, _ },
      { "password", "Пароль", "password", R, _ },
      { "password_confirm", "Пароль повторно", "password_confirm", R, _ },
      { "phone", "Контактный телефон", "phone", R, _ },
      { "ogrn", "ОГРН", "ogrn", R, L },
    } },
  },
  vges = {
    { id = "individual", label = "Физическое лицо", fields = {
      { "username", "Имя пользователя (login)", "text", R, L },
      { "email", "E-mail", "email", R, _ },
      { "password", "Пароль", "password", R, _ },
      { "password_confirm", "Подтвердите пароль", "password_confirm", R, _ },
      { "full_name", "ФИО", "text", R, _ },
      { "from_voronezh", "Я из Воронежа", "boolean", O, _ },
      { "address", "Домашний адрес", "text", R, _ },
      { "street", "Улица", "street", R, _ },
      { "house", "Номер дома", "text", R, _ },
      { "flat", "Номер квартиры", "text", O, _ },
      { "postcode", "Почтовый индекс", "postcode", R, _ },
      { "phone", "Телефон", "phone", R, _ },
      { "snils", "СНИЛС", "snils", R, _ },
    } },
    { id = "sole_proprietor", label = "Индивидуальный предприниматель", fields = {
      { "username", "Имя пользователя (login)", "text", R, L },
      { "email", "E-mail", "email", R, _ },
      { "password", "Пароль", "password", R, _ },
      { "password_confirm", "Подтвердите пароль", "password_confirm", R, _ },
      { "org_short_name", "Короткое наименование организации", "text", R, _ },
      { "org_full_name", "Полное наименование организации", "text", R, _ },
      { "from_voronezh", "Я из Воронежа", "boolean", O, _ },
      { "address", "Домашний адрес", "text", R, _ },
      { "street", "Улица", "street", R, _ },
      { "house", "Номер дома", "text", R, _ },
      { "flat", "Номер квартиры", "text", O, _ },
      { "head_full_name", "ФИО руководителя", "text", R, _ },
      { "postcode", "Почтовый индекс", "postcode", R, _ },
      { "phone", "Телефон", "phone", R, _ },
      { "ogrnip", "ОГРН", "ogrnip", R, _ },
      { "inn", "ИНН", "inn12", R, _ },
    } },
    { id = "legal_entity", label = "Юридическое лицо", fields = {
      { "username", "Имя пользователя (login)", "text", R, L },
      { "email", "E-mail", "email", R, _ },
      { "password", "Пароль", "password", R, _ },
      { "password_confirm", "Подтвердите пароль", "password_confirm", R, _ },
      { "org_short_name", "Короткое наименование организации", "text", R, _ },
      { "org_full_name", "Полное наименование организации", "text", R, _ },
      { "from_voronezh", "Я из Воронежа", "boolean", O, _ },
      { "address", "Домашний адрес", "text", R, _ },
      { "street", "Улица", "street", R, _ },
      { "house", "Номер дома", "text", R, _ },
      { "flat", "Номер квартиры", "text", O, _ },
      { "head_full_name", "ФИО руководителя", "text", R, _ },
      { "postcode", "Почтовый индекс", "postcode", R, _ },
      { "phone", "Телефон", "phone", R, _ },
      { "ogrn", "ОГРН", "ogrn", R, _ },
      { "inn", "ИНН", "inn10", R, _ },
    } },
  },
  oes360 = {
    { id = "consumer", label = "Абонент", fields = {
      { "email", "E-mail", "email", R, L },
      { "full_name", "Ф.И.О.", "text", R, _ },
      { "phone", "Телефон", "phone", R, _ },
      { "password", "Пароль", "password", R, _ },
      { "password_confirm", "Повторите пароль", "password_confirm", R, _ },
    } },
  },
}

local TENANTS = { "kes-orenburg", "sigma", "voek", "vges", "oes360" }

---------------------------------------------------------------------------
-- Declarations and forms
---------------------------------------------------------------------------

for _, id in ipairs(TENANTS) do
  case(id .. ": check(T) проходит", function()
    local problems = tenant.check(load_tenant(id))
    if problems then error(table.concat(problems, "\n")) end
  end)

  case(id .. ": форма регистрации совпадает с описанием", function()
    local form = tenant.registration_form(load_tenant(id))
    local kinds = EXPECTED[id]
    eq(#form.kinds, #kinds, "число видов заявителя")
    for k, want in ipairs(kinds) do
      local got = form.kinds[k]
      eq(got.id, want.id, "вид " .. k)
      eq(got.label, want.label, "название вида " .. want.id)
      eq(#got.fields, #want.fields, want.id .. ": число полей")
      for i, row in ipairs(want.fields) do
        local f = got.fields[i]
        local where = string.format("%s.%s поле %d", id, want.id, i)
        eq(f.name, row[1], where .. " name")
        eq(f.label, row[2], where .. " label")
        eq(f.type, row[3], where .. " type")
        eq(f.required, row[4], where .. " required")
        eq(f.login, row[5], where .. " login")
      end
    end
  end)

  case(id .. ": у каждого поля явные name, label, type, required, login", function()
    local form = tenant.registration_form(load_tenant(id))
    for _, kind in ipairs(form.kinds) do
      for _, f in ipairs(kind.fields) do
        assert(type(f.name) == "string" and type(f.label) == "string" and type(f.type) == "string",
          kind.id .. ": неполное поле")
        assert(type(f.required) == "boolean", f.name .. ".required не логическое")
        assert(type(f.login) == "boolean", f.name .. ".login не логическое")
        if f.type == "password" then
          assert(math.type(f.min_length) == "integer", f.name .. ": нет min_length из политики паролей")
        end
        if f.type == "password_confirm" then eq(f.same_as, "password", f.name .. ".same_as") end
      end
    end
  end)
end

case("vges: адресный блок зависит от «Я из Воронежа»", function()
  local form = tenant.registration_form(load_tenant("vges"))
  for _, kind in ipairs(form.kinds) do
    local by = {}
    for _, f in ipairs(kind.fields) do by[f.name] = f end
    eq(by.from_voronezh.default, true, kind.id .. ": по умолчанию житель Воронежа")
    eq(by.address.visible_if.field, "from_voronezh")
    eq(by.address.visible_if.equals, false)
    for _, name in ipairs { "street", "house", "flat" } do
      eq(by[name].visible_if.field, "from_voronezh", kind.id .. "." .. name)
      eq(by[name].visible_if.equals, true, kind.id .. "." .. name)
    end
    eq(by.street.dictionary, "streets")
    eq(by.house.max_length, 25)
  end
end)

case("согласия: СИГМА с галочками, ВГЭС неявное", function()
  local sigma = tenant.registration_form(load_tenant("sigma")).consents
  eq(#sigma, 2, "число согласий СИГМА")
  eq(sigma[1].id, "licence")
  eq(sigma[1].label, "Я принимаю условия лицензионного соглашения")
  eq(sigma[2].id, "personal_data")
  eq(sigma[2].label, "Я даю согласие на обработку персональных данных")
  for _, c in ipairs(sigma) do
    eq(c.required, true)
    eq(c.implicit, false)
    assert(c.version == "2024-01", "версия согласия")
    assert(#c.text > 200, "текст согласия")
  end
  assert(sigma[2].text:find("152-ФЗ", 1, true), "согласие ссылается на 152-ФЗ")
  local vges = tenant.registration_form(load_tenant("vges")).consents
  eq(#vges, 1)
  eq(vges[1].implicit, true)
  eq(vges[1].label, "Передавая при помощи данной формы регистрационные данные, соглашаюсь со следующим:")
  assert(vges[1].text:find("Регистрационные данные указаны мной добровольно.", 1, true))
  assert(vges[1].text:find("№ 152-ФЗ от 27 июля 2006 г.", 1, true))
end)

case("профили: часовые пояса, подтверждения, способы доступа", function()
  local want = {
    ["kes-orenburg"] = { tz = "Asia/Yekaterinburg", conf = "email,phone", access = "operator_grant" },
    sigma = { tz = "Europe/Moscow", conf = "email", access = "operator_grant" },
    voek = { tz = "Europe/Moscow", conf = "email", access = "account_number,ogrn_contract" },
    vges = { tz = "Europe/Moscow", conf = "", access = "account_number" },
    oes360 = { tz = "Europe/Moscow", conf = "email", access = "supplier_login" },
  }
  for _, id in ipairs(TENANTS) do
    local p = tenant.profile(load_tenant(id))
    eq(p.id, id)
    eq(p.timezone, want[id].tz, id .. ".timezone")
    eq(table.concat(p.confirmations, ","), want[id].conf, id .. ".confirmations")
    eq(table.concat(p.access_ways, ","), want[id].access, id .. ".access_ways")
    eq(p.hosts[1], id .. ".kabinet.localhost", id .. ".hosts")
    assert(p.branding.primary:match("^#%x%x%x%x%x%x$"), id .. ": цвет")
    assert(p.name ~= "" and p.short_name ~= "", id .. ": названия")
  end
  eq(tenant.profile(load_tenant("oes360")).second_factor, "sms")
  eq(tenant.profile(load_tenant("voek")).settings.archive.max_depth_years, 3)
  eq(tenant.profile(load_tenant("voek")).settings.archive.change_until, "21:00")
end)

case("ВОЭК: логин по СНИЛС / ОГРНИП / ОГРН", function()
  local p = tenant.profile(load_tenant("voek"))
  eq(p.applicant_kinds[1].login.name, "snils")
  eq(p.applicant_kinds[2].login.name, "ogrnip")
  eq(p.applicant_kinds[3].login.name, "ogrn")
  eq(p.applicant_kinds[1].access_ways[1], "account_number")
  eq(p.applicant_kinds[3].access_ways[1], "ogrn_contract")
end)

case("ВГЭС: справочники улиц и видов обращений", function()
  local T = load_tenant("vges")
  local streets = tenant.dictionary(T, "streets")
  eq(streets.name, "streets")
  assert(#streets.items >= 40, "в справочнике улиц не меньше 40 улиц")
  local have = {}
  for _, item in ipairs(streets.items) do
    eq(item.value, item.label, "улица: значение совпадает с названием")
    assert(not have[item.value], "улица повторяется: " .. item.value)
    have[item.value] = true
  end
  for _, s in ipairs { "Звездная ул.", "206-й Стрелковой дивизии ул.", "Плехановская ул.",
    "Кольцовская ул.", "Московский пр-т", "Ленинский пр-т", "Революции пр-т" } do
    assert(have[s], "нет улицы " .. s)
  end
  -- The kinds of appeals are case kinds of the group «Обращения» (kabinet.cases).
  local kinds = {}
  for _, k in ipairs(tenant.case_kinds(T)) do
    if k.group == "appeals" then kinds[#kinds + 1] = k end
  end
  eq(#kinds, 5, "видов обращений")
  eq(kinds[1].label, "Запрос справочной информации")
  eq(kinds[2].label, "Жалоба")
  eq(kinds[5].label, "Запрос консультации")
  eq(#tenant.dictionary(T, "service_kinds").items, 4, "видов доп. услуг")
  eq(tenant.dictionary(T, "tc_service_kinds").items[1].max_power_kw, 15)
  eq(tenant.dictionary(T, "nonexistent"), nil)
  eq(tenant.dictionary(load_tenant("sigma"), "streets"), nil)
end)

---------------------------------------------------------------------------
-- validate_registration
---------------------------------------------------------------------------

local VOEK_LEGAL = {
  inn = "7707083893", email = "energo@sberbank.ru", password = "Secret123",
  password_confirm = "Secret123", phone = "8 (4922) 77-77-77", ogrn = "1027700132195",
}

case("ВОЭК: юридическое лицо с верными данными", function()
  errors_like(tenant.validate_registration(load_tenant("voek"), "legal_entity", VOEK_LEGAL), nil)
end)

case("ВОЭК: неверный ОГРН юридического лица", function()
  local T = load_tenant("voek")
  errors_like(tenant.validate_registration(T, "legal_entity", with(VOEK_LEGAL, { ogrn = "1027700132196" })),
    { ogrn = "Неверное контрольное число ОГРН" })
  errors_like(tenant.validate_registration(T, "legal_entity", with(VOEK_LEGAL, { ogrn = "304500116000157" })),
    { ogrn = "13 цифр" })
  errors_like(tenant.validate_registration(T, "legal_entity", with(VOEK_LEGAL, { ogrn = NIL })),
    { ogrn = "Поле обязательно для заполнения" })
end)

case("ВОЭК: ИНН юридического лица 10 цифр, предпринимателя 12", function()
  local T = load_tenant("voek")
  errors_like(tenant.validate_registration(T, "legal_entity", with(VOEK_LEGAL, { inn = "500100732259" })),
    { inn = "10 цифр" })
  local ip = with(VOEK_LEGAL, { ogrn = NIL, inn = "500100732259", ogrnip = "304500116000157" })
  errors_like(tenant.validate_registration(T, "sole_proprietor", ip), nil)
  errors_like(tenant.validate_registration(T, "sole_proprietor", with(ip, { inn = "7707083893" })),
    { inn = "12 цифр" })
  errors_like(tenant.validate_registration(T, "sole_proprietor", with(ip, { ogrnip = "304500116000158" })),
    { ogrnip = "контрольное число ОГРНИП" })
end)

case("ВОЭК: физическое лицо", function()
  local T = load_tenant("voek")
  local person = { snils = "112-233-445 95", email = "ivanov@mail.ru", password = "Secret123",
    password_confirm = "Secret123", phone = "+7 960 115-37-67" }
  errors_like(tenant.validate_registration(T, "individual", person), nil)
  errors_like(tenant.validate_registration(T, "individual", with(person, { snils = "112-233-445 96" })),
    { snils = "контрольное число СНИЛС" })
  errors_like(tenant.validate_registration(T, "individual", with(person, { email = "ivanov@", phone = "12345" })),
    { email = "электронной почты", phone = "+7 (XXX) XXX-XX-XX" })
  errors_like(tenant.validate_registration(T, "individual", with(person, { password = "secretsecret",
    password_confirm = "secretsecret" })), { password = "хотя бы одну цифру" })
end)

case("неизвестный вид заявителя", function()
  local T = load_tenant("voek")
  local errors = tenant.validate_registration(T, "alien", VOEK_LEGAL)
  eq(errors.kind, "Неизвестный вид заявителя")
  eq(tenant.validate_registration(T, nil, VOEK_LEGAL).kind, "Неизвестный вид заявителя")
end)

case("лишние поля игнорируются, не-скалярные значения — ошибка", function()
  local T = load_tenant("voek")
  errors_like(tenant.validate_registration(T, "legal_entity", with(VOEK_LEGAL,
    { is_admin = true, role = { "platform_admin" } })), nil)
  errors_like(tenant.validate_registration(T, "legal_entity", with(VOEK_LEGAL, { email = { "a@b.ru" } })),
    { email = "Некорректное значение" })
  errors_like(tenant.validate_registration(T, "legal_entity", with(VOEK_LEGAL, { phone = true })),
    { phone = "Некорректное значение" })
  -- No fields at all: every required field is reported.
  local errors = tenant.validate_registration(T, "legal_entity", nil)
  for _, name in ipairs { "inn", "email", "password", "password_confirm", "phone", "ogrn" } do
    eq(errors[name], "Поле обязательно для заполнения", name)
  end
end)

local VGES_PERSON = {
  username = "BashkatovAndre", email = "maslograd@rambler.ru", password = "Andre1985",
  password_confirm = "Andre1985", full_name = "Башкатов Андрей Владимирович",
  from_voronezh = true, street = "Звездная ул.", house = "40", postcode = "394056",
  phone = "(960)-115-37-67", snils = "151-018-832 24",
}

case("ВГЭС: житель Воронежа выбирает улицу из справочника", function()
  local T = load_tenant("vges")
  errors_like(tenant.validate_registration(T, "individual", VGES_PERSON), nil)
  -- Street and house are required, the free address is not asked for.
  errors_like(tenant.validate_registration(T, "individual", with(VGES_PERSON, { street = NIL, house = "" })),
    { street = "Поле обязательно для заполнения", house = "Поле обязательно для заполнения" })
  errors_like(tenant.validate_registration(T, "individual", with(VGES_PERSON, { street = "Тверская ул." })),
    { street = "Выберите значение из списка" })
  -- "Да" as the portal's switch may send it; the default is "from Voronezh".
  errors_like(tenant.validate_registration(T, "individual", with(VGES_PERSON, { from_voronezh = "true" })), nil)
  errors_like(tenant.validate_registration(T, "individual", with(VGES_PERSON, { from_voronezh = NIL })), nil)
  errors_like(tenant.validate_registration(T, "individual", with(VGES_PERSON, { from_voronezh = "может быть" })),
    { from_voronezh = "«Да» или «Нет»" })
  -- Voronezh postcodes start with 394 (tenant hook).
  errors_like(tenant.validate_registration(T, "individual", with(VGES_PERSON, { postcode = "111111" })),
    { postcode = "394" })
  errors_like(tenant.validate_registration(T, "individual", with(VGES_PERSON, { house = string.rep("1", 26) })),
    { house = "не более 25 символов" })
end)

case("ВГЭС: иногородний вводит адрес полностью", function()
  local T = load_tenant("vges")
  local elsewhere = with(VGES_PERSON, { from_voronezh = false, street = NIL, house = NIL,
    address = "Липецк, ул. Ленина, д. 1, кв. 2", postcode = "398001" })
  errors_like(tenant.validate_registration(T, "individual", elsewhere), nil)
  errors_like(tenant.validate_registration(T, "individual", with(elsewhere, { address = "  " })),
    { address = "Поле обязательно для заполнения" })
  -- Values of the hidden street block are ignored, even invalid ones.
  errors_like(tenant.validate_registration(T, "individual", with(elsewhere,
    { street = "Несуществующая ул.", house = string.rep("9", 100) })), nil)
  errors_like(tenant.validate_registration(T, "individual", with(elsewhere, { from_voronezh = "нет" })), nil)
end)

case("ВГЭС: имя пользователя и пароль", function()
  local T = load_tenant("vges")
  errors_like(tenant.validate_registration(T, "individual", with(VGES_PERSON, { username = "Башкатов" })),
    { username = "латинские буквы" })
  errors_like(tenant.validate_registration(T, "individual", with(VGES_PERSON, { username = "ab" })),
    { username = "не менее 3 символов" })
  errors_like(tenant.validate_registration(T, "individual", with(VGES_PERSON,
    { password = "Пароль123", password_confirm = "Пароль123" })), { password = "латинские" })
  errors_like(tenant.validate_registration(T, "individual", with(VGES_PERSON,
    { password = "bashkatovandre1", password_confirm = "bashkatovandre1", username = "BashkatovAndre1" })),
    { password = "не должен совпадать с именем пользователя" })
end)

case("ВГЭС: юридическое лицо и предприниматель", function()
  local T = load_tenant("vges")
  local legal = {
    username = "urik_test_", email = "urik@urik.ru", password = "Roga2020", password_confirm = "Roga2020",
    org_short_name = "Рога и копыта", org_full_name = "ООО «Рога и копыта»",
    from_voronezh = true, street = "Плехановская ул.", house = "1", postcode = "394036",
    head_full_name = "Иванов Иван Иванович", phone = "(473)-211-11-11",
    ogrn = "1027700229193", inn = "7736207543",
  }
  errors_like(tenant.validate_registration(T, "legal_entity", legal), nil)
  -- The seed's sample values are not valid identifiers.
  errors_like(tenant.validate_registration(T, "legal_entity", with(legal,
    { ogrn = "1111111111111", inn = "111111111" })), { ogrn = "ОГРН", inn = "ИНН" })
  local ip = with(legal, { ogrn = NIL, ogrnip = "304500116000157", inn = "500100732259" })
  errors_like(tenant.validate_registration(T, "sole_proprietor", ip), nil)
  errors_like(tenant.validate_registration(T, "sole_proprietor", with(ip, { ogrnip = "1027700229193" })),
    { ogrnip = "15 цифр" })
end)

local OES = { email = "vasiliy@example.ru", full_name = "Васильев Василий Васильевич",
  phone = "+7 912 345-67-89", password = "12345678", password_confirm = "12345678" }

case("ОЭС 360: пароль не короче 8 символов", function()
  local T = load_tenant("oes360")
  errors_like(tenant.validate_registration(T, "consumer", OES), nil)
  errors_like(tenant.validate_registration(T, "consumer", with(OES, { password = "1234567", password_confirm = "1234567" })),
    { password = "не менее 8 символов" })
  errors_like(tenant.validate_registration(T, "consumer", with(OES, { password_confirm = "12345679" })),
    { password_confirm = "Пароли не совпадают" })
  -- Codes of the second factor go by SMS: the phone must be a mobile one.
  errors_like(tenant.validate_registration(T, "consumer", with(OES, { phone = "8 (495) 123-45-67" })),
    { phone = "мобильного" })
  eq(tenant.message(T, "login_taken"), "Пользователь с таким E-mail уже существует")
end)

local SIGMA = {
  full_name = "Петров Пётр Петрович", organization = "ООО «Ромашка»", contract_number = "ЭС-2024/117",
  phone = "+7 978 997-31-92", email = "petrov@romashka.ru", password = "Romashka2024",
  password_confirm = "Romashka2024", licence = true, personal_data = true,
}

case("СИГМА: пароли не совпадают", function()
  local T = load_tenant("sigma")
  errors_like(tenant.validate_registration(T, "consumer", SIGMA), nil)
  errors_like(tenant.validate_registration(T, "consumer", with(SIGMA, { password_confirm = "Romashka2025" })),
    { password_confirm = "Пароли не совпадают" })
  -- Password confirmation is compared as typed, not trimmed.
  errors_like(tenant.validate_registration(T, "consumer", with(SIGMA, { password_confirm = "Romashka2024 " })),
    { password_confirm = "Пароли не совпадают" })
  errors_like(tenant.validate_registration(T, "consumer", with(SIGMA, { password = "romashka2024",
    password_confirm = "romashka2024" })), { password = "заглавную" })
end)

case("СИГМА: без согласий регистрации нет", function()
  local T = load_tenant("sigma")
  errors_like(tenant.validate_registration(T, "consumer", with(SIGMA, { licence = NIL, personal_data = false })),
    { licence = "лицензионного соглашения", personal_data = "персональных данных" })
  errors_like(tenant.validate_registration(T, "consumer", with(SIGMA, { licence = "on", personal_data = "true" })), nil)
  eq(tenant.message(T, "registration_failed"),
    "Не удалось создать учетную запись. Откорректируйте введенные данные и повторите попытку.")
end)

case("КЭС Оренбуржья: отчество необязательно, телефон мобильный", function()
  local T = load_tenant("kes-orenburg")
  local person = { surname = "Иванов", name = "Иван", email = "ivanov@yandex.ru",
    phone = "8 922 555-44-33", password = "ivanov2024", password_confirm = "ivanov2024" }
  errors_like(tenant.validate_registration(T, "consumer", person), nil)
  errors_like(tenant.validate_registration(T, "consumer", with(person, { patronymic = "Иванович" })), nil)
  errors_like(tenant.validate_registration(T, "consumer", with(person, { surname = " ", phone = "8 (3532) 38-78-38" })),
    { surname = "Поле обязательно для заполнения", phone = "мобильного" })
  errors_like(tenant.validate_registration(T, "consumer", with(person, { name = string.rep("Я", 101) })),
    { name = "не более 100 символов" })
end)

testing.finish()
