// Registration page of the consumer portal against a running kabinetd
// (KABINET_URL, e.g. http://127.0.0.1:18080).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseUrl, skipReason, withPage, screenshot } from './lib/browser.mjs';

const skip = skipReason() || false;

const REGISTRATION_PATH = '/api/v1/registration';

function isRegistrationResponse(response) {
  return response.request().method() === 'POST' && new URL(response.url()).pathname.endsWith(REGISTRATION_PATH);
}

/** Waits until the trimmed text of the first element matching selector satisfies the check. */
async function waitForText(page, selector, expected) {
  await page.waitForFunction(
    ([sel, want]) => {
      const el = document.querySelector(sel);
      if (!el) return false;
      const text = el.textContent.trim();
      return want === null ? text !== '' : text === want;
    },
    [selector, expected],
  );
  return (await page.locator(selector).first().textContent()).trim();
}

function control(page, name) {
  return page.locator(`[data-field="${name}"] :is(input, select, textarea)[name="${name}"]`);
}

/** Ticks every consent checkbox of the form (the tenant decides which are required). */
async function acceptConsents(page) {
  const boxes = page.locator('.consents input[type="checkbox"]');
  const n = await boxes.count();
  for (let i = 0; i < n; i += 1) await boxes.nth(i).check();
}

/** Clicks the submit button and returns {status, body, request} of the registration call it makes. */
async function submitAndCapture(page) {
  const [response] = await Promise.all([
    page.waitForResponse(isRegistrationResponse),
    page.locator('form.reg-form button[type="submit"]').click(),
  ]);
  return {
    status: response.status(),
    body: await response.json(),
    request: JSON.parse(response.request().postData() || '{}'),
  };
}

test('ВОЭК, юридическое лицо: ошибка ОГРН от сервера показана у поля, верный ОГРН принят', { skip, timeout: 120000 }, async (t) => {
  await withPage(t, async (page) => {
    await page.goto(`${baseUrl()}/t/voek/register`);
    await page.locator('form.reg-form').waitFor();

    const legal = page.locator('input[name="kind"][value="legal_entity"]');
    await legal.check();
    assert.match(await page.locator(`label[for="${await legal.getAttribute('id')}"]`).textContent(), /Юридическое лицо/);
    await page.locator('[data-field="ogrn"]').waitFor();

    await control(page, 'inn').fill('7707083893');
    await control(page, 'email').fill(`legal-${Date.now()}@example.ru`);
    await control(page, 'password').fill('Kabinet2024!Test');
    await control(page, 'password_confirm').fill('Kabinet2024!Test');
    await control(page, 'phone').fill('+7 900 123-45-67');
    await control(page, 'ogrn').fill('1027700132194');
    await acceptConsents(page);

    // A wrong check digit: only the server knows it, and it says so beside the field.
    const first = await submitAndCapture(page);
    assert.equal(first.request.kind, 'legal_entity');
    assert.equal(first.request.fields.ogrn, '1027700132194');
    assert.equal(first.status, 422, `registration answered ${first.status}: ${JSON.stringify(first.body)}`);
    assert.equal(first.body.error, 'validation_failed');
    const serverReason = first.body.fields && first.body.fields.ogrn;
    assert.ok(typeof serverReason === 'string' && serverReason.trim() !== '', `no fields.ogrn in ${JSON.stringify(first.body)}`);

    const shown = await waitForText(page, '[data-field="ogrn"] .field-error', serverReason.trim());
    assert.equal(shown, serverReason.trim());
    assert.equal(await control(page, 'ogrn').getAttribute('aria-invalid'), 'true');
    const errorId = await page.locator('[data-field="ogrn"] .field-error').getAttribute('id');
    assert.ok((await control(page, 'ogrn').getAttribute('aria-describedby')).split(/\s+/).includes(errorId),
      'the ОГРН input is not described by its error element');
    if (first.body.message) {
      const general = await waitForText(page, '.form-status .notice--error strong', null);
      assert.equal(general, first.body.message.trim());
    }
    await screenshot(page, 'voek-legal-entity-ogrn.server-error');

    // The right number passes: the account is created and the server's message is shown.
    await control(page, 'ogrn').fill('1027700132195');
    const second = await submitAndCapture(page);
    assert.equal(second.request.fields.ogrn, '1027700132195');
    assert.equal(second.status, 201, `registration answered ${second.status}: ${JSON.stringify(second.body)}`);
    assert.equal(second.body.user.kind, 'legal_entity');
    assert.ok(Array.isArray(second.body.confirmations) && second.body.confirmations.includes('email'),
      `ВОЭК confirms the e-mail: ${JSON.stringify(second.body.confirmations)}`);
    await page.locator('.registration-result').waitFor();
    if (second.body.message) {
      assert.equal(await waitForText(page, '.registration-result__message', second.body.message.trim()), second.body.message.trim());
    }
    await page.locator('[data-step="email"]').waitFor();
  }, { artifact: 'voek-legal-entity-ogrn' });
});

test('ВГЭС: переключатель «Я из Воронежа» выбирает между улицей из справочника и адресом', { skip, timeout: 120000 }, async (t) => {
  await withPage(t, async (page) => {
    await page.goto(`${baseUrl()}/t/vges/register`);
    await page.locator('form.reg-form').waitFor();

    const toggle = page.locator('[data-field="from_voronezh"] input[role="switch"]');
    await toggle.waitFor();
    const street = page.locator('[data-field="street"]');
    const address = page.locator('[data-field="address"]');

    async function expectFromVoronezh(on) {
      assert.equal(await toggle.isChecked(), on);
      assert.equal((await page.locator('[data-field="from_voronezh"] .switch__state').textContent()).trim(), on ? 'Да' : 'Нет');
      if (on) {
        await street.waitFor({ state: 'visible' });
        await address.waitFor({ state: 'hidden' });
        // The street list comes from the tenant's dictionary.
        await page.waitForFunction(() => {
          const s = document.querySelector('[data-field="street"] select');
          return s && !s.disabled && s.options.length > 1;
        });
      } else {
        await address.waitFor({ state: 'visible' });
        await street.waitFor({ state: 'hidden' });
        assert.equal(await control(page, 'address').isEnabled(), true);
      }
    }

    const initial = await toggle.isChecked();
    await expectFromVoronezh(initial);
    await toggle.setChecked(!initial);
    await expectFromVoronezh(!initial);
    await toggle.setChecked(initial);
    await expectFromVoronezh(initial);

    // Leave the page showing the city resident's variant with a street chosen.
    if (!initial) await toggle.setChecked(true);
    await expectFromVoronezh(true);
    const streetSelect = control(page, 'street');
    const firstStreet = await streetSelect.locator('option').nth(1).getAttribute('value');
    await streetSelect.selectOption(firstStreet);
    assert.equal(await streetSelect.inputValue(), firstStreet);
  }, { artifact: 'vges-from-voronezh-switch' });
});

test('ВОЭК: шапка в цветах организации, переходы без перезагрузки страницы', { skip, timeout: 120000 }, async (t) => {
  await withPage(t, async (page) => {
    const tenant = await (await page.request.get(`${baseUrl()}/t/voek/api/v1/tenant`)).json();
    await page.goto(`${baseUrl()}/t/voek/`);
    const header = page.locator('.site-header');
    // The static shell of index.html has a header too; the navigation appears once the tenant is loaded.
    await page.locator('.site-header .nav').waitFor();
    assert.equal((await page.locator('.brand__short').textContent()).trim(), tenant.short_name || tenant.name);
    if (tenant.name && tenant.name !== tenant.short_name) {
      assert.equal((await page.locator('.brand__name').textContent()).trim(), tenant.name);
    }
    const hex = (tenant.branding && tenant.branding.primary || '').toLowerCase();
    if (/^#[0-9a-f]{6}$/.test(hex)) {
      const rgb = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(', ');
      assert.equal(await header.evaluate((el) => getComputedStyle(el).backgroundColor), `rgb(${rgb})`);
    }

    // The router changes the address without loading the document again.
    await page.evaluate(() => { window.__sameDocument = true; });
    await page.locator('.nav a[data-route="register"]').click();
    await page.locator('form.reg-form').waitFor();
    assert.equal(new URL(page.url()).pathname, '/t/voek/register');
    assert.equal(await page.evaluate(() => window.__sameDocument), true);
    assert.equal(await page.locator('.nav a[data-route="register"]').getAttribute('aria-current'), 'page');
    await page.goBack();
    await page.locator('.page--home').waitFor();
    assert.equal(new URL(page.url()).pathname, '/t/voek/');
  }, { artifact: 'voek-header-navigation' });
});
