// Identifiers as people read them (issue 9, item 14): the profile of the ВОЭК consumer who logs in by
// СНИЛС shows it as «118-452-306 44» and the phone as «+7 (916) 123-45-67», never an 11-digit run; the
// operator's «Потребители и доступ» shows consumers' logins and phones the same way, and finds a consumer
// by the СНИЛС typed as shown. And the login's
// default landing: a login with a second factor and no «?next=» goes to «login/second-factor» with no
// «?next=» either, and then to the home page.
// The SMS second factor's set-up names the phone formatted too.
// Screenshots: identifiers.profile.png, identifiers.sms-set-up.01-sentence.png, identifiers.consumers.png,
// identifiers.second-factor.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { skipReason, withPage, screenshot, baseUrl } from './lib/browser.mjs';
import { waitForPage, portalUrl, control, captureApi } from './lib/portal.mjs';
import { demoSkipReason, demoAccount, login } from './lib/meters.mjs';
import { staffSkipReason, createTenantAdmin } from './lib/staff.mjs';

const skip = skipReason() || demoSkipReason() || false;

/** An 11-digit run (a raw СНИЛС or phone) not inside a longer number (an ОГРН, an ОГРНИП). */
const ELEVEN_DIGITS = /(?<!\d)\d{11}(?!\d)/;
const PHONE = /^\+7 \(\d{3}\) \d{3}-\d{2}-\d{2}$/;

const plain = (s) => String(s).replace(/\u00a0/g, ' ');

/** What the page shows as text, and the values of the fields that can only be read. */
async function shownText(page, selector) {
  const text = await page.locator(selector).innerText();
  const readOnly = await page.locator(`${selector} input[readonly]`).evaluateAll((els) => els.map((e) => e.value));
  return plain([text, ...readOnly].join('\n'));
}

test('ВОЭК: в профиле СНИЛС и телефон отформатированы', { skip, timeout: 120000 }, async (t) => {
  const account = demoAccount('voek', 'individual');
  await withPage(t, async (page) => {
    await login(page, account);
    await page.locator('.profile-details form').waitFor();
    await page.waitForFunction(() => document.querySelector('.profile-details input[readonly]'));
    const text = await shownText(page, '.page--profile');
    assert.ok(text.includes('118-452-306 44'), `the СНИЛС is not shown formatted:\n${text}`);
    assert.doesNotMatch(text, ELEVEN_DIGITS, 'an 11-digit run on the profile');
    assert.doesNotMatch(text, /\bnull\b|\bundefined\b/);
    await screenshot(page, 'identifiers.profile');
  }, { artifact: 'identifiers.profile' });
});

test('ОЭС 360: при подключении кода из SMS номер назван отформатированным', { skip, timeout: 120000 }, async (t) => {
  const account = demoAccount('oes360');
  await withPage(t, async (page) => {
    await login(page, account);
    const sms = page.locator('.second-factor__enable-sms');
    await sms.waitFor();
    const sent = await captureApi(page, 'POST', 'me/second-factor', () => sms.click());
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    const sentence = page.locator('.second-factor p', { hasText: 'Мы отправили код в SMS' });
    await sentence.waitFor();
    assert.match(plain(await sentence.locator('strong').innerText()), PHONE);
    assert.doesNotMatch(plain(await page.locator('.profile-second-factor').innerText()), ELEVEN_DIGITS);
    await screenshot(page, 'identifiers.sms-set-up.01-sentence');
    // Nothing is switched on: the set-up is left.
    await page.locator('.second-factor button', { hasText: 'Отмена' }).click();
    await page.locator('.second-factor__enable-sms').waitFor();
  }, { artifact: 'identifiers.sms-set-up' });
});

test('оператор видит логины и телефоны потребителей отформатированными', { skip: skip || staffSkipReason() || false, timeout: 120000 }, async (t) => {
  const consumer = demoAccount('voek', 'individual');
  const admin = await createTenantAdmin('voek', { prefix: 'voek-identifiers' });
  await withPage(t, async (page) => {
    await login(page, { ...admin, kind: 'staff' }, { next: 'operator/consumers', pageName: 'operator-consumers' });
    await page.locator('.page--operator-consumers .consumer-item').first().waitFor();
    const phones = await page.locator('.consumer-item__facts div').evaluateAll((rows) => rows
      .filter((r) => r.querySelector('dt').textContent === 'Телефон')
      .map((r) => r.querySelector('dd').textContent));
    const given = phones.filter((p) => p !== '—');
    assert.ok(given.length > 0, 'no consumer with a phone on the page');
    for (const p of given) assert.match(plain(p), PHONE);
    const text = await shownText(page, '.page--operator-consumers');
    assert.doesNotMatch(text, ELEVEN_DIGITS, 'an 11-digit run on the consumers page');
    // The consumer who logs in by СНИЛС: the login formatted.
    const item = page.locator(`.consumer-item[data-login="${String(consumer.login).replace(/\D/g, '')}"]`);
    await item.waitFor();
    const shownLogin = await item.locator('.consumer-item__facts div', { hasText: 'Логин' }).locator('dd').innerText();
    assert.equal(plain(shownLogin), '118-452-306 44');
    await screenshot(page, 'identifiers.consumers');
    // Searching for the login as it is shown finds the consumer.
    assert.match(await page.locator('form.consumer-search').innerText(), /СНИЛС — с дефисами или без/);
    await control(page, 'q', 'form.consumer-search').fill('118-452-306 44');
    await page.locator('form.consumer-search button[type="submit"]').click();
    await page.waitForFunction(() => document.querySelectorAll('.consumer-item').length === 1);
    assert.equal(await page.locator('.consumer-item').getAttribute('data-login'), String(consumer.login).replace(/\D/g, ''));
  }, { artifact: 'identifiers.consumers' });
});

// ---------------------------------------------------------------------------
// The login's default landing with a second factor

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The TOTP code (RFC 6238: HMAC-SHA1, 6 digits, 30 s) of the step `offset` steps from now. */
function totp(secret, offset = 0) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000) + offset));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const at = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(at) & 0x7fffffff) % 1000000).padStart(6, '0');
}

/** A new ВГЭС consumer (active at once) with the authenticator app's second factor; returns {login, password, secret}. */
async function consumerWithTotp() {
  const api = `${baseUrl()}/t/vges/api/v1`;
  const username = `landing${Date.now() % 1000000}`;
  const password = 'Kabinet2024!Test';
  const reg = await fetch(`${api}/registration`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      kind: 'individual',
      consents: ['personal_data'],
      fields: {
        username, email: `${username}@example.ru`, password, password_confirm: password, full_name: 'Посадкин Пётр Петрович',
        from_voronezh: false, address: 'Москва, ул. Тверская, 1', postcode: '125009', phone: '+79601153767', snils: '112-233-445 95',
      },
    }),
  });
  assert.equal(reg.status, 201, await reg.text());
  const session = await fetch(`${api}/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ login: username, password }),
  });
  assert.equal(session.status, 200);
  const headers = { 'Content-Type': 'application/json', Cookie: session.headers.get('set-cookie').split(';')[0], 'X-CSRF-Token': (await session.json()).csrf };
  const start = await fetch(`${api}/me/second-factor`, { method: 'POST', headers, body: JSON.stringify({ method: 'totp' }) });
  assert.equal(start.status, 200);
  const { secret } = await start.json();
  const confirm = await fetch(`${api}/me/second-factor/confirm`, { method: 'POST', headers, body: JSON.stringify({ code: totp(secret) }) });
  assert.equal(confirm.status, 200, await confirm.text());
  return { login: username, password, secret };
}

test('вход со вторым фактором без «?next=» ведёт на главную без «?next=» в адресе', { skip: skipReason() || false, timeout: 120000 }, async (t) => {
  const person = await consumerWithTotp();
  await withPage(t, async (page) => {
    await page.goto(portalUrl('vges', 'login'));
    await waitForPage(page, 'login');
    await control(page, 'login').fill(person.login);
    await control(page, 'password').fill(person.password);
    const answer = await captureApi(page, 'POST', 'session', () => page.locator('form.login-form button[type="submit"]').click());
    assert.equal(answer.status, 200);
    assert.equal(answer.body.second_factor, 'totp');
    await waitForPage(page, 'second-factor');
    const url = new URL(page.url());
    assert.equal(url.pathname, '/t/vges/login/second-factor');
    assert.equal(url.searchParams.has('next'), false, `the default landing written into the address: ${url.search}`);
    await screenshot(page, 'identifiers.second-factor');
    // The next step's code: the set-up's code may not be used twice.
    await control(page, 'code').fill(totp(person.secret, 1));
    const done = await captureApi(page, 'POST', 'session/second-factor', () => page.locator('.page--second-factor button[type="submit"]').click());
    assert.equal(done.status, 200, JSON.stringify(done.body));
    await waitForPage(page, 'home');
    assert.equal(new URL(page.url()).pathname, '/t/vges/');
    assert.equal(new URL(page.url()).search, '');
  }, { artifact: 'identifiers.second-factor' });
});
