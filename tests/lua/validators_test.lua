-- Tests of kabinet.validators: real published identifiers pass, corrupted
-- ones fail with a Russian reason; phone normalisation; e-mail; password
-- policy; postcode; date. A self-contained script: errors on failure.

local V = require("kabinet.validators")

local testing = require("testing")
local case, eq = testing.case, testing.eq

-- Asserts that validator(value) fails and that its reason contains `fragment`.
local function rejects(validator, value, fragment)
  local ok, reason = validator(value)
  if ok then error(string.format("значение %q принято, а не должно", tostring(value)), 2) end
  if type(reason) ~= "string" or reason == "" then error("нет причины отказа для " .. tostring(value), 2) end
  if fragment and not reason:find(fragment, 1, true) then
    error(string.format("для %q причина %q не содержит %q", tostring(value), reason, fragment), 2)
  end
end

local function accepts(validator, value)
  local ok, reason = validator(value)
  if ok ~= true then error(string.format("значение %q отвергнуто: %s", tostring(value), tostring(reason)), 2) end
end

-- Every single-digit change of a valid number must be caught by the check
-- digits (both ИНН/ОГРН schemes detect any one wrong digit except where the
-- modulus folds 10 to 0; such cases are skipped by comparing recomputation).
local function corrupt(s, i)
  local d = (s:byte(i) - 48 + 1) % 10
  return s:sub(1, i - 1) .. string.char(48 + d) .. s:sub(i + 1)
end

-- Published identifiers of real organisations.
local ORGANISATIONS = {
  { name = "ПАО Сбербанк", inn = "7707083893", ogrn = "1027700132195" },
  { name = "ПАО «Газпром»", inn = "7736050003", ogrn = "1027700070518" },
  { name = "ООО «Яндекс»", inn = "7736207543", ogrn = "1027700229193" },
  { name = "ПАО «ЛУКОЙЛ»", inn = "7708004767", ogrn = "1027700035769" },
  { name = "ОАО «РЖД»", inn = "7708503727", ogrn = "1037739877295" },
}

case("ИНН юридических лиц проходят", function()
  for _, org in ipairs(ORGANISATIONS) do
    accepts(V.inn, org.inn)
    accepts(V.inn10, org.inn)
    eq(V.normalize_inn(" " .. org.inn .. " "), org.inn, org.name)
  end
end)

case("ОГРН юридических лиц проходят", function()
  for _, org in ipairs(ORGANISATIONS) do
    accepts(V.ogrn, org.ogrn)
    eq(V.normalize_ogrn(org.ogrn), org.ogrn, org.name)
  end
end)

case("ИНН как число из JSON", function()
  accepts(V.inn, 7707083893)
  accepts(V.ogrn, 1027700132195)
  rejects(V.inn, 7707083893.5)
  rejects(V.inn, true, "Некорректное значение")
end)

case("искажённые ИНН отвергаются", function()
  rejects(V.inn, "7707083894", "контрольное число ИНН")
  rejects(V.inn, "7736050004", "контрольное число")
  rejects(V.inn, "770708389", "10 или 12 цифр")
  rejects(V.inn, "77070838931", "10 или 12 цифр")
  rejects(V.inn, "77070А3893", "только цифры")
  rejects(V.inn, "", "Укажите ИНН")
  rejects(V.inn, "0000000000", "региона")
  rejects(V.inn10, "500100732259", "10 цифр")
  rejects(V.inn12, "7707083893", "12 цифр")
  for _, org in ipairs(ORGANISATIONS) do
    for i = 1, 10 do
      rejects(V.inn, corrupt(org.inn, i))
    end
  end
end)

case("ИНН физического лица (12 цифр)", function()
  accepts(V.inn, "500100732259")
  accepts(V.inn12, "500100732259")
  rejects(V.inn12, "500100732250", "контрольное число ИНН")  -- 12th digit
  rejects(V.inn12, "500100732269", "контрольное число ИНН")  -- 11th digit
end)

case("искажённые ОГРН отвергаются", function()
  rejects(V.ogrn, "1027700132196", "Неверное контрольное число ОГРН")
  rejects(V.ogrn, "102770013219", "13 цифр")
  rejects(V.ogrn, "2027700132195", "1 или 5")
  rejects(V.ogrn, "1111111111111")   -- the seed's sample value
  rejects(V.ogrn, "10277001З2195", "только цифры") -- Cyrillic З
  local caught = 0
  for _, org in ipairs(ORGANISATIONS) do
    for i = 2, 13 do
      if not V.ogrn(corrupt(org.ogrn, i)) then caught = caught + 1 end
    end
  end
  -- mod 11 then mod 10 folds remainder 10 onto 0, so a few changes can slip
  -- through in principle; for these numbers every one is caught.
  eq(caught, #ORGANISATIONS * 12, "пойманных искажений ОГРН")
end)

case("ОГРНИП", function()
  accepts(V.ogrnip, "304500116000157")
  eq(V.normalize_ogrnip(" 304500116000157 "), "304500116000157")
  rejects(V.ogrnip, "304500116000150", "Неверное контрольное число ОГРНИП")
  rejects(V.ogrnip, "504500116000157", "цифры 3")
  rejects(V.ogrnip, "1027700132195", "15 цифр")
  rejects(V.ogrn, "304500116000157", "13 цифр")
end)

case("остаток 10 даёт контрольную цифру 0 (построенные номера)", function()
  -- Check-digit-valid numbers constructed for the case, not real ones:
  -- the weighted sum (or the number) leaves remainder 10, so the digit is 0.
  accepts(V.inn10, "7707083830")        -- Σ mod 11 = 10
  accepts(V.inn12, "500100730004")      -- 11th digit: Σ mod 11 = 10
  accepts(V.inn12, "500100730950")      -- 12th digit: Σ mod 11 = 10
  accepts(V.ogrn, "1027700132020")      -- 102770013202 mod 11 = 10
  accepts(V.ogrnip, "304500116000202")  -- 30450011600020 mod 13 = 12 → 2
  rejects(V.ogrnip, "304500116000201", "контрольное число")
end)

case("СНИЛС", function()
  accepts(V.snils, "112-233-445 95")
  accepts(V.snils, "11223344595")
  accepts(V.snils, "151-018-832 24")        -- the seed's example (ВГЭС profile)
  eq(V.normalize_snils("151-018-832 24"), "15101883224")
  eq(V.format_snils("15101883224"), "151-018-832 24")
  rejects(V.snils, "112-233-445 94", "Неверное контрольное число СНИЛС")
  rejects(V.snils, "112-233-446 95", "контрольное число")
  rejects(V.snils, "112-233-445 9", "11 цифр")
  rejects(V.snils, "112-233-445 95 1", "11 цифр")
  rejects(V.snils, "112/233/445 95", "только цифры")
  rejects(V.snils, "000-000-000 00")
end)

case("СНИЛС: суммы 100 и 101 дают 00, большие берутся по модулю 101", function()
  -- Weighted sums (weights 9..1) of the first nine digits, worked out by hand:
  accepts(V.snils, "900-000-111 87")  -- 81+3+2+1 = 87 < 100: the sum itself
  accepts(V.snils, "500-223-328 00")  -- 45+12+10+12+9+4+8 = 100 → 00
  accepts(V.snils, "500-012-883 00")  -- 45+5+8+24+16+3 = 101 → 00
  accepts(V.snils, "500-196-377 49")  -- 45+6+45+24+9+14+7 = 150 → 150 mod 101 = 49
  accepts(V.snils, "500-869-955 00")  -- 45+48+30+36+27+10+5 = 201 → mod 101 = 100 → 00
  accepts(V.snils, "999-999-991 94")  -- 9×44+1 = 397 → 397 mod 101 = 94
  rejects(V.snils, "500-223-328 100")
  rejects(V.snils, "500-223-328 01", "контрольное число")
  rejects(V.snils, "500-869-955 99", "контрольное число")
end)

case("СНИЛС до 001-001-998 не проверяется", function()
  accepts(V.snils, "001-001-998 00")
  accepts(V.snils, "001-001-998 77")
  rejects(V.snils, "001-001-999 00", "контрольное число")
end)

case("телефон → E.164", function()
  local cases = {
    { "8 (960) 115-37-67", "+79601153767" },
    { "+7 960 115 37 67", "+79601153767" },
    { "+7(960)115-37-67", "+79601153767" },
    { "7 960 115-37-67", "+79601153767" },
    { "89601153767", "+79601153767" },
    { "(960)-115-37-67", "+79601153767" },   -- as the ВГЭС profile shows it
    { "9601153767", "+79601153767" },
    { " 8 (3532) 38-78-38 ", "+73532387838" }, -- Оренбург, landline
    { "8 800 100-00-00", "+78001000000" },
    { "+7 978 997-31-92", "+79789973192" },
    { "4732 12.34.56", "+74732123456" },
    { 9601153767, "+79601153767" },
  }
  for _, c in ipairs(cases) do eq(V.normalize_phone(c[1]), c[2], tostring(c[1])) end
end)

case("неверные телефоны отвергаются", function()
  for _, bad in ipairs {
    "", "12345", "+8 960 115-37-67", "+1 212 555 0100", "+7 701 123 45 67",
    "8 (960) 115-37-6", "8 (960) 115-37-677", "960115376", "1234567890",
    "+7 960 115 37 67 доб. 5", "8-960-115-37-67x", "++79601153767",
    "5601153767", "0601153767",
  } do
    rejects(V.phone, bad)
  end
  rejects(V.phone, true, "Некорректное значение")
end)

case("мобильный телефон", function()
  accepts(function(v) return V.phone(v, { mobile = true }) end, "8 960 115 37 67")
  rejects(function(v) return V.phone(v, { mobile = true }) end, "8 (473) 212-34-56", "мобильного")
end)

case("e-mail", function()
  eq(V.normalize_email("  Maslograd@Rambler.RU "), "maslograd@rambler.ru")
  accepts(V.email, "balans.kes@yandex.ru")
  accepts(V.email, "ivan.petrov+kabinet@mail.ru")
  accepts(V.email, "o'neil@example.co.uk")
  accepts(V.email, "info@почта.рф")
  accepts(V.email, "user@xn--80a1acny.xn--p1ai")
  for _, bad in ipairs {
    "", "plainaddress", "@mail.ru", "user@", "user@mail", "user@@mail.ru",
    "us er@mail.ru", ".user@mail.ru", "user.@mail.ru", "us..er@mail.ru",
    "user@-mail.ru", "user@mail-.ru", "user@mail..ru", "user@mail.r",
    "user@mail.123", "пользователь@mail.ru", "user@mail.ru.",
    string.rep("a", 65) .. "@mail.ru",
  } do
    rejects(V.email, bad, "электронной почты")
  end
  rejects(V.email, 42, "Некорректное значение")
end)

case("политика паролей", function()
  local policy = { min_length = 8, max_length = 20, require_letter = true, require_digit = true }
  accepts(function(p) return V.password(p, policy) end, "secret123")
  rejects(function(p) return V.password(p, policy) end, "sec123", "не менее 8 символов")
  rejects(function(p) return V.password(p, policy) end, "secretsecret", "хотя бы одну цифру")
  rejects(function(p) return V.password(p, policy) end, "12345678", "хотя бы одну букву")
  rejects(function(p) return V.password(p, policy) end, string.rep("a1", 11), "не более 20 символов")
  -- Length counts characters, not bytes.
  accepts(function(p) return V.password(p, policy) end, "пароль12")
  rejects(function(p) return V.password(p, policy) end, "парол1", "не менее 8 символов")
  local strict = { min_length = 1, require_upper = true, require_lower = true, require_special = true }
  rejects(function(p) return V.password(p, strict) end, "abc", "заглавную")
  rejects(function(p) return V.password(p, strict) end, "ABC", "строчную")
  rejects(function(p) return V.password(p, strict) end, "Abc1", "специальный символ")
  accepts(function(p) return V.password(p, strict) end, "Abc1!")
  accepts(function(p) return V.password(p, strict) end, "Ёлка-палка")
  local latin = { latin_only = true }
  rejects(function(p) return V.password(p, latin) end, "пароль123", "латинские")
  rejects(function(p) return V.password(p, latin) end, "pass word", "латинские")
  accepts(function(p) return V.password(p, latin) end, "Pa$$w0rd!")
  rejects(function(p) return V.password(p, {}) end, "bad\0pass", "недопустимые")
  rejects(function(p) return V.password(p, {}) end, "bad\255pass", "недопустимые")
  rejects(function(p) return V.password(p, {}) end, 12345678, "Некорректное")
  accepts(function(p) return V.password(p, nil) end, " пробелы по краям не срезаются ")
  -- Genitive after «не менее»: 1 символа, 21 символа, 5 символов.
  rejects(function(p) return V.password(p, { min_length = 21 }) end, "a", "не менее 21 символа")
  rejects(function(p) return V.password(p, { min_length = 11 }) end, "a", "не менее 11 символов")
end)

case("одно правило мн. числа: «не менее 3 символов», «от 6 до 64 символов»", function()
  local cases = { [1] = "1 символа", [3] = "3 символов", [6] = "6 символов", [11] = "11 символов",
    [21] = "21 символа", [64] = "64 символов", [101] = "101 символа", [111] = "111 символов", [122] = "122 символов" }
  for n, want in pairs(cases) do eq(V.chars_genitive(n), want) end
  eq(V.plural(3, "символ", "символа", "символов"), "символа")
  eq(V.plural(12, "символ", "символа", "символов"), "символов")
  eq(V.plural(22, "символ", "символа", "символов"), "символа")
end)

case("почтовый индекс", function()
  eq(V.normalize_postcode(" 394056 "), "394056")
  eq(V.normalize_postcode(394056), "394056")
  rejects(V.postcode, "39405", "6 цифр")
  rejects(V.postcode, "3940560", "6 цифр")
  rejects(V.postcode, "39405a", "6 цифр")
  rejects(V.postcode, "094056", "Некорректный")
end)

case("дата", function()
  eq(V.normalize_date("01.01.1970"), "1970-01-01")
  eq(V.normalize_date("2024-02-29"), "2024-02-29")
  eq(V.normalize_date("29.02.2000"), "2000-02-29")
  rejects(V.date, "29.02.2023", "не существует")
  rejects(V.date, "29.02.1900", "не существует")
  rejects(V.date, "31.04.2024", "не существует")
  rejects(V.date, "00.01.2024", "не существует")
  rejects(V.date, "01.13.2024", "не существует")
  rejects(V.date, "1.1.2024", "ДД.ММ.ГГГГ")
  rejects(V.date, "2024/01/01", "ДД.ММ.ГГГГ")
  rejects(V.date, "01.01.1800", "1900")
  eq(V.normalize_date("01.01.1800", { min_year = 1800 }), "1800-01-01")
end)

case("обрезка пробелов линейна и точна", function()
  eq(V.trim("  a b \t\n"), "a b")
  eq(V.trim(" \r\n "), "")
  eq(V.trim(""), "")
  eq(V.trim("x"), "x")
  -- A long run of spaces inside the value must not make trimming quadratic.
  local long = "a" .. string.rep(" ", 200000) .. "b"
  local started = os.clock()
  eq(#V.trim(long .. "   "), #long)
  assert(os.clock() - started < 1, "обрезка слишком медленная")
  rejects(V.email, long .. "@mail.ru")
  rejects(V.phone, string.rep(" ", 100000) .. "x")
end)

case("русские формы числительных", function()
  eq(V.plural(1, "цифра", "цифры", "цифр"), "цифра")
  eq(V.plural(3, "цифра", "цифры", "цифр"), "цифры")
  eq(V.plural(11, "цифра", "цифры", "цифр"), "цифр")
  eq(V.plural(13, "цифра", "цифры", "цифр"), "цифр")
  eq(V.plural(22, "цифра", "цифры", "цифр"), "цифры")
  eq(V.plural(15, "цифра", "цифры", "цифр"), "цифр")
end)

case("паспорт: серия и номер", function()
  eq(V.normalize_passport("2011№ 405454"), "2011 405454")
  eq(V.normalize_passport("2011 № 405454"), "2011 405454")
  eq(V.normalize_passport("20 11 405454"), "2011 405454")
  eq(V.normalize_passport(" 2011-405454 "), "2011 405454")
  eq(V.normalize_passport("2011405454"), "2011 405454")
  eq(V.normalize_passport(2011405454), "2011 405454")
  accepts(V.passport, "4509 123456")
  -- The issuing office typed after the number (seed 003, picture 7) is refused, not cut off.
  rejects(V.passport, "2011№ 405454 отделом УФМС России по ВО", "4 цифры")
  rejects(V.passport, "2011 40545", "6 цифр")
  rejects(V.passport, "2011 4054541", "серию")
  rejects(V.passport, "20AB 405454", "например 2011 405454")
  rejects(V.passport, "0000 405454", "Некорректные")
  rejects(V.passport, "2011 000000", "Некорректные")
  rejects(V.passport, "  ", "Укажите серию и номер")
  rejects(V.passport, { "2011" }, "Некорректное значение")
end)

case("номер записи ЕГРЮЛ / ЕГРИП: 13 или 15 цифр", function()
  eq(V.normalize_egr_record("1027700132195"), "1027700132195")
  eq(V.normalize_egr_record("2 1 6 3 6 6 8 1 0 2 5 6 1"), "2163668102561")
  eq(V.normalize_egr_record("304500116000157"), "304500116000157")
  rejects(V.egr_record, "12345678901234", "13 цифр (ЕГРЮЛ) или 15 цифр (ЕГРИП)")
  rejects(V.egr_record, "123456789012", "13 цифр")
  rejects(V.egr_record, "10277001321-5", "только цифры")
  rejects(V.egr_record, "0000000000000", "Некорректный номер записи")
  rejects(V.egr_record, "", "Укажите номер записи")
end)

testing.finish()
