--- kabinet.notifications — what the notification centre tells people: the
-- categories a person can switch, the channels, and the kinds of
-- notification with their Russian label, category, severity, default
-- channels and the templates of title and body (`{name}` placeholders filled
-- from the values the raising service gives; a part in square brackets is
-- left out whole when one of its values is missing, any other missing value
-- is left out cleanly).
--
-- A tenant overrides or adds in `notifications = {…}` of tenant.lua:
--   categories  = {{id, label, default?, staff?}, …}  merged by id (a known id is relabelled);
--                 these are also the switches of the profile form
--   kinds       = {<id> = {label?, category?, severity?, channels?, title?, body?}, …}
--                 a known kind takes the keys given; a new one needs all of them
--   channels    = {email = {label?, enabled?}, sms = {…}}  relabel or switch a channel off
--   digest      = false   whether a person's mails go into one daily digest until they choose
--   digest_hour = 8       the hour (tenant's local time) the daily digest is sent
-- declared(T) is what the core reads: the defaults merged with the tenant's.

local S = require("kabinet.shape")
local tables = require("kabinet.tables")

local set_of, sorted_keys = tables.set_of, tables.sorted_keys

local M = {}

local NAME_PATTERN = "^[a-z][a-z0-9_]*$"
local ID_MESSAGE = "идентификатор: латинские строчные буквы, цифры и '_'"

--- The channels the core delivers through, in order; in_app cannot be switched off.
M.CHANNELS = {
  { id = "in_app", label = "В личном кабинете" },
  { id = "email", label = "Электронная почта" },
  { id = "sms", label = "SMS" },
}
M.CHANNEL_IDS = set_of { "in_app", "email", "sms" }
M.SEVERITIES = set_of { "info", "warning", "critical" }

--- The default categories (a person switches a category on or off; `staff`
-- categories are offered to operators and administrators only).
M.CATEGORIES = {
  { id = "supplier", label = "Уведомления от поставщика", default = true },
  { id = "meters", label = "Уведомления от приборов учёта", default = true },
  { id = "outages", label = "Отключения электроэнергии", default = true },
  { id = "alerts", label = "Оповещения о приборах учёта", default = true, staff = true },
  { id = "cases", label = "Обращения и заявки", default = true },
}

--- The default kinds. Values each template may use are listed beside it.
M.KINDS = {
  -- {point}, {meter}, {reading}, {date}
  manual_reading_approved = { label = "Показания приняты", category = "meters", severity = "info",
    channels = { "in_app", "email" },
    title = "Показания приняты",
    body = "Показания[ {reading}] по точке учёта «{point}»[ от {date}] приняты." },
  -- {point}, {meter}, {reading}, {date}, {reason}
  manual_reading_rejected = { label = "Показания отклонены", category = "meters", severity = "warning",
    channels = { "in_app", "email", "sms" },
    title = "Показания отклонены",
    body = "Показания[ {reading}] по точке учёта «{point}»[ от {date}] отклонены.[ Причина: {reason}.]" },
  -- {period}, {point}, {file}
  archive_ready = { label = "Архив готов", category = "meters", severity = "info",
    channels = { "in_app", "email" },
    title = "Архив данных готов",
    body = "Архив данных[ {period}][ по точке учёта «{point}»] готов: скачайте его в личном кабинете." },
  -- {what} (e.g. «лицевой счёт № 123»)
  access_granted = { label = "Открыт доступ", category = "supplier", severity = "info",
    channels = { "in_app", "email" },
    title = "Открыт доступ",
    body = "Вам открыт доступ: {what}." },
  access_revoked = { label = "Закрыт доступ", category = "supplier", severity = "warning",
    channels = { "in_app", "email" },
    title = "Закрыт доступ",
    body = "Ваш доступ закрыт: {what}." },
  -- {consumer}, {address}, {meter} (serial), {event}, {time} (tenant's local time)
  meter_tamper = { label = "Вмешательство в работу прибора учёта", category = "alerts", severity = "critical",
    channels = { "in_app", "email" },
    title = "Вмешательство в работу прибора учёта № {meter}",
    body = "{event}: прибор учёта № {meter}[, потребитель {consumer}][, адрес: {address}], время: {time}." },
  -- {consumer}, {address}, {meter}, {since} (local time of the last answer), {hours}
  meter_silent = { label = "Прибор учёта не отвечает", category = "alerts", severity = "warning",
    channels = { "in_app", "email" },
    title = "Прибор учёта № {meter} не отвечает",
    body = "Прибор учёта № {meter}[, потребитель {consumer}][, адрес: {address}] не отвечает с {since}." },
  -- {address}, {start}, {end}, {reason}
  outage_planned = { label = "Плановое отключение", category = "outages", severity = "warning",
    channels = { "in_app", "email", "sms" },
    title = "Плановое отключение электроэнергии",
    body = "По адресу {address} плановое отключение электроэнергии с {start}[ до {end}].[ Причина: {reason}.]" },
  outage_emergency = { label = "Аварийное отключение", category = "outages", severity = "critical",
    channels = { "in_app", "email", "sms" },
    title = "Аварийное отключение электроэнергии",
    body = "По адресу {address} аварийное отключение электроэнергии с {start}.[ Причина: {reason}.]" },
  outage_ended = { label = "Электроснабжение восстановлено", category = "outages", severity = "info",
    channels = { "in_app", "email" },
    title = "Электроснабжение восстановлено",
    body = "По адресу {address} электроснабжение восстановлено в {end}." },
  -- title and body are the operator's
  broadcast = { label = "Сообщение от поставщика", category = "supplier", severity = "info",
    channels = { "in_app", "email" },
    title = "{title}",
    body = "{body}" },
  -- {address}, {start}, {reason}
  outage_cancelled = { label = "Отключение отменено", category = "outages", severity = "info",
    channels = { "in_app", "email", "sms" },
    title = "Отключение электроэнергии отменено",
    body = "Отключение электроэнергии по адресу {address}, назначенное на {start}, отменено.[ Причина отключения: {reason}.]" },
  -- Cases (kabinet.cases): {number} (the number as lists show it), {kind} (the kind's label), and
  -- {applicant} (the applicant's name) — to operators: a new case
  case_filed = { label = "Новое обращение", category = "cases", severity = "info",
    channels = { "in_app", "email" },
    title = "Новое обращение № {number}",
    body = "Поступило обращение № {number} «{kind}».[ Заявитель: {applicant}.]" },
  -- {state} (the new status), {action} (what was done) — to the applicant
  case_changed = { label = "Изменился статус обращения", category = "cases", severity = "info",
    channels = { "in_app", "email" },
    title = "Обращение № {number}: {state}",
    body = "По обращению № {number} «{kind}»[ выполнено действие «{action}»]. Статус: {state}." },
  -- {author} (who wrote) — to the other side of the case
  case_message = { label = "Сообщение по обращению", category = "cases", severity = "info",
    channels = { "in_app", "email" },
    title = "Новое сообщение по обращению № {number}",
    body = "По обращению № {number} «{kind}» получено новое сообщение.[ Автор: {author}.]" },
  -- {due} (the date the term ended) — to operators
  case_overdue = { label = "Просрочено обращение", category = "cases", severity = "warning",
    channels = { "in_app", "email" },
    title = "Просрочено обращение № {number}",
    body = "Истёк срок рассмотрения обращения № {number} «{kind}»[ ({due})]." },
  -- {offer} (the label of the kind offered, e.g. the survey) — to the applicant
  case_offer = { label = "Приглашение заполнить форму", category = "cases", severity = "info",
    channels = { "in_app", "email" },
    title = "{offer}",
    body = "По обращению № {number} «{kind}» просим вас заполнить форму «{offer}» в личном кабинете." },
  -- {reason} (why the rules annulled it) — to operators, from a state's enter hook (tech connection)
  case_annulled = { label = "Заявка аннулирована", category = "cases", severity = "warning",
    channels = { "in_app", "email" },
    title = "Заявка № {number} аннулирована",
    body = "Заявка № {number} «{kind}» аннулирована[: {reason}]." },
  -- {by} (who assigned) — to the staff member now in charge of the case
  case_assigned = { label = "Назначено ответственным", category = "cases", severity = "info",
    channels = { "in_app", "email" },
    title = "Вам назначено обращение № {number}",
    body = "Вы назначены ответственным по обращению № {number} «{kind}».[ Назначил: {by}.]" },
}

--- Placeholders of a template that are not `{name}` with a name of
-- lowercase latin letters, digits and '_': the reason, or nil.
local function placeholder_problem(text)
  for inner in text:gmatch("{([^}]*)}") do
    if not inner:match(NAME_PATTERN) then
      return string.format("подстановка {%s}: ожидается {имя} из латинских строчных букв, цифр и '_'", inner)
    end
  end
  if text:gsub("{[^}]*}", ""):find("[{}]") then return "непарная фигурная скобка" end
  local depth = 0
  for c in text:gmatch("[%[%]]") do
    depth = depth + (c == "[" and 1 or -1)
    if depth < 0 or depth > 1 then return "квадратные скобки: ожидается [часть] без вложенных скобок" end
  end
  if depth ~= 0 then return "непарная квадратная скобка" end
  return nil
end

local function template(desc)
  return S.string { desc = desc, rules = { function(add, path, v)
    local problem = placeholder_problem(v)
    if problem then add(path, problem) end
  end } }
end

local category = S.record { name = "notification category", message = "ожидается таблица {id, label, default}", keys = {
  { "id", S.string { required = true, pattern = NAME_PATTERN, pattern_doc = "`a-z`, `0-9`, `_`", pattern_message = ID_MESSAGE,
    desc = "the category's id (a known one is relabelled)" } },
  { "label", S.string { required = true, desc = "e.g. «Уведомления от поставщика»" } },
  { "default", S.bool { default = true, desc = "on until the person turns it off" } },
  { "staff", S.bool { default = false, desc = "offered to operators and administrators only" } },
} }

local kind = S.record { name = "notification kind", message = "ожидается таблица {label, category, channels, title, body}", keys = {
  { "label", S.string { desc = "Russian name of the kind (required for a new kind)" } },
  { "category", S.ident { pattern = NAME_PATTERN, message = ID_MESSAGE, desc = "the category a person switches (required for a new kind)" } },
  { "severity", S.enum { values = M.SEVERITIES, message = "ожидается info, warning или critical, а не '%s'", doc = "`info`, `warning`, `critical`",
    desc = "how urgent (default `info` for a new kind)" } },
  { "channels", S.strings { values = M.CHANNEL_IDS, what = "канала", desc = "channels used unless the person switched them off" } },
  { "title", template("title template, `{name}` placeholders (required for a new kind)") },
  { "body", template("body template, `{name}` placeholders (required for a new kind)") },
} }

local channel = S.record { name = "notification channel", keys = {
  { "label", S.string { desc = "how the profile names it" } },
  { "enabled", S.bool { default = true, desc = "false: the tenant does not use the channel" } },
} }

--- Checks between the parts of `notifications`: a new kind has every key,
-- kinds name declared categories, in_app is never switched off.
local function rules(add, path, v)
  local categories = {}
  for _, c in ipairs(M.CATEGORIES) do categories[c.id] = true end
  if type(v.categories) == "table" then
    for _, c in ipairs(v.categories) do
      if type(c) == "table" and type(c.id) == "string" then categories[c.id] = true end
    end
  end
  if type(v.kinds) == "table" then
    for _, id in ipairs(sorted_keys(v.kinds)) do
      local k, p = v.kinds[id], path .. ".kinds." .. tostring(id)
      if type(k) == "table" then
        if not M.KINDS[id] then
          for _, key in ipairs { "label", "category", "title", "body" } do
            if k[key] == nil then add(p .. "." .. key, "обязательно для нового вида уведомлений") end
          end
        end
        if type(k.category) == "string" and not categories[k.category] then
          add(p .. ".category", string.format("неизвестная категория '%s'", k.category))
        end
      end
    end
  end
  if type(v.channels) == "table" and type(v.channels.in_app) == "table" and v.channels.in_app.enabled == false then
    add(path .. ".channels.in_app.enabled", "уведомления в личном кабинете не отключаются")
  end
end

--- The node of `notifications` in the declaration's schema.
M.schema = S.record { name = "notifications", desc = "the notification centre: categories, kinds, channels, digest (see «Notifications»)",
  rules = { rules }, keys = {
  { "categories", S.list { message = "ожидается список", desc = "categories added to or relabelling the defaults",
    unique = { key = "id", pattern = NAME_PATTERN, message = "повторяющийся идентификатор '%s'" }, of = category } },
  { "kinds", S.map { message = "ожидается таблица {вид = {...}}", desc = "kinds added to or overriding the defaults",
    key = { check = function(k) return type(k) == "string" and k:match(NAME_PATTERN) ~= nil end, message = ID_MESSAGE },
    value = kind } },
  { "channels", S.map { message = "ожидается таблица {канал = {...}}", desc = "relabel or switch off `email`, `sms`",
    key = { check = function(k) return M.CHANNEL_IDS[k] ~= nil end, message = "ожидается in_app, email или sms" },
    value = channel } },
  { "digest", S.bool { default = false, desc = "mails go into one daily digest until a person chooses otherwise" } },
  { "digest_hour", S.int { min = 0, max = 23, default = 8, desc = "hour of the daily digest, tenant's local time" } },
} }

M.category_schema, M.kind_schema, M.channel_schema = category, kind, channel

local function copy(t)
  local out = {}
  for k, v in pairs(t) do out[k] = v end
  return out
end

--- The notification declarations of a tenant (T has passed check): the
-- defaults merged with `T.notifications`.
-- A category the tenant lists itself is also a switch of the profile form
-- (`profile = true`); every category is offered in the notification settings.
-- @return {categories = [{id, label, default, staff, profile}], channels = [{id, label}],
--   kinds = [{id, label, category, severity, channels = [...], title, body}],
--   digest = bool, digest_hour = int}
function M.declared(T)
  local own = type(T.notifications) == "table" and T.notifications or {}
  local categories, at = {}, {}
  for _, c in ipairs(M.CATEGORIES) do
    categories[#categories + 1] = copy(c)
    at[c.id] = #categories
  end
  for _, c in ipairs(own.categories or {}) do
    local entry = { id = c.id, label = c.label, default = c.default ~= false, staff = c.staff == true, profile = true }
    if at[c.id] then categories[at[c.id]] = entry
    else
      categories[#categories + 1] = entry
      at[c.id] = #categories
    end
  end
  local channels, enabled = {}, {}
  for _, ch in ipairs(M.CHANNELS) do
    local o = type(own.channels) == "table" and own.channels[ch.id] or {}
    if o.enabled ~= false then
      channels[#channels + 1] = { id = ch.id, label = o.label or ch.label }
      enabled[ch.id] = true
    end
  end
  local kinds = {}
  local ids = {}
  for id in pairs(M.KINDS) do ids[id] = true end
  for id in pairs(own.kinds or {}) do ids[id] = true end
  for _, id in ipairs(sorted_keys(ids)) do
    local k = copy(M.KINDS[id] or { severity = "info", channels = { "in_app" } })
    for key, v in pairs((own.kinds or {})[id] or {}) do k[key] = v end
    local used = {}
    for _, ch in ipairs(k.channels or {}) do
      if enabled[ch] then used[#used + 1] = ch end
    end
    if not enabled.in_app or used[1] ~= "in_app" then
      local has = false
      for _, ch in ipairs(used) do has = has or ch == "in_app" end
      if not has then table.insert(used, 1, "in_app") end
    end
    kinds[#kinds + 1] = { id = id, label = k.label, category = k.category, severity = k.severity or "info",
      channels = used, title = k.title, body = k.body }
  end
  return { categories = categories, channels = channels, kinds = kinds,
    digest = own.digest == true, digest_hour = own.digest_hour or 8 }
end

return M
