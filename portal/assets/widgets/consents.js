// Consents (152-ФЗ) of a form: a checkbox each, with the full text behind a disclosure.
// An implicit consent has no checkbox: sending the form gives it, so it is
// shown as a statement and always listed among the checked ones.
// Markup: `.consents` fieldset, a `.consent.field[data-consent="<id>"][data-field="consents.<id>"]` each
// (`.consent--implicit` without a checkbox), `.field-error` beside it.

import { h, idPart, paragraphs } from '../core/ui.js';

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
