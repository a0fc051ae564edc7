// «Показания»: consumption by month, week or day as a bar chart (by tariff
// zone when the meter has several) and the register readings of the period
// as a table per tariff.
//   GET points/<id>/consumption?from&to&group&energy → {group, rows: [{period, start_ts, total, t1..t4}]}
//   GET points/<id>/readings?from&to&energy&kind      → {rows: [{ts, date, total, t1..t4, source, kind}]}
//     («Все» = kind=billing and kind=latest, merged)

import { h } from '../../core/ui.js';
import { barChart, groupedBarChart } from '../../widgets/charts.js';
import { periodFilter, resultArea, selectField, segmented } from '../../widgets/filters.js';
import {
  addDays, monthStart, weekStart, daysBetween, formatDateTime, formatNumber, formatValue, isNum, zonedParts,
  MONTHS_SHORT, MONTHS, formatDate, formatIsoDate,
} from '../../core/format.js';
import { ENERGIES, energyOf, zoneKeys, zoneLabel, SOURCES, READING_KINDS } from '../../core/meters.js';
import { loader, emptyNotice, dataTable, limitedTable, stat } from '../../widgets/data-view.js';

const GROUPS = [
  { value: 'month', label: 'По месяцам' },
  { value: 'week', label: 'По неделям' },
  { value: 'day', label: 'По дням' },
];

/** The default period of a grouping, ending on the anchor date. */
function defaultRange(group, anchor) {
  if (group === 'day') return [addDays(anchor, -30), anchor];
  if (group === 'week') return [weekStart(addDays(anchor, -7 * 11)), anchor];
  return [monthStart(anchor, -11), anchor];
}

const LIMITS = { day: 93, week: 371, month: 1096 };

const pad = (n) => String(n).padStart(2, '0');
const capital = (s) => s.charAt(0).toUpperCase() + s.slice(1);

/** The label of a consumption row: {tick, label} for the axis and the tooltip. */
function periodLabel(row, group, tz, first) {
  if (!isNum(row.start_ts)) return { tick: String(row.period ?? ''), label: String(row.period ?? '') };
  const p = zonedParts(row.start_ts, tz);
  if (group === 'month') {
    const tick = p.month === 1 || first ? `${MONTHS_SHORT[p.month - 1]} ${p.year}` : MONTHS_SHORT[p.month - 1];
    return { tick, label: `${capital(MONTHS[p.month - 1])} ${p.year}` };
  }
  if (group === 'week') {
    const end = zonedParts(row.start_ts + 6 * 86400 + 3600, tz);
    return { tick: `${pad(p.day)}.${pad(p.month)}`, label: `Неделя ${pad(p.day)}.${pad(p.month)}–${pad(end.day)}.${pad(end.month)}.${end.year}` };
  }
  return { tick: `${pad(p.day)}.${pad(p.month)}`, label: formatDate(row.start_ts, tz) };
}

export function renderReadings(panel, env) {
  const state = { group: 'month', energy: 'A+', kind: '' };
  [state.from, state.to] = defaultRange(state.group, env.anchor);
  const result = resultArea('readings');
  const run = loader(env, result);

  const energy = selectField({
    name: 'energy', label: 'Энергия', value: state.energy,
    options: ENERGIES.map((e) => ({ value: e.id, label: e.label })),
    onChange: (e) => { state.energy = e.target.value; filter.apply(); },
  });
  const kind = selectField({
    name: 'kind', label: 'Показания', value: state.kind,
    options: [{ value: '', label: 'Все' }, { value: 'billing', label: 'Расчётные' }, { value: 'latest', label: 'Текущие' }],
    onChange: (e) => { state.kind = e.target.value; filter.apply(); },
  });
  const group = segmented({
    name: 'group', legend: 'Потребление', value: state.group, options: GROUPS,
    onChange: (g) => {
      state.group = g;
      const [f, t] = defaultRange(g, env.anchor);
      filter.setRange(f, t);
      filter.apply();
    },
  });

  const filter = periodFilter({
    name: 'readings',
    from: state.from,
    to: state.to,
    max: env.today,
    check: ({ from, to }) => (daysBetween(from, to) + 1 > LIMITS[state.group]
      ? `${GROUPS.find((g) => g.value === state.group).label} — не больше ${LIMITS[state.group]} дней; выберите период короче или другую группировку.`
      : null),
    presets: [
      { label: '12 месяцев', range: () => [monthStart(env.anchor, -11), env.anchor] },
      { label: 'Текущий месяц', range: () => [monthStart(env.anchor), env.anchor] },
      { label: '30 дней', range: () => [addDays(env.anchor, -29), env.anchor] },
      { label: '7 дней', range: () => [addDays(env.anchor, -6), env.anchor] },
    ],
    extra: [group.element, energy.element, kind.element],
    onApply: ({ from, to }) => {
      state.from = from;
      state.to = to;
      load();
    },
  });

  function load() {
    const q = { from: state.from, to: state.to, energy: state.energy };
    const g = state.group;
    // «Все» asks for both kinds by name: what a request without a kind returns is the server's choice.
    const kinds = state.kind ? [state.kind] : ['billing', 'latest'];
    run(
      () => Promise.all([
        env.get('consumption', { ...q, group: g }),
        ...kinds.map((kind) => env.get('readings', { ...q, kind })),
      ]),
      ([consumption, ...readings]) => show(g, consumption, {
        rows: readings.flatMap((r, i) => (r && Array.isArray(r.rows) ? r.rows.map((row) => ({ kind: kinds[i], ...row })) : [])),
      }),
    );
  }

  function show(g, consumption, readings) {
    const e = energyOf(state.energy);
    const cRows = (consumption && Array.isArray(consumption.rows) ? consumption.rows : [])
      .filter((r) => r).sort((a, b) => (a.start_ts ?? 0) - (b.start_ts ?? 0));
    const rRows = (readings && Array.isArray(readings.rows) ? readings.rows : [])
      .filter((r) => r).sort((a, b) => (b.ts ?? 0) - (a.ts ?? 0));
    if (!cRows.length && !rRows.length) return { state: 'empty', nodes: [emptyNotice()] };

    const nodes = [];
    const groupName = GROUPS.find((x) => x.value === g).label.toLowerCase();
    if (cRows.length) {
      const zones = zoneKeys(cRows, env.meter.tariff_zones);
      const counted = cRows.filter((r) => isNum(r.total));
      const total = counted.reduce((s, r) => s + r.total, 0);
      const labels = cRows.map((r, i) => periodLabel(r, g, env.tz, i === 0));
      const label = `Потребление, ${e.short}, ${groupName}, ${filterText()}`;
      const chart = zones.length > 1
        ? groupedBarChart({
          label, unit: e.unit, digits: 1, categories: labels,
          series: zones.map((k) => ({ name: zoneLabel(k, env.meter.tariff_zones), values: cRows.map((r) => r[k]) })),
        })
        : barChart({
          label, unit: e.unit, digits: 1, seriesName: 'Потребление',
          data: cRows.map((r, i) => ({ label: labels[i].label, tick: labels[i].tick, value: r.total })),
        });
      nodes.push(h('section', { class: 'block', 'aria-labelledby': 'readings-chart-title' },
        h('h3', { class: 'block__title', id: 'readings-chart-title' }, `Потребление ${groupName}`),
        h('div', { class: 'stats' },
          stat('За период', formatValue(total, e.unit, { digits: 2 })),
          stat('В среднем', counted.length ? formatValue(total / counted.length, e.unit, { digits: 2 }) : '—'),
          stat('Наибольшее', counted.length ? formatValue(Math.max(...counted.map((r) => r.total)), e.unit, { digits: 2 }) : '—')),
        chart));
    } else {
      nodes.push(emptyNotice('Потребление за выбранный период посчитать не из чего.', null));
    }

    if (rRows.length) {
      const zones = zoneKeys(rRows, env.meter.tariff_zones);
      const columns = [
        { title: 'Дата и время' },
        ...zones.map((k) => ({ title: zoneLabel(k, env.meter.tariff_zones), numeric: true })),
        { title: zones.length ? 'Сумма' : 'Показание', numeric: true },
        { title: 'Вид' },
        { title: 'Источник' },
      ];
      const make = (rows) => dataTable({
        className: 'readings-table',
        caption: `Показания, ${e.unit} (${e.short})`,
        columns,
        rows: rows.map((r) => [
          formatDateTime(r.ts, env.tz),
          ...zones.map((k) => formatNumber(r[k], { fixed: 3 })),
          formatNumber(r.total, { fixed: 3 }),
          READING_KINDS[r.kind] || r.kind || '—',
          SOURCES[r.source] || r.source || '—',
        ]),
      });
      nodes.push(h('section', { class: 'block', 'aria-labelledby': 'readings-table-title' },
        h('h3', { class: 'block__title', id: 'readings-table-title' }, 'Показания по тарифам'),
        limitedTable(make, rRows, 40, 'Показания по тарифам')));
    } else {
      nodes.push(emptyNotice('Показаний за выбранный период нет.', null));
    }
    return { state: 'ready', nodes };
  }

  function filterText() {
    return `${formatIsoDate(state.from)}–${formatIsoDate(state.to)}`;
  }

  panel.append(filter.element, result.element);
  load();
}
