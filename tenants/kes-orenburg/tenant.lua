--- ООО «КЭС Оренбуржья» — consumers with WAVIoT smart meters ФОБОС 1 / ФОБОС 3.
-- Seed: shared/seeds/000_waviot_kes_orenburg.txt.
--
-- Registration as on the WAVIoT platform: e-mail (the login) and password,
-- surname, name, patronymic (if any) and a mobile phone; both the e-mail and
-- the phone must be confirmed. Meters become visible when the consumer has
-- told the grid company the e-mail they registered with and an operator has
-- granted access — what the consumer is told after registration. Tamper
-- events of the meters (cover, terminal cover, magnetic field) are reported
-- to the operator. The utility's staff (operators, tenant admins) must use a
-- second factor: an example of `identity.force_second_factor`.

local F = require("kabinet.fields")
local C = require("kabinet.consents")

-- Journal events that raise a notification to the operator (settings.meters.tamper_alerts below).
local TAMPER_ALERTS = { "cover_open", "terminal_cover_open", "magnetic_field", "firmware_integrity" }

-- WAVIoT modem (device key, hex as the platform gives it) → metering point number. A modem not listed
-- stays unlinked: counted and shown to the operator on «Обмен данными».
local WAVIOT_MODEMS = {
  ["3B2A10"] = "56-ТУ-000101",
  ["3B2A11"] = "56-ТУ-000214",
  ["3B2A12"] = "56-ТУ-000338",
}

-- The WAVIoT event journal's codes → Kabinet's event classes. The ФОБОС 1 / ФОБОС 3 codes are not
-- published: these are the codes of the demo platform (tests/simulators/waviot_server.py); replace them
-- with the codes WAVIoT gives before connecting the real account. Tamper = the code is a tamper alert.
local function waviot_events(map)
  local alert = {}
  for _, code in ipairs(TAMPER_ALERTS) do alert[code] = true end
  local out = {}
  for upstream, c in pairs(map) do
    out[upstream] = { code = c[1], category = c[2], severity = c[3], text = c[4], tamper = alert[c[1]] == true }
  end
  return out
end

return {
  id = "kes-orenburg",
  name = "Общество с ограниченной ответственностью «КЭС Оренбуржья»",
  short_name = "ООО «КЭС Оренбуржья»",
  hosts = { "kes-orenburg.kabinet.localhost" },
  timezone = "Asia/Yekaterinburg",
  branding = { primary = "#0a5ca8", accent = "#f39200", logo = nil },

  modules = { "identity", "meters", "readings", "notifications" },
  access_ways = { "operator_grant" },
  confirmations = { "email", "phone" },
  password_policy = { min_length = 8, max_length = 128, require_letter = true, require_digit = true },

  identity = {
    -- Seed, step 2: the consumer tells the grid company the e-mail of the account.
    post_registration = "Доступ к приборам учёта предоставляет сетевая организация: сообщите "
      .. "ООО «КЭС Оренбуржья» адрес электронной почты, с которым вы зарегистрировались, "
      .. "по телефону 38-78-38 или по эл. почте balans.kes@yandex.ru.",
    force_second_factor = { "operator", "tenant-admin" },
  },

  consents = {
    C.personal_data { operator = "ООО «КЭС Оренбуржья»", version = "2024-01", implicit = true },
  },

  applicant_kinds = {
    {
      id = "consumer",
      label = "Потребитель",
      fields = {
        F.text { name = "surname", label = "Фамилия", placeholder = "Иванов",
          hint = "Ваша фамилия", max_length = 100 },
        F.text { name = "name", label = "Имя", placeholder = "Иван",
          hint = "Ваше полное имя", max_length = 100 },
        F.text { name = "patronymic", label = "Отчество", required = false, placeholder = "Иванович",
          hint = "Ваше отчество (обязательно при наличии)", max_length = 100 },
        -- The seed's hint «Email будет использоваться для входа на сайт» is what the portal says of
        -- every login field; not said twice.
        F.email { label = "Email", login = true },
        F.phone { label = "Мобильный телефон", mobile = true,
          hint = "Актуальный номер мобильного телефона для входа" },
        F.password {},
        F.password_confirm { label = "Повторите пароль" },
      },
    },
  },

  settings = {
    meters = {
      -- What the portal tells a consumer who has no meters yet.
      access_help = "Для доступа к приборам учёта сообщите ООО «КЭС Оренбуржья» адрес электронной почты, "
        .. "с которым вы зарегистрировались: по телефону 38-78-38 или по эл. почте balans.kes@yandex.ru.",
      -- Events of the meter's journal that raise a notification to the operator.
      tamper_alerts = TAMPER_ALERTS,
    },
  },

  -- ФОБОС meters on the WAVIoT platform (plugin waviot, docs/CONNECTORS.md «WAVIoT»). The login, password,
  -- addresses and tree element of the account come from the server's --connectors entry.
  connectors = {
    { id = "waviot", plugin = "waviot", label = "WAVIoT (ФОБОС)", accounts = "tenant",
      settings = {
        event_map = waviot_events {
          ["1"] = { "power_on", "power", "info", "Включение питания" },
          ["2"] = { "power_off", "power", "warning", "Отключение питания" },
          ["17"] = { "cover_open", "tamper", "alarm", "Вскрытие крышки корпуса" },
          ["18"] = { "terminal_cover_open", "tamper", "alarm", "Вскрытие крышки клеммной колодки" },
          ["21"] = { "magnetic_field", "tamper", "alarm", "Воздействие магнитным полем" },
        },
      },
      tasks = {
        { id = "modems", label = "Модемы: заряд батареи, последнее сообщение", every_minutes = 360 },
        { id = "channels", label = "Показания", every_minutes = 30, window_days = 31 },
        { id = "events", label = "Журнал событий", every_minutes = 30, window_days = 31 },
      },
    },
  },

  -- Which metering point a WAVIoT modem feeds (WAVIOT_MODEMS above); other connectors: by the meter's serial.
  link_device = function(connector_id, device)
    if connector_id == "waviot" then
      local point = WAVIOT_MODEMS[device.key]
      return point and { point_number = point } or nil
    end
    return { meter_serial = device.serial }
  end,
}
