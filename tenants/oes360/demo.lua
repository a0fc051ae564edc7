-- Demo data of ОЭС 360 (kabinet demo seed): consumers who see their contracts with the supplier's login.
local demo = require("kabinet.demo")

local nst = "Московская обл., Дмитровский г. о., НСТ «Автомобилист»"

return demo.roster {
  place = {
    city = "г. Москва", region = "77", postcode = "1150", mobile_code = "916", supplier = "oes360",
    account_prefix = "7700", contract_prefix = "", point_prefix = "50-ТУ-",
    streets = { "ул. Лесная", "Дмитровское ш.", "ул. Вавилова" },
  },
  generic_meter = demo.meter("ce102", { smart = false }),
  consumers = {
    {
      kind = "consumer", way = "supplier_login", scope = "contract", who = "Абонент, дом в НСТ «Автомобилист» и гараж",
      person = { surname = "Васильев", name = "Василий", patronymic = "Васильевич",
        email = "v.vasiliev@example.com", phone = "+7 (916) 402-33-71" },
      -- Two contracts, as the supplier's cabinet shows them (seed 004): the dacha and the garage.
      contracts = {
        { number = "76385943-232", consumer_name = "Васильев Василий Васильевич", legal_address = nst .. ", уч. 41",
          valid_from = "2020-12-01", title = "Дача в НСТ «Автомобилист»",
          -- The supplier's messages of seed 004 («Уведомления» on the home page): one still unread.
          notifications = {
            { title = "Уведомление о плановых работах", days_ago = 9, read = true,
              body = "Уважаемый абонент! В связи с плановыми работами на ВЛ-0,4 кВ в НСТ «Автомобилист» возможны "
                .. "кратковременные отключения электроэнергии с 10:00 до 16:00." },
            { title = "Уведомление о задолженности", days_ago = 2,
              body = "Уважаемый абонент! По договору энергоснабжения образовалась задолженность. "
                .. "Просим оплатить её до конца месяца, чтобы избежать ограничения режима потребления." },
          },
          points = { { name = "НСТ Автомобилист", number = "50-ТУ-763859", address = nst .. ", уч. 41",
            place = "Опора ВЛ-0,4 кВ у участка", limit_kw = 15,
            meter = demo.meter("mercury234", { load = "house", scale = 1.0, tamper = 1 }) } } },
        { number = "56957585-677", consumer_name = "Васильев Василий Васильевич", legal_address = nst .. ", гараж 7",
          valid_from = "2021-06-01", title = "Гараж",
          points = { { name = "Гараж", number = "50-ТУ-763860", address = nst .. ", гараж 7", place = "Щит учёта", limit_kw = 5,
            meter = demo.meter("ce102", { load = "flat", scale = 0.25, smart = false }) } } },
      },
    },
    {
      kind = "consumer", way = "supplier_login", scope = "contract", who = "Абонент, квартира в г. Москве",
      person = { surname = "Морозова", name = "Анна", patronymic = "Сергеевна",
        email = "a.morozova@example.com", phone = "+7 (916) 118-27-64" },
      contracts = { {
        number = "56957590-118", consumer_name = "Морозова Анна Сергеевна", legal_address = "г. Москва, ул. Вавилова, д. 53, кв. 88",
        valid_from = "2022-03-01", title = "Квартира",
        notifications = {
          { title = "Уведомление о плановых работах", days_ago = 3, about_contract = false,
            body = "Уважаемый абонент! В связи с плановыми работами на подстанции возможны кратковременные "
              .. "отключения электроэнергии по ул. Вавилова с 9:00 до 13:00." },
          { title = "Уведомление о задолженности", days_ago = 1,
            body = "Уважаемый абонент! По договору энергоснабжения образовалась задолженность. "
              .. "Просим оплатить её до конца месяца, чтобы избежать ограничения режима потребления." },
        },
        points = { { name = "Квартира", number = "50-ТУ-569575", address = "г. Москва, ул. Вавилова, д. 53, кв. 88",
          place = "Этажный щит", limit_kw = 10, meter = demo.meter("ce102", { load = "flat", scale = 0.9, smart = false }) } },
      } },
    },
  },
}
