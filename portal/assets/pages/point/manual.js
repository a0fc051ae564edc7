// «Ручной ввод» / «Передать показания»: the consumer submits the readings
// of the meter per tariff zone for a date (today by default), and sees what
// was submitted before with its state (на проверке / принято / отклонено
// with the operator's reason). Where the tenant takes readings at once they
// appear in «Показания» right away; elsewhere after the operator approves.
//   GET  points/<id>/manual-readings → {rows: [{id, ts, t1..t4, total, state, reason, submitted_at, decided_at}]}
//   POST points/<id>/manual-readings {date, t1, t2?, t3?, t4?} → {id, state, ts, message, supplier?: {state: sent|pending|refused,
//     message}} (rows carry `supplier` too when the meter's readings go to the supplier)
//     → 201 {id, state: 'pending' | 'accepted', message}
//     → 422 {fields: {t1…t4 | total | date: reason}}; 403 when the tenant takes no readings here

import { api, ApiError } from '../../core/api.js';
import { h, mount, notice, idPart } from '../../core/ui.js';
import { createForm } from '../../widgets/forms.js';
import { resultArea } from '../../widgets/filters.js';
import { addDays, formatDate, formatDateTime, formatNumber, isNum, DASH } from '../../core/format.js';
import { TARIFF_KEYS, zoneLabel, manualPolicy, MANUAL_STATES } from '../../core/meters.js';
import { loader, emptyNotice, limitedTable, dataTable } from '../../widgets/data-view.js';
import { sendForm } from '../../widgets/submit.js';

/** The meter's zones as keys: ['t1'] for a one-zone meter, ['t1', 't2'] for day/night, … */
function zonesOf(meter) {
  const n = Number.isInteger(meter && meter.tariff_zones) ? Math.min(Math.max(meter.tariff_zones, 1), 4) : 1;
  return TARIFF_KEYS.slice(0, n);
}

/** «Показания принимаются с 15 по 25 число месяца», or null when any day will do. */
function windowText(policy) {
  const w = policy.window;
  if (!w || !isNum(w.from_day) || !isNum(w.to_day)) return null;
  if (w.from_day <= 1 && w.to_day >= 31) return null;
  return `Показания принимаются с ${w.from_day} по ${w.to_day} число месяца.`;
}

function inWindow(policy, isoDay) {
  const w = policy.window;
  if (!w || !isNum(w.from_day) || !isNum(w.to_day)) return true;
  const day = Number(isoDay.slice(8, 10));
  return w.from_day <= w.to_day ? day >= w.from_day && day <= w.to_day : day >= w.from_day || day <= w.to_day;
}

/** A state as a coloured label. */
export function stateBadge(state) {
  return h('span', { class: `manual-state manual-state--${state}` }, MANUAL_STATES[state] || state || DASH);
}

export function renderManual(panel, env) {
  const policy = manualPolicy(env.ctx.tenant);
  const keys = zonesOf(env.meter);
  const zones = keys.length;
  const latest = env.latest;
  const pid = idPart(env.id);

  const fields = [
    {
      name: 'date', label: 'Дата снятия показаний', type: 'date', required: true, default: env.today,
      hint: 'По умолчанию — сегодня; можно указать дату не старше двух месяцев',
    },
    ...keys.map((k) => ({
      name: k,
      label: zones > 1 ? `Показание ${zoneLabel(k, zones)}, кВт·ч` : 'Показание, кВт·ч',
      type: 'decimal',
      required: true,
      max_length: 20,
      hint: latest && isNum(latest[k]) ? `Предыдущее: ${formatNumber(latest[k], { fixed: 3 })} на ${formatDate(latest.ts, env.tz)}` : null,
    })),
  ];
  const form = createForm({ fields }, { idPrefix: `manual-${pid}` });
  const date = form.field('date').control;
  date.max = env.today;
  date.min = addDays(env.today, -61);

  const status = h('div', { class: 'form-status manual-status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn--primary manual-submit' },
    policy.approval === 'auto' ? 'Передать показания' : 'Отправить на проверку');

  const rules = [
    policy.approval === 'auto'
      ? 'Показания принимаются сразу и появляются во вкладке «Показания».'
      : 'Введённые показания сначала поступают на проверку оператору. После утверждения они отображаются на графиках, в таблицах и отчётах.',
    windowText(policy),
  ].filter(Boolean);
  const outside = !inWindow(policy, env.today);

  async function onSubmit(e) {
    e.preventDefault();
    if (submit.disabled) return;
    status.replaceChildren();
    if (Object.keys(form.validate()).length) { form.focusFirstError(); return; }
    const values = form.values();
    const body = { date: values.date };
    for (const k of keys) body[k] = Number(String(values[k]).replace(',', '.'));
    await sendForm({
      button: submit,
      signal: env.signal,
      send: async () => {
        const answer = await api.post(`points/${encodeURIComponent(env.id)}/manual-readings`, body, { signal: env.signal });
        const state = (answer && answer.state) || 'pending';
        mount(status, notice('success',
          h('strong', { class: 'manual-result', dataset: { state }, tabindex: '-1' },
            (answer && answer.message) || (state === 'accepted' ? 'Показания приняты' : 'Показания отправлены оператору на проверку')),
          h('p', null, state === 'accepted'
            ? 'Они уже учтены во вкладке «Показания».'
            : 'Состояние проверки видно в списке переданных показаний ниже.'),
          answer && answer.supplier ? h('p', { class: 'manual-supplier', dataset: { state: answer.supplier.state } },
            supplierText(answer.supplier)) : null));
        for (const k of keys) form.setValue(k, '');
        form.clearErrors();
        status.querySelector('.manual-result').focus();
        if (state === 'accepted' && env.onReadingAccepted) env.onReadingAccepted(body, answer);
        loadList();
      },
      failed(err) {
        const rest = err instanceof ApiError ? form.setErrors(err.fields, 'server') : {};
        const other = Object.entries(rest).map(([name, m]) => (name === 'total' ? `Сумма по зонам: ${m}` : String(m)));
        const beside = form.focusFirstError();
        if (!beside || other.length) {
          mount(status, notice('error',
            h('strong', null, err.message || 'Не удалось передать показания.'),
            other.length ? h('ul', { class: 'notice__list' }, other.map((m) => h('li', null, m))) : null));
        }
        return true;
      },
    });
  }

  /** How a reading went to the supplier (contracts linked through the supplier's login). */
  function supplierText(sup) {
    if (sup.state === 'sent') return 'Передано поставщику.';
    if (sup.state === 'refused') return `Поставщик не принял показания${sup.message ? `: ${sup.message}` : '.'}`;
    return 'Поставщик сейчас недоступен: показания будут переданы ему позже.';
  }

  const formSection = h('section', { class: 'card manual-form-card', 'aria-labelledby': `manual-form-title-${pid}` },
    h('h3', { class: 'block__title', id: `manual-form-title-${pid}` }, 'Передать показания'),
    h('p', { class: 'muted manual-rules' }, rules.join(' ')),
    outside ? notice('info', h('strong', null, 'Сегодня показания не принимаются.'), h('p', null, windowText(policy))) : null,
    h('form', { class: 'manual-form', novalidate: true, 'aria-labelledby': `manual-form-title-${pid}`, onSubmit },
      h('div', { class: 'manual-form__fields' }, form.element),
      status,
      h('div', { class: 'form-actions' }, submit)));

  // -------------------------------------------------------------------------
  // What was submitted before

  const result = resultArea('manual');
  const run = loader(env, result);

  function loadList() {
    run(() => api.get(`points/${encodeURIComponent(env.id)}/manual-readings`, { signal: env.signal }), show);
  }

  function show(data) {
    const rows = (data && Array.isArray(data.rows) ? data.rows : []).filter(Boolean)
      .sort((a, b) => (b.submitted_at ?? 0) - (a.submitted_at ?? 0));
    if (!rows.length) {
      return { state: 'empty', nodes: [emptyNotice('Вы ещё не передавали показания по этому прибору учёта.', null)] };
    }
    const columns = [
      { title: 'Дата показаний' },
      ...keys.map((k) => ({ title: zones > 1 ? zoneLabel(k, zones) : 'Показание', numeric: true })),
      ...(zones > 1 ? [{ title: 'Сумма', numeric: true }] : []),
      { title: 'Передано' },
      { title: 'Состояние' },
      { title: 'Решение' },
    ];
    const make = (list) => dataTable({
      className: 'manual-table',
      caption: 'Переданные показания, кВт·ч',
      columns,
      rowAttrs: (cells, i) => ({ class: ['manual-row', `manual-row--${list[i].state}`], dataset: { id: list[i].id, state: list[i].state } }),
      rows: list.map((r) => [
        formatDate(r.ts, env.tz),
        ...keys.map((k) => formatNumber(r[k], { fixed: 3 })),
        ...(zones > 1 ? [formatNumber(r.total, { fixed: 3 })] : []),
        formatDateTime(r.submitted_at, env.tz),
        h('span', null,
          stateBadge(r.state),
          r.state === 'rejected' && r.reason ? h('span', { class: 'manual-reason' }, `Причина: ${r.reason}`) : null,
          r.supplier ? h('span', { class: 'manual-supplier', dataset: { state: r.supplier.state } }, ` ${supplierText(r.supplier)}`) : null),
        isNum(r.decided_at) ? formatDateTime(r.decided_at, env.tz) : DASH,
      ]),
    });
    return {
      state: 'ready',
      nodes: [limitedTable(make, rows, 24, 'Переданные показания')],
    };
  }

  panel.append(
    formSection,
    h('section', { class: 'block', 'aria-labelledby': `manual-list-title-${pid}` },
      h('h3', { class: 'block__title', id: `manual-list-title-${pid}` }, 'Переданные показания'),
      result.element),
  );
  loadList();
}
