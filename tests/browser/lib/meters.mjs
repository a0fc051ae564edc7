// Helpers for the metering pages (markup in portal/README.md): the demo
// accounts, logging in as one of them, and going through every tab of a
// metering point checking that it shows data.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { screenshot } from './browser.mjs';
import { portalUrl, control, waitForPage, captureApi } from './portal.mjs';

/** The file `kabinet demo seed` wrote: [{tenant, kind, login, password, description}], or null. */
export const DEMO_ACCOUNTS = process.env.KABINET_DEMO_ACCOUNTS || null;

export function demoSkipReason() {
  if (!DEMO_ACCOUNTS) return 'KABINET_DEMO_ACCOUNTS is not set (the JSON file of demo accounts written by `kabinet demo seed`)';
  return null;
}

/** The demo accounts from the file. */
export function demoAccounts() {
  const list = JSON.parse(readFileSync(DEMO_ACCOUNTS, 'utf8'));
  assert.ok(Array.isArray(list), `${DEMO_ACCOUNTS} does not hold a JSON array`);
  return list;
}

/** The first demo account of a tenant (and applicant kind, if given); fails the test when there is none. */
export function demoAccount(tenant, kind = null) {
  const list = demoAccounts();
  const found = list.find((a) => a && a.tenant === tenant && (!kind || a.kind === kind));
  assert.ok(found, `no demo account of ${tenant}${kind ? `/${kind}` : ''} in ${DEMO_ACCOUNTS}: `
    + JSON.stringify(list.map((a) => `${a.tenant}/${a.kind}`)));
  return found;
}

/**
 * The personal account number a demo account should add: a field of its own
 * (account_number) or the number named in its description («лицевой счёт
 * 330012345678», «л/с 3300-1234»), else the longest run of 6+ digits.
 */
export function accountNumberOf(account) {
  if (account.account_number) return String(account.account_number);
  const text = String(account.description || '');
  const m = /(?:лицев\S*\s+сч[её]т\S*|л\/с)\D{0,12}?(\d[\d\s-]{2,}\d)/i.exec(text);
  if (m) return m[1].replace(/[\s-]/g, '');
  const runs = text.match(/\d{6,}/g);
  return runs ? runs.sort((a, b) => b.length - a.length)[0] : null;
}

/** Logs in through the login page (choosing the applicant kind) and waits for the page after it. */
export async function login(page, account, { next = 'profile', pageName = 'profile' } = {}) {
  await page.goto(portalUrl(account.tenant, `login?next=${encodeURIComponent(next)}${account.kind ? `&kind=${encodeURIComponent(account.kind)}` : ''}`));
  await waitForPage(page, 'login');
  const kindRadio = page.locator(`input[name="kind"][value="${account.kind}"]`);
  if (account.kind && await kindRadio.count()) await kindRadio.check();
  await control(page, 'login').fill(String(account.login));
  await control(page, 'password').fill(String(account.password));
  const answer = await captureApi(page, 'POST', 'session', () => page.locator('form.login-form button[type="submit"]').click());
  assert.equal(answer.status, 200, `login of ${account.tenant}/${account.login} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  assert.ok(!answer.body.second_factor, `the demo account ${account.login} asks for a second factor`);
  await waitForPage(page, pageName);
  await page.locator('.user-menu__logout').waitFor();
}

/** «Выйти» in the header, then the login page. */
export async function logout(page) {
  const out = await captureApi(page, 'DELETE', 'session', () => page.locator('.user-menu__logout').click());
  assert.equal(out.status, 204);
  await waitForPage(page, 'login');
  assert.equal(await page.locator('.user-menu__logout').count(), 0);
}

/** Follows a menu entry (NAV) and waits for its page. */
export async function openFromMenu(page, route, pageName) {
  await page.locator(`.nav a[data-route="${route}"]`).click();
  await waitForPage(page, pageName);
}

/** The ids of the points on the points page: those with readings first, smart meters first among equals. */
export async function pointIds(page) {
  await page.locator('.point-card').first().waitFor();
  return page.locator('.point-card').evaluateAll((cards) => cards
    .map((c) => ({ id: c.dataset.point, smart: Boolean(c.querySelector('.badge--smart')), data: Boolean(c.querySelector('.point-latest dd')) }))
    // Points with readings first (a meter linked for polling a moment ago has none yet), smart ones first among them.
    .sort((a, b) => Number(b.data) - Number(a.data) || Number(b.smart) - Number(a.smart))
    .map((c) => c.id));
}

/** The tabs the point page offers, in order. */
export async function tabIds(page) {
  await page.locator('.page--point [role="tab"]').first().waitFor();
  return page.locator('.page--point [role="tab"]').evaluateAll((tabs) => tabs.map((t) => t.dataset.tab));
}

/** Waits until the panel of a tab has a result that is no longer loading; returns its state. */
async function panelState(page, tab) {
  const panel = page.locator(`[role="tabpanel"][data-tab="${tab}"]`);
  await panel.waitFor({ state: 'visible' });
  await page.waitForFunction((id) => {
    const p = document.querySelector(`[role="tabpanel"][data-tab="${id}"] .result`);
    return p && !['idle', 'loading'].includes(p.dataset.state);
  }, tab, { timeout: 20000 });
  return panel.locator('.result').first().getAttribute('data-state');
}

async function count(page, tab, selector) {
  return page.locator(`[role="tabpanel"][data-tab="${tab}"] ${selector}`).count();
}

async function expectRows(page, tab, tableClass, what) {
  const n = await count(page, tab, `table.${tableClass} tbody tr`);
  assert.ok(n > 0, `«${what}»: no rows in table.${tableClass}`);
  return n;
}

async function expectChart(page, tab, selector, what) {
  const n = await count(page, tab, `svg ${selector}`);
  assert.ok(n > 0, `«${what}»: the chart has no ${selector}`);
  return n;
}

/** Checks of each tab: it shows real data (rows in its table, marks in its chart). */
const TAB_CHECKS = {
  async general(page) {
    const filled = await count(page, 'general', '.info-list dd:not(.is-empty)');
    assert.ok(filled >= 5, `«Общая информация»: only ${filled} fields have values`);
  },
  async readings(page) {
    await expectRows(page, 'readings', 'readings-table', 'Показания');
    await expectChart(page, 'readings', 'rect.chart__bar', 'Показания');
  },
  async profile(page, tab, state) {
    if (state === 'empty') {
      // Nothing on the default day: a week.
      await page.locator('[data-tab="profile"] .filters__preset', { hasText: '7 дней' }).click();
      state = await panelState(page, tab);
    }
    assert.equal(state, 'ready', '«Профиль мощности»: no profile in a week');
    await expectRows(page, 'profile', 'profile-table', 'Профиль мощности');
    await expectChart(page, 'profile', 'path.chart__line', 'Профиль мощности');
  },
  async events(page, tab, state) {
    if (state === 'empty') {
      // Nothing in the last 30 days: a year back.
      await page.locator('[data-tab="events"] .filters__preset', { hasText: 'Год' }).click();
      state = await panelState(page, tab);
    }
    assert.equal(state, 'ready', '«Журнал событий»: no events in a year');
    await expectRows(page, 'events', 'events-table', 'Журнал событий');
    await expectChart(page, 'events', 'rect.chart__bar', 'Журнал событий: статистика');
  },
  async network(page) {
    await expectRows(page, 'network', 'network-table', 'Параметры сети');
    await expectChart(page, 'network', 'line.phasor__shaft', 'Параметры сети: векторная диаграмма');
    await expectChart(page, 'network', 'rect.chart__bar', 'Параметры сети: мощность по фазам');
  },
  async transformers(page) {
    await expectRows(page, 'transformers', 'transformers-table', 'Трансформаторы');
  },
  async history(page) {
    await expectRows(page, 'history', 'history-table', 'История');
    await expectChart(page, 'history', 'rect.chart__bar', 'История');
  },
  // «Ручной ввод» / «Передать показания»: the form (a field per tariff zone) and the submissions, if any.
  async manual(page, tab, state) {
    assert.ok(['ready', 'empty'].includes(state), `«Ручной ввод»: the list of submissions is ${state}`);
    assert.ok(await count(page, 'manual', 'form.manual-form input[name="t1"]') === 1, '«Ручной ввод»: no field for Т1');
    assert.ok(await count(page, 'manual', 'form.manual-form input[name="date"]') === 1, '«Ручной ввод»: no date field');
    if (state === 'ready') await expectRows(page, 'manual', 'manual-table', 'Ручной ввод');
  },
};

/**
 * Opens every tab of the point on screen, checks it and leaves a screenshot
 * <prefix>.<NN>-tab-<id>.png; returns the ids visited.
 */
export async function visitTabs(page, prefix, firstStep = 1) {
  const tabs = await tabIds(page);
  let step = firstStep;
  for (const tab of tabs) {
    await page.locator(`.page--point [role="tab"][data-tab="${tab}"]`).click();
    assert.equal(await page.locator(`[role="tab"][data-tab="${tab}"]`).getAttribute('aria-selected'), 'true');
    const state = await panelState(page, tab);
    assert.notEqual(state, 'error', `tab ${tab}: ${await page.locator(`[data-tab="${tab}"] .result`).first().innerText()}`);
    if (TAB_CHECKS[tab]) {
      await TAB_CHECKS[tab](page, tab, state);
    } else {
      assert.equal(state, 'ready', `tab ${tab} shows no data`);
    }
    assert.equal(new URL(page.url()).searchParams.get('tab') || 'general', tab, 'the address does not keep the tab');
    await screenshot(page, `${prefix}.${String(step).padStart(2, '0')}-tab-${tab}`);
    step += 1;
  }
  return tabs;
}

/**
 * Opens the points one by one and stays on the one whose page has the most
 * tabs (a smart meter with transformers covers every tab); returns its id
 * and tabs.
 */
export async function openRichestPoint(page, tenant, ids, { tries = 4 } = {}) {
  let best = null;
  for (const id of ids.slice(0, tries)) {
    await page.goto(portalUrl(tenant, `points/${encodeURIComponent(id)}`));
    await waitForPage(page, 'point');
    const tabs = await tabIds(page);
    if (!best || tabs.length > best.tabs.length) best = { id, tabs };
    if (tabs.includes('transformers') && tabs.includes('network')) break;
  }
  if (new URL(page.url()).pathname.split('/').pop() !== encodeURIComponent(best.id)) {
    await page.goto(portalUrl(tenant, `points/${encodeURIComponent(best.id)}`));
    await waitForPage(page, 'point');
  }
  return best;
}
