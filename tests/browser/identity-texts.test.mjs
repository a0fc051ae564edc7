// Texts of the identity pages: the forgot-password notice is one sentence on its lines (the address in it
// does not break it apart); ВГЭС's login hint says once that the user name is the login; СИГМА's own
// failure message is what a refused registration shows; ОЭС 360's notification switches never set show
// the tenant's default («Да»).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, withPage, screenshot } from './lib/browser.mjs';
import { Mailbox } from './lib/mail.mjs';
import { SmsInbox } from './lib/sms.mjs';
import {
  deliverySkipReason, portalUrl, localLink, control, acceptConsents, captureApi, uniqueEmail, waitForPage, apiGet,
} from './lib/portal.mjs';

const skip = skipReason() || false;
const plain = (text) => String(text).replace(/[\u00a0\u202f]/g, ' ').replace(/\s+/g, ' ').trim();

/** How many times a text says a word (case-insensitive). */
function count(text, re) {
  return (String(text).match(new RegExp(re, 'gi')) || []).length;
}

test('«Забыли пароль?»: сообщение об отправке письма — одно предложение, адрес внутри строки', { skip, timeout: 60000 }, async (t) => {
  await withPage(t, async (page) => {
    const email = uniqueEmail('nobody');
    await page.goto(portalUrl('voek', 'password/reset'));
    await control(page, 'email').fill(email);
    const sent = await captureApi(page, 'POST', 'password/reset', () => page.locator('form.reset-form button[type="submit"]').click());
    assert.equal(sent.status, 202);
    const text = page.locator('.reset-sent__text');
    await text.waitFor();
    assert.match(plain(await text.textContent()), new RegExp(`с адресом ${email.replace(/[.+]/g, '\\$&')}, на него отправлено письмо`));
    // The address flows inside the sentence: not a block of its own.
    const display = await text.locator('.nowrap').evaluate((el) => getComputedStyle(el).display);
    assert.equal(display, 'inline');
    await screenshot(page, 'identity-texts.reset-sent');
  });
});

test('ВГЭС: подсказка у имени пользователя говорит о логине один раз', { skip, timeout: 60000 }, async (t) => {
  await withPage(t, async (page) => {
    // ВОЭК's kinds log in differently: each says by what.
    await page.goto(portalUrl('voek', 'register'));
    await page.locator('form.reg-form').waitFor();
    assert.deepEqual((await page.locator('.choice__desc').allTextContents()).map(plain),
      ['Вход по: СНИЛС', 'Вход по: ОГРНИП', 'Вход по: ОГРН']);

    await page.goto(portalUrl('vges', 'register'));
    await page.locator('form.reg-form').waitFor();
    // The kinds all log in by the user name: no «Вход по: Имя пользователя (login)» under each of them.
    assert.equal(await page.locator('.choice__desc').count(), 0, await page.locator('.choice').textContent());
    const hint = plain(await page.locator('[data-field="username"] .field-hint').textContent());
    assert.equal(count(hint, 'логин'), 1, hint);
    assert.equal(count(hint, 'нельзя'), 0, hint);
    await screenshot(page, 'identity-texts.vges-register');

    // In the profile the login is read-only: «нельзя» once.
    const username = `hint${Date.now() % 1e8}`;
    await control(page, 'username').fill(username);
    await control(page, 'email').fill(`${username}@example.ru`);
    await control(page, 'password').fill('Secret123');
    await control(page, 'password_confirm').fill('Secret123');
    await control(page, 'full_name').fill('Подсказкин Пётр Петрович');
    const fromVoronezh = page.locator('[data-field="from_voronezh"] input');
    if (await fromVoronezh.isChecked()) await fromVoronezh.uncheck({ force: true });
    await control(page, 'address').fill('Москва, ул. Тверская, д. 1');
    await control(page, 'postcode').fill('125009');
    await control(page, 'phone').fill('+7 960 115-37-67');
    await control(page, 'snils').fill('112-233-445 95');
    await acceptConsents(page);
    const registered = await captureApi(page, 'POST', 'registration', () => page.locator('form.reg-form button[type="submit"]').click());
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    const login = await captureApi(page, 'POST', 'session', async () => {
      await page.goto(portalUrl('vges', 'login'));
      await control(page, 'login').fill(username);
      await control(page, 'password').fill('Secret123');
      await page.locator('form.login-form button[type="submit"]').click();
    });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    await page.goto(portalUrl('vges', 'profile'));
    await page.locator('.profile-form').waitFor();
    const profileHint = plain(await page.locator('.profile-form [data-field="username"] .field-hint').textContent());
    assert.equal(count(profileHint, 'логин'), 1, profileHint);
    assert.equal(count(profileHint, 'нельзя'), 1, profileHint);
    await screenshot(page, 'identity-texts.vges-profile');
  });
});

test('СИГМА: отказ в регистрации — словами организации', { skip, timeout: 60000 }, async (t) => {
  await withPage(t, async (page) => {
    const form = await (await fetch(portalUrl('sigma', 'api/v1/forms/registration'))).json();
    const own = form.messages.registration_failed;
    assert.equal(own, 'Не удалось создать учетную запись. Откорректируйте введенные данные и повторите попытку.');
    await page.goto(portalUrl('sigma', 'register'));
    await page.locator('form.reg-form').waitFor();
    // Nothing filled in: refused in the page.
    await page.locator('form.reg-form button[type="submit"]').click();
    assert.equal(plain(await page.locator('.registration-failed').textContent()), own);
    // Filled in, but the server refuses (the e-mail of the form is taken by nobody, the phone is no phone).
    await control(page, 'full_name').fill('Отказов Олег Олегович');
    await control(page, 'organization').fill('ООО «Отказ»');
    await control(page, 'contract_number').fill('12-345');
    await control(page, 'phone').fill('+7 978 997-31-92');
    const email = uniqueEmail('sigma-refused');
    await control(page, 'email').fill(email);
    await control(page, 'password').fill('Sigma2024x');
    await control(page, 'password_confirm').fill('Sigma2024x');
    await acceptConsents(page);
    // The server checks the consents itself: one withdrawn on the way makes it refuse.
    await page.route('**/api/v1/registration', (route) => {
      const body = JSON.parse(route.request().postData());
      body.consents = [];
      route.continue({ postData: JSON.stringify(body) });
    });
    const refused = await captureApi(page, 'POST', 'registration', () => page.locator('form.reg-form button[type="submit"]').click());
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    await page.locator('.registration-failed').waitFor();
    assert.equal(plain(await page.locator('.registration-failed').textContent()), own);
    await screenshot(page, 'identity-texts.sigma-refused');
  });
});

test('ОЭС 360: переключатели уведомлений по умолчанию; телефон подтверждается в профиле', {
  skip: skip || deliverySkipReason({ sms: true }) || false, timeout: 90000,
}, async (t) => {
  await withPage(t, async (page) => {
    const email = uniqueEmail('oes360-switches');
    const mailbox = await Mailbox.open();
    await page.goto(portalUrl('oes360', 'register'));
    await control(page, 'email').fill(email);
    await control(page, 'full_name').fill('Уведомлёнов Ульян Ульянович');
    await control(page, 'phone').fill('+7 903 111-22-33');
    await control(page, 'password').fill('Oes360-Switch1');
    await control(page, 'password_confirm').fill('Oes360-Switch1');
    await acceptConsents(page);
    const registered = await captureApi(page, 'POST', 'registration', () => page.locator('form.reg-form button[type="submit"]').click());
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    const mail = await mailbox.waitFor({ to: email, linkPath: '/confirm/email' });
    await page.goto(localLink(mail.link));
    await page.locator('.confirm-email__done').waitFor();
    await page.goto(portalUrl('oes360', 'login'));
    await control(page, 'login').fill(email);
    await control(page, 'password').fill('Oes360-Switch1');
    await page.locator('form.login-form button[type="submit"]').click();
    await page.locator('.user-menu__logout').waitFor();
    await page.goto(portalUrl('oes360', 'profile'));
    await waitForPage(page, 'profile');
    const me = await apiGet(page, 'oes360', 'me');
    assert.deepEqual(me.body.user.notifications, { supplier: true, meters: true });
    // The profile's switches are the notification categories (the tenant's two and the centre's own ones, all on
    // by default): every one never set shows «Да», the tenant's among them.
    const categories = (await apiGet(page, 'oes360', 'notification-kinds')).body.categories;
    assert.ok(['supplier', 'meters'].every((id) => categories.some((c) => c.id === id)), JSON.stringify(categories));
    const states = page.locator('.notifications .switch__state');
    await states.first().waitFor();
    assert.deepEqual((await states.allTextContents()).map((s) => s.trim()), categories.map(() => 'Да'));
    assert.equal(await page.locator('.notifications input[role="switch"]:checked').count(), categories.length);
    await screenshot(page, 'identity-texts.oes360-switches');

    // Codes go to the phone here: the phone of the registration is not proven yet, and is proven on the spot.
    const phoneState = page.locator('[data-field="phone"] .contact-state');
    assert.equal((await phoneState.textContent()).trim(), 'не подтверждён');
    assert.equal((await page.locator('[data-field="email"] .contact-state').textContent()).trim(), 'подтверждён');
    // No SMS notifications to a phone not proven: the settings say how to get them.
    assert.equal(await page.locator('.profile-notifications input[name="channels.sms"]').count(), 0);
    await page.locator('.profile-notifications .notification-settings__sms').waitFor();
    const sms = await SmsInbox.open();
    await page.locator('.contact-state__confirm').click();
    const step = page.locator('.profile-phone-change');
    await step.waitFor();
    const { code } = await sms.waitForCode({ to: '+79031112233' });
    await control(page, 'code', '.profile-phone-change').fill(code);
    const done = await captureApi(page, 'POST', 'me/phone/confirm', () => step.locator('form.code-entry button[type="submit"]').click());
    assert.equal(done.status, 200, JSON.stringify(done.body));
    await page.locator('.profile-saved').waitFor();
    assert.equal((await phoneState.textContent()).trim(), 'подтверждён');
    // The proven phone is offered for SMS notifications at once.
    await page.locator('.profile-notifications input[name="channels.sms"]').waitFor();
    assert.equal(await page.locator('.profile-notifications .notification-settings__sms').count(), 0);
    await screenshot(page, 'identity-texts.oes360-phone-confirmed');
  });
});
