--- kabinet.validators — check-digit validators and normalisers for Russian
-- identifiers and contact data (СНИЛС, ИНН, ОГРН, ОГРНИП, ЕГРЮЛ/ЕГРИП record
-- number, passport, phone, e-mail, password policy, postcode, date).
--
-- Pure Lua 5.4, no I/O; runs in the tenant sandbox and in a plain interpreter.
--
-- Conventions:
--   * `V.<thing>(value, ...)` answers `true` or `false, "<reason in Russian>"`;
--   * `V.normalize_<thing>(value, ...)` answers the canonical form
--     (digits only, E.164, ISO date, ...) or `nil, "<reason in Russian>"`.
-- Values may be strings or non-negative integral numbers (a browser may send
-- an ИНН as a JSON number); anything else is rejected as "Некорректное значение".
-- Leading and trailing white space is ignored everywhere except in passwords.

local V = {}

local BAD_VALUE = "Некорректное значение"

---------------------------------------------------------------------------
-- Helpers
---------------------------------------------------------------------------

--- Converts a browser value to text: strings as they are, integral numbers
-- without a fractional part; anything else gives nil.
-- @param v any value
-- @return string or nil
function V.to_text(v)
  if type(v) == "string" then return v end
  if math.type(v) == "integer" then return string.format("%d", v) end
  if math.type(v) == "float" and v == math.floor(v) and v >= 0 and v < 2^53 then
    return string.format("%.0f", v)
  end
  return nil
end

--- Removes leading and trailing white space. Linear in the length of the
-- string whatever it holds (an anchored "%s+$" pattern backtracks
-- quadratically over long runs of spaces, and a browser controls the input).
-- @param s string
-- @return string
function V.trim(s)
  local first = s:find("%S")
  if not first then return "" end
  local last = #s
  local b = s:byte(last)
  while b == 32 or (b >= 9 and b <= 13) do
    last = last - 1
    b = s:byte(last)
  end
  return s:sub(first, last)
end

--- Length of a UTF-8 string in characters, or nil when it is not valid UTF-8.
-- @param s string
-- @return integer or nil
function V.utf8_length(s)
  return utf8.len(s)
end

--- Russian word form agreeing with a number, e.g.
-- `V.plural(5, "символ", "символа", "символов")` → "символов".
-- @param n integer
-- @param one form for 1, 21, 31 ...
-- @param few form for 2–4, 22–24 ...
-- @param many form for 0, 5–20, 25–30 ...
-- @return string
function V.plural(n, one, few, many)
  local d10, d100 = n % 10, n % 100
  if d10 == 1 and d100 ~= 11 then return one end
  if d10 >= 2 and d10 <= 4 and (d100 < 12 or d100 > 14) then return few end
  return many
end

--- "N символов" in the genitive, as after "не менее" / "не более":
-- 1 символа, 2 символов, 21 символа, 5 символов.
-- @param n integer
-- @return string
function V.chars_genitive(n)
  return string.format("%d %s", n, V.plural(n, "символа", "символов", "символов"))
end

-- Takes a value, returns its trimmed text with the allowed separators removed,
-- provided that what is left is all digits; otherwise nil and a reason.
-- `separators` is a Lua character-class body such as "%s%-".
local function digits_of(v, separators, what)
  local s = V.to_text(v)
  if not s then return nil, BAD_VALUE end
  s = V.trim(s)
  if s == "" then return nil, "Укажите " .. what end
  if separators then s = s:gsub("[" .. separators .. "]", "") end
  if not s:match("^%d+$") then
    return nil, what .. " должен содержать только цифры"
  end
  return s
end

-- Digit of `s` at position `i` as an integer.
local function digit(s, i)
  return s:byte(i) - 48
end

-- Weighted sum of the first #weights digits of `s`, mod 11, mod 10:
-- the ИНН control digit rule.
local function inn_control(s, weights)
  local sum = 0
  for i, w in ipairs(weights) do sum = sum + w * digit(s, i) end
  return sum % 11 % 10
end

---------------------------------------------------------------------------
-- СНИЛС
---------------------------------------------------------------------------

--- Normalises a СНИЛС to its 11 digits ("151-018-832 24" → "15101883224").
-- Control number: digits 1..9 weighted 9..1 and summed; a sum below 100 is
-- the control number itself, 100 and 101 give 00, larger sums are taken mod
-- 101 (a remainder of 100 again gives 00). Numbers up to 001-001-998 were
-- issued before the rule and are not checked.
-- @param v string or number
-- @return "ddddddddddd" or nil, reason
function V.normalize_snils(v)
  local s, err = digits_of(v, "%s%-", "СНИЛС")
  if not s then return nil, err end
  if #s ~= 11 then return nil, "СНИЛС должен содержать 11 цифр" end
  local number = tonumber(s:sub(1, 9))
  if number == 0 then return nil, "Некорректный номер СНИЛС" end
  if number > 1001998 then
    local sum = 0
    for i = 1, 9 do sum = sum + digit(s, i) * (10 - i) end
    local control
    if sum < 100 then
      control = sum
    elseif sum <= 101 then
      control = 0
    else
      control = sum % 101
      if control == 100 then control = 0 end
    end
    if control ~= tonumber(s:sub(10, 11)) then
      return nil, "Неверное контрольное число СНИЛС"
    end
  end
  return s
end

--- Checks a СНИЛС (see `normalize_snils`).
-- @return true or false, reason
function V.snils(v)
  local ok, err = V.normalize_snils(v)
  if ok then return true end
  return false, err
end

--- Formats 11 СНИЛС digits for display: "15101883224" → "151-018-832 24".
-- @param digits string of 11 digits
-- @return string (the input unchanged when it is not 11 digits)
function V.format_snils(digits)
  if type(digits) ~= "string" or not digits:match("^%d%d%d%d%d%d%d%d%d%d%d$") then
    return digits
  end
  return string.format("%s-%s-%s %s", digits:sub(1, 3), digits:sub(4, 6),
    digits:sub(7, 9), digits:sub(10, 11))
end

---------------------------------------------------------------------------
-- ИНН
---------------------------------------------------------------------------

local INN10_WEIGHTS = { 2, 4, 10, 3, 5, 9, 4, 6, 8 }
local INN11_WEIGHTS = { 7, 2, 4, 10, 3, 5, 9, 4, 6, 8 }
local INN12_WEIGHTS = { 3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8 }

--- Normalises an ИНН to its digits and checks its control digit(s).
-- 10 digits (organisation): digit 10 = Σ(d1..d9 × 2,4,10,3,5,9,4,6,8) mod 11 mod 10.
-- 12 digits (individual, sole proprietor): digit 11 from d1..d10 with weights
-- 7,2,4,10,3,5,9,4,6,8 and digit 12 from d1..d11 with 3,7,2,4,10,3,5,9,4,6,8.
-- @param v string or number
-- @param length optional 10 or 12 to demand one kind
-- @return digits or nil, reason
function V.normalize_inn(v, length)
  local s, err = digits_of(v, "%s", "ИНН")
  if not s then return nil, err end
  if length == 10 and #s ~= 10 then
    return nil, "ИНН юридического лица должен содержать 10 цифр"
  elseif length == 12 and #s ~= 12 then
    return nil, "ИНН физического лица или индивидуального предпринимателя должен содержать 12 цифр"
  elseif #s ~= 10 and #s ~= 12 then
    return nil, "ИНН должен содержать 10 или 12 цифр"
  end
  if s:sub(1, 2) == "00" then return nil, "Некорректный код региона в ИНН" end
  local good
  if #s == 10 then
    good = inn_control(s, INN10_WEIGHTS) == digit(s, 10)
  else
    good = inn_control(s, INN11_WEIGHTS) == digit(s, 11)
       and inn_control(s, INN12_WEIGHTS) == digit(s, 12)
  end
  if not good then return nil, "Неверное контрольное число ИНН" end
  return s
end

--- Checks an ИНН of 10 or 12 digits.
-- @return true or false, reason
function V.inn(v)
  local ok, err = V.normalize_inn(v)
  if ok then return true end
  return false, err
end

--- Checks an ИНН of a legal entity (10 digits).
-- @return true or false, reason
function V.inn10(v)
  local ok, err = V.normalize_inn(v, 10)
  if ok then return true end
  return false, err
end

--- Checks an ИНН of an individual or sole proprietor (12 digits).
-- @return true or false, reason
function V.inn12(v)
  local ok, err = V.normalize_inn(v, 12)
  if ok then return true end
  return false, err
end

---------------------------------------------------------------------------
-- ОГРН and ОГРНИП
---------------------------------------------------------------------------

-- Shared rule of ОГРН and ОГРНИП: the number formed by all digits but the
-- last, mod `modulus`, mod 10, equals the last digit. The leading digit tells
-- the kind of record (1 or 5 for a legal entity, 3 for a sole proprietor).
local function normalize_state_number(v, what, length, modulus, first_digits, first_msg)
  local s, err = digits_of(v, "%s", what)
  if not s then return nil, err end
  if #s ~= length then
    return nil, string.format("%s должен содержать %d %s", what, length,
      V.plural(length, "цифру", "цифры", "цифр"))
  end
  if not first_digits:find(s:sub(1, 1), 1, true) then return nil, first_msg end
  local body = math.tointeger(tonumber(s:sub(1, length - 1)))
  if body % modulus % 10 ~= digit(s, length) then
    return nil, "Неверное контрольное число " .. what
  end
  return s
end

--- Normalises an ОГРН (13 digits, legal entity): the first 12 digits as a
-- number mod 11, mod 10, give the 13th; the first digit is 1 or 5.
-- @return digits or nil, reason
function V.normalize_ogrn(v)
  return normalize_state_number(v, "ОГРН", 13, 11, "15",
    "ОГРН юридического лица начинается с цифры 1 или 5")
end

--- Checks an ОГРН (see `normalize_ogrn`).
-- @return true or false, reason
function V.ogrn(v)
  local ok, err = V.normalize_ogrn(v)
  if ok then return true end
  return false, err
end

--- Normalises an ОГРНИП (15 digits, sole proprietor): the first 14 digits as a
-- number mod 13, mod 10, give the 15th; the first digit is 3.
-- @return digits or nil, reason
function V.normalize_ogrnip(v)
  return normalize_state_number(v, "ОГРНИП", 15, 13, "3",
    "ОГРНИП начинается с цифры 3")
end

--- Checks an ОГРНИП (see `normalize_ogrnip`).
-- @return true or false, reason
function V.ogrnip(v)
  local ok, err = V.normalize_ogrnip(v)
  if ok then return true end
  return false, err
end

---------------------------------------------------------------------------
-- Record number of the state registers (ЕГРЮЛ / ЕГРИП)
---------------------------------------------------------------------------

--- Normalises the number of a record in the Unified State Register of
-- Legal Entities (ЕГРЮЛ, 13 digits) or of Sole Proprietors (ЕГРИП, 15
-- digits) — the state registration number (ГРН) of the record, built like
-- an ОГРН / ОГРНИП. Spaces are ignored. Only the digits and the length are
-- checked: the first digit of a ГРН varies with the kind of record, and
-- the utility's form (seed 003, picture 8) checks nothing more.
-- @param v string or number
-- @return "ddddddddddddd" or 15 digits, or nil, reason
function V.normalize_egr_record(v)
  local text = V.to_text(v)
  if text and V.trim(text) == "" then return nil, "Укажите номер записи" end
  local s, err = digits_of(v, "%s", "Номер записи")
  if not s then return nil, err end
  if #s ~= 13 and #s ~= 15 then
    return nil, "Номер записи должен содержать 13 цифр (ЕГРЮЛ) или 15 цифр (ЕГРИП)"
  end
  if not s:find("[1-9]") then return nil, "Некорректный номер записи" end
  return s
end

--- Checks a ЕГРЮЛ / ЕГРИП record number (see `normalize_egr_record`).
-- @return true or false, reason
function V.egr_record(v)
  local ok, err = V.normalize_egr_record(v)
  if ok then return true end
  return false, err
end

---------------------------------------------------------------------------
-- Passport of a citizen of the Russian Federation
---------------------------------------------------------------------------

local PASSPORT_FORMAT = "Укажите серию (4 цифры) и номер (6 цифр) паспорта, например 2011 405454"

--- Normalises the series and number of a Russian internal passport to
-- "SSSS NNNNNN": "2011№ 405454", "20 11 405454", "2011-405454",
-- "2011405454" → "2011 405454". Separators allowed: white space, hyphens
-- and the sign "№"; anything else (such as the issuing office typed after
-- the number) is refused rather than cut off. An all-zero series or number
-- is refused.
-- @param v string or number
-- @return "dddd dddddd" or nil, reason
function V.normalize_passport(v)
  local s = V.to_text(v)
  if not s then return nil, BAD_VALUE end
  s = V.trim(s)
  if s == "" then return nil, "Укажите серию и номер паспорта" end
  -- "№" is three bytes in UTF-8, so it is replaced on its own, not in a class.
  s = s:gsub("№", " "):gsub("[%s%-]", "")
  if not s:match("^%d%d%d%d%d%d%d%d%d%d$") then return nil, PASSPORT_FORMAT end
  local series, number = s:sub(1, 4), s:sub(5)
  if series == "0000" or number == "000000" then
    return nil, "Некорректные серия или номер паспорта"
  end
  return series .. " " .. number
end

--- Checks the series and number of a passport (see `normalize_passport`).
-- @return true or false, reason
function V.passport(v)
  local ok, err = V.normalize_passport(v)
  if ok then return true end
  return false, err
end

---------------------------------------------------------------------------
-- Phone
---------------------------------------------------------------------------

local PHONE_FORMAT = "Введите номер телефона в формате +7 (XXX) XXX-XX-XX"

--- Normalises a Russian phone number to E.164: "8 (960) 115-37-67",
-- "+7 960 115 37 67", "7-960-115-37-67", "(960)-115-37-67" → "+79601153767".
-- Accepted: +7 and 11 digits in all; 8 or 7 and 11 digits in all; 10 digits.
-- The national number must begin with 3, 4 (geographic), 80 (toll-free and
-- service) or 9 (mobile) as in the Russian plan; 6 and 7 after +7 belong to
-- Kazakhstan.
-- Separators allowed: spaces, hyphens, dots and parentheses.
-- @param v string or number
-- @param opts optional table: `mobile = true` accepts only mobile (9XX) numbers
-- @return "+7XXXXXXXXXX" or nil, reason
function V.normalize_phone(v, opts)
  local s = V.to_text(v)
  if not s then return nil, BAD_VALUE end
  s = V.trim(s)
  if s == "" then return nil, "Укажите номер телефона" end
  local plus = s:sub(1, 1) == "+"
  if plus then s = s:sub(2) end
  if not s:match("^[%d%s%(%)%-%.]+$") then return nil, PHONE_FORMAT end
  local d = s:gsub("%D", "")
  local national
  if plus then
    if #d == 11 and d:sub(1, 1) == "7" then national = d:sub(2) end
  elseif #d == 11 and (d:sub(1, 1) == "8" or d:sub(1, 1) == "7") then
    national = d:sub(2)
  elseif #d == 10 then
    national = d
  end
  -- Geographic codes begin with 3 or 4, mobile ones with 9; of the 8xx range
  -- only the 80x service codes exist, so "89..." is a truncated number.
  if not national or not (national:match("^[349]") or national:match("^80")) then
    return nil, PHONE_FORMAT
  end
  if opts and opts.mobile and national:sub(1, 1) ~= "9" then
    return nil, "Укажите номер мобильного телефона (+7 9XX ...)"
  end
  return "+7" .. national
end

--- Checks a Russian phone number (see `normalize_phone`).
-- @return true or false, reason
function V.phone(v, opts)
  local ok, err = V.normalize_phone(v, opts)
  if ok then return true end
  return false, err
end

---------------------------------------------------------------------------
-- E-mail
---------------------------------------------------------------------------

local EMAIL_BAD = "Некорректный адрес электронной почты"

-- A domain label: ASCII letters, digits and hyphens (not at either end), or
-- non-ASCII UTF-8 letters for internationalised domains such as почта.рф.
local function domain_label_ok(label)
  if label == "" or #label > 63 then return false end
  if label:sub(1, 1) == "-" or label:sub(-1) == "-" then return false end
  for _, c in utf8.codes(label) do
    local ascii_ok = (c >= 48 and c <= 57) or (c >= 65 and c <= 90)
      or (c >= 97 and c <= 122) or c == 45
    if not ascii_ok and c < 0x80 then return false end
  end
  return true
end

--- Normalises an e-mail address: trimmed and lower-cased (ASCII letters).
-- Pragmatic check: one "@"; local part of at most 64 characters made of
-- letters, digits and !#$%&'*+/=?^_`{|}~.- with no leading, trailing or double
-- dot; a domain of at least two labels, the last one of letters (or xn--).
-- @param v string
-- @return address or nil, reason
function V.normalize_email(v)
  if type(v) ~= "string" then return nil, BAD_VALUE end
  local s = V.trim(v)
  if s == "" then return nil, "Укажите адрес электронной почты" end
  if #s > 254 or not utf8.len(s) then return nil, EMAIL_BAD end
  local at = s:find("@", 1, true)
  if not at or s:find("@", at + 1, true) then return nil, EMAIL_BAD end
  local localpart, domain = s:sub(1, at - 1), s:sub(at + 1)
  if localpart == "" or #localpart > 64 then return nil, EMAIL_BAD end
  if not localpart:match("^[%w!#$%%&'*+/=?^_`{|}~%.%-]+$") then return nil, EMAIL_BAD end
  if localpart:sub(1, 1) == "." or localpart:sub(-1) == "." or localpart:find("..", 1, true) then
    return nil, EMAIL_BAD
  end
  local labels = {}
  for label in (domain .. "."):gmatch("(.-)%.") do labels[#labels + 1] = label end
  if #labels < 2 then return nil, EMAIL_BAD end
  for _, label in ipairs(labels) do
    if not domain_label_ok(label) then return nil, EMAIL_BAD end
  end
  local tld = labels[#labels]
  local tld_ok = tld:match("^xn%-%-[%w%-]+$") or (tld:match("^%a%a+$"))
    or (tld:byte(1) >= 0x80 and utf8.len(tld) >= 2)
  if not tld_ok then return nil, EMAIL_BAD end
  return s:lower()
end

--- Checks an e-mail address (see `normalize_email`).
-- @return true or false, reason
function V.email(v)
  local ok, err = V.normalize_email(v)
  if ok then return true end
  return false, err
end

---------------------------------------------------------------------------
-- Password policy
---------------------------------------------------------------------------

-- Character classes of one code point.
local function classify(c)
  if c >= 48 and c <= 57 then return "digit" end
  if (c >= 65 and c <= 90) or (c >= 0x410 and c <= 0x42F) or c == 0x401 then return "upper" end
  if (c >= 97 and c <= 122) or (c >= 0x430 and c <= 0x44F) or c == 0x451 then return "lower" end
  return "other"
end

--- Checks a password against a policy. The password is taken as typed (not
-- trimmed). Policy keys, all optional:
--   min_length, max_length (characters), require_letter, require_upper,
--   require_lower, require_digit, require_special (anything that is not a
--   letter or a digit), latin_only (printable ASCII only, no spaces: no
--   Cyrillic, as a keyboard-layout slip protection).
-- Control characters are never allowed. The first failed rule is reported.
-- @param pw string
-- @param policy table or nil
-- @return true or false, reason
function V.password(pw, policy)
  policy = policy or {}
  if type(pw) ~= "string" then return false, BAD_VALUE end
  local len = utf8.len(pw)
  if not len then return false, "Пароль содержит недопустимые символы" end
  local has = { digit = false, upper = false, lower = false, other = false }
  for _, c in utf8.codes(pw) do
    if c < 32 or c == 127 then return false, "Пароль содержит недопустимые символы" end
    if policy.latin_only and (c > 126 or c == 32) then
      return false, "Пароль может содержать только латинские буквы, цифры и специальные символы"
    end
    has[classify(c)] = true
  end
  if policy.min_length and len < policy.min_length then
    return false, "Пароль должен содержать не менее " .. V.chars_genitive(policy.min_length)
  end
  if policy.max_length and len > policy.max_length then
    return false, "Пароль должен содержать не более " .. V.chars_genitive(policy.max_length)
  end
  if policy.require_letter and not (has.upper or has.lower) then
    return false, "Пароль должен содержать хотя бы одну букву"
  end
  if policy.require_upper and not has.upper then
    return false, "Пароль должен содержать хотя бы одну заглавную букву"
  end
  if policy.require_lower and not has.lower then
    return false, "Пароль должен содержать хотя бы одну строчную букву"
  end
  if policy.require_digit and not has.digit then
    return false, "Пароль должен содержать хотя бы одну цифру"
  end
  if policy.require_special and not has.other then
    return false, "Пароль должен содержать хотя бы один специальный символ (например, ! ? # %)"
  end
  return true
end

---------------------------------------------------------------------------
-- Postcode and date
---------------------------------------------------------------------------

--- Normalises a Russian postcode (6 digits, not starting with 0).
-- @return "dddddd" or nil, reason
function V.normalize_postcode(v)
  local s = V.to_text(v)
  if not s then return nil, BAD_VALUE end
  s = V.trim(s)
  if not s:match("^%d%d%d%d%d%d$") then return nil, "Почтовый индекс должен состоять из 6 цифр" end
  if s:sub(1, 1) == "0" then return nil, "Некорректный почтовый индекс" end
  return s
end

--- Checks a postcode (see `normalize_postcode`).
-- @return true or false, reason
function V.postcode(v)
  local ok, err = V.normalize_postcode(v)
  if ok then return true end
  return false, err
end

local DAYS_IN_MONTH = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 }

local function leap(y)
  return (y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0
end

--- Normalises a date written DD.MM.YYYY or YYYY-MM-DD to YYYY-MM-DD.
-- @param v string
-- @param opts optional table {min_year = 1900, max_year = 2100}
-- @return "YYYY-MM-DD" or nil, reason
function V.normalize_date(v, opts)
  if type(v) ~= "string" then return nil, BAD_VALUE end
  local s = V.trim(v)
  local d, m, y = s:match("^(%d%d)%.(%d%d)%.(%d%d%d%d)$")
  if not d then y, m, d = s:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$") end
  if not d then return nil, "Введите дату в формате ДД.ММ.ГГГГ" end
  d, m, y = tonumber(d), tonumber(m), tonumber(y)
  local min_year = opts and opts.min_year or 1900
  local max_year = opts and opts.max_year or 2100
  if m < 1 or m > 12 or d < 1 then return nil, "Такой даты не существует" end
  local days = DAYS_IN_MONTH[m]
  if m == 2 and leap(y) then days = 29 end
  if d > days then return nil, "Такой даты не существует" end
  if y < min_year or y > max_year then
    return nil, string.format("Год должен быть в пределах %d–%d", min_year, max_year)
  end
  return string.format("%04d-%02d-%02d", y, m, d)
end

--- Checks a date (see `normalize_date`).
-- @return true or false, reason
function V.date(v, opts)
  local ok, err = V.normalize_date(v, opts)
  if ok then return true end
  return false, err
end

return V
