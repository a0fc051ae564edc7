// Metering points against a running kabinetd with demo data
// (`kabinet demo seed`; KABINET_DEMO_ACCOUNTS names the JSON file of its
// accounts [{tenant, kind, login, password, description}]):
//   * ООО «СИГМА» (access granted by the operator): login → home summary (the
//     latest notifications; no balance or appeals card: no such pages) →
//     «Счета и договоры» says who grants access → points → a point, every
//     tab with data → logout;
//   * АО «ВОЭК», individual: login → a wrong account number refused beside
//     the field → the account of the demo description added («Номер
//     лицевого счета успешно добавлен») → points → every tab → the account
//     removed again through «×» and the confirmation → logout.
// A screenshot of each step and tab goes to KABINET_ARTIFACTS as meters.<tenant>.NN-<step>.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, withPage, screenshot } from './lib/browser.mjs';
import { waitForPage, captureApi, textOf, control } from './lib/portal.mjs';
import {
  demoSkipReason, demoAccount, accountNumberOf, login, logout, openFromMenu, pointIds, openRichestPoint, visitTabs,
} from './lib/meters.mjs';

const skip = skipReason() || demoSkipReason() || false;

/** The home page of a logged-in consumer: summary cards; none for what the tenant lacks or the portal has no page for. */
async function checkHome(page, { points }) {
  await page.locator('.brand').click();
  await waitForPage(page, 'home');
  await page.locator('.dashboard').waitFor();
  for (const cardName of ['points', 'access', 'notifications']) {
    assert.equal(await page.locator(`.dashboard-card[data-card="${cardName}"]`).count(), 1, `no «${cardName}» card on the home page`);
  }
  for (const cardName of ['balance', 'appeals']) {
    assert.equal(await page.locator(`.dashboard-card[data-card="${cardName}"]`).count(), 0, `a «${cardName}» card leading nowhere`);
  }
  const shown = await page.locator('.dashboard-card[data-card="points"] .dashboard-point').count();
  if (points) {
    assert.ok(shown > 0, 'the home page shows no metering points');
    assert.ok(await page.locator('.dashboard-card[data-card="points"] .point-latest dd').count() > 0, 'no latest readings on the home page');
  } else {
    assert.equal(shown, 0);
  }
}

/** Points page → the point with the most tabs → every tab. */
async function pointsAndTabs(page, tenant, prefix, step) {
  await openFromMenu(page, 'points', 'points');
  const ids = await pointIds(page);
  assert.ok(ids.length > 0, 'the points page lists no points');
  assert.ok(await page.locator('.point-card .point-latest dd').count() > 0, 'no latest readings in the points list');
  await screenshot(page, `${prefix}.${String(step).padStart(2, '0')}-points`);
  // The card's link leads to the point page.
  await page.locator(`.point-card[data-point="${ids[0]}"] .point-card__link`).click();
  await waitForPage(page, 'point');
  const best = await openRichestPoint(page, tenant, ids);
  const tabs = await visitTabs(page, prefix, step + 1);
  for (const required of ['general', 'readings', 'history']) assert.ok(tabs.includes(required), `no tab «${required}» (tabs: ${tabs})`);
  return { best, tabs, next: step + 1 + tabs.length };
}

test('СИГМА: доступ от оператора, точки учёта, все вкладки точки', { skip, timeout: 240000 }, async (t) => {
  const account = demoAccount('sigma');
  const prefix = 'meters.sigma';
  await withPage(t, async (page) => {
    await login(page, account);
    await checkHome(page, { points: true });
    await screenshot(page, `${prefix}.01-home`);

    // Access is given by the utility: the page says so and offers no form.
    await openFromMenu(page, 'access', 'access');
    await page.locator('.access-operator').waitFor();
    assert.ok((await textOf(page, '.access-operator__help')).length > 10);
    assert.equal(await page.locator('form.account-add-form').count(), 0);
    assert.equal(await page.locator('.ogrn-check').count(), 0);
    await screenshot(page, `${prefix}.02-access`);

    const { best, tabs } = await pointsAndTabs(page, 'sigma', prefix, 3);
    t.diagnostic(`point ${best.id}: ${tabs.join(', ')}`);
    for (const smartTab of ['profile', 'events', 'network']) {
      assert.ok(tabs.includes(smartTab), `the smart meter of the demo has no tab «${smartTab}»`);
    }

    // A point of nobody (or of someone else) is simply not found.
    await page.goto(page.url().replace(/points\/[^/?]+.*$/, 'points/no-such-point'));
    await waitForPage(page, 'point');
    await page.getByRole('heading', { name: 'Точка учёта не найдена' }).waitFor();

    await logout(page);
  }, { artifact: prefix });
});

test('ВОЭК, физическое лицо: лицевой счёт добавлен и удалён, точки учёта, все вкладки', { skip, timeout: 240000 }, async (t) => {
  const account = demoAccount('voek', 'individual');
  const number = accountNumberOf(account);
  assert.ok(number, `no personal account number in the description of ${account.login}: «${account.description}»`);
  const prefix = 'meters.voek';
  await withPage(t, async (page) => {
    await login(page, account);
    await openFromMenu(page, 'access', 'access');
    await page.locator('.access-accounts').waitFor();

    // Left over from an earlier run against the same database: removed first.
    const leftover = page.locator(`.account-item[data-account="${number}"]`);
    if (await leftover.count()) {
      await leftover.locator('.account-remove').click();
      await page.locator('dialog.confirm-dialog .confirm-dialog__confirm').click();
      await page.locator('.account-removed').waitFor();
    }
    if (await page.locator('form.account-add-form').count() === 0) await page.locator('.account-add__toggle').click();

    // An unknown number: the server's reason beside the field.
    await control(page, 'number', 'form.account-add-form').fill('000000000000001');
    const refused = await captureApi(page, 'POST', 'access/accounts', () => page.locator('form.account-add-form button[type="submit"]').click());
    assert.ok([404, 422].includes(refused.status), `an unknown account answered ${refused.status}: ${JSON.stringify(refused.body)}`);
    const reason = await textOf(page, 'form.account-add-form [data-field="number"] .field-error');
    assert.equal(reason, (refused.body.fields && refused.body.fields.number) || refused.body.message);
    assert.equal(await control(page, 'number', 'form.account-add-form').getAttribute('aria-invalid'), 'true');
    await screenshot(page, `${prefix}.01-account-not-found`);

    // The demo account's number.
    await control(page, 'number', 'form.account-add-form').fill(number);
    const added = await captureApi(page, 'POST', 'access/accounts', () => page.locator('form.account-add-form button[type="submit"]').click());
    assert.equal(added.status, 201, `adding ${number} answered ${added.status}: ${JSON.stringify(added.body)}`);
    assert.ok(added.headers['x-csrf-token'], 'POST access/accounts went without X-CSRF-Token');
    assert.equal(added.request.number, number);
    assert.equal(await textOf(page, '.account-added'), added.body.message);
    assert.equal(added.body.message, 'Номер лицевого счета успешно добавлен');
    await page.locator(`.account-item[data-account="${number}"]`).waitFor();
    await screenshot(page, `${prefix}.02-account-added`);

    await checkHome(page, { points: true });
    await screenshot(page, `${prefix}.03-home`);

    const { next } = await pointsAndTabs(page, 'voek', prefix, 4);

    // «×» and the confirmation remove the account again (and the next run starts clean).
    await openFromMenu(page, 'access', 'access');
    const item = page.locator(`.account-item[data-account="${number}"]`);
    await item.locator('.account-remove').click();
    const dialog = page.locator('dialog.confirm-dialog');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), new RegExp(number));
    await page.locator('dialog.confirm-dialog .confirm-dialog__cancel').click();
    assert.equal(await item.count(), 1, 'cancelling removed the account');
    await item.locator('.account-remove').click();
    await screenshot(page, `${prefix}.${String(next).padStart(2, '0')}-remove-confirm`);
    const removed = await captureApi(page, 'DELETE', `access/accounts/${encodeURIComponent(added.body.account && added.body.account.id
      ? added.body.account.id : await item.getAttribute('data-id'))}`, () => page.locator('dialog.confirm-dialog .confirm-dialog__confirm').click());
    assert.equal(removed.status, 204);
    await page.locator('.account-removed').waitFor();
    assert.equal(await page.locator(`.account-item[data-account="${number}"]`).count(), 0);
    await screenshot(page, `${prefix}.${String(next + 1).padStart(2, '0')}-account-removed`);

    await logout(page);
  }, { artifact: prefix });
});
