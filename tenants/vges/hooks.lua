--- Cross-field rules of the АО «ВГЭС» registration and profile forms,
-- called by kabinet.tenant after the field-by-field checks as
-- validate(kind_id, fields, errors, values, context): `fields` as the
-- browser sent them, `values` the normalised values of the fields that
-- passed, `context` "registration" or "profile". A profile change holds only
-- the fields the user sent, so every rule looks only at values it has.
-- A rule sets errors[<field name>] unless that field already has an error.

local H = {}

-- Digits of the record number per kind: ЕГРЮЛ 13, ЕГРИП 15.
local RECORD_DIGITS = { legal_entity = { 13, "ЕГРЮЛ" }, sole_proprietor = { 15, "ЕГРИП" } }

--- Voronezh postcodes begin with 394; the user name and password differ;
-- the register record number has the length of the kind's register.
function H.validate(kind_id, fields, errors, values)
  if values.from_voronezh == true and values.postcode and not errors.postcode
      and values.postcode:sub(1, 3) ~= "394" then
    errors.postcode = "Почтовые индексы Воронежа начинаются с 394"
  end
  if values.username and values.password and not errors.password
      and values.password:lower() == values.username:lower() then
    errors.password = "Пароль не должен совпадать с именем пользователя"
  end
  local record = RECORD_DIGITS[kind_id]
  if record and values.egr_record and values.egr_record ~= "" and not errors.egr_record
      and #values.egr_record ~= record[1] then
    errors.egr_record = string.format("Номер записи в %s должен содержать %d цифр", record[2], record[1])
  end
end

return H
