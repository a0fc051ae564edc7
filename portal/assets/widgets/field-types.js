// Field types of the forms built from server definitions (widgets/forms.js): a renderer per type, and
// registerFieldType() for more.
// Types: text, email, phone, password, password_confirm, snils, inn, inn10, inn12, ogrn, ogrnip, postcode,
// date, select, street, boolean, textarea, decimal (a number with a decimal comma or point, e.g. a meter
// reading) and code (a one-time code of 6 digits). A type without a renderer is drawn as text.

import { h } from '../core/ui.js';
import { DIGIT_TYPES } from '../core/validation.js';

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

/** The renderer of a field type (see registerFieldType); a type without one is drawn as text. */
export function fieldRenderer(type) {
  return fieldTypes.get(type) || fieldTypes.get('text');
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
