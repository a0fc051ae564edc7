// The operator's «Обмен данными» page, against a real kabinetd (tests/support/with_kabinetd.sh): a tenant
// administrator of ООО «СИГМА» opens it from the operator's overview and sees what the API answers — one
// section per declared connector with its state and one row per sync job, or that no exchange is set up —
// and the sub-navigation marks the page. Screenshot: operator-connectors.sigma.01-page.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, withPage, screenshot } from './lib/browser.mjs';
import { waitForPage } from './lib/portal.mjs';
import { demoSkipReason, login } from './lib/meters.mjs';
import { staffSkipReason, createTenantAdmin } from './lib/staff.mjs';

const skip = skipReason() || demoSkipReason() || staffSkipReason() || false;

test('СИГМА: оператор открывает «Обмен данными» и видит то же, что отвечает API', { skip, timeout: 120000 }, async (t) => {
  const admin = await createTenantAdmin('sigma', { prefix: 'sigma-connectors' });
  await withPage(t, async (page) => {
    await login(page, admin, { next: 'operator', pageName: 'operator' });
    const card = page.locator('.operator-card[data-route="operator/connectors"]');
    assert.match(await card.innerText(), /Обмен данными/);
    await card.locator('a').click();
    await waitForPage(page, 'operator-connectors');
    await page.locator('.page--operator-connectors .result[data-state="ready"], .page--operator-connectors .result[data-state="empty"]').first().waitFor();
    const status = await page.evaluate(async () => {
      const r = await fetch('/t/sigma/api/v1/operator/connectors', { credentials: 'same-origin' });
      return { code: r.status, body: await r.json() };
    });
    assert.equal(status.code, 200);
    const items = status.body.items || [];
    assert.equal(await page.locator('section.connector').count(), items.length);
    if (!items.length) {
      assert.match(await page.locator('.connectors-empty').innerText(), /Обмен данными с внешними системами не настроен/);
    }
    for (const c of items) {
      const section = page.locator(`section.connector[data-connector="${c.id}"]`);
      assert.match(await section.locator('.connector__title').innerText(), new RegExp(c.label.replace(/[()]/g, '.')));
      assert.equal(await section.locator('tr.connector-job').count(), c.jobs.length);
      assert.equal(await section.locator('button.connector-sync').isDisabled(), c.state !== 'ready');
    }
    const text = await page.locator('.page--operator-connectors').innerText();
    assert.doesNotMatch(text, /null|undefined|NaN/);
    assert.equal(await page.locator('.subnav__link[aria-current="page"]').innerText(), 'Обмен данными');
    await screenshot(page, 'operator-connectors.sigma.01-page');
  }, { artifact: 'operator-connectors.sigma' });
});
