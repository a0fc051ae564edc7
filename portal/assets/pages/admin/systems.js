// «Модули и обмен» of the administrator's console: the plugins the server loaded (name, kind, version,
// ABI, maturity) with the tenant's connectors that use each, the plugin folders refused at start, and the
// tenant's connectors — their state, the latest successful sync and the problems of their jobs. The whole
// exchange (journal, devices, «Синхронизировать») stays on the operators' page «Обмен данными».
//   GET plugins → {plugins: [{name, kind, version, abi, status}], failed: [{folder, error}]}
//   GET operator/connectors → {items: [{id, label, plugin, state, reason, jobs: [{task_label, last_ok, attempts,
//     last_error, stopped, …}], …}]}
//
// Markup: .admin-systems, .result[data-result="admin-plugins"] with table.plugins-table
// (tr.plugin-row[data-plugin]), .plugins-failed; .result[data-result="admin-connectors"] with
// table.connectors-state (tr.connector-state-row[data-connector][data-state][data-problems]).

import { api } from '../../core/api.js';
import { h, mount, notice, plural } from '../../core/ui.js';
import { formatDateTime } from '../../core/format.js';
import { hrefOf } from '../../core/router.js';
import { resultArea } from '../../widgets/filters.js';
import { loader, dataTable, scrollTable } from '../../widgets/data-view.js';

const KINDS = { connector: 'обмен с внешней системой', driver: 'протокол приборов учёта', channel: 'канал уведомлений' };
const MATURITY = { stable: 'стабильный', beta: 'бета-версия', experimental: 'экспериментальный' };
const STATES = { ready: 'Работает', not_configured: 'Не настроен', plugin_missing: 'Модуль не загружен' };

/** The newest successful sync of a connector's jobs (Unix seconds), or 0. */
function lastOk(c) {
  return (Array.isArray(c.jobs) ? c.jobs : []).reduce((m, j) => Math.max(m, Number(j.last_ok) || 0), 0);
}

/** The problems of a connector: its state's reason and every job failing or stopped. */
function problems(c) {
  const out = [];
  if (c.state !== 'ready') out.push(c.reason || STATES[c.state] || 'Не работает');
  for (const j of Array.isArray(c.jobs) ? c.jobs : []) {
    const task = j.task_label || 'Задача';
    if (j.stopped) out.push(`${task}: остановлено — учётные данные не приняты`);
    else if (j.attempts > 0) {
      out.push(`${task}: ${j.attempts} ${plural(j.attempts, ['ошибка', 'ошибки', 'ошибок'])} подряд${j.last_error ? ` — ${j.last_error}` : ''}`);
    }
  }
  return out;
}

export function systemsSection(panel, ctx) {
  const tz = ctx.tenant.timezone || 'Europe/Moscow';
  const pluginsArea = resultArea('admin-plugins');
  const connectorsArea = resultArea('admin-connectors');
  let connectors = null;

  const pluginsView = (data) => {
    const plugins = Array.isArray(data.plugins) ? data.plugins : [];
    const failed = Array.isArray(data.failed) ? data.failed : [];
    const usedBy = (name) => (connectors || []).filter((c) => c.plugin === name).map((c) => c.label);
    const nodes = [];
    if (plugins.length) {
      nodes.push(scrollTable(dataTable({
        caption: 'Загруженные модули',
        className: 'plugins-table',
        columns: [{ title: 'Модуль' }, { title: 'Назначение' }, { title: 'Версия' }, { title: 'Версия интерфейса (ABI)' }, { title: 'Используется' }],
        rows: plugins.map((p) => {
          const used = usedBy(p.name);
          return [
            h('span', null, p.name, p.status && p.status !== 'stable' ? h('span', { class: 'badge' }, MATURITY[p.status] || p.status) : null),
            KINDS[p.kind] || p.kind,
            p.version,
            p.abi,
            used.length ? used.join(', ') : h('span', { class: 'muted' }, p.kind === 'connector' ? 'не подключён' : 'общий для сервера'),
          ];
        }),
        rowAttrs: (_, i) => ({ class: 'plugin-row', dataset: { plugin: plugins[i].name } }),
      }), 'Загруженные модули'));
    } else {
      nodes.push(notice('info', h('strong', null, 'Сервер не загрузил ни одного модуля.')));
    }
    if (failed.length) {
      nodes.push(notice('error', h('strong', null, `${failed.length} ${plural(failed.length, ['модуль не загрузился', 'модуля не загрузились', 'модулей не загрузились'])}`),
        h('ul', { class: 'notice__list plugins-failed' }, failed.map((f) => h('li', null, `${f.folder}: ${f.error}`)))));
    }
    return { state: 'ready', nodes };
  };

  const connectorsView = (data) => {
    connectors = Array.isArray(data.items) ? data.items : [];
    if (!connectors.length) {
      return { state: 'empty', nodes: [notice('info', h('strong', null, 'Обмен с внешними системами не настроен.'),
        h('p', null, 'Подключения описываются в настройках организации на сервере.'))] };
    }
    const failing = connectors.filter((c) => problems(c).length).length;
    return { state: 'ready', nodes: [
      h('p', { class: 'connectors-summary' }, failing
        ? `${failing} ${plural(failing, ['подключение требует', 'подключения требуют', 'подключений требуют'])} внимания.`
        : 'Все подключения работают без ошибок.'),
      scrollTable(dataTable({
        caption: 'Подключения организации',
        className: 'connectors-state',
        columns: [{ title: 'Подключение' }, { title: 'Состояние' }, { title: 'Последний успешный обмен' }, { title: 'Проблемы' }],
        rows: connectors.map((c) => {
          const ok = lastOk(c);
          const list = problems(c);
          return [
            h('span', null, c.label, h('br'), h('span', { class: 'muted' }, `модуль ${c.plugin}`)),
            STATES[c.state] || 'Не работает',
            ok ? formatDateTime(ok, tz) : h('span', { class: 'muted' }, 'ещё не было'),
            list.length ? h('ul', { class: 'plain-list connector-problems' }, list.map((p) => h('li', null, p))) : h('span', { class: 'muted' }, 'нет'),
          ];
        }),
        rowAttrs: (_, i) => ({ class: 'connector-state-row', dataset: { connector: connectors[i].id, state: connectors[i].state, problems: String(problems(connectors[i]).length) } }),
      }), 'Подключения организации'),
      h('p', null, h('a', { href: hrefOf('operator/connectors') }, 'Журнал обмена, устройства и запуск синхронизации — в разделе «Обмен данными»')),
    ] };
  };

  mount(panel, h('div', { class: 'admin-systems' },
    h('h2', { class: 'admin-section__title' }, 'Обмен данными'),
    connectorsArea.element,
    h('h2', { class: 'admin-section__title' }, 'Модули сервера'),
    h('p', { class: 'muted' }, 'Модули подключают внешние системы, протоколы приборов учёта и каналы уведомлений. Версию интерфейса (ABI) проверяет сервер при запуске.'),
    pluginsArea.element));
  // Connectors first: the plugins' table names the connectors that use each.
  const env = { signal: ctx.signal };
  loader(env, connectorsArea)(() => api.get('operator/connectors', { signal: ctx.signal }), connectorsView)
    .then(() => loader(env, pluginsArea)(() => api.get('plugins', { signal: ctx.signal }), pluginsView));
}
