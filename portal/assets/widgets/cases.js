// Cases as the consumer's and the operator's pages show them (GET cases/{id}, contract §5): the state badge,
// the table of cases, document inputs with their limits, and the case view — its form's values, documents
// with download links, history, the correspondence thread with attachments, and the actions this person may
// take, with their inputs and confirmations.
//
// Tech connection adds, from the same answers: the kind's list columns (rows' `columns`) and a column of the
// applicant's links, the stages with their dates, the utility's documents apart, the print link.
//
// Markup: .case-state.case-state--<tone>; table.cases-table with tr.case-row[data-id][data-number]
// (.case-row__col[data-column], .case-row__actions); .case-stages (li.case-stage[data-stage][data-reached]);
// .case-documents__utility, .case-documents__applicant, a.case-print;
// .case-docs with .case-doc[data-type] (input[type=file][name="doc.<type>"], .field-error); .case-view with
// .case-summary, .case-fields, .case-documents (a.case-document[download]), .case-history (li.case-history__item),
// .case-thread (li.case-message[data-role]), form.case-message-form, .case-actions (button.case-action[data-action],
// form.case-action-form[data-action]), form.case-upload-form, .case-status.

import { api, apiUrl, ApiError, getDictionary } from '../core/api.js';
import { h, mount, notice, uid } from '../core/ui.js';
import { formatDate, formatDateTime, formatIsoDate, DASH } from '../core/format.js';
import { actorText, caseBody, documentPath, fileProblem, limitsText, numberText, sizeText, acceptOf } from '../core/cases.js';
import { createForm } from './forms.js';
import { sendForm, submitter } from './submit.js';
import { confirmDialog } from './dialog.js';
import { dataTable, scrollTable } from './data-view.js';

const TONES = ['new', 'work', 'wait', 'done', 'rejected'];

/** The state of a case as a coloured label. */
export function stateBadge(state) {
  if (!state) return null;
  const tone = TONES.includes(state.tone) ? state.tone : (state.final ? 'done' : 'work');
  return h('span', { class: ['case-state', `case-state--${tone}`], dataset: { state: state.id } }, state.label || DASH);
}

/** The list columns the rows bring (GET cases → `columns` of a kind's list_fields), in order of first sight. */
function listColumns(rows) {
  const seen = new Map();
  for (const r of rows) for (const col of (Array.isArray(r.columns) ? r.columns : [])) if (col && col.name && !seen.has(col.name)) seen.set(col.name, col.label || col.name);
  return [...seen].map(([name, label]) => ({ name, label }));
}

/**
 * The table of cases: «Рег. номер», «Дата подачи», «Вид», then the kind's list columns when the rows bring them
 * (tech connection, seed 003 Рис. 13.1: object, address, power, ТУ number and date, personal account) or else
 * «Содержание», «Статус» (and, for staff, the applicant, the assignee and the due date). The number links to the
 * case. `o.rowActions(c)` gives the nodes of a last column «Действия» (the applicant's links of Рис. 13.1).
 * @param {object} ctx
 * @param {object[]} rows   cases of GET cases / GET operator/cases
 * @param {{staff?: boolean, route: (id: string) => string, rowActions?: (c: object) => Node[]}} o
 */
export function casesTable(ctx, rows, o) {
  const tz = ctx.tenant && ctx.tenant.timezone;
  const extra = listColumns(rows);
  const columns = [
    { title: 'Рег. номер', className: 'cases-table__number' },
    { title: 'Дата подачи' },
    { title: 'Вид' },
  ];
  if (extra.length) for (const col of extra) columns.push({ title: col.label, className: `cases-table__col cases-table__col--${col.name}` });
  else columns.push({ title: 'Содержание', className: 'cases-table__summary' });
  if (o.staff) columns.push({ title: 'Заявитель' }, { title: 'Исполнитель' }, { title: 'Срок' });
  columns.push({ title: 'Статус' });
  if (o.rowActions) columns.push({ title: 'Действия', className: 'cases-table__actions' });
  const table = dataTable({
    className: extra.length ? 'cases-table cases-table--wide' : 'cases-table',
    columns,
    rows: rows.map((c) => {
      const cells = [
        h('a', { href: ctx.router.href(o.route(c.id)), class: 'case-row__link' }, c.number_text || String(c.number || '')),
        c.filed_at ? formatDate(c.filed_at, tz) : DASH,
        (c.kind && c.kind.label) || DASH,
      ];
      if (extra.length) {
        for (const col of extra) {
          const v = (Array.isArray(c.columns) ? c.columns : []).find((x) => x.name === col.name);
          const text = v && v.text !== undefined && v.text !== null && v.text !== '' ? String(shownText(v.text)) : null;
          cells.push(h('span', { class: text ? 'case-row__col' : 'case-row__col is-empty', dataset: { column: col.name } }, text || DASH));
        }
      } else cells.push(c.summary || DASH);
      if (o.staff) {
        cells.push((c.applicant && c.applicant.name) || DASH, (c.assignee && c.assignee.name) || h('span', { class: 'muted' }, 'не назначен'),
          c.due_at ? h('span', { class: c.overdue ? 'case-due case-due--overdue' : 'case-due' }, formatDate(c.due_at, tz), c.overdue ? ' (просрочено)' : '') : DASH);
      }
      cells.push(stateBadge(c.state));
      if (o.rowActions) cells.push(h('span', { class: 'case-row__actions' }, o.rowActions(c)));
      return cells;
    }),
    rowAttrs: (cells, i) => ({ class: 'case-row', dataset: { id: rows[i].id, number: rows[i].number_text || String(rows[i].number || ''), overdue: rows[i].overdue ? 'true' : null } }),
  });
  return scrollTable(table, 'Обращения');
}

/**
 * File inputs, one per document type, each with its limits (types, size, count) and its error. Works as the
 * `form` of submitter() together with a createForm controller (see combineForms).
 * @param {object[]} types   document type views [{id, label, required, max_bytes, types, max_count}]
 * @param {string} [idPrefix]
 */
export function documentInputs(types, idPrefix = uid('docs')) {
  const items = (types || []).map((t) => {
    const id = `${idPrefix}-${t.id}`;
    const errorId = `${id}-error`;
    const hintId = `${id}-hint`;
    const input = h('input', {
      type: 'file', id, name: `doc.${t.id}`, class: 'input input--file',
      accept: acceptOf(t.types) || null, multiple: t.max_count > 1 ? true : null,
      'aria-describedby': `${hintId} ${errorId}`, 'aria-required': t.required ? 'true' : null,
      onChange: () => show(null),
    });
    const error = h('p', { class: 'field-error', id: errorId, 'aria-live': 'polite' });
    const element = h('div', { class: 'field case-doc', dataset: { field: `doc.${t.id}`, type: t.id } },
      h('label', { for: id, class: 'field-label' }, t.label || 'Документ', t.required ? h('span', { class: 'field-required', 'aria-hidden': 'true' }, ' *') : null),
      input,
      h('p', { class: 'field-hint', id: hintId }, limitsText(t)),
      error);
    function show(message, source = 'client') {
      error.textContent = message || '';
      if (message) { error.dataset.source = source; input.setAttribute('aria-invalid', 'true'); } else { delete error.dataset.source; input.removeAttribute('aria-invalid'); }
      element.classList.toggle('field--error', Boolean(message));
    }
    function check() {
      const files = [...input.files];
      if (t.required && !files.length) return 'Приложите файл';
      if (t.max_count > 0 && files.length > t.max_count) return `Не больше ${t.max_count} файлов`;
      for (const f of files) {
        const problem = fileProblem(t, f);
        if (problem) return problem;
      }
      return null;
    }
    return { t, input, element, show, check };
  });
  return {
    element: items.length ? h('div', { class: 'case-docs' }, items.map((i) => i.element)) : null,
    /** [{type, file}] of the chosen files. */
    files: () => items.flatMap((i) => [...i.input.files].map((file) => ({ type: i.t.id, file }))),
    validate() {
      const errors = {};
      for (const i of items) {
        const msg = i.check();
        i.show(msg);
        if (msg) errors[`doc.${i.t.id}`] = msg;
      }
      return errors;
    },
    setErrors(fields) {
      const rest = {};
      for (const [name, message] of Object.entries(fields || {})) {
        const i = items.find((x) => `doc.${x.t.id}` === name || (items.length === 1 && (name === 'file' || name.startsWith('doc.'))));
        if (i) i.show(String(message), 'server'); else rest[name] = message;
      }
      return rest;
    },
    focusFirstError() {
      const i = items.find((x) => x.element.classList.contains('field--error'));
      if (i) i.input.focus();
      return Boolean(i);
    },
    clear() { for (const i of items) { i.input.value = ''; i.show(null); } },
  };
}

/** Several form parts (createForm controllers, documentInputs) as one `form` of submitter(). */
export function combineForms(...parts) {
  const list = parts.filter(Boolean);
  return {
    validate: () => Object.assign({}, ...list.map((p) => p.validate())),
    setErrors(fields, source) {
      let rest = fields;
      for (const p of list) rest = p.setErrors(rest, source);
      return rest;
    },
    focusFirstError: () => list.some((p) => p.focusFirstError()),
  };
}

/** A value as people read it: a bare date «2026-03-05» (a kept ТУ date) as «05.03.2026», anything else as it is. */
function shownText(text) {
  return typeof text === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(text) ? formatIsoDate(text) : text;
}

/** A field view of the answer as a definition list row. */
function valueRow(f) {
  const text = shownText(f.text !== undefined && f.text !== null && f.text !== '' ? f.text : (typeof f.value === 'boolean' ? (f.value ? 'Да' : 'Нет') : f.value));
  return h('div', { class: 'info-list__row', dataset: { field: f.name || null } },
    h('dt', null, f.label || f.name),
    h('dd', { class: text === undefined || text === null || text === '' ? 'is-empty' : null },
      text === undefined || text === null || text === '' ? DASH : String(text)));
}

/** A link to download a document of a case. */
function documentLink(caseId, d, tz) {
  return h('span', { class: 'case-document-wrap' },
    h('a', { class: 'case-document', href: apiUrl(documentPath(caseId, d.id)), download: d.name || '' }, d.name || 'Документ'),
    h('span', { class: 'muted' }, ' ', [d.type_label, sizeText(d.size), d.at ? formatDateTime(d.at, tz) : null].filter(Boolean).join(' · ')));
}

function documentList(caseId, docs, tz) {
  if (!docs || !docs.length) return null;
  return h('ul', { class: 'case-document-list' }, docs.map((d) => h('li', null, documentLink(caseId, d, tz))));
}

/**
 * The case's due dates: «Ответ до 15 марта 2026» (overdue in red). The applicant sees the terms that count now;
 * staff also those of steps already passed, marked so.
 */
function deadlines(c, tz, staff) {
  const list = (Array.isArray(c.deadlines) ? c.deadlines : []).filter((d) => staff || d.running !== false);
  return list.map((d) => h('div', { class: 'info-list__row', dataset: { field: `deadline.${d.id}` } },
    h('dt', null, d.label || 'Срок'),
    h('dd', { class: d.overdue ? 'case-due case-due--overdue' : 'case-due' }, d.due_at ? formatDate(d.due_at, tz) : DASH,
      d.overdue ? ' — срок нарушен' : (d.running === false ? ' — этап пройден' : ''))));
}

/**
 * The whole case: summary, values, documents, history, thread, actions.
 * @param {object} ctx
 * @param {object} c            GET cases/{id}
 * @param {object} o
 * @param {boolean} [o.staff]   the operator's view (applicant, assignee)
 * @param {(c: object) => void} o.changed    called with the new case view after an action, a message or an upload
 * @param {Node} [o.extra]      more controls of the summary (the operator's assignment)
 */
export function caseView(ctx, c, o) {
  const tz = ctx.tenant && ctx.tenant.timezone;
  const status = h('div', { class: 'case-status form-status', 'aria-live': 'polite' });
  // After a change: the view the server answered with (an action), else the case read again.
  const reload = async (message, answer) => {
    const fresh = answer && answer.id ? answer : await api.get(`cases/${encodeURIComponent(c.id)}`, { signal: ctx.signal });
    o.changed(fresh, message);
  };

  const summary = h('section', { class: 'card case-summary' },
    h('dl', { class: 'info-list' },
      h('div', { class: 'info-list__row', dataset: { field: 'number' } }, h('dt', null, 'Регистрационный номер'), h('dd', null, c.number_text || String(c.number || DASH))),
      h('div', { class: 'info-list__row', dataset: { field: 'kind' } }, h('dt', null, 'Вид'), h('dd', null, (c.kind && c.kind.label) || DASH)),
      h('div', { class: 'info-list__row', dataset: { field: 'state' } }, h('dt', null, 'Статус'), h('dd', null, stateBadge(c.state))),
      h('div', { class: 'info-list__row', dataset: { field: 'filed_at' } }, h('dt', null, 'Дата подачи'), h('dd', null, c.filed_at ? formatDateTime(c.filed_at, tz) : DASH)),
      c.closed_at ? h('div', { class: 'info-list__row', dataset: { field: 'closed_at' } }, h('dt', null, 'Дата закрытия'), h('dd', null, formatDateTime(c.closed_at, tz))) : null,
      o.staff && c.applicant ? h('div', { class: 'info-list__row', dataset: { field: 'applicant' } }, h('dt', null, 'Заявитель'), h('dd', null, c.applicant.name || DASH)) : null,
      o.staff ? h('div', { class: 'info-list__row', dataset: { field: 'assignee' } }, h('dt', null, 'Исполнитель'), h('dd', null, (c.assignee && c.assignee.name) || 'не назначен')) : null,
      // A closed case's due dates matter to staff only (answered on time or not).
      ...(o.staff || !(c.state && c.state.final) ? deadlines(c, tz, o.staff) : [])),
    o.extra || null);

  const fields = Array.isArray(c.fields) ? c.fields : [];
  const values = h('section', { class: 'card case-fields' },
    h('h2', { class: 'card__title' }, 'Содержание'),
    fields.length ? h('dl', { class: 'info-list' }, fields.map(valueRow)) : h('p', { class: 'muted' }, 'Поля не заполнены.'));

  const docs = Array.isArray(c.documents) ? c.documents : [];
  // The utility's documents (contract terms, ТУ, invoice, act: seed 003 Рис. 13.3) apart from the applicant's.
  const fromUtility = docs.filter((d) => d.by && d.by.role && d.by.role !== 'consumer');
  const fromApplicant = docs.filter((d) => !fromUtility.includes(d));
  const printable = casePrintable(c);
  const documents = h('section', { class: 'card case-documents', id: 'case-documents' },
    h('h2', { class: 'card__title' }, 'Документы'),
    !docs.length ? h('p', { class: 'muted' }, 'Документов нет.') : null,
    fromUtility.length ? h('div', { class: 'case-documents__utility' },
      h('h3', { class: 'case-documents__title' }, o.staff ? 'Документы сетевой организации' : 'Документы от сетевой организации'),
      documentList(c.id, fromUtility, tz)) : null,
    fromApplicant.length ? h('div', { class: 'case-documents__applicant' },
      fromUtility.length ? h('h3', { class: 'case-documents__title' }, 'Документы заявителя') : null,
      documentList(c.id, fromApplicant, tz)) : null,
    printable ? h('p', { class: 'page__links' }, h('a', { class: 'btn btn--ghost case-print', href: apiUrl(`cases/${encodeURIComponent(c.id)}/print`), download: `Заявка ${c.number_text || c.number}.pdf` }, 'Распечатать заявление')) : null,
    c.uploads && c.uploads.allowed && Array.isArray(c.uploads.types) && c.uploads.types.length ? uploadForm(ctx, c, reload) : null);

  const history = Array.isArray(c.history) ? c.history : [];
  const historyView = h('section', { class: 'card case-history' },
    h('h2', { class: 'card__title' }, 'История'),
    h('ol', { class: 'case-history__list' }, history.map((e) => h('li', { class: 'case-history__item', dataset: { seq: e.seq, action: e.action && e.action.id } },
      h('p', { class: 'case-history__head' },
        h('time', { class: 'case-history__time' }, e.at ? formatDateTime(e.at, tz) : ''),
        ' ', h('strong', null, (e.action && e.action.label) || (e.to && e.to.label) || ''),
        e.to && (!e.action || e.to.label !== e.action.label) ? h('span', { class: 'muted' }, ` → ${e.to.label}`) : null,
        h('span', { class: 'muted case-history__actor' }, ` · ${actorText(e.actor)}`)),
      e.comment ? h('p', { class: 'case-history__comment' }, e.comment) : null,
      Array.isArray(e.fields) && e.fields.length ? h('dl', { class: 'info-list info-list--compact' }, e.fields.map(valueRow)) : null,
      documentList(c.id, e.documents, tz)))));

  const messages = Array.isArray(c.messages) ? c.messages : [];
  const thread = h('section', { class: 'card case-thread' },
    h('h2', { class: 'card__title' }, 'Переписка'),
    messages.length
      ? h('ul', { class: 'case-thread__list' }, messages.map((m) => h('li', {
        class: ['case-message', `case-message--${m.author && m.author.role === 'operator' ? 'operator' : 'consumer'}`],
        dataset: { id: m.id, role: m.author && m.author.role },
      },
      h('p', { class: 'case-message__head' }, h('strong', null, actorText(m.author)), ' ', h('time', { class: 'muted' }, m.at ? formatDateTime(m.at, tz) : '')),
      h('p', { class: 'case-message__text' }, m.text || ''),
      documentList(c.id, m.documents, tz))))
      : h('p', { class: 'muted case-thread__empty' }, 'Сообщений пока нет.'),
    c.state && c.state.final ? null : messageForm(ctx, c, reload));

  const actions = Array.isArray(c.actions) ? c.actions : [];
  const actionsView = actions.length ? actionPanel(ctx, c, actions, reload, status) : null;

  const view = h('div', { class: 'case-view', dataset: { id: c.id, state: c.state && c.state.id } },
    summary, stagesView(c, tz), status, actionsView, values, documents, thread, historyView);
  if (o.focus) focusOn(view, o.focus);
  return view;
}

/** Whether the case is printed from its form: its kind declares `print`, or it takes the signed application. */
function casePrintable(c) {
  if (c.kind && c.kind.print) return true;
  const types = [...(Array.isArray(c.documents) ? c.documents.map((d) => d.type) : []),
    ...(c.uploads && Array.isArray(c.uploads.types) ? c.uploads.types.map((t) => t.id) : [])];
  return types.includes('signed_application');
}

/**
 * The disclosure stages of the case (PP 24 п.19л): each with the date it was reached, the current one marked.
 * Nothing when the kind declares none.
 */
function stagesView(c, tz) {
  const stages = Array.isArray(c.stages) ? c.stages : [];
  if (!stages.length) return null;
  return h('section', { class: 'card case-stages' },
    h('h2', { class: 'card__title' }, 'Этапы'),
    h('ol', { class: 'case-stages__list' }, stages.map((st) => h('li', {
      class: ['case-stage', st.reached_at ? 'case-stage--reached' : 'case-stage--ahead', st.current ? 'case-stage--current' : null],
      dataset: { stage: st.id, reached: st.reached_at ? 'true' : 'false', current: st.current ? 'true' : null },
      'aria-current': st.current ? 'step' : null,
    },
    h('span', { class: 'case-stage__label' }, st.label || DASH),
    h('span', { class: 'case-stage__date muted' }, st.reached_at ? formatDate(st.reached_at, tz) : 'не пройден'),
    st.current ? h('span', { class: 'case-stage__current' }, 'текущий этап') : null))));
}

/**
 * Opens what a link of the list asked for: `section` «documents» or «upload» scrolls to the documents (the upload
 * form's file input focused), `action` presses that action's button (its form or confirmation opens).
 */
function focusOn(view, { section, action }) {
  requestAnimationFrame(() => {
    if (!view.isConnected) return;
    if (action) {
      const button = [...view.querySelectorAll('button.case-action')].find((b) => b.dataset.action === action);
      if (button) { button.scrollIntoView({ block: 'center' }); button.click(); return; }
    }
    if (section === 'documents' || section === 'upload') {
      const target = view.querySelector('.case-documents');
      if (target) target.scrollIntoView({ block: 'start' });
      const input = section === 'upload' ? view.querySelector('form.case-upload-form input[type=file]') : null;
      if (input) input.focus();
    }
  });
}

/** «Добавить документ»: the type (when there are several) and the file. */
function uploadForm(ctx, c, reload) {
  const types = c.uploads.types;
  let chosen = types[0];
  const select = types.length > 1 ? h('select', { name: 'type', class: 'input select', onChange: () => { chosen = types.find((t) => t.id === select.value) || types[0]; rebuild(); } },
    types.map((t) => h('option', { value: t.id }, t.label))) : null;
  const host = h('div');
  let inputs = null;
  function rebuild() { inputs = documentInputs([{ ...chosen, required: true, label: 'Файл' }]); mount(host, inputs.element); }
  rebuild();
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const button = h('button', { type: 'submit', class: 'btn btn--secondary' }, 'Добавить документ');
  const onSubmit = submitter({
    button, status, signal: ctx.signal, form: { validate: () => inputs.validate(), setErrors: (f) => inputs.setErrors(f), focusFirstError: () => inputs.focusFirstError() },
    send() {
      const data = new FormData();
      const [f] = inputs.files();
      data.append('type', chosen.id);
      data.append('file', f.file, f.file.name);
      return api.post(`cases/${encodeURIComponent(c.id)}/documents`, data, { signal: ctx.signal });
    },
    done: () => reload('Документ добавлен.'),
  });
  return h('form', { class: 'case-upload-form', novalidate: true, onSubmit },
    h('h3', { class: 'case-upload-form__title' }, 'Добавить документ'),
    select ? h('div', { class: 'field' }, h('label', { class: 'field-label' }, 'Тип документа', select)) : null,
    host, status, button);
}

/** A message to the other side, with an optional file. */
function messageForm(ctx, c, reload) {
  const form = createForm({ fields: [{ name: 'text', label: 'Сообщение', type: 'textarea', required: true, max_length: 2000 }] }, { idPrefix: uid('case-message') });
  const attach = documentInputs([{ id: 'file', label: 'Файл (необязательно)', types: ['pdf', 'jpeg', 'png', 'doc', 'docx', 'xls', 'xlsx', 'odt', 'txt', 'zip'], max_bytes: 10 * 1024 * 1024, max_count: 1 }]);
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const button = h('button', { type: 'submit', class: 'btn btn--primary case-message-form__send' }, 'Отправить сообщение');
  const onSubmit = submitter({
    button, status, signal: ctx.signal, form: combineForms(form, attach),
    send() {
      const { text } = form.values();
      const [f] = attach.files();
      if (!f) return api.post(`cases/${encodeURIComponent(c.id)}/messages`, { text }, { signal: ctx.signal });
      const data = new FormData();
      data.append('text', text);
      data.append('file', f.file, f.file.name);
      return api.post(`cases/${encodeURIComponent(c.id)}/messages`, data, { signal: ctx.signal });
    },
    done: () => reload('Сообщение отправлено.'),
  });
  return h('form', { class: 'case-message-form', novalidate: true, onSubmit }, form.element, attach.element, status, button);
}

/** The actions this person may take now: a button each; one with inputs opens its form below. */
function actionPanel(ctx, c, actions, reload, pageStatus) {
  const host = h('div', { class: 'case-actions__form' });
  const docTypes = c.uploads && Array.isArray(c.uploads.types) ? c.uploads.types : [];
  const send = (a, body) => api.post(`cases/${encodeURIComponent(c.id)}/actions/${encodeURIComponent(a.id)}`, body, { signal: ctx.signal });
  const done = (a) => (fresh) => reload(`Выполнено: «${a.label}».`, fresh);

  const buttons = actions.map((a) => {
    const hasInputs = (Array.isArray(a.fields) && a.fields.length) || (a.comment && a.comment !== 'none') || (Array.isArray(a.documents) && a.documents.length);
    const button = h('button', { type: 'button', class: ['btn', hasInputs ? 'btn--secondary' : 'btn--primary', 'case-action'], dataset: { action: a.id } }, a.label);
    button.addEventListener('click', async () => {
      if (hasInputs) { mount(host, actionForm(ctx, a, docTypes, send, done(a), () => host.replaceChildren())); return; }
      pageStatus.replaceChildren();
      if (a.confirm && !(await confirmDialog({ title: a.label, text: a.confirm, confirmLabel: a.label, danger: false }))) return;
      await sendForm({ button, signal: ctx.signal, status: pageStatus, send: () => send(a, {}), done: done(a) });
    });
    return button;
  });
  return h('section', { class: 'card case-actions' },
    h('h2', { class: 'card__title' }, 'Действия'),
    h('div', { class: 'case-actions__buttons' }, buttons),
    host);
}

/** The inputs of an action (its fields, the comment, its documents), «Отмена», the confirmation, then sent. */
function actionForm(ctx, a, docTypes, send, done, cancel) {
  const fields = (Array.isArray(a.fields) ? a.fields : []).slice();
  if (a.comment && a.comment !== 'none') fields.push({ name: 'comment', label: 'Комментарий', type: 'textarea', required: a.comment === 'required', max_length: 2000 });
  const form = createForm({ fields }, { idPrefix: uid(`case-action-${a.id}`), loadDictionary: getDictionary });
  // The documents the action takes (the server says when one is missing).
  // Required ones (`documents`) first, then those it may take (`attach`: the utility's contract, ТУ, invoice, act).
  const ids = [...new Set([...(a.documents || []), ...(a.attach || [])])];
  const types = ids.map((id) => ({ ...(docTypes.find((t) => t.id === id) || { id, label: 'Документ', types: [], max_bytes: 0, max_count: 1 }), required: false }));
  const docs = documentInputs(types);
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const button = h('button', { type: 'submit', class: 'btn btn--primary case-action-form__submit' }, a.label);
  let confirmed = false;
  const onSubmit = submitter({
    button, status, signal: ctx.signal, form: combineForms(form, docs),
    check() {
      if (!a.confirm || confirmed) return true;
      confirmDialog({ title: a.label, text: a.confirm, confirmLabel: a.label, danger: false }).then((ok) => {
        if (!ok) return;
        confirmed = true;
        onSubmit().finally(() => { confirmed = false; });
      });
      return false;
    },
    send() {
      const values = form.values();
      const { comment, ...rest } = values;
      return send(a, caseBody(comment !== undefined ? { comment } : {}, rest, docs.files()));
    },
    done,
  });
  return h('form', { class: 'case-action-form', dataset: { action: a.id }, novalidate: true, onSubmit },
    h('h3', { class: 'case-action-form__title' }, a.label),
    form.element, docs.element, status,
    h('div', { class: 'form-actions' }, button, h('button', { type: 'button', class: 'btn btn--ghost', onClick: cancel }, 'Отмена')));
}

/** The message shown after a change: the server's or ours. */
export function changedNotice(message) {
  return message ? notice('success', h('span', { class: 'case-changed' }, message)) : null;
}

/** Whether an error is a 404 of a case. */
export function isMissing(err) {
  return err instanceof ApiError && err.status === 404;
}
