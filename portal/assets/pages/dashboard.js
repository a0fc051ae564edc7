// The home page of a logged-in consumer: summary cards — metering points with
// their latest readings per tariff, accounts and contracts, and one card per
// further module the tenant declares (GET tenant → modules) whose page the
// portal has: manual readings, reports, the data archive; the latest three
// notifications (contracts with unread ones are marked). A module without a
// page of its own (balance, appeals, …) gets no card, so that every card leads
// somewhere that works.
//   GET access, GET points, GET notifications?limit=3, GET notifications?unread=1, GET supplier/balances (a
//   supplier's login: the balance card)
//   (each card shows its own error if its request fails)

import { api } from '../core/api.js';
import { h, notice, plural } from '../core/ui.js';
import { formatDateTime, isNum } from '../core/format.js';
import { contractName, hasModule, manualLabel } from '../core/meters.js';
import { displayName } from '../core/session.js';
import { latestList } from '../widgets/latest-readings.js';
import { accessHint, tenantWays } from '../core/access-ways.js';
import { outagesCard } from '../widgets/outages.js';
import { contractUnread, listNotifications, unreadRefs, unreadText } from '../core/notifications.js';
import { markedName, notificationTime, unreadBadge } from '../widgets/notifications.js';
import { caseGroups, caseMenu, caseRoute } from '../core/cases.js';
import { stateBadge } from '../widgets/cases.js';
import { balanceCard } from '../widgets/supplier-balance.js';

const SHOWN_POINTS = 4;
const SHOWN_NOTIFICATIONS = 3;

function card(name, titleText, ...children) {
  const id = `dashboard-${name}-title`;
  return h('section', { class: `card dashboard-card dashboard-card--${name}`, dataset: { card: name }, 'aria-labelledby': id },
    h('h2', { class: 'dashboard-card__title', id }, titleText),
    ...children);
}

function failedNote(err) {
  return notice('error', `Не удалось загрузить сведения: ${err && err.message ? err.message : 'ошибка сети'}`);
}

function accessCard(ctx, result, points, marks) {
  if (result.status === 'rejected') return card('access', 'Лицевые счета и договоры', failedNote(result.reason));
  const a = result.value || {};
  const accounts = Array.isArray(a.accounts) ? a.accounts : [];
  const contracts = Array.isArray(a.contracts) ? a.contracts : [];
  const pointList = points.status === 'fulfilled' && Array.isArray(points.value && points.value.points) ? points.value.points : [];
  const items = [
    ...accounts.map((x) => h('li', { class: 'dashboard-list__item', dataset: { account: x.number } },
      h('span', { class: 'dashboard-list__main' }, `Лицевой счёт № ${x.number}`),
      x.address ? h('span', { class: 'dashboard-list__sub' }, x.address) : null)),
    ...contracts.map((c) => {
      const unread = contractUnread(marks, c, pointList);
      return h('li', { class: 'dashboard-list__item', dataset: { contract: c.number, unread: unread ? 'true' : null } },
      h('span', { class: 'dashboard-list__main' }, markedName(ctx, contractName(c), unread)),
      h('span', { class: 'dashboard-list__sub' }, [contractName(c) !== `Договор № ${c.number}` ? `№ ${c.number}` : null, c.consumer_name]
        .filter(Boolean).join(' · ')));
    }),
  ];
  const pointsOpen = points.status === 'fulfilled' && Array.isArray(points.value && points.value.points) && points.value.points.length > 0;
  let empty = accessHint(ctx.tenant, a.ways);
  // Points granted one by one (by the utility's operator) come with no account or contract: say so, not how to get access.
  if (pointsOpen) empty = 'Лицевых счетов и договоров в кабинете нет: точки учёта открыты вам напрямую.';
  return card('access', 'Лицевые счета и договоры',
    items.length
      ? h('ul', { class: 'dashboard-list' }, items)
      : h('p', { class: 'muted' }, empty),
    h('p', { class: 'dashboard-card__more' }, h('a', { href: ctx.router.href('access') }, items.length ? 'Управление счетами и договорами' : pointsOpen ? 'Подробнее о доступе' : 'Получить доступ к приборам учёта')));
}

function pointsCard(ctx, result) {
  if (result.status === 'rejected') return card('points', 'Точки учёта и показания', failedNote(result.reason));
  const points = Array.isArray(result.value && result.value.points) ? result.value.points : [];
  if (!points.length) {
    return card('points', 'Точки учёта и показания',
      h('p', { class: 'muted' }, 'Доступных вам точек учёта пока нет.'),
      h('p', { class: 'dashboard-card__more' }, h('a', { href: ctx.router.href('access') }, 'Как получить доступ')));
  }
  return card('points', 'Точки учёта и показания',
    h('ul', { class: 'dashboard-points' },
      points.slice(0, SHOWN_POINTS).map((p) => {
        const m = p.meter || {};
        return h('li', { class: 'dashboard-point', dataset: { point: p.id } },
          h('p', { class: 'dashboard-point__name' }, h('a', { href: ctx.router.href(`points/${encodeURIComponent(p.id)}`) }, p.name || p.number || p.id)),
          h('p', { class: 'dashboard-point__meta' }, [m.model, m.serial ? `№ ${m.serial}` : null, p.address].filter(Boolean).join(' · ')),
          p.latest && isNum(p.latest.ts)
            ? h('p', { class: 'dashboard-point__date' }, `Последние показания на ${formatDateTime(p.latest.ts, ctx.tenant.timezone)}`)
            : null,
          latestList(p.latest, m.tariff_zones));
      })),
    h('p', { class: 'dashboard-card__more' },
      h('a', { href: ctx.router.href('points') },
        points.length > SHOWN_POINTS
          ? `Все ${points.length} ${plural(points.length, ['точка', 'точки', 'точек'])} учёта`
          : 'Подробнее о точках учёта')));
}

/** The latest notifications (each opens on the notifications page), or a sentence saying there are none. */
function notificationsCard(ctx, result) {
  if (result.status === 'rejected') return card('notifications', 'Уведомления', failedNote(result.reason));
  const { rows, unread } = result.value;
  if (!rows.length) {
    return card('notifications', 'Уведомления',
      h('p', { class: 'muted dashboard-card__note' }, 'Уведомлений пока нет: здесь появятся сообщения о показаниях, доступе к приборам учёта и отключениях.'),
      h('p', { class: 'dashboard-card__more' }, h('a', { href: ctx.router.href('profile') }, 'Настроить уведомления')));
  }
  return card('notifications', 'Уведомления',
    h('ul', { class: 'dashboard-list dashboard-notifications' },
      rows.slice(0, SHOWN_NOTIFICATIONS).map((row) => h('li', {
        class: 'dashboard-list__item dashboard-notification',
        dataset: { id: row.id, state: row.read_at ? 'read' : 'unread' },
      },
      h('span', { class: 'dashboard-list__sub' }, notificationTime(row, ctx.tenant.timezone), row.read_at ? null : unreadBadge()),
      h('a', { class: 'dashboard-list__main', href: ctx.router.href(`notifications?open=${encodeURIComponent(row.id)}`) }, row.title || 'Уведомление')))),
    h('p', { class: 'dashboard-card__more' },
      h('a', { href: ctx.router.href('notifications') }, 'Все уведомления'),
      unread ? h('span', { class: 'muted dashboard-notifications__unread' }, ` · ${unreadText(unread).toLowerCase()}`) : null));
}

/** «Здравствуйте, Иванов И. И.!» — without a name when all there is is an e-mail or a number (СНИЛС, ОГРН). */
function greeting(user) {
  const name = displayName(user);
  return name && !/^[\d\s+()-]+$/.test(name) && !name.includes('@') ? `Здравствуйте, ${name}!` : 'Здравствуйте!';
}

/** A card of a module: what it does and the way to its page. */
function moduleCard(ctx, name, titleText, text, route, linkText) {
  return card(name, titleText,
    h('p', { class: 'dashboard-card__note' }, text),
    h('p', { class: 'dashboard-card__more' }, h('a', { href: ctx.router.href(route) }, linkText)));
}

const SHOWN_CASES = 3;

/** The latest cases with their state (ОЭС 360 seed 004 §3.1 item 8); only where the tenant has case groups. */
function casesCard(ctx, result) {
  const name = 'Обращения';
  if (result.status === 'rejected') return card('cases', name, failedNote(result.reason));
  const rows = Array.isArray(result.value && result.value.cases) ? result.value.cases : [];
  const menu = caseMenu(ctx.tenant);
  const links = h('p', { class: 'dashboard-card__more' }, menu.map((m, i) => [i ? ' · ' : null, h('a', { href: ctx.router.href(m.path) }, m.label)]));
  if (!rows.length) return card('cases', name, h('p', { class: 'muted dashboard-card__note' }, 'Обращений пока нет. Здесь будет видно, как идёт их рассмотрение.'), links);
  return card('cases', name,
    h('ul', { class: 'dashboard-list dashboard-cases' }, rows.slice(0, SHOWN_CASES).map((c) => h('li', { class: 'dashboard-list__item dashboard-case', dataset: { id: c.id } },
      h('a', { class: 'dashboard-list__main', href: ctx.router.href(caseRoute(c.id)) }, `${(c.kind && c.kind.label) || 'Обращение'} № ${c.number_text || c.number}`),
      h('span', { class: 'dashboard-list__sub' }, c.filed_at ? `от ${formatDateTime(c.filed_at, ctx.tenant.timezone)} ` : null, stateBadge(c.state))))),
    links);
}

/** Cards of further modules, in this order, each only when the tenant declares the module. */
const MODULE_CARDS = [
  // Outages going on or to come at the consumer's own points (GET outages).
  { module: 'outages', card: (ctx) => outagesCard(ctx, api.get('outages', { signal: ctx.signal })) },
  {
    module: 'manual_readings',
    card: (ctx) => moduleCard(ctx, 'manual', 'Передача показаний',
      `Показания приборов учёта, которые не передают их сами, — на вкладке «${manualLabel(ctx.tenant)}» точки учёта.`,
      'points', 'Выбрать точку учёта'),
  },
  {
    module: 'reports',
    card: (ctx) => moduleCard(ctx, 'reports', 'Отчёты',
      'Показания и потребление за выбранный период в файле XLSX — кнопка «Отчёт» на странице точки учёта.',
      'points', 'Выбрать точку учёта'),
  },
  {
    module: 'archive',
    card: (ctx) => moduleCard(ctx, 'archive', 'Архив данных',
      'Выгрузка показаний и профиля мощности за прошлые периоды в файлах XLSX и CSV.',
      'archive', 'Запросить архив'),
  },
];

export async function render(ctx) {
  const withCases = caseGroups(ctx.tenant).length > 0;
  const [access, points, latest, marks, cases] = await Promise.allSettled([
    api.get('access', { signal: ctx.signal }),
    api.get('points', { signal: ctx.signal }),
    listNotifications({ limit: SHOWN_NOTIFICATIONS, signal: ctx.signal }),
    unreadRefs({ signal: ctx.signal }),
    withCases ? api.get('cases', { signal: ctx.signal }) : Promise.resolve(null),
  ]);
  // Contracts linked through a supplier's login have a balance (seed 004 §3.1 «Информация по текущему балансу»).
  const withBalance = tenantWays(ctx.tenant, ctx.user).includes('supplier_login');
  const [balances] = withBalance ? await Promise.allSettled([api.get('supplier/balances', { signal: ctx.signal })]) : [null];
  if (ctx.signal.aborted) return h('div');
  if (ctx.signal.aborted) return h('div'); // left meanwhile (or the session ended): nothing to show
  return h('section', { class: 'page page--dashboard' },
    h('h1', { class: 'page__title' }, 'Личный кабинет'),
    h('p', { class: 'lead' }, greeting(ctx.user)),
    h('div', { class: 'dashboard' },
      pointsCard(ctx, points),
      h('div', { class: 'dashboard__cards' },
        accessCard(ctx, access, points, marks.status === 'fulfilled' ? marks.value : null),
        withBalance ? balanceCard(card, balances, ctx.tenant.timezone) : null,
        notificationsCard(ctx, latest),
        withCases ? casesCard(ctx, cases) : null,
        MODULE_CARDS.filter((c) => hasModule(ctx.tenant, c.module)).map((c) => c.card(ctx))),
    ));
}
