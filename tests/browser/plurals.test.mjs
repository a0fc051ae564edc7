// Plural agreement of the portal's length messages (issue 9, item 15): the
// helpers of portal/assets/core/validation.js directly, and on the ВГЭС
// registration form in the browser («Не менее 3 символов», «от 6 до 64
// символов»).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, withPage, screenshot } from './lib/browser.mjs';
import { waitForPage, portalUrl, control } from './lib/portal.mjs';
import { charsGenitive, passwordPolicyHint, validateField, checkPasswordPolicy } from '../../portal/assets/core/validation.js';

test('«символов» после «не менее», «не более», «до»', () => {
  const want = { 1: '1 символа', 3: '3 символов', 6: '6 символов', 11: '11 символов', 21: '21 символа', 64: '64 символов', 101: '101 символа', 111: '111 символов' };
  for (const [n, text] of Object.entries(want)) assert.equal(charsGenitive(Number(n)), text);
  assert.equal(passwordPolicyHint({ min_length: 6, max_length: 64 }), 'Пароль: от 6 до 64 символов');
  assert.equal(passwordPolicyHint({ min_length: 3 }), 'Пароль: не менее 3 символов');
  assert.equal(passwordPolicyHint({ max_length: 21 }), 'Пароль: не более 21 символа');
  assert.equal(validateField({ type: 'text', min_length: 3 }, 'ab'), 'Не менее 3 символов');
  assert.equal(validateField({ type: 'text', max_length: 32 }, 'x'.repeat(33)), 'Не более 32 символов (сейчас 33)');
  assert.equal(checkPasswordPolicy({ min_length: 8 }, 'abc'), 'Пароль должен быть не короче 8 символов');
  assert.equal(checkPasswordPolicy({ max_length: 64 }, 'a'.repeat(65)), 'Пароль должен быть не длиннее 64 символов');
});

test('ВГЭС: регистрация — «Не менее 3 символов», «от 6 до 64 символов»', { skip: skipReason() || false, timeout: 60000 }, async (t) => {
  await withPage(t, async (page) => {
    await page.goto(portalUrl('vges', 'register'));
    await waitForPage(page, 'register');
    const kind = page.locator('input[name="kind"][value="individual"]');
    if (await kind.count()) await kind.check();
    const username = control(page, 'username');
    await username.fill('ab');
    await username.blur();
    const error = page.locator('[data-field="username"] .field-error');
    await page.waitForFunction(() => {
      const e = document.querySelector('[data-field="username"] .field-error');
      return e && e.textContent.trim() !== '';
    });
    assert.equal((await error.innerText()).trim(), 'Не менее 3 символов');
    const hint = await page.locator('[data-field="password"] .field-hint').innerText();
    assert.match(hint, /от 6 до 64 символов/);
    assert.doesNotMatch(await page.locator('main').innerText(), /(?:^|\D)(?:3|6|64) символа(?!\p{L})/u);
    await screenshot(page, 'plurals.vges-register');
  }, { artifact: 'plurals.vges-register-done' });
});
