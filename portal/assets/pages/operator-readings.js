// «Показания на проверке» (operator, tenant administrator): the readings
// consumers submitted by hand, with the point, the meter, the consumer and
// the values; «Утвердить» puts a reading among the meter's readings,
// «Отклонить» asks for the reason (required; the consumer sees it).
// Accepted and rejected readings can be looked through too (?state=…).
//   GET  operator/manual-readings?state=pending|accepted|rejected
//     → {rows: [{id, ts, t1..t4, total, state, reason, submitted_at, point_id, point_name, address, model, serial, consumer}]}
//   POST operator/manual-readings/<id>/approve → 200; 409 already_decided
//   POST operator/manual-readings/<id>/reject {reason} → 200; 422 {fields: {reason}}; 409 already_decided
//
// Markup: .operator-readings-table with tr.operator-reading[data-id][data-state], button.reading-approve,
// button.reading-reject (dialog.reject-dialog, field reason), .operator-status (.operator-decided).

import { api, ApiError } from '../core/api.js';
import { h, mount, notice, plural } from '../core/ui.js';
import { formDialog } from '../widgets/dialog.js';
import { resultArea, segmented } from '../widgets/filters.js';
import { formatDate, formatDateTime, formatNumber, isNum, DASH } from '../core/format.js';
import { TARIFF_KEYS, MANUAL_STATES } from '../core/meters.js';
import { operatorNav, staffOnly, staffGate, isDenied } from '../widgets/staff.js';
import { loader, scrollTable, dataTable } from '../widgets/data-view.js';
import { submitter } from '../widgets/submit.js';

export const title = 'Показания на проверке';

const STATES = [
  { value: 'pending', label: 'На проверке' },
  { value: 'accepted', label: 'Принятые' },
  { value: 'rejected', label: 'Отклонённые' },
];

/** The values of a reading: a line per tariff zone and the sum. */
function valuesList(r) {
  const keys = TARIFF_KEYS.filter((k) => isNum(r[k]));
  const items = keys.map((k) => [keys.length > 1 ? `Т${k.slice(1)}` : 'Показание', r[k]]);
  if (keys.length > 1 && isNum(r.total)) items.push(['Сумма', r.total]);
  if (!items.length && isNum(r.total)) items.push(['Показание', r.total]);
  return h('dl', { class: 'reading-values' },
    items.map(([label, v]) => h('div', { class: 'reading-values__row' },
      h('dt', null, label), h('dd', null, formatNumber(v, { fixed: 3 })))));
}

/** «ТП-14 (ул. Мира, 1)» — a short description of the reading for messages. */
function whatText(r) {
  return [r.point_name || 'Точка учёта', r.consumer ? `потребитель ${r.consumer}` : null].filter(Boolean).join(', ');
}

export async function render(ctx) {
  const gate = staffGate(ctx, title);
  if (gate) return gate;
  const tz = ctx.tenant.timezone || 'Europe/Moscow';
  const wanted = ctx.query.get('state');
  const state = { value: STATES.some((s) => s.value === wanted) ? wanted : 'pending' };
  const status = h('div', { class: 'form-status operator-status', 'aria-live': 'polite' });
  const result = resultArea('operator-readings');
  const page = h('section', { class: 'page page--operator-readings' });
  const env = { ctx, signal: ctx.signal };
  const run = loader(env, result);

  const filter = segmented({
    name: 'state',
    legend: 'Показания',
    value: state.value,
    options: STATES,
    onChange: (v) => {
      state.value = v;
      status.replaceChildren();
      ctx.router.setQuery({ state: v === 'pending' ? null : v });
      load();
    },
  });

  function load() {
    run(async () => {
      try {
        return await api.get('operator/manual-readings', { query: { state: state.value }, signal: ctx.signal });
      } catch (err) {
        if (isDenied(err)) mount(page, staffOnly(title, err));
        throw err;
      }
    }, show);
  }

  function show(data) {
    const rows = (data && Array.isArray(data.rows) ? data.rows : []).filter(Boolean);
    const current = state.value;
    if (!rows.length) {
      const text = current === 'pending' ? 'Показаний на проверке нет.' : `${STATES.find((s) => s.value === current).label} показания не найдены.`;
      return { state: 'empty', nodes: [notice('info', h('strong', { class: 'operator-readings-empty' }, text))] };
    }
    const columns = [
      { title: 'Передано' },
      { title: 'Точка и прибор учёта' },
      { title: 'Потребитель' },
      { title: 'Дата показаний' },
      { title: 'Показания, кВт·ч' },
      current === 'pending' ? { title: 'Решение' } : { title: current === 'rejected' ? 'Причина отказа' : 'Состояние' },
    ];
    const table = dataTable({
      className: 'operator-readings-table',
      caption: `${STATES.find((s) => s.value === current).label}: ${rows.length} ${plural(rows.length, ['показание', 'показания', 'показаний'])}`,
      columns,
      rowAttrs: (cells, i) => ({ class: 'operator-reading', dataset: { id: rows[i].id, state: rows[i].state || current, point: rows[i].point_id } }),
      rows: rows.map((r) => [
        formatDateTime(r.submitted_at, tz),
        h('span', null,
          r.point_id
            ? h('a', { href: ctx.router.href(`points/${encodeURIComponent(r.point_id)}`), class: 'operator-reading__point' }, r.point_name || r.point_id)
            : (r.point_name || DASH),
          r.address ? h('span', { class: 'cell-sub' }, r.address) : null,
          r.model || r.serial ? h('span', { class: 'cell-sub operator-reading__meter' }, [r.model, r.serial ? `№ ${r.serial}` : null].filter(Boolean).join(', ')) : null),
        h('span', { class: 'operator-reading__consumer' }, r.consumer || DASH),
        isNum(r.ts) ? formatDate(r.ts, tz) : DASH,
        valuesList(r),
        current === 'pending'
          ? actions(r)
          : current === 'rejected'
            ? (r.reason || DASH)
            : h('span', { class: `manual-state manual-state--${r.state || current}` }, MANUAL_STATES[r.state || current] || DASH),
      ]),
    });
    return { state: 'ready', nodes: [scrollTable(table, 'Показания потребителей')] };
  }

  function actions(r) {
    const approve = h('button', { type: 'button', class: 'btn btn--primary btn--small reading-approve', 'aria-label': `Утвердить: ${whatText(r)}` }, 'Утвердить');
    const reject = h('button', { type: 'button', class: 'btn btn--secondary btn--small reading-reject', 'aria-label': `Отклонить: ${whatText(r)}` }, 'Отклонить');
    approve.addEventListener('click', submitter({
      button: approve,
      signal: ctx.signal,
      status,
      busyText: 'Утверждение…',
      check: () => { reject.disabled = true; return true; },
      send: () => api.post(`operator/manual-readings/${encodeURIComponent(r.id)}/approve`, {}, { signal: ctx.signal }),
      done: () => {
        reject.disabled = false;
        decided('success', `Показания утверждены: ${whatText(r)}.`);
      },
      failed: (err) => {
        reject.disabled = false;
        actionFailed(err);
        return true;
      },
    }));
    reject.addEventListener('click', async () => {
      status.replaceChildren();
      let fatal = null;
      const done = await formDialog({
        title: 'Отклонить показания',
        className: 'reject-dialog',
        text: `${whatText(r)}; показания на ${isNum(r.ts) ? formatDate(r.ts, tz) : DASH}. Причина отказа будет показана потребителю.`,
        fields: [{ name: 'reason', label: 'Причина отказа', type: 'textarea', required: true, max_length: 1000,
          hint: 'Например: показание меньше предыдущего, проверьте номер прибора учёта' }],
        confirmLabel: 'Отклонить',
        danger: true,
        submit: async ({ reason }) => {
          try {
            return await api.post(`operator/manual-readings/${encodeURIComponent(r.id)}/reject`, { reason }, { signal: ctx.signal });
          } catch (err) {
            // Decided meanwhile, or the session is over: the dialog closes and the page says so.
            if (err instanceof ApiError && (err.status === 409 || err.status === 404 || err.isSessionEnd)) { fatal = err; return null; }
            throw err;
          }
        },
      });
      if (fatal) { actionFailed(fatal); return; }
      if (done) decided('success', `Показания отклонены: ${whatText(r)}.`);
    });
    return h('div', { class: 'reading-actions' }, approve, reject);
  }

  function decided(kind, text) {
    mount(status, notice(kind, h('strong', { class: 'operator-decided', tabindex: '-1' }, text)));
    status.querySelector('.operator-decided').focus();
    load();
  }

  function actionFailed(err) {
    if (ctx.signal.aborted) return;
    if (isDenied(err)) { mount(page, staffOnly(title, err)); return; }
    mount(status, notice('error', h('strong', null, err.message || 'Не удалось выполнить действие.')));
    if (err instanceof ApiError && (err.status === 409 || err.status === 404)) load();
  }

  page.append(
    h('h1', { class: 'page__title' }, title),
    operatorNav(ctx, 'operator/readings'),
    h('p', { class: 'lead' }, 'Показания, переданные потребителями вручную. Утверждённые показания попадают в таблицы, на графики и в отчёты; '
      + 'при отказе укажите причину — её увидит потребитель.'),
    h('form', { class: 'filters', dataset: { filter: 'operator-readings' }, onSubmit: (e) => e.preventDefault() },
      h('div', { class: 'filters__row' }, filter.element)),
    status,
    result.element,
  );
  load();
  return page;
}
