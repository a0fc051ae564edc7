--- kabinet.identity — the identity settings of a tenant as the core reads
-- them (confirmations, second factors, login fields, throttling and session
-- limits with their defaults, texts after registration), the check of a new
-- password, and the name a person is shown by. The bounds and defaults of the
-- limits are declared once, in kabinet.schema.

local V = require("kabinet.validators")
local W = require("kabinet.vocabulary")
local forms = require("kabinet.forms")
local schema = require("kabinet.schema")
local tables = require("kabinet.tables")

local array, set_of, list_copy = tables.array, tables.set_of, tables.list_copy

local M = {}

--- Limits of login throttling, of guessing access identifiers and of
-- sessions: {lockout|guessing|session = {<key> = {default, min, max}}}.
M.LIMITS = schema.IDENTITY_LIMITS

-- Integer settings of one group (lockout, guessing, session): the tenant's or defaults.
local function limits_of(decl, group)
  local own = type(decl[group]) == "table" and decl[group] or {}
  local out = {}
  for k, lim in pairs(M.LIMITS[group]) do out[k] = own[k] or lim.default end
  return out
end

-- What is shown after registration when the tenant says nothing.
local function registration_done(confirmations)
  local done = W.REGISTRATION_DONE
  if confirmations.email and confirmations.phone then return done.both end
  if confirmations.email then return done.email end
  if confirmations.phone then return done.phone end
  return done.none
end

--- The identity settings the core needs, with the defaults filled in (see kabinet.tenant.identity).
function M.settings(T)
  local model = forms.prepare(T)
  local decl = type(T.identity) == "table" and T.identity or {}
  local login, post = {}, {}
  for _, kind in ipairs(model.kinds) do
    login[kind.id] = kind.login_field.name
    local p = decl.post_registration
    if type(p) == "table" then p = p[kind.id] end
    post[kind.id] = p
  end
  local offered = {}
  if T.second_factor and T.second_factor ~= "totp" then offered[1] = T.second_factor end
  offered[#offered + 1] = "totp"
  return {
    confirmations = list_copy(T.confirmations),
    second_factor = { offered = array(offered), forced_roles = list_copy(decl.force_second_factor) },
    email_field = schema.identity_field(T, "email_field", "email"),
    phone_field = schema.identity_field(T, "phone_field", "phone"),
    login = login,
    lockout = limits_of(decl, "lockout"),
    guessing = limits_of(decl, "guessing"),
    session = limits_of(decl, "session"),
    registration_message = decl.registration_message or registration_done(set_of(T.confirmations)),
    post_registration = post,
    phone_by_code = forms.phone_by_code(T),
  }
end

--- Checks a new password against the tenant's policy, and its repetition when given.
-- @return nil when acceptable; else {password = "<reason>"} and/or {confirm = "Пароли не совпадают"}
function M.validate_password(T, password, confirm)
  local model = forms.prepare(T)
  local errors = {}
  if type(password) ~= "string" or password == "" then
    errors.password = W.message(T, "required")
  else
    local ok, err = V.password(password, model.policy)
    if not ok then errors.password = err end
  end
  if confirm ~= nil and confirm ~= password then errors.confirm = W.TEXT.passwords_differ end
  if next(errors) then return errors end
  return nil
end

--- Normalises what a user typed as the login identifier (see kabinet.tenant.normalize_login).
function M.normalize_login(T, kind_id, value)
  local model = forms.prepare(T)
  local kinds = model.kinds
  if kind_id == W.STAFF_KIND then
    if type(value) ~= "string" or not value:find("%S") then return nil, "Введите адрес электронной почты" end
    return V.normalize_email(value)
  end
  if kind_id ~= nil then
    local kind = model.kind_by_id[kind_id]
    if not kind then return nil, W.TEXT.unknown_kind end
    kinds = { kind }
  end
  local first_err
  for _, kind in ipairs(kinds) do
    local f = kind.login_field
    if forms.is_empty(f, value) then return nil, "Заполните поле «" .. f.label .. "»" end
    local v, err = forms.field_value(model, f, value)
    if v ~= nil then return v end
    first_err = first_err or err
  end
  return nil, first_err
end

-- Profile values naming a person, in order: the full name in one field, or its parts.
local PERSON_FIELDS = { "full_name", "fio" }
local PERSON_PARTS = { "surname", "name", "patronymic" }
-- Profile values naming an organisation (or a sole proprietor), in order.
local ORG_FIELDS = { "org_short_name", "organization", "org_name", "org_full_name" }

-- The first non-empty trimmed string among fields[names[i]], or nil.
local function first_text(fields, names)
  for _, n in ipairs(names) do
    local v = fields[n]
    if type(v) == "string" and v:find("%S") then return V.trim(v) end
  end
  return nil
end

--- The name a person is shown by (see kabinet.tenant.display_name).
function M.display_name(T, kind_id, fields)
  forms.prepare(T)
  if type(fields) ~= "table" then return nil end
  local person = first_text(fields, PERSON_FIELDS)
  if not person then
    local parts = {}
    for _, n in ipairs(PERSON_PARTS) do
      local v = fields[n]
      if type(v) == "string" and v:find("%S") then parts[#parts + 1] = V.trim(v) end
    end
    if fields.surname and #parts >= 2 then person = table.concat(parts, " ") end
  end
  local org = first_text(fields, ORG_FIELDS)
  if kind_id == "individual" then return person or org end
  return org or person
end

return M
