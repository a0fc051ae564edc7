// The operator's «Попытки подбора номеров» page, against a real kabinetd (tests/support/with_kabinetd.sh): the
// ВГЭС demo consumer tries two personal account numbers the utility does not have, and a third one as the
// account of a new virtual meter; a tenant administrator opens the page from the operator's overview and
// finds the three tries — newest first, who (name and login, no
// internal id), what (only the last two digits), from which address, when, the outcome — as the API has them.
// Screenshot: operator-audit.vges.01-page.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, withPage, screenshot, baseUrl } from './lib/browser.mjs';
import { waitForPage } from './lib/portal.mjs';
import { demoSkipReason, demoAccount, login } from './lib/meters.mjs';
import { staffSkipReason, createTenantAdmin } from './lib/staff.mjs';

const skip = skipReason() || demoSkipReason() || staffSkipReason() || false;

/**
 * Logs the consumer in over the API and tries personal account numbers — each `[route, body]` — and returns
 * the answers' statuses.
 */
async function tryNumbers(account, tries) {
  const api = `${baseUrl()}/t/${account.tenant}/api/v1`;
  const session = await fetch(`${api}/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ login: account.login, password: account.password }),
  });
  assert.equal(session.status, 200);
  const cookie = session.headers.get('set-cookie').split(';')[0];
  const { csrf } = await session.json();
  const statuses = [];
  for (const [route, body] of tries) {
    const r = await fetch(`${api}/${route}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-CSRF-Token': csrf },
      body: JSON.stringify(body),
    });
    statuses.push(r.status);
  }
  return statuses;
}

test('ВГЭС: оператор видит попытки подбора номеров лицевых счетов', { skip, timeout: 120000 }, async (t) => {
  const consumer = demoAccount('vges');
  const stamp = String(Date.now() % 100);
  const numbers = [`99000${stamp}71`, `99000${stamp}72`, `99000${stamp}73`];
  assert.deepEqual(await tryNumbers(consumer, [
    ['access/accounts', { number: numbers[0] }],
    ['access/accounts', { number: numbers[1] }],
    ['meters/virtual', { address: 'г. Воронеж, ул. Кольцовская, д. 3', account_number: numbers[2], serial: `A-${Date.now()}` }],
  ]), [404, 404, 422]);
  const admin = await createTenantAdmin('vges', { prefix: 'vges-audit' });
  await withPage(t, async (page) => {
    await login(page, admin, { next: 'operator', pageName: 'operator' });
    const card = page.locator('.operator-card[data-route="operator/audit"]');
    assert.match(await card.innerText(), /Попытки подбора номеров/);
    await card.locator('a').click();
    await waitForPage(page, 'operator-audit');
    await page.locator('.page--operator-audit .result[data-state="ready"]').waitFor();
    assert.equal(await page.locator('.subnav__link[aria-current="page"]').innerText(), 'Попытки подбора номеров');
    const answer = await page.evaluate(async () => {
      const r = await fetch('/t/vges/api/v1/operator/audit?per_page=50', { credentials: 'same-origin' });
      return { code: r.status, body: await r.json() };
    });
    assert.equal(answer.code, 200);
    const entries = answer.body.entries;
    assert.equal(await page.locator('tr.audit-entry').count(), Math.min(entries.length, 50));
    assert.match(await page.locator('.audit-summary').innerText(), new RegExp(`^${answer.body.total} запис`));
    // Newest first: the virtual meter's account, then the second try, then the first.
    const rows = page.locator('tr.audit-entry');
    const third = await rows.nth(0).innerText();
    const second = await rows.nth(1).innerText();
    const first = await rows.nth(2).innerText();
    assert.match(third, /оканчивается на 73/);
    assert.match(third, /Номер лицевого счёта \(регистрация прибора учёта\)/);
    assert.match(second, /оканчивается на 72/);
    assert.match(first, /оканчивается на 71/);
    for (const text of [first, second, third]) {
      assert.match(text, /Номер лицевого счёта/);
      assert.match(text, /Номер не найден/);
      assert.match(text, /Петров/); // the consumer's name from the profile
      assert.match(text, new RegExp(consumer.login.replace(/\./g, '\\.')));
      assert.match(text, /\d{2}\.\d{2}\.\d{4}/); // the date
      assert.doesNotMatch(text, /null|undefined/);
    }
    const body = await page.locator('.page--operator-audit').innerText();
    for (const n of numbers) assert.ok(!body.includes(n), `the whole number ${n} is on the page`);
    await screenshot(page, 'operator-audit.vges.01-page');
  }, { artifact: 'operator-audit.vges' });
});
