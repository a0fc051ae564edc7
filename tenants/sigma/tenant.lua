--- ООО «СИГМА» — subscriber cabinet of ПК «Энергосфера».
-- Seed: shared/seeds/001_energosfera_sigma.txt.
--
-- Registration: full name, organisation, contract number, phone, e-mail (the
-- login) and password twice; the licence agreement and the consent to the
-- processing of personal data are accepted with check boxes and recorded;
-- the e-mail is confirmed by a link. Access to meters is granted by the
-- company's technical specialist. Manual readings wait for operator approval.

local F = require("kabinet.fields")
local C = require("kabinet.consents")

return {
  id = "sigma",
  name = "Общество с ограниченной ответственностью «СИГМА»",
  short_name = "ООО «СИГМА»",
  hosts = { "sigma.kabinet.localhost" },
  timezone = "Europe/Moscow",
  branding = { primary = "#1f4e79", accent = "#e67e22", logo = nil },

  modules = { "identity", "meters", "readings", "manual_readings", "reports", "notifications", "contracts" },
  access_ways = { "operator_grant" },
  confirmations = { "email" },
  password_policy = { min_length = 8, max_length = 128, require_letter = true, require_upper = true, require_digit = true },

  identity = {
    -- "Далее необходимо подтвердить регистрацию, перейдя по ссылке письма,
    -- полученного на указанный при регистрации электронный адрес."
    registration_message = "Для подтверждения регистрации перейдите по ссылке из письма, "
      .. "отправленного на указанный при регистрации электронный адрес.",
    -- "2. Настройка доступа": the company's technical specialist grants access.
    post_registration = "Доступ к приборам учёта предоставляет сетевая организация: свяжитесь "
      .. "с техническим специалистом ООО «СИГМА» по телефону +7 978 997-31-92.",
  },

  consents = {
    {
      id = "licence",
      title = "Лицензионное соглашение",
      label = "Я принимаю условия лицензионного соглашения",
      version = "2024-01",
      required = true,
      error = "Необходимо принять условия лицензионного соглашения",
      text = table.concat({
        "Настоящее Соглашение регулирует отношения между ООО «СИГМА» (далее — Правообладатель) и ",
        "пользователем Кабинета абонента ПК «Энергосфера» (далее — Пользователь) по поводу передачи, ",
        "использования и хранения конфиденциальной информации.\n",
        "1. Правообладатель предоставляет Пользователю право использовать Кабинет абонента для просмотра ",
        "сведений о приборах учёта, показаниях и потреблении электрической энергии по договорам Пользователя.\n",
        "2. Пользователь не передаёт третьим лицам свои учётные данные и сведения, полученные в Кабинете ",
        "абонента, и отвечает за действия, совершённые с использованием его учётной записи.\n",
        "3. Правообладатель не раскрывает сведения Пользователя третьим лицам, кроме случаев, ",
        "предусмотренных законодательством Российской Федерации.\n",
        "4. Сведения в Кабинете абонента носят информационный характер; расчёты за электрическую энергию ",
        "ведутся по условиям договора энергоснабжения.\n",
        "5. Соглашение вступает в силу с момента его принятия Пользователем и действует до удаления учётной записи.",
      }),
    },
    C.personal_data { operator = "ООО «СИГМА»", version = "2024-01" },
  },

  applicant_kinds = {
    {
      id = "consumer",
      label = "Абонент",
      fields = {
        F.full_name { label = "Полное имя" },
        F.text { name = "organization", label = "Название организации", max_length = 255 },
        F.text { name = "contract_number", label = "Номер договора", max_length = 50 },
        F.phone { label = "Номер телефона" },
        F.email { label = "Электронная почта", login = true },
        F.password {},
        F.password_confirm { label = "Подтверждение пароля" },
      },
    },
  },

  messages = {
    registration_failed = "Не удалось создать учетную запись. Откорректируйте введенные данные и повторите попытку.",
  },

  -- ПК «Энергосфера»: the half-hourly data of СИГМА's points comes as XML 80020 files (one day per file,
  -- windows-1251), dropped into the exchange folder the server configuration names (`drop_dir` in
  -- --connectors) or uploaded by staff on the page «Обмен данными»; the same page exports a period as 80020
  -- files (docs/CONNECTORS.md «Энергосфера (XML 80020)»). The INNs are the demo's; a real installation sets
  -- its own in the server configuration.
  connectors = {
    { id = "energosfera", plugin = "energosfera", label = "ПК «Энергосфера» (XML 80020)", accounts = "tenant",
      settings = { utc_offset_min = 180, energy_unit_kwh = 1, min_age_s = 10, area_timezone = "1",
        sender_inn = "9102012345", sender_name = "ООО «СИГМА»",
        area_inn = "9102012345", area_name = "ООО «СИГМА», г. Симферополь" },
      tasks = { { id = "drop_folder", label = "Папка обмена файлами XML 80020", every_minutes = 5 } } },
  },
  -- A measuring point of the 80020 files is the metering point whose number is its 15-digit code.
  link_device = function(connector_id, device)
    if connector_id == "energosfera" then return { point_number = device.key } end
    return nil
  end,

  settings = {
    meters = {
      access_help = "Для получения доступа к вашим приборам учёта свяжитесь с техническим специалистом "
        .. "ООО «СИГМА» по телефону +7 978 997-31-92.",
    },
    readings = { compare_previous_year = true, forecast_to_period_end = true },
    -- Manual readings go to the operator for approval; the submission window (days of the month) and the
    -- plausibility ceiling are the operator's settings (seed 001, «Ручной ввод»).
    -- Meters the server polls are not offered «Ручной ввод» (polled_meters = false).
    manual_readings = { approval = "operator", window = { from_day = 1, to_day = 31 }, max_daily_kwh = 2000, polled_meters = false },
  },
}
