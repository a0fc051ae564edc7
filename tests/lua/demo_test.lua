-- Tests of kabinet.demo: identifiers completed with the control digits kabinet.validators accepts, meters
-- of the seeds' types, and the defaults of a roster.

local D = require("kabinet.demo")
local V = require("kabinet.validators")

local testing = require("testing")
local case, eq = testing.case, testing.eq

local function fails(fn, fragment)
  local ok, err = pcall(fn)
  if ok then error("no error, expected " .. fragment, 2) end
  if not tostring(err):find(fragment, 1, true) then error("error " .. tostring(err) .. " lacks " .. fragment, 2) end
end

case("identifiers get the control digits the validators accept", function()
  eq(D.snils("112233445"), "11223344595")
  eq(D.inn10("770708389"), "7707083893")
  eq(D.ogrn("102770013219"), "1027700132195")
  eq(V.inn12(D.inn12("5001234567")), true)
  eq(V.ogrnip(D.ogrnip("30450011670022")), true)
  eq(V.snils(D.snils("118452306")), true)
end)

case("a number of the wrong length or without a control number is refused", function()
  fails(function() D.inn10("12345") end, "expected 9 digits")
  fails(function() D.snils("001001998") end, "no control number")
  fails(function() D.ogrn("12") end, "ОГРН")
end)

case("a meter takes its type's data and the load given", function()
  local m = D.meter("mercury234ct", { load = "factory", scale = 280, tamper = 1 })
  eq(m.model, "Меркурий 234")
  eq(m.phases, 3)
  eq(m.transformers.current.ratio, "200/5")
  eq(m.load, "factory")
  eq(m.smart, true)
  eq(D.meter("ce102", { smart = false }).smart, false)
  eq(D.meter("ce102").load, "flat")
  fails(function() D.meter("nope") end, "unknown meter type")
end)

case("a roster gets its defaults and refuses a three-phase meter for generated flats", function()
  local r = D.roster {
    place = { city = "г. Тест", supplier = "Сбыт" },
    generic_meter = D.meter("ce102"),
    consumers = { { kind = "consumer", way = "operator_grant", scope = "point",
      contracts = { { number = "1", accounts = { { number = "2", points = { { name = "Квартира", meter = D.meter("ce102") } } } } } } } },
  }
  eq(r.keep, 1)
  eq(r.names, D.names)
  eq(r.place.operator_scope, "point")
  local k = r.consumers[1].contracts[1]
  eq(k.supplier, "Сбыт")
  eq(k.kind, "individual")
  eq(k.grant, true)
  eq(k.accounts[1].points[1].grant, true)
  fails(function() D.roster { place = {}, generic_meter = D.meter("ce308") } end, "single-phase")
end)

testing.finish()
