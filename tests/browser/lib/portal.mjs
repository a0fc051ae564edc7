// Helpers for driving the portal's pages (markup described in portal/README.md).

import { baseUrl } from './browser.mjs';
import { MAIL_DIR } from './mail.mjs';
import { SMS_URL } from './sms.mjs';

/** A skip reason when mail (and, with sms, the SMS simulator) cannot be read here, or null. */
export function deliverySkipReason({ sms = false } = {}) {
  if (!MAIL_DIR) return 'KABINET_MAIL_DIR is not set (the directory the test SMTP server writes <n>.eml into)';
  if (sms && !SMS_URL) return 'KABINET_SMS_URL is not set (the SMS gateway simulator)';
  return null;
}

/** The absolute address of a portal page of a tenant: portalUrl('voek', 'login'). */
export function portalUrl(tenant, route = '') {
  return `${baseUrl()}/t/${tenant}/${route}`;
}

/**
 * A link from a mail, pointed at the server under test: the server may put
 * its public address into the mail, the tests reach it at KABINET_URL.
 */
export function localLink(link) {
  const url = new URL(link);
  return `${baseUrl()}${url.pathname}${url.search}`;
}

/** The control of a form field by name, inside its [data-field] wrapper (optionally within a scope selector). */
export function control(page, name, scope = '') {
  return page.locator(`${scope} [data-field="${name}"] :is(input, select, textarea)[name="${name}"]`.trim());
}

/** Ticks every consent checkbox of the form (the tenant decides which are required). */
export async function acceptConsents(page) {
  const boxes = page.locator('.consents input[type="checkbox"]');
  const n = await boxes.count();
  for (let i = 0; i < n; i += 1) await boxes.nth(i).check();
}

/** Waits until the router has put the named page on screen (document.body.dataset.page). */
export async function waitForPage(page, name) {
  await page.waitForFunction((want) => document.body.dataset.page === want, name);
}

/** A predicate for page.waitForResponse: an API call of this method whose path ends with suffix. */
export function apiCall(method, suffix) {
  return (response) => response.request().method() === method
    && new URL(response.url()).pathname.replace(/\/+$/, '').endsWith(`/api/v1/${suffix}`);
}

/** Clicks (or runs action) and returns {status, body, request, headers} of the API call it makes. */
export async function captureApi(page, method, suffix, action) {
  const [response] = await Promise.all([
    page.waitForResponse(apiCall(method, suffix)),
    action(),
  ]);
  let body = null;
  try { body = await response.json(); } catch { body = null; }
  const raw = response.request().postData();
  let request = null;
  try { request = raw ? JSON.parse(raw) : null; } catch { request = raw; }
  return { status: response.status(), body, request, headers: await response.request().allHeaders() };
}

/** The trimmed text of the first element matching selector, once it is on screen. */
export async function textOf(page, selector) {
  const el = page.locator(selector).first();
  await el.waitFor();
  return (await el.textContent()).trim();
}

/** A unique e-mail address for one test run. */
export function uniqueEmail(prefix) {
  return `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.ru`;
}

/** A GET of the tenant's API with the browser's session cookie: {status, body}. */
export async function apiGet(page, tenant, apiPath) {
  const response = await page.request.get(`${baseUrl()}/t/${tenant}/api/v1/${apiPath.replace(/^\/+/, '')}`);
  let body = null;
  try { body = await response.json(); } catch { body = null; }
  return { status: response.status(), body };
}

/** A date "YYYY-MM-DD" in a time zone, days after (before, when negative) today. */
export function isoDay(days = 0, timeZone = 'Europe/Moscow') {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** A number as the portal writes it: 5 051,398 (the spaces between groups as plain spaces). */
export function ruNumber(v, digits = 3) {
  return new Intl.NumberFormat('ru-RU', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    .format(v).replace(/[\u00a0\u202f]/g, ' ');
}

/** Text with no-break spaces turned into plain ones (for comparing numbers). */
export function plainSpaces(text) {
  return String(text).replace(/[\u00a0\u202f]/g, ' ');
}
