// «Попытки подбора номеров» (operator, tenant administrator): the audit log of personal account and
// contract numbers consumers tried and the utility does not have, and of tries refused because there were
// too many — who, what (only the last two characters), from which address, when, with what outcome.
// Newest first, a page at a time.
//   GET operator/audit?page=&per_page= → {entries: [{at, action, tried, client_address, outcome,
//     user: {login, login_field, email, fields} | null}], page, per_page, total}
//
// Markup: .audit-summary, table.audit-log with tr.audit-entry[data-outcome="miss|locked|refused"],
// nav.audit-pages with button.audit-prev / button.audit-next and .audit-page.

import { api } from '../core/api.js';
import { h, plural } from '../core/ui.js';
import { resultArea } from '../widgets/filters.js';
import { formatDateTime, formatIdentifier } from '../core/format.js';
import { displayName } from '../core/session.js';
import { operatorNav, staffGate, staffOnly, isDenied } from '../widgets/staff.js';
import { loader, scrollTable, dataTable } from '../widgets/data-view.js';

export const title = 'Попытки подбора номеров';

const PER_PAGE = 50;

const ACTIONS = {
  account_number: 'Номер лицевого счёта',
  ogrn_contract: 'Номер договора (по ОГРН)',
  virtual_meter_account: 'Номер лицевого счёта (регистрация прибора учёта)',
};

const OUTCOMES = {
  miss: 'Номер не найден',
  locked: 'Номер не найден; подбор заблокирован',
  refused: 'Отклонено: слишком много попыток',
};

/** «Иванов И. И.» and the formatted login beneath, or «Учётная запись удалена». */
function who(user) {
  if (!user) return h('span', { class: 'muted' }, 'Учётная запись удалена');
  const login = formatIdentifier(user.login_field, user.login);
  const name = displayName({ fields: user.fields || {}, login: { value: user.login }, email: user.email });
  if (!name || name === user.login || name === 'Личный кабинет') return login;
  return h('span', null, name, h('br'), h('span', { class: 'muted' }, login));
}

/** «оканчивается на 42». */
function tried(text) {
  const tail = String(text || '').replace(/^…/, '');
  return tail ? `оканчивается на ${tail}` : 'не более двух символов';
}

function view(data, tz, go) {
  const entries = Array.isArray(data.entries) ? data.entries : [];
  const total = Number(data.total) || 0;
  const page = Number(data.page) || 1;
  const pages = Math.max(1, Math.ceil(total / (Number(data.per_page) || PER_PAGE)));
  if (!total) {
    return { state: 'empty', nodes: [h('p', { class: 'lead audit-summary' }, 'Неудачных попыток подбора номеров не было.')] };
  }
  const table = dataTable({
    caption: 'Попытки подбора, сначала новые',
    className: 'audit-log',
    columns: [{ title: 'Когда' }, { title: 'Кто' }, { title: 'Что вводили' }, { title: 'Адрес клиента' }, { title: 'Итог' }],
    rows: entries.map((e) => [
      formatDateTime(e.at, tz),
      who(e.user),
      h('span', null, ACTIONS[e.action] || 'Номер', h('br'), h('span', { class: 'muted' }, tried(e.tried))),
      e.client_address,
      OUTCOMES[e.outcome] || 'Отклонено',
    ]),
    rowAttrs: (_, i) => ({ class: 'audit-entry', dataset: { outcome: entries[i].outcome } }),
  });
  const prev = h('button', { type: 'button', class: 'btn btn--secondary btn--small audit-prev', disabled: page <= 1 }, 'Новее');
  const next = h('button', { type: 'button', class: 'btn btn--secondary btn--small audit-next', disabled: page >= pages }, 'Старее');
  prev.addEventListener('click', () => go(page - 1));
  next.addEventListener('click', () => go(page + 1));
  return { state: 'ready', nodes: [
    h('p', { class: 'lead audit-summary' }, `${total} ${plural(total, ['запись', 'записи', 'записей'])} в журнале.`),
    scrollTable(table, 'Попытки подбора номеров'),
    pages > 1
      ? h('nav', { class: 'audit-pages', 'aria-label': 'Страницы журнала' },
        prev, h('span', { class: 'audit-page' }, ` Страница ${page} из ${pages} `), next)
      : null,
  ] };
}

export async function render(ctx) {
  const gate = staffGate(ctx, title);
  if (gate) return gate;
  const tz = ctx.tenant.timezone || 'Europe/Moscow';
  const result = resultArea('operator-audit');
  const page = h('section', { class: 'page page--operator-audit' },
    h('h1', { class: 'page__title' }, title),
    operatorNav(ctx, 'operator/audit'),
    h('p', null, 'Номера лицевых счетов и договоров, которые потребители вводили и которых нет в данных сетевой организации, ',
      'и попытки, отклонённые из-за слишком частого подбора. Из введённого номера хранятся только два последних символа.'),
    result.element);
  let denied = null;
  const run = loader({ ctx, signal: ctx.signal }, result);
  const go = (n) => run(async () => {
    try {
      return await api.get('operator/audit', { query: { page: String(n), per_page: String(PER_PAGE) }, signal: ctx.signal });
    } catch (err) {
      if (isDenied(err)) denied = err;
      throw err;
    }
  }, (data) => view(data, tz, go));
  await go(1);
  if (denied) return staffOnly(title, denied);
  return page;
}
