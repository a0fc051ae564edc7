// «Обмен данными» (operator, tenant administrator): the utility's upstream connectors (WAVIoT, Энергосфера, a
// supplier's billing …) — whether each works, what each sync job did last, errors and when the next try comes;
// a connector's devices and the meters they are, and its sync history; «Синхронизировать сейчас».
//   GET operator/connectors → {items: [{id, label, plugin, state, reason, accounts, devices, unlinked_devices,
//     jobs: [{account, account_title, task, task_label, next_run, last_run, last_ok, attempts, last_error, last_error_kind,
//             stored_rows, running, stopped}]}]}
//   POST operator/connectors/{id}/sync → 202; GET operator/connectors/{id}/log; …/{id}/devices
//
// Markup: section.connector[data-connector][data-state], tr.connector-job[data-state="ok|error|waiting|running|stopped"],
// button.connector-sync, button.connector-log-toggle, button.connector-devices-toggle, table.connector-log,
// table.connector-devices.

import { api, ApiError } from '../core/api.js';
import { h, mount, notice, plural } from '../core/ui.js';
import { resultArea } from '../widgets/filters.js';
import { formatDateTime, formatNumber, DASH } from '../core/format.js';
import { operatorNav, staffGate, staffOnly, isDenied } from '../widgets/staff.js';
import { loader, scrollTable, dataTable } from '../widgets/data-view.js';
import { submitter } from '../widgets/submit.js';
import { files80020Section } from './operator-connectors/files-80020.js';

export const title = 'Обмен данными';

/** Sections a connector's plugin adds below its card (e.g. the XML 80020 files of «Энергосфера»). */
const PLUGIN_SECTIONS = { energosfera: files80020Section };

const STATES = {
  ready: 'работает',
  not_configured: 'не настроен',
  plugin_missing: 'модуль не установлен',
};
const ERROR_KINDS = {
  auth: 'учётные данные не приняты',
  transport: 'нет связи',
  timeout: 'превышено время ожидания',
  protocol: 'непонятный ответ',
  config: 'ошибка настройки',
  rejected: 'запрос отклонён',
  internal: 'внутренняя ошибка',
  busy: 'уже выполняется',
};

function jobState(j) {
  if (j.stopped) return 'stopped';
  if (j.running) return 'running';
  if (j.attempts > 0) return 'error';
  if (j.last_ok) return 'ok';
  return 'waiting';
}

function jobStatus(j, tz) {
  const state = jobState(j);
  if (state === 'stopped') return h('span', { class: 'connector-job__error' }, 'остановлено: учётные данные не приняты, нужны новые');
  if (state === 'running') return h('span', null, 'выполняется');
  if (state === 'error') {
    return h('span', { class: 'connector-job__error' },
      `${ERROR_KINDS[j.last_error_kind] || 'ошибка'} (${j.attempts} ${plural(j.attempts, ['попытка', 'попытки', 'попыток'])} подряд)`,
      j.last_error ? h('br') : null, j.last_error ? h('small', null, j.last_error) : null);
  }
  return h('span', null, j.last_ok ? `успешно ${formatDateTime(j.last_ok, tz)}` : 'ещё не выполнялось');
}

function rowsText(n) {
  return `${formatNumber(n)} ${plural(n, ['запись', 'записи', 'записей'])}`;
}

function jobsTable(c, tz) {
  const table = dataTable({
    caption: `Задачи обмена «${c.label}»`,
    className: 'connector-jobs',
    columns: [{ title: 'Учётная запись' }, { title: 'Задача' }, { title: 'Состояние' }, { title: 'Следующий запуск' }, { title: 'Сохранено' }],
    rows: c.jobs.map((j) => [
      j.account === 'tenant' ? 'Учётная запись организации' : (j.account_title || DASH),
      j.task_label || j.task,
      jobStatus(j, tz),
      formatDateTime(j.next_run, tz),
      rowsText(j.stored_rows),
    ]),
    rowAttrs: (_, i) => ({ class: 'connector-job', dataset: { task: c.jobs[i].task, state: jobState(c.jobs[i]) } }),
  });
  return scrollTable(table, `Задачи обмена «${c.label}»`);
}

function logTable(c, items, tz) {
  if (!items.length) return h('p', { class: 'connector-log--empty' }, 'Обмен ещё не выполнялся.');
  const table = dataTable({
    caption: `Журнал обмена «${c.label}»`,
    className: 'connector-log',
    columns: [{ title: 'Начало' }, { title: 'Задача' }, { title: 'Итог' }, { title: 'Записей' }, { title: 'Сохранено' }, { title: 'Пропущено' }, { title: 'Подробности' }],
    rows: items.map((l) => [
      formatDateTime(l.started_at, tz),
      l.task_label || l.task,
      l.outcome === 'ok' ? 'успешно' : (ERROR_KINDS[l.error_kind] || 'ошибка'),
      formatNumber(l.records),
      formatNumber(l.stored_rows),
      formatNumber(l.problems),
      l.message || DASH,
    ]),
    rowAttrs: (_, i) => ({ class: 'connector-log-row', dataset: { outcome: items[i].outcome } }),
  });
  return scrollTable(table, `Журнал обмена «${c.label}»`);
}

function devicesTable(c, items, tz) {
  if (!items.length) return h('p', { class: 'connector-devices--empty' }, 'Устройств пока нет.');
  const table = dataTable({
    caption: `Устройства «${c.label}»`,
    className: 'connector-devices',
    columns: [{ title: 'Устройство' }, { title: 'Прибор учёта' }, { title: 'Точка учёта' }, { title: 'Заряд батареи' }, { title: 'Последнее сообщение' }],
    rows: items.map((d) => [
      [d.title, d.serial ? `№ ${d.serial}` : null].filter(Boolean).join(', ') || d.key,
      d.meter_serial ? `№ ${d.meter_serial}` : h('span', { class: 'connector-device__unlinked' }, 'не связано — данные не сохраняются'),
      d.point_name || DASH,
      d.battery === null || d.battery === undefined ? DASH : `${formatNumber(d.battery)} %`,
      d.last_message ? formatDateTime(d.last_message, tz) : DASH,
    ]),
    rowAttrs: (_, i) => ({ class: 'connector-device', dataset: { linked: items[i].meter_serial ? 'yes' : 'no' } }),
  });
  return scrollTable(table, `Устройства «${c.label}»`);
}

export async function render(ctx) {
  const gate = staffGate(ctx, title);
  if (gate) return gate;
  const tz = ctx.tenant.timezone || 'Europe/Moscow';
  const result = resultArea('operator-connectors');
  const status = h('div', { class: 'connector-status', role: 'status', 'aria-live': 'polite' });
  const page = h('section', { class: 'page page--operator-connectors' },
    h('h1', { class: 'page__title' }, title),
    operatorNav(ctx, 'operator/connectors'),
    status,
    result.element);
  let denied = null;

  function toggle(label, path, make, c, cls) {
    const area = h('div', { class: `${cls}-area` });
    const button = h('button', { type: 'button', class: `btn btn--small ${cls}-toggle`, 'aria-expanded': 'false' }, label);
    button.addEventListener('click', async () => {
      if (button.getAttribute('aria-expanded') === 'true') {
        button.setAttribute('aria-expanded', 'false');
        area.replaceChildren();
        return;
      }
      button.setAttribute('aria-expanded', 'true');
      mount(area, h('p', null, 'Загрузка…'));
      try {
        const data = await api.get(`operator/connectors/${encodeURIComponent(c.id)}/${path}`, { signal: ctx.signal });
        mount(area, make(c, data.items || [], tz));
      } catch (err) {
        mount(area, notice('error', err.message || 'Не удалось загрузить.'));
      }
    });
    return [button, area];
  }

  function syncButton(c) {
    const button = h('button', { type: 'button', class: 'btn btn--primary btn--small connector-sync', disabled: c.state !== 'ready' },
      'Синхронизировать сейчас');
    button.addEventListener('click', submitter({
      button,
      signal: ctx.signal,
      status,
      busyText: 'Запуск…',
      send: () => api.post(`operator/connectors/${encodeURIComponent(c.id)}/sync`, {}, { signal: ctx.signal }),
      done: (done) => {
        mount(status, notice('success', h('strong', null, `${done.message}. Результат появится в журнале.`)));
        setTimeout(load, 1500);
      },
      failed: (err) => {
        if (isDenied(err)) { mount(page, staffOnly(title, err)); return true; }
        mount(status, notice('error', h('strong', null, err.message || 'Не удалось запустить обмен.')));
        if (err instanceof ApiError && err.status === 404) load();
        return true;
      },
    }));
    return button;
  }

  function connectorView(c) {
    const facts = [
      `Модуль: ${c.plugin}`,
      `${formatNumber(c.accounts)} ${plural(c.accounts, ['учётная запись', 'учётные записи', 'учётных записей'])}`,
      `${formatNumber(c.devices)} ${plural(c.devices, ['устройство', 'устройства', 'устройств'])}` +
        (c.unlinked_devices ? `, из них не связаны с приборами учёта: ${formatNumber(c.unlinked_devices)}` : ''),
    ];
    const [logButton, logArea] = toggle('Журнал', 'log?limit=50', logTable, c, 'connector-log');
    const [devButton, devArea] = toggle('Устройства', 'devices', devicesTable, c, 'connector-devices');
    return h('section', { class: ['card', 'connector', `connector--${c.state}`], dataset: { connector: c.id, state: c.state } },
      h('h2', { class: 'connector__title' }, c.label, ' ', h('span', { class: 'connector__state' }, `— ${STATES[c.state] || c.state}`)),
      c.state !== 'ready' && c.reason ? notice('error', c.reason) : null,
      h('p', { class: 'connector__facts' }, facts.join(' · ')),
      c.jobs.length ? jobsTable(c, tz) : h('p', null, 'Задач обмена пока нет.'),
      h('p', { class: 'connector__actions' }, syncButton(c), ' ', logButton, ' ', devButton),
      logArea, devArea,
      c.state === 'ready' && PLUGIN_SECTIONS[c.plugin] ? PLUGIN_SECTIONS[c.plugin]({ connector: c, tz, signal: ctx.signal }) : null);
  }

  function view(data) {
    const items = (data && data.items) || [];
    if (!items.length) {
      return { state: 'empty', nodes: [notice('info', h('strong', { class: 'connectors-empty' }, 'Обмен данными с внешними системами не настроен.'))] };
    }
    const failing = items.filter((c) => c.state !== 'ready' || c.jobs.some((j) => j.attempts > 0 || j.stopped)).length;
    return { state: 'ready', nodes: [
      h('p', { class: ['lead', 'connectors-summary', failing && 'connectors-summary--attention'] },
        failing ? `Требуют внимания: ${failing} из ${items.length}.` : 'Все обмены работают без ошибок.'),
      ...items.map(connectorView)] };
  }

  const run = loader({ ctx, signal: ctx.signal }, result);
  async function load() {
    await run(async () => {
      try {
        return await api.get('operator/connectors', { signal: ctx.signal });
      } catch (err) {
        if (isDenied(err)) denied = err;
        throw err;
      }
    }, view);
  }
  await load();
  if (denied) return staffOnly(title, denied);
  return page;
}
