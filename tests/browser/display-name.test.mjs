// The name the portal shows for a person (portal/assets/core/session.js displayName): the server's display_name
// with a person's name shortened, an organisation's name whole; without one, the profile values, the e-mail,
// then the login formatted — never raw digits (issue 9, item 14). Runs in Node, no browser.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayName } from '../../portal/assets/core/session.js';

test('имя в шапке: ФИО кратко, организация целиком, иначе почта или отформатированный логин', () => {
  assert.equal(displayName({ kind: 'individual', display_name: 'Кузнецов Алексей Викторович', fields: { surname: 'Кузнецов' } }), 'Кузнецов А. В.');
  assert.equal(displayName({ kind: 'legal_entity', display_name: 'ООО «Таврида-Хлеб»', fields: { organization: 'ООО «Таврида-Хлеб»' } }), 'ООО «Таврида-Хлеб»');
  assert.equal(displayName({ kind: 'legal_entity', display_name: 'Газпром Нефть', fields: { org_short_name: 'Газпром Нефть' } }), 'Газпром Нефть');
  assert.equal(displayName({ kind: 'individual', display_name: 'e.smirnova@example.com', fields: { snils: '11845230644' } }), 'e.smirnova@example.com');
  // Without display_name (a user object of an operator's list): the profile, the e-mail, the login formatted.
  assert.equal(displayName({ fields: { surname: 'Белов', name: 'Дмитрий', patronymic: 'Олегович' } }), 'Белов Д. О.');
  assert.equal(displayName({ fields: { org_short_name: 'ООО «СтройМонтаж»', head_full_name: 'Иванов Иван Иванович' } }), 'ООО «СтройМонтаж»');
  assert.equal(displayName({ fields: {}, login: { field: 'snils', value: '11845230644' }, email: 'a@b.ru' }), 'a@b.ru');
  assert.equal(displayName({ fields: {}, login: { field: 'snils', value: '11845230644' } }), '118-452-306 44');
  assert.equal(displayName({ fields: {}, login: { field: 'phone', value: '+79161234567' } }).replace(/\u00a0/g, ' '), '+7 (916) 123-45-67');
  assert.equal(displayName(null), '');
});
