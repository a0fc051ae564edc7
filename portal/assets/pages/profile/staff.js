// The profile page: a staff member's own data, read-only, with Russian labels.

import { h, mount } from '../../core/ui.js';

const ROLE_NAMES = { operator: 'Оператор', 'tenant-admin': 'Администратор организации' };

/** Shows ФИО, e-mail and role of a staff member in `host` (nothing here can be changed by them). */
export function showStaffDetails(host, user) {
  const fields = user.fields && typeof user.fields === 'object' ? user.fields : {};
  const rows = [
    ['ФИО', fields.full_name],
    ['Адрес электронной почты', user.email || fields.email],
    ['Роль', ROLE_NAMES[user.role]],
  ].filter(([, v]) => v);
  mount(host, h('section', { class: 'card profile-section profile-details profile-staff', 'aria-labelledby': 'profile-details-title' },
    h('h2', { class: 'section-title', id: 'profile-details-title' }, 'Сотрудник организации'),
    h('dl', { class: 'profile-facts' }, rows.map(([label, value]) => [h('dt', null, label), h('dd', null, String(value))])),
  ));
}
