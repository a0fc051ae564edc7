// The operator's «Опрос приборов учёта» page, against a real kabinetd (tests/support/with_kabinetd.sh): a
// tenant administrator of ООО «СИГМА» opens it from the operator's overview and sees what the API answers —
// one row per polled meter (state ok / error / waiting) or that no meter is polled — and the notifications.
// Screenshot: operator-polling.sigma.01-page.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, withPage, screenshot } from './lib/browser.mjs';
import { waitForPage } from './lib/portal.mjs';
import { demoSkipReason, login } from './lib/meters.mjs';
import { staffSkipReason, createTenantAdmin } from './lib/staff.mjs';

const skip = skipReason() || demoSkipReason() || staffSkipReason() || false;

test('СИГМА: оператор открывает «Опрос приборов учёта» и видит то же, что отвечает API', { skip, timeout: 120000 }, async (t) => {
  const admin = await createTenantAdmin('sigma', { prefix: 'sigma-polling' });
  await withPage(t, async (page) => {
    await login(page, admin, { next: 'operator', pageName: 'operator' });
    const card = page.locator('.operator-card[data-route="operator/polling"]');
    assert.match(await card.innerText(), /Опрос приборов учёта/);
    await card.locator('a').click();
    await waitForPage(page, 'operator-polling');
    await page.locator('.page--operator-polling .result[data-state="ready"]').waitFor();
    const status = await page.evaluate(async () => {
      const r = await fetch('/t/sigma/api/v1/operator/polling', { credentials: 'same-origin' });
      return { code: r.status, body: await r.json() };
    });
    assert.equal(status.code, 200);
    const meters = status.body.meters || [];
    assert.equal(await page.locator('tr.polling-meter').count(), meters.length);
    const summary = await page.locator('.polling-summary').innerText();
    if (meters.length) assert.match(summary, /на опросе/);
    else assert.match(summary, /Ни один прибор учёта не поставлен на опрос/);
    assert.equal(await page.locator('.polling-notification').count(), (status.body.notifications || []).length);
    assert.equal(await page.locator('.subnav__link[aria-current="page"]').innerText(), 'Опрос приборов учёта');
    await screenshot(page, 'operator-polling.sigma.01-page');
  }, { artifact: 'operator-polling.sigma' });
});
