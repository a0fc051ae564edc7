-- Tests of kabinet.notifications: the Russian default kinds and categories,
-- a tenant's overrides and additions merged by declared(), and the schema's
-- checks of `notifications` in tenant.lua (categories, kinds, channels,
-- templates, digest).
-- Needs the global load_tenant(id) of the test harness.

local tenant = require("kabinet.tenant")
local N = require("kabinet.notifications")

local testing = require("testing")
local case, eq = testing.case, testing.eq

local reports = require("testing").reports

local passes = require("testing").passes

local function by_id(list)
  local out = {}
  for _, x in ipairs(list) do out[x.id] = x end
  return out
end

case("виды по умолчанию: подписи, категории, каналы, шаблоны", function()
  local d = tenant.notifications(load_tenant("voek"))
  local kinds = by_id(d.kinds)
  for _, id in ipairs { "manual_reading_approved", "manual_reading_rejected", "archive_ready", "access_granted",
    "access_revoked", "meter_tamper", "meter_silent", "outage_planned", "outage_emergency", "outage_ended", "broadcast" } do
    local k = kinds[id]
    assert(k, "нет вида " .. id)
    assert(type(k.label) == "string" and k.label ~= "", id .. ": подпись")
    assert(by_id(d.categories)[k.category], id .. ": категория " .. tostring(k.category))
    eq(k.channels[1], "in_app", id .. ": в личном кабинете всегда")
    assert(k.title and k.body, id .. ": шаблоны")
  end
  assert(kinds.manual_reading_rejected.body:find("{reason}", 1, true))
  for _, v in ipairs { "{consumer}", "{address}", "{meter}", "{time}" } do
    assert(kinds.meter_tamper.body:find(v, 1, true), "meter_tamper без " .. v)
  end
  local cats = by_id(d.categories)
  eq(cats.supplier.label, "Уведомления от поставщика")
  eq(cats.meters.label, "Уведомления от приборов учёта")
  eq(cats.alerts.staff, true)
  eq(#d.channels, 3)
  eq(d.digest, false)
  eq(d.digest_hour, 8)
  -- Categories the tenant does not list are no switches of its profile.
  eq(#tenant.profile_form(load_tenant("voek")).notifications, 0)
end)

case("ОЭС 360: её категории — переключатели профиля", function()
  local T = load_tenant("oes360")
  local cats = by_id(tenant.notifications(T).categories)
  eq(cats.supplier.profile, true)
  eq(cats.meters.profile, true)
  eq(cats.outages.profile, nil)
  eq(#tenant.profile_form(T).notifications, 2)
end)

case("свои категории, виды, каналы и дайджест тенанта", function()
  local T = load_tenant("voek")
  T.notifications = {
    categories = { { id = "debts", label = "Задолженность", default = false }, { id = "meters", label = "Счётчики" } },
    kinds = {
      debt_reminder = { label = "Напоминание о долге", category = "debts", channels = { "email", "sms" },
        title = "Задолженность {amount}", body = "Оплатите {amount}[ до {date}]." },
      manual_reading_rejected = { channels = { "in_app" } },
    },
    channels = { sms = { enabled = false }, email = { label = "Почта" } },
    digest = true, digest_hour = 19,
  }
  passes(T)
  local d = tenant.notifications(T)
  local kinds, cats, channels = by_id(d.kinds), by_id(d.categories), by_id(d.channels)
  eq(cats.debts.default, false)
  eq(cats.meters.label, "Счётчики")
  eq(kinds.debt_reminder.severity, "info")
  eq(#kinds.debt_reminder.channels, 2) -- in_app added, sms switched off by the tenant
  eq(kinds.debt_reminder.channels[1], "in_app")
  eq(kinds.debt_reminder.channels[2], "email")
  eq(#kinds.manual_reading_rejected.channels, 1)
  eq(kinds.manual_reading_rejected.label, "Показания отклонены")
  eq(channels.sms, nil)
  eq(channels.email.label, "Почта")
  eq(d.digest, true)
  eq(d.digest_hour, 19)
end)

case("проверки схемы notifications", function()
  local T = load_tenant("voek")
  T.notifications = {
    categories = { { id = "Bad", label = "x" }, { id = "dup", label = "a" }, { id = "dup", label = "b" } },
    kinds = {
      new_kind = { label = "Новый" },
      manual_reading_rejected = { category = "nowhere", severity = "fatal", channels = { "pigeon" },
        body = "Причина {Reason}", title = "{unclosed" },
      ["Bad-Id"] = {},
      broadcast = { colour = "red" },
      archive_ready = { body = "[ Причина: [{reason}]]" },
    },
    channels = { telegraph = {}, in_app = { enabled = false } },
    digest = "yes",
    digest_hour = 24,
    extra = true,
  }
  reports(T, "notifications.categories[1].id: идентификатор")
  reports(T, "notifications.categories[3].id: повторяющийся идентификатор 'dup'")
  reports(T, "notifications.kinds.new_kind.category: обязательно для нового вида уведомлений")
  reports(T, "notifications.kinds.new_kind.title: обязательно")
  reports(T, "notifications.kinds.new_kind.body: обязательно")
  reports(T, "notifications.kinds.manual_reading_rejected.category: неизвестная категория 'nowhere'")
  reports(T, "notifications.kinds.manual_reading_rejected.severity: ожидается info, warning или critical")
  reports(T, "notifications.kinds.manual_reading_rejected.channels")
  reports(T, "notifications.kinds.manual_reading_rejected.body: подстановка {Reason}")
  reports(T, "notifications.kinds.manual_reading_rejected.title: непарная фигурная скобка")
  reports(T, "notifications.kinds.archive_ready.body: квадратные скобки")
  reports(T, "notifications.kinds.broadcast.colour: неизвестный ключ")
  reports(T, "notifications.channels")
  reports(T, "notifications.channels.in_app.enabled: уведомления в личном кабинете не отключаются")
  reports(T, "notifications.digest: ожидается true или false")
  reports(T, "notifications.digest_hour: ожидается целое число от 0 до 23")
  reports(T, "notifications.extra: неизвестный ключ")
end)

case("у всех тенантов объявления уведомлений проходят проверку", function()
  for _, id in ipairs { "kes-orenburg", "oes360", "sigma", "voek", "vges" } do
    local T = load_tenant(id)
    passes(T)
    assert(#tenant.notifications(T).kinds >= 11, id)
  end
  eq(N.KINDS.broadcast.title, "{title}")
end)

testing.finish()
