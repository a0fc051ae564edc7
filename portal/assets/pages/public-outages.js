// The utility's outage list, open to everyone without a login (utilities publish it): planned and emergency
// outages going on, to come and of the last week, or for a chosen street, house and period.
//   GET public/outages?address&from&to → {rows}; 404 when the utility does not publish it
//
// Markup: form.outage-lookup, table.outage-table with tr.outage-row[data-id].

import { api, getDictionary, ApiError } from '../core/api.js';
import { h, notice } from '../core/ui.js';
import { todayIn, addDays } from '../core/format.js';
import { resultArea } from '../widgets/filters.js';
import { loader } from '../widgets/data-view.js';
import { lookupForm, outageTable } from '../widgets/outages.js';

export const title = 'Отключения электроэнергии';

export async function render(ctx) {
  const tz = ctx.tenant.timezone || 'Europe/Moscow';
  const today = todayIn(tz);
  const q = ctx.query;
  const state = { street: q.get('street') || '', house: q.get('house') || '', from: q.get('from') || addDays(today, -7), to: q.get('to') || addDays(today, 60) };
  let streets = [];
  try {
    streets = await getDictionary('streets');
  } catch (err) {
    if (ctx.signal.aborted) throw err;
  }
  const result = resultArea('public-outages');
  const run = loader({ ctx, signal: ctx.signal }, result);

  function load() {
    const query = { from: state.from, to: state.to };
    if (state.street) query.address = state.house ? `${state.street}, д. ${state.house}` : state.street;
    run(async () => {
      try {
        return await api.get('public/outages', { query, signal: ctx.signal });
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return { unpublished: true };
        throw err;
      }
    }, (answer) => {
      if (answer.unpublished) return { state: 'empty', nodes: [notice('info', 'Сетевая организация не публикует сведения об отключениях в личном кабинете.')] };
      const rows = Array.isArray(answer.rows) ? answer.rows : [];
      if (!rows.length) {
        return { state: 'empty', nodes: [notice('info', h('strong', { class: 'outages-empty' },
          query.address ? 'По этому адресу за выбранный период отключений нет.' : 'За выбранный период отключений нет.'))] };
      }
      return { state: 'ready', nodes: [outageTable(rows, tz)] };
    });
  }

  const form = lookupForm({
    streets,
    street: state.street,
    house: state.house,
    from: state.from,
    to: state.to,
    own: 'Все улицы',
    onApply: (v) => {
      Object.assign(state, { street: v.street, house: v.house, from: v.from, to: v.to });
      ctx.router.setQuery({ street: v.street || null, house: v.house || null, from: v.from, to: v.to });
      load();
    },
  });
  const page = h('section', { class: 'page page--public-outages' },
    h('h1', { class: 'page__title' }, title),
    h('p', { class: 'lead' }, `${ctx.tenant.short_name || ctx.tenant.name || 'Сетевая организация'}: плановые и аварийные отключения `
      + 'электроэнергии. Выберите улицу и дом, чтобы увидеть отключения по своему адресу.'),
    form,
    result.element);
  load();
  return page;
}
