--- kabinet.forms — the form model of a tenant: the prepared declaration
-- (kinds with their registration and profile fields, dictionaries,
-- consents), the portal's view of the forms, and one field-validation loop
-- used by registration (every field of the form), by the profile (a
-- PATCH: only the fields sent) and by the forms of cases and their actions
-- (kabinet.cases). kabinet.tenant exposes these.

local V = require("kabinet.validators")
local W = require("kabinet.vocabulary")
local schema = require("kabinet.schema")
local tables = require("kabinet.tables")
local notifications = require("kabinet.notifications")

local array, set_of, plain_copy = tables.array, tables.set_of, tables.plain_copy
local TEXT = W.TEXT

local M = {}

local log = kabinet and kabinet.log or function() end

--- Reads a yes/no value as a browser sends it: true/false, 1/0, or the
-- strings "true", "false", "1", "0", "on", "off", "yes", "no", "да", "нет".
-- @return boolean, or nil when the value is not a yes/no
function M.parse_boolean(v)
  if type(v) == "boolean" then return v end
  if v == 1 then return true elseif v == 0 then return false end
  if type(v) ~= "string" then return nil end
  local s = V.trim(v):lower()
  if s == "true" or s == "1" or s == "on" or s == "yes" or s == "да" then return true end
  if s == "false" or s == "0" or s == "off" or s == "no" or s == "нет" then return false end
  return nil
end

-- Dictionary items normalised to {value, label, <extra scalars>}.
local function normalise_items(items)
  local out = {}
  for i, item in ipairs(items) do
    if type(item) == "table" then
      local copy = {}
      for k, v in pairs(item) do copy[k] = v end
      out[i] = copy
    else
      out[i] = { value = item, label = tostring(item) }
    end
  end
  return out
end

---------------------------------------------------------------------------
-- The prepared model of a declaration
---------------------------------------------------------------------------

-- Prepared models, cached per declaration table.
local prepared = setmetatable({}, { __mode = "k" })
-- Declarations that kabinet.tenant.check found well-formed (weak): prepare does not check them again.
local passed = setmetatable({}, { __mode = "k" })

--- Checks T against the schema (kabinet.schema.check) and remembers that it passed, so that preparing it
-- afterwards does not check it again; a declaration is not changed once loaded.
-- @return nil when T is well-formed, else the problems
function M.check(T)
  local problems = schema.check(T)
  if not problems then passed[T] = true end
  return problems
end

--- Copy of a declared field with explicit required/login flags and options as {value, label} items.
function M.prepare_field(f, login)
  local field = {}
  for k, v in pairs(f) do field[k] = v end
  field.required = f.required ~= false
  field.login = login
  if field.options then field.options = normalise_items(field.options) end
  return field
end

--- The normalised model of T, built once per T; raises when T does not pass
-- check. Kinds have `fields` (registration, with explicit required/login
-- flags), `profile` (the registration fields but the password ones, then
-- `profile_fields`), `by_name` (any of their fields) and `login_field`.
function M.prepare(T)
  local model = prepared[T]
  if model then return model end
  local problems = not passed[T] and schema.check(T)
  if problems then
    error("декларация арендатора некорректна:\n" .. table.concat(problems, "\n"), 0)
  end
  model = { T = T, policy = T.password_policy, dictionaries = {}, consents = {}, kinds = {}, kind_by_id = {} }
  for name, items in pairs(T.dictionaries or {}) do
    model.dictionaries[name] = normalise_items(items)
  end
  for i, c in ipairs(T.consents or {}) do
    model.consents[i] = {
      id = c.id, title = c.title, label = c.label, version = c.version, text = c.text,
      required = c.required ~= false, implicit = c.implicit == true, error = c.error or TEXT.consent_needed,
    }
  end
  for i, decl in ipairs(T.applicant_kinds) do
    local kind = { id = decl.id, label = decl.label, decl = decl, fields = {}, by_name = {},
      profile = {}, access_ways = decl.access_ways or T.access_ways }
    for j, f in ipairs(decl.fields) do
      local field = M.prepare_field(f, f.login == true or decl.login == f.name)
      kind.fields[j] = field
      kind.by_name[field.name] = field
      if field.login then kind.login_field = field end
      if field.type ~= "password" and field.type ~= "password_confirm" then
        kind.profile[#kind.profile + 1] = field
      end
    end
    for _, f in ipairs(decl.profile_fields or {}) do
      local field = M.prepare_field(f, false)
      field.profile_only = true
      kind.profile[#kind.profile + 1] = field
      kind.by_name[field.name] = field
    end
    model.kinds[i] = kind
    model.kind_by_id[kind.id] = kind
  end
  prepared[T] = model
  return model
end

-- The items a field's value must come from, or nil.
local function choices(model, field)
  if field.options then return field.options end
  if field.dictionary then return model.dictionaries[field.dictionary] end
  return nil
end

---------------------------------------------------------------------------
-- The portal's view of the forms
---------------------------------------------------------------------------

--- The portal's view of one field (registration, profile and case forms alike).
function M.field_view(model, f)
  local out = {
    name = f.name, label = f.label, type = f.type, required = f.required, login = f.login,
    dictionary = f.dictionary, hint = f.hint, placeholder = f.placeholder,
    min_length = f.min_length, max_length = f.max_length, same_as = f.same_as,
    default = f.default,
  }
  if f.type == "password" then
    out.min_length = out.min_length or model.policy.min_length
    out.max_length = out.max_length or model.policy.max_length
  end
  if f.options then
    local opts = {}
    for i, o in ipairs(f.options) do opts[i] = { value = o.value, label = o.label } end
    out.options = array(opts)
  end
  if f.visible_if then
    out.visible_if = { field = f.visible_if.field, equals = f.visible_if.equals }
  end
  return out
end

-- Texts of the given message keys.
local function texts(T, keys)
  local out = {}
  for _, k in ipairs(keys) do out[k] = W.message(T, k) end
  return out
end

--- The registration form (see kabinet.tenant.registration_form).
function M.registration_form(T)
  local model = M.prepare(T)
  local kinds = {}
  for i, kind in ipairs(model.kinds) do
    local fields = {}
    for j, f in ipairs(kind.fields) do fields[j] = M.field_view(model, f) end
    kinds[i] = { id = kind.id, label = kind.label, fields = array(fields) }
  end
  local consents = {}
  for i, c in ipairs(model.consents) do
    consents[i] = { id = c.id, title = c.title, label = c.label, version = c.version,
      text = c.text, required = c.required, implicit = c.implicit }
  end
  return {
    kinds = array(kinds),
    consents = array(consents),
    password_policy = plain_copy(model.policy),
    messages = texts(T, W.REGISTRATION_MESSAGES),
  }
end

--- Whether the tenant proves phones by a code: where it confirms them at
-- registration, or sends second-factor codes to them.
function M.phone_by_code(T)
  return set_of(T.confirmations).phone == true or T.second_factor == "sms"
end

--- The profile form (see kabinet.tenant.profile_form).
function M.profile_form(T)
  local model = M.prepare(T)
  local kinds = {}
  for i, kind in ipairs(model.kinds) do
    local fields = {}
    for j, f in ipairs(kind.profile) do
      local view = M.field_view(model, f)
      view.editable = not f.login
      view.profile_only = f.profile_only == true
      fields[j] = view
    end
    kinds[i] = { id = kind.id, label = kind.label, fields = array(fields) }
  end
  local switches = {}
  for _, c in ipairs(notifications.declared(T).categories) do
    if c.profile and not c.staff then switches[#switches + 1] = { id = c.id, label = c.label, default = c.default } end
  end
  -- The contact fields whose confirmation the profile shows: the e-mail where
  -- the tenant confirms it by a link, the phone where it proves it by a code.
  local confirmed = {}
  if set_of(T.confirmations).email then confirmed.email = schema.identity_field(T, "email_field", "email") end
  if M.phone_by_code(T) then confirmed.phone = schema.identity_field(T, "phone_field", "phone") end
  return { kinds = array(kinds), notifications = array(switches), messages = texts(T, W.PROFILE_MESSAGES),
    confirmed = confirmed }
end

--- A dictionary of the tenant (see kabinet.tenant.dictionary).
function M.dictionary(T, name)
  local model = M.prepare(T)
  local items = type(name) == "string" and model.dictionaries[name]
  if not items then return nil end
  local out = {}
  for i, item in ipairs(items) do
    local copy = {}
    for k, v in pairs(item) do copy[k] = v end
    out[i] = copy
  end
  return { name = name, items = array(out) }
end

---------------------------------------------------------------------------
-- Field values
---------------------------------------------------------------------------

-- Free text: trimmed, valid UTF-8, no control characters (textarea keeps
-- line breaks and tabs), within length limits, matching the field's pattern.
local function text_value(raw, f)
  local s = V.to_text(raw)
  if not s then return nil, TEXT.bad_value end
  s = V.trim(s)
  local len = utf8.len(s)
  if not len then return nil, "Недопустимые символы" end
  local bad = f.type == "textarea" and "[%z\1-\8\11\12\14-\31\127]" or "[%z\1-\31\127]"
  if s:find(bad) then return nil, "Недопустимые символы" end
  if f.min_length and len < f.min_length then
    return nil, "Должно быть не менее " .. V.chars_genitive(f.min_length)
  end
  local max = f.max_length or W.DEFAULT_MAX_LENGTH[f.type]
  if max and len > max then
    return nil, "Должно быть не более " .. V.chars_genitive(max)
  end
  if f.pattern and not s:find(f.pattern) then
    return nil, f.pattern_message or "Неверный формат"
  end
  return s
end

-- A password as typed; the tenant policy, narrowed by the field's own limits.
local function password_value(raw, f, model)
  if type(raw) ~= "string" then return nil, TEXT.bad_value end
  local policy = model.policy
  if f.min_length or f.max_length then
    local merged = {}
    for k, v in pairs(policy) do merged[k] = v end
    merged.min_length = math.max(f.min_length or 0, policy.min_length or 0)
    merged.max_length = math.min(f.max_length or math.maxinteger, policy.max_length or math.maxinteger)
    policy = merged
  end
  local ok, err = V.password(raw, policy)
  if not ok then return nil, err end
  return raw
end

-- Normalisers by field type: (raw, field, model) → value | nil, reason.
local NORMALIZE = {
  text = text_value,
  textarea = text_value,
  password = password_value,
  password_confirm = function(raw)
    if type(raw) ~= "string" then return nil, TEXT.bad_value end
    return raw
  end,
  email = function(raw, f)
    local v, err = V.normalize_email(raw)
    if v and f.max_length and utf8.len(v) > f.max_length then
      return nil, "Должно быть не более " .. V.chars_genitive(f.max_length)
    end
    return v, err
  end,
  phone = function(raw, f) return V.normalize_phone(raw, { mobile = f.mobile }) end,
  snils = V.normalize_snils,
  inn = function(raw) return V.normalize_inn(raw) end,
  inn10 = function(raw) return V.normalize_inn(raw, 10) end,
  inn12 = function(raw) return V.normalize_inn(raw, 12) end,
  ogrn = V.normalize_ogrn,
  ogrnip = V.normalize_ogrnip,
  egr_record = V.normalize_egr_record,
  passport = V.normalize_passport,
  postcode = V.normalize_postcode,
  date = function(raw) return V.normalize_date(raw) end,
  select = function(raw)
    local s = V.to_text(raw)
    if not s then return nil, TEXT.bad_value end
    return V.trim(s)
  end,
  boolean = function(raw)
    local b = M.parse_boolean(raw)
    if b == nil then return nil, "Выберите «Да» или «Нет»" end
    return b
  end,
}
NORMALIZE.street = NORMALIZE.select

--- Normalises the value of one field, including list membership. Text login
-- identifiers are case-folded ("PETROV.DEMO" is "petrov.demo"), in
-- registration and login alike.
-- @return value or nil, reason
function M.field_value(model, f, raw)
  local v, err = NORMALIZE[f.type](raw, f, model)
  if v == nil then return nil, err end
  if f.login and (f.type == "text" or f.type == "textarea") and type(v) == "string" then v = W.change_case(v, false) end
  local items = choices(model, f)
  if items then
    for _, item in ipairs(items) do
      if tostring(item.value) == v then return item.value end
    end
    return nil, TEXT.not_in_list
  end
  return v
end

--- True when a value counts as "not filled in".
function M.is_empty(f, v)
  if v == nil then return true end
  if type(v) == "string" then
    if f.type == "password" or f.type == "password_confirm" then return v == "" end
    return v:find("%S") == nil
  end
  return false
end

---------------------------------------------------------------------------
-- The validation loop
---------------------------------------------------------------------------

-- Whether a field is shown, given the values sent (visible_if chains are
-- followed; check() has ruled out cycles). In a PATCH the stored values are
-- the core's: when the controlling field is not sent, the field counts as shown.
local function visible(kind, f, fields, patch)
  local cond = f.visible_if
  if not cond then return true end
  local ctrl = kind.by_name[cond.field]
  local raw = fields[ctrl.name]
  if patch and raw == nil then return true end
  if not visible(kind, ctrl, fields, patch) then return false end
  if ctrl.type == "boolean" then
    local b = M.parse_boolean(raw)
    if b == nil then b = ctrl.default == true end
    return b == cond.equals
  end
  local s = V.to_text(raw)
  return s ~= nil and V.trim(s) == tostring(cond.equals)
end

-- Calls a tenant's validate function; a failure in it is logged and shown
-- as a form-level error instead of letting a broken form pass.
local function run_hook(fn, kind_id, fields, errors, values, context)
  if type(fn) ~= "function" then return end
  local input, copy = {}, {}
  for k, v in pairs(fields) do input[k] = v end
  for k, v in pairs(values) do copy[k] = v end
  local ok, err = pcall(fn, kind_id, input, errors, copy, context)
  if not ok then
    log("kabinet.tenant: ошибка в функции validate для вида '" .. tostring(kind_id) .. "': " .. tostring(err))
    errors._form = TEXT.hook_failed
  end
end

-- Names sent in a profile change that are not editable fields of the profile.
local function foreign_names(model, kind, fields, errors)
  for name in pairs(fields) do
    local key = tostring(name)
    local f = type(name) == "string" and kind.by_name[name] or nil
    if not f then
      errors[key] = TEXT.unknown_field
    elseif f.type == "password" or f.type == "password_confirm" then
      errors[key] = TEXT.password_elsewhere
    elseif f.login then
      errors[key] = W.message(model.T, "login_readonly")
    end
  end
end

--- Applies every rule of a kind's form to the values sent: required (fields
-- hidden by visible_if skipped), type validators, lengths, lists, same_as,
-- then (registration) the consents, then the kind's and (registration,
-- profile) the tenant's `validate` hooks. `context` is "registration" (every
-- field of the form), "profile" (a PATCH: only the fields sent are checked,
-- an optional one sent empty is cleared to "", names that are not editable
-- fields are errors) or "case" (every field of a case's or an action's form,
-- `kind` = {id, fields, by_name, decl = {validate?}}; no consents, no
-- tenant-wide hook). `hook_context`, when given, is what the kind's hook gets
-- as its last argument instead of `context`.
-- @return errors (possibly empty), values (normalised)
function M.run(model, kind, fields, context, hook_context)
  local patch = context == "profile"
  local errors, values = {}, {}
  if patch then foreign_names(model, kind, fields, errors) end
  local form = patch and kind.profile or kind.fields
  local required_msg = W.message(model.T, "required")
  for _, f in ipairs(form) do
    local raw = fields[f.name]
    if (not patch or (raw ~= nil and not errors[f.name])) and visible(kind, f, fields, patch) then
      local t = type(raw)
      if raw ~= nil and t ~= "string" and t ~= "number" and t ~= "boolean" then
        errors[f.name] = TEXT.bad_value
      elseif M.is_empty(f, raw) then
        if f.default ~= nil then
          values[f.name] = f.default
        elseif f.required then
          errors[f.name] = required_msg
        elseif patch then
          values[f.name] = ""
        end
      else
        local v, err = M.field_value(model, f, raw)
        if v == nil then errors[f.name] = err else values[f.name] = v end
      end
    end
  end
  -- Fields that must repeat another one (password confirmation and the like).
  for _, f in ipairs(form) do
    if f.same_as and values[f.name] ~= nil and not errors[f.name] then
      if f.type == "password_confirm" then
        if fields[f.same_as] ~= values[f.name] then errors[f.name] = TEXT.passwords_differ end
      else
        local other = values[f.same_as]
        if other ~= nil and other ~= values[f.name] then errors[f.name] = TEXT.values_differ end
      end
    end
  end
  -- Consents with a check box must be ticked.
  if context == "registration" then
    for _, c in ipairs(model.consents) do
      if c.required and not c.implicit and M.parse_boolean(fields[c.id]) ~= true then
        errors[c.id] = c.error
      end
    end
  end
  run_hook(kind.decl.validate, kind.id, fields, errors, values, hook_context or context)
  if context ~= "case" then run_hook(model.T.validate, kind.id, fields, errors, values, context) end
  -- Keep the error table to the contract whatever a hook put in it.
  for k, v in pairs(errors) do
    if type(k) ~= "string" then errors[k] = nil
    elseif type(v) ~= "string" then errors[k] = TEXT.bad_value end
  end
  return errors, values
end

--- The kind with that id of a prepared T, or nil and the errors of an unknown kind.
function M.kind(T, kind_id)
  local model = M.prepare(T)
  local kind = model.kind_by_id[kind_id]
  if not kind then return nil, { kind = TEXT.unknown_kind } end
  return kind, model
end

return M
