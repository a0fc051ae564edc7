// The «Оператор» section of the utility's staff (role operator or
// tenant-admin; GET me → user.role): what waits for a decision and where to
// go. Its pages share the frame of widgets/staff.js (operatorNav, staffGate).
//   GET operator/manual-readings?state=pending → {rows: […]} (the number waiting, tenants with manual readings)
//   GET operator/alerts?state=open → {rows: […]} (the alerts not yet acknowledged)

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
  // Open alerts (tamper, silent meters): how many wait; the card says nothing of a count it could not get.
  let alerts = null;
  try {
    const answer = await api.get('operator/alerts', { query: { state: 'open' }, signal: ctx.signal });
    alerts = Array.isArray(answer && answer.rows) ? answer.rows.length : null;
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    if (isDenied(err)) return staffOnly(title, err);
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
    } else if (p.path === 'operator/alerts') {
      text = alerts
        ? `${alerts} ${plural(alerts, ['новое оповещение', 'новых оповещения', 'новых оповещений'])}: вмешательство в работу приборов учёта и приборы, которые перестали отвечать на опрос.`
        : 'Вмешательство в работу приборов учёта и приборы, которые перестали отвечать на опрос: потребитель, адрес, время.';
    } else if (p.path === 'operator/broadcasts') {
      text = 'Уведомления потребителям: всем, по лицевым счетам, договорам или адресам — в кабинете, по почте и SMS.';
    } else if (p.path === 'operator/outages') {
      text = 'Плановые и аварийные отключения: публикация, изменение и закрытие; потребители по адресам получают уведомления.';
    } else if (p.path === 'operator/cases') {
      text = 'Обращения, заявки и отзывы потребителей всех видов: сроки ответа, исполнители, переписка и решения.';
    } else if (p.path === 'operator/case-reports') {
      text = 'Число обращений по видам и способам подачи, ответы в срок (приказ Минэнерго № 186), итоги опросов — в XLSX и CSV.';
    } else if (p.path === 'operator/connectors') {
      text = 'Обмен с внешними системами (WAVIoT, Энергосфера, биллинг поставщика): ошибки, журнал, устройства и приборы учёта.';
    } else if (p.path === 'operator/polling') {
      text = 'Приборы учёта на автоматическом опросе: последние успешные опросы, ошибки связи и уведомления о вмешательстве.';
    } else {
      text = 'Поиск потребителей, их доступ к лицевым счетам, договорам и точкам учёта: открыть или закрыть.';
    }
    return h('li', { class: 'card operator-card', dataset: { route: p.path } },
      h('h2', { class: 'operator-card__title' }, h('a', { href: ctx.router.href(p.path) }, p.label)),
      h('p', { class: ['operator-card__text', (p.path === 'operator/readings' && pending) || (p.path === 'operator/alerts' && alerts) ? 'operator-card__text--attention' : null] }, text));
  });
  return h('section', { class: 'page page--operator' },
    h('h1', { class: 'page__title' }, 'Раздел оператора'),
    operatorNav(ctx, 'operator'),
    h('p', { class: 'lead' }, `${ctx.tenant.short_name || ctx.tenant.name || 'Сетевая организация'}: работа с показаниями и доступом потребителей.`),
    h('ul', { class: 'operator-cards' }, cards));
}
