// «Журнал» of the administrator's console: the one audit log the server writes — logins (success, a wrong
// password or code, refusals), grants of access, decisions on manual readings, broadcasts, outages and case
// assignments by operators, guesses of
// account and contract numbers, and staff actions — newest first, by kind, 30 entries a page. A guessed number or a login that named nobody is
// kept masked (its last two characters).
//   GET admin/audit?kind=&page=&per_page= → {entries: [{at, kind, action, outcome, tried, client_address,
//     actor: {login, login_field, email, role, fields} | null, target: … | null, details}], kind, page, per_page, total}
//
// Markup: .admin-journal, .journal-kinds (segmented radios input[data-value="|login|grant|guess|operator|staff"]),
// .result[data-result="admin-audit"], .journal-summary, table.journal-table with
// tr.journal-row[data-kind][data-action][data-outcome], nav.journal-pages (button.journal-prev / .journal-next, .journal-page).

import { api } from '../../core/api.js';
import { h, mount, notice, plural } from '../../core/ui.js';
import { formatDateTime, formatIdentifier } from '../../core/format.js';
import { displayName } from '../../core/session.js';
import { resultArea, segmented } from '../../widgets/filters.js';
import { loader, dataTable, scrollTable } from '../../widgets/data-view.js';

const PER_PAGE = 30;

const KINDS = [
  { value: '', label: 'Все записи' },
  { value: 'login', label: 'Входы' },
  { value: 'grant', label: 'Доступ' },
  { value: 'guess', label: 'Подбор номеров' },
  { value: 'operator', label: 'Решения операторов' },
  { value: 'staff', label: 'Сотрудники' },
];

const GUESSES = {
  account_number: 'номер лицевого счёта',
  ogrn_contract: 'номер договора (по ОГРН)',
  virtual_meter_account: 'номер лицевого счёта при регистрации прибора учёта',
};

const AUDIENCES = { all: 'всем потребителям', accounts: 'по лицевым счетам', contracts: 'по договорам', addresses: 'по адресам' };
const SCOPES = { account: 'лицевой счёт №', contract: 'договор №', point: 'точка учёта' };
const OUTAGE_ACTIONS = {
  outage_publish: 'Опубликовано отключение',
  outage_change: 'Изменено отключение',
  outage_close: 'Закрыто отключение',
  outage_cancel: 'Отменено отключение',
};
const OUTAGE_KINDS = { planned: 'плановое', emergency: 'аварийное' };
const ROLES = { operator: 'оператор', 'tenant-admin': 'администратор', consumer: 'потребитель', 'platform-admin': 'администратор сервера' };

/** «оканчивается на 42». */
function tail(tried) {
  const t = String(tried || '').replace(/^…/, '');
  return t ? `оканчивается на ${t}` : 'не более двух символов';
}

/** What happened, in words. */
function eventText(e) {
  const ok = e.outcome === 'success';
  switch (e.kind) {
    case 'login':
      if (e.outcome === 'refused') return 'Вход отклонён: слишком много неудачных попыток';
      if (e.outcome === 'disabled') return 'Попытка входа в отключённую учётную запись';
      if (e.action === 'second_factor') return ok ? 'Вход с подтверждением' : 'Неверный код подтверждения входа';
      if (ok) return 'Вход';
      return e.actor ? 'Неверный пароль' : 'Вход с неизвестным логином';
    case 'grant':
      return e.action === 'revoke' ? 'Доступ закрыт' : 'Доступ открыт';
    case 'guess': {
      const what = GUESSES[e.action] || 'номер';
      if (e.outcome === 'refused') return `Подбор отклонён: слишком много попыток (${what})`;
      return e.outcome === 'locked' ? `Не найден ${what}; подбор заблокирован` : `Не найден ${what}`;
    }
    case 'staff': {
      if (e.action === 'create') {
        const role = e.details && ROLES[e.details.role];
        return role ? `Создана учётная запись сотрудника (${role})` : 'Создана учётная запись сотрудника';
      }
      if (e.action === 'disable') return 'Сотрудник отключён';
      if (e.action === 'enable') return 'Сотрудник включён';
      if (e.action === 'reset_second_factor') return 'Сброшено подтверждение входа';
      return 'Действие с учётной записью сотрудника';
    }
    case 'operator':
      if (e.action === 'reading_approve') return 'Показания утверждены';
      if (e.action === 'reading_reject') return 'Показания отклонены';
      if (e.action === 'broadcast_send') return 'Отправлена рассылка';
      if (OUTAGE_ACTIONS[e.action]) {
        const kind = e.details && OUTAGE_KINDS[e.details.outage_kind];
        return kind ? `${OUTAGE_ACTIONS[e.action]} (${kind})` : OUTAGE_ACTIONS[e.action];
      }
      if (e.action === 'case_assign') return e.target ? 'Назначен ответственный за обращение' : 'Снят ответственный за обращение';
      return 'Решение оператора';
    default:
      return 'Запись журнала';
  }
}

/** A person: the name and the login beneath it. */
function person(p) {
  const login = formatIdentifier(p.login_field, p.login);
  const name = displayName({ fields: p.fields || {}, login: { value: p.login }, email: p.email });
  if (!name || name === p.login || name === 'Личный кабинет') return h('span', null, login);
  return h('span', null, name, h('br'), h('span', { class: 'muted' }, login));
}

function actorCell(e) {
  if (e.actor) return person(e.actor);
  // Staff accounts made by the server's command line, and an operator's work done there (the demo data's
  // outages): no one acted over HTTP, so there is no client address either.
  if (e.kind === 'staff' || (e.kind === 'operator' && !e.client_address)) return h('span', { class: 'muted' }, 'Командная строка сервера');
  if (e.kind === 'login') return h('span', { class: 'muted' }, e.tried ? `Логин ${tail(e.tried)}` : 'Неизвестный логин');
  return h('span', { class: 'muted' }, 'Учётная запись удалена');
}

/** Whom or what the entry is about. */
function subjectCell(e, tz) {
  const d = e.details || {};
  if (e.kind === 'grant') {
    const what = d.scope ? `${SCOPES[d.scope] || ''} ${d.number || ''}`.trim() : '';
    return h('span', null, e.target ? person(e.target) : h('span', { class: 'muted' }, 'Учётная запись удалена'), what ? h('br') : null, what);
  }
  if (e.kind === 'staff') return e.target ? person(e.target) : h('span', { class: 'muted' }, 'Учётная запись удалена');
  if (e.kind === 'guess') return h('span', null, `Введённый номер ${tail(e.tried)}`);
  if (e.kind === 'operator' && e.action === 'broadcast_send') {
    const n = Number(d.recipients) || 0;
    return h('span', null, d.title ? `«${d.title}»` : 'Рассылка', h('br'),
      h('span', { class: 'muted' }, `${AUDIENCES[d.audience] || 'получатели по списку'}: ${n} ${plural(n, ['потребитель', 'потребителя', 'потребителей'])}`));
  }
  if (e.kind === 'operator' && OUTAGE_ACTIONS[e.action]) {
    return h('span', null, d.address || 'Адрес не указан',
      d.starts_at ? h('span', { class: 'muted' }, h('br'), `начало ${formatDateTime(d.starts_at, tz)}`) : null);
  }
  if (e.kind === 'operator' && e.action === 'case_assign') {
    return h('span', null, d.case ? `Обращение № ${d.case}` : 'Обращение',
      e.target ? h('span', null, h('br'), person(e.target)) : null);
  }
  if (e.kind === 'operator') {
    return h('span', null, e.target ? person(e.target) : null,
      d.meter ? h('span', { class: 'muted' }, e.target ? h('br') : null, `прибор учёта № ${d.meter}`) : null,
      d.reason ? h('span', { class: 'muted' }, h('br'), `причина: ${d.reason}`) : null);
  }
  return h('span', { class: 'muted' }, '—');
}

export function journalSection(panel, ctx) {
  const tz = ctx.tenant.timezone || 'Europe/Moscow';
  const result = resultArea('admin-audit');
  const run = loader({ signal: ctx.signal }, result);
  let kind = '';

  const view = (data) => {
    const entries = Array.isArray(data.entries) ? data.entries : [];
    const total = Number(data.total) || 0;
    const page = Number(data.page) || 1;
    const pages = Math.max(1, Math.ceil(total / (Number(data.per_page) || PER_PAGE)));
    if (!total) {
      return { state: 'empty', nodes: [notice('info', h('strong', { class: 'journal-summary' },
        kind ? 'Записей этого вида в журнале нет.' : 'Журнал пока пуст.'))] };
    }
    const table = dataTable({
      caption: 'Журнал, сначала новые записи',
      className: 'journal-table',
      columns: [{ title: 'Когда' }, { title: 'Событие' }, { title: 'Кто' }, { title: 'Кого или что касается' }, { title: 'Адрес клиента' }],
      rows: entries.map((e) => [
        formatDateTime(e.at, tz),
        eventText(e),
        actorCell(e),
        subjectCell(e, tz),
        e.client_address || h('span', { class: 'muted' }, '—'),
      ]),
      rowAttrs: (_, i) => ({ class: ['journal-row', entries[i].outcome === 'failure' || entries[i].outcome === 'refused' || entries[i].outcome === 'locked' ? 'journal-row--alert' : null],
        dataset: { kind: entries[i].kind, action: entries[i].action, outcome: entries[i].outcome } }),
    });
    const prev = h('button', { type: 'button', class: 'btn btn--secondary btn--small journal-prev', disabled: page <= 1 }, 'Новее');
    const next = h('button', { type: 'button', class: 'btn btn--secondary btn--small journal-next', disabled: page >= pages }, 'Старее');
    prev.addEventListener('click', () => go(page - 1));
    next.addEventListener('click', () => go(page + 1));
    return { state: 'ready', nodes: [
      h('p', { class: 'journal-summary' }, `${total} ${plural(total, ['запись', 'записи', 'записей'])} ${kind ? 'этого вида ' : ''}в журнале.`),
      scrollTable(table, 'Журнал'),
      pages > 1 ? h('nav', { class: 'journal-pages', 'aria-label': 'Страницы журнала' },
        prev, h('span', { class: 'journal-page' }, ` Страница ${page} из ${pages} `), next) : null,
    ] };
  };

  function go(n) {
    const query = { page: String(n), per_page: String(PER_PAGE) };
    if (kind) query.kind = kind;
    return run(() => api.get('admin/audit', { query, signal: ctx.signal }), view);
  }

  const kinds = segmented({ name: 'kind', legend: 'Вид записей', options: KINDS, value: '', onChange: (v) => { kind = v; go(1); } });
  kinds.element.classList.add('journal-kinds');
  mount(panel, h('div', { class: 'admin-journal' },
    h('h2', { class: 'admin-section__title' }, 'Журнал действий'),
    h('p', { class: 'muted' }, 'Входы в кабинет; открытие и закрытие доступа; решения операторов: показания, рассылки, отключения, ответственные за обращения; попытки подбора номеров; действия с учётными записями сотрудников. '
      + 'Из введённых номеров и неизвестных логинов хранятся только два последних символа.'),
    h('div', { class: 'filters journal-filters' }, kinds.element),
    result.element));
  go(1);
}
