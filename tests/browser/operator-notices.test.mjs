// The operator's «Рассылки» and «Оповещения» pages, against a real kabinetd (tests/support/with_kabinetd.sh): a
// tenant administrator of ООО «СИГМА» composes a broadcast to every consumer, checks the recipient count,
// sends it and finds it in the history with its counts per channel; then a tamper event arrives from a meter
// (POST ingest/meter-data with the server's ingest token) and the administrator acknowledges the alert.
// Screenshots: operator-notices.sigma.01-preview, 02-history, 03-alert, 04-acknowledged.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, withPage, screenshot, baseUrl } from './lib/browser.mjs';
import { waitForPage, captureApi } from './lib/portal.mjs';
import { demoSkipReason, login } from './lib/meters.mjs';
import { staffSkipReason, createTenantAdmin } from './lib/staff.mjs';

const INGEST_TOKEN = process.env.KABINET_INGEST_TOKEN || null;
const skip = skipReason() || demoSkipReason() || staffSkipReason()
  || (INGEST_TOKEN ? false : 'KABINET_INGEST_TOKEN is not set (the server\'s ingest token, to send a tamper event)');

/** Texts no page may show: raw values and internal ids. */
function assertClean(text, ids = []) {
  assert.doesNotMatch(text, /\bnull\b|\bundefined\b|NaN|\[object/);
  for (const id of ids) assert.ok(!text.includes(id), `the page shows the internal id ${id}`);
}

test('СИГМА: оператор рассылает уведомление и принимает к сведению оповещение о вмешательстве', { skip, timeout: 180000 }, async (t) => {
  const admin = await createTenantAdmin('sigma', { prefix: 'sigma-notices' });
  await withPage(t, async (page) => {
    await login(page, admin, { next: 'operator', pageName: 'operator' });
    const card = page.locator('.operator-card[data-route="operator/broadcasts"]');
    assert.match(await card.innerText(), /Рассылки/);
    await card.locator('a').click();
    await waitForPage(page, 'operator-broadcasts');
    await page.locator('.page--operator-broadcasts .result[data-state="empty"]').waitFor();

    // Compose: a template, every consumer, in-app and e-mail; the count first, then «Отправить».
    await page.locator('button.broadcast-template', { hasText: 'Уведомление о плановых работах' }).click();
    const body = page.locator('form.broadcast-form textarea[name="body"]');
    await body.fill(`${await body.inputValue()}15 марта с 10:00 до 14:00.`);
    assert.equal(await page.locator('button.broadcast-send').isDisabled(), true);
    // An unknown account number is named in the answer.
    await page.locator('.broadcast-audience input[data-value="accounts"]').check();
    await page.locator('form.broadcast-form textarea[name="list"]').fill('0000000000001');
    await page.locator('button.broadcast-preview').click();
    await page.locator('.broadcast-status .notice').waitFor();
    assert.match(await page.locator('.broadcast-status').innerText(), /Не найдены лицевые счета: 0000000000001/);
    await page.locator('.broadcast-audience input[data-value="all"]').check();
    const preview = await captureApi(page, 'POST', 'operator/broadcasts/preview', () => page.locator('button.broadcast-preview').click());
    assert.equal(preview.status, 200);
    const n = preview.body.recipients;
    assert.ok(n > 0, 'the demo has consumers of СИГМА');
    await page.locator('.broadcast-count', { hasText: 'Уведомление получат' }).waitFor();
    const countText = await page.locator('.broadcast-count').innerText();
    assert.match(countText, new RegExp(`Уведомление получат ${n} потребител(ь|я|ей)\\.`));
    await screenshot(page, 'operator-notices.sigma.01-preview');
    const sent = await captureApi(page, 'POST', 'operator/broadcasts', () => page.locator('button.broadcast-send').click());
    assert.equal(sent.status, 201);
    assert.equal(sent.body.recipients, n);
    await page.locator('.broadcast-sent').waitFor();
    assert.match(await page.locator('.broadcast-sent').innerText(), new RegExp(`«Уведомление о плановых работах» отправлено ${n} потребител(ю|ям)\\.`));
    const row = page.locator(`tr.broadcast-row[data-id="${sent.body.id}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), /Уведомление о плановых работах/);
    assert.equal((await row.locator('.broadcast-row__recipients').innerText()).trim(), String(n));
    assert.match(await row.locator('.broadcast-channel[data-channel="in_app"]').innerText(), new RegExp(`доставлено ${n}`));
    assert.match(await row.locator('.broadcast-channel[data-channel="sms"]').innerText(), /не использовался/);
    assertClean(await page.locator('main').innerText(), [sent.body.id]);
    await screenshot(page, 'operator-notices.sigma.02-history');

    // A tamper event from a meter of the tenant: an alert for the operators.
    const points = await page.evaluate(async () => (await (await fetch('/t/sigma/api/v1/points', { credentials: 'same-origin' })).json()).points);
    const point = points.find((p) => p.meter && p.meter.id);
    assert.ok(point, 'СИГМА has a point with a meter');
    const ingest = await fetch(`${baseUrl()}/t/sigma/api/v1/ingest/meter-data`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${INGEST_TOKEN}` },
      body: JSON.stringify({ events: [{ meter_id: point.meter.id, ts_start: Math.floor(Date.now() / 1000) - 600, code: 'magnet', category: 'tamper',
        severity: 'alarm', text: 'Воздействие магнитным полем', tamper: true }] }),
    });
    assert.equal(ingest.status, 200, await ingest.text());
    // The overview counts it; its card leads to the alerts.
    await page.locator('.subnav__link[data-route="operator"]').click();
    await waitForPage(page, 'operator');
    const alertsCard = page.locator('.operator-card[data-route="operator/alerts"]');
    assert.match(await alertsCard.innerText(), /\d+ нов(ое|ых) оповещени(е|я|й)/);
    await alertsCard.locator('a').click();
    await waitForPage(page, 'operator-alerts');
    const alert = page.locator('tr.alert-row[data-kind="meter_tamper"]').first();
    await alert.waitFor();
    const alertText = await alert.innerText();
    assert.match(alertText, /Вмешательство в работу прибора учёта/);
    assert.match(alertText, /Воздействие магнитным полем/);
    assert.match(alertText, new RegExp(`№ ${point.meter.serial}`));
    assert.match(alertText, /акт о безучётном потреблении/);
    assert.match(alertText, /\d\d\.\d\d\.\d{4} \d\d:\d\d/);
    assertClean(await page.locator('main').innerText(), [point.meter.id, point.id]);
    await screenshot(page, 'operator-notices.sigma.03-alert');
    const id = await alert.getAttribute('data-id');
    const ack = await captureApi(page, 'POST', `operator/alerts/${id}/acknowledge`, () => alert.locator('button.alert-acknowledge').click());
    assert.equal(ack.status, 200);
    await page.locator('.alert-acknowledged').waitFor();
    assert.match(await page.locator('.alert-acknowledged').innerText(), /Оповещение принято к сведению/);
    assert.equal(await page.locator(`tr.alert-row[data-id="${id}"]`).count(), 0);
    await page.locator('.page--operator-alerts input[data-value="acknowledged"]').check();
    const done = page.locator(`tr.alert-row[data-id="${id}"]`);
    await done.waitFor();
    assert.match(await done.locator('.alert-row__acknowledged').innerText(), new RegExp(admin.login.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assertClean(await page.locator('main').innerText(), [point.meter.id, point.id]);
    await screenshot(page, 'operator-notices.sigma.04-acknowledged');
  }, { artifact: 'operator-notices.sigma' });
});
