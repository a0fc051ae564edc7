// «История»: consumption by billing period compared with the same period a
// year before, and the forecast to the end of the current period.
//   GET points/<id>/history → {periods: [{period: "2026-10", consumption, last_year, change_pct}],
//                               forecast: {period, consumed, days_passed, days_total, forecast, method}}

import { h, plural } from '../../core/ui.js';
import { groupedBarChart } from '../../widgets/charts.js';
import { resultArea } from '../../widgets/filters.js';
import { formatMonth, formatNumber, formatPercent, formatValue, isNum } from '../../core/format.js';
import { loader, emptyNotice, dataTable, scrollTable, stat } from '../../widgets/data-view.js';

const UNIT = 'кВт·ч';

/** The change in per cent: the server's, else computed. */
function changeOf(p) {
  if (isNum(p.change_pct)) return p.change_pct;
  if (isNum(p.consumption) && isNum(p.last_year) && p.last_year !== 0) return ((p.consumption - p.last_year) / p.last_year) * 100;
  return null;
}

function changeCell(v) {
  if (!isNum(v)) return '—';
  const dir = v > 0.05 ? 'up' : v < -0.05 ? 'down' : 'same';
  const word = { up: 'рост', down: 'снижение', same: 'без изменений' }[dir];
  return h('span', { class: `change change--${dir}` },
    h('span', { 'aria-hidden': 'true' }, dir === 'up' ? '▲ ' : dir === 'down' ? '▼ ' : ''),
    h('span', { class: 'visually-hidden' }, `${word}: `),
    formatPercent(v));
}

const METHODS = {
  average_daily: 'average',
  daily_average: 'average',
  linear: 'average',
  pro_rata: 'average',
  same_period_last_year: 'last_year',
  last_year: 'last_year',
  previous_year: 'last_year',
};

/** The forecast's method in words. */
export function methodText(f) {
  const m = typeof f.method === 'string' ? f.method.trim() : '';
  if (/[А-Яа-яЁё]/.test(m)) return m; // the server said it in words already
  let kind = METHODS[m];
  if (!kind && isNum(f.consumed) && isNum(f.days_passed) && isNum(f.days_total) && f.days_passed > 0 && isNum(f.forecast)) {
    const linear = (f.consumed / f.days_passed) * f.days_total;
    if (Math.abs(linear - f.forecast) <= Math.max(0.5, Math.abs(f.forecast) * 0.01)) kind = 'average';
  }
  if (kind === 'average') {
    const dayWord = (n) => (Number.isInteger(n) ? plural(n, ['день', 'дня', 'дней']) : 'дня');
    const days = isNum(f.days_passed) && isNum(f.days_total) && isNum(f.consumed)
      ? ` (${formatNumber(f.consumed, { digits: 2 })} ${UNIT} ÷ ${formatNumber(f.days_passed, { digits: 1 })} ${dayWord(f.days_passed)}`
        + ` × ${formatNumber(f.days_total, { digits: 1 })} ${dayWord(f.days_total)})`
      : '';
    return `по среднесуточному потреблению с начала периода: потреблённое за прошедшие дни делится на их число и умножается на число дней в периоде${days}.`;
  }
  if (kind === 'last_year') {
    return 'по потреблению за тот же период прошлого года.';
  }
  return m ? `способ расчёта «${m}»` : 'способ расчёта сервер не сообщил';
}

export function renderHistory(panel, env) {
  const result = resultArea('history');
  const run = loader(env, result);

  function show(data) {
    const periods = (data && Array.isArray(data.periods) ? data.periods : []).filter((p) => p && p.period)
      .sort((a, b) => String(a.period).localeCompare(String(b.period)));
    const f = data && data.forecast && typeof data.forecast === 'object' ? data.forecast : null;
    if (!periods.length && !f) return { state: 'empty', nodes: [emptyNotice('Истории потребления пока нет.', null)] };
    const nodes = [];

    if (f) {
      nodes.push(h('section', { class: 'card forecast', 'aria-labelledby': 'forecast-title' },
        h('h3', { class: 'block__title', id: 'forecast-title' }, `Прогноз на конец периода: ${formatMonth(f.period)}`),
        h('p', { class: 'forecast__value' }, isNum(f.forecast) ? `≈ ${formatValue(f.forecast, UNIT, { digits: 0 })}` : '—'),
        h('div', { class: 'stats' },
          stat('Потреблено с начала периода', formatValue(f.consumed, UNIT, { digits: 2 })),
          isNum(f.days_passed) && isNum(f.days_total)
            ? stat('Прошло дней', `${formatNumber(f.days_passed, { digits: 1 })} из ${formatNumber(f.days_total, { digits: 1 })}`)
            : null,
          isNum(f.last_year) ? stat('Тот же месяц год назад', formatValue(f.last_year, UNIT, { digits: 2 })) : null),
        h('p', { class: 'forecast__method' }, h('strong', null, 'Как посчитано: '), methodText(f)),
        h('p', { class: 'muted' }, 'Прогноз — оценка: настоящее потребление зависит от погоды и режима работы, расчёт ведётся по показаниям на конец периода.'),
      ));
    }

    if (periods.length) {
      nodes.push(h('section', { class: 'block', 'aria-labelledby': 'history-chart-title' },
        h('h3', { class: 'block__title', id: 'history-chart-title' }, 'Сравнение с тем же периодом прошлого года'),
        groupedBarChart({
          label: 'Потребление по расчётным периодам и за те же периоды прошлого года, кВт·ч',
          unit: UNIT,
          digits: 1,
          categories: periods.map((p, i) => {
            const short = formatMonth(p.period, { short: true });
            const m = /^(\d{4})-(\d{2})$/.exec(p.period);
            return { label: formatMonth(p.period), tick: m && (m[2] === '01' || i === 0) ? short : short.split(' ')[0] };
          }),
          series: [
            { name: 'Расчётный период', values: periods.map((p) => p.consumption) },
            { name: 'Год назад', values: periods.map((p) => p.last_year) },
          ],
        })));
      const latestFirst = [...periods].reverse();
      nodes.push(h('section', { class: 'block', 'aria-labelledby': 'history-table-title' },
        h('h3', { class: 'block__title', id: 'history-table-title' }, 'Потребление по расчётным периодам'),
        scrollTable(dataTable({
          className: 'history-table',
          columns: [
            { title: 'Расчётный период' },
            { title: `Потребление, ${UNIT}`, numeric: true },
            { title: `Тот же период год назад, ${UNIT}`, numeric: true },
            { title: 'Изменение', numeric: true },
          ],
          rows: latestFirst.map((p) => [
            formatMonth(p.period),
            formatNumber(p.consumption, { fixed: 2 }),
            formatNumber(p.last_year, { fixed: 2 }),
            changeCell(changeOf(p)),
          ]),
        }), 'Потребление по расчётным периодам')));
    }
    return { state: 'ready', nodes };
  }

  panel.append(result.element);
  run(() => env.get('history'), show);
}
