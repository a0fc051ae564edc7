// «Журнал событий»: the meter's journal for a period, filtered by category
// and severity, with statistics by category. Tamper events (cover or
// terminal cover opened, magnetic field, …) are highlighted.
//   GET points/<id>/events?from&to&category&severity
//     → {rows: [{ts_start, ts_end, code, category, severity, text, tamper}], stats: {by_category, by_severity}}

import { h, plural, notice } from '../../core/ui.js';
import { hBarChart } from '../../widgets/charts.js';
import { periodFilter, resultArea, selectField } from '../../widgets/filters.js';
import { addDays, monthStart, formatDateTime, isNum } from '../../core/format.js';
import { CATEGORIES, SEVERITIES, categoryLabel, severityLabel } from '../../core/meters.js';
import { loader, emptyNotice, dataTable, limitedTable } from '../../widgets/data-view.js';

function counts(obj) {
  if (!obj || typeof obj !== 'object') return null;
  const out = Object.entries(obj).filter(([, v]) => isNum(v));
  return out.length ? out : null;
}

function countBy(rows, key) {
  const m = new Map();
  for (const r of rows) m.set(r[key], (m.get(r[key]) || 0) + 1);
  return [...m];
}

export function renderEvents(panel, env) {
  const state = { from: addDays(env.anchor, -29), to: env.anchor, category: '', severity: '' };
  const result = resultArea('events');
  const run = loader(env, result);

  const category = selectField({
    name: 'category', label: 'Категория', value: '',
    options: [{ value: '', label: 'Все категории' }, ...Object.entries(CATEGORIES).map(([value, label]) => ({ value, label }))],
  });
  const severity = selectField({
    name: 'severity', label: 'Важность', value: '',
    options: [{ value: '', label: 'Любая' }, ...Object.entries(SEVERITIES).map(([value, label]) => ({ value, label }))],
  });

  const filter = periodFilter({
    name: 'events',
    from: state.from,
    to: state.to,
    max: env.today,
    maxDays: 1096,
    presets: [
      { label: '7 дней', range: () => [addDays(env.anchor, -6), env.anchor] },
      { label: '30 дней', range: () => [addDays(env.anchor, -29), env.anchor] },
      { label: '3 месяца', range: () => [monthStart(env.anchor, -2), env.anchor] },
      { label: 'Год', range: () => [addDays(env.anchor, -364), env.anchor] },
    ],
    extra: [category.element, severity.element],
    onApply: ({ from, to }) => {
      Object.assign(state, { from, to, category: category.control.value, severity: severity.control.value });
      run(() => env.get('events', {
        from, to, category: state.category || undefined, severity: state.severity || undefined,
      }), show);
    },
  });

  /** Adds the categories the server knows and the portal does not to the select. */
  function learnCategories(ids) {
    const have = new Set([...category.control.options].map((o) => o.value));
    for (const id of ids) {
      if (id && !have.has(id)) category.control.append(h('option', { value: id }, categoryLabel(id)));
    }
  }

  function show(data) {
    const rows = (data && Array.isArray(data.rows) ? data.rows : []).filter(Boolean)
      .sort((a, b) => (b.ts_start ?? 0) - (a.ts_start ?? 0));
    const stats = (data && data.stats) || {};
    const byCategory = counts(stats.by_category) || countBy(rows, 'category');
    const bySeverity = counts(stats.by_severity) || countBy(rows, 'severity');
    learnCategories(byCategory.map(([id]) => id));
    if (!rows.length) return { state: 'empty', nodes: [emptyNotice('Событий за выбранный период нет.', 'Выберите другой период или снимите фильтры.')] };

    const tamper = rows.filter((r) => r.tamper === true || r.category === 'tamper');
    const nodes = [];
    if (tamper.length) {
      nodes.push(notice('error',
        h('strong', { class: 'events-tamper-alert' },
          `${tamper.length} ${plural(tamper.length, ['событие', 'события', 'событий'])} вмешательства в работу прибора учёта`),
        h('p', null, 'Такие события (вскрытие крышки, воздействие магнитным полем и подобные) выделены в таблице. '
          + 'Если вы не знаете их причины, сообщите в сетевую организацию.')));
    }
    nodes.push(h('section', { class: 'block events-stats', 'aria-labelledby': 'events-stats-title' },
      h('h3', { class: 'block__title', id: 'events-stats-title' }, 'Статистика по категориям'),
      hBarChart({
        label: `Число событий по категориям за период`,
        categoryTitle: 'Категория',
        valueTitle: 'Событий',
        digits: 0,
        data: byCategory.sort((a, b) => b[1] - a[1]).map(([id, n]) => ({
          label: categoryLabel(id), value: n, className: id === 'tamper' ? 'chart__bar--alarm' : null,
        })),
      }),
      h('ul', { class: 'chips', 'aria-label': 'По важности' },
        bySeverity.map(([id, n]) => h('li', { class: `chip chip--${id}` }, `${severityLabel(id)}: ${n}`))),
    ));

    const make = (list) => dataTable({
      className: 'events-table',
      caption: `События за период: ${rows.length}`,
      columns: [{ title: 'Начало' }, { title: 'Окончание', className: 'nowrap' }, { title: 'Категория' }, { title: 'Важность' }, { title: 'Событие' }],
      rowAttrs: (cells, i) => {
        const r = list[i];
        const isTamper = r.tamper === true || r.category === 'tamper';
        return { class: ['events-row', `events-row--${r.severity}`, isTamper && 'events-row--tamper'], dataset: { code: r.code, category: r.category } };
      },
      rows: list.map((r) => {
        const isTamper = r.tamper === true || r.category === 'tamper';
        return [
          formatDateTime(r.ts_start, env.tz),
          isNum(r.ts_end) ? formatDateTime(r.ts_end, env.tz) : '—',
          categoryLabel(r.category),
          h('span', { class: `severity severity--${r.severity}` }, severityLabel(r.severity)),
          h('span', null,
            isTamper ? h('span', { class: 'badge badge--alarm' }, 'Вмешательство') : null,
            isTamper ? ' ' : null,
            r.text || r.code || '—'),
        ];
      }),
    });
    nodes.push(h('section', { class: 'block', 'aria-labelledby': 'events-table-title' },
      h('h3', { class: 'block__title', id: 'events-table-title' }, 'События'),
      limitedTable(make, rows, 100, 'Журнал событий')));
    return { state: 'ready', nodes };
  }

  panel.append(filter.element, result.element);
  filter.apply();
}
