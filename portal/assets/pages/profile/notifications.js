// The profile page: the notification switches a tenant offers.

import { h } from '../../core/ui.js';

/** Switches of the notifications a tenant offers ({id, label}) — or null when it offers none. */
export function notificationSwitches(defs, current) {
  if (!defs.length) return null;
  const boxes = new Map();
  const element = h('fieldset', { class: 'notifications', dataset: { field: 'notifications' } },
    h('legend', { class: 'consents__legend' }, 'Уведомления'),
    defs.map((d) => {
      const id = `profile-notification-${String(d.id).replace(/[^A-Za-z0-9_-]/g, '_')}`;
      // Never set: the tenant's default (a switch is on unless the tenant says otherwise).
      const on = typeof current[d.id] === 'boolean' ? current[d.id] : d.default !== false;
      const box = h('input', { type: 'checkbox', role: 'switch', id, name: `notifications.${d.id}`, class: 'switch__input', checked: on });
      const state = h('span', { class: 'switch__state', 'aria-hidden': 'true' });
      const sync = () => { state.textContent = box.checked ? 'Да' : 'Нет'; };
      box.addEventListener('change', sync);
      sync();
      boxes.set(String(d.id), box);
      return h('div', { class: 'field field--boolean notification', dataset: { notification: d.id } },
        h('span', { class: 'field-label', id: `${id}-label` }, d.label || d.id),
        h('label', { class: 'switch', for: id },
          box,
          h('span', { class: 'switch__track', 'aria-hidden': 'true' }, h('span', { class: 'switch__thumb' })),
          state),
      );
    }),
  );
  for (const [, box] of boxes) box.setAttribute('aria-labelledby', `${box.id}-label`);
  return {
    element,
    has: (id) => boxes.has(String(id)),
    values: () => Object.fromEntries([...boxes].map(([id, box]) => [id, box.checked])),
  };
}
