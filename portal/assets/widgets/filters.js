// Filter bars of the metering pages: a period (two dates with quick
// choices), selects and radio groups, and «Показать».
//
// Markup: form.filters[data-filter=<name>] with input[name=from],
// input[name=to], button.filters__preset, button.filters__apply and
// .filters__error (the reason the period is refused).

import { h, uid, mount, plural } from '../core/ui.js';
import { isIsoDate, daysBetween, formatLongDate } from '../core/format.js';

/** A labelled <select>: {element, control}. */
export function selectField({ name, label, options, value, onChange }) {
  const id = uid(`filter-${name}`);
  const control = h('select', { id, name, class: 'input select filters__select', onChange },
    options.map((opt) => h('option', { value: opt.value, selected: String(opt.value) === String(value ?? '') }, opt.label)));
  const element = h('div', { class: 'filters__item', dataset: { field: name } },
    h('label', { class: 'filters__label', for: id }, label), control);
  return { element, control };
}

/** Radio buttons as a segmented control: {element, value}. */
export function segmented({ name, legend, options, value, onChange }) {
  const prefix = uid(`seg-${name}`);
  let current = value;
  const element = h('fieldset', { class: 'filters__item segmented', dataset: { field: name } },
    h('legend', { class: 'filters__label' }, legend),
    h('div', { class: 'segmented__options' },
      options.map((opt, i) => {
        const id = `${prefix}-${i}`;
        return h('span', { class: 'segmented__option' },
          h('input', {
            type: 'radio', id, name: `${prefix}-${name}`, value: opt.value, class: 'segmented__input', checked: opt.value === value,
            dataset: { value: opt.value },
            onChange: (e) => { if (e.target.checked) { current = opt.value; if (onChange) onChange(opt.value); } },
          }),
          h('label', { for: id, class: 'segmented__label' }, opt.label));
      })),
  );
  return { element, get value() { return current; } };
}

/** Check boxes in a row: {element, values()}. */
export function checkboxes({ name, legend, options, checked, onChange }) {
  const prefix = uid(`chk-${name}`);
  const boxes = [];
  const element = h('fieldset', { class: 'filters__item checkgroup', dataset: { field: name } },
    h('legend', { class: 'filters__label' }, legend),
    h('div', { class: 'checkgroup__options' },
      options.map((opt, i) => {
        const id = `${prefix}-${i}`;
        const box = h('input', {
          type: 'checkbox', id, name, value: opt.value, class: 'checkbox', checked: checked.includes(opt.value), onChange,
        });
        boxes.push(box);
        return h('span', { class: 'checkgroup__option' }, box, h('label', { for: id }, opt.label));
      })),
  );
  return { element, values: () => boxes.filter((b) => b.checked).map((b) => b.value) };
}

/**
 * A period of dates with quick choices and extra controls.
 * @param {object} o
 * @param {string} o.name          data-filter of the form
 * @param {string} o.from          "YYYY-MM-DD"
 * @param {string} o.to
 * @param {string} [o.max]         the latest date allowed (today in the tenant's zone)
 * @param {number} [o.maxDays]     the longest period, in days
 * @param {{label: string, range: () => [string, string]}[]} [o.presets]
 * @param {Node[]} [o.extra]       more controls before «Показать»
 * @param {boolean} [o.single]     one date only («Дата»), from = to
 * @param {({from, to}) => string|null} [o.check]  another reason to refuse the period
 * @param {({from, to}) => void} o.onApply
 */
export function periodFilter(o) {
  const fromId = uid('period-from');
  const toId = uid('period-to');
  const errorId = uid('period-error');
  const from = h('input', { type: 'date', id: fromId, name: 'from', class: 'input filters__date', value: o.from, max: o.max || null,
    required: true, 'aria-describedby': errorId });
  const to = h('input', { type: 'date', id: toId, name: 'to', class: 'input filters__date', value: o.to, max: o.max || null,
    required: true, 'aria-describedby': errorId });
  const error = h('p', { class: 'filters__error', id: errorId, 'aria-live': 'polite' });

  function validate() {
    const f = from.value;
    const t = o.single ? from.value : to.value;
    let msg = null;
    if (!isIsoDate(f) || !isIsoDate(t)) msg = 'Укажите даты начала и конца периода.';
    else if (f > t) msg = 'Дата начала периода позже даты конца.';
    else if (o.max && f > o.max) msg = `Данных позже ${formatLongDate(o.max)} ещё нет.`;
    else if (o.maxDays && daysBetween(f, t) + 1 > o.maxDays) {
      msg = `Выберите период не длиннее ${o.maxDays} ${plural(o.maxDays, ['дня', 'дней', 'дней'])}.`;
    } else if (o.check) msg = o.check({ from: f, to: t });
    error.textContent = msg || '';
    for (const input of [from, to]) {
      if (msg) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
    }
    return msg ? null : { from: f, to: t };
  }

  function apply() {
    const range = validate();
    if (range) o.onApply(range);
    return range;
  }

  const presets = (o.presets || []).map((p) => h('button', {
    type: 'button',
    class: 'btn btn--chip filters__preset',
    onClick: () => {
      const [f, t] = p.range();
      from.value = f;
      to.value = t;
      apply();
    },
  }, p.label));

  const dates = o.single
    ? h('div', { class: 'filters__item' }, h('label', { class: 'filters__label', for: fromId }, 'Дата'), from)
    : h('fieldset', { class: 'filters__item filters__period' },
      h('legend', { class: 'filters__label' }, 'Период'),
      h('div', { class: 'filters__dates' },
        h('label', { for: fromId, class: 'filters__sublabel' }, 'с'), from,
        h('label', { for: toId, class: 'filters__sublabel' }, 'по'), to));

  const element = h('form', {
    class: 'filters',
    dataset: { filter: o.name },
    novalidate: true,
    onSubmit: (e) => { e.preventDefault(); apply(); },
  },
  h('div', { class: 'filters__row' },
    dates,
    ...(o.extra || []),
    h('div', { class: 'filters__item filters__submit' }, h('button', { type: 'submit', class: 'btn btn--primary filters__apply' }, o.submitLabel || 'Показать'))),
  presets.length ? h('div', { class: 'filters__presets', role: 'group', 'aria-label': 'Быстрый выбор периода' }, presets) : null,
  error,
  );

  return {
    element,
    apply,
    get range() { return { from: from.value, to: o.single ? from.value : to.value }; },
    setRange(f, t) { from.value = f; to.value = t; },
  };
}

/**
 * The area under a filter where the result of a request goes, with
 * data-state="loading" | "ready" | "empty" | "error" (the tests wait for it).
 */
export function resultArea(name) {
  const element = h('div', { class: 'result', dataset: { result: name, state: 'idle' }, 'aria-busy': 'false' });
  return {
    element,
    show(state, ...children) {
      element.dataset.state = state;
      element.setAttribute('aria-busy', state === 'loading' ? 'true' : 'false');
      mount(element, ...children);
    },
  };
}
