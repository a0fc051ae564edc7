// The person's notifications (no DOM): the unread count every part of the portal shows (the bell, the
// notifications page, the home card) kept in one place, reading them, what they are about.
//   GET  {api}/notifications?unread=1&limit&before → {rows: [{id, kind, category, title, body, created_at, read_at,
//        refs: [{type, id, label}]}], unread: N}
//   POST {api}/notifications/<id>/read;  POST {api}/notifications/read-all
//   GET  {api}/notification-kinds → {categories: [{id, label, default}], channels: [{id, label}], kinds: [...]}

import { api, cached } from './api.js';
import { plural } from './ui.js';
import { currentUser } from './session.js';

let unread = null; // null: not known (a visitor, or not asked yet)
const listeners = new Set();

/** The unread count last known, or null. */
export function unreadCount() {
  return unread;
}

/** Calls fn(count) whenever the unread count changes; returns a function that stops it. */
export function onUnreadChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Sets the unread count (a number ≥ 0, or null when nobody is logged in) and tells the listeners. */
export function setUnreadCount(n) {
  const next = Number.isFinite(n) && n >= 0 ? Math.floor(n) : null;
  if (next === unread) return;
  unread = next;
  for (const fn of listeners) fn(unread);
}

/**
 * Asks the server for the unread count (the cheapest call: one row) and returns it, without remembering it.
 * Errors are the caller's; a call made by the header in the background passes `session: false`, so that a
 * session that ended is noticed by the page.
 */
export async function fetchUnreadCount({ signal, session = true } = {}) {
  const answer = await api.get('notifications', { query: { unread: 1, limit: 1 }, signal, session });
  return Number(answer && answer.unread);
}

/** A page of notifications: {rows, unread}; the unread count is remembered. */
export async function listNotifications({ unreadOnly = false, limit = 20, before = null, signal } = {}) {
  const query = { limit };
  if (unreadOnly) query.unread = 1;
  if (before !== null && before !== undefined && before !== '') query.before = before;
  const answer = await api.get('notifications', { query, signal });
  const rows = Array.isArray(answer && answer.rows) ? answer.rows : [];
  setUnreadCount(Number(answer && answer.unread));
  return { rows, unread: unread ?? 0 };
}

/** The unread count an answer gives ({unread: N}), else `fallback`. */
function countIn(answer, fallback) {
  const n = answer && typeof answer === 'object' ? Number(answer.unread) : NaN;
  return Number.isFinite(n) ? n : fallback;
}

/** Marks one notification read → {id, read_at, unread}; the count is the server's. */
export async function markRead(row, { signal } = {}) {
  const answer = await api.post(`notifications/${encodeURIComponent(row.id)}/read`, {}, { signal });
  const wasUnread = !row.read_at;
  row.read_at = (answer && answer.read_at) || row.read_at || Math.floor(Date.now() / 1000);
  setUnreadCount(countIn(answer, wasUnread && unread ? unread - 1 : unread));
}

/** Marks every notification read → {read, unread}. */
export async function markAllRead({ signal } = {}) {
  const answer = await api.post('notifications/read-all', {}, { signal });
  setUnreadCount(countIn(answer, 0));
}

/**
 * The tenant's kinds, categories and channels of notifications offered to the person logged in (asked once a
 * page load and person: staff are offered categories consumers are not).
 */
export function notificationKinds() {
  const user = currentUser();
  return cached(`notification-kinds:${user ? user.id : ''}`, () => api.get('notification-kinds'));
}

/** «3 непрочитанных уведомления», «1 непрочитанное уведомление», «Непрочитанных уведомлений нет». */
export function unreadText(n) {
  if (!n) return 'Непрочитанных уведомлений нет';
  return `${n} ${plural(n, ['непрочитанное', 'непрочитанных', 'непрочитанных'])} ${plural(n, ['уведомление', 'уведомления', 'уведомлений'])}`;
}

/** A moment of the API (Unix seconds, or an ISO 8601 string) as Unix seconds, or null. */
export function momentOf(v) {
  if (typeof v === 'number' && Number.isFinite(v)) return v > 1e11 ? Math.floor(v / 1000) : v;
  if (typeof v === 'string' && v.trim() !== '') {
    if (/^\d+$/.test(v.trim())) return momentOf(Number(v.trim()));
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
  }
  return null;
}

/** The route of the portal page of a ref ({type, id}), or null where the portal has none. */
export function refRoute(ref) {
  if (!ref || ref.id === undefined || ref.id === null || ref.id === '') return null;
  switch (ref.type) {
    case 'point': return `points/${encodeURIComponent(ref.id)}`;
    case 'contract':
    case 'account': return 'access';
    case 'archive': return 'archive';
    case 'outage': return 'outages'; // «Статистика отключений»: the consumer's own addresses by default
    case 'case': return `cases/${encodeURIComponent(ref.id)}`; // staff are taken on to the operator's case page
    default: return null;
  }
}

/** The words before a ref's label: «Точка учёта», «Договор» … (null: the label says it itself). */
export const REF_NAMES = {
  point: 'Точка учёта',
  contract: 'Договор',
  account: 'Лицевой счёт',
  meter: 'Прибор учёта',
  outage: 'Отключение',
  archive: 'Архив данных',
  case: 'Обращение',
};

/**
 * What unread notifications are about: {contracts, accounts, points} (sets of ids), from the unread rows' refs.
 * A contract is marked by its own ref and by a ref to one of its points (`pointContract`: point id → contract id).
 */
export async function unreadRefs({ signal } = {}) {
  const answer = await api.get('notifications', { query: { unread: 1, limit: 100 }, signal });
  const rows = Array.isArray(answer && answer.rows) ? answer.rows : [];
  setUnreadCount(Number(answer && answer.unread));
  const out = { contracts: new Set(), accounts: new Set(), points: new Set() };
  for (const row of rows) {
    for (const ref of Array.isArray(row.refs) ? row.refs : []) {
      if (!ref || ref.id === undefined || ref.id === null) continue;
      if (ref.type === 'contract') out.contracts.add(String(ref.id));
      else if (ref.type === 'account') out.accounts.add(String(ref.id));
      else if (ref.type === 'point') out.points.add(String(ref.id));
    }
  }
  return out;
}

/**
 * True when something unread is about the contract ({id, number} of GET access): a ref to it, or a ref to one of
 * `points` (GET points, whose `contract` is the contract's number).
 */
export function contractUnread(marks, contract, points = []) {
  if (!marks || !contract) return false;
  if (contract.id !== undefined && contract.id !== null && marks.contracts.has(String(contract.id))) return true;
  const number = contract.number === undefined || contract.number === null ? null : String(contract.number);
  return number !== null && points.some((p) => p && String(p.contract ?? '') === number && marks.points.has(String(p.id)));
}
