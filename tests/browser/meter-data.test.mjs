// The metering pages as a consumer of the demo meets them, against a running
// kabinetd with demo data (KABINET_DEMO_ACCOUNTS) and the command line tool
// (KABINET_CLI, KABINET_DATABASE_URL) that links the run command's polled meters:
//   * ВГЭС: «Передать показания» is offered on the flat's own meter, not on a
//     meter the server polls (the card and the point page), whose name and
//     address fit the consumer's place;
//   * КЭС: a consumer without access sees no «null» on the empty points page;
//     the point's meter type is not doubled («ФОБОС 1 ФОБОС 1 …»); the
//     «интеллектуальный» badge is not clipped; «Профиль мощности» offers
//     «1 час», which asks the server for hourly values;
//   * ОЭС 360: the supplier of a contract is shown by its name, not its id.
// Screenshots: meter-data.<vges|kes|oes360>.NN-<step>.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { skipReason, withPage, screenshot } from './lib/browser.mjs';
import { waitForPage, captureApi, apiGet } from './lib/portal.mjs';
import { demoSkipReason, demoAccounts, demoAccount, login, openFromMenu } from './lib/meters.mjs';
import { staffSkipReason, CLI, DATABASE_URL } from './lib/staff.mjs';

const run = promisify(execFile);
const skip = skipReason() || demoSkipReason() || false;
const cliSkip = skip || staffSkipReason() || false;
const step = (prefix, n, name) => `${prefix}.${String(n).padStart(2, '0')}-${name}`;

/** Links the run command's simulated meters (`kabinet demo polling`) into the database under test. */
async function linkPolledMeters() {
  const args = ['demo', 'polling', '--gateways', 'mercury=127.0.0.1:9,iec62056-21=127.0.0.1:9,dlms=127.0.0.1:9', '--database', DATABASE_URL];
  const source = process.env.KABINET_SOURCE_DIR;
  if (source) args.push('--tenants', path.join(source, 'tenants'), '--scripts', path.join(source, 'scripts'));
  await run(CLI, args, { timeout: 60000 });
}

test('ВГЭС: «Передать показания» only on meters that are not polled', { skip: cliSkip, timeout: 180000 }, async (t) => {
  await linkPolledMeters();
  const prefix = 'meter-data.vges';
  await withPage(t, async (page) => {
    // The consumer whose place the polled meters were put at (the tenant's first demo consumer).
    let body = null;
    for (const account of demoAccounts().filter((a) => a.tenant === 'vges')) {
      await page.context().clearCookies();
      await login(page, account);
      const answer = await apiGet(page, 'vges', 'points');
      if (answer.body && answer.body.points.some((p) => String(p.number).startsWith('POLL-'))) { body = answer.body; break; }
    }
    assert.ok(body, 'no ВГЭС demo consumer sees a polled meter');
    await openFromMenu(page, 'points', 'points');
    await page.locator('.point-card').first().waitFor();
    const polled = body.points.filter((p) => String(p.number).startsWith('POLL-'));
    const own = body.points.filter((p) => !String(p.number).startsWith('POLL-'));
    assert.ok(polled.length >= 1, 'the consumer sees no polled meter');
    for (const p of polled) {
      assert.equal(p.manual_readings.allowed, false);
      assert.ok(p.address, `polled point ${p.name} has no address`);
      assert.doesNotMatch(p.name, /Опрашиваемый/);
      const card = page.locator(`.point-card[data-point="${p.id}"]`);
      assert.equal(await card.locator('.point-card__manual').count(), 0, `«Передать показания» offered on polled ${p.name}`);
    }
    // The flat's own meter keeps the button (a single-phase meter, as a flat has).
    const flat = body.points.find((p) => p.name === 'Квартира');
    if (flat) {
      assert.equal(flat.meter.phases, 1);
      assert.equal(flat.manual_readings.allowed, true);
    }
    if (own.length) assert.equal(await page.locator(`.point-card[data-point="${own[0].id}"] .point-card__manual`).count(), 1);
    await screenshot(page, step(prefix, 1, 'points'));
    await page.locator(`.point-card[data-point="${polled[0].id}"] .point-card__name`).click();
    await waitForPage(page, 'point');
    await page.locator('.page--point [role="tab"]').first().waitFor();
    assert.equal(await page.locator('[role="tab"][data-tab="manual"]').count(), 0, 'the polled point offers a manual-readings tab');
    await screenshot(page, step(prefix, 2, 'polled-point'));
  });
});

test('КЭС: empty points page without «null»; meter type once; badge whole; hourly profile', { skip, timeout: 180000 }, async (t) => {
  const prefix = 'meter-data.kes';
  const accounts = demoAccounts().filter((a) => a.tenant === 'kes-orenburg');
  const waiting = accounts.find((a) => /Доступ ещё не выдан/.test(String(a.description)));
  const seeing = accounts.find((a) => a !== waiting) || demoAccount('kes-orenburg');
  if (waiting) {
    await withPage(t, async (page) => {
      await login(page, waiting);
      await openFromMenu(page, 'points', 'points');
      await page.locator('.points-empty').waitFor();
      const text = await page.locator('.page--points').innerText();
      assert.doesNotMatch(text, /\bnull\b/);
      await screenshot(page, step(prefix, 1, 'empty-points'));
    });
  }
  await withPage(t, async (page) => {
    await login(page, seeing);
    await openFromMenu(page, 'points', 'points');
    const smart = page.locator('.point-card:has(.badge--smart)').first();
    await smart.waitFor();
    const badge = smart.locator('.badge--smart');
    const fits = await badge.evaluate((b) => {
      const r = b.getBoundingClientRect();
      const card = b.closest('.point-card').getBoundingClientRect();
      return b.scrollWidth <= b.clientWidth + 1 && r.right <= card.right + 0.5 && r.height < 40;
    });
    assert.ok(fits, 'the «интеллектуальный» badge is clipped or wrapped');
    await screenshot(page, step(prefix, 2, 'points'));
    await smart.locator('.point-card__name').click();
    await waitForPage(page, 'point');
    const head = await page.locator('.point-head').innerText();
    assert.doesNotMatch(head, /(ФОБОС \d)\s+\1/);
    await page.locator('[role="tab"][data-tab="profile"]').click();
    await page.waitForFunction(() => {
      const r = document.querySelector('[role="tabpanel"][data-tab="profile"] .result');
      return r && !['idle', 'loading'].includes(r.dataset.state);
    }, null, { timeout: 20000 });
    const choice = page.locator('[role="tabpanel"][data-tab="profile"] .segmented[data-field="interval"]');
    assert.equal(await choice.locator('label', { hasText: '1 час' }).count(), 1, 'no «1 час» choice');
    const hourly = choice.locator('input[value="60"]');
    const pointId = await page.locator('.page--point').getAttribute('data-point');
    const answer = await captureApi(page, 'GET', `points/${pointId}/profile`, () => hourly.check());
    assert.equal(answer.status, 200);
    assert.equal(answer.body.interval_min, 60);
    await page.waitForFunction(() => /1 час/.test(document.querySelector('[role="tabpanel"][data-tab="profile"] .stats')?.textContent || ''),
      null, { timeout: 20000 });
    const rows = answer.body.rows;
    assert.ok(rows.length > 0 && rows.length <= 24, `hourly rows: ${rows.length}`);
    assert.ok(rows.every((r, i) => i === 0 || r.ts - rows[i - 1].ts === 3600), 'rows are not an hour apart');
    await screenshot(page, step(prefix, 3, 'profile-hourly'));
  });
});

test('ОЭС 360: the supplier of a contract by its name; two contracts', { skip, timeout: 120000 }, async (t) => {
  const prefix = 'meter-data.oes360';
  const account = demoAccounts().find((a) => a.tenant === 'oes360' && /дач|гараж/i.test(String(a.description))) || demoAccount('oes360');
  await withPage(t, async (page) => {
    await login(page, account);
    await page.goto(new URL('access', page.url()).href);
    await waitForPage(page, 'access');
    await page.locator('.contract-item').first().waitFor();
    assert.equal(await page.locator('.contract-item').count(), 2);
    const text = await page.locator('.access-contracts').innerText();
    assert.match(text, /Поставщик\s*ОЭС 360/);
    assert.doesNotMatch(text, /\boes360\b/);
    await screenshot(page, step(prefix, 1, 'contracts'));
  });
});
