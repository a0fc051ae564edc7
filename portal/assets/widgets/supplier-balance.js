// «Информация по текущему балансу» (ОЭС 360, seed 004 §3.1 item 5): per contract linked through the
// supplier's login, the balance as the supplier last reported it (a debt or an overpayment) and the latest
// charges and payments. Rows are the answer of GET supplier/balances:
//   {items: [{contract_id, number, title, supplier_name, balance|null, as_of|null, synced_at|null,
//             charges: [{id, date, period, amount, text}], payments: [{id, date, amount, agent}]}]}

import { h, notice } from '../core/ui.js';
import { formatDateTime, formatIsoDate, formatMonth, formatNumber, isNum } from '../core/format.js';

const SHOWN = 3;

/** «1 234,56 ₽». */
export function rubles(v) {
  return `${formatNumber(Math.abs(v), { fixed: 2 })}\u00a0₽`;
}

/** The balance in words: «Задолженность 1 234,56 ₽», «Переплата 10,00 ₽», «Задолженности нет». */
export function balanceText(v) {
  if (!isNum(v)) return 'Баланс ещё не получен от поставщика';
  if (v < 0) return `Задолженность ${rubles(v)}`;
  if (v > 0) return `Переплата ${rubles(v)}`;
  return 'Задолженности нет';
}

function entries(titleText, rows, line) {
  if (!rows.length) return null;
  return h('div', { class: 'supplier-balance__list' },
    h('h4', { class: 'supplier-balance__subtitle' }, titleText),
    h('ul', { class: 'dashboard-list' }, rows.slice(0, SHOWN).map((e) => h('li', { class: 'dashboard-list__item', dataset: { id: e.id } }, line(e)))));
}

/** One contract's balance block. */
export function contractBalance(item, tz) {
  const charges = Array.isArray(item.charges) ? item.charges : [];
  const payments = Array.isArray(item.payments) ? item.payments : [];
  const value = isNum(item.balance) ? item.balance : null;
  return h('div', { class: 'supplier-balance', dataset: { contract: item.number } },
    h('h3', { class: 'supplier-balance__title' }, item.title || `Договор № ${item.number}`,
      item.title && item.title !== item.number ? h('span', { class: 'muted' }, ` · № ${item.number}`) : null),
    h('p', { class: `supplier-balance__value${value !== null && value < 0 ? ' supplier-balance__value--debt' : ''}` }, balanceText(value)),
    item.as_of ? h('p', { class: 'muted supplier-balance__as-of' }, `по данным ${item.supplier_name || 'поставщика'} на ${formatDateTime(item.as_of, tz)}`) : null,
    entries('Начисления', charges, (e) => [
      h('span', { class: 'dashboard-list__main' }, e.period ? formatMonth(e.period) : formatIsoDate(e.date)),
      h('span', { class: 'dashboard-list__sub' }, rubles(e.amount))]),
    entries('Оплаты', payments, (e) => [
      h('span', { class: 'dashboard-list__main' }, formatIsoDate(e.date)),
      h('span', { class: 'dashboard-list__sub' }, rubles(e.amount))]));
}

/** The home page card; `answer` is a settled GET supplier/balances. No card without a contract whose supplier
 *  account the portal reads (nothing to show, and no page to lead to). */
export function balanceCard(card, answer, tz) {
  const name = 'Информация по текущему балансу';
  if (answer.status === 'rejected') {
    return card('balance', name, notice('error', `Не удалось загрузить баланс: ${answer.reason && answer.reason.message ? answer.reason.message : 'ошибка сети'}`));
  }
  const items = Array.isArray(answer.value && answer.value.items) ? answer.value.items : [];
  if (!items.length) return null;
  return card('balance', name, items.map((i) => contractBalance(i, tz)));
}
