// ОЭС 360: registration, e-mail confirmation, the SMS second factor and
// password recovery, against a running kabinetd (KABINET_URL) with its test
// SMTP server (KABINET_MAIL_DIR) and SMS gateway simulator (KABINET_SMS_URL).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, withPage, screenshot } from './lib/browser.mjs';
import { Mailbox } from './lib/mail.mjs';
import { SmsInbox, phoneKey } from './lib/sms.mjs';
import {
  deliverySkipReason, portalUrl, localLink, control, acceptConsents, waitForPage, captureApi, textOf, uniqueEmail,
} from './lib/portal.mjs';

const skip = skipReason() || deliverySkipReason({ sms: true }) || false;

const shot = (page, step) => screenshot(page, `oes360-identity.${step}`);

/** A mobile number of this run: +7 9XX XXX-XX-XX. */
function uniqueMobile() {
  const d = String(Date.now() % 1e9).padStart(9, '0');
  return `+7 9${d.slice(0, 2)} ${d.slice(2, 5)}-${d.slice(5, 7)}-${d.slice(7, 9)}`;
}

/** Logs in with e-mail and password; returns the POST session capture. */
async function submitLogin(page, email, password) {
  await page.goto(portalUrl('oes360', 'login'));
  await page.locator('form.login-form').waitFor();
  // One applicant kind: no choice, the login is the e-mail.
  assert.equal(await page.locator('input[name="kind"]').count(), 0);
  assert.equal((await page.locator('[data-field="login"] label').first().textContent()).replace('*', '').trim(), 'E-mail');
  await control(page, 'login').fill(email);
  await control(page, 'password').fill(password);
  return captureApi(page, 'POST', 'session', () => page.locator('form.login-form button[type="submit"]').click());
}

/** The second step of a login: the SMS code from the simulator. */
async function passSecondFactor(page, sms, phone, step) {
  await waitForPage(page, 'second-factor');
  const { code } = await sms.waitForCode({ to: phone });
  await control(page, 'code').fill(code);
  await shot(page, step);
  const answer = await captureApi(page, 'POST', 'session/second-factor', () => page.locator('form.second-factor-form button[type="submit"]').click());
  assert.equal(answer.status, 200, `session/second-factor answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  assert.ok(answer.request.challenge, 'no challenge sent');
  assert.equal(answer.request.code, code);
  await waitForPage(page, 'home'); // a login without «?next=» lands on the home page
}

async function logout(page) {
  const out = await captureApi(page, 'DELETE', 'session', () => page.locator('.user-menu__logout').click());
  assert.equal(out.status, 204);
  await waitForPage(page, 'login');
}

test('ОЭС 360: регистрация, подтверждение e-mail, вход с кодом из SMS, восстановление пароля', { skip, timeout: 240000 }, async (t) => {
  await withPage(t, async (page) => {
    const email = uniqueEmail('oes360');
    const phone = uniqueMobile();
    const password = 'Oes360-Start1';
    const newPassword = 'Oes360-Reset2';
    const mailbox = await Mailbox.open();
    const sms = await SmsInbox.open();

    // 1. Registration: e-mail, Ф.И.О., phone, the password twice.
    await page.goto(portalUrl('oes360', 'register'));
    await page.locator('form.reg-form').waitFor();
    await control(page, 'email').fill(email);
    await control(page, 'full_name').fill('Петров Пётр Петрович');
    await control(page, 'phone').fill(phone);
    await control(page, 'password').fill(password);
    await control(page, 'password_confirm').fill(password);
    await acceptConsents(page);
    await shot(page, '01-register-filled');
    const registered = await captureApi(page, 'POST', 'registration', () => page.locator('form.reg-form button[type="submit"]').click());
    assert.equal(registered.status, 201, `registration answered ${registered.status}: ${JSON.stringify(registered.body)}`);
    assert.ok(registered.body.confirmations.includes('email'), JSON.stringify(registered.body));
    await page.locator('.registration-result').waitFor();
    if (registered.body.message) {
      assert.equal(await textOf(page, '.registration-result__message'), registered.body.message.trim());
    }
    await shot(page, '02-registered');

    // 2. The confirmation link.
    const confirmation = await mailbox.waitFor({ to: email, linkPath: '/confirm/email' });
    t.diagnostic(`confirmation mail: ${confirmation.file} «${confirmation.subject}»`);
    const confirmed = await captureApi(page, 'POST', 'confirm/email', () => page.goto(localLink(confirmation.link)));
    assert.equal(confirmed.status, 200, `confirm/email answered ${confirmed.status}: ${JSON.stringify(confirmed.body)}`);
    assert.equal(await textOf(page, '.confirm-email__done'), 'Адрес электронной почты подтверждён');
    await shot(page, '03-email-confirmed');

    // 3. Login with the password only.
    const first = await submitLogin(page, email, password);
    assert.equal(first.status, 200, `session answered ${first.status}: ${JSON.stringify(first.body)}`);
    assert.ok(first.body.user && first.body.csrf, `expected a completed login: ${JSON.stringify(first.body)}`);
    await waitForPage(page, 'home');
    await page.locator('.user-menu__name').click(); // the name in the header leads to the profile
    await waitForPage(page, 'profile');
    await shot(page, '04-logged-in');

    // 4. The SMS second factor is switched on in the profile with a code from the simulator.
    const section = page.locator('.profile-second-factor');
    const started = await captureApi(page, 'POST', 'me/second-factor', () => section.locator('.second-factor__enable-sms').click());
    assert.ok(started.status >= 200 && started.status < 300, `me/second-factor answered ${started.status}: ${JSON.stringify(started.body)}`);
    assert.equal(started.request.method, 'sms');
    assert.ok(started.headers['x-csrf-token'], 'me/second-factor went without X-CSRF-Token');
    const setup = await sms.waitForCode({ to: phone });
    assert.equal(phoneKey(setup.to), phoneKey(phone));
    await control(page, 'code', '.profile-second-factor').fill(setup.code);
    const enabled = await captureApi(page, 'POST', 'me/second-factor/confirm', () => section.locator('form.code-entry button[type="submit"]').click());
    assert.equal(enabled.status, 200, `me/second-factor/confirm answered ${enabled.status}: ${JSON.stringify(enabled.body)}`);
    await section.locator('.second-factor__enabled').waitFor();
    if (Array.isArray(enabled.body.recovery_codes)) {
      assert.equal(await section.locator('.recovery-codes li').count(), enabled.body.recovery_codes.length);
    }
    await shot(page, '05-second-factor-on');
    await section.getByRole('button', { name: 'Я сохранил коды' }).click();
    await section.getByText('Включена: при входе').waitFor();

    // 5. Logout and login again: now the SMS code is asked.
    await logout(page);
    const second = await submitLogin(page, email, password);
    assert.equal(second.status, 200);
    assert.equal(second.body.second_factor, 'sms', `expected the SMS step: ${JSON.stringify(second.body)}`);
    await passSecondFactor(page, sms, phone, '06-second-factor-step');
    await page.locator('.user-menu__logout').waitFor();
    await shot(page, '07-logged-in-with-code');
    await logout(page);

    // 6. Password recovery: «Забыли пароль?» → the e-mail → the link → a new password.
    await page.locator('form.login-form a[href$="/password/reset"]').click();
    await waitForPage(page, 'password-reset');
    await control(page, 'email').fill(email);
    const requested = await captureApi(page, 'POST', 'password/reset', () => page.locator('form.reset-form button[type="submit"]').click());
    assert.ok(requested.status >= 200 && requested.status < 300, `password/reset answered ${requested.status}`);
    assert.equal(requested.request.email, email);
    await page.locator('.reset-sent').waitFor();
    await shot(page, '08-reset-requested');

    const letter = await mailbox.waitFor({ to: email, linkPath: '/password/reset' });
    t.diagnostic(`reset mail: ${letter.file} «${letter.subject}»`);
    const resetLink = localLink(letter.link);
    assert.ok(new URL(resetLink).searchParams.get('token'), `no token in ${letter.link}`);
    await page.goto(resetLink);
    await waitForPage(page, 'password-reset');
    await control(page, 'password').fill(newPassword);
    await control(page, 'confirm').fill(newPassword);
    const reset = await captureApi(page, 'POST', 'password/reset/confirm', () => page.locator('form.reset-form button[type="submit"]').click());
    assert.equal(reset.status, 200, `password/reset/confirm answered ${reset.status}: ${JSON.stringify(reset.body)}`);
    await page.locator('.reset-done').waitFor();
    await shot(page, '09-password-reset');

    // 7. The old password no longer works, the new one does (with the SMS step).
    const old = await submitLogin(page, email, password);
    assert.equal(old.status, 401, `the old password still works: ${old.status}`);
    await page.locator('form.login-form .form-status .notice--error').waitFor();
    const renewed = await submitLogin(page, email, newPassword);
    assert.equal(renewed.status, 200, `session answered ${renewed.status}: ${JSON.stringify(renewed.body)}`);
    await passSecondFactor(page, sms, phone, '10-second-factor-after-reset');
    await shot(page, '11-logged-in-new-password');

    // 8. The same reset link a second time.
    await page.goto(resetLink);
    await waitForPage(page, 'password-reset');
    await control(page, 'password').fill('Oes360-Again3');
    await control(page, 'confirm').fill('Oes360-Again3');
    const again = await captureApi(page, 'POST', 'password/reset/confirm', () => page.locator('form.reset-form button[type="submit"]').click());
    assert.equal(again.status, 410, `a used link answered ${again.status}`);
    assert.equal(await textOf(page, '.reset-invalid'), 'Ссылка недействительна или устарела');
    await shot(page, '12-reset-link-used');
  }, { artifact: 'oes360-identity' });
});
