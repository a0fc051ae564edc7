// «Статистика отключений» (ВГЭС, seed 003): for the chosen address — by default the addresses of the
// consumer's own points — and a period, the planned and emergency outages with their times, and the count
// and total duration; each outage says whether it went over the permitted duration.
//   GET dictionaries/streets; GET outages/stats?address&from&to → {rows, total}; GET outages?address&from&to → {rows}
//
// Markup: form.outage-lookup (select street, input house, from, to), .outage-stats (dl), table.outage-table
// with tr.outage-row[data-id].

import { api } from '../core/api.js';
import { h, notice, plural } from '../core/ui.js';
import { todayIn, addDays } from '../core/format.js';
import { resultArea } from '../widgets/filters.js';
import { loader } from '../widgets/data-view.js';
import { addressLookup, outageTable, durationText } from '../widgets/outages.js';

export const title = 'Статистика отключений';

function statsView(total, address) {
  const item = (label, value, cls) => h('div', { class: ['outage-stats__item', cls] }, h('dt', null, label), h('dd', null, value));
  return h('section', { class: 'card outage-stats', 'aria-label': 'Итоги за период' },
    h('p', { class: 'outage-stats__address' }, address ? `Адрес: ${address}` : 'Адреса ваших точек учёта'),
    h('dl', { class: 'outage-stats__list' },
      item('Отключений', String(total.count), 'outage-stats__count'),
      item('Плановых', String(total.planned)),
      item('Аварийных', String(total.emergency)),
      item('Общая длительность', durationText(total.duration_minutes), 'outage-stats__duration'),
      item('Сверх допустимой длительности', total.exceeded
        ? `${total.exceeded} ${plural(total.exceeded, ['отключение', 'отключения', 'отключений'])}, на ${durationText(total.exceeded_minutes)}`
        : 'нет', 'outage-stats__exceeded')));
}

export async function render(ctx) {
  const tz = ctx.tenant.timezone || 'Europe/Moscow';
  const today = todayIn(tz);
  const lookup = await addressLookup(ctx, {
    from: `${today.slice(0, 4)}-01-01`, to: addDays(today, 60), own: 'Адреса моих точек учёта', load: () => load(),
  });
  const { state } = lookup;
  const result = resultArea('outages');
  const run = loader({ ctx, signal: ctx.signal }, result);

  function load() {
    const query = { from: state.from, to: state.to };
    const address = lookup.address();
    if (address) query.address = address;
    run(async () => {
      const [stats, list] = await Promise.all([
        api.get('outages/stats', { query, signal: ctx.signal }),
        api.get('outages', { query, signal: ctx.signal }),
      ]);
      return { stats, list, address };
    }, ({ stats, list, address: shown }) => {
      const rows = Array.isArray(list && list.rows) ? list.rows : [];
      const nodes = [statsView(stats.total || {}, shown)];
      if (!rows.length) {
        nodes.push(notice('info', h('strong', { class: 'outages-empty' },
          shown ? 'По этому адресу за выбранный период отключений нет.' : 'По адресам ваших точек учёта за выбранный период отключений нет.')));
        return { state: 'empty', nodes };
      }
      nodes.push(outageTable(rows, tz, { points: !shown }));
      return { state: 'ready', nodes };
    });
  }

  const page = h('section', { class: 'page page--outages' },
    h('h1', { class: 'page__title' }, title),
    h('p', { class: 'lead' }, 'Плановые и аварийные отключения электроэнергии по адресу объекта за выбранный период: '
      + 'время, причина, число отключений и их общая длительность. Допустимая длительность перерыва — 24 часа при одном '
      + 'источнике питания и 2 часа при двух независимых источниках.'),
    lookup.form,
    result.element);
  load();
  return page;
}
