// Entry and home (issue 9, item 14), with the demo accounts of the five
// tenants (KABINET_DEMO_ACCOUNTS): logging in without «?next=» lands on the
// home page; the header names the person (ФИО or organisation, else the
// e-mail — never the login digits, never cut off); the home page has cards
// only for modules the tenant declares, and every link of every card opens a
// page that works; no «null», «undefined» or raw СНИЛС anywhere on the way.
// Also: the QR code of the TOTP set-up (item 15) and the root page listing
// the utilities.
// Screenshots: entry-and-home.<tenant>.NN-<step>.png, entry-and-home.totp.png,
// entry-and-home.root.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, withPage, screenshot, baseUrl } from './lib/browser.mjs';
import { waitForPage, portalUrl, control, captureApi } from './lib/portal.mjs';
import { demoSkipReason, demoAccounts, demoAccount, logout } from './lib/meters.mjs';

const skip = skipReason() || demoSkipReason() || false;

const TENANTS = ['kes-orenburg', 'sigma', 'voek', 'vges', 'oes360'];

// The module cards each tenant's declaration (tenants/<id>/tenant.lua, modules) calls for, besides
// «Точки учёта» and «Лицевые счета и договоры», which every consumer has.
const MODULE_CARDS = {
  'kes-orenburg': [],
  sigma: ['manual', 'reports'],
  voek: ['archive'],
  vges: ['outages', 'manual'],
  oes360: ['manual'],
};

// Tenants with case groups (tenants/<id>/…, case_groups): their home page has the card of the latest cases,
// right after the notifications.
const CASE_CARDS = new Set(['voek', 'vges', 'oes360']);

const step = (prefix, n, name) => `${prefix}.${String(n).padStart(2, '0')}-${name}`;

/** Text a person should never read. */
async function assertCleanText(page, where, account) {
  const text = await page.locator('body').innerText();
  assert.doesNotMatch(text, /\bnull\b|\bundefined\b|\bNaN\b|\[object Object\]/, `${where}: «null»/«undefined» on the page`);
  if (/^\d{11}$/.test(String(account.login).replace(/\D/g, '')) && /snils|СНИЛС/i.test(`${account.kind} ${account.description}`)) {
    assert.ok(!text.includes(String(account.login).replace(/\D/g, '')), `${where}: the СНИЛС is shown as raw digits`);
  }
}

/** Logs in from the login page without «?next=» and waits for the page after it. */
async function loginPlain(page, account) {
  await page.goto(portalUrl(account.tenant, `login${account.kind ? `?kind=${encodeURIComponent(account.kind)}` : ''}`));
  await waitForPage(page, 'login');
  const kindRadio = page.locator(`input[name="kind"][value="${account.kind}"]`);
  if (account.kind && await kindRadio.count()) await kindRadio.check();
  await control(page, 'login').fill(String(account.login));
  await control(page, 'password').fill(String(account.password));
  const answer = await captureApi(page, 'POST', 'session', () => page.locator('form.login-form button[type="submit"]').click());
  assert.equal(answer.status, 200, `login of ${account.tenant}/${account.login}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.user;
}

for (const tenant of TENANTS) {
  test(`${tenant}: вход ведёт на главную, в шапке — имя, каждая карточка ведёт на рабочую страницу`, { skip, timeout: 180000 }, async (t) => {
    const account = demoAccount(tenant);
    const prefix = `entry-and-home.${tenant}`;
    await withPage(t, async (page) => {
      const user = await loginPlain(page, account);
      await waitForPage(page, 'home');
      await page.locator('.page--dashboard').waitFor();
      assert.equal(new URL(page.url()).pathname, `/t/${tenant}/`, 'after login the person is not on the home page');
      await page.locator('.dashboard-card').first().waitFor();

      // The header: the person's name, whole.
      const nameEl = page.locator('.user-menu__name');
      const shown = (await nameEl.innerText()).trim();
      t.diagnostic(`${tenant}: header «${shown}», display_name ${JSON.stringify(user.display_name)}`);
      assert.ok(shown && shown !== 'Личный кабинет', 'the header names nobody');
      assert.doesNotMatch(shown, /\d{6,}/, `the header shows digits: «${shown}»`);
      assert.ok(typeof user.display_name === 'string' && user.display_name.trim() !== '', 'me has no display_name');
      const cut = await nameEl.evaluate((el) => el.scrollWidth > el.clientWidth + 1);
      assert.ok(!cut, `the name in the header is cut off: «${shown}»`);
      await assertCleanText(page, 'home', account);
      await screenshot(page, step(prefix, 1, 'home'));

      // Cards: the common three (points, access, the latest notifications), the cases where the tenant has case
      // groups, and exactly the declared modules' ones; never balance.
      const cards = await page.locator('.dashboard-card').evaluateAll((els) => els.map((e) => e.dataset.card));
      assert.deepEqual(cards, ['points', 'access', 'notifications', ...(CASE_CARDS.has(tenant) ? ['cases'] : []), ...MODULE_CARDS[tenant]],
        `${tenant}: cards ${cards}`);

      // Every link of every card opens a page that works.
      const links = await page.locator('.dashboard-card a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.ok(links.length >= cards.length, 'a card without a way on');
      let n = 2;
      for (const href of [...new Set(links)]) {
        await page.goto(new URL(href, page.url()).toString());
        await page.waitForFunction(() => document.body.dataset.page && document.body.dataset.page !== 'home');
        const name = await page.evaluate(() => document.body.dataset.page);
        assert.ok(!['not-found', 'error'].includes(name), `${href}: page «${name}»`);
        assert.equal(await page.locator('.page--error').count(), 0, `${href}: the page failed`);
        await page.locator('h1').first().waitFor();
        await page.waitForFunction(() => !document.querySelector('.spinner'), null, { timeout: 15000 }).catch(() => {});
        await assertCleanText(page, href, account);
        await screenshot(page, step(prefix, n, name));
        n += 1;
        await page.goto(portalUrl(tenant));
        await waitForPage(page, 'home');
        await page.locator('.dashboard-card').first().waitFor();
      }
      await logout(page);
    }, { artifact: prefix });
  });
}

test('ВОЭК: в шапке — не СНИЛС цифрами; вход со страницы, открытой без сеанса, возвращает на неё', { skip, timeout: 120000 }, async (t) => {
  const account = demoAccounts().find((a) => a && a.tenant === 'voek' && /^\d{3}-?\d{3}-?\d{3}\s?\d{2}$/.test(String(a.login)));
  assert.ok(account, 'no ВОЭК demo account logging in by СНИЛС');
  await withPage(t, async (page) => {
    await page.goto(portalUrl('voek', 'points'));
    await waitForPage(page, 'login');
    await loginPlainOnPage(page, account);
    await waitForPage(page, 'points');
    const shown = (await page.locator('.user-menu__name').innerText()).trim();
    assert.doesNotMatch(shown, /\d{6,}/, `the header shows digits: «${shown}»`);
    await assertCleanText(page, 'points', account);
  }, { artifact: 'entry-and-home.voek-next' });
});

/** Fills the login form already on screen. */
async function loginPlainOnPage(page, account) {
  const kindRadio = page.locator(`input[name="kind"][value="${account.kind}"]`);
  if (account.kind && await kindRadio.count()) await kindRadio.check();
  await control(page, 'login').fill(String(account.login));
  await control(page, 'password').fill(String(account.password));
  const answer = await captureApi(page, 'POST', 'session', () => page.locator('form.login-form button[type="submit"]').click());
  assert.equal(answer.status, 200);
}

test('подключение приложения-аутентификатора показывает QR-код', { skip, timeout: 120000 }, async (t) => {
  const account = demoAccount('vges');
  await withPage(t, async (page) => {
    await loginPlain(page, account);
    await waitForPage(page, 'home');
    await page.goto(portalUrl('vges', 'profile'));
    await waitForPage(page, 'profile');
    const answer = await captureApi(page, 'POST', 'me/second-factor', () => page.locator('.second-factor__enable-totp').click());
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const qr = page.locator('img.totp-setup__qr');
    await qr.waitFor();
    await page.waitForFunction(() => {
      const img = document.querySelector('img.totp-setup__qr');
      return img && img.complete && img.naturalWidth > 0;
    });
    const box = await qr.boundingBox();
    assert.ok(box && box.width >= 150 && box.height >= 150, `the QR code is too small to scan: ${JSON.stringify(box)}`);
    assert.ok(await page.locator('.totp-setup__secret').count(), 'no key to type in by hand');
    // The raw link is not what the person is offered first.
    assert.equal(await page.locator('.totp-setup__uri').isVisible(), false, 'the otpauth:// link is shown instead of the code');
    await qr.scrollIntoViewIfNeeded();
    await screenshot(page, 'entry-and-home.totp');
  }, { artifact: 'entry-and-home.totp-done' });
});

test('корневая страница перечисляет сетевые организации и ведёт в их кабинеты', { skip: skipReason() || false, timeout: 60000 }, async (t) => {
  await withPage(t, async (page) => {
    await page.goto(`${baseUrl()}/`);
    const items = page.locator('li.tenant');
    assert.equal(await items.count(), 5);
    const ids = await items.evaluateAll((els) => els.map((e) => e.dataset.tenant));
    assert.deepEqual([...ids].sort(), [...TENANTS].sort());
    for (const id of ids) {
      const item = page.locator(`li.tenant[data-tenant="${id}"]`);
      const name = (await item.locator('h2').innerText()).trim();
      assert.ok(name.length > 1 && name !== id, `${id}: no name`);
      assert.equal(await item.locator(`a[href="/t/${id}/"]`).count(), 1);
    }
    // Styled: the cards are laid out as a grid with the tenants' colours, not a bare list.
    const display = await page.locator('ul.tenants').evaluate((el) => getComputedStyle(el).display);
    assert.equal(display, 'grid');
    const bullet = await page.locator('ul.tenants').evaluate((el) => getComputedStyle(el).listStyleType);
    assert.equal(bullet, 'none');
    await screenshot(page, 'entry-and-home.root');
    await page.locator('li.tenant[data-tenant="vges"] a').click();
    await waitForPage(page, 'home');
    assert.equal(new URL(page.url()).pathname, '/t/vges/');
  }, { artifact: 'entry-and-home.root-done' });
});
