// «Опрос приборов учёта» (operator, tenant administrator): the meters the server polls through the
// utility's gateways — driver, gateway, when each schedule last succeeded, the last error and when the next
// try comes — and the notification records polling raised (tamper journal events).
//   GET operator/polling → {gateways: [{gateway_id, address, title, lease_owner, lease_until}],
//     meters: [{meter_id, serial, model, driver, gateway_id, enabled, firmware, clock_drift_s,
//               jobs: [{schedule, next_run, attempts, last_run, last_ok, last_error_kind, last_error}]}],
//     notifications: [{notification_id, kind, meter_id, title, body, created_at, state}]}
//
// Markup: .polling-meters with tr.polling-meter[data-meter][data-state="ok|error|waiting"],
// .polling-notifications with li.polling-notification[data-kind].

import { api } from '../core/api.js';
import { h, notice, plural } from '../core/ui.js';
import { resultArea } from '../widgets/filters.js';
import { formatDateTime, DASH } from '../core/format.js';
import { operatorNav, staffGate, staffOnly, isDenied } from '../widgets/staff.js';
import { loader, scrollTable, dataTable } from '../widgets/data-view.js';

export const title = 'Опрос приборов учёта';

const SCHEDULES = { current: 'Показания и параметры сети', profile: 'Профиль, журналы, срезы' };
const ERROR_KINDS = {
  transport: 'нет связи со шлюзом',
  timeout: 'прибор не ответил',
  protocol: 'искажённый ответ',
  auth: 'пароль не принят',
  config: 'ошибка настройки',
  identity: 'отвечает другой прибор',
  storage: 'ошибка записи',
};

/** ok: every schedule succeeded last time; error: one failed; waiting: not polled yet. */
function stateOf(meter) {
  if (meter.jobs.some((j) => j.attempts > 0)) return 'error';
  if (meter.jobs.length && meter.jobs.every((j) => j.last_ok)) return 'ok';
  return 'waiting';
}

function jobLines(meter, tz) {
  return h('ul', { class: 'polling-jobs' }, meter.jobs.map((j) => h('li', { class: ['polling-job', j.attempts > 0 && 'polling-job--failed'], dataset: { schedule: j.schedule } },
    h('span', { class: 'polling-job__name' }, SCHEDULES[j.schedule] || j.schedule), ': ',
    j.attempts > 0
      ? h('span', { class: 'polling-job__error' },
        `${ERROR_KINDS[j.last_error_kind] || j.last_error_kind || 'ошибка'} (${j.attempts} ${plural(j.attempts, ['попытка', 'попытки', 'попыток'])} подряд)`)
      : h('span', null, j.last_ok ? `успешно ${formatDateTime(j.last_ok, tz)}` : 'ещё не опрашивался'),
    h('span', { class: 'polling-job__next' }, ` · следующий опрос ${formatDateTime(j.next_run, tz)}`))));
}

function view(data, tz) {
  const meters = data.meters || [];
  const notes = data.notifications || [];
  const gateways = new Map((data.gateways || []).map((g) => [g.gateway_id, g]));
  const failing = meters.filter((m) => stateOf(m) === 'error').length;
  const summary = meters.length
    ? `${meters.length} ${plural(meters.length, ['прибор', 'прибора', 'приборов'])} на опросе, ` +
      (failing ? `с ошибками: ${failing}.` : 'ошибок нет.')
    : 'Ни один прибор учёта не поставлен на опрос.';
  const table = dataTable({
    caption: 'Приборы учёта на опросе',
    className: 'polling-meters',
    columns: [{ title: 'Прибор' }, { title: 'Драйвер' }, { title: 'Шлюз' }, { title: 'Опрос' }],
    rows: meters.map((m) => {
      const g = gateways.get(m.gateway_id);
      return [
        `${m.model} № ${m.serial}`,
        m.driver + (m.firmware ? `, ПО ${m.firmware}` : ''),
        g ? `${g.title || g.gateway_id} (${g.address})` : m.gateway_id,
        jobLines(m, tz),
      ];
    }),
    rowAttrs: (_, i) => ({ class: 'polling-meter', dataset: { meter: meters[i].meter_id, state: stateOf(meters[i]) } }),
  });
  return { state: 'ready', nodes: [h('div', null,
    h('p', { class: ['lead', 'polling-summary', failing && 'polling-summary--attention'] }, summary),
    meters.length ? scrollTable(table, 'Приборы учёта на опросе') : null,
    h('h2', null, 'Уведомления'),
    notes.length
      ? h('ul', { class: 'polling-notifications' }, notes.map((n) => h('li', { class: 'polling-notification', dataset: { kind: n.kind } },
        h('strong', null, n.title), h('br'), h('span', null, `${n.body || DASH} · ${formatDateTime(n.created_at, tz)}`))))
      : h('p', { class: 'polling-notifications--empty' }, 'Уведомлений нет.'))] };
}

export async function render(ctx) {
  const gate = staffGate(ctx, title);
  if (gate) return gate;
  const tz = ctx.tenant.timezone || 'Europe/Moscow';
  const result = resultArea('operator-polling');
  const page = h('section', { class: 'page page--operator-polling' },
    h('h1', { class: 'page__title' }, title),
    operatorNav(ctx, 'operator/polling'),
    result.element);
  let denied = null;
  const run = loader({ ctx, signal: ctx.signal }, result);
  await run(async () => {
    try {
      return await api.get('operator/polling', { signal: ctx.signal });
    } catch (err) {
      if (isDenied(err)) denied = err;
      throw err;
    }
  }, (data) => view(data, tz));
  if (denied) return staffOnly(title, denied);
  return page;
}
