-- Demo data of КЭС Оренбуржья (kabinet demo seed): three consumers whose points the operator grants.
-- Their ФОБОС meters are the WAVIoT modems 3B2A10, 3B2A11 and 3B2A12 of the demo platform
-- (tests/simulators/waviot_server.py, started by packaging/run.sh), linked to these points by the tenant's
-- `link_device` (tenant.lua, WAVIOT_MODEMS); the platform's fourth modem 3B2A13 stays unlinked.
local demo = require("kabinet.demo")

return demo.roster {
  place = {
    city = "г. Оренбург", region = "56", postcode = "4600", mobile_code = "912", supplier = "АО «ЭнергосбыТ Плюс»",
    account_prefix = "5610", contract_prefix = "КЭС-", point_prefix = "56-ТУ-",
    streets = { "ул. Чкалова", "ул. Советская", "пр-т Победы", "ул. Терешковой", "ул. Салмышская" },
  },
  generic_meter = demo.meter("fobos1", { smart = true }),
  consumers = {
    {
      kind = "consumer", way = "operator_grant", scope = "point", who = "Потребитель, квартира в г. Оренбурге",
      person = { surname = "Кузнецов", name = "Алексей", patronymic = "Викторович",
        email = "a.kuznetsov@example.com", phone = "+7 (912) 845-17-32" },
      contracts = { {
        number = "КЭС-2021/1024", valid_from = "2021-03-01",
        accounts = { { number = "5610024817", label = "квартира", points = { {
          name = "Квартира", number = "56-ТУ-000101", address = "г. Оренбург, ул. Чкалова, д. 22, кв. 15",
          place = "Этажный щит на лестничной площадке", limit_kw = 15,
          meter = demo.meter("fobos1", { load = "flat", scale = 1.0, tamper = 2 }),
        } } } },
      } },
    },
    {
      kind = "consumer", way = "operator_grant", scope = "point", who = "Потребитель, частный дом в Оренбургском районе",
      person = { surname = "Сафина", name = "Гульнара", patronymic = "Рашидовна",
        email = "g.safina@example.com", phone = "+7 (922) 531-08-44" },
      contracts = { {
        number = "КЭС-2022/1187", valid_from = "2022-05-16",
        accounts = { { number = "5610031546", label = "жилой дом", points = { {
          name = "Жилой дом", number = "56-ТУ-000214", address = "Оренбургский р-н, с. Нежинка, ул. Луговая, д. 7",
          place = "Опора ВЛ-0,4 кВ у дома", limit_kw = 15,
          meter = demo.meter("fobos3", { load = "house", scale = 1.1, tamper = 1 }),
        } } } },
      } },
    },
    {
      kind = "consumer", way = "operator_grant", scope = "point", who = "Потребитель, квартира в г. Оренбурге",
      hint = "Доступ ещё не выдан: сообщите оператору e-mail — оператор выдаёт доступ к точке учёта 56-ТУ-000338 "
        .. "в разделе «Потребители».",
      person = { surname = "Белов", name = "Дмитрий", patronymic = "Сергеевич",
        email = "d.belov@example.com", phone = "+7 (912) 367-90-15" },
      contracts = { {
        number = "КЭС-2023/1302", valid_from = "2023-02-01",
        accounts = { { number = "5610040093", label = "квартира", points = { {
          name = "Квартира", number = "56-ТУ-000338", address = "г. Оренбург, пр-т Победы, д. 118, кв. 47",
          place = "Этажный щит на лестничной площадке", limit_kw = 15, grant = false,
          meter = demo.meter("fobos1", { load = "flat", scale = 0.8 }),
        } } } },
      } },
    },
  },
}
