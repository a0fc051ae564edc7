--- Demo data helpers for `tenants/<id>/demo.lua` (read by `kabinet demo seed`).
--
-- `demo.roster{...}` fills in the defaults of a tenant's demo roster; `demo.meter(type, opts)` is a meter
-- of one of the seeds' types; `demo.snils`, `demo.inn10`, `demo.inn12`, `demo.ogrn`, `demo.ogrnip`
-- complete a number with the control digits that `kabinet.validators` accepts (the rules live there
-- only). The keys are described in tenants/README.md ("Demo data").
local V = require("kabinet.validators")

local D = {}

-- `digits` followed by the first `extra` control digits that `check` accepts.
local function complete(digits, length, extra, check, what)
  if type(digits) ~= "string" or #digits ~= length or not digits:match("^%d+$") then
    error(string.format("%s: expected %d digits", what, length), 3)
  end
  for control = 0, 10 ^ extra - 1 do
    local s = digits .. string.format("%0" .. extra .. "d", control)
    if check(s) then return s end
  end
  error(what .. ": no control digits for " .. digits, 3)
end

--- СНИЛС: 11 digits from the 9-digit number (numbers up to 001-001-998 have no control number).
function D.snils(nine)
  if type(nine) == "string" and nine:match("^%d+$") and tonumber(nine) <= 1001998 then
    error("СНИЛС: numbers up to 001-001-998 have no control number", 2)
  end
  return complete(nine, 9, 2, V.snils, "СНИЛС")
end
--- ИНН of an organisation: 10 digits from the first 9.
function D.inn10(nine) return complete(nine, 9, 1, V.inn10, "ИНН") end
--- ИНН of a person or sole proprietor: 12 digits from the first 10.
function D.inn12(ten) return complete(ten, 10, 2, V.inn12, "ИНН") end
--- ОГРН: 13 digits from the first 12 (first digit 1 or 5).
function D.ogrn(twelve) return complete(twelve, 12, 1, V.ogrn, "ОГРН") end
--- ОГРНИП: 15 digits from the first 14 (first digit 3).
function D.ogrnip(fourteen) return complete(fourteen, 14, 1, V.ogrnip, "ОГРНИП") end

-- Instrument transformers of a 10 kV connection (one of each kind per phase).
local TRANSFORMERS_10KV = {
  current = { model = "ТОЛ-НТЗ-10", serial_prefix = "2", serial_digits = 5, ratio = "200/5", accuracy_class = "0.5S" },
  voltage = { model = "НОЛ.08-10", serial_prefix = "3", serial_digits = 5, ratio = "10000/100", accuracy_class = "0.5" },
}

--- Meter types of the seeds. The serial is `serial_prefix` followed by `serial_digits` drawn by the
-- generator; register numbers in the state register of measuring instruments are plausible demo values
-- (the one of Меркурий 234 ART(M) is the one seed 004 shows).
D.meter_types = {
  fobos1 = { model = "ФОБОС 1", modification = "ФОБОС 1 NB-Fi 5(80) А", serial_prefix = "0", serial_digits = 7,
    register_number = "71423-18", accuracy_class = "1.0", nominal_voltage = "230 В", current_range = "5(80) А", phases = 1 },
  fobos3 = { model = "ФОБОС 3", modification = "ФОБОС 3 NB-Fi 5(80) А", serial_prefix = "0", serial_digits = 7,
    register_number = "71424-18", accuracy_class = "1.0", nominal_voltage = "3×230/400 В", current_range = "5(80) А", phases = 3 },
  mercury234 = { model = "Меркурий 234", modification = "ARTM-01 PBR.L4", serial_prefix = "4", serial_digits = 7,
    register_number = "75755-19", accuracy_class = "1.0", nominal_voltage = "3×230/400 В", current_range = "5(60) А", phases = 3 },
  mercury234ct = { model = "Меркурий 234", modification = "ARTM-03 PBR.L4", serial_prefix = "4", serial_digits = 7,
    register_number = "75755-19", accuracy_class = "0.5S", nominal_voltage = "3×57,7/100 В", current_range = "5(10) А", phases = 3,
    transformers = TRANSFORMERS_10KV },
  ce308 = { model = "Энергомера CE308", modification = "CE308 S31.543.OAA.SYUVJLFZ GS01", serial_prefix = "0115", serial_digits = 11,
    register_number = "59520-14", accuracy_class = "1.0", nominal_voltage = "3×230/400 В", current_range = "5(100) А", phases = 3 },
  ce102 = { model = "Энергомера CE102", modification = "CE102M S7 145-JV", serial_prefix = "0092", serial_digits = 11,
    register_number = "69253-17", accuracy_class = "1.0", nominal_voltage = "230 В", current_range = "5(60) А", phases = 1 },
}

--- A meter of a type of `meter_types` with its load: opts.load ("flat", "house", "business" or "factory";
-- default "flat"), opts.scale (kW at the curve's 1.0 — the peak for businesses; default 1), opts.smart
-- (interval data, journals and network values; default true), opts.tamper (tamper events over the period).
function D.meter(type_name, opts)
  local t = D.meter_types[type_name]
  if not t then error("demo.meter: unknown meter type '" .. tostring(type_name) .. "'", 2) end
  local m = {}
  for k, v in pairs(t) do m[k] = v end
  opts = opts or {}
  m.load = opts.load or "flat"
  m.scale = opts.scale or 1
  m.smart = opts.smart ~= false
  m.tamper = opts.tamper or 0
  return m
end

--- Names of generated consumers: surnames {male, female, Latin}, first names {name, Latin initial}, patronymics {male, female}.
D.names = {
  surnames = {
    { "Волков", "Волкова", "volkov" }, { "Зайцев", "Зайцева", "zaytsev" }, { "Никитин", "Никитина", "nikitin" },
    { "Фёдоров", "Фёдорова", "fedorov" }, { "Лебедев", "Лебедева", "lebedev" }, { "Егоров", "Егорова", "egorov" },
    { "Павлов", "Павлова", "pavlov" }, { "Семёнов", "Семёнова", "semenov" }, { "Голубев", "Голубева", "golubev" },
    { "Виноградов", "Виноградова", "vinogradov" }, { "Богданов", "Богданова", "bogdanov" }, { "Тихонов", "Тихонова", "tikhonov" },
  },
  male = { { "Андрей", "a" }, { "Михаил", "m" }, { "Олег", "o" }, { "Игорь", "i" }, { "Роман", "r" }, { "Денис", "d" } },
  female = { { "Ольга", "o" }, { "Татьяна", "t" }, { "Наталья", "n" }, { "Ирина", "i" }, { "Марина", "m" }, { "Светлана", "s" } },
  patronymics = {
    { "Александрович", "Александровна" }, { "Сергеевич", "Сергеевна" }, { "Владимирович", "Владимировна" },
    { "Петрович", "Петровна" }, { "Юрьевич", "Юрьевна" },
  },
}

local OUTAGE_KINDS = { planned = true, emergency = true }

-- Checks one demo outage (see tenants/README.md, "Demo data"); errors name the item and the key.
local function check_outage(o, i)
  local where = string.format("demo.roster: outages[%d]", i)
  assert(type(o) == "table", where .. ": table expected")
  assert(OUTAGE_KINDS[o.kind], where .. ".kind: planned or emergency expected")
  assert(type(o.reason) == "string" and o.reason ~= "", where .. ".reason: text expected")
  local s = o.start
  assert(type(s) == "table" and ((math.type(s.day) == "integer" and type(s.at) == "string" and s.at:match("^%d%d:%d%d$"))
    or math.type(s.minutes) == "integer"), where .. ".start: {day = N, at = \"HH:MM\"} or {minutes = N} expected")
  assert(type(o.hours) == "number" and o.hours > 0, where .. ".hours: a positive number expected")
  assert(o.actual_hours == nil or (type(o.actual_hours) == "number" and o.actual_hours >= 0), where .. ".actual_hours: a number expected")
  assert(o.sources == nil or o.sources == 1 or o.sources == 2, where .. ".sources: 1 or 2 expected")
  assert(type(o.addresses) == "table" and #o.addresses > 0, where .. ".addresses: a list of {street, houses} or {text} expected")
end

-- Sets t[k] to v where t has no value yet.
local function default(t, k, v)
  if t[k] == nil then t[k] = v end
end

--- A tenant's demo roster with its defaults filled in (see tenants/README.md, "Demo data"): the place, the
-- meter of generated flats, the named consumers (the first `keep` are seeded whatever the count asked),
-- the names generated consumers are drawn from, and the outages to publish (a tenant with the outages module).
function D.roster(r)
  assert(type(r.place) == "table", "demo.roster: place is required")
  assert(type(r.generic_meter) == "table" and r.generic_meter.phases == 1,
    "demo.roster: generic_meter must be a single-phase demo.meter (a flat's supply)")
  default(r, "keep", 1)
  default(r, "names", D.names)
  default(r, "consumers", {})
  default(r, "outages", {})
  for i, o in ipairs(r.outages) do check_outage(o, i) end
  default(r.place, "streets", {})
  default(r.place, "operator_scope", "point")
  for _, c in ipairs(r.consumers) do
    default(c, "contracts", {})
    default(c, "hint", "")
    c.person = c.person or {}
    default(c.person, "from_voronezh", true)
    for _, k in ipairs(c.contracts) do
      default(k, "kind", "individual")
      default(k, "supplier", r.place.supplier)
      default(k, "grant", true)
      default(k, "accounts", {})
      default(k, "points", {})
      for _, a in ipairs(k.accounts) do
        default(a, "grant", true)
        default(a, "points", {})
        for _, p in ipairs(a.points) do default(p, "grant", true) end
      end
      for _, p in ipairs(k.points) do default(p, "grant", true) end
    end
  end
  return r
end

return D
