// Metering points of three more tenants with the demo data
// (KABINET_DEMO_ACCOUNTS): log in, open the points, open a point and visit
// every tab it has, checking real data in each (table rows, an SVG chart),
// a screenshot per tab.
//   * ООО «КЭС Оренбуржья» (access from the operator): the consumer who sees
//     a ФОБОС meter; the events tab shows the tamper events highlighted;
//   * ВГЭС: the individual's smart meter, with «Передать показания»;
//   * ОЭС 360: the smart meter (no «Передать показания»: readings are taken
//     by hand for non-smart meters only) and the non-smart one (with it).
// Screenshots: tenants-meters.<tenant>.NN-<step or tab-id>.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, withPage, screenshot } from './lib/browser.mjs';
import { waitForPage, portalUrl } from './lib/portal.mjs';
import {
  demoSkipReason, demoAccounts, demoAccount, login, logout, openFromMenu, pointIds, openRichestPoint, visitTabs,
} from './lib/meters.mjs';

const skip = skipReason() || demoSkipReason() || false;

const step = (prefix, n, name) => `${prefix}.${String(n).padStart(2, '0')}-${name}`;

/** The first demo account of a tenant whose description matches, else the first of the tenant. */
function accountOf(tenant, pattern) {
  const found = demoAccounts().find((a) => a && a.tenant === tenant && pattern.test(String(a.description)));
  return found || demoAccount(tenant);
}

/** Login → points (latest readings shown) → the richest point → every tab. Returns {ids, best, tabs, next}. */
async function pointsAndTabs(page, account, prefix) {
  await login(page, account);
  await openFromMenu(page, 'points', 'points');
  const ids = await pointIds(page);
  assert.ok(ids.length > 0, `${account.tenant}: the points page lists no points`);
  assert.ok(await page.locator('.point-card .point-latest dd').count() > 0, `${account.tenant}: no latest readings in the points list`);
  await screenshot(page, step(prefix, 1, 'points'));
  await page.locator(`.point-card[data-point="${ids[0]}"] .point-card__link`).click();
  await waitForPage(page, 'point');
  const best = await openRichestPoint(page, account.tenant, ids);
  const tabs = await visitTabs(page, prefix, 2);
  for (const required of ['general', 'readings', 'history']) assert.ok(tabs.includes(required), `no tab «${required}» (tabs: ${tabs})`);
  return { ids, best, tabs, next: 2 + tabs.length };
}

test('КЭС Оренбуржья: ФОБОС, все вкладки, события вмешательства выделены', { skip, timeout: 240000 }, async (t) => {
  const account = accountOf('kes-orenburg', /ФОБОС/);
  const prefix = 'tenants-meters.kes';
  await withPage(t, async (page) => {
    const { best, tabs, next } = await pointsAndTabs(page, account, prefix);
    t.diagnostic(`point ${best.id}: ${tabs.join(', ')}`);
    assert.match(await page.locator('.point-head').innerText(), /ФОБОС/);
    for (const smartTab of ['profile', 'events', 'network']) assert.ok(tabs.includes(smartTab), `the ФОБОС meter has no tab «${smartTab}»`);
    assert.ok(!tabs.includes('manual'), 'КЭС takes no readings in the cabinet, yet «Ручной ввод» is shown');

    // The journal over a year: the tamper events are there and highlighted.
    await page.locator('[role="tab"][data-tab="events"]').click();
    await page.locator('[data-tab="events"] .filters__preset', { hasText: 'Год' }).click();
    await page.waitForFunction(() => {
      const r = document.querySelector('[role="tabpanel"][data-tab="events"] .result');
      return r && r.dataset.state === 'ready';
    });
    const tamper = page.locator('[role="tabpanel"][data-tab="events"] table.events-table tr.events-row--tamper');
    assert.ok(await tamper.count() > 0, 'no tamper events highlighted in a year');
    await page.locator('.events-tamper-alert').waitFor();
    const background = await tamper.first().locator('td').first().evaluate((td) => getComputedStyle(td).backgroundColor);
    const plain = await page.locator('[role="tabpanel"][data-tab="events"] table.events-table tr:not(.events-row--tamper) td').first()
      .evaluate((td) => getComputedStyle(td).backgroundColor).catch(() => null);
    assert.notEqual(background, plain, 'tamper rows look like the others');
    assert.match(await tamper.first().innerText(), /Вмешательство/);
    await tamper.first().scrollIntoViewIfNeeded();
    await screenshot(page, step(prefix, next, 'events-tamper'));
    await logout(page);
  }, { artifact: prefix });
});

test('ВГЭС: точки учёта, все вкладки с «Передать показания»', { skip, timeout: 240000 }, async (t) => {
  const account = accountOf('vges', /интеллектуальный/);
  const prefix = 'tenants-meters.vges';
  await withPage(t, async (page) => {
    const { best, tabs } = await pointsAndTabs(page, account, prefix);
    t.diagnostic(`point ${best.id}: ${tabs.join(', ')}`);
    assert.ok(tabs.includes('manual'), 'ВГЭС takes readings, yet the point has no «Передать показания»');
    assert.equal(await page.locator('[role="tab"][data-tab="manual"]').innerText(), 'Передать показания');
    await logout(page);
  }, { artifact: prefix });
});

test('ОЭС 360: интеллектуальный и обычный прибор учёта, все вкладки', { skip, timeout: 300000 }, async (t) => {
  const account = accountOf('oes360', /интеллектуальный[\s\S]*показания на 1-е число/);
  const prefix = 'tenants-meters.oes360';
  await withPage(t, async (page) => {
    const { ids, best, tabs, next } = await pointsAndTabs(page, account, prefix);
    t.diagnostic(`point ${best.id}: ${tabs.join(', ')}`);

    // A smart meter sends its readings itself: no manual readings for it here.
    if (tabs.includes('network')) assert.ok(!tabs.includes('manual'), 'a smart meter offers «Передать показания»');

    // A meter that is not smart: «Передать показания» on its card and on its page.
    await page.goto(portalUrl('oes360', 'points'));
    await waitForPage(page, 'points');
    const plain = page.locator('.point-card:not(:has(.badge--smart))').first();
    if (!await plain.count()) {
      t.diagnostic('the demo account has no meter that is not smart');
    } else {
      const id = await plain.getAttribute('data-point');
      assert.ok(ids.includes(id));
      assert.equal(await plain.locator('.point-card__manual').innerText(), 'Передать показания');
      assert.equal(await page.locator('.point-card:has(.badge--smart) .point-card__manual').count(), 0, 'a smart meter\'s card offers «Передать показания»');
      await plain.locator('.point-card__link').click();
      await waitForPage(page, 'point');
      const visited = await visitTabs(page, `${prefix}.plain`, next);
      assert.ok(visited.includes('manual'), `the non-smart meter has no «Передать показания» (tabs: ${visited})`);
      assert.ok(!visited.includes('profile'), 'a non-smart meter shows a power profile');
    }
    await logout(page);
  }, { artifact: prefix });
});
