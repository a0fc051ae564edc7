// A case on the operator's console: the applicant, the form's values, documents, history, the correspondence,
// the actions staff may take now (answer, reject … with their inputs and confirmations) and the assignment to an
// operator (the list of staff of GET operators; an operator who may not read it assigns the case to themself).
// Tech connection: «Запросить недостающие сведения» (what is missing, kept in the application), the offer with the
// ТУ number and date and the utility's documents attached to the action, the moves up to the act.
//   GET cases/{id}, POST cases/{id}/actions/{action}, POST cases/{id}/messages, POST operator/cases/{id}/assign
// Markup: .page--operator-case, .case-view (widgets/cases.js), form.case-assign-form (select[name=assignee],
// button.case-assign).

import { api } from '../core/api.js';
import { h, mount, notice, uid } from '../core/ui.js';
import { operatorNav, staffGate, staffOnly, isDenied } from '../widgets/staff.js';
import { caseView, changedNotice, isMissing } from '../widgets/cases.js';
import { submitter } from '../widgets/submit.js';

export const title = 'Обращение';

function assignForm(ctx, c, staff, changed) {
  const id = uid('case-assignee');
  const select = h('select', { id, name: 'assignee', class: 'input select' },
    h('option', { value: '' }, 'Не назначен'),
    staff.map((s) => h('option', { value: s.id }, s.id === ctx.user.id ? `${s.name} (вы)` : s.name)));
  select.value = (c.assignee && c.assignee.id) || '';
  if (c.assignee && select.value !== c.assignee.id) {
    select.append(h('option', { value: c.assignee.id }, c.assignee.name || 'Сотрудник'));
    select.value = c.assignee.id;
  }
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const button = h('button', { type: 'submit', class: 'btn btn--secondary case-assign' }, 'Назначить');
  const onSubmit = submitter({
    button, status, signal: ctx.signal,
    send: () => api.post(`operator/cases/${encodeURIComponent(c.id)}/assign`, { assignee: select.value || null }, { signal: ctx.signal }),
    done: (fresh) => changed(fresh, select.value ? 'Исполнитель назначен.' : 'Назначение снято.'),
  });
  return h('form', { class: 'case-assign-form filters', novalidate: true, onSubmit },
    h('div', { class: 'filters__row' },
      h('div', { class: 'filters__item', dataset: { field: 'assignee' } }, h('label', { class: 'filters__label', for: id }, 'Исполнитель'), select),
      h('div', { class: 'filters__actions' }, button)),
    status);
}

export async function render(ctx) {
  const gate = staffGate(ctx, title);
  if (gate) return gate;
  let c;
  try {
    c = await api.get(`cases/${encodeURIComponent(ctx.params.id)}`, { signal: ctx.signal });
  } catch (err) {
    if (isDenied(err)) return staffOnly(title, err);
    if (!isMissing(err)) throw err;
    return h('section', { class: 'page page--operator-case' },
      h('h1', { class: 'page__title' }, 'Обращение не найдено'), operatorNav(ctx, 'operator/cases'),
      notice('error', 'Такого обращения нет.'));
  }
  let staff = [{ id: ctx.user.id, name: ctx.user.full_name || ctx.user.email || 'Вы' }];
  try {
    const a = await api.get('operators', { signal: ctx.signal });
    const list = ((a && a.operators) || []).map((o) => ({ id: o.id, name: o.full_name || o.email }));
    if (list.length) staff = list.some((s) => s.id === ctx.user.id) ? list : [...staff, ...list];
  } catch (err) {
    if (ctx.signal.aborted) throw err;
  }
  const page = h('section', { class: 'page page--operator-case' });
  function draw(view, message) {
    const heading = `${(view.kind && view.kind.label) || 'Обращение'} № ${view.number_text || view.number}`;
    document.title = document.title.replace(/^[^—]*—/, `${heading} —`);
    mount(page,
      h('p', { class: 'page__back' }, h('a', { href: ctx.router.href('operator/cases') }, '← Все обращения')),
      h('h1', { class: 'page__title' }, heading),
      operatorNav(ctx, 'operator/cases'),
      changedNotice(message),
      caseView(ctx, view, { staff: true, changed: draw, extra: assignForm(ctx, view, staff, draw) }));
  }
  draw(c);
  return page;
}
