// ОЭС 360 and its supplier's billing (issue 14; seed 004 §2.2, §3.1, §3.7), against a running kabinetd whose
// connector "supplier" talks to the supplier simulator (KABINET_SUPPLIER_URL: /_control, /_truth):
//   * a new consumer registers, confirms the e-mail and logs in;
//   * «Добавить договор»: a wrong supplier password is refused in Russian beside the field, the right one links the
//     contract (its points appear);
//   * the home page's card «Информация по текущему балансу» shows the supplier's balance once the account synced;
//   * a reading of the non-smart meter is submitted and reaches the simulated supplier;
//   * an appeal «Обращение в службу поддержки» goes to the supplier; the supplier answers (through /_control), the
//     next sync of the account's cases (made due by an operator) brings the answer into the case, which the
//     consumer sees with its notice.
// Screenshots: supplier-oes360.NN-<step>.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, withPage, screenshot, baseUrl } from './lib/browser.mjs';
import { Mailbox } from './lib/mail.mjs';
import {
  deliverySkipReason, portalUrl, localLink, control, acceptConsents, waitForPage, captureApi, textOf, uniqueEmail, plainSpaces,
} from './lib/portal.mjs';
import { staffSkipReason, createTenantAdmin } from './lib/staff.mjs';

const SUPPLIER = process.env.KABINET_SUPPLIER_URL || null;
const skip = skipReason() || deliverySkipReason() || staffSkipReason()
  || (SUPPLIER ? false : 'KABINET_SUPPLIER_URL is not set (run through tests/support/with_kabinetd.sh)');
const step = (n, name) => `supplier-oes360.${String(n).padStart(2, '0')}-${name}`;

async function supplier(method, path, body) {
  const r = await fetch(`${SUPPLIER}${path}`, { method, headers: { 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  assert.equal(r.status, 200, `${method} ${path}: ${r.status}`);
  return r.json();
}

/** Waits until `check` returns a truthy value (polling); returns it. */
async function eventually(check, what, seconds = 40) {
  const until = Date.now() + seconds * 1000;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** As an operator of ОЭС 360: every job of the supplier connector due now. */
async function syncSupplier(page, admin) {
  const api = `${baseUrl()}/t/oes360/api/v1`;
  const session = await page.request.post(`${api}/session`, { data: { login: admin.login, password: admin.password } });
  assert.equal(session.status(), 200);
  const { csrf } = await session.json();
  const r = await page.request.post(`${api}/operator/connectors/supplier/sync`, { headers: { 'X-CSRF-Token': csrf }, data: {} });
  assert.equal(r.status(), 202, await r.text());
}

test('ОЭС 360: новый потребитель добавляет договор по логину поставщика, видит баланс, передаёт показания и получает ответ поставщика на обращение',
  { skip, timeout: 300000 }, async (t) => {
    const email = uniqueEmail('oes360-supplier');
    const password = 'Oes360-Supplier1';
    const admin = await createTenantAdmin('oes360', { prefix: 'oes360-supplier', fullName: 'Кузнецова Ольга Игоревна' });
    const question = `Прошу проверить начисления ${Date.now().toString(36)}`;
    const answerText = 'Начисления проверены, перерасчёт выполнен.';
    const before = await supplier('GET', '/_truth');

    await withPage(t, async (page) => {
      const mailbox = await Mailbox.open();
      // 1. Registration and the confirmation link.
      await page.goto(portalUrl('oes360', 'register'));
      await page.locator('form.reg-form').waitFor();
      await control(page, 'email').fill(email);
      await control(page, 'full_name').fill('Сидоров Алексей Николаевич');
      await control(page, 'phone').fill(`+7 9${String(Date.now() % 1e9).padStart(9, '0').replace(/^(\d{2})(\d{3})(\d{2})(\d{2})$/, '$1 $2-$3-$4')}`);
      await control(page, 'password').fill(password);
      await control(page, 'password_confirm').fill(password);
      await acceptConsents(page);
      const registered = await captureApi(page, 'POST', 'registration', () => page.locator('form.reg-form button[type="submit"]').click());
      assert.equal(registered.status, 201, JSON.stringify(registered.body));
      const confirmation = await mailbox.waitFor({ to: email, linkPath: '/confirm/email' });
      const confirmed = await captureApi(page, 'POST', 'confirm/email', () => page.goto(localLink(confirmation.link)));
      assert.equal(confirmed.status, 200);
      await page.goto(portalUrl('oes360', 'login'));
      await control(page, 'login').fill(email);
      await control(page, 'password').fill(password);
      const logged = await captureApi(page, 'POST', 'session', () => page.locator('form.login-form button[type="submit"]').click());
      assert.equal(logged.status, 200, JSON.stringify(logged.body));
      await waitForPage(page, 'home');

      // 2. «Добавить договор»: the supplier, a name, the supplier's login and password.
      await page.goto(portalUrl('oes360', 'access'));
      await waitForPage(page, 'access');
      await page.locator('button.supplier-add__toggle').click();
      const form = page.locator('form.supplier-add-form');
      await form.locator('[data-field="supplier"] select option[value="oes360"]').waitFor({ state: 'attached' });
      await form.locator('[data-field="supplier"] select').selectOption('oes360');
      await control(page, 'title', 'form.supplier-add-form').fill('Дача');
      await control(page, 'login', 'form.supplier-add-form').fill('ivanov');
      await control(page, 'password', 'form.supplier-add-form').fill('not-the-password');
      const refused = await captureApi(page, 'POST', 'access/supplier', () => form.locator('button.supplier-add__submit').click());
      assert.equal(refused.status, 422);
      assert.equal(await textOf(page, 'form.supplier-add-form [data-field="password"] .field-error'), 'Неверный логин или пароль поставщика');
      await screenshot(page, step(1, 'wrong-password'));
      await control(page, 'password', 'form.supplier-add-form').fill('Oes360-demo');
      const linked = await captureApi(page, 'POST', 'access/supplier', () => form.locator('button.supplier-add__submit').click());
      assert.equal(linked.status, 201, JSON.stringify(linked.body));
      assert.equal(await textOf(page, '.supplier-added'), 'Договор добавлен');
      assert.ok(plainSpaces(await page.locator('main').innerText()).includes('Дача'));
      await screenshot(page, step(2, 'linked'));

      // 3. The balance card on the home page, once the account synced.
      const truth = await supplier('GET', '/_truth');
      const expected = truth.contracts['77120458-301'].balance;
      const expectedText = (expected < 0 ? 'Задолженность ' : 'Переплата ')
        + new Intl.NumberFormat('ru-RU', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(Math.abs(expected)).replace(/\s/g, '\u00a0') + '\u00a0₽';
      await eventually(async () => {
        await page.goto(portalUrl('oes360', ''));
        await waitForPage(page, 'home');
        const card = page.locator('.dashboard-card--balance .supplier-balance__value');
        await card.waitFor();
        return (await card.innerText()).trim() === expectedText;
      }, 'the balance card');
      assert.doesNotMatch(plainSpaces(await page.locator('.dashboard-card--balance').innerText()), /null|undefined|NaN/);
      await screenshot(page, step(3, 'balance'));

      // 4. A reading of the meter goes to the supplier.
      const points = await page.request.get(`${baseUrl()}/t/oes360/api/v1/points`);
      const list = (await points.json());
      const point = (list.points || list.items)[0];
      await page.goto(portalUrl('oes360', `points/${encodeURIComponent(point.id)}?tab=manual`));
      await page.locator('form.manual-form').waitFor();
      await control(page, 't1', 'form.manual-form').fill('5100');
      await control(page, 't2', 'form.manual-form').fill('2600');
      const sent = await captureApi(page, 'POST', `points/${point.id}/manual-readings`, () => page.locator('.manual-submit').click());
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      assert.equal(sent.body.supplier.state, 'sent');
      assert.equal(await textOf(page, '.manual-result ~ .manual-supplier, .manual-supplier'), 'Передано поставщику.');
      const readings = (await supplier('GET', '/_truth')).readings;
      assert.equal(readings.length, before.readings.length + 1);
      assert.deepEqual(readings.at(-1).values, { T1: 5100, T2: 2600 });
      await screenshot(page, step(4, 'reading-sent'));

      // 5. The appeal goes to the supplier.
      await page.goto(portalUrl('oes360', 'cases?group=appeals'));
      await waitForPage(page, 'cases');
      await page.locator('a.cases-file[data-group="appeals"]').click();
      await waitForPage(page, 'case-file');
      await page.locator('select[name="kind"]').selectOption('support');
      const caseForm = page.locator('form.case-form');
      const subject = caseForm.locator('[data-field="subject"] select');
      await subject.waitFor();
      await subject.selectOption('readings');
      await caseForm.locator('[data-field="text"] textarea').fill(question);
      const made = await captureApi(page, 'POST', 'cases', () => page.locator('button.case-submit').click());
      assert.equal(made.status, 201, JSON.stringify(made.body));
      const caseId = made.body.id;
      const appeal = await eventually(async () => (await supplier('GET', '/_truth')).appeals.find((a) => a.reference === caseId), 'the appeal at the supplier');
      assert.equal(appeal.text, question);
      await page.goto(portalUrl('oes360', `cases/${encodeURIComponent(caseId)}`));
      await waitForPage(page, 'case');
      assert.match(await textOf(page, '.case-supplier'), new RegExp(`Обращение передано поставщику, номер у поставщика: ${appeal.id}`));
      await screenshot(page, step(5, 'appeal-forwarded'));

      // 6. The supplier answers; an operator makes the account's jobs due; the answer comes into the case.
      await supplier('POST', '/_control', { appeal: { id: appeal.id, status: 'closed', answer: answerText } });
      await withPage(t, async (opPage) => { await syncSupplier(opPage, admin); }, { artifact: 'supplier-oes360.operator' });
      await eventually(async () => {
        await page.goto(portalUrl('oes360', `cases/${encodeURIComponent(caseId)}`));
        await waitForPage(page, 'case');
        return (await page.locator('.case-view').getAttribute('data-state')) === 'answered';
      }, 'the answer in the case');
      assert.ok(plainSpaces(await page.locator('.case-view').innerText()).includes(answerText));
      await screenshot(page, step(6, 'answered'));
      await page.goto(portalUrl('oes360', 'notifications'));
      await waitForPage(page, 'notifications');
      // The consumer's notice of the answer, and the supplier's own notification (category «Уведомления от поставщика»).
      const notices = plainSpaces(await page.locator('main').innerText());
      assert.ok(notices.includes(`№ ${made.body.number_text || made.body.number}: Закрыто`), notices);
      assert.ok(notices.includes('Уведомления от поставщика') && notices.includes('Уведомление о плановых работах'), notices);
      assert.doesNotMatch(notices, /null|undefined|NaN/);
      await screenshot(page, step(7, 'notified'));
    }, { artifact: 'supplier-oes360.consumer' });
  });
