-- Demo data of АО «ВОЭК» (kabinet demo seed): an individual who adds accounts by number (СНИЛС login), and
-- organisations found by their ОГРН; the first two are seeded whatever the number of consumers asked.
local demo = require("kabinet.demo")

local textile = { inn = demo.inn10("332801234"), ogrn = demo.ogrn("105330201234"), legal = "г. Владимир, ул. Мира, д. 15" }
local sokolov = { inn = demo.inn12("3327012345"), ogrnip = demo.ogrnip("31833280001234") }

return demo.roster {
  place = {
    city = "г. Владимир", region = "33", postcode = "6000", mobile_code = "920", supplier = "ООО «Энергосбыт Волга»",
    account_prefix = "3300", contract_prefix = "ЭС-33-", point_prefix = "33-ТУ-",
    streets = { "ул. Добросельская", "ул. Мира", "ул. Горького", "Суздальский пр-т" },
  },
  generic_meter = demo.meter("fobos1", { smart = false }),
  keep = 2,
  consumers = {
    {
      kind = "individual", way = "account_number", scope = "account", who = "Физическое лицо, жилой дом в г. Владимире",
      hint = "Можно добавить лицевой счёт 3300654321 (садовый дом) в «Информация по приборам учёта».",
      person = { surname = "Смирнова", name = "Елена", patronymic = "Александровна",
        email = "e.smirnova@example.com", phone = "+7 (920) 623-41-18", snils = demo.snils("118452306") },
      contracts = {
        { number = "ЭС-33-000871", valid_from = "2020-09-01",
          accounts = { { number = "3300123456", label = "жилой дом", points = { {
            name = "Жилой дом", number = "33-ТУ-010245", address = "г. Владимир, ул. Добросельская, д. 41",
            place = "Фасад дома, шкаф учёта", limit_kw = 15, meter = demo.meter("mercury234", { load = "house", scale = 1.0, tamper = 1 }),
          } } } } },
        { number = "ЭС-33-000872", valid_from = "2021-05-01",
          accounts = { { number = "3300654321", label = "садовый дом", grant = false, points = { {
            name = "Садовый дом", number = "33-ТУ-010377", address = "Суздальский р-н, СНТ «Рассвет», участок 112",
            place = "Опора ВЛ-0,4 кВ", limit_kw = 10, meter = demo.meter("ce308", { load = "flat", scale = 0.5, smart = false }),
          } } } } },
      },
    },
    {
      kind = "legal_entity", way = "ogrn_contract", scope = "contract",
      who = "Юридическое лицо ООО «Владимирский текстиль» (цех и офис)",
      person = { organization = "ООО «Владимирский текстиль»", email = "energo.vladtex@example.com",
        phone = "+7 (4922) 45-12-30", inn = textile.inn, ogrn = textile.ogrn },
      contracts = {
        { number = "ЭС-33-01457", kind = "legal_entity", consumer_name = "ООО «Владимирский текстиль»",
          inn = textile.inn, ogrn = textile.ogrn, legal_address = textile.legal, valid_from = "2019-01-01",
          points = { { name = "Цех № 1", number = "33-ТУ-014571", address = "г. Владимир, ул. Мира, д. 15, стр. 2",
            place = "ВРУ-0,4 кВ цеха", limit_kw = 120, meter = demo.meter("ce308", { load = "business", scale = 55, tamper = 1 }) } } },
        { number = "ЭС-33-01458", kind = "legal_entity", consumer_name = "ООО «Владимирский текстиль»",
          inn = textile.inn, ogrn = textile.ogrn, legal_address = textile.legal, valid_from = "2019-01-01",
          points = { { name = "Административный корпус", number = "33-ТУ-014581", address = textile.legal,
            place = "ВРУ-0,4 кВ корпуса", limit_kw = 60, meter = demo.meter("ce308", { load = "business", scale = 24 }) } } },
      },
    },
    {
      kind = "sole_proprietor", way = "ogrn_contract", scope = "contract",
      who = "Индивидуальный предприниматель Соколов П. А. (магазин)",
      hint = "Доступ не выдан: откройте «Информация по приборам учёта» — ОГРНИП найдётся в данных сетевой организации; "
        .. "подтвердите номером договора ЭС-33-02210.",
      person = { surname = "Соколов", name = "Павел", patronymic = "Андреевич",
        email = "p.sokolov@example.com", phone = "+7 (904) 255-73-61", inn = sokolov.inn, ogrnip = sokolov.ogrnip },
      contracts = { {
        number = "ЭС-33-02210", kind = "sole_proprietor", consumer_name = "ИП Соколов Павел Андреевич",
        inn = sokolov.inn, ogrn = sokolov.ogrnip, legal_address = "г. Владимир, ул. Горького, д. 73, кв. 9",
        valid_from = "2018-11-01", grant = false,
        points = { { name = "Магазин «Хозтовары»", number = "33-ТУ-022101", address = "г. Владимир, ул. Горького, д. 75",
          place = "ВРУ-0,4 кВ магазина", limit_kw = 30, meter = demo.meter("ce308", { load = "business", scale = 12, smart = false }) } },
      } },
    },
  },
}
