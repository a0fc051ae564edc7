// «Администрирование» (role tenant-admin): the tenant administrator's console. Four tabs, each filled the
// first time it opens (its parts under pages/admin/):
//   staff    — «Сотрудники»: operators and administrators; create, disable / enable, reset the second factor
//   systems  — «Модули и обмен»: the plugins the server loaded (version, ABI) and the tenant's connectors
//   limits   — «Лимиты»: the tenant's limits and their use (GET operator/limits), «нет данных» without them
//   audit    — «Журнал»: logins, grants of access, guesses, staff actions; by kind, a page at a time
// The tab on screen is in the address (?tab=), so a reload or a link opens it again.
//
// Markup: .page--admin, tabs [role=tab][data-tab="staff|systems|limits|audit"], .admin-denied for a person
// who is not a tenant administrator.

import { h, notice } from '../core/ui.js';
import { createTabs } from '../widgets/tabs.js';
import { staffGate } from '../widgets/staff.js';
import { staffSection } from './admin/staff.js';
import { systemsSection } from './admin/systems.js';
import { limitsSection } from './admin/limits.js';
import { journalSection } from './admin/journal.js';

export const title = 'Администрирование';

const ADMIN_ROLES = ['tenant-admin', 'platform-admin'];

const TABS = [
  { id: 'staff', label: 'Сотрудники', render: staffSection },
  { id: 'systems', label: 'Модули и обмен', render: systemsSection },
  { id: 'limits', label: 'Лимиты', render: limitsSection },
  { id: 'audit', label: 'Журнал', render: journalSection },
];

export function render(ctx) {
  const gate = staffGate(ctx, title);
  if (gate) return gate;
  if (!ADMIN_ROLES.includes(ctx.user.role)) {
    return h('section', { class: 'page page--narrow page--operator-denied' },
      h('h1', { class: 'page__title' }, title),
      notice('error', h('strong', { class: 'admin-denied' }, 'Раздел доступен только администратору сетевой организации.'),
        h('p', null, 'Работа с показаниями, потребителями и обращениями — в разделе «Оператор».')));
  }
  const tabs = createTabs({
    label: 'Разделы администрирования',
    idPrefix: 'admin',
    tabs: TABS,
    onSelect: (id, panel, first) => {
      ctx.router.setQuery({ tab: id === 'staff' ? null : id });
      if (first) TABS.find((t) => t.id === id).render(panel, ctx);
    },
  });
  const page = h('section', { class: 'page page--admin' },
    h('h1', { class: 'page__title' }, title),
    h('p', { class: 'lead' }, `${ctx.tenant.short_name || ctx.tenant.name || 'Сетевая организация'}: сотрудники, модули и обмен данными, лимиты и журнал действий.`),
    tabs.element);
  const wanted = ctx.query.get('tab');
  tabs.select(TABS.some((t) => t.id === wanted) ? wanted : 'staff');
  return page;
}
