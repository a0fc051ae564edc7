// A metering point (needs a session): tabs «Общая информация», «Показания»,
// «Ручной ввод» / «Передать показания» (tenants with manual readings),
// «Профиль мощности», «Журнал событий», «Параметры сети», «Трансформаторы»,
// «История». The open tab is kept in the address (?tab=readings). Tenants
// with the «reports» module get the action «Отчёт» (a file for a period).
//   GET points/<id>   → {point, meter, transformers}; 404 point_not_found for a point not granted
//   GET points        → the list, for the latest reading of this point
// Each tab loads its own data when it is first opened (pages/point/*.js).

import { api, ApiError } from '../core/api.js';
import { h, notice } from '../core/ui.js';
import { createTabs } from '../widgets/tabs.js';
import { todayIn, isoDateIn, isNum, zonedTs } from '../core/format.js';
import { manualAllowed, manualLabel, modelText, hasModule, TARIFF_KEYS } from '../core/meters.js';
import { takeFlash } from '../core/session.js';
import { renderGeneral } from './point/general.js';
import { renderReadings } from './point/readings.js';
import { renderProfile } from './point/profile.js';
import { renderEvents } from './point/events.js';
import { renderNetwork } from './point/network.js';
import { renderTransformers } from './point/transformers.js';
import { renderHistory } from './point/history.js';
import { renderManual } from './point/manual.js';
import { openReport } from './point/report.js';

let lastTitle = 'Точка учёта';

export function title() {
  return lastTitle;
}

const TABS = [
  { id: 'general', label: 'Общая информация', render: renderGeneral },
  { id: 'readings', label: 'Показания', render: renderReadings },
  { id: 'manual', label: manualLabel, render: renderManual, manual: true },
  { id: 'profile', label: 'Профиль мощности', render: renderProfile, smart: true },
  { id: 'events', label: 'Журнал событий', render: renderEvents, smart: true },
  { id: 'network', label: 'Параметры сети', render: renderNetwork, smart: true },
  { id: 'transformers', label: 'Трансформаторы', render: renderTransformers, transformers: true },
  { id: 'history', label: 'История', render: renderHistory },
];

function notFound(ctx) {
  lastTitle = 'Точка учёта не найдена';
  return h('section', { class: 'page page--narrow page--point-missing' },
    h('h1', { class: 'page__title' }, 'Точка учёта не найдена'),
    h('p', { class: 'lead' }, 'Такой точки учёта нет среди доступных вам. Возможно, доступ к ней закрыт или адрес набран с ошибкой.'),
    h('p', null, h('a', { class: 'btn btn--primary', href: ctx.router.href('points') }, 'К списку точек учёта')));
}

export async function render(ctx) {
  const id = ctx.params.id;
  let info;
  let listed = null;
  try {
    const [one, list] = await Promise.all([
      api.get(`points/${encodeURIComponent(id)}`, { signal: ctx.signal }),
      api.get('points', { signal: ctx.signal }).catch((err) => {
        if (ctx.signal.aborted) throw err;
        return null; // only the latest reading is taken from the list
      }),
    ]);
    info = one || {};
    listed = list && Array.isArray(list.points) ? list.points.find((p) => String(p.id) === String(id)) || null : null;
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    if (err instanceof ApiError && err.status === 404) return notFound(ctx);
    throw err;
  }

  const point = info.point || {};
  const meter = info.meter || (listed && listed.meter) || {};
  const transformers = Array.isArray(info.transformers) ? info.transformers : [];
  const tz = ctx.tenant.timezone || 'Europe/Moscow';
  const today = todayIn(tz);
  const latest = listed && listed.latest && isNum(listed.latest.ts) ? listed.latest : null;
  const latestDay = latest ? isoDateIn(latest.ts, tz) : today;
  const anchor = latestDay < today ? latestDay : today;

  const env = {
    ctx, id, point, meter, transformers, latest, listed, tz, today, anchor, signal: ctx.signal,
    get: (path, query) => api.get(`points/${encodeURIComponent(id)}/${path}`, { query, signal: ctx.signal }),
    /** A manual reading was taken at once: the tabs showing readings are drawn again with it. */
    onReadingAccepted(body, answer) {
      const ts = answer && isNum(answer.ts) ? answer.ts : zonedTs(body.date, 12, 0, tz);
      if (!env.latest || !isNum(env.latest.ts) || ts >= env.latest.ts) {
        const zones = TARIFF_KEYS.filter((k) => isNum(body[k]));
        env.latest = { ts, total: zones.reduce((sum, k) => sum + body[k], 0) };
        for (const k of zones) env.latest[k] = body[k];
      }
      if (body.date > env.anchor) env.anchor = body.date;
      for (const tabId of ['general', 'readings', 'history']) tabsView.reset(tabId);
    },
  };

  const tabs = TABS
    .filter((t) => (!t.smart || meter.smart !== false) && (!t.transformers || transformers.length))
    .filter((t) => !t.manual || manualAllowed(ctx.tenant, meter, info.manual_readings || (listed && listed.manual_readings)))
    .map((t) => ({ ...t, label: typeof t.label === 'function' ? t.label(ctx.tenant) : t.label }));
  const name = point.name || (listed && listed.name) || `Точка учёта ${point.number || id}`;
  lastTitle = name;

  const tabsView = createTabs({
    label: 'Сведения о точке учёта',
    idPrefix: 'point',
    tabs,
    onSelect: (tabId, panel, first) => {
      ctx.router.setQuery({ tab: tabId === 'general' ? null : tabId });
      if (first) tabs.find((t) => t.id === tabId).render(panel, env);
    },
  });

  const model = modelText(meter);
  const flash = takeFlash();
  const actions = [];
  if (hasModule(ctx.tenant, 'reports')) {
    actions.push(h('button', {
      type: 'button', class: 'btn btn--secondary btn--small point-report', 'aria-haspopup': 'dialog', onClick: () => openReport(env),
    }, 'Отчёт'));
  }
  const page = h('section', { class: 'page page--point', dataset: { point: id } },
    h('nav', { class: 'breadcrumbs', 'aria-label': 'Вы здесь' },
      h('ol', null,
        h('li', null, h('a', { href: ctx.router.href('points') }, 'Точки учёта')),
        h('li', { 'aria-current': 'page' }, name))),
    h('h1', { class: 'page__title' }, name),
    h('p', { class: 'point-head' },
      point.number ? h('span', { class: 'point-head__item' }, `№ ${point.number}`) : null,
      point.address ? h('span', { class: 'point-head__item' }, point.address) : null,
      model ? h('span', { class: 'point-head__item' }, `${model}${meter.serial ? `, зав. № ${meter.serial}` : ''}`) : null,
      meter.smart === true ? h('span', { class: 'badge badge--smart' }, 'интеллектуальный') : null),
    meter.smart === false
      ? h('p', { class: 'muted' }, 'Прибор учёта не входит в интеллектуальную систему учёта: профиль мощности, журнал событий и параметры сети по нему не передаются.')
      : null,
    actions.length ? h('div', { class: 'point-actions' }, actions) : null,
    flash ? notice(flash.kind, h('strong', { class: 'point-flash' }, flash.text)) : null,
    tabsView.element,
  );
  const wanted = ctx.query.get('tab');
  tabsView.select(tabs.some((t) => t.id === wanted) ? wanted : 'general');
  return page;
}
