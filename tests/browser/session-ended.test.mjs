// A session that ends while the portal is open (expired, logged out in another tab: here its cookie is dropped)
// is handled once by the API client (portal/assets/core/api.js): the first call answered 401 sends the person to
// the login page with «Сессия завершена. Войдите снова, чтобы продолжить.», the header forgets the user, and the
// login leads back to the page that was open. Checked for a page being opened (the point page's GET) and for a
// form being sent (POST access/accounts), on the demo data of ВОЭК.
// Screenshots: session-ended.NN-<step>.png in KABINET_ARTIFACTS.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, withPage, screenshot } from './lib/browser.mjs';
import { waitForPage, captureApi, control, apiCall } from './lib/portal.mjs';
import { demoSkipReason, demoAccount, login, openFromMenu, pointIds } from './lib/meters.mjs';

const skip = skipReason() || demoSkipReason() || false;
const ENDED = 'Сессия завершена. Войдите снова, чтобы продолжить.';

/** The login page after the session ended: the message once, no user in the header, "?next=" back to route. */
async function checkSentToLogin(page, route) {
  await waitForPage(page, 'login');
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('next'), route, `next of ${page.url()}`);
  const messages = await page.locator('.notice').allTextContents();
  assert.equal(messages.filter((m) => m.includes(ENDED)).length, 1, `messages on the login page: ${JSON.stringify(messages)}`);
  assert.equal(await page.locator('.user-menu__logout').count(), 0, 'the header still shows the user');
}

/** Logs in on the login page on screen and waits for the page it leads back to. */
async function loginAgain(page, account, pageName) {
  const kindRadio = page.locator(`input[name="kind"][value="${account.kind}"]`);
  if (account.kind && await kindRadio.count()) await kindRadio.check();
  await control(page, 'login').fill(String(account.login));
  await control(page, 'password').fill(String(account.password));
  const answer = await captureApi(page, 'POST', 'session', () => page.locator('form.login-form button[type="submit"]').click());
  assert.equal(answer.status, 200);
  await waitForPage(page, pageName);
  await page.locator('.user-menu__logout').waitFor();
}

test('ВОЭК: сессия завершилась — страница входа с сообщением и возврат после входа', { skip, timeout: 120000 }, async (t) => {
  const account = demoAccount('voek', 'individual');
  await withPage(t, async (page) => {
    await login(page, account, { next: 'points', pageName: 'points' });
    const [id] = await pointIds(page);

    // A page opened after the session ended: its first request answers 401.
    await page.context().clearCookies();
    // The point page asks for the point and the list at once; whichever answers 401 first sends the person to
    // the login page and the other request is dropped.
    const [opened] = await Promise.all([
      page.waitForResponse((r) => apiCall('GET', `points/${id}`)(r) || apiCall('GET', 'points')(r)),
      page.locator(`.point-card[data-point="${id}"] .point-card__link`).click(),
    ]);
    assert.equal(opened.status(), 401);
    await checkSentToLogin(page, `points/${id}`);
    await screenshot(page, 'session-ended.01-login-after-page');
    await loginAgain(page, account, 'point');
    assert.ok(new URL(page.url()).pathname.endsWith(`/points/${id}`), `back at ${page.url()}`);

    // A form sent after the session ended.
    await openFromMenu(page, 'access', 'access');
    await page.locator('.account-add__toggle').click();
    await control(page, 'number', 'form.account-add-form').fill('1234567890');
    await page.context().clearCookies();
    const sent = await captureApi(page, 'POST', 'access/accounts', () => page.locator('form.account-add-form button[type="submit"]').click());
    assert.equal(sent.status, 401);
    await checkSentToLogin(page, 'access');
    await screenshot(page, 'session-ended.02-login-after-form');
    await loginAgain(page, account, 'access');
  }, { artifact: 'session-ended' });
});
