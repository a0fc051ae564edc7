// Forms rendered from the definitions the server sends (GET {api}/forms/...).
//
// A field definition:
//   {name, label, type, required, login, dictionary?, options?: [{value, label}],
//    visible_if?: {field, equals}, hint?, min_length?, max_length?, same_as?,
//    placeholder?, default?, autocomplete?}
// Types: text, email, phone, password, password_confirm, snils, inn, inn10,
// inn12, ogrn, ogrnip, postcode, date, select, street, boolean, textarea,
// decimal (a number with a decimal comma or point, e.g. a meter reading) and
// code (a one-time code of 6 digits). More types can be added with
// registerFieldType().
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

import { h, idPart, classNames, paragraphs } from '../core/ui.js';
import { validateField, DIGIT_TYPES, stripSeparators, isEmpty, passwordPolicyHint } from '../core/validation.js';

// ---------------------------------------------------------------------------
// Field types

const fieldTypes = new Map();

/**
 * Registers a renderer for a field type.
 * render(field, ctx) must return {control, body, get(), set(value), setOptions?(items)}
 *   control — the focusable element that gets id, aria-invalid and aria-describedby;
 *   body    — the node placed under the label (may be the control itself);
 * ctx: {id, name, describedBy, emit(kind)} where kind is 'input' or 'change'.
 */
export function registerFieldType(type, render) {
  fieldTypes.set(type, render);
}

function defaultAutocomplete(field) {
  if (field.autocomplete) return field.autocomplete;
  switch (field.type) {
    case 'email': return 'email';
    case 'phone': return 'tel';
    case 'password':
    case 'password_confirm': return field.current ? 'current-password' : 'new-password';
    case 'postcode': return 'postal-code';
    case 'code': return 'one-time-code';
    default: break;
  }
  const byName = {
    last_name: 'family-name', surname: 'family-name',
    first_name: 'given-name', name_first: 'given-name',
    middle_name: 'additional-name', patronymic: 'additional-name',
    full_name: 'name', fio: 'name',
    organization: 'organization', org_name: 'organization',
  };
  return byName[field.name] || 'off';
}

function inputRenderer(inputType, extra = {}) {
  return (field, ctx) => {
    const input = h('input', {
      type: inputType,
      id: ctx.id,
      name: field.name,
      class: 'input',
      placeholder: field.placeholder || null,
      autocomplete: defaultAutocomplete(field),
      'aria-describedby': ctx.describedBy,
      'aria-required': field.required ? 'true' : null,
      ...extra,
      onInput: () => ctx.emit('input'),
      onChange: () => ctx.emit('change'),
    });
    return {
      control: input,
      body: input,
      get: () => input.value,
      set: (v) => { input.value = v === undefined || v === null ? '' : String(v); },
    };
  };
}

const digitsExtra = { inputmode: 'numeric', spellcheck: 'false' };

registerFieldType('text', inputRenderer('text'));
registerFieldType('email', inputRenderer('email', { inputmode: 'email', spellcheck: 'false', autocapitalize: 'off' }));
registerFieldType('phone', inputRenderer('tel', { inputmode: 'tel' }));
registerFieldType('date', inputRenderer('date'));
// A decimal number as people type it: «5051,398», «12 345.5».
registerFieldType('decimal', inputRenderer('text', { inputmode: 'decimal', spellcheck: 'false' }));
for (const t of Object.keys(DIGIT_TYPES)) registerFieldType(t, inputRenderer('text', digitsExtra));

function passwordRenderer(field, ctx) {
  const base = inputRenderer('password', { spellcheck: 'false', autocapitalize: 'off' })(field, ctx);
  const input = base.control;
  const toggle = h('button', {
    type: 'button',
    class: 'input-addon',
    'aria-controls': ctx.id,
    'aria-label': 'Показать пароль',
    onClick: () => {
      const show = input.type === 'password';
      input.type = show ? 'text' : 'password';
      toggle.setAttribute('aria-label', show ? 'Скрыть пароль' : 'Показать пароль');
      toggle.textContent = show ? 'Скрыть' : 'Показать';
    },
  }, 'Показать');
  return { ...base, body: h('div', { class: 'input-group' }, input, toggle) };
}
registerFieldType('password', passwordRenderer);
registerFieldType('password_confirm', passwordRenderer);

registerFieldType('textarea', (field, ctx) => {
  const area = h('textarea', {
    id: ctx.id,
    name: field.name,
    class: 'input textarea',
    rows: 5,
    placeholder: field.placeholder || null,
    'aria-describedby': ctx.describedBy,
    'aria-required': field.required ? 'true' : null,
    onInput: () => { updateCounter(); ctx.emit('input'); },
    onChange: () => ctx.emit('change'),
  });
  const counter = Number.isFinite(field.max_length) ? h('span', { class: 'counter', 'aria-hidden': 'true' }) : null;
  function updateCounter() {
    if (!counter) return;
    const len = [...area.value].length;
    counter.textContent = `${len} / ${field.max_length}`;
    counter.classList.toggle('counter--over', len > field.max_length);
  }
  updateCounter();
  return {
    control: area,
    body: counter ? h('div', { class: 'textarea-wrap' }, area, counter) : area,
    get: () => area.value,
    set: (v) => { area.value = v ?? ''; updateCounter(); },
  };
});

function fillSelect(select, items, value, emptyLabel) {
  select.replaceChildren(
    h('option', { value: '' }, emptyLabel),
    ...items.map((o) => h('option', { value: String(o.value) }, o.label ?? String(o.value))),
  );
  select.value = value ?? '';
  if (select.value !== String(value ?? '')) select.value = '';
}

const FILTER_THRESHOLD = 12;

function selectRenderer(field, ctx) {
  const emptyLabel = field.placeholder || (field.type === 'street' ? '— выберите улицу —' : '— выберите —');
  const select = h('select', {
    id: ctx.id,
    name: field.name,
    class: 'input select',
    autocomplete: 'off',
    'aria-describedby': ctx.describedBy,
    'aria-required': field.required ? 'true' : null,
    onChange: () => ctx.emit('change'),
  });
  let items = Array.isArray(field.options) ? field.options : [];
  let current = '';
  fillSelect(select, items, current, emptyLabel);

  // A long list (streets of a city) gets a search box that narrows it.
  const filter = h('input', {
    type: 'search',
    class: 'input select-filter',
    placeholder: field.type === 'street' ? 'Поиск улицы по названию' : 'Поиск в списке',
    'aria-label': `Поиск: ${field.label}`,
    'aria-controls': ctx.id,
    autocomplete: 'off',
    hidden: true,
    onInput: () => applyFilter(),
  });
  function applyFilter() {
    const q = filter.value.trim().toLocaleLowerCase('ru');
    const shown = q ? items.filter((o) => String(o.label ?? o.value).toLocaleLowerCase('ru').includes(q)) : items;
    const keep = select.value;
    const withSelected = keep && !shown.some((o) => String(o.value) === keep)
      ? [items.find((o) => String(o.value) === keep), ...shown].filter(Boolean)
      : shown;
    fillSelect(select, withSelected, keep, q ? `— найдено: ${shown.length} —` : emptyLabel);
  }
  const body = h('div', { class: 'select-wrap' }, filter, select);
  return {
    control: select,
    body,
    get: () => select.value,
    set: (v) => { current = v ?? ''; select.value = current; if (select.value !== String(current)) select.value = ''; },
    setOptions: (list, state) => {
      items = Array.isArray(list) ? list : [];
      const keep = select.value || current;
      if (state === 'loading') fillSelect(select, [], '', 'Загрузка списка…');
      else if (state === 'error') fillSelect(select, [], '', 'Список недоступен');
      else fillSelect(select, items, keep, emptyLabel);
      select.disabled = state === 'loading' || state === 'error' || select.dataset.hiddenByRule === '1';
      filter.hidden = items.length <= FILTER_THRESHOLD;
    },
  };
}
registerFieldType('select', selectRenderer);
registerFieldType('street', selectRenderer);

registerFieldType('boolean', (field, ctx) => {
  const box = h('input', {
    type: 'checkbox',
    role: 'switch',
    id: ctx.id,
    name: field.name,
    class: 'switch__input',
    'aria-describedby': ctx.describedBy,
    onChange: () => { sync(); ctx.emit('change'); },
  });
  const state = h('span', { class: 'switch__state', 'aria-hidden': 'true' });
  function sync() { state.textContent = box.checked ? 'Да' : 'Нет'; }
  sync();
  const body = h('label', { class: 'switch', for: ctx.id },
    box,
    h('span', { class: 'switch__track', 'aria-hidden': 'true' }, h('span', { class: 'switch__thumb' })),
    state,
  );
  return {
    control: box,
    body,
    get: () => box.checked,
    set: (v) => { box.checked = v === true || v === 'true'; sync(); },
  };
});

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
    const render = fieldTypes.get(field.type) || fieldTypes.get('text');
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

// ---------------------------------------------------------------------------
// Consents (152-ФЗ): a checkbox each, with the full text behind a disclosure.
// An implicit consent has no checkbox: sending the form gives it, so it is
// shown as a statement and always listed among the checked ones.

/**
 * @param {{id, label, version, text, required}[]} consents
 * @param {{idPrefix?: string, checked?: Set<string>}} [options]
 */
export function createConsents(consents, options = {}) {
  const idPrefix = options.idPrefix || 'consent';
  const checkedStore = options.checked || new Set();
  const items = new Map();
  const list = Array.isArray(consents) ? consents : [];

  const element = list.length
    ? h('fieldset', { class: 'consents' }, h('legend', { class: 'consents__legend' }, 'Согласия'))
    : null;

  for (const c of list) {
    const id = `${idPrefix}-${idPart(c.id)}`;
    const errorId = `${id}-error`;
    const details = c.text
      ? h('details', { class: 'consent__details' },
        h('summary', null, 'Текст согласия', c.version ? ` (редакция ${c.version})` : ''),
        h('div', { class: 'consent__text', tabindex: '0' }, paragraphs(c.text)))
      : null;
    if (c.implicit) {
      const item = {
        consent: c,
        box: null,
        error: null,
        errorEl: h('p', { class: 'field-error', id: errorId, 'aria-live': 'polite' }),
        wrapper: null,
      };
      item.wrapper = h('div', { class: 'consent consent--implicit field', dataset: { consent: c.id, field: `consents.${c.id}` } },
        c.title ? h('p', { class: 'consent__title' }, c.title) : null,
        h('p', { class: 'consent__statement' }, c.label),
        h('p', { class: 'field-hint' }, 'Согласие даётся отправкой формы.'),
        details,
        item.errorEl,
      );
      element.appendChild(item.wrapper);
      items.set(c.id, item);
      continue;
    }
    const box = h('input', {
      type: 'checkbox',
      id,
      name: 'consents',
      value: c.id,
      class: 'checkbox',
      checked: checkedStore.has(c.id),
      'aria-describedby': errorId,
      'aria-required': c.required ? 'true' : null,
      onChange: () => {
        if (box.checked) checkedStore.add(c.id); else checkedStore.delete(c.id);
        if (item.error) showError(item, box.checked ? null : item.error);
      },
    });
    const item = {
      consent: c,
      box,
      error: null,
      errorEl: h('p', { class: 'field-error', id: errorId, 'aria-live': 'polite' }),
      wrapper: null,
    };
    const text = details;
    item.wrapper = h('div', { class: 'consent field', dataset: { consent: c.id, field: `consents.${c.id}` } },
      h('div', { class: 'consent__row' },
        box,
        h('label', { for: id, class: 'consent__label' }, c.label, c.required ? h('span', { class: 'field-required', 'aria-hidden': 'true' }, ' *') : null),
      ),
      text,
      item.errorEl,
    );
    element.appendChild(item.wrapper);
    items.set(c.id, item);
  }

  function showError(item, message) {
    item.error = message || null;
    item.errorEl.textContent = message || '';
    item.wrapper.classList.toggle('has-error', Boolean(message));
    if (!item.box) return;
    if (message) item.box.setAttribute('aria-invalid', 'true');
    else item.box.removeAttribute('aria-invalid');
  }

  return {
    element,
    /** Ids of the consents that are checked. */
    checked: () => list.filter((c) => c.implicit || items.get(c.id).box.checked).map((c) => c.id),
    validate() {
      const errors = {};
      for (const item of items.values()) {
        const msg = item.box && item.consent.required && !item.box.checked ? 'Без этого согласия регистрация невозможна' : null;
        showError(item, msg);
        if (msg) errors[`consents.${item.consent.id}`] = msg;
      }
      return errors;
    },
    /**
     * Shows server errors addressed to consents: keys "consents.<id>", "consent.<id>",
     * "consents:<id>" or a bare consent id; "consents" goes to the first unchecked
     * required consent. Returns the entries that were not consumed.
     */
    setErrors(fields) {
      const rest = {};
      for (const [key, message] of Object.entries(fields || {})) {
        const m = /^consents?[.:/[](.+?)\]?$/.exec(key);
        const id = m ? m[1] : key;
        if (items.has(id)) {
          showError(items.get(id), String(message));
        } else if (key === 'consents' || key === 'consent') {
          const target = [...items.values()].find((i) => i.box && i.consent.required && !i.box.checked) || [...items.values()][0];
          if (target) showError(target, String(message)); else rest[key] = message;
        } else {
          rest[key] = message;
        }
      }
      return rest;
    },
    clearErrors() {
      for (const item of items.values()) showError(item, null);
    },
    focusFirstError() {
      for (const item of items.values()) {
        if (item.error && item.box) { item.box.focus(); return true; }
      }
      return false;
    },
  };
}

// ---------------------------------------------------------------------------
// Choice between a few options (applicant kind): radio buttons styled as cards.

/**
 * @param {{legend: string, name: string, options: {value, label, description?}[], value: string,
 *          onChange: (value: string) => void, idPrefix?: string}} o
 */
export function createChoice(o) {
  const idPrefix = o.idPrefix || `choice-${idPart(o.name)}`;
  const element = h('fieldset', { class: 'choice', dataset: { field: o.name } },
    h('legend', { class: 'field-label' }, o.legend),
    h('div', { class: 'choice__options' },
      o.options.map((opt) => {
        const id = `${idPrefix}-${idPart(opt.value)}`;
        return h('div', { class: 'choice__option' },
          h('input', {
            type: 'radio',
            id,
            name: o.name,
            value: opt.value,
            class: 'choice__input',
            checked: opt.value === o.value,
            onChange: (e) => { if (e.target.checked) o.onChange(opt.value); },
          }),
          h('label', { for: id, class: 'choice__label' },
            h('span', { class: 'choice__title' }, opt.label),
            opt.description ? h('span', { class: 'choice__desc' }, opt.description) : null,
          ),
        );
      }),
    ),
  );
  return element;
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
