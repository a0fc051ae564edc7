--- kabinet.tenant — what the C++ core asks of a tenant's declaration.
--
-- `tenants/<id>/tenant.lua` returns a table T (the declaration: names,
-- hosts, branding, modules, applicant kinds with their registration and
-- profile fields, dictionaries, consents, password policy, identity
-- settings, module settings, mail and SMS texts ...). The core hands T to the
-- functions below:
--
--   check(T)                                → nil | {"<path>: <problem>", ...}
--   profile(T)                              → public profile
--   registration_form(T)                    → form description for the portal
--   dictionary(T, name)                     → {name, items = {{value, label}...}} | nil
--   validate_registration(T, kind, fields)  → nil | {<field> = "<reason>"}
--   normalize_registration(T, kind, fields) → registration record | nil, errors
--   normalize_login(T, kind, value)         → login identifier | nil, reason
--   message(T, key)                         → user-visible message text
--   profile_form(T)                         → profile form description for the portal
--   validate_profile(T, kind, fields)       → nil | {<field> = "<reason>"} (a PATCH)
--   normalize_profile(T, kind, fields)      → {<field> = value} | nil, errors
--   identity(T)                             → identity settings with defaults
--   settings(T)                             → module settings with defaults
--   polling(T)                              → polling rules with defaults
--   connectors(T)                           → upstream connectors with defaults
--   link_device(T, connector_id, device)    → {meter_serial} | {point_number} | nil (the tenant's hook or the default)
--   validate_password(T, password, confirm) → nil | {password?, confirm?}
--   mail(T, template, vars)                 → {subject, text, html?}
--   sms(T, template, vars)                  → SMS text
--   display_name(T, kind, fields)           → the person's or organisation's name | nil
--   case_groups(T)                          → menu sections of the cases
--   case_kinds(T)                           → the normalised kinds of cases
--   case_registers(T)                       → numbering registers {id, start, prefix}
--   case_validate(T, kind, fields, context) → {errors} | {values, summary}
--   case_action_validate(T, kind, action, fields) → {errors} | {values}
--   case_hook(T, kind, hook, case)          → effects of a kind's Lua hook
--
-- This module is a facade; the work is done by
--   kabinet.schema     the declarative schema of T and check(T) (kabinet.shape walks it;
--                      kabinet.settings holds the schemas of `settings.<module>`)
--   kabinet.forms      the prepared form model and the one field-validation loop
--   kabinet.identity   identity settings, limits, passwords, login identifiers, names
--   kabinet.vocabulary allowed values, messages, name forms, mail and SMS texts
--   kabinet.cases      constructors of case kinds and workflows (tenant-facing);
--                      kabinet.cases.schema / .model their schema and normalised model
-- Everything but `check` first prepares T once (the result is cached per T)
-- and raises an error if T does not pass `check`. Tables meant as JSON
-- arrays are marked with `kabinet.array` (when the host provides it).
-- All user-visible text is Russian.

local W = require("kabinet.vocabulary")
local schema = require("kabinet.schema")
local forms = require("kabinet.forms")
local identity = require("kabinet.identity")
local settings = require("kabinet.settings")
local polling = require("kabinet.polling")
local connectors = require("kabinet.connectors")
local calendar = require("kabinet.calendar")
local notifications = require("kabinet.notifications")
local tables = require("kabinet.tables")
local cases = require("kabinet.cases.model")

local array, list_copy, plain_copy = tables.array, tables.list_copy, tables.plain_copy

local M = {}

--- The allowed values and texts of a declaration (kabinet.vocabulary).
M.FIELD_TYPES, M.MODULES, M.ACCESS_WAYS = W.FIELD_TYPES, W.MODULES, W.ACCESS_WAYS
M.CONFIRMATIONS, M.SECOND_FACTORS, M.ROLES, M.TIMEZONES = W.CONFIRMATIONS, W.SECOND_FACTORS, W.ROLES, W.TIMEZONES
M.NAME_FORMS, M.DEFAULT_MESSAGES, M.STAFF_KIND = W.NAME_FORMS, W.DEFAULT_MESSAGES, W.STAFF_KIND

--- Limits of login throttling, of guessing access identifiers and of
-- sessions: defaults, and the range a tenant may set in `identity.lockout`
-- / `identity.guessing` / `identity.session` (declared in kabinet.schema;
-- the core takes what identity() returns as it is).
M.IDENTITY_LIMITS = identity.LIMITS

--- Reads a yes/no value as a browser sends it (see kabinet.forms.parse_boolean).
M.parse_boolean = forms.parse_boolean

--- Checks a tenant declaration.
-- @param T the table returned by tenants/<id>/tenant.lua
-- @return nil when T is well-formed, else an array of strings
--   "<path>: <problem>" (paths such as "applicant_kinds[2].fields[3].type")
M.check = forms.check

--- The public profile of a tenant.
-- @return {id, name, short_name, timezone, hosts = [...], branding = {primary,
--   accent, logo?, monogram}, modules = [...], access_ways = [...], confirmations = [...],
--   second_factor?, settings?, applicant_kinds = [{id, label, login = {name,
--   label, type}, access_ways = [...]}], case_groups = [...] (as case_groups(T))}
function M.profile(T)
  local model = forms.prepare(T)
  local kinds = {}
  for i, kind in ipairs(model.kinds) do
    local lf = kind.login_field
    kinds[i] = {
      id = kind.id, label = kind.label,
      login = { name = lf.name, label = lf.label, type = lf.type },
      access_ways = list_copy(kind.access_ways),
    }
  end
  return {
    id = T.id,
    name = T.name,
    short_name = T.short_name,
    timezone = T.timezone,
    hosts = list_copy(T.hosts),
    branding = { primary = T.branding.primary, accent = T.branding.accent, logo = T.branding.logo,
                 monogram = W.monogram(T.short_name or T.name) },
    modules = list_copy(T.modules),
    access_ways = list_copy(T.access_ways),
    confirmations = list_copy(T.confirmations),
    second_factor = T.second_factor,
    settings = T.settings and plain_copy(T.settings) or nil,
    applicant_kinds = array(kinds),
    case_groups = cases.groups(T),
  }
end

--- The tenant's meter polling rules, normalised (kabinet.polling; defaults when the tenant sets none).
function M.polling(T)
  return polling.normalise(T.polling)
end

--- The tenant's upstream connectors, normalised (kabinet.connectors; none when the tenant declares none).
function M.connectors(T)
  return connectors.normalise(T.connectors)
end

--- Which meter an upstream device is: the tenant's `link_device` hook, or the device's serial by default.
function M.link_device(T, connector_id, device)
  if type(T.link_device) == "function" then
    local r = T.link_device(connector_id, device)
    if r == nil then return nil end
    if type(r) ~= "table" or (type(r.meter_serial) ~= "string" and type(r.point_number) ~= "string") then
      error("link_device: ожидается {meter_serial = …} или {point_number = …} или nil")
    end
    return { meter_serial = r.meter_serial, point_number = r.point_number }
  end
  if type(device) == "table" and type(device.serial) == "string" and device.serial ~= "" then
    return { meter_serial = device.serial }
  end
  return nil
end

--- The tenant's production calendar (kabinet.calendar): its `calendar` table or the federal one.
-- @return {weekend = [1…7], years = {["YYYY"] = {off = ["MM-DD"], work = [...], short = [...]}}}
function M.calendar(T)
  return calendar.of(T)
end

--- The settings of the modules the tenant switches on, checked and with
-- their defaults filled in (kabinet.settings): what the core reads.
-- @return {<module> = {...}} (e.g. archive = {max_depth_years, change_until,
--   change_timezone, ready, formats?}, manual_readings = {approval, window =
--   {from_day, to_day}, max_daily_kwh, virtual_meters, non_smart_only, polled_meters})
function M.settings(T)
  forms.prepare(T)
  return settings.checked(T)
end

--- The registration form: kinds with their fields, and the consents.
-- Every field carries name, label, type, required, login (explicit
-- booleans) and, when declared, dictionary, options = [{value, label}],
-- visible_if = {field, equals}, hint, placeholder, min_length, max_length,
-- same_as, default. Password fields carry the policy's length limits.
-- @return {kinds = [{id, label, fields = [...]}], consents = [{id, title?,
--   label, version, text, required, implicit}], password_policy = {...},
--   messages = {required, login_taken, registration_failed}}
M.registration_form = forms.registration_form

--- A dictionary of the tenant (T.dictionaries[name]).
-- @return {name, items = [{value, label, ...}]} or nil when there is none
M.dictionary = forms.dictionary

--- A user-visible message, as the tenant words it in T.messages or by default.
-- @param key one of the keys of M.DEFAULT_MESSAGES
-- @return string (nil for an unknown key)
M.message = W.message

--- Validates a registration as the browser sent it.
-- Rules: required fields (fields hidden by visible_if are skipped and their
-- values ignored), type validators, same_as ("Пароли не совпадают"),
-- min/max length, options and dictionary membership, the password policy,
-- required consents (sent as `fields[<consent id>] = true`), then the
-- kind's and the tenant's `validate(kind_id, fields, errors, values,
-- "registration")`.
-- Values not in the form are ignored; a form value that is not a string,
-- number or boolean is an error.
-- @return nil when valid; else {<field name> = "<reason>"}; an unknown kind
--   gives {kind = "Неизвестный вид заявителя"}; a failing tenant hook gives `_form`
function M.validate_registration(T, kind_id, fields)
  local kind, model = forms.kind(T, kind_id)
  if not kind then return model end
  local errors = forms.run(model, kind, type(fields) == "table" and fields or {}, "registration")
  if next(errors) then return errors end
  return nil
end

--- Validates a registration and, when it is valid, returns what the core
-- stores: normalised values (E.164 phones, digit-only identifiers, ISO
-- dates, lower-case e-mail, booleans) of the visible fields except the
-- password and its confirmation; the password as typed (to be hashed); the
-- login identifier; the consents given, with their versions.
-- @return {kind, login = {field, value}, password, values = {...},
--   consents = [{id, version}]} or nil, errors (as validate_registration)
function M.normalize_registration(T, kind_id, fields)
  local kind, model = forms.kind(T, kind_id)
  if not kind then return nil, model end
  fields = type(fields) == "table" and fields or {}
  local errors, values = forms.run(model, kind, fields, "registration")
  if next(errors) then return nil, errors end
  local out = {
    kind = kind.id,
    login = { field = kind.login_field.name, value = values[kind.login_field.name] },
    values = {},
    consents = {},
  }
  for _, f in ipairs(kind.fields) do
    local v = values[f.name]
    if f.type == "password" then
      out.password = v
    elseif f.type ~= "password_confirm" and v ~= nil then
      out.values[f.name] = v
    end
  end
  for _, c in ipairs(model.consents) do
    if c.implicit or forms.parse_boolean(fields[c.id]) == true then
      out.consents[#out.consents + 1] = { id = c.id, version = c.version }
    end
  end
  array(out.consents)
  return out
end

--- Normalises what a user typed as the login identifier, the same way the
-- registration stored it ("151-018-832 24" → "15101883224", e-mail
-- lower-cased ...). Without kind_id the login fields of all kinds are tried
-- in order and the first that accepts the value wins. The kind
-- M.STAFF_KIND ("staff") is the utility's staff, who log in by e-mail in
-- every tenant whatever its consumers' login identifiers are.
-- @return normalised identifier or nil, reason
M.normalize_login = identity.normalize_login

--- The profile form: per kind, the registration fields without the password
-- fields, then the kind's profile-only fields (`profile_fields`); every
-- field as in registration_form plus `editable` (false only for the login
-- identifier) and `profile_only` (true for the profile-only fields). The
-- tenant's notification switches come with their defaults.
-- @return {kinds = [{id, label, fields = [...]}], notifications = [{id,
--   label, default}], messages = {required, login_readonly},
--   confirmed = {email = "<field>"?, phone = "<field>"?}}
M.profile_form = forms.profile_form

--- The notification centre's declarations of the tenant (kabinet.notifications):
-- the default categories, channels and kinds merged with `notifications` of the
-- declaration.
-- @return {categories = [{id, label, default, staff, profile}], channels = [{id,
--   label}], kinds = [{id, label, category, severity, channels, title, body}],
--   digest, digest_hour}
M.notifications = notifications.declared

--- Validates a change of the profile as the browser sent it (PATCH
-- semantics): only the fields present are checked, by the rules of
-- registration (required, type validators, lengths, lists, same_as), then
-- the kind's and the tenant's `validate(kind_id, fields, errors, values,
-- "profile")` hooks, which see only the fields sent. A required field sent
-- empty is an error; an optional one sent empty is cleared. A field hidden by
-- visible_if is ignored when its controlling field is in the change and hides
-- it; otherwise it is checked.
-- @return nil when valid; else {<field name> = "<reason>"}: the login field
--   gives message(T, "login_readonly") ("Имя для входа изменить нельзя"), a
--   password field "Пароль меняется отдельно …", any other name that is not
--   a field of the profile "Неизвестное поле"; an unknown kind gives
--   {kind = "Неизвестный вид заявителя"}; a failing hook gives `_form`
function M.validate_profile(T, kind_id, fields)
  local kind, model = forms.kind(T, kind_id)
  if not kind then return model end
  local errors = forms.run(model, kind, type(fields) == "table" and fields or {}, "profile")
  if next(errors) then return errors end
  return nil
end

--- Validates a change of the profile and, when it is valid, returns the
-- normalised values of the fields sent (as normalize_registration). An
-- optional field sent empty comes back as "" (the core clears it); fields
-- not sent are not in the result.
-- @return {<field name> = value} or nil, errors (as validate_profile)
function M.normalize_profile(T, kind_id, fields)
  local kind, model = forms.kind(T, kind_id)
  if not kind then return nil, model end
  local errors, values = forms.run(model, kind, type(fields) == "table" and fields or {}, "profile")
  if next(errors) then return nil, errors end
  return values
end

--- The identity settings the core needs, with the defaults filled in.
-- `confirmations` come from T.confirmations; the second factors offered are
-- TOTP for every tenant, with SMS before it where T.second_factor = "sms";
-- the rest comes from T.identity.
-- @return {
--   confirmations = ["email", "phone"],        -- before the first login
--   second_factor = {offered = ["sms", "totp"], forced_roles = ["operator", ...]},
--   email_field = "email", phone_field = "phone",
--   login = {<kind id> = <login field name>},
--   lockout = {max_failures, window_minutes, lock_minutes},
--   guessing = {max_failures, window_minutes, lock_minutes},
--   session = {hours, remember_days},
--   registration_message = "<shown in the answer to the registration>",
--   post_registration = {<kind id> = "<what to do next>"},  -- kinds with one
--   phone_by_code = true,   -- a new phone counts only once a code sent to it is entered
-- }
M.identity = identity.settings

--- Checks a new password (password change, reset) against the tenant's
-- password policy, and its repetition when given.
-- @return nil when acceptable; else {password = "<reason>"} and/or
--   {confirm = "Пароли не совпадают"}
M.validate_password = identity.validate_password

--- The name a person is shown by in the portal's header and greetings: for
-- an individual the ФИО (one field, or surname, name and patronymic), for
-- other kinds (organisations, sole proprietors) the organisation's name,
-- each falling back to the other; nil when the profile holds no name (the
-- core then shows the e-mail). Never an identifier such as СНИЛС or ОГРН.
-- @return string or nil
M.display_name = identity.display_name

--- A mail of the tenant: its own template (T.mail_templates[template]) over
-- the default of kabinet.messages, with the values put in. `tenant_name`
-- (the short name), `tenant_full_name` and the name forms
-- (`tenant_genitive`, `tenant_accusative`, see M.NAME_FORMS) are filled in
-- from T unless vars give them.
-- @param template "confirm_email" (vars: link, expires_hours),
--   "email_change" (link, expires_hours), "password_reset" (link,
--   expires_minutes), "password_changed" (none)
-- @return {subject, text, html?}; raises for an unknown template or a missing variable
function M.mail(T, template, vars)
  forms.prepare(T)
  return W.mail(T, template, vars)
end

---------------------------------------------------------------------------
-- Cases (kabinet.cases: declared with its constructors in case_groups,
-- case_registers, case_kinds; normalised by kabinet.cases.model)
---------------------------------------------------------------------------

--- The menu sections of the portal's cases, in order (empty when none).
-- @return [{id, label, file_label, list_label, kind_label, kind_placeholder,
--   list}] — `list` is the group whose list page also shows this group's cases
M.case_groups = cases.groups

--- The kinds of cases, normalised (computed once per T): every default
-- filled in, forms as the registration form's field views plus `prefill`.
-- @return [{id, label, group, register, register_start, number_prefix,
--   report_as, applicants = [...], offered_only, summary_field, form = [field
--   view], documents = [{id, label, required, max_bytes, types, max_count, by}],
--   initial, states = [{id, label, final, uploads, tone}], actions = [{id,
--   label, from, to, by, fields, comment, documents, attach, confirm, after?,
--   guard, hook}], deadlines = [{id, label, days, unit, from, running}],
--   hooks = {enter = [state ids]}}]
M.case_kinds = cases.kinds

--- The numbering registers: every register declared in case_registers or
-- named by a kind (a kind's own register starts at 1).
-- @return [{id, start, prefix}]
M.case_registers = cases.registers

--- Validates a case's form (the one field loop of kabinet.forms, then the
-- kind's validate hook). A field with `prefill` that is not sent takes the
-- value of that field of `context.profile`.
-- @param context {applicant_kind, role = "consumer"|"operator", profile = {…}}
-- @return {errors = {<field> = "<reason>"}} (an unknown kind, or one this
--   applicant kind may not file: `kind`) or {values = {…}, summary = "<first
--   200 characters of the summary field>"}
M.case_validate = cases.validate

--- Validates the inputs of an action of a kind.
-- @return {errors} (an unknown action: `action`) or {values}
M.case_action_validate = cases.validate_action

--- Runs a Lua hook of a kind: "guard:<action>", "action:<action>" or
-- "enter:<state>" on case = {id, number, kind, state, fields, applicant =
-- {kind, profile}, action_fields, now}.
-- @return effects {error?, set?, notices? = [{kind, to, values}], offer? =
--   {kind}}; {} when there is no such hook; a hook that raises gives `error`
M.case_hook = cases.hook

--- An SMS of the tenant: T.sms_templates[template] or the default, with the
-- values put in. A text longer than one Cyrillic SMS (70 characters) is
-- sent all the same, in several parts, and logged.
-- @param template "phone_code" or "login_code" (vars: code, minutes)
-- @return text; raises for an unknown template or a missing variable
function M.sms(T, template, vars)
  forms.prepare(T)
  return W.sms(T, template, vars)
end

return M
