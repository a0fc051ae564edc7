// A choice between a few options (applicant kind): radio buttons styled as cards.

import { h, idPart } from '../core/ui.js';

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
