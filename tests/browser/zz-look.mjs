import { withPage, screenshot } from './lib/browser.mjs';
import { waitForPage } from './lib/portal.mjs';
import { login } from './lib/meters.mjs';
import { test } from 'node:test';
for (const [tenant, email] of [['kes-orenburg','admin@kes.example'],['sigma','admin@sigma.example']]) {
  test('look ' + tenant, { timeout: 120000 }, async (t) => {
    await withPage(t, async (page) => {
      await login(page, { tenant, login: email, password: 'Admin-demo-2026!' }, { next: 'operator/connectors', pageName: 'operator-connectors' });
      await page.waitForTimeout(2500);
      await screenshot(page, 'look-' + tenant);
      const dev = page.locator('button', { hasText: 'Устройства' }).first();
      if (await dev.count()) { await dev.click(); await page.waitForTimeout(1500); await screenshot(page, 'look-devices-' + tenant); }
    }, { artifact: 'look-' + tenant });
  });
}
