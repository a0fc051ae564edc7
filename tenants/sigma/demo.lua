-- Demo data of ООО «СИГМА» (kabinet demo seed): three organisations whose contracts the operator grants.
-- Point numbers are the 15-digit measuring-point codes of the XML 80020 exchange with ПК «Энергосфера»
-- (tenant.lua links the connector's devices to points by them).
local demo = require("kabinet.demo")

return demo.roster {
  place = {
    city = "г. Симферополь", region = "91", postcode = "2950", mobile_code = "978", supplier = "ГУП РК «Крымэнерго»",
    account_prefix = "9110", contract_prefix = "СЭ-", point_prefix = "91-ТУ-",
    streets = { "ул. Киевская", "ул. Гагарина", "ул. Севастопольская", "ул. Куйбышева" },
    operator_scope = "contract",
  },
  generic_meter = demo.meter("ce102", { smart = false }),
  consumers = {
    {
      kind = "consumer", way = "operator_grant", scope = "contract",
      who = "Абонент — ООО «Таврида-Хлеб» (хлебозавод 10 кВ и магазин)",
      person = { surname = "Ковальчук", name = "Сергей", patronymic = "Николаевич",
        email = "s.kovalchuk@example.com", phone = "+7 (978) 214-55-09",
        organization = "ООО «Таврида-Хлеб»", contract_number = "СЭ-0143/21" },
      contracts = { {
        number = "СЭ-0143/21", kind = "legal_entity", consumer_name = "ООО «Таврида-Хлеб»",
        inn = demo.inn10("910201234"), ogrn = demo.ogrn("114910201234"),
        legal_address = "Республика Крым, г. Симферополь, ул. Промышленная, д. 4", valid_from = "2021-01-01",
        points = {
          { name = "ТП-14, ввод 10 кВ (хлебозавод)", number = "910000000001401",
            address = "Республика Крым, г. Симферополь, ул. Промышленная, д. 4", place = "РУ-10 кВ ТП-14, ячейка 3",
            limit_kw = 670, meter = demo.meter("mercury234ct", { load = "factory", scale = 280, tamper = 1 }) },
          { name = "Магазин «Таврида-Хлеб»", number = "910000000001402",
            address = "Республика Крым, г. Симферополь, ул. Киевская, д. 112", place = "ВРУ-0,4 кВ магазина",
            limit_kw = 30, meter = demo.meter("ce308", { load = "business", scale = 32 }) },
        },
      } },
    },
    {
      kind = "consumer", way = "operator_grant", scope = "contract", who = "Абонент — ИП Шевченко О. В. (кафе)",
      person = { surname = "Шевченко", name = "Оксана", patronymic = "Викторовна",
        email = "o.shevchenko@example.com", phone = "+7 (978) 730-62-18",
        organization = "ИП Шевченко О. В.", contract_number = "СЭ-0278/22" },
      contracts = { {
        number = "СЭ-0278/22", kind = "sole_proprietor", consumer_name = "ИП Шевченко Оксана Викторовна",
        inn = demo.inn12("9102345678"), ogrn = demo.ogrnip("31891020012345"),
        legal_address = "Республика Крым, г. Симферополь, ул. Гагарина, д. 14, кв. 3", valid_from = "2022-04-01",
        points = {
          { name = "Кафе «Ласточка»", number = "910000000002781", address = "Республика Крым, г. Симферополь, ул. Гагарина, д. 20",
            place = "ВРУ-0,4 кВ кафе", limit_kw = 25, meter = demo.meter("ce308", { load = "business", scale = 18, smart = false }) },
        },
      } },
    },
    {
      kind = "consumer", way = "operator_grant", scope = "contract", who = "Абонент — ООО «Южный берег» (склад)",
      hint = "Доступ ещё не выдан: технический специалист выдаёт его по номеру договора СЭ-0311/23 в разделе «Потребители».",
      person = { surname = "Литвиненко", name = "Артём", patronymic = "Игоревич",
        email = "a.litvinenko@example.com", phone = "+7 (978) 455-91-30",
        organization = "ООО «Южный берег»", contract_number = "СЭ-0311/23" },
      contracts = { {
        number = "СЭ-0311/23", kind = "legal_entity", consumer_name = "ООО «Южный берег»",
        inn = demo.inn10("910305678"), ogrn = demo.ogrn("116910200567"),
        legal_address = "Республика Крым, г. Симферополь, ул. Куйбышева, д. 58", valid_from = "2023-07-01", grant = false,
        points = {
          { name = "Склад", number = "910000000003111", address = "Республика Крым, г. Симферополь, ул. Куйбышева, д. 58",
            place = "ВРУ-0,4 кВ склада", limit_kw = 40, meter = demo.meter("mercury234", { load = "business", scale = 15, smart = false }) },
        },
      } },
    },
  },
}
