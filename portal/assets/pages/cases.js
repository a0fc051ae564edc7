// The consumer's cases of a list group (ВГЭС «Информация по обращениям»: appeals and additional services
// together; ОЭС 360 «Обращения»): «Рег. номер», «Дата подачи», «Вид», «Содержание», «Статус», newest first; search
// by number, date of filing, kind, content and status (seed 003 Рис. 17); the buttons of the filing pages.
// Applications whose kind lists columns (tech connection, seed 003 Рис. 13.1) show those columns and, per open
// application, the links of its «#» column: «Документы», «Направить недостающие сведения/документы» while it
// takes uploads, and the applicant's actions open now («Завершить загрузку», «Сообщить о готовности» …), each
// opening the case page at that place (?section=, ?action=). Such lists are split «Исполняемые / Выполненные»
// (seed 002 «Заявки: исполняемые / выполненные», ?open=1|0).
//   GET cases (?open=1|0), GET cases/{id} of the open applications with columns (their actions and uploads)
// Markup: .page--cases, form.cases-search (fields number, date, kind, q, state; button.cases-search__apply,
// button.cases-search__reset), .cases-open (input[data-value="1|0|"]), .result[data-result="cases"],
// table.cases-table (a.case-row__action[data-action]), a.cases-file[data-group].

import { api } from '../core/api.js';
import { h, notice, plural, uid } from '../core/ui.js';
import { isoDateIn } from '../core/format.js';
import { caseGroups, caseRoute, fileLabel, fileRoute, listGroupOf, listLabel, listRoute } from '../core/cases.js';
import { resultArea, segmented } from '../widgets/filters.js';
import { emptyNotice } from '../widgets/data-view.js';
import { casesTable } from '../widgets/cases.js';

function groupOf(ctx) {
  const groups = caseGroups(ctx.tenant);
  const wanted = ctx.query.get('group');
  const lists = groups.filter((g) => (g.list || g.id) === g.id);
  return lists.find((g) => g.id === wanted) || lists[0] || null;
}

export function title(ctx) {
  const g = groupOf(ctx);
  return g ? listLabel(g) : 'Обращения';
}

function input(name, label, attrs = {}) {
  const id = uid(`cases-${name}`);
  const control = h('input', { id, name, class: 'input', ...attrs });
  return { control, element: h('div', { class: 'filters__item', dataset: { field: name } }, h('label', { class: 'filters__label', for: id }, label), control) };
}

function select(name, label, options) {
  const id = uid(`cases-${name}`);
  const control = h('select', { id, name, class: 'input select filters__select' },
    h('option', { value: '' }, 'Все'), options.map((o) => h('option', { value: o.value }, o.label)));
  return { control, element: h('div', { class: 'filters__item', dataset: { field: name } }, h('label', { class: 'filters__label', for: id }, label), control) };
}

export async function render(ctx) {
  const group = groupOf(ctx);
  if (!group) {
    return h('section', { class: 'page page--narrow page--cases' },
      h('h1', { class: 'page__title' }, 'Обращения'),
      notice('info', 'Подача обращений через личный кабинет у этой сетевой организации не предусмотрена.'));
  }
  const tz = ctx.tenant && ctx.tenant.timezone;
  const members = caseGroups(ctx.tenant).filter((g) => listGroupOf(ctx.tenant, g.id) === group.id);
  const memberIds = new Set(members.map((g) => g.id));
  const openWanted = ['1', '0'].includes(ctx.query.get('open')) ? ctx.query.get('open') : null;
  const answer = await api.get('cases', { query: openWanted ? { open: openWanted } : undefined, signal: ctx.signal });
  const all = (Array.isArray(answer && answer.cases) ? answer.cases : []).filter((c) => !c.group || memberIds.has(c.group));
  const withColumns = all.some((c) => Array.isArray(c.columns) && c.columns.length);
  // What each open application offers now (its actions, whether it takes uploads): the «#» column of Рис. 13.1.
  const offers = new Map();
  if (withColumns) {
    const open = all.filter((c) => Array.isArray(c.columns) && c.columns.length && !(c.state && c.state.final)).slice(0, 30);
    await Promise.all(open.map((c) => api.get(`cases/${encodeURIComponent(c.id)}`, { signal: ctx.signal })
      .then((v) => offers.set(c.id, v))
      .catch((err) => { if (ctx.signal.aborted) throw err; })));
  }
  const link = (c, query, label, data) => h('a', { class: 'case-row__action', dataset: data, href: ctx.router.href(`${caseRoute(c.id)}?${query}`) }, label);
  const rowActions = withColumns ? (c) => {
    const v = offers.get(c.id);
    const nodes = [link(c, 'section=documents', 'Документы', { action: 'documents' })];
    if (v && v.uploads && v.uploads.allowed) nodes.push(link(c, 'section=upload', 'Направить недостающие сведения/документы', { action: 'upload' }));
    for (const a of (v && Array.isArray(v.actions) ? v.actions : [])) nodes.push(link(c, `action=${encodeURIComponent(a.id)}`, a.label, { action: a.id }));
    return nodes;
  } : null;

  const kinds = [...new Map(all.filter((c) => c.kind).map((c) => [c.kind.id, c.kind.label])).entries()].map(([value, label]) => ({ value, label }));
  const states = [...new Map(all.filter((c) => c.state).map((c) => [c.state.id, c.state.label])).entries()].map(([value, label]) => ({ value, label }));
  const number = input('number', 'Номер', { type: 'search', inputmode: 'numeric', autocomplete: 'off' });
  const date = input('date', 'Дата подачи', { type: 'date' });
  const kind = select('kind', 'Вид', kinds);
  const q = input('q', 'Содержание', { type: 'search' });
  const state = select('state', 'Статус', states);
  const result = resultArea('cases');

  function show() {
    const n = number.control.value.trim().replace(/^№\s*/, '').toLowerCase();
    const d = date.control.value;
    const text = q.control.value.trim().toLowerCase();
    const rows = all.filter((c) => (!n || String(c.number_text || c.number || '').toLowerCase().includes(n))
      && (!d || (c.filed_at && isoDateIn(c.filed_at, tz) === d))
      && (!kind.control.value || (c.kind && c.kind.id === kind.control.value))
      && (!state.control.value || (c.state && c.state.id === state.control.value))
      && (!text || String(c.summary || '').toLowerCase().includes(text) || String((c.kind && c.kind.label) || '').toLowerCase().includes(text)));
    if (!all.length) {
      result.show('empty', emptyNotice('Обращений пока нет.', members.length ? 'Подать обращение можно кнопкой выше.' : null));
      return;
    }
    if (!rows.length) {
      result.show('empty', emptyNotice('Ничего не найдено.', 'Измените условия поиска.'));
      return;
    }
    const filtered = rows.length !== all.length;
    result.show('ready',
      h('p', { class: 'muted cases-count' }, filtered
        ? `Найдено ${rows.length} из ${all.length}`
        : `${all.length} ${withColumns ? plural(all.length, ['заявка', 'заявки', 'заявок']) : plural(all.length, ['обращение', 'обращения', 'обращений'])}`),
      casesTable(ctx, rows, { route: caseRoute, rowActions }));
  }
  const reset = h('button', { type: 'button', class: 'btn btn--ghost cases-search__reset', onClick: () => { for (const c of [number, date, q]) c.control.value = ''; kind.control.value = ''; state.control.value = ''; show(); } }, 'Сбросить');
  const search = h('form', { class: 'filters cases-search', dataset: { filter: 'cases' }, role: 'search', novalidate: true, onSubmit: (e) => { e.preventDefault(); show(); } },
    h('div', { class: 'filters__row' }, number.element, date.element, kind.element, q.element, state.element),
    h('div', { class: 'filters__actions' }, h('button', { type: 'submit', class: 'btn btn--primary cases-search__apply' }, 'Найти'), reset));
  show();
  // «Исполняемые / Выполненные»: the list read again with ?open=1|0.
  const split = withColumns || openWanted ? segmented({
    name: 'open', legend: 'Заявки',
    options: [{ value: '1', label: 'Исполняемые' }, { value: '0', label: 'Выполненные' }, { value: '', label: 'Все' }],
    value: openWanted || '',
    onChange: (v) => ctx.router.navigate(`${listRoute(group.id)}${v ? `&open=${v}` : ''}`),
  }) : null;
  if (split) split.element.classList.add('cases-open');
  const page = h('section', { class: 'page page--cases' },
    h('h1', { class: 'page__title' }, openWanted ? `${listLabel(group)}: ${openWanted === '1' ? 'исполняемые' : 'выполненные'}` : listLabel(group)),
    members.length ? h('p', { class: 'page__links cases-file-links' }, members.map((g) =>
      h('a', { class: 'btn btn--primary cases-file', dataset: { group: g.id }, href: ctx.router.href(fileRoute(g.id)) }, fileLabel(g)))) : null,
    split ? h('div', { class: 'filters cases-open-bar' }, split.element) : null,
    search,
    result.element);
  return page;
}
