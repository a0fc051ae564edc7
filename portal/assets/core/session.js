// Who is logged in. The session itself is an HttpOnly cookie the page never
// sees; what the page knows is the user from the last session answer
// (POST session, POST session/second-factor, GET me) and its CSRF token,
// both kept in memory only. After a reload GET me asks again.

import { api, ApiError, setCsrfToken } from './api.js';
import { formatIdentifier } from './format.js';

let user = null;
let known = false;        // true once the server said who (or that nobody) is logged in
let loading = null;
const listeners = new Set();

function emit() {
  for (const fn of listeners) {
    try { fn(user); } catch (err) { console.error(err); }
  }
}

/** The logged-in user ({id, kind, role, state, login, fields, email, phone, ...}) or null. */
export function currentUser() {
  return user;
}

/** Roles of the utility's staff: they see the «Оператор» section (queue of manual readings, consumers' access). */
export const STAFF_ROLES = ['operator', 'tenant-admin'];

/** True for an operator or a tenant administrator. */
export function isStaff(u) {
  return Boolean(u && STAFF_ROLES.includes(u.role));
}

/** Calls fn(user) whenever someone logs in or out; returns a function that stops it. */
export function onSessionChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Takes the answer of POST session / session/second-factor / GET me / PATCH me: {user, csrf}. */
export function setSession(answer) {
  user = answer && answer.user ? answer.user : null;
  known = true;
  if (answer && answer.csrf) setCsrfToken(answer.csrf);
  emit();
}

/** Forgets the user (after logout, or when the server says the session is over). */
export function clearSession() {
  user = null;
  known = true;
  setCsrfToken(null);
  emit();
}

/**
 * Asks GET me once per page load (or again with force) and resolves with the user or null.
 * A 401 means "nobody is logged in"; other failures reject.
 */
export function loadSession({ force = false, signal } = {}) {
  if (known && !force) return Promise.resolve(user);
  if (loading && !force) return loading;
  const p = api.get('me', { signal, session: false }).then(
    (answer) => { setSession(answer); return user; },
    (err) => {
      if (err instanceof ApiError && err.isSessionEnd) {
        clearSession();
        return null;
      }
      throw err;
    },
  );
  loading = p;
  p.finally(() => { if (loading === p) loading = null; }).catch(() => {});
  return p;
}

/** DELETE session; the user is forgotten even if the server already ended it. */
export async function logout() {
  try {
    await api.del('session', { session: false });
  } catch (err) {
    if (!(err instanceof ApiError) || (!err.isSessionEnd && err.status !== 403)) throw err;
  }
  clearSession();
}

/** What the login page says to a person whose session ended while a page was open. */
export const SESSION_ENDED_TEXT = 'Сессия завершена. Войдите снова, чтобы продолжить.';

/**
 * The session ended on the server (expired, logged out in another tab) while someone was logged in here: forgets
 * the user and sends the person to the login page with SESSION_ENDED_TEXT, coming back to this page afterwards.
 * The API client calls it (through app.js) for every call answered so; it acts once, since the user is gone
 * after the first call. Returns true when it sent the person away.
 * @param {{path: string, navigate: Function}} router
 */
export function sessionEnded(router) {
  if (!user) return false;
  clearSession();
  setFlash('info', SESSION_ENDED_TEXT);
  router.navigate(`login?next=${encodeURIComponent(router.path + location.search)}`, { replace: true });
  return true;
}

/** «Иванов Иван Иванович» → «Иванов И. И.»; anything else stays as it is. */
function shortPersonName(full) {
  const words = full.trim().split(/\s+/);
  if (words.length < 2 || words.length > 3 || !words.every((w) => /^[\p{L}-]+$/u.test(w))) return full.trim();
  return `${words[0]} ${words.slice(1).map((w) => `${w[0].toUpperCase()}.`).join(' ')}`;
}

/**
 * The name to show in the header and greetings: the server's display_name (ФИО or organisation, else the
 * e-mail), a person's name shortened to surname and initials. Without one (a user object of another
 * answer) the same from the profile values, then the e-mail, then the login identifier formatted
 * (СНИЛС «118-452-306 44», phone «+7 (916) 123-45-67») — never raw digits.
 */
export function displayName(u) {
  if (!u) return '';
  const f = u.fields || {};
  const text = (v) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
  const orgs = [f.org_short_name, f.organization, f.org_name, f.org_full_name].map(text).filter(Boolean);
  const given = text(u.display_name);
  if (given) return orgs.includes(given) || given.includes('@') ? given : shortPersonName(given);
  const parts = [f.surname, f.name, f.patronymic].map(text).filter(Boolean);
  const person = text(f.full_name) || text(f.fio) || (text(f.surname) && parts.length >= 2 ? parts.join(' ') : null);
  if (person) return shortPersonName(person);
  if (orgs.length) return orgs[0];
  if (text(u.email)) return text(u.email);
  const login = u.login && text(u.login.value);
  if (login) return formatIdentifier(u.login.type || u.login.field, login);
  return 'Личный кабинет';
}

// ---------------------------------------------------------------------------
// Between pages, in memory only.

let pendingLogin = null;

/**
 * A login waiting for its second factor: {challenge, method, next, resend()}.
 * resend() logs in again with the same credentials (a new SMS code); the
 * credentials stay inside that closure and vanish with the page.
 */
export function setPendingLogin(p) {
  pendingLogin = p;
}

export function getPendingLogin() {
  return pendingLogin;
}

let flash = null;

/** A message for the next page (e.g. «Вы вышли из личного кабинета»): {kind, text}. */
export function setFlash(kind, text) {
  flash = { kind, text };
}

/** Returns the waiting message once, or null. */
export function takeFlash() {
  const f = flash;
  flash = null;
  return f;
}

/** Where a login lands when "?next=" names no page: the home page. */
export const DEFAULT_NEXT = '';

/**
 * The page to go to after login, from "?next=": a route of this portal only
 * ("profile", "meters/5?x=1"), never an address elsewhere; without one the home page (DEFAULT_NEXT).
 */
export function safeNext(value, fallback = DEFAULT_NEXT) {
  if (typeof value !== 'string' || value === '') return fallback;
  if (!/^[A-Za-z0-9][A-Za-z0-9/_.~%-]*(\?[^#\s]*)?$/.test(value) || value.includes('//') || value.includes('..')) return fallback;
  if (/^(login|register)(\/|\?|$)/.test(value)) return fallback;
  return value;
}

/**
 * A route of the login's steps carrying the page to go to afterwards: «login/second-factor?next=meters»,
 * and no "?next=" at all when that page is the default landing.
 */
export function withNext(route, next) {
  return next && next !== DEFAULT_NEXT ? `${route}?next=${encodeURIComponent(next)}` : route;
}
