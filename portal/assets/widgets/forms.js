// Forms rendered from the definitions the server sends (GET {api}/forms/...).
//
// The field types and their controls are in widgets/field-types.js, consents in widgets/consents.js, the
// applicant kind choice in widgets/choice.js.
//
// A field definition:
//   {name, label, type, required, login, dictionary?, options?: [{value, label}],
//    visible_if?: {field, equals}, hint?, min_length?, max_length?, same_as?,
//    placeholder?, default?, autocomplete?}
// Types: see widgets/field-types.js (more with its registerFieldType()).
// Extra keys the portal itself sets: `editable: false` (the profile's login:
// shown read-only and never sent), `policy` on a password field (the
// tenant's password_policy: a hint and client-side checks), `current: true`
// on a password field asking for the password in use.
//
// Markup of one field (what the rest of the portal and the tests rely on):
//   <div class="field" data-field="<name>" data-type="<type>">
//     <label for="<id>">…</label> <control id="<id>" name="<name>" aria-describedby="<hint id> <error id>">
//     <p class="field-hint" id="<hint id>">…</p>
//     <p class="field-error" id="<error id>"></p>
//   </div>

import { h, idPart, classNames } from '../core/ui.js';
import { validateField, DIGIT_TYPES, stripSeparators, isEmpty, passwordPolicyHint } from '../core/validation.js';
import { fieldRenderer } from './field-types.js';

// ---------------------------------------------------------------------------
// Values

/** The value sent to the server for a field, or undefined to leave it out. */
export function normalizeValue(field, raw) {
  const type = field.type || 'text';
  if (type === 'boolean') return raw === true;
  if (raw === undefined || raw === null) return undefined;
  let v = String(raw);
  if (type === 'password' || type === 'password_confirm') return v === '' ? undefined : v;
  v = v.trim();
  if (DIGIT_TYPES[type]) v = stripSeparators(v);
  if (type === 'decimal') v = v.replace(/[\s\u00a0\u202f]/g, '');
  return v === '' ? undefined : v;
}

function visibleIfMatches(rule, value) {
  const expected = rule.equals;
  if (Array.isArray(expected)) return expected.some((e) => String(e) === String(value));
  if (typeof expected === 'boolean') return (value === true || value === 'true') === expected;
  return String(value ?? '') === String(expected ?? '');
}

// ---------------------------------------------------------------------------
// A form

/**
 * Renders the fields of a definition.
 * @param {{fields: object[]}} definition
 * @param {object} [options]
 * @param {string} [options.idPrefix]       prefix of element ids, unique on the page
 * @param {object} [options.values]         a store of raw values by field name; it is read
 *                                          for initial values and updated on every change,
 *                                          so several forms (applicant kinds) can share it
 * @param {(name: string) => Promise<object[]>} [options.loadDictionary]
 * @param {(name: string) => void} [options.onChange]
 */
export function createForm(definition, options = {}) {
  const idPrefix = options.idPrefix || 'form';
  const store = options.values || {};
  const list = (definition.fields || []).map((f) => ({ ...f, type: f.type || 'text' }));
  const byName = new Map();
  const pending = [];

  const element = h('div', { class: 'form-fields' });

  for (const field of list) {
    const render = fieldRenderer(field.type);
    const base = `${idPrefix}-${idPart(field.name)}`;
    const id = base;
    const hintId = `${base}-hint`;
    const errorId = `${base}-error`;
    const readOnly = field.editable === false;
    const policyHint = field.type === 'password' && field.policy && !field.hint ? passwordPolicyHint(field.policy) : null;
    const loginHint = field.login
      ? (readOnly ? 'Используется как логин для входа в личный кабинет; изменить его нельзя.' : 'Используется как логин для входа в личный кабинет.')
      : (readOnly ? 'Изменить нельзя.' : null);
    const hintText = [field.hint, policyHint, loginHint]
      .filter(Boolean)
      .map((t) => (/[.!?…]$/.test(String(t).trim()) ? String(t).trim() : `${String(t).trim()}.`))
      .join(' ');
    const describedBy = [hintText ? hintId : null, errorId].filter(Boolean).join(' ');

    const inst = {
      field,
      visible: true,
      dirty: false,
      error: null,
      wrapper: null,
      control: null,
      errorEl: null,
    };
    const impl = render(field, { id, name: field.name, describedBy, emit: (kind) => onFieldEvent(inst, kind) });
    inst.impl = impl;
    inst.control = impl.control;
    inst.readOnly = readOnly;
    if (readOnly) {
      if ('readOnly' in impl.control && impl.control.type !== 'checkbox' && impl.control.tagName !== 'SELECT') {
        impl.control.readOnly = true;
        impl.control.setAttribute('aria-readonly', 'true');
      } else {
        impl.control.disabled = true;
      }
    }

    const label = h('label', { class: 'field-label', for: id },
      field.label || field.name,
      field.required && field.type !== 'boolean' ? h('span', { class: 'field-required', 'aria-hidden': 'true' }, ' *') : null,
      field.login ? h('span', { class: 'badge' }, 'логин') : null,
    );
    inst.errorEl = h('p', { class: 'field-error', id: errorId, 'aria-live': 'polite' });
    inst.wrapper = h('div', {
      class: classNames('field', `field--${field.type}`, { 'field--readonly': readOnly }),
      dataset: { field: field.name, type: field.type },
    },
    label,
    impl.body,
    hintText ? h('p', { class: 'field-hint', id: hintId }, hintText) : null,
    inst.errorEl,
    );
    element.appendChild(inst.wrapper);
    byName.set(field.name, inst);

    // Initial value: what the person already typed (shared store), else the default.
    const initial = store[field.name] !== undefined ? store[field.name] : field.default;
    if (initial !== undefined) impl.set(initial);
    store[field.name] = impl.get();

    if (field.dictionary && impl.setOptions && !(Array.isArray(field.options) && field.options.length)) {
      impl.setOptions([], 'loading');
      if (options.loadDictionary) {
        pending.push(
          options.loadDictionary(field.dictionary).then(
            (items) => {
              field.options = items;
              impl.setOptions(items, 'ready');
              if (store[field.name]) impl.set(store[field.name]);
            },
            () => {
              impl.setOptions([], 'error');
              showError(inst, 'Не удалось загрузить список. Обновите страницу.', 'client');
            },
          ),
        );
      }
    } else if (impl.setOptions) {
      impl.setOptions(field.options || [], 'ready');
      if (initial !== undefined) impl.set(initial);
    }
  }

  function rawValue(name) {
    const inst = byName.get(name);
    return inst ? inst.impl.get() : store[name];
  }
  function normValue(name) {
    const inst = byName.get(name);
    return inst ? normalizeValue(inst.field, inst.impl.get()) : store[name];
  }

  function computeVisible(inst, seen = new Set()) {
    const rule = inst.field.visible_if;
    if (!rule || !rule.field) return true;
    if (seen.has(inst.field.name)) return true; // a cycle in the definition: show the field
    seen.add(inst.field.name);
    const dep = byName.get(rule.field);
    if (dep && !computeVisible(dep, seen)) return false;
    const value = dep ? dep.impl.get() : store[rule.field];
    return visibleIfMatches(rule, value);
  }

  function updateVisibility() {
    for (const inst of byName.values()) {
      const visible = computeVisible(inst);
      if (visible === inst.visible) continue;
      inst.visible = visible;
      inst.wrapper.hidden = !visible;
      inst.control.dataset.hiddenByRule = visible ? '' : '1';
      inst.control.disabled = !visible || (inst.readOnly && inst.control.readOnly !== true);
      if (!visible) showError(inst, null);
    }
  }

  function showError(inst, message, source) {
    inst.error = message ? { message, source } : null;
    inst.errorEl.textContent = message || '';
    if (message) {
      inst.errorEl.dataset.source = source;
      inst.control.setAttribute('aria-invalid', 'true');
    } else {
      delete inst.errorEl.dataset.source;
      inst.control.removeAttribute('aria-invalid');
    }
    inst.wrapper.classList.toggle('has-error', Boolean(message));
  }

  function check(inst) {
    return validateField(inst.field, normalizeValue(inst.field, inst.impl.get()), normValue, (n) => byName.get(n)?.field);
  }

  function onFieldEvent(inst, kind) {
    store[inst.field.name] = inst.impl.get();
    inst.dirty = true;
    if (kind === 'input') {
      // A server's verdict is about the old value; a client hint is re-checked live.
      if (inst.error) showError(inst, inst.error.source === 'client' ? check(inst) : null, 'client');
    } else {
      showError(inst, check(inst), 'client');
    }
    // Fields compared with this one (password confirmation) are re-checked too.
    for (const other of byName.values()) {
      const sameAs = other.field.same_as || (other.field.type === 'password_confirm' ? 'password' : null);
      if (other !== inst && sameAs === inst.field.name && other.dirty && other.visible) showError(other, check(other), 'client');
    }
    updateVisibility();
    if (options.onChange) options.onChange(inst.field.name);
  }

  // Blur shows hints for what was typed; untouched empty fields stay quiet until submit.
  element.addEventListener('focusout', (e) => {
    for (const inst of byName.values()) {
      if (inst.wrapper.contains(e.target) && inst.dirty && !inst.error && inst.visible) {
        showError(inst, check(inst), 'client');
      }
    }
  });

  updateVisibility();

  const controller = {
    element,
    /** Resolves when the dictionaries of the form are loaded (or failed). */
    ready: Promise.allSettled(pending),
    fields: byName,
    field: (name) => byName.get(name),
    /** Values of the visible, editable fields as sent to the server; empty ones are left out. */
    values() {
      const out = {};
      for (const inst of byName.values()) {
        if (!inst.visible || inst.readOnly) continue;
        const v = normalizeValue(inst.field, inst.impl.get());
        if (v !== undefined) out[inst.field.name] = v;
      }
      return out;
    },
    /** Checks the visible fields, shows the hints and returns {name: message}. */
    validate() {
      const errors = {};
      for (const inst of byName.values()) {
        if (!inst.visible || inst.readOnly) continue;
        const msg = check(inst);
        showError(inst, msg, 'client');
        if (msg) errors[inst.field.name] = msg;
      }
      return errors;
    },
    /** Shows the server's reasons beside the fields; returns the entries that match no visible field. */
    setErrors(fields, source = 'server') {
      const rest = {};
      for (const [name, message] of Object.entries(fields || {})) {
        const inst = byName.get(name);
        if (inst && inst.visible) showError(inst, String(message), source);
        else rest[name] = message;
      }
      return rest;
    },
    clearErrors() {
      for (const inst of byName.values()) showError(inst, null);
    },
    /** Moves the focus to the first field with an error; returns true if there was one. */
    focusFirstError() {
      for (const inst of byName.values()) {
        if (inst.visible && inst.error) {
          inst.control.focus();
          return true;
        }
      }
      return false;
    },
    rawValue,
    isEmpty: (name) => isEmpty(rawValue(name)),
    /** Puts a value into a field (as the server stores it). */
    setValue(name, value) {
      const inst = byName.get(name);
      if (!inst) return;
      inst.impl.set(value);
      store[name] = inst.impl.get();
      updateVisibility();
    },
    /** Shows one message beside a field (source 'server' or 'client'). */
    setError(name, message, source = 'server') {
      const inst = byName.get(name);
      if (inst) showError(inst, message, source);
    },
  };
  return controller;
}

/** Puts a submit button into a busy state (and back) without losing its text. */
export function setBusy(button, busy, busyText = 'Отправка…') {
  if (!button) return;
  if (busy) {
    if (!button.dataset.idleText) button.dataset.idleText = button.textContent;
    button.textContent = busyText;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
  } else {
    if (button.dataset.idleText) button.textContent = button.dataset.idleText;
    delete button.dataset.idleText;
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}
