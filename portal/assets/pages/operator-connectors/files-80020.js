// «Файлы XML 80020» — the section of the operator page «Обмен данными» for a connector whose plugin reads
// XML 80020 (ПК «Энергосфера»): upload of files (several at once) with each file's result, the list of the
// files received (dropped into the exchange folder or uploaded), and the export of a period as a ZIP of
// daily files.
//   POST operator/connectors/{id}/files (multipart, parts `file`) → {items: [result]}
//   GET  operator/connectors/{id}/files → {items: [result]}
//   GET  operator/connectors/{id}/export-80020?from&to → ZIP
// result: {id, name, size, source, received_at, day, state, reason, values_total, values_accepted,
//          values_duplicate, unknown_codes: [code], malformed: [{code, reason}]}
//
// Markup: section.connector-files[data-connector], form.connector-files__upload, table.connector-files__list
// with tr.connector-file[data-state], form.connector-files__export (a periodFilter).

import { api } from '../../core/api.js';
import { h, mount, notice, plural } from '../../core/ui.js';
import { formatDateTime, formatNumber, addDays, todayIn, DASH } from '../../core/format.js';
import { dataTable, scrollTable } from '../../widgets/data-view.js';
import { periodFilter } from '../../widgets/filters.js';
import { sendForm, showSubmitError } from '../../widgets/submit.js';

const STATES = {
  accepted: 'Принят',
  partial: 'Принят частично',
  duplicate: 'Повтор, новых данных нет',
  malformed: 'Не прочитан',
};
const SOURCES = { drop_folder: 'из папки обмена', upload: 'загружен вручную' };

function dayText(iso) {
  if (!iso) return DASH;
  const [y, m, d] = iso.split('-');
  return `${d}.${m}.${y}`;
}

function valuesText(r) {
  const parts = [];
  if (r.values_accepted) parts.push(`записано ${formatNumber(r.values_accepted)}`);
  if (r.values_duplicate) parts.push(`уже были ${formatNumber(r.values_duplicate)}`);
  return parts.length ? parts.join(', ') : DASH;
}

function problemsNode(r) {
  const items = [];
  if (r.reason) items.push(h('li', null, r.reason));
  if (r.unknown_codes.length) {
    items.push(h('li', null, `Неизвестные точки измерения (${r.unknown_codes.length}): ${r.unknown_codes.join(', ')}`));
  }
  for (const m of r.malformed) items.push(h('li', null, m.code ? `Точка ${m.code}: ${m.reason}` : m.reason));
  return items.length ? h('ul', { class: 'connector-file__problems' }, items) : DASH;
}

function resultsTable(items, tz, caption) {
  return dataTable({
    caption,
    className: 'connector-files__list',
    columns: [{ title: 'Файл' }, { title: 'Получен' }, { title: 'Сутки' }, { title: 'Результат' }, { title: 'Значения' }, { title: 'Замечания' }],
    rows: items.map((r) => [
      r.name,
      `${formatDateTime(r.received_at, tz)}, ${SOURCES[r.source] || r.source}`,
      dayText(r.day),
      STATES[r.state] || r.state,
      valuesText(r),
      problemsNode(r),
    ]),
    rowAttrs: (_, i) => ({ class: 'connector-file', dataset: { state: items[i].state } }),
  });
}

function summaryText(items) {
  const count = (s) => items.filter((r) => r.state === s).length;
  const parts = [`${items.length} ${plural(items.length, ['файл', 'файла', 'файлов'])}`];
  for (const s of ['accepted', 'partial', 'duplicate', 'malformed']) {
    const n = count(s);
    if (n) parts.push(`${STATES[s].toLowerCase()}: ${n}`);
  }
  return parts.join(', ') + '.';
}

/**
 * The section for one connector.
 * @param {object} o
 * @param {object} o.connector  {id, label} of the operator page's list
 * @param {string} o.tz         the tenant's time zone
 * @param {AbortSignal} [o.signal]
 */
export function files80020Section({ connector, tz, signal = null }) {
  const base = `operator/connectors/${encodeURIComponent(connector.id)}`;
  const list = h('div', { class: 'connector-files__results', 'aria-live': 'polite' });
  const uploaded = h('div', { class: 'connector-files__uploaded', 'aria-live': 'polite' });

  async function refresh() {
    try {
      const data = await api.get(`${base}/files`, { query: { limit: 50 }, signal });
      const items = data.items || [];
      mount(list, items.length
        ? scrollTable(resultsTable(items, tz, 'Полученные файлы'), 'Полученные файлы')
        : h('p', { class: 'connector-files__empty' }, 'Файлов ещё не было.'));
    } catch (err) {
      if (signal && signal.aborted) return;
      mount(list, notice('error', err.message || 'Не удалось загрузить список файлов.'));
    }
  }

  const input = h('input', { type: 'file', name: 'file', id: `files-${connector.id}`, multiple: true, accept: '.xml,text/xml,application/xml', class: 'input' });
  const status = h('div', { class: 'connector-files__status' });
  const button = h('button', { type: 'submit', class: 'btn btn--primary' }, 'Загрузить');
  const upload = h('form', {
    class: 'connector-files__upload',
    novalidate: true,
    onSubmit: (e) => {
      e.preventDefault();
      status.replaceChildren();
      if (!input.files.length) {
        mount(status, notice('error', 'Выберите один или несколько файлов XML 80020.'));
        return;
      }
      const body = new FormData();
      for (const f of input.files) body.append('file', f, f.name);
      sendForm({
        button,
        signal,
        status,
        busyText: 'Загрузка…',
        send: () => api.post(`${base}/files`, body, { signal, timeout: 120000 }),
        done: async (answer) => {
          const items = answer.items || [];
          mount(uploaded, h('p', { class: 'lead' }, `Загружено: ${summaryText(items)}`),
            scrollTable(resultsTable(items, tz, 'Загруженные файлы'), 'Загруженные файлы'));
          input.value = '';
          await refresh();
        },
      });
    },
  },
  h('label', { for: input.id, class: 'filters__label' }, 'Файлы XML 80020 (кодировка windows-1251, одни сутки в файле)'),
  h('div', { class: 'filters__row' }, input, button),
  status);

  const exportStatus = h('div', { class: 'connector-files__export-status', 'aria-live': 'polite' });
  const today = todayIn(tz);
  const period = periodFilter({
    name: `export-80020-${connector.id}`,
    from: addDays(today, -7),
    to: addDays(today, -1),
    max: today,
    maxDays: 62,
    submitLabel: 'Выгрузить',
    onApply: async ({ from, to }) => {
      exportStatus.replaceChildren(h('p', null, 'Готовим архив…'));
      try {
        const blob = await api.get(`${base}/export-80020`, { query: { from, to }, binary: true, signal, timeout: 120000 });
        const url = URL.createObjectURL(blob);
        const a = h('a', { href: url, download: `80020_${from}_${to}.zip` }, 'Скачать архив ещё раз');
        mount(exportStatus, h('p', null, `Архив файлов 80020 с ${dayText(from)} по ${dayText(to)} готов. `, a));
        a.click();
      } catch (err) {
        if (signal && signal.aborted) return;
        exportStatus.replaceChildren();
        showSubmitError(err, { status: exportStatus, errorText: 'Не удалось выгрузить файлы. Повторите попытку.' });
      }
    },
  });
  period.element.classList.add('connector-files__export');

  const element = h('section', { class: 'connector-files', dataset: { connector: connector.id } },
    h('h2', null, `Файлы XML 80020 — ${connector.label}`),
    h('h3', null, 'Загрузить файлы'),
    upload,
    uploaded,
    h('h3', null, 'Полученные файлы'),
    list,
    h('h3', null, 'Выгрузить данные в XML 80020'),
    h('p', { class: 'hint' }, 'Получасовые данные точек учёта, связанных с кодами точек измерения, — один файл за сутки, в архиве ZIP.'),
    period.element,
    exportStatus);
  refresh();
  return element;
}
