--- Cross-field rules of the АО «ВГЭС» registration form, called by
-- kabinet.tenant after the field-by-field checks as
-- validate(kind_id, fields, errors, values): `fields` as the browser sent
-- them, `values` the normalised values of the fields that passed.
-- A rule sets errors[<field name>] unless that field already has an error.

local H = {}

--- Voronezh postcodes begin with 394; the user name and password differ.
function H.validate(kind_id, fields, errors, values)
  if values.from_voronezh == true and values.postcode and not errors.postcode
      and values.postcode:sub(1, 3) ~= "394" then
    errors.postcode = "Почтовые индексы Воронежа начинаются с 394"
  end
  if values.username and values.password and not errors.password
      and values.password:lower() == values.username:lower() then
    errors.password = "Пароль не должен совпадать с именем пользователя"
  end
end

return H
