// The tenant administrator's console («Администрирование»), against a real kabinetd
// (tests/support/with_kabinetd.sh): a СИГМА administrator opens it from the menu, adds an operator (the
// client's and the server's reasons beside the fields first), disables the operator — whose session ends at
// once — and enables them again, resets the second factor the operator switched on, reads the plugins and
// connectors, the limits (or «Нет данных» where the server has no limits report) and the journal, where
// every one of these actions is, filtered by kind. An operator gets no such menu entry and is refused.
// Screenshots: tenant-admin.sigma.01-staff … 09-operator-refused.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { skipReason, withPage, screenshot, baseUrl } from './lib/browser.mjs';
import { waitForPage, control } from './lib/portal.mjs';
import { demoSkipReason, login } from './lib/meters.mjs';
import { staffSkipReason, createTenantAdmin } from './lib/staff.mjs';

const skip = skipReason() || demoSkipReason() || staffSkipReason() || false;
const TENANT = 'sigma';

/** A session of the API for `login` (cookie and CSRF), or the failed answer's status. */
async function apiSession(login, password) {
  const r = await fetch(`${baseUrl()}/t/${TENANT}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login, password }),
  });
  if (r.status !== 200) return { status: r.status };
  const { csrf } = await r.json();
  return { status: 200, cookie: r.headers.get('set-cookie').split(';')[0], csrf };
}

async function apiCall(session, method, route, body) {
  const r = await fetch(`${baseUrl()}/t/${TENANT}/api/v1/${route}`, {
    method,
    headers: { 'Content-Type': 'application/json', Cookie: session.cookie, 'X-CSRF-Token': session.csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

/** The TOTP code (RFC 6238, SHA-1, 6 digits, 30 s) of a base32 secret now. */
function totp(secret) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000)));
  const mac = crypto.createHmac('sha1', key).update(counter).digest();
  const o = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1000000).padStart(6, '0');
}

/** Opens a tab of the console and waits for its result area to settle. */
async function openTab(page, tab, result) {
  await page.locator(`[role=tab][data-tab="${tab}"]`).click();
  await page.locator(`.result[data-result="${result}"]:is([data-state="ready"], [data-state="empty"])`).waitFor();
}

async function noRawValues(page) {
  const text = await page.locator('.page--admin').innerText();
  assert.doesNotMatch(text, /null|undefined|NaN|\[object/);
}

test('СИГМА: администратор управляет сотрудниками, видит модули, лимиты и журнал', { skip, timeout: 180000 }, async (t) => {
  const admin = await createTenantAdmin(TENANT, { prefix: 'sigma-console', fullName: 'Администраторова Анна Сергеевна' });
  const email = `operator-${Date.now()}@sigma.example`;
  const password = 'Operator-Pass-2026';
  await withPage(t, async (page) => {
    await login(page, admin, { next: 'operator', pageName: 'operator' });
    await page.locator('.nav a[data-route="admin"]').click();
    await waitForPage(page, 'admin');

    // «Сотрудники»: the administrator is listed as oneself, without actions.
    await page.locator('.result[data-result="admin-staff"][data-state="ready"]').waitFor();
    const selfRow = page.locator(`tr.staff-row[data-email="${admin.login}"]`);
    assert.match(await selfRow.innerText(), /Администраторова Анна Сергеевна[\s\S]*Администратор[\s\S]*Работает[\s\S]*Это вы/);
    await noRawValues(page);
    await screenshot(page, 'tenant-admin.sigma.01-staff');

    // «Добавить сотрудника»: the client's reasons first, then the server's (an address already taken).
    await page.locator('button.staff-add').click();
    const dialog = page.locator('dialog.staff-dialog');
    await dialog.waitFor();
    await dialog.locator('.confirm-dialog__confirm').click();
    await dialog.locator('[data-field="full_name"] .field-error:not(:empty)').waitFor();
    await control(page, 'full_name', 'dialog.staff-dialog').fill('Операторова Ольга Ивановна');
    await control(page, 'email', 'dialog.staff-dialog').fill(admin.login);
    await control(page, 'role', 'dialog.staff-dialog').selectOption('operator');
    await control(page, 'password', 'dialog.staff-dialog').fill(password);
    await dialog.locator('.confirm-dialog__confirm').click();
    const taken = dialog.locator('[data-field="email"] .field-error[data-source="server"]');
    await taken.waitFor();
    assert.equal(await taken.innerText(), 'Пользователь с таким E-mail уже существует');
    await screenshot(page, 'tenant-admin.sigma.02-add-refused');
    await control(page, 'email', 'dialog.staff-dialog').fill(email);
    await dialog.locator('.confirm-dialog__confirm').click();
    await dialog.waitFor({ state: 'detached' }).catch(() => dialog.waitFor({ state: 'hidden' }));
    assert.match(await page.locator('.staff-done').innerText(), new RegExp(`Учётная запись создана: ${email.replace(/\./g, '\\.')}`));
    const row = page.locator(`tr.staff-row[data-email="${email}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), /Операторова Ольга Ивановна[\s\S]*Оператор[\s\S]*не включено[\s\S]*Работает/);
    await screenshot(page, 'tenant-admin.sigma.03-created');

    // The operator logs in, switches the second factor on; the admin disables them: the session ends at once.
    const op = await apiSession(email, password);
    assert.equal(op.status, 200);
    const setup = await apiCall(op, 'POST', 'me/second-factor', { method: 'totp' });
    assert.equal(setup.status, 200);
    assert.equal((await apiCall(op, 'POST', 'me/second-factor/confirm', { code: totp(setup.body.secret) })).status, 200);
    await row.locator('button.staff-disable').click();
    await page.locator('dialog.confirm-dialog .confirm-dialog__confirm').click();
    await page.locator(`tr.staff-row[data-email="${email}"][data-state="disabled"]`).waitFor();
    assert.match(await page.locator('.staff-done').innerText(), /Учётная запись отключена: Операторова Ольга Ивановна/);
    assert.match(await row.innerText(), /Отключён/);
    assert.equal((await apiCall(op, 'GET', 'me')).status, 401);
    assert.equal((await apiSession(email, password)).status, 403); // the password is right, the account is off
    await screenshot(page, 'tenant-admin.sigma.04-disabled');

    // Enabled again; the second factor reset: the password alone opens a session.
    await row.locator('button.staff-enable').click();
    await page.locator('dialog.confirm-dialog .confirm-dialog__confirm').click();
    await page.locator(`tr.staff-row[data-email="${email}"][data-state="active"][data-second-factor="totp"]`).waitFor();
    assert.match(await row.innerText(), /приложение-аутентификатор/);
    await row.locator('button.staff-reset').click();
    await page.locator('dialog.confirm-dialog .confirm-dialog__confirm').click();
    await page.locator(`tr.staff-row[data-email="${email}"][data-second-factor=""]`).waitFor();
    assert.equal(await row.locator('button.staff-reset').count(), 0);
    const plain = await fetch(`${baseUrl()}/t/${TENANT}/api/v1/session`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: email, password }),
    });
    assert.equal(plain.status, 200);
    assert.equal((await plain.json()).second_factor, undefined);

    // «Модули и обмен»: the connectors of СИГМА and the plugins with their versions.
    await openTab(page, 'systems', 'admin-connectors');
    await page.locator('.result[data-result="admin-plugins"][data-state="ready"]').waitFor();
    const plugins = await page.evaluate(async () => (await (await fetch('/t/sigma/api/v1/plugins', { credentials: 'same-origin' })).json()));
    assert.equal(await page.locator('tr.plugin-row').count(), plugins.plugins.length);
    for (const p of plugins.plugins) {
      const text = await page.locator(`tr.plugin-row[data-plugin="${p.name}"]`).innerText();
      assert.ok(text.includes(p.version) && text.includes(p.abi), `${p.name}: ${text}`);
    }
    const connectors = await page.evaluate(async () => (await (await fetch('/t/sigma/api/v1/operator/connectors', { credentials: 'same-origin' })).json()));
    assert.equal(await page.locator('tr.connector-state-row').count(), connectors.items.length);
    await noRawValues(page);
    await screenshot(page, 'tenant-admin.sigma.05-systems');

    // «Лимиты»: the report's numbers, or «Нет данных» where the server has none.
    await openTab(page, 'limits', 'admin-limits');
    const limits = await page.evaluate(async () => {
      const r = await fetch('/t/sigma/api/v1/operator/limits', { credentials: 'same-origin' });
      return { status: r.status, body: r.status === 200 ? await r.json() : null };
    });
    if (limits.status === 200) {
      assert.ok(await page.locator('tr.limit-row').count() > 0);
      assert.match(await page.locator('tr.limit-row[data-limit="sms_per_day"]').innerText(), /SMS в сутки/);
    } else {
      assert.equal(limits.status, 404);
      assert.equal(await page.locator('.result[data-result="admin-limits"]').getAttribute('data-state'), 'empty');
      assert.match(await page.locator('.limits-none').innerText(), /Нет данных о лимитах/);
      await noRawValues(page);
      await screenshot(page, 'tenant-admin.sigma.06-limits');
      // The card against the report's declared shape, answered in the browser until the server has the report.
      await page.route('**/api/v1/operator/limits', (route) => route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({
          limits: { requests_per_second_per_client: 20, burst_per_client: 40, requests_per_second: 200, burst: 400,
            ingest_rows_per_minute: 100000, document_storage_bytes: 10 * 2 ** 30, sms_per_day: 1000 },
          usage: { requests_per_second: 3, ingest_rows_per_minute: 0, document_storage_bytes: 1536 * 2 ** 20, sms_per_day: 950 },
        }),
      }));
      await page.reload();
      await waitForPage(page, 'admin');
      await page.locator('.result[data-result="admin-limits"][data-state="ready"]').waitFor();
      assert.equal(await page.locator('tr.limit-row').count(), 7);
      assert.match(await page.locator('tr.limit-row[data-limit="document_storage_bytes"]').innerText(), /Место для документов\s+10 ГБ\s+1,5 ГБ\s+15\s%/);
      assert.match(await page.locator('tr.limit-row[data-limit="sms_per_day"]').innerText(), /SMS в сутки\s+1\s000\s+950\s+95\s%/);
      assert.equal(await page.locator('tr.limit-row[data-limit="sms_per_day"] .limit-row__share--high').count(), 1);
      assert.match(await page.locator('tr.limit-row[data-limit="burst"]').innerText(), /всплеск\)\s+400\s+—/);
      await page.unroute('**/api/v1/operator/limits');
    }
    await noRawValues(page);
    await screenshot(page, 'tenant-admin.sigma.06-limits-report');

    // «Журнал»: every entry, newest first (other tests log in meanwhile, so each action is looked for by kind).
    await openTab(page, 'audit', 'admin-audit');
    assert.ok(await page.locator('tr.journal-row').count() > 0);
    assert.match(await page.locator('.journal-summary').innerText(), /^\d+ запис(ь|и|ей) в журнале\.$/);
    await noRawValues(page);
    await screenshot(page, 'tenant-admin.sigma.07-journal');
    const byKind = async (kind) => {
      await page.locator(`.journal-kinds input[data-value="${kind}"]`).check();
      await page.waitForFunction((k) => {
        const area = document.querySelector('.result[data-result="admin-audit"]');
        return area.dataset.state === 'ready' && [...area.querySelectorAll('tr.journal-row')].every((r) => r.dataset.kind === k);
      }, kind);
      return page.locator('table.journal-table').innerText();
    };
    const staffRows = await byKind('staff');
    for (const text of ['Сброшено подтверждение входа', 'Сотрудник включён', 'Сотрудник отключён', 'Создана учётная запись сотрудника (оператор)']) {
      assert.ok(staffRows.includes(text), `the journal lacks «${text}»`);
    }
    assert.match(staffRows, /Администраторова А\. С\./); // people by name (as the portal shortens it) and login
    assert.match(staffRows, /Операторова О\. И\./);
    assert.ok(staffRows.includes(email));
    await screenshot(page, 'tenant-admin.sigma.08-journal-staff');
    const loginRows = await byKind('login');
    assert.match(loginRows, /Попытка входа в отключённую учётную запись/);
    await noRawValues(page);
  }, { artifact: 'tenant-admin.sigma' });

  // An operator has no «Администрирование» in the menu and is refused at its address.
  await withPage(t, async (page) => {
    await login(page, { tenant: TENANT, login: email, password }, { next: 'operator', pageName: 'operator' });
    assert.equal(await page.locator('.nav a[data-route="admin"]').count(), 0);
    await page.goto(`${baseUrl()}/t/${TENANT}/admin`);
    await waitForPage(page, 'admin');
    assert.match(await page.locator('.admin-denied').innerText(), /только администратору/);
    await screenshot(page, 'tenant-admin.sigma.09-operator-refused');
  }, { artifact: 'tenant-admin.sigma.operator' });
});
