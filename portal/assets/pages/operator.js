// The «Оператор» section of the utility's staff (role operator or
// tenant-admin; GET me → user.role): what waits for a decision and where to
// go. Its pages share the frame of widgets/staff.js (operatorNav, staffGate).
//   GET operator/manual-readings?state=pending → {rows: […]} (the number waiting, tenants with manual readings)

import { api } from '../core/api.js';
import { h, plural } from '../core/ui.js';
import { hasModule } from '../core/meters.js';
import { operatorPages, operatorNav, staffGate, staffOnly, isDenied } from '../widgets/staff.js';

export const title = 'Оператор';

export async function render(ctx) {
  const gate = staffGate(ctx, title);
  if (gate) return gate;
  const pages = operatorPages(ctx.tenant);
  let pending = null;
  let pendingError = null;
  if (hasModule(ctx.tenant, 'manual_readings')) {
    try {
      const answer = await api.get('operator/manual-readings', { query: { state: 'pending' }, signal: ctx.signal });
      pending = Array.isArray(answer && answer.rows) ? answer.rows.length : 0;
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      if (isDenied(err)) return staffOnly(title, err);
      pendingError = err;
    }
  }
  const cards = pages.map((p) => {
    let text;
    if (p.path === 'operator/readings') {
      text = pendingError
        ? `Не удалось узнать число показаний на проверке: ${pendingError.message || 'ошибка сети'}`
        : pending
          ? `${pending} ${plural(pending, ['показание ждёт', 'показания ждут', 'показаний ждут'])} решения.`
          : 'Новых показаний на проверке нет.';
    } else if (p.path === 'operator/audit') {
      text = 'Номера лицевых счетов и договоров, которые пытались подобрать: кто, когда, с какого адреса.';
    } else if (p.path === 'operator/outages') {
      text = 'Плановые и аварийные отключения: публикация, изменение и закрытие; потребители по адресам получают уведомления.';
    } else if (p.path === 'operator/polling') {
      text = 'Приборы учёта на автоматическом опросе: последние успешные опросы, ошибки связи и уведомления о вмешательстве.';
    } else {
      text = 'Поиск потребителей, их доступ к лицевым счетам, договорам и точкам учёта: открыть или закрыть.';
    }
    return h('li', { class: 'card operator-card', dataset: { route: p.path } },
      h('h2', { class: 'operator-card__title' }, h('a', { href: ctx.router.href(p.path) }, p.label)),
      h('p', { class: ['operator-card__text', p.path === 'operator/readings' && pending ? 'operator-card__text--attention' : null] }, text));
  });
  return h('section', { class: 'page page--operator' },
    h('h1', { class: 'page__title' }, 'Раздел оператора'),
    operatorNav(ctx, 'operator'),
    h('p', { class: 'lead' }, `${ctx.tenant.short_name || ctx.tenant.name || 'Сетевая организация'}: работа с показаниями и доступом потребителей.`),
    h('ul', { class: 'operator-cards' }, cards));
}
