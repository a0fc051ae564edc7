// «Профиль мощности»: average power of each 30-minute (or 60-minute)
// interval for a day or a period, as lines or bars; the person chooses
// half-hourly or hourly values (the server merges half-hours into hours).
//   GET points/<id>/profile?from&to&interval=30|60 → {interval_min, rows: [{ts, p_plus, p_minus, q_plus, q_minus}]}

import { h } from '../../core/ui.js';
import { lineChart, groupedBarChart } from '../../widgets/charts.js';
import { periodFilter, resultArea, segmented, checkboxes } from '../../widgets/filters.js';
import { addDays, formatDateTime, formatNumber, formatTime, formatValue, isNum, zonedParts, formatIsoDate } from '../../core/format.js';
import { loader, emptyNotice, dataTable, stat } from '../../widgets/data-view.js';

const SERIES = [
  { key: 'p_plus', name: 'P+', label: 'P+ — активная, приём', unit: 'кВт' },
  { key: 'p_minus', name: 'P−', label: 'P− — активная, отдача', unit: 'кВт' },
  { key: 'q_plus', name: 'Q+', label: 'Q+ — реактивная, приём', unit: 'квар' },
  { key: 'q_minus', name: 'Q−', label: 'Q− — реактивная, отдача', unit: 'квар' },
];

const pad = (n) => String(n).padStart(2, '0');

/** Axis ticks at whole hours: every 3 h within a day, 12 h within 4 days, else midnights. */
function hourTicks(xs, tz) {
  const span = xs.length ? (xs[xs.length - 1] - xs[0]) / 3600 : 0;
  const step = span <= 36 ? 3 : span <= 96 ? 12 : 24;
  const out = [];
  for (const ts of xs) {
    const p = zonedParts(ts, tz);
    if (p.minute !== 0 || p.hour % step !== 0) continue;
    const label = step === 3 ? `${pad(p.hour)}:00` : step === 12 ? `${pad(p.day)}.${pad(p.month)} ${pad(p.hour)}:00` : `${pad(p.day)}.${pad(p.month)}`;
    out.push({ value: ts, label });
  }
  return out;
}

export function renderProfile(panel, env) {
  // The last whole day: the day before today when the data reach today.
  const day = env.anchor === env.today ? addDays(env.anchor, -1) : env.anchor;
  const state = { from: day, to: day, mode: 'line', series: ['p_plus', 'q_plus'], interval: '30' };
  const result = resultArea('profile');
  const run = loader(env, result);
  let last = null; // the last answer, drawn again when the series or the mode change

  const mode = segmented({
    name: 'mode', legend: 'График', value: state.mode,
    options: [{ value: 'line', label: 'Линии' }, { value: 'bar', label: 'Столбцы' }],
    onChange: (m) => { state.mode = m; redraw(); },
  });
  const step = segmented({
    name: 'interval', legend: 'Интервал', value: state.interval,
    options: [{ value: '30', label: '30 минут' }, { value: '60', label: '1 час' }],
    onChange: (v) => { state.interval = v; filter.apply(); },
  });
  const series = checkboxes({
    name: 'series', legend: 'Мощность', checked: state.series,
    options: SERIES.map((s) => ({ value: s.key, label: s.name })),
    onChange: () => { state.series = series.values(); redraw(); },
  });

  const filter = periodFilter({
    name: 'profile',
    from: state.from,
    to: state.to,
    max: env.today,
    maxDays: 31,
    presets: [
      ...(env.anchor === env.today ? [{ label: 'Сегодня', range: () => [env.today, env.today] }] : []),
      { label: 'Сутки', range: () => [day, day] },
      { label: 'Предыдущие сутки', range: () => [addDays(day, -1), addDays(day, -1)] },
      { label: '3 дня', range: () => [addDays(day, -2), day] },
      { label: '7 дней', range: () => [addDays(day, -6), day] },
    ],
    extra: [step.element, mode.element, series.element],
    onApply: ({ from, to }) => {
      state.from = from;
      state.to = to;
      run(() => env.get('profile', { from, to, interval: state.interval }), (data) => { last = data; return show(data); });
    },
  });

  function redraw() {
    if (!last) return;
    const out = show(last);
    result.show(out.state, ...out.nodes);
  }

  function show(data) {
    const rows = (data && Array.isArray(data.rows) ? data.rows : []).filter((r) => r && isNum(r.ts)).sort((a, b) => a.ts - b.ts);
    if (!rows.length) return { state: 'empty', nodes: [emptyNotice('Профиля мощности за выбранный период нет.')] };
    const interval = isNum(data.interval_min) && data.interval_min > 0 ? data.interval_min : 30;
    const present = SERIES.filter((s) => rows.some((r) => isNum(r[s.key])));
    const chosen = present.filter((s) => state.series.includes(s.key));
    const xs = rows.map((r) => r.ts);
    const period = state.from === state.to ? formatIsoDate(state.from) : `${formatIsoDate(state.from)}–${formatIsoDate(state.to)}`;
    const span = (ts) => `${formatDateTime(ts, env.tz)}–${formatTime(ts + interval * 60, env.tz)}`;
    const label = `Профиль мощности за ${period}, интервал ${interval === 60 ? '1 час' : `${interval} минут`}`;

    const energy = rows.reduce((s, r) => s + (isNum(r.p_plus) ? (r.p_plus * interval) / 60 : 0), 0);
    const peak = rows.reduce((best, r) => (isNum(r.p_plus) && (!best || r.p_plus > best.p_plus) ? r : best), null);

    let chart;
    if (!chosen.length) {
      chart = h('p', { class: 'muted' }, 'Отметьте хотя бы одну величину, чтобы построить график.');
    } else if (state.mode === 'bar') {
      const ticks = new Map(hourTicks(xs, env.tz).map((t) => [t.value, t.label]));
      chart = groupedBarChart({
        label, unit: 'кВт, квар', digits: 3, categoryTitle: 'Интервал',
        categories: xs.map((ts) => ({ label: span(ts), tick: ticks.get(ts) || '' })),
        series: chosen.map((s) => ({ name: s.name, unit: s.unit, values: rows.map((r) => r[s.key]) })),
      });
    } else {
      chart = lineChart({
        label, unit: 'кВт, квар', digits: 3, x: xs, xTitle: 'Интервал',
        xFormat: span, xTicks: hourTicks(xs, env.tz),
        series: chosen.map((s) => ({ name: s.name, unit: s.unit, values: rows.map((r) => r[s.key]) })),
      });
    }

    const table = dataTable({
      className: 'profile-table',
      caption: `Профиль мощности за ${period}`,
      columns: [{ title: 'Интервал' }, ...present.map((s) => ({ title: `${s.name}, ${s.unit}`, numeric: true }))],
      rows: rows.map((r) => [span(r.ts), ...present.map((s) => formatNumber(r[s.key], { fixed: 3 }))]),
    });

    return {
      state: 'ready',
      nodes: [
        h('div', { class: 'stats' },
          stat('Интервал', interval === 60 ? '1 час' : `${interval} мин`),
          stat('Энергия A+ по профилю', formatValue(energy, 'кВт·ч', { digits: 2 })),
          peak ? stat('Наибольшая мощность P+', `${formatValue(peak.p_plus, 'кВт', { digits: 3 })} (${formatDateTime(peak.ts, env.tz)})`) : null),
        h('p', { class: 'muted chart-note' }, SERIES.filter((s) => present.includes(s)).map((s) => `${s.label}, ${s.unit}`).join('; '), '.'),
        chart,
        h('details', { class: 'disclosure' },
          h('summary', null, `Таблица значений (${rows.length})`),
          h('div', { class: 'table-scroll', role: 'region', 'aria-label': 'Профиль мощности: таблица', tabindex: '0' }, table)),
      ],
    };
  }

  panel.append(filter.element, result.element);
  filter.apply();
}
