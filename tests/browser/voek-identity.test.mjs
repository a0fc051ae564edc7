// ВОЭК, legal entity: the whole way of an account through the portal against
// a running kabinetd (KABINET_URL) with its test SMTP server (KABINET_MAIL_DIR):
// registration → confirmation mail → confirmation page → login by ОГРН →
// profile (phone changed and still there after a reload) → logout → a
// protected page sends to the login page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, withPage, screenshot } from './lib/browser.mjs';
import { Mailbox } from './lib/mail.mjs';
import {
  deliverySkipReason, portalUrl, localLink, control, acceptConsents, waitForPage, captureApi, textOf, uniqueEmail,
} from './lib/portal.mjs';

const skip = skipReason() || deliverySkipReason() || false;

// ПАО «Газпром»: a real, valid ИНН / ОГРН pair (registration.test.mjs uses another one).
const INN = '7736050003';
const OGRN = '1027700070518';
const PASSWORD = 'Voek2024!Legal';

const shot = (page, step) => screenshot(page, `voek-identity.${step}`);

test('ВОЭК, юридическое лицо: регистрация, подтверждение e-mail, вход по ОГРН, профиль, выход', { skip, timeout: 180000 }, async (t) => {
  await withPage(t, async (page) => {
    const email = uniqueEmail('voek-legal');
    const mailbox = await Mailbox.open();

    // 1. Registration of a legal entity.
    await page.goto(portalUrl('voek', 'register'));
    await page.locator('form.reg-form').waitFor();
    await page.locator('input[name="kind"][value="legal_entity"]').check();
    await page.locator('[data-field="ogrn"]').waitFor();
    await control(page, 'inn').fill(INN);
    await control(page, 'email').fill(email);
    await control(page, 'password').fill(PASSWORD);
    await control(page, 'password_confirm').fill(PASSWORD);
    await control(page, 'phone').fill('+7 900 111-22-33');
    await control(page, 'ogrn').fill(OGRN);
    await acceptConsents(page);
    await shot(page, '01-register-filled');

    const registered = await captureApi(page, 'POST', 'registration', () => page.locator('form.reg-form button[type="submit"]').click());
    assert.equal(registered.status, 201, `registration answered ${registered.status}: ${JSON.stringify(registered.body)}`);
    assert.equal(registered.request.kind, 'legal_entity');
    assert.equal(registered.request.fields.ogrn, OGRN);
    assert.ok(registered.body.confirmations.includes('email'), JSON.stringify(registered.body));
    await page.locator('.registration-result').waitFor();
    if (registered.body.message) {
      assert.equal(await textOf(page, '.registration-result__message'), registered.body.message.trim());
    }
    await page.locator('[data-step="email"]').waitFor();
    assert.match(await textOf(page, '[data-step="email"]'), new RegExp(email.replace(/[.+]/g, '\\$&')));
    await shot(page, '02-registered');

    // 2. The confirmation mail and its link.
    const mail = await mailbox.waitFor({ to: email, linkPath: '/confirm/email' });
    t.diagnostic(`confirmation mail: ${mail.file} «${mail.subject}»`);
    const link = new URL(localLink(mail.link));
    assert.equal(link.pathname, '/t/voek/confirm/email');
    assert.ok(link.searchParams.get('token'), `no token in ${mail.link}`);

    // 3. The confirmation page posts the token itself once it is open; the result is shown.
    const confirmed = await captureApi(page, 'POST', 'confirm/email', () => page.goto(link.toString()));
    assert.equal(confirmed.status, 200, `confirm/email answered ${confirmed.status}: ${JSON.stringify(confirmed.body)}`);
    assert.equal(confirmed.request.token, link.searchParams.get('token'));
    await waitForPage(page, 'confirm-email');
    assert.equal(await textOf(page, '.confirm-email__done'), 'Адрес электронной почты подтверждён');
    await shot(page, '03-email-confirmed');

    // 4. Login by ОГРН.
    await page.locator('.confirm-email a[href$="/login"]').click();
    await waitForPage(page, 'login');
    await page.locator('input[name="kind"][value="legal_entity"]').check();
    assert.equal((await page.locator('[data-field="login"] label').first().textContent()).replace('*', '').trim(), 'ОГРН');
    await control(page, 'login').fill(OGRN);
    await control(page, 'password').fill(PASSWORD);
    await page.locator('#login-remember').check();
    const login = await captureApi(page, 'POST', 'session', () => page.locator('form.login-form button[type="submit"]').click());
    assert.equal(login.status, 200, `session answered ${login.status}: ${JSON.stringify(login.body)}`);
    assert.equal(login.request.login, OGRN);
    assert.equal(login.request.kind, 'legal_entity');
    assert.equal(login.request.remember, true);
    assert.ok(login.body.csrf, 'no csrf in the session answer');
    await waitForPage(page, 'home'); // a login without «?next=» lands on the home page
    await page.locator('.user-menu__logout').waitFor();
    assert.ok((await textOf(page, '.user-menu__name')).length > 0);
    assert.equal(await page.locator('.nav a[data-route="login"]').count(), 0, 'the menu still offers «Вход»');
    await shot(page, '04-logged-in');

    // 5. The profile (the name in the header leads there): the login is read-only, the phone changes.
    await page.locator('.user-menu__name').click();
    await waitForPage(page, 'profile');
    const ogrnInput = control(page, 'ogrn', '.profile-form');
    assert.equal(await ogrnInput.inputValue(), OGRN);
    assert.equal(await ogrnInput.getAttribute('readonly'), '');
    assert.equal(await control(page, 'email', '.profile-form').inputValue(), email);
    await control(page, 'phone', '.profile-form').fill('+7 900 765-43-21');
    await shot(page, '05-profile-edited');
    const saved = await captureApi(page, 'PATCH', 'me', () => page.locator('form.profile-form button[type="submit"]').click());
    assert.equal(saved.status, 200, `PATCH me answered ${saved.status}: ${JSON.stringify(saved.body)}`);
    assert.ok(saved.headers['x-csrf-token'], 'PATCH me went without X-CSRF-Token');
    assert.deepEqual(Object.keys(saved.request.fields), ['phone'], `sent ${JSON.stringify(saved.request)}`);
    assert.equal(await textOf(page, '.profile-saved'), 'Изменения сохранены');
    await shot(page, '06-profile-saved');

    // 6. Still there after a reload (the session and the CSRF token come back through GET me).
    await page.reload();
    await waitForPage(page, 'profile');
    await control(page, 'phone', '.profile-form').waitFor();
    assert.equal((await control(page, 'phone', '.profile-form').inputValue()).replace(/\D/g, '').slice(-10), '9007654321');
    await shot(page, '07-profile-reloaded');

    // 7. Logout.
    const out = await captureApi(page, 'DELETE', 'session', () => page.locator('.user-menu__logout').click());
    assert.equal(out.status, 204);
    assert.ok(out.headers['x-csrf-token'], 'DELETE session went without X-CSRF-Token');
    await waitForPage(page, 'login');
    await page.getByText('Вы вышли из личного кабинета.').waitFor();
    assert.equal(await page.locator('.user-menu__logout').count(), 0);
    await shot(page, '08-logged-out');

    // 8. A protected page now leads to the login page and back.
    await page.goto(portalUrl('voek', 'profile'));
    await waitForPage(page, 'login');
    const at = new URL(page.url());
    assert.equal(at.pathname, '/t/voek/login');
    assert.equal(at.searchParams.get('next'), 'profile');
    await shot(page, '09-protected-redirect');
  }, { artifact: 'voek-identity' });
});
