// КЭС Оренбуржья: e-mail and phone are both confirmed before the first login. A person who registers and
// leaves before entering the SMS code finishes later at the login page: the e-mail link first, then the
// login says only the phone is left and takes the code on the spot, and the person lands in the cabinet.
// The profile then shows both confirmed; a new phone counts only once the code sent to it is entered.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, withPage, screenshot } from './lib/browser.mjs';
import { Mailbox } from './lib/mail.mjs';
import { SmsInbox, phoneKey } from './lib/sms.mjs';
import {
  deliverySkipReason, portalUrl, localLink, control, acceptConsents, captureApi, uniqueEmail,
} from './lib/portal.mjs';

const skip = skipReason() || deliverySkipReason({ sms: true }) || false;
const shot = (page, step) => screenshot(page, `kes-confirm-later.${step}`);

/** A mobile number of this run: +7 9XX XXX-XX-XX. */
function uniqueMobile(seed = 0) {
  const d = String((Date.now() + seed) % 1e9).padStart(9, '0');
  return `+7 9${d.slice(0, 2)} ${d.slice(2, 5)}-${d.slice(5, 7)}-${d.slice(7, 9)}`;
}

/** The phone as the portal shows it: +7 (912) 345-67-89 (no-break spaces as plain ones). */
function shown(phone) {
  const d = phoneKey(phone);
  return `+7 (${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6, 8)}-${d.slice(8)}`;
}
const plain = (text) => String(text).replace(/[\u00a0\u202f]/g, ' ').replace(/\s+/g, ' ').trim();

test('КЭС: регистрация, уход до ввода кода из SMS, подтверждение при входе, смена телефона в профиле', { skip, timeout: 180000 }, async (t) => {
  await withPage(t, async (page) => {
    const email = uniqueEmail('kes-later');
    const phone = uniqueMobile();
    const password = 'Kes2024start';
    const mailbox = await Mailbox.open();
    const sms = await SmsInbox.open();

    // 1. Registration; the page asks for the SMS code — and the person leaves (the tab's storage is gone).
    await page.goto(portalUrl('kes-orenburg', 'register'));
    await page.locator('form.reg-form').waitFor();
    await control(page, 'surname').fill('Поздняков');
    await control(page, 'name').fill('Павел');
    await control(page, 'email').fill(email);
    await control(page, 'phone').fill(phone);
    await control(page, 'password').fill(password);
    await control(page, 'password_confirm').fill(password);
    await acceptConsents(page);
    const registered = await captureApi(page, 'POST', 'registration', () => page.locator('form.reg-form button[type="submit"]').click());
    assert.equal(registered.status, 201, `registration answered ${registered.status}: ${JSON.stringify(registered.body)}`);
    await page.locator('[data-step="phone"] form.code-entry').waitFor();
    await shot(page, '01-registered-code-asked');
    const { code } = await sms.waitForCode({ to: phone });
    await page.evaluate(() => sessionStorage.clear());
    await page.goto('about:blank');

    // 2. Later: the mail link.
    const mail = await mailbox.waitFor({ to: email, linkPath: '/confirm/email' });
    const confirmed = await captureApi(page, 'POST', 'confirm/email', () => page.goto(localLink(mail.link)));
    assert.equal(confirmed.status, 200, `confirm/email answered ${confirmed.status}: ${JSON.stringify(confirmed.body)}`);
    await page.locator('.confirm-email__done').waitFor();
    // The registration page is gone: the way on is the login.
    assert.match(plain(await page.locator('.confirm-email__phone-left').textContent()), /войдите — на странице входа можно ввести код из SMS/);
    await shot(page, '02-email-confirmed');

    // 3. Login: only the phone is left, said exactly; the code is entered right there.
    await page.goto(portalUrl('kes-orenburg', 'login'));
    await page.locator('form.login-form').waitFor();
    await control(page, 'login').fill(email);
    await control(page, 'password').fill(password);
    const refused = await captureApi(page, 'POST', 'session', () => page.locator('form.login-form button[type="submit"]').click());
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.deepEqual(refused.body.remaining, ['phone']);
    const status = plain(await page.locator('form.login-form > .form-status').textContent());
    assert.match(status, /кодом из SMS/);
    assert.doesNotMatch(status, /письм/, `the login still asks for the mail link: ${status}`);
    const step = page.locator('.login-confirm [data-step="phone"]');
    await step.waitFor();
    assert.equal(await page.locator('.login-confirm [data-step="email"]').count(), 0);
    assert.ok(plain(await step.textContent()).includes(shown(phone)), `the number is not shown formatted: ${await step.textContent()}`);
    await step.locator('.code-entry__resend').waitFor();
    await control(page, 'code', '.login-confirm').fill(code);
    await shot(page, '03-login-code-asked');
    const phoneOk = await captureApi(page, 'POST', 'confirm/phone', () => step.locator('form.code-entry button[type="submit"]').click());
    assert.equal(phoneOk.status, 200, JSON.stringify(phoneOk.body));
    assert.ok(phoneOk.request.pending_token, 'no pending token sent');
    assert.equal(phoneOk.body.state, 'active');

    // 4. In the cabinet without typing the password again.
    await page.locator('.user-menu__logout').waitFor();
    assert.ok(!new URL(page.url()).pathname.endsWith('/login'), page.url());
    await shot(page, '04-in-cabinet');

    // 5. The profile: both confirmed; a new phone waits for its code, the old one stays until then.
    await page.goto(portalUrl('kes-orenburg', 'profile'));
    await page.locator('.profile-form').waitFor();
    for (const name of ['email', 'phone']) {
      const mark = page.locator(`[data-field="${name}"] .contact-state`);
      assert.equal((await mark.textContent()).trim(), 'подтверждён', `${name} not shown as confirmed`);
    }
    const next = uniqueMobile(7919);
    await control(page, 'phone', '.profile-form').fill(next);
    const saved = await captureApi(page, 'PATCH', 'me', () => page.locator('.profile-form button[type="submit"]').click());
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.equal(phoneKey(saved.body.user.phone), phoneKey(phone));
    assert.equal(phoneKey(saved.body.user.phone_change_pending), phoneKey(next));
    const change = page.locator('.profile-phone-change');
    await change.waitFor();
    const changeText = plain(await change.textContent());
    assert.ok(changeText.includes(shown(next)) && changeText.includes(shown(phone)), changeText);
    assert.equal(phoneKey(await control(page, 'phone', '.profile-form').inputValue()), phoneKey(phone));
    await shot(page, '05-phone-change-code-asked');
    const newCode = await sms.waitForCode({ to: next });
    await control(page, 'code', '.profile-phone-change').fill(newCode.code);
    const done = await captureApi(page, 'POST', 'me/phone/confirm', () => change.locator('form.code-entry button[type="submit"]').click());
    assert.equal(done.status, 200, JSON.stringify(done.body));
    await page.locator('.profile-saved').waitFor();
    assert.equal(phoneKey(await control(page, 'phone', '.profile-form').inputValue()), phoneKey(next));
    assert.equal((await page.locator('[data-field="phone"] .contact-state').textContent()).trim(), 'подтверждён');
    assert.equal(await page.locator('.profile-phone-change').count(), 0);
    await shot(page, '06-phone-changed');
  });
});
