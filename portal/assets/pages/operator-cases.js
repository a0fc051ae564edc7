// «Обращения» of the operator: one queue for every kind of case — filters by kind, state, assignee, overdue and
// due date, search by number and applicant; each case opens its page.
// Rows of kinds with list columns (tech connection) show those columns (object, address, power, ТУ); «Исполняемые /
// Выполненные» picks open or closed cases.
//   GET operator/cases?kind&state&open=1|0&overdue&assignee (an id, me, none)&due_to&q&page → {cases: [...], total}
// Markup: .page--operator-cases, form.operator-cases-filter (fields kind, state, open, assignee, due, overdue, q;
// button.operator-cases__apply), .result[data-result="operator-cases"], table.cases-table, button.cases-more.

import { api } from '../core/api.js';
import { h, plural, uid } from '../core/ui.js';
import { operatorCaseRoute } from '../core/cases.js';
import { operatorNav, staffGate, staffOnly, isDenied } from '../widgets/staff.js';
import { resultArea } from '../widgets/filters.js';
import { emptyNotice, loader } from '../widgets/data-view.js';
import { casesTable } from '../widgets/cases.js';

export const title = 'Обращения';

function labelled(name, label, control) {
  return h('div', { class: 'filters__item', dataset: { field: name } }, h('label', { class: 'filters__label', for: control.id }, label), control);
}

function options(select, list, first) {
  const value = select.value;
  select.replaceChildren(h('option', { value: '' }, first), ...list.map((o) => h('option', { value: o.value }, o.label)));
  select.value = list.some((o) => o.value === value) ? value : '';
}

export async function render(ctx) {
  const gate = staffGate(ctx, title);
  if (gate) return gate;
  let first;
  try {
    first = await api.get('operator/cases', { signal: ctx.signal });
  } catch (err) {
    if (isDenied(err)) return staffOnly(title, err);
    throw err;
  }
  const kinds = new Map();
  const states = new Map();
  const learn = (rows) => {
    for (const c of rows) {
      if (c.kind) kinds.set(c.kind.id, c.kind.label);
      if (c.state) states.set(c.state.id, c.state.label);
    }
  };
  learn(first.cases || []);

  const kind = h('select', { id: uid('oc-kind'), name: 'kind', class: 'input select' });
  const state = h('select', { id: uid('oc-state'), name: 'state', class: 'input select' });
  const assignee = h('select', { id: uid('oc-assignee'), name: 'assignee', class: 'input select' },
    h('option', { value: '' }, 'Все'), h('option', { value: 'me' }, 'Мне'), h('option', { value: 'none' }, 'Не назначенные'));
  const open = h('select', { id: uid('oc-open'), name: 'open', class: 'input select' },
    h('option', { value: '' }, 'Все'), h('option', { value: '1' }, 'Исполняемые'), h('option', { value: '0' }, 'Выполненные'));
  const due = h('input', { id: uid('oc-due'), name: 'due', type: 'date', class: 'input' });
  const overdue = h('input', { id: uid('oc-overdue'), name: 'overdue', type: 'checkbox', class: 'checkbox' });
  const q = h('input', { id: uid('oc-q'), name: 'q', type: 'search', class: 'input', placeholder: 'Номер или заявитель' });
  const fillOptions = () => {
    options(kind, [...kinds].map(([value, label]) => ({ value, label })), 'Все виды');
    options(state, [...states].map(([value, label]) => ({ value, label })), 'Все статусы');
  };
  fillOptions();
  // Other staff to filter by (the administrator's list of operators; an operator filters by themself).
  api.get('operators', { signal: ctx.signal }).then((a) => {
    for (const o of (a && a.operators) || []) {
      if (o.id === ctx.user.id) continue;
      assignee.append(h('option', { value: o.id }, o.full_name || o.email));
    }
  }).catch(() => {});

  const result = resultArea('operator-cases');
  const run = loader({ signal: ctx.signal }, result);
  let page = 1;
  let shown = [];
  function query() {
    return { kind: kind.value, state: state.value, open: open.value, assignee: assignee.value, overdue: overdue.checked ? '1' : '', due_to: due.value, q: q.value.trim(), page };
  }
  function draw(answer) {
    learn(answer.cases || []);
    fillOptions();
    shown = page === 1 ? (answer.cases || []) : shown.concat(answer.cases || []);
    const rows = shown;
    if (!rows.length) return { state: 'empty', nodes: [emptyNotice('Обращений с такими условиями нет.', 'Измените условия отбора.')] };
    const total = Number.isFinite(answer.total) ? answer.total : shown.length;
    const more = shown.length < total
      ? h('button', { type: 'button', class: 'btn btn--ghost cases-more', onClick: () => { page += 1; load(); } }, 'Показать ещё')
      : null;
    return {
      state: 'ready',
      nodes: [h('p', { class: 'muted cases-count' }, `${total} ${plural(total, ['обращение', 'обращения', 'обращений'])}`),
        casesTable(ctx, rows, { staff: true, route: operatorCaseRoute }), more],
    };
  }
  function load() { run(() => api.get('operator/cases', { query: query(), signal: ctx.signal }), draw); }
  const form = h('form', { class: 'filters operator-cases-filter', dataset: { filter: 'operator-cases' }, novalidate: true, onSubmit: (e) => { e.preventDefault(); page = 1; load(); } },
    h('div', { class: 'filters__row' },
      labelled('kind', 'Вид', kind), labelled('state', 'Статус', state), labelled('open', 'Исполнение', open), labelled('assignee', 'Исполнитель', assignee),
      labelled('due', 'Срок ответа до', due),
      h('div', { class: 'filters__item filters__item--check', dataset: { field: 'overdue' } }, h('label', { for: overdue.id }, overdue, ' Только просроченные')),
      labelled('q', 'Поиск', q)),
    h('div', { class: 'filters__actions' }, h('button', { type: 'submit', class: 'btn btn--primary operator-cases__apply' }, 'Показать')));
  const drawn = draw(first);
  result.show(drawn.state, ...drawn.nodes);
  return h('section', { class: 'page page--operator-cases' },
    h('h1', { class: 'page__title' }, title),
    operatorNav(ctx, 'operator/cases'),
    form, result.element);
}
