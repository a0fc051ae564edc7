-- Tests of the profile contract of kabinet.tenant: profile_form() per
-- shipped tenant against the seeds (ВГЭС passport and state register
-- fields, the login read-only, ОЭС 360 notification switches),
-- validate_profile() with PATCH semantics, normalize_profile(), the hooks'
-- context argument, and check() on `profile_fields` / `notifications.categories`.
-- Needs the global load_tenant(id) of the test harness.

local tenant = require("kabinet.tenant")
local F = require("kabinet.fields")

local testing = require("testing")
local case, eq = testing.case, testing.eq

local TENANTS = { "kes-orenburg", "sigma", "voek", "vges", "oes360" }

-- Fields of a kind of a profile form by name, and their names in order.
local function fields_of(form, kind_id)
  for _, kind in ipairs(form.kinds) do
    if kind.id == kind_id then
      local by_name, order = {}, {}
      for _, f in ipairs(kind.fields) do
        by_name[f.name] = f
        order[#order + 1] = f.name
      end
      return by_name, table.concat(order, ",")
    end
  end
  error("нет вида " .. kind_id, 2)
end

-- Asserts that `errors` has exactly the keys of `expected`, each message
-- containing the expected fragment (nil: no errors at all).
local function errors_like(errors, expected, what)
  what = what or "ошибки"
  if expected == nil then
    if errors ~= nil then
      local list = {}
      for k, v in pairs(errors) do list[#list + 1] = tostring(k) .. " = " .. tostring(v) end
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

-- Asserts that check(T) reports a problem starting with `prefix`.
local reports = require("testing").reports

-- A small valid declaration with a profile-only field and a switch.
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
    password_policy = { min_length = 8 },
    notifications = { categories = { { id = "service", label = "Сервисные уведомления" } } },
    applicant_kinds = {
      {
        id = "individual",
        label = "Физическое лицо",
        fields = {
          F.snils { login = true },
          F.email {},
          F.password {},
          F.password_confirm {},
          F.boolean { name = "local", label = "Местный житель", required = false },
          F.text { name = "district", label = "Район", visible_if = { field = "local", equals = true } },
        },
        profile_fields = {
          F.passport { required = false },
          F.date { name = "birth_date", label = "Дата рождения" },
        },
      },
    },
  }
end

---------------------------------------------------------------------------
-- profile_form
---------------------------------------------------------------------------

case("форма профиля: все поля регистрации без паролей, логин не редактируется", function()
  for _, id in ipairs(TENANTS) do
    local T = load_tenant(id)
    local reg = tenant.registration_form(T)
    local form = tenant.profile_form(T)
    eq(#form.kinds, #reg.kinds, id .. ": виды")
    for i, kind in ipairs(form.kinds) do
      local rkind = reg.kinds[i]
      eq(kind.id, rkind.id, id .. ": вид")
      eq(kind.label, rkind.label, id .. ": название вида")
      -- Registration fields but the passwords, in the same order and with the same keys.
      local j = 0
      for _, rf in ipairs(rkind.fields) do
        if rf.type ~= "password" and rf.type ~= "password_confirm" then
          j = j + 1
          local pf = kind.fields[j]
          local what = id .. "." .. kind.id .. "." .. rf.name
          eq(pf.name, rf.name, what)
          for _, key in ipairs { "label", "type", "required", "login", "dictionary", "hint", "max_length", "default" } do
            eq(pf[key], rf[key], what .. "." .. key)
          end
          eq(pf.editable, not rf.login, what .. ".editable")
          eq(pf.profile_only, false, what .. ".profile_only")
        end
      end
      for k = j + 1, #kind.fields do
        eq(kind.fields[k].profile_only, true, id .. "." .. kind.fields[k].name .. ".profile_only")
        eq(kind.fields[k].editable, true, id .. "." .. kind.fields[k].name .. ".editable")
      end
      for _, f in ipairs(kind.fields) do
        assert(f.type ~= "password" and f.type ~= "password_confirm", id .. ": пароль в форме профиля")
      end
    end
    eq(form.messages.login_readonly, "Имя для входа изменить нельзя", id .. ": сообщение")
  end
end)

case("ВГЭС: паспорт физического лица, запись ЕГРЮЛ / ЕГРИП организации", function()
  local form = tenant.profile_form(load_tenant("vges"))
  local ind, order = fields_of(form, "individual")
  eq(order, "username,email,full_name,from_voronezh,address,street,house,flat,postcode,phone,snils,passport")
  eq(ind.username.editable, false)
  eq(ind.username.label, "Имя пользователя (login)")
  eq(ind.passport.label, "Серия и номер паспорта")
  eq(ind.passport.type, "passport")
  eq(ind.passport.required, false)
  eq(ind.passport.editable, true)
  eq(ind.passport.hint, "Понадобится при подаче заявки на технологическое присоединение")
  eq(ind.street.visible_if.field, "from_voronezh")
  eq(ind.egr_record, nil, "запись реестра у физического лица")

  local le, le_order = fields_of(form, "legal_entity")
  assert(le_order:find(",ogrn,inn,egr_record,egr_record_date$"), le_order)
  eq(le.egr_record.label, "Номер записи в едином государственном реестре юридических лиц (ЕГРЮЛ)")
  eq(le.egr_record.type, "egr_record")
  eq(le.egr_record.required, false)
  eq(le.egr_record_date.label, "Дата внесения записи в единый государственный реестр")
  eq(le.egr_record_date.type, "date")
  eq(le.egr_record_date.required, false)
  eq(le.passport, nil, "паспорт у юридического лица")

  local sp = fields_of(form, "sole_proprietor")
  eq(sp.egr_record.label, "Номер записи в едином государственном реестре индивидуальных предпринимателей (ЕГРИП)")
  eq(sp.egr_record_date.label, "Дата внесения записи в единый государственный реестр")
  eq(sp.username.editable, false)
  eq(#form.notifications, 0)
end)

case("ОЭС 360: переключатели уведомлений; у других их нет", function()
  local n = tenant.profile_form(load_tenant("oes360")).notifications
  eq(#n, 2)
  eq(n[1].id, "supplier")
  eq(n[1].label, "Уведомления от поставщика")
  eq(n[1].default, true)
  eq(n[2].id, "meters")
  eq(n[2].label, "Уведомления от приборов учёта")
  eq(n[2].default, true)
  for _, id in ipairs { "kes-orenburg", "sigma", "voek", "vges" } do
    eq(#tenant.profile_form(load_tenant(id)).notifications, 0, id)
  end
  local sw = tenant.profile_form(sample()).notifications[1]
  eq(sw.id, "service")
  eq(sw.default, true, "по умолчанию включено")
end)

case("форма профиля логинов: СНИЛС, ОГРНИП, ОГРН, e-mail", function()
  local voek = tenant.profile_form(load_tenant("voek"))
  eq(fields_of(voek, "individual").snils.editable, false)
  eq(fields_of(voek, "sole_proprietor").ogrnip.editable, false)
  eq(fields_of(voek, "legal_entity").ogrn.editable, false)
  eq(fields_of(voek, "legal_entity").inn.editable, true)
  for _, id in ipairs { "kes-orenburg", "sigma", "oes360" } do
    local c = fields_of(tenant.profile_form(load_tenant(id)), "consumer")
    eq(c.email.editable, false, id .. ".email")
    eq(c.phone.editable, true, id .. ".phone")
  end
end)

---------------------------------------------------------------------------
-- validate_profile: PATCH semantics
---------------------------------------------------------------------------

case("PATCH: проверяются только присланные поля", function()
  local T = load_tenant("voek")
  errors_like(tenant.validate_profile(T, "individual", {}), nil, "пустое изменение")
  errors_like(tenant.validate_profile(T, "individual", { phone = "8 (960) 115-37-67" }), nil, "телефон")
  errors_like(tenant.validate_profile(T, "individual", { phone = "12345" }), { phone = "+7" })
  errors_like(tenant.validate_profile(T, "individual", { email = "" }), { email = "обязательно" })
  errors_like(tenant.validate_profile(T, "individual", { email = "   " }), { email = "обязательно" })
  errors_like(tenant.validate_profile(T, "individual", { email = "not-an-email" }), { email = "почты" })
  errors_like(tenant.validate_profile(T, "legal_entity", { inn = "7707083893" }), nil, "ИНН ЮЛ")
  errors_like(tenant.validate_profile(T, "legal_entity", { inn = "500100732259" }), { inn = "10 цифр" })
  errors_like(tenant.validate_profile(T, "individual", { phone = { "x" } }), { phone = "Некорректное значение" })
end)

case("PATCH: логин не меняется, пароль — отдельно, чужие поля неизвестны", function()
  local T = load_tenant("voek")
  errors_like(tenant.validate_profile(T, "individual", { snils = "151-018-832 24" }),
    { snils = "Имя для входа изменить нельзя" })
  errors_like(tenant.validate_profile(T, "legal_entity", { ogrn = "1027700132195", phone = "+79601153767" }),
    { ogrn = "Имя для входа изменить нельзя" })
  errors_like(tenant.validate_profile(T, "individual", { nickname = "x" }), { nickname = "Неизвестное поле" })
  -- A field of another kind is not a field of this profile.
  errors_like(tenant.validate_profile(T, "individual", { ogrn = "1027700132195" }), { ogrn = "Неизвестное поле" })
  errors_like(tenant.validate_profile(T, "individual", { password = "secret123", password_confirm = "secret123" }),
    { password = "Сменить пароль", password_confirm = "Сменить пароль" })
  errors_like(tenant.validate_profile(T, "alien", { phone = "+79601153767" }), { kind = "Неизвестный вид заявителя" })
  errors_like(tenant.validate_profile(load_tenant("vges"), "individual", { username = "BashkatovAndre" }),
    { username = "Имя для входа изменить нельзя" })
  errors_like(tenant.validate_profile(load_tenant("oes360"), "consumer", { email = "new@mail.ru" }),
    { email = "Имя для входа изменить нельзя" })
  -- A tenant may reword the refusal.
  local T2 = sample()
  T2.messages = { login_readonly = "СНИЛС изменить нельзя" }
  errors_like(tenant.validate_profile(T2, "individual", { snils = "15101883224" }), { snils = "СНИЛС изменить нельзя" })
  eq(tenant.profile_form(T2).messages.login_readonly, "СНИЛС изменить нельзя")
end)

case("ВГЭС: серия и номер паспорта", function()
  local T = load_tenant("vges")
  for _, raw in ipairs { "2011№ 405454", "2011 405454", "20 11 405454", "2011-405454", "2011405454" } do
    errors_like(tenant.validate_profile(T, "individual", { passport = raw }), nil, raw)
    eq(tenant.normalize_profile(T, "individual", { passport = raw }).passport, "2011 405454", raw)
  end
  errors_like(tenant.validate_profile(T, "individual", { passport = "2011№ 405454 отделом УФМС России по ВО в J" }),
    { passport = "серию (4 цифры) и номер (6 цифр)" })
  errors_like(tenant.validate_profile(T, "individual", { passport = "201 405454" }), { passport = "4 цифры" })
  -- Optional: sent empty, it is cleared.
  errors_like(tenant.validate_profile(T, "individual", { passport = "" }), nil, "пустой паспорт")
  eq(tenant.normalize_profile(T, "individual", { passport = "" }).passport, "")
  -- Only individuals have one.
  errors_like(tenant.validate_profile(T, "legal_entity", { passport = "2011 405454" }), { passport = "Неизвестное поле" })
end)

case("ВГЭС: запись ЕГРЮЛ — 13 цифр, ЕГРИП — 15, дата записи", function()
  local T = load_tenant("vges")
  local v = tenant.normalize_profile(T, "legal_entity", { egr_record = "1 027700 132195", egr_record_date = "01.01.1970" })
  eq(v.egr_record, "1027700132195")
  eq(v.egr_record_date, "1970-01-01")
  errors_like(tenant.validate_profile(T, "legal_entity", { egr_record = "304500116000157" }),
    { egr_record = "ЕГРЮЛ должен содержать 13 цифр" })
  errors_like(tenant.validate_profile(T, "sole_proprietor", { egr_record = "304500116000157" }), nil, "ЕГРИП")
  errors_like(tenant.validate_profile(T, "sole_proprietor", { egr_record = "1027700132195" }),
    { egr_record = "ЕГРИП должен содержать 15 цифр" })
  errors_like(tenant.validate_profile(T, "legal_entity", { egr_record = "12345" }), { egr_record = "13 цифр (ЕГРЮЛ) или 15" })
  errors_like(tenant.validate_profile(T, "legal_entity", { egr_record_date = "31.02.2020" }),
    { egr_record_date = "Такой даты не существует" })
  errors_like(tenant.validate_profile(T, "sole_proprietor", { egr_record = "", egr_record_date = "" }), nil, "очистка")
end)

case("ВГЭС: видимость полей в изменении профиля", function()
  local T = load_tenant("vges")
  -- The controlling field is not sent: the field counts as shown and is checked.
  errors_like(tenant.validate_profile(T, "individual", { street = "Нет такой улицы" }), { street = "из списка" })
  -- Moved out of Voronezh: the street sent with it is ignored, the address is checked.
  local v = tenant.normalize_profile(T, "individual",
    { from_voronezh = "false", street = "Нет такой улицы", address = "Москва, ул. Тверская, д. 1" })
  eq(v.from_voronezh, false)
  eq(v.street, nil)
  eq(v.address, "Москва, ул. Тверская, д. 1")
  errors_like(tenant.validate_profile(T, "individual", { from_voronezh = false, address = "" }),
    { address = "обязательно" })
  -- The tenant's hook runs on profiles too: Voronezh postcodes begin with 394.
  errors_like(tenant.validate_profile(T, "individual", { from_voronezh = true, postcode = "101000" }),
    { postcode = "394" })
  errors_like(tenant.validate_profile(T, "individual", { from_voronezh = true, postcode = "394056" }), nil)
  errors_like(tenant.validate_profile(T, "individual", { postcode = "101000" }), nil, "без «Я из Воронежа»")
end)

---------------------------------------------------------------------------
-- normalize_profile
---------------------------------------------------------------------------

case("нормализация профиля", function()
  local v = tenant.normalize_profile(load_tenant("voek"), "individual",
    { email = "  User@Mail.RU ", phone = "8 (960) 115-37-67" })
  eq(v.email, "user@mail.ru")
  eq(v.phone, "+79601153767")
  local n = 0
  for _ in pairs(v) do n = n + 1 end
  eq(n, 2, "только присланные поля")
  local k = tenant.normalize_profile(load_tenant("kes-orenburg"), "consumer", { patronymic = "", surname = " Петров " })
  eq(k.patronymic, "", "необязательное поле очищается")
  eq(k.surname, "Петров")
  local s = tenant.normalize_profile(load_tenant("vges"), "individual", { snils = "151-018-832 24" })
  eq(s.snils, "15101883224")
  local nothing, errors = tenant.normalize_profile(load_tenant("voek"), "individual", { snils = "15101883224" })
  eq(nothing, nil)
  eq(errors.snils, "Имя для входа изменить нельзя")
  local _, unknown = tenant.normalize_profile(load_tenant("voek"), "nobody", {})
  eq(unknown.kind, "Неизвестный вид заявителя")
  -- A profile-only field required by its declaration may not be cleared.
  local _, e = tenant.normalize_profile(sample(), "individual", { birth_date = "" })
  eq(e.birth_date, "Поле обязательно для заполнения")
  eq(tenant.normalize_profile(sample(), "individual", { birth_date = "05.03.1990" }).birth_date, "1990-03-05")
end)

case("функции validate получают контекст и только присланное", function()
  local T = sample()
  local seen = {}
  T.validate = function(kind_id, fields, errors, values, context)
    seen[#seen + 1] = { kind = kind_id, context = context, fields = fields, values = values }
    if context == "profile" and values.email == "taken@mail.ru" then errors.email = "Адрес занят" end
  end
  tenant.validate_registration(T, "individual",
    { snils = "15101883224", email = "a@b.ru", password = "secret123", password_confirm = "secret123" })
  eq(seen[1].context, "registration")
  errors_like(tenant.validate_profile(T, "individual", { email = "Taken@Mail.ru" }), { email = "Адрес занят" })
  eq(seen[2].context, "profile")
  eq(seen[2].kind, "individual")
  eq(seen[2].fields.email, "Taken@Mail.ru")
  eq(seen[2].values.snils, nil)
  T.applicant_kinds[1].validate = function() error("boom") end
  local e = tenant.validate_profile(T, "individual", { email = "a@b.ru" })
  assert(e and e._form and e._form:find("Не удалось проверить", 1, true), "ожидалась ошибка _form")
end)

---------------------------------------------------------------------------
-- check: profile_fields and notification categories
---------------------------------------------------------------------------

case("check: образец с полями профиля проходит, ключи строгие", function()
  local problems = tenant.check(sample())
  if problems then error(table.concat(problems, "\n")) end
  local T = sample()
  T.applicant_kinds[1].profile_fields[1].editable = false
  T.applicant_kinds[1].profilefields = {}
  reports(T, "applicant_kinds[1].profile_fields[1].editable: неизвестный ключ")
  reports(T, "applicant_kinds[1].profilefields: неизвестный ключ")
end)

case("check: поля профиля — свои имена, не логин, не пароль", function()
  local T = sample()
  local pf = T.applicant_kinds[1].profile_fields
  pf[#pf + 1] = F.email {}
  pf[#pf + 1] = F.text { name = "nick", label = "Ник", login = true }
  pf[#pf + 1] = F.password {}
  pf[#pf + 1] = F.passport { name = "passport" }
  pf[#pf + 1] = F.text { name = "street2", label = "Улица", visible_if = { field = "local", equals = true } }
  pf[#pf + 1] = F.text { name = "bad", label = "Плохое", visible_if = { field = "nowhere", equals = true } }
  pf[#pf + 1] = F.text { name = "kind_x", label = "Тип", type = "telepathy" }
  reports(T, "applicant_kinds[1].profile_fields[3].name: поле 'email' уже есть в форме регистрации")
  reports(T, "applicant_kinds[1].profile_fields[4].login: поле профиля не может быть полем для входа")
  reports(T, "applicant_kinds[1].profile_fields[5].type: пароль не может быть полем профиля")
  reports(T, "applicant_kinds[1].profile_fields[6].name: повторяющееся имя поля 'passport'")
  reports(T, "applicant_kinds[1].profile_fields[8].visible_if.field: поле 'nowhere' не найдено")
  reports(T, "applicant_kinds[1].profile_fields[9].type: неизвестный тип 'telepathy'")
  for _, p in ipairs(tenant.check(T)) do
    assert(not p:find("profile_fields[7]", 1, true), "ссылка на поле регистрации отвергнута: " .. p)
  end
  local T2 = sample()
  T2.applicant_kinds[1].profile_fields = "passport"
  reports(T2, "applicant_kinds[1].profile_fields: ожидается список полей")
  local T3 = sample()
  T3.applicant_kinds[1].login = "passport"
  T3.applicant_kinds[1].fields[1].login = nil
  reports(T3, "applicant_kinds[1].login: поле 'passport' не найдено в форме")
end)

case("check: переключатели уведомлений", function()
  local T = sample()
  T.notifications = { categories = {
    { id = "service", label = "Сервисные уведомления", default = "yes" },
    { id = "service", label = "Ещё раз" },
    { id = "Bad Id", label = "" },
    { id = "extra", label = "Лишнее", colour = "red" },
  } }
  reports(T, "notifications.categories[1].default: ожидается true или false")
  reports(T, "notifications.categories[2].id: повторяющийся идентификатор 'service'")
  reports(T, "notifications.categories[3].id: идентификатор")
  reports(T, "notifications.categories[3].label: ожидается непустая строка")
  reports(T, "notifications.categories[4].colour: неизвестный ключ")
  local T2 = sample()
  T2.notifications = { categories = { supplier = true } }
  reports(T2, "notifications.categories: ожидается список")
end)

testing.finish()
