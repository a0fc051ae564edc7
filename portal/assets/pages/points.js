// Metering points the consumer may see (needs a session), grouped by
// personal account or contract, each with its meter and latest readings.
//   GET points → {points: [{id, name, number, address, account, contract,
//                 meter: {id, model, serial, smart, phases, tariff_zones}, latest: {ts, total, t1..t4} | null}]}
//   GET access → only when there are no points: how to get access

import { api } from '../api.js';
import { h, notice, plural } from '../ui.js';
import { formatDateTime, formatNumber, isNum, DASH } from '../format.js';
import { refText, zoneKeys, zoneLabel, sessionEnded, nothing } from '../meters.js';
import { accessHint } from './access.js';

export const title = 'Точки учёта';

/** The latest readings of a point per tariff zone, as a small list. */
export function latestList(latest, zones) {
  if (!latest || !isNum(latest.ts)) return h('p', { class: 'muted point-latest point-latest--none' }, 'Показаний пока нет');
  const keys = zoneKeys([latest], zones).filter((k) => isNum(latest[k]));
  const items = keys.map((k) => [zoneLabel(k, zones), latest[k]]);
  if (isNum(latest.total) && keys.length !== 1) items.push([keys.length ? 'Сумма' : 'Показание', latest.total]);
  return h('dl', { class: 'point-latest' },
    items.map(([label, v]) => h('div', { class: 'point-latest__row' },
      h('dt', null, label),
      h('dd', null, formatNumber(v, { fixed: 3 }), h('span', { class: 'unit' }, ' кВт·ч')))));
}

function group(points) {
  const groups = new Map();
  for (const p of points) {
    const contract = p.contract ? refText(p.contract) : null;
    const account = p.account ? refText(p.account) : null;
    const key = account ? `a:${account}` : contract ? `c:${contract}` : '';
    const label = account ? `Лицевой счёт № ${account}` : contract ? `Договор № ${contract}` : 'Точки учёта';
    if (!groups.has(key)) groups.set(key, { label, points: [] });
    groups.get(key).points.push(p);
  }
  return [...groups.values()];
}

export function pointCard(ctx, p, headingLevel = 'h3') {
  const m = p.meter || {};
  const href = ctx.router.href(`points/${encodeURIComponent(p.id)}`);
  return h('article', { class: 'card point-card', dataset: { point: p.id } },
    h('div', { class: 'point-card__head' },
      h(headingLevel, { class: 'point-card__title' }, h('a', { href, class: 'point-card__name' }, p.name || `Точка учёта ${p.number || p.id}`)),
      m.smart ? h('span', { class: 'badge badge--smart' }, 'интеллектуальный') : null),
    h('dl', { class: 'point-card__facts' },
      h('div', null, h('dt', null, 'Номер'), h('dd', null, p.number || DASH)),
      h('div', null, h('dt', null, 'Адрес'), h('dd', null, p.address || DASH)),
      h('div', null, h('dt', null, 'Прибор учёта'), h('dd', null, [m.model, m.serial ? `№ ${m.serial}` : null].filter(Boolean).join(', ') || DASH)),
    ),
    h('div', { class: 'point-card__readings' },
      h('p', { class: 'point-card__label' },
        'Последние показания',
        p.latest && isNum(p.latest.ts) ? ` на ${formatDateTime(p.latest.ts, ctx.tenant.timezone)}` : ''),
      latestList(p.latest, m.tariff_zones)),
    h('p', { class: 'point-card__actions' },
      h('a', { href, class: 'btn btn--secondary point-card__link', 'aria-label': `Подробнее: ${p.name || p.number || p.id}` }, 'Подробнее')),
  );
}

export async function render(ctx) {
  let points;
  try {
    const answer = await api.get('points', { signal: ctx.signal });
    points = Array.isArray(answer && answer.points) ? answer.points : [];
  } catch (err) {
    if (sessionEnded(ctx, err)) return nothing();
    throw err;
  }
  const page = h('section', { class: 'page page--points' },
    h('h1', { class: 'page__title' }, 'Точки учёта'));

  if (!points.length) {
    let access = null;
    try {
      access = await api.get('access', { signal: ctx.signal });
    } catch (err) {
      if (sessionEnded(ctx, err)) return nothing();
      if (ctx.signal.aborted) throw err;
    }
    page.append(
      notice('info', h('strong', { class: 'points-empty' }, 'Доступных вам точек учёта пока нет.'),
        h('p', null, accessHint(ctx.tenant, access && access.ways))),
      h('p', null, h('a', { class: 'btn btn--primary', href: ctx.router.href('access') }, 'Лицевые счета и договоры')),
    );
    return page;
  }

  page.append(h('p', { class: 'lead' },
    `${points.length} ${plural(points.length, ['точка учёта', 'точки учёта', 'точек учёта'])}. `
    + 'Откройте точку, чтобы посмотреть показания, профиль мощности, журнал событий и историю потребления.'));
  const groups = group(points);
  page.append(h('div', { class: 'points-list' },
    groups.map((g, i) => (groups.length > 1 || g.label !== 'Точки учёта'
      ? h('section', { class: 'points-group', 'aria-labelledby': `points-group-${i}` },
        h('h2', { class: 'section-title', id: `points-group-${i}` }, g.label),
        h('div', { class: 'points-grid' }, g.points.map((p) => pointCard(ctx, p, 'h3'))))
      : h('div', { class: 'points-grid' }, g.points.map((p) => pointCard(ctx, p, 'h2')))))));
  return page;
}
