// «Оповещения» (operator, tenant administrator): tamper events in meters' journals and meters that stopped
// answering polls — the consumer, the address, the meter's serial and the local time — with «Принято к
// сведению» (acknowledge: who and when is recorded once for all operators). A tamper alert carries the
// warning that an act of non-metered consumption may follow.
//   GET operator/alerts?state=open|acknowledged → {rows: [{id, kind, kind_label, title, body, created_at, time,
//     consumer, address, meter_serial, point, hint, acknowledged_at, acknowledged_by}]}
//   POST operator/alerts/<id>/acknowledge → the alert
//
// Markup: table.alerts-table with tr.alert-row[data-id][data-kind], .alert-row__hint, button.alert-acknowledge,
// .alert-row__acknowledged; .alerts-status (.alert-acknowledged).

import { api, ApiError } from '../core/api.js';
import { h, mount, notice, plural } from '../core/ui.js';
import { formatDateTime, DASH } from '../core/format.js';
import { resultArea, segmented } from '../widgets/filters.js';
import { operatorNav, staffGate, staffOnly, isDenied } from '../widgets/staff.js';
import { loader, scrollTable, dataTable } from '../widgets/data-view.js';
import { submitter } from '../widgets/submit.js';

export const title = 'Оповещения';

const STATES = [
  { value: 'open', label: 'Новые' },
  { value: 'acknowledged', label: 'Принятые к сведению' },
];

export async function render(ctx) {
  const gate = staffGate(ctx, title);
  if (gate) return gate;
  const tz = ctx.tenant.timezone || 'Europe/Moscow';
  const result = resultArea('operator-alerts');
  const status = h('div', { class: 'alerts-status', 'aria-live': 'polite' });
  const page = h('section', { class: 'page page--operator-alerts' });
  const state = { value: ctx.query.get('state') === 'acknowledged' ? 'acknowledged' : 'open' };
  const filter = segmented({
    name: 'state', legend: 'Оповещения', value: state.value, options: STATES,
    onChange: (v) => {
      state.value = v;
      status.replaceChildren();
      ctx.router.setQuery({ state: v === 'open' ? null : v });
      load();
    },
  });

  function acknowledgeButton(a) {
    const button = h('button', { type: 'button', class: 'btn btn--primary btn--small alert-acknowledge',
      'aria-label': `Принять к сведению: ${a.kind_label}, прибор учёта № ${a.meter_serial || DASH}` }, 'Принять к сведению');
    button.addEventListener('click', submitter({
      button,
      signal: ctx.signal,
      status,
      busyText: 'Сохранение…',
      send: () => api.post(`operator/alerts/${encodeURIComponent(a.id)}/acknowledge`, {}, { signal: ctx.signal }),
      done: (done) => {
        mount(status, notice('success', h('strong', { class: 'alert-acknowledged', tabindex: '-1' },
          `Оповещение принято к сведению: ${done.kind_label}, прибор учёта № ${done.meter_serial || DASH}.`)));
        status.querySelector('.alert-acknowledged').focus();
        load();
      },
      failed: (err) => {
        if (isDenied(err)) { mount(page, staffOnly(title, err)); return true; }
        mount(status, notice('error', h('strong', null, err.message || 'Не удалось сохранить.')));
        if (err instanceof ApiError && err.status === 404) load();
        return true;
      },
    }));
    return button;
  }

  function show(data) {
    const rows = (data && Array.isArray(data.rows) ? data.rows : []).filter(Boolean);
    if (!rows.length) {
      const text = state.value === 'open' ? 'Новых оповещений нет.' : 'Принятых к сведению оповещений нет.';
      return { state: 'empty', nodes: [notice('info', h('strong', { class: 'alerts-empty' }, text))] };
    }
    const table = dataTable({
      className: 'alerts-table',
      caption: `${STATES.find((s) => s.value === state.value).label}: ${rows.length} ${plural(rows.length, ['оповещение', 'оповещения', 'оповещений'])}`,
      columns: [{ title: 'Поступило' }, { title: 'Событие' }, { title: 'Потребитель' }, { title: 'Адрес' }, { title: 'Прибор учёта' },
        { title: state.value === 'open' ? 'Действие' : 'Принято к сведению' }],
      rowAttrs: (_, i) => ({ class: ['alert-row', `alert-row--${rows[i].kind}`], dataset: { id: rows[i].id, kind: rows[i].kind } }),
      rows: rows.map((a) => [
        a.time || formatDateTime(a.created_at, tz),
        h('span', null,
          h('strong', { class: 'alert-row__kind' }, a.kind_label || a.title || DASH),
          a.body ? h('span', { class: 'cell-sub alert-row__body' }, a.body) : null,
          a.hint ? h('span', { class: 'cell-sub alert-row__hint' }, a.hint) : null),
        a.consumer || DASH,
        a.address || DASH,
        a.meter_serial ? h('span', null, `№ ${a.meter_serial}`, a.point ? h('span', { class: 'cell-sub' }, a.point) : null) : DASH,
        a.acknowledged_at
          ? h('span', { class: 'alert-row__acknowledged' }, `${formatDateTime(a.acknowledged_at, tz)}${a.acknowledged_by ? `, ${a.acknowledged_by}` : ''}`)
          : acknowledgeButton(a),
      ]),
    });
    return { state: 'ready', nodes: [scrollTable(table, 'Оповещения')] };
  }

  const run = loader({ ctx, signal: ctx.signal }, result);
  let denied = null;
  function load() {
    return run(async () => {
      try {
        return await api.get('operator/alerts', { query: { state: state.value }, signal: ctx.signal });
      } catch (err) {
        if (isDenied(err)) denied = err;
        throw err;
      }
    }, show);
  }
  await load();
  if (denied) return staffOnly(title, denied);
  page.append(
    h('h1', { class: 'page__title' }, title),
    operatorNav(ctx, 'operator/alerts'),
    h('p', { class: 'lead' }, 'Вмешательство в работу приборов учёта и приборы, которые перестали отвечать на опрос. '
      + 'Примите оповещение к сведению, когда по нему начата работа: отметка видна всем операторам.'),
    h('form', { class: 'filters', dataset: { filter: 'operator-alerts' }, onSubmit: (e) => e.preventDefault() },
      h('div', { class: 'filters__row' }, filter.element)),
    status,
    result.element);
  return page;
}
