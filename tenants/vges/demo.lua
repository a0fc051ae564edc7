-- Demo data of ВГЭС (kabinet demo seed): a person, an organisation and a sole proprietor who add their
-- personal accounts by number; the person can still add the garage's account.
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
