// The utility's outage list, open to everyone without a login (utilities publish it): planned and emergency
// outages going on, to come and of the last week, or for a chosen street, house and period.
//   GET public/outages?address&from&to → {rows}; 404 when the utility does not publish it
//
// Markup: form.outage-lookup, table.outage-table with tr.outage-row[data-id].

import { api, ApiError } from '../core/api.js';
import { h, notice } from '../core/ui.js';
import { todayIn, addDays } from '../core/format.js';
import { resultArea } from '../widgets/filters.js';
import { loader } from '../widgets/data-view.js';
import { addressLookup, outageTable } from '../widgets/outages.js';

export const title = 'Отключения электроэнергии';

export async function render(ctx) {
  const tz = ctx.tenant.timezone || 'Europe/Moscow';
  const today = todayIn(tz);
  const lookup = await addressLookup(ctx, { from: addDays(today, -7), to: addDays(today, 60), own: 'Все улицы', load: () => load() });
  const { state } = lookup;
  const result = resultArea('public-outages');
  const run = loader({ ctx, signal: ctx.signal }, result);

  function load() {
    const query = { from: state.from, to: state.to };
    if (lookup.address()) query.address = lookup.address();
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

  const page = h('section', { class: 'page page--public-outages' },
    h('h1', { class: 'page__title' }, title),
    h('p', { class: 'lead' }, `${ctx.tenant.short_name || ctx.tenant.name || 'Сетевая организация'}: плановые и аварийные отключения `
      + 'электроэнергии. Выберите улицу и дом, чтобы увидеть отключения по своему адресу.'),
    lookup.form,
    result.element);
  load();
  return page;
}
