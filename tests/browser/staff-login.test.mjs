// Staff log in through the portal by e-mail in every tenant, whatever the consumers' login identifiers
// are («Вход для сотрудников»), and see their own profile with Russian labels — never the consumer's form.
// ВОЭК (consumers log in by СНИЛС / ОГРНИП / ОГРН): a tenant administrator made with the CLI logs in and
// makes an operator, who logs in too. СИГМА (consumers log in by e-mail): the administrator logs in.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, withPage, screenshot, baseUrl } from './lib/browser.mjs';
import { portalUrl, control, captureApi, uniqueEmail } from './lib/portal.mjs';
import { staffSkipReason, createTenantAdmin } from './lib/staff.mjs';

const skip = skipReason() || staffSkipReason() || false;

/** Logs in on the portal's staff page; returns the POST session capture. */
async function staffLogin(page, tenant, login, password, shot) {
  await page.goto(portalUrl(tenant, 'login'));
  await page.locator('form.login-form').waitFor();
  await page.locator('a.login-switch__staff').click();
  await page.locator('.login-form__staff').waitFor();
  assert.equal((await page.locator('h1.page__title').textContent()).trim(), 'Вход для сотрудников');
  // The staff page asks for an e-mail whatever the consumers' login is (no СНИЛС / ОГРН choice).
  assert.equal(await page.locator('input[name="kind"]').count(), 0);
  assert.equal((await page.locator('[data-field="login"] label').first().textContent()).replace('*', '').trim(), 'Адрес электронной почты');
  await control(page, 'login').fill(login);
  await control(page, 'password').fill(password);
  await shot('staff-login-filled');
  const answer = await captureApi(page, 'POST', 'session', () => page.locator('form.login-form button[type="submit"]').click());
  assert.equal(answer.status, 200, `session answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  assert.equal(answer.request.kind, 'staff');
  await page.locator('.user-menu__logout').waitFor();
  return answer;
}

/** The profile of a staff member: their own data with Russian labels, no consumer form. */
async function checkStaffProfile(page, tenant, { email, fullName, role }, shot) {
  await page.goto(portalUrl(tenant, 'profile'));
  await page.locator('.profile-staff').waitFor();
  const facts = await page.locator('.profile-staff dl.profile-facts').evaluate((dl) => {
    const out = {};
    for (const dt of dl.querySelectorAll('dt')) out[dt.textContent.trim()] = dt.nextElementSibling.textContent.trim();
    return out;
  });
  assert.deepEqual(facts, { ФИО: fullName, 'Адрес электронной почты': email, Роль: role });
  const text = await page.locator('.profile-details').textContent();
  for (const raw of ['full_name', 'tenant-admin']) assert.ok(!text.includes(raw), `raw «${raw}» on the staff profile: ${text}`);
  // No consumer form: no fields, no notification switches, no «Сохранить».
  assert.equal(await page.locator('.profile-details [data-field]').count(), 0);
  assert.equal(await page.locator('.notifications').count(), 0);
  await page.locator('.profile-password').waitFor();
  await shot('staff-profile');
}

async function logout(page) {
  const out = await captureApi(page, 'DELETE', 'session', () => page.locator('.user-menu__logout').click());
  assert.equal(out.status, 204);
  await page.locator('form.login-form').waitFor();
}

test('ВОЭК: администратор и оператор входят по e-mail через «Вход для сотрудников»', { skip, timeout: 120000 }, async (t) => {
  await withPage(t, async (page) => {
    const shot = (step) => screenshot(page, `staff-login.voek.${step}`);
    const admin = await createTenantAdmin('voek', { prefix: 'voek-admin', fullName: 'Администраторова Анна Андреевна' });
    // The consumer's page offers the staff way.
    await page.goto(portalUrl('voek', 'login'));
    await page.locator('input[name="kind"][value="individual"]').waitFor();
    await shot('01-consumer-login');
    await staffLogin(page, 'voek', admin.login, admin.password, (s) => shot(`02-${s}`));
    await checkStaffProfile(page, 'voek', { email: admin.login, fullName: admin.fullName, role: 'Администратор организации' },
      (s) => shot(`03-${s}`));

    // The administrator makes an operator; the operator logs in the same way.
    const operator = { email: uniqueEmail('voek-operator'), password: 'Operator-Pass-42', fullName: 'Операторов Олег Олегович' };
    const made = await page.evaluate(async ({ base, op }) => {
      const me = await (await fetch(`${base}/t/voek/api/v1/me`)).json();
      const res = await fetch(`${base}/t/voek/api/v1/operators`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf },
        body: JSON.stringify({ email: op.email, full_name: op.fullName, password: op.password }),
      });
      return { status: res.status, body: await res.text() };
    }, { base: baseUrl(), op: operator });
    assert.equal(made.status, 201, made.body);
    await logout(page);
    await staffLogin(page, 'voek', operator.email, operator.password, (s) => shot(`04-operator-${s}`));
    await checkStaffProfile(page, 'voek', { email: operator.email, fullName: operator.fullName, role: 'Оператор' },
      (s) => shot(`05-operator-${s}`));
  });
});

test('СИГМА: администратор входит по e-mail через «Вход для сотрудников»', { skip, timeout: 120000 }, async (t) => {
  await withPage(t, async (page) => {
    const shot = (step) => screenshot(page, `staff-login.sigma.${step}`);
    const admin = await createTenantAdmin('sigma', { prefix: 'sigma-admin', fullName: 'Сигмова Светлана Сергеевна' });
    await staffLogin(page, 'sigma', admin.login, admin.password, (s) => shot(`01-${s}`));
    await checkStaffProfile(page, 'sigma', { email: admin.login, fullName: admin.fullName, role: 'Администратор организации' },
      (s) => shot(`02-${s}`));
    // Back to the consumers' way from the staff page.
    await logout(page);
    await page.goto(portalUrl('sigma', 'login?kind=staff'));
    await page.locator('a.login-switch__consumer').click();
    await page.locator('a.login-switch__staff').waitFor();
    assert.equal((await page.locator('h1.page__title').textContent()).trim(), 'Вход в личный кабинет');
  });
});
