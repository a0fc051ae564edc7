// «Отчёты по обращениям» of the staff: for a period, the figures order 186 App. 7 §4 asks a grid company to
// disclose (appeals in total, containing a complaint, containing a service request, answered on time and late,
// by channel), the counts by kind and per month or day, the answers of surveys per question; the same as XLSX or
// CSV files (links the browser follows with the session cookie).
//   GET operator/reports/cases?from&to&group[&format=xlsx|csv]
// Markup: .page--operator-case-reports, form.filters[data-filter="case-reports"] (from, to, select[name=group]),
// .result[data-result="case-reports"] with table.case-report-channels, table.case-report-kinds,
// table.case-report-periods, .case-report-survey; a.case-report-download[data-format="xlsx|csv"].

import { api, apiUrl } from '../core/api.js';
import { h, plural } from '../core/ui.js';
import { formatNumber, todayIn } from '../core/format.js';
import { operatorNav, staffGate, staffOnly, isDenied } from '../widgets/staff.js';
import { periodFilter, resultArea, selectField } from '../widgets/filters.js';
import { dataTable, emptyNotice, loader, scrollTable, stat } from '../widgets/data-view.js';

export const title = 'Отчёты по обращениям';

const n = (v) => formatNumber(v || 0);

export async function render(ctx) {
  const gate = staffGate(ctx, title);
  if (gate) return gate;
  const today = todayIn(ctx.tenant && ctx.tenant.timezone);
  const year = today.slice(0, 4);
  const result = resultArea('case-reports');
  const run = loader({ signal: ctx.signal }, result);
  const group = selectField({ name: 'group', label: 'Строки по', options: [{ value: 'month', label: 'месяцам' }, { value: 'day', label: 'дням' }], value: 'month' });
  const downloads = h('p', { class: 'page__links case-report-downloads' });

  function links(q) {
    downloads.replaceChildren(
      h('a', { class: 'btn btn--secondary case-report-download', download: '', dataset: { format: 'xlsx' }, href: apiUrl('operator/reports/cases', { ...q, format: 'xlsx' }) }, 'Скачать XLSX'),
      h('a', { class: 'btn btn--ghost case-report-download', download: '', dataset: { format: 'csv' }, href: apiUrl('operator/reports/cases', { ...q, format: 'csv' }) }, 'Скачать CSV'));
  }

  function draw(r) {
    const t = r.totals || {};
    const nodes = [
      h('div', { class: 'stats case-report-totals' },
        stat('Обращений', n(t.total)), stat('Содержащих жалобу', n(t.complaint)), stat('Содержащих заявку на услугу', n(t.service_request)),
        stat('Ответ дан в срок', n(t.answered_on_time)), stat('С нарушением срока', n(t.answered_late)), stat('Без ответа', n(t.open))),
      h('h2', { class: 'section-title' }, 'По способу обращения (приказ Минэнерго № 186, прил. 7, п. 4)'),
      scrollTable(dataTable({
        className: 'case-report-channels',
        columns: [{ title: 'Способ' }, { title: 'Всего', numeric: true }, { title: 'С жалобой', numeric: true }, { title: 'С заявкой на услугу', numeric: true },
          { title: 'Ответ в срок', numeric: true }, { title: 'С нарушением срока', numeric: true }, { title: 'Без ответа', numeric: true }],
        rows: [...(r.by_channel || []), { label: 'Итого', ...t }].map((c) => [c.label, n(c.total), n(c.complaint), n(c.service_request), n(c.answered_on_time), n(c.answered_late), n(c.open)]),
      }), 'По способу обращения'),
      h('h2', { class: 'section-title' }, 'По видам'),
      scrollTable(dataTable({
        className: 'case-report-kinds',
        columns: [{ title: 'Вид' }, { title: 'Всего', numeric: true }, { title: 'Ответ в срок', numeric: true }, { title: 'С нарушением срока', numeric: true },
          { title: 'Без ответа', numeric: true }, { title: 'Просрочено', numeric: true }],
        rows: (r.by_kind || []).map((k) => [k.label, n(k.total), n(k.answered_on_time), n(k.answered_late), n(k.open), n(k.overdue)]),
      }), 'По видам'),
    ];
    const kindLabels = new Map((r.by_kind || []).map((k) => [k.id, k.label]));
    const periods = r.periods || [];
    if (periods.length) {
      nodes.push(h('h2', { class: 'section-title' }, r.group === 'day' ? 'По дням' : 'По месяцам'),
        scrollTable(dataTable({
          className: 'case-report-periods',
          columns: [{ title: 'Период' }, { title: 'Всего', numeric: true }, ...(periods[0].kinds || []).map((k) => ({ title: kindLabels.get(k.id) || 'Другое', numeric: true }))],
          rows: periods.map((p) => [p.label, n(p.total), ...(p.kinds || []).map((k) => n(k.count))]),
        }), 'По периодам'));
    }
    for (const s of r.surveys || []) {
      nodes.push(h('section', { class: 'card case-report-survey', dataset: { kind: s.kind && s.kind.id } },
        h('h2', { class: 'card__title' }, `${(s.kind && s.kind.label) || 'Опрос'}: ${s.total} ${plural(s.total, ['ответ', 'ответа', 'ответов'])}`),
        (s.questions || []).map((q) => h('div', { class: 'case-report-question' },
          h('h3', null, q.label || q.name),
          h('p', { class: 'muted' }, `Ответили: ${n(q.answered)}`, q.average !== null && q.average !== undefined ? ` · средняя оценка ${formatNumber(q.average, { fixed: 2 })}` : ''),
          (q.answers || []).length ? h('ul', { class: 'case-report-answers' }, q.answers.map((a) => h('li', null, `${a.text}: ${n(a.count)}`))) : null))));
    }
    if (!t.total && !(r.surveys || []).some((s) => s.total)) return { state: 'empty', nodes: [emptyNotice('За выбранный период обращений нет.')] };
    return { state: 'ready', nodes };
  }

  let denied = null;
  const filter = periodFilter({
    name: 'case-reports',
    from: `${year}-01-01`,
    to: today,
    extra: [group.element],
    check: ({ from, to }) => (group.control.value === 'day' && (Date.parse(to) - Date.parse(from)) / 86400000 > 365
      ? 'По дням — не больше чем за год; выберите строки по месяцам.' : null),
    presets: [
      { label: 'Этот год', range: () => [`${year}-01-01`, today] },
      { label: 'Прошлый год', range: () => [`${Number(year) - 1}-01-01`, `${Number(year) - 1}-12-31`] },
    ],
    onApply: ({ from, to }) => {
      const q = { from, to, group: group.control.value };
      links(q);
      run(() => api.get('operator/reports/cases', { query: q, signal: ctx.signal }).catch((err) => { if (isDenied(err)) denied = err; throw err; }), draw);
    },
  });
  filter.apply();
  if (denied) return staffOnly(title, denied);
  return h('section', { class: 'page page--operator-case-reports' },
    h('h1', { class: 'page__title' }, title),
    operatorNav(ctx, 'operator/case-reports'),
    filter.element, downloads, result.element);
}
