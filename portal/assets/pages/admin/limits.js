// «Лимиты» of the administrator's console: the tenant's limits (settings.limits of its Lua) and what it uses
// of them now. A server without the limits report (404) or an answer without limits shows «Нет данных»,
// never an empty card.
//   GET operator/limits → {limits: {name: value}, usage: {name: value}}
//
// Markup: .admin-limits, .result[data-result="admin-limits"] (data-state "ready", "empty" for «нет данных»),
// table.limits-table with tr.limit-row[data-limit="<name>"] (.limit-row__usage, .limit-row__share),
// .limits-none.

import { api, ApiError } from '../../core/api.js';
import { h, mount, notice } from '../../core/ui.js';
import { formatNumber } from '../../core/format.js';
import { resultArea } from '../../widgets/filters.js';
import { loader, dataTable, scrollTable } from '../../widgets/data-view.js';

/** The limits people read, in this order: the label, the unit of its numbers, the usage key when it has one. */
const LIMITS = [
  { name: 'requests_per_second_per_client', label: 'Запросов в секунду с одного адреса', unit: 'count' },
  { name: 'burst_per_client', label: 'Запросов подряд с одного адреса (всплеск)', unit: 'count' },
  { name: 'requests_per_second', label: 'Запросов в секунду ко всей организации', unit: 'count', usage: 'requests_per_second' },
  { name: 'burst', label: 'Запросов подряд ко всей организации (всплеск)', unit: 'count' },
  { name: 'ingest_rows_per_minute', label: 'Строк данных приборов учёта в минуту', unit: 'count', usage: 'ingest_rows_per_minute' },
  { name: 'document_storage_bytes', label: 'Место для документов', unit: 'bytes', usage: 'document_storage_bytes' },
  { name: 'sms_per_day', label: 'SMS в сутки', unit: 'count', usage: 'sms_per_day' },
];

/** «1,5 ГБ», «340 МБ», «12 КБ». */
function bytesText(n) {
  const units = [['ГБ', 2 ** 30], ['МБ', 2 ** 20], ['КБ', 2 ** 10]];
  for (const [unit, size] of units) if (n >= size) return `${formatNumber(n / size, { digits: 1 })} ${unit}`;
  return `${formatNumber(n)} Б`;
}

function valueText(v, unit) {
  return unit === 'bytes' ? bytesText(v) : formatNumber(v);
}

/** The share used: a meter and «12 %». */
function share(used, limit) {
  const p = Math.min(100, (used / limit) * 100);
  return h('span', { class: ['limit-row__share', p >= 90 ? 'limit-row__share--high' : null] },
    h('meter', { class: 'limit-meter', min: '0', max: String(limit), low: String(limit * 0.7), high: String(limit * 0.9), optimum: '0', value: String(Math.min(used, limit)), 'aria-hidden': 'true' }),
    ` ${formatNumber(p, { digits: p > 0 && p < 10 ? 1 : 0 })}\u00a0%`);
}

function noData(text) {
  return { state: 'empty', nodes: [notice('info', h('strong', { class: 'limits-none' }, 'Нет данных о лимитах'), h('p', null, text))] };
}

export function limitsSection(panel, ctx) {
  const result = resultArea('admin-limits');
  const view = (data) => {
    if (!data) return noData('Этот сервер не сообщает лимиты организации. Они появятся здесь, когда сервер начнёт их учитывать.');
    const limits = data.limits && typeof data.limits === 'object' ? data.limits : {};
    const usage = data.usage && typeof data.usage === 'object' ? data.usage : {};
    const rows = LIMITS.filter((l) => typeof limits[l.name] === 'number');
    if (!rows.length) return noData('Сервер не сообщил ни одного лимита организации.');
    return { state: 'ready', nodes: [
      scrollTable(dataTable({
        caption: 'Лимиты организации и их использование сейчас',
        className: 'limits-table',
        columns: [{ title: 'Лимит' }, { title: 'Значение', numeric: true }, { title: 'Используется', numeric: true }, { title: 'Доля' }],
        rows: rows.map((l) => {
          const limit = limits[l.name];
          const used = l.usage && typeof usage[l.usage] === 'number' ? usage[l.usage] : null;
          return [
            l.label,
            limit > 0 ? valueText(limit, l.unit) : 'без ограничения',
            // Per-client limits and bursts have no one figure of use: «—».
            { value: used === null ? h('span', { class: 'muted', title: 'Сервер не сообщает использование этого лимита' }, '—') : valueText(used, l.unit), className: 'limit-row__usage' },
            used !== null && limit > 0 ? share(used, limit) : '',
          ];
        }),
        rowAttrs: (_, i) => ({ class: 'limit-row', dataset: { limit: rows[i].name } }),
      }), 'Лимиты организации'),
      h('p', { class: 'muted' }, 'Запросы и строки данных считаются на каждом экземпляре сервера отдельно; место для документов и SMS — по всей организации. '
        + 'При превышении сервер отвечает «Слишком много запросов» и просит повторить позже. Лимиты задаются в настройках организации на сервере.'),
    ] };
  };
  mount(panel, h('div', { class: 'admin-limits' },
    h('h2', { class: 'admin-section__title' }, 'Лимиты и использование'),
    result.element));
  loader({ signal: ctx.signal }, result)(async () => {
    try {
      return await api.get('operator/limits', { signal: ctx.signal });
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return null; // a server without the limits report
      throw err;
    }
  }, view);
}
