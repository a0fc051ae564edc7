// «Отчёт» of a metering point: consumption by day, week or month and the
// readings of the meter for a period, as a file (XLSX or CSV). The download
// is a plain link to
//   GET points/<id>/report?from&to&group&format   (Content-Disposition: attachment)
// so the browser fetches it itself, with the session cookie.
//
// Markup: dialog.report-dialog with form.report-form (fields from, to,
// group, format) and a.report-download (its href carries the query).

import { apiUrl } from '../../core/api.js';
import { h, mount, notice, idPart } from '../../core/ui.js';
import { createForm } from '../../widgets/forms.js';
import { openDialog } from '../../widgets/dialog.js';
import { monthStart, daysBetween, isIsoDate, formatLongDate } from '../../core/format.js';

const GROUPS = [
  { value: 'month', label: 'По месяцам' },
  { value: 'week', label: 'По неделям' },
  { value: 'day', label: 'По дням' },
];

const FORMATS = [
  { value: 'xlsx', label: 'XLSX (Excel)' },
  { value: 'csv', label: 'CSV (текст через «;»)' },
];

/** The longest period the server reports on, in days. */
const MAX_DAYS = 1096;

/** The address of the report file for the chosen values. */
export function reportUrl(pointId, { from, to, group, format }) {
  return apiUrl(`points/${encodeURIComponent(pointId)}/report`, { from, to, group, format });
}

/** Opens the dialog; resolves when it is closed. */
export function openReport(env) {
  const pid = idPart(env.id);
  return openDialog({
    title: 'Отчёт по точке учёта',
    className: 'report-dialog',
    build(close) {
      const form = createForm({
        fields: [
          { name: 'from', label: 'Начало периода', type: 'date', required: true, default: monthStart(env.anchor, -11) },
          { name: 'to', label: 'Конец периода', type: 'date', required: true, default: env.anchor },
          { name: 'group', label: 'Группировка', type: 'select', required: true, options: GROUPS, default: 'month' },
          { name: 'format', label: 'Формат файла', type: 'select', required: true, options: FORMATS, default: 'xlsx' },
        ],
      }, { idPrefix: `report-${pid}`, onChange: () => update() });
      for (const name of ['from', 'to']) form.field(name).control.max = env.today;
      const status = h('div', { class: 'form-status report-status', 'aria-live': 'polite' });
      const link = h('a', { class: 'btn btn--primary report-download', download: '', href: '#' }, 'Скачать отчёт');

      /** Reasons the period cannot be reported on, beside its fields. */
      function check() {
        const errors = form.validate();
        const { from, to } = form.values();
        if (!errors.from && !errors.to && isIsoDate(from) && isIsoDate(to)) {
          if (from > to) errors.from = 'Начало периода позже его конца';
          else if (to > env.today) errors.to = `Данных позже ${formatLongDate(env.today)} ещё нет`;
          else if (daysBetween(from, to) + 1 > MAX_DAYS) errors.from = 'Период отчёта — не длиннее трёх лет';
          for (const [name, message] of Object.entries(errors)) form.setError(name, message, 'client');
        }
        return errors;
      }

      function update() {
        const v = form.values();
        link.href = reportUrl(env.id, v);
        link.dataset.format = v.format || '';
      }

      link.addEventListener('click', (e) => {
        status.replaceChildren();
        if (Object.keys(check()).length) {
          e.preventDefault();
          form.focusFirstError();
          return;
        }
        update();
        mount(status, notice('success', h('strong', { class: 'report-started' }, 'Отчёт формируется: файл сохранит браузер.')));
      });

      update();
      return h('form', { class: 'report-form', novalidate: true, onSubmit: (e) => { e.preventDefault(); link.click(); } },
        h('p', { class: 'confirm-dialog__text' },
          'В отчёте — потребление электрической энергии по периодам и показания прибора учёта за выбранный период.'),
        form.element,
        status,
        h('div', { class: 'confirm-dialog__actions' },
          link,
          h('button', { type: 'button', class: 'btn btn--secondary confirm-dialog__cancel report-close', onClick: () => close(null) }, 'Закрыть')));
    },
  });
}
