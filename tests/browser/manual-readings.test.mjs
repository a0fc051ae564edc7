// Manual readings, the operator's queue and the consumers' access, against a
// running kabinetd with demo data (KABINET_DEMO_ACCOUNTS) and a tenant
// administrator made with the command line tool (KABINET_CLI, KABINET_DATABASE_URL):
//   * ООО «СИГМА»: a consumer submits readings on «Ручной ввод» (first one
//     below the previous reading: the server's reason beside the zone) →
//     «на проверке»; an administrator, in a second browser, opens
//     «Оператор» → «Показания на проверке», tries «Отклонить» without a
//     reason, then «Утвердить»; the consumer reloads: «принято», the value
//     in «Показания» (source «потребитель»), and «Отчёт» downloads a CSV;
//   * ООО «СИГМА», operator: a consumer found by login, access opened by a
//     contract number (a wrong number refused beside the field), closed again
//     with «×»;
//   * ВГЭС: a consumer registers a meter of their own («Добавить прибор
//     учёта»), submits a reading that is accepted at once, sees it in
//     «Показания»; the same serial number again is refused beside the field.
// Screenshots: manual-readings.<sigma|sigma-operator|sigma-access|vges>.NN-<step>.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { skipReason, withPage, screenshot } from './lib/browser.mjs';
import { waitForPage, captureApi, textOf, control, portalUrl, apiGet, ruNumber, plainSpaces } from './lib/portal.mjs';
import { demoSkipReason, demoAccounts, demoAccount, login, logout, openFromMenu } from './lib/meters.mjs';
import { staffSkipReason, createTenantAdmin } from './lib/staff.mjs';

const skip = skipReason() || demoSkipReason() || false;
const staffSkip = skip || staffSkipReason() || false;

const step = (prefix, n, name) => `${prefix}.${String(n).padStart(2, '0')}-${name}`;

/** A СИГМА consumer whose meter is not smart (readings on the 1st of the month), else the first one. */
function sigmaConsumer() {
  const list = demoAccounts().filter((a) => a && a.tenant === 'sigma' && /Видит/.test(String(a.description)));
  return list.find((a) => /показания на 1-е число/.test(a.description)) || list[0] || demoAccount('sigma');
}

/** Waits for the result area of a tab to finish loading; returns its state. */
async function tabResult(page, tab) {
  await page.waitForFunction((id) => {
    const r = document.querySelector(`[role="tabpanel"][data-tab="${id}"] .result`);
    return r && !['idle', 'loading'].includes(r.dataset.state);
  }, tab, { timeout: 20000 });
  return page.locator(`[role="tabpanel"][data-tab="${tab}"] .result`).first().getAttribute('data-state');
}

/** Types a number with a decimal comma, as people do. */
const typed = (v) => v.toFixed(3).replace('.', ',');

test('СИГМА: ручной ввод → оператор утверждает → «принято» и показание во вкладке «Показания»', { skip: staffSkip, timeout: 300000 }, async (t) => {
  const consumer = sigmaConsumer();
  const admin = await createTenantAdmin('sigma', { prefix: 'sigma-operator' });
  const prefix = 'manual-readings.sigma';
  await withPage(t, async (page) => {
    await login(page, consumer);
    await openFromMenu(page, 'points', 'points');
    const card = page.locator('.point-card:not(:has(.badge--smart)):has(.point-card__manual)').first();
    const anyCard = page.locator('.point-card:has(.point-card__manual)').first();
    const chosen = await card.count() ? card : anyCard;
    assert.ok(await chosen.count(), 'no point offers «Ручной ввод» on the points page');
    const pointId = await chosen.getAttribute('data-point');
    assert.equal(await chosen.locator('.point-card__manual').innerText(), 'Ручной ввод');
    await chosen.locator('.point-card__manual').click();
    await waitForPage(page, 'point');
    assert.equal(await page.locator('[role="tab"][data-tab="manual"]').getAttribute('aria-selected'), 'true');
    assert.ok(['empty', 'ready'].includes(await tabResult(page, 'manual')), 'the list of submissions did not load');

    const { body: list } = await apiGet(page, 'sigma', 'points');
    const point = list.points.find((p) => p.id === pointId);
    const zones = await page.locator('form.manual-form .field--decimal input').evaluateAll((inputs) => inputs.map((i) => i.name));
    assert.deepEqual(zones, ['t1', 't2', 't3', 't4'].slice(0, Math.max(1, point.meter.tariff_zones)));
    assert.equal(await control(page, 'date', 'form.manual-form').inputValue(), await page.evaluate(() => {
      const f = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow', year: 'numeric', month: '2-digit', day: '2-digit' });
      return f.format(new Date());
    }), 'the date is not today');
    const last = point.latest || {};
    const values = Object.fromEntries(zones.map((k, i) => [k, Math.round(((last[k] ?? 1000) + 12.5 + i * 3.25) * 1000) / 1000]));

    // Below the previous reading: the server's reason beside that zone.
    for (const k of zones) await control(page, k, 'form.manual-form').fill(typed(k === 't1' ? Math.max(0, (last.t1 ?? 1000) - 100) : values[k]));
    const low = await captureApi(page, 'POST', `points/${pointId}/manual-readings`, () => page.locator('.manual-submit').click());
    assert.equal(low.status, 422, `a reading below the previous answered ${low.status}: ${JSON.stringify(low.body)}`);
    assert.ok(low.headers['x-csrf-token'], 'POST manual-readings went without X-CSRF-Token');
    assert.ok(low.body.fields.t1, `no reason for t1: ${JSON.stringify(low.body)}`);
    assert.equal(await textOf(page, 'form.manual-form [data-field="t1"] .field-error'), low.body.fields.t1);
    assert.equal(await control(page, 't1', 'form.manual-form').getAttribute('aria-invalid'), 'true');
    const describedBy = await control(page, 't1', 'form.manual-form').getAttribute('aria-describedby');
    const errorId = await page.locator('form.manual-form [data-field="t1"] .field-error').getAttribute('id');
    assert.ok(describedBy.split(' ').includes(errorId), 'the error is not tied to the field by aria-describedby');
    await screenshot(page, step(prefix, 1, 'below-previous'));

    // The right values, with a decimal comma: sent for the operator's check.
    await control(page, 't1', 'form.manual-form').fill(typed(values.t1));
    const sent = await captureApi(page, 'POST', `points/${pointId}/manual-readings`, () => page.locator('.manual-submit').click());
    assert.equal(sent.status, 201, `the reading answered ${sent.status}: ${JSON.stringify(sent.body)}`);
    assert.equal(sent.body.state, 'pending');
    for (const k of zones) assert.equal(sent.request[k], values[k], `sent ${k}`);
    assert.equal(await textOf(page, '.manual-result'), sent.body.message);
    assert.equal(sent.body.message, 'Показания отправлены оператору на проверку');
    const row = page.locator(`tr.manual-row[data-id="${sent.body.id}"]`);
    await row.waitFor();
    assert.equal(await row.getAttribute('data-state'), 'pending');
    assert.match(await row.innerText(), /на проверке/);
    await screenshot(page, step(prefix, 2, 'sent'));

    // A tenant administrator in another browser approves it.
    await withPage(t, async (staff) => {
      await login(staff, admin, { next: 'operator', pageName: 'operator' });
      assert.equal(await staff.locator('.nav a[data-route="operator"]').innerText(), 'Оператор');
      assert.equal(await staff.locator('.nav a[data-route="access"]').count(), 0, 'staff see «Счета и договоры»');
      await staff.locator('.operator-card[data-route="operator/readings"] a').click();
      await waitForPage(staff, 'operator-readings');
      const item = staff.locator(`tr.operator-reading[data-id="${sent.body.id}"]`);
      await item.waitFor();
      const text = plainSpaces(await item.innerText());
      assert.ok(text.includes(consumer.login), `the queue does not name the consumer: ${text}`);
      assert.ok(text.includes(point.name), `the queue does not name the point: ${text}`);
      assert.ok(text.includes(point.meter.serial), `the queue does not name the meter: ${text}`);
      assert.ok(text.includes(ruNumber(values.t1)), `the queue does not show ${ruNumber(values.t1)}: ${text}`);
      await screenshot(staff, step(prefix, 3, 'operator-queue'));

      // «Отклонить» wants a reason; cancelled.
      await item.locator('.reading-reject').click();
      const dialog = staff.locator('dialog.reject-dialog');
      await dialog.waitFor();
      await dialog.locator('.confirm-dialog__confirm').click();
      assert.ok((await textOf(staff, 'dialog.reject-dialog [data-field="reason"] .field-error')).length > 0, 'no reason asked for');
      assert.equal(await dialog.locator('textarea[name="reason"]').getAttribute('aria-invalid'), 'true');
      await screenshot(staff, step(prefix, 4, 'reject-needs-reason'));
      await dialog.locator('.confirm-dialog__cancel').click();
      await dialog.waitFor({ state: 'detached' });

      const approved = await captureApi(staff, 'POST', `operator/manual-readings/${sent.body.id}/approve`, () => item.locator('.reading-approve').click());
      assert.equal(approved.status, 200, `approve answered ${approved.status}: ${JSON.stringify(approved.body)}`);
      assert.ok(approved.headers['x-csrf-token'], 'approve went without X-CSRF-Token');
      await staff.locator('.operator-decided').waitFor();
      await item.waitFor({ state: 'detached' });
      await screenshot(staff, step(prefix, 5, 'operator-approved'));
      await logout(staff);
    }, { artifact: `${prefix}-operator` });

    // The consumer reloads: accepted, and the value is among the meter's readings.
    await page.reload();
    await waitForPage(page, 'point');
    assert.equal(await page.locator('[role="tab"][data-tab="manual"]').getAttribute('aria-selected'), 'true');
    assert.equal(await tabResult(page, 'manual'), 'ready');
    assert.equal(await row.getAttribute('data-state'), 'accepted');
    assert.match(await row.innerText(), /принято/);
    await screenshot(page, step(prefix, 6, 'accepted'));

    await page.locator('[role="tab"][data-tab="readings"]').click();
    assert.equal(await tabResult(page, 'readings'), 'ready');
    const readingRow = page.locator('table.readings-table tbody tr', { hasText: 'потребитель' }).first();
    await readingRow.waitFor();
    const readingText = plainSpaces(await readingRow.innerText());
    assert.ok(readingText.includes(ruNumber(values.t1)), `«Показания» do not show ${ruNumber(values.t1)}: ${readingText}`);
    await screenshot(page, step(prefix, 7, 'readings'));

    // «Отчёт»: a link to the report file with the chosen period, grouping and format.
    await page.locator('.point-report').click();
    const report = page.locator('dialog.report-dialog');
    await report.waitFor();
    await control(page, 'group', 'dialog.report-dialog').selectOption('day');
    await control(page, 'format', 'dialog.report-dialog').selectOption('csv');
    const from = await control(page, 'from', 'dialog.report-dialog').inputValue();
    await control(page, 'from', 'dialog.report-dialog').fill(from.replace(/^\d{4}/, (y) => String(Number(y) - 5)));
    await report.locator('a.report-download').click();
    assert.match(await textOf(page, 'dialog.report-dialog [data-field="from"] .field-error'), /трёх лет/);
    await control(page, 'from', 'dialog.report-dialog').fill(sent.request.date);
    const href = new URL(await report.locator('a.report-download').getAttribute('href'));
    assert.ok(href.pathname.endsWith(`/api/v1/points/${pointId}/report`), href.pathname);
    assert.equal(href.searchParams.get('group'), 'day');
    assert.equal(href.searchParams.get('format'), 'csv');
    assert.equal(href.searchParams.get('from'), sent.request.date);
    await screenshot(page, step(prefix, 8, 'report'));
    const [download] = await Promise.all([page.waitForEvent('download'), report.locator('a.report-download').click()]);
    assert.match(download.suggestedFilename(), /\.csv$/);
    const csv = plainSpaces(await readFile(await download.path(), 'utf8'));
    assert.ok(/Показания/.test(csv) && /Потребление/.test(csv), 'the report has no readings or consumption');
    const csvNumber = typed(values.t1).replace(/0+$/, '').replace(/,$/, '');
    assert.ok(csv.includes(csvNumber), `the report does not hold the approved reading ${csvNumber}`);
    await report.locator('.report-close').click();

    await logout(page);
  }, { artifact: prefix });
});

test('СИГМА, оператор: доступ потребителя по номеру договора открыт и закрыт', { skip: staffSkip, timeout: 180000 }, async (t) => {
  const target = demoAccounts().find((a) => a && a.tenant === 'sigma' && /договора\s+\S+/.test(String(a.description)) && /Пока не видит/.test(a.description));
  assert.ok(target, 'no СИГМА demo account waiting for access by a contract number');
  const contract = /договора\s+(\S+?)[\s.,]/.exec(target.description)[1];
  const admin = await createTenantAdmin('sigma', { prefix: 'sigma-access' });
  const prefix = 'manual-readings.sigma-access';
  await withPage(t, async (page) => {
    await login(page, admin, { next: 'operator/consumers', pageName: 'operator-consumers' });
    await control(page, 'q', 'form.consumer-search').fill(target.login.split('@')[0]);
    await captureApi(page, 'GET', 'operator/consumers', () => page.locator('form.consumer-search button[type="submit"]').click());
    const item = page.locator(`.consumer-item[data-login="${target.login}"]`);
    await item.waitFor();
    assert.equal(await page.locator('.consumer-item').count(), 1, 'the search found more than the one consumer');
    assert.equal(await item.locator('.grant-item').count(), 0, 'the consumer already has access');

    // A contract that does not exist: the reason beside the number.
    await item.locator('select[name="scope"]').selectOption('contract');
    await item.locator('input[name="ref"]').fill('СЭ-0000/00');
    const wrong = await captureApi(page, 'POST', 'operator/grants', () => item.locator('.grant-add').click());
    assert.equal(wrong.status, 422);
    assert.equal(await textOf(page, `.consumer-item[data-login="${target.login}"] [data-field="ref"] .field-error`), wrong.body.fields.ref);
    await screenshot(page, step(prefix, 1, 'unknown-contract'));

    await item.locator('input[name="ref"]').fill(contract);
    const granted = await captureApi(page, 'POST', 'operator/grants', () => item.locator('.grant-add').click());
    assert.equal(granted.status, 201, `grant answered ${granted.status}: ${JSON.stringify(granted.body)}`);
    assert.deepEqual({ scope: granted.request.scope, ref: granted.request.ref }, { scope: 'contract', ref: contract });
    await page.locator('.grant-done').waitFor();
    const grant = page.locator(`.consumer-item[data-login="${target.login}"] .grant-item[data-scope="contract"]`);
    await grant.waitFor();
    assert.ok((await grant.innerText()).includes(contract), 'the grant does not name the contract');
    await screenshot(page, step(prefix, 2, 'granted'));

    // Closed again with «×» and the confirmation (the next run starts clean).
    await grant.locator('.grant-revoke').click();
    const dialog = page.locator('dialog.confirm-dialog');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /Закрыть доступ/);
    const revoked = await captureApi(page, 'DELETE', 'operator/grants', () => dialog.locator('.confirm-dialog__confirm').click());
    assert.equal(revoked.status, 204);
    assert.deepEqual({ scope: revoked.request.scope, ref: revoked.request.ref }, { scope: 'contract', ref: contract });
    await page.locator('.grant-done').waitFor();
    await page.waitForFunction((login) => {
      const el = document.querySelector(`.consumer-item[data-login="${login}"]`);
      return el && !el.querySelector('.grant-item');
    }, target.login);
    await screenshot(page, step(prefix, 3, 'revoked'));
    await logout(page);
  }, { artifact: prefix });
});

test('ВГЭС: свой прибор учёта, показания приняты сразу', { skip, timeout: 180000 }, async (t) => {
  const consumer = demoAccount('vges');
  const prefix = 'manual-readings.vges';
  const serial = `ВТ-${Date.now()}`;
  await withPage(t, async (page) => {
    await login(page, consumer);
    const { body: access } = await apiGet(page, 'vges', 'access');
    const accountNumber = (access.accounts && access.accounts[0] && access.accounts[0].number) || `36${String(Date.now()).slice(-6)}`;
    await openFromMenu(page, 'points', 'points');
    await page.locator('.virtual-meter__toggle').click();
    const form = page.locator('form.virtual-meter-form');
    await form.waitFor();
    // Nothing filled in: each required field says so.
    await form.locator('button[type="submit"]').click();
    for (const name of ['address', 'account_number', 'serial']) {
      assert.equal(await control(page, name, 'form.virtual-meter-form').getAttribute('aria-invalid'), 'true', `${name} not marked`);
    }
    assert.equal(await control(page, 'model', 'form.virtual-meter-form').getAttribute('aria-invalid'), null, 'the model is optional');
    await control(page, 'address', 'form.virtual-meter-form').fill('г. Воронеж, ул. Плехановская, д. 10, на опоре у дома');
    await control(page, 'account_number', 'form.virtual-meter-form').fill(accountNumber);
    await control(page, 'serial', 'form.virtual-meter-form').fill(serial);
    await control(page, 'model', 'form.virtual-meter-form').fill('Энергомера CE101');
    await screenshot(page, step(prefix, 1, 'new-meter'));
    const created = await captureApi(page, 'POST', 'meters/virtual', () => form.locator('button[type="submit"]').click());
    assert.equal(created.status, 201, `meters/virtual answered ${created.status}: ${JSON.stringify(created.body)}`);
    assert.equal(created.request.serial, serial);
    await waitForPage(page, 'point');
    assert.ok(new URL(page.url()).pathname.endsWith(`/points/${created.body.point_id}`));
    assert.equal(new URL(page.url()).searchParams.get('tab'), 'manual');
    await page.locator('.point-flash').waitFor();
    assert.equal(await page.locator('[role="tab"][data-tab="manual"]').innerText(), 'Передать показания');
    assert.equal(await tabResult(page, 'manual'), 'empty');
    assert.equal(await page.locator('form.manual-form .field--decimal input').count(), 1, 'a one-zone meter asks for one value');

    await control(page, 't1', 'form.manual-form').fill('340,5');
    const sent = await captureApi(page, 'POST', `points/${created.body.point_id}/manual-readings`, () => page.locator('.manual-submit').click());
    assert.equal(sent.status, 201, `the reading answered ${sent.status}: ${JSON.stringify(sent.body)}`);
    assert.equal(sent.body.state, 'accepted');
    assert.equal(await textOf(page, '.manual-result'), 'Показания приняты');
    const row = page.locator(`tr.manual-row[data-id="${sent.body.id}"]`);
    await row.waitFor();
    assert.equal(await row.getAttribute('data-state'), 'accepted');
    assert.match(plainSpaces(await row.innerText()), /340,500[\s\S]*принято/);
    await screenshot(page, step(prefix, 2, 'accepted'));

    await page.locator('[role="tab"][data-tab="readings"]').click();
    assert.equal(await tabResult(page, 'readings'), 'ready');
    const readingRow = page.locator('table.readings-table tbody tr', { hasText: 'потребитель' }).first();
    await readingRow.waitFor();
    assert.match(plainSpaces(await readingRow.innerText()), /340,500/);
    await screenshot(page, step(prefix, 3, 'readings'));

    // The new meter is among the points; the same serial number again is refused beside the field.
    await page.goto(portalUrl('vges', 'points'));
    await waitForPage(page, 'points');
    await page.locator(`.point-card[data-point="${created.body.point_id}"]`).waitFor();
    await page.locator('.virtual-meter__toggle').click();
    await control(page, 'address', 'form.virtual-meter-form').fill('г. Воронеж, ул. Плехановская, д. 10');
    await control(page, 'account_number', 'form.virtual-meter-form').fill(accountNumber);
    await control(page, 'serial', 'form.virtual-meter-form').fill(serial);
    await control(page, 'model', 'form.virtual-meter-form').fill('Энергомера CE101');
    const twice = await captureApi(page, 'POST', 'meters/virtual', () => page.locator('form.virtual-meter-form button[type="submit"]').click());
    assert.equal(twice.status, 409, `the same serial answered ${twice.status}`);
    assert.equal(await textOf(page, 'form.virtual-meter-form [data-field="serial"] .field-error'),
      (twice.body.fields && twice.body.fields.serial) || twice.body.message);
    await screenshot(page, step(prefix, 4, 'serial-taken'));
    await logout(page);
  }, { artifact: prefix });
});
