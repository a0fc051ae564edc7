-- Demo data of ВГЭС (kabinet demo seed): a person, an organisation and a sole proprietor who add their
-- personal accounts by number; the person can still add the garage's account. Outages at their streets,
-- relative to the day of the seed: closed ones in the past (one over the permitted 24 h), an emergency one
-- going on at the proprietor's, and planned ones to come at the person's flat and the office.
local demo = require("kabinet.demo")

local stroy = { inn = demo.inn10("366201234"), ogrn = demo.ogrn("113366801234") }
local orlova = { inn = demo.inn12("3651012345"), ogrnip = demo.ogrnip("31936680005678"),
  address = "Воронежская обл., г. Нововоронеж, ул. Ленина, д. 8" }

return demo.roster {
  place = {
    city = "г. Воронеж", region = "36", postcode = "3940", mobile_code = "910", supplier = "ПАО «ТНС энерго Воронеж»",
    account_prefix = "36", contract_prefix = "ВГЭС-Д-", point_prefix = "36-ТУ-",
  },
  generic_meter = demo.meter("ce102", { smart = false }),
  -- start: {day = days from today, at = local time} or {minutes = from now}; hours: planned duration;
  -- actual_hours: closed after that long.
  outages = {
    { kind = "planned", reason = "Плановый ремонт трансформаторной подстанции ТП-1124", start = { day = -9, at = "09:00" },
      hours = 8, actual_hours = 7.5, addresses = { { street = "Кольцовская ул.", houses = "21-45" } } },
    { kind = "emergency", reason = "Повреждение кабельной линии 6 кВ", start = { day = -23, at = "14:20" },
      hours = 4, actual_hours = 27, addresses = { { street = "Кольцовская ул.", houses = "нечёт. 1-59" }, { street = "Ворошилова ул." } } },
    { kind = "planned", reason = "Замена коммутационного оборудования РП-7", start = { day = -37, at = "10:00" },
      hours = 2, actual_hours = 3, sources = 2, addresses = { { street = "Московский пр-т", houses = "85-101" } } },
    { kind = "emergency", reason = "Повреждение кабеля 0,4 кВ", start = { minutes = -90 },
      hours = 5, addresses = { { street = "Плехановская ул.", houses = "2-16" } } },
    { kind = "planned", reason = "Замена вводного кабеля жилого дома", start = { day = 2, at = "09:00" },
      hours = 8, addresses = { { street = "Кольцовская ул.", houses = "31-39" } } },
    { kind = "planned", reason = "Ремонт воздушной линии 0,4 кВ", start = { day = 6, at = "10:00" },
      hours = 6, addresses = { { street = "Московский пр-т", houses = "91-99" } } },
  },
  consumers = {
    {
      kind = "individual", way = "account_number", scope = "account", who = "Физическое лицо, квартира в г. Воронеже",
      hint = "Можно добавить лицевой счёт 3612046 (гараж).",
      person = { username = "petrov.demo", surname = "Петров", name = "Николай", patronymic = "Иванович",
        email = "n.petrov@example.com", phone = "+7 (910) 734-28-51", snils = demo.snils("127839450"),
        from_voronezh = true, street = "Кольцовская ул.", house = "35", flat = "12", postcode = "394036" },
      contracts = { {
        number = "ВГЭС-Д-004512", valid_from = "2019-06-01",
        accounts = {
          { number = "3612045", label = "квартира", points = { {
            name = "Квартира", number = "36-ТУ-045120", address = "г. Воронеж, Кольцовская ул., д. 35, кв. 12",
            place = "Этажный щит", limit_kw = 10, meter = demo.meter("ce102", { load = "flat", scale = 0.9, tamper = 1 }) } } },
          { number = "3612046", label = "гараж", grant = false, points = { {
            name = "Гараж", number = "36-ТУ-045121", address = "г. Воронеж, ГСК «Северный», бокс 214",
            place = "Щит учёта ГСК", limit_kw = 5, meter = demo.meter("ce102", { load = "flat", scale = 0.3, smart = false }) } } },
        },
      } },
    },
    {
      kind = "legal_entity", way = "account_number", scope = "account", who = "Юридическое лицо ООО «СтройМонтаж» (офис)",
      person = { username = "stroymontazh", surname = "Громов", name = "Виктор", patronymic = "Павлович",
        organization = "ООО «СтройМонтаж»", organization_full = "Общество с ограниченной ответственностью «СтройМонтаж»",
        email = "office.stroymontazh@example.com", phone = "+7 (473) 261-45-80",
        from_voronezh = true, street = "Московский пр-т", house = "97", postcode = "394077",
        inn = stroy.inn, ogrn = stroy.ogrn },
      contracts = { {
        number = "ВГЭС-Ю-000318", kind = "legal_entity", consumer_name = "ООО «СтройМонтаж»", inn = stroy.inn, ogrn = stroy.ogrn,
        legal_address = "г. Воронеж, Московский пр-т, д. 97", valid_from = "2020-02-01",
        accounts = { { number = "3620318", label = "офис", points = { {
          name = "Офис", number = "36-ТУ-062031", address = "г. Воронеж, Московский пр-т, д. 97, оф. 12",
          place = "Щит учёта офиса", limit_kw = 15, meter = demo.meter("ce102", { load = "business", scale = 6, smart = false }) } } } },
      } },
    },
    {
      kind = "sole_proprietor", way = "account_number", scope = "account",
      who = "Индивидуальный предприниматель Орлова М. В. (парикмахерская)",
      person = { username = "orlova.ip", surname = "Орлова", name = "Марина", patronymic = "Викторовна",
        organization = "ИП Орлова М. В.", organization_full = "Индивидуальный предприниматель Орлова Марина Викторовна",
        email = "m.orlova@example.com", phone = "+7 (951) 540-19-77",
        from_voronezh = false, address = orlova.address, postcode = "396072", inn = orlova.inn, ogrnip = orlova.ogrnip },
      contracts = { {
        number = "ВГЭС-И-000127", kind = "sole_proprietor", consumer_name = "ИП Орлова Марина Викторовна",
        inn = orlova.inn, ogrn = orlova.ogrnip, legal_address = orlova.address, valid_from = "2021-09-01",
        accounts = { { number = "3601127", label = "парикмахерская", points = { {
          name = "Парикмахерская", number = "36-ТУ-011270", address = "г. Воронеж, ул. Плехановская, д. 10",
          place = "Щит учёта помещения", limit_kw = 10, meter = demo.meter("ce102", { load = "business", scale = 5, smart = false }) } } } },
      } },
    },
  },
}
