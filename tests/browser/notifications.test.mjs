// Notifications in the portal (issue 11, item 7; seed 004 «Уведомления»), against a running kabinetd with the demo
// data: the ОЭС 360 consumer of the flat (demo roster: two unread messages of the supplier, one about her contract,
// raised by the notification centre when the demo is seeded; no other test logs in as her) —
//   the bell shows the unread count, the home page the latest notifications and her contract marked, the access
//   page and the points page mark the contract; the notifications page says how many are unread (plural), opening
//   the notice marks it read (POST notifications/<id>/read): the bell goes down by one, the marks are gone on the
//   access page, the points page and the home page; «Прочитать все» leaves none unread (the bell without a number,
//   «Непрочитанные» empty); the profile has one block of notification settings (categories, e-mail, SMS for the
//   confirmed phone, daily digest) that saves and stays saved.
// And staff: a tenant administrator has the bell too, with the count of GET notifications.
// Screenshots: notifications.oes360.NN-<step>.png, notifications.staff.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, withPage, screenshot } from './lib/browser.mjs';
import { portalUrl, waitForPage, captureApi, apiGet } from './lib/portal.mjs';
import { demoSkipReason, demoAccounts, login } from './lib/meters.mjs';
import { staffSkipReason, createTenantAdmin } from './lib/staff.mjs';
import { unreadText, contractUnread, refRoute, momentOf } from '../../portal/assets/core/notifications.js';
import { formatMoment } from '../../portal/assets/core/format.js';

const skip = skipReason() || demoSkipReason() || false;
const TENANT = 'oes360';
const step = (n, name) => `notifications.oes360.${String(n).padStart(2, '0')}-${name}`;

/** Russian plural, written here again so that the page's own is checked. */
function ru(n, one, few, many) {
  const a = n % 100;
  const b = n % 10;
  if (a > 10 && a < 20) return many;
  if (b === 1) return one;
  if (b >= 2 && b <= 4) return few;
  return many;
}

/** What the page says of n unread notifications. */
function unreadSentence(n) {
  if (n === 0) return 'Непрочитанных уведомлений нет.';
  return `${n} ${ru(n, 'непрочитанное', 'непрочитанных', 'непрочитанных')} ${ru(n, 'уведомление', 'уведомления', 'уведомлений')}.`;
}

/** The page's text has no «null», «undefined» and none of the given ids. */
async function assertClean(page, where, ids) {
  const text = await page.locator('main').innerText();
  assert.doesNotMatch(text, /\bnull\b|\bundefined\b|NaN|\[object/, `${where}: ${text}`);
  for (const id of ids) assert.ok(!text.includes(id), `${where}: the raw id «${id}» is shown`);
}

/** The bell's count once it equals n (data-unread), and its number shown only above 0. */
async function expectBell(page, n) {
  await page.waitForFunction((want) => {
    const bell = document.querySelector('a.notification-bell');
    return bell && bell.dataset.unread === String(want);
  }, n);
  const count = page.locator('a.notification-bell .notification-bell__count');
  if (n > 0) assert.equal((await count.textContent()).trim(), String(Math.min(n, 99)) + (n > 99 ? '+' : ''));
  else assert.ok(await count.isHidden(), 'the bell shows a number with nothing unread');
}

test('уведомления: числа, даты и отметки договоров (core/notifications.js, core/format.js, в Node)', () => {
  const want = {
    0: 'Непрочитанных уведомлений нет', 1: '1 непрочитанное уведомление', 2: '2 непрочитанных уведомления',
    5: '5 непрочитанных уведомлений', 11: '11 непрочитанных уведомлений', 21: '21 непрочитанное уведомление',
    22: '22 непрочитанных уведомления', 111: '111 непрочитанных уведомлений',
  };
  for (const [n, text] of Object.entries(want)) assert.equal(unreadText(Number(n)), text);
  for (const n of [1, 2, 3, 4, 5, 11, 12, 21, 24, 25, 101, 104]) assert.equal(`${unreadText(n)}.`, unreadSentence(n));

  // Dates in the tenant's zone: today and yesterday by name, the year only when it is not this one.
  const now = Math.floor(Date.now() / 1000);
  assert.match(formatMoment(now - 60, 'Europe/Moscow'), /^(сегодня|вчера) в \d{2}:\d{2}$/);
  assert.match(formatMoment(now - 86400 * 400, 'Europe/Moscow'), /^\d{1,2} [а-я]+ \d{4} в \d{2}:\d{2}$/);
  // 2022-10-25 09:30 UTC: 12:30 in Moscow, 14:30 in Yekaterinburg.
  assert.equal(formatMoment(1666690200, 'Europe/Moscow'), '25 октября 2022 в 12:30');
  assert.equal(formatMoment(1666690200, 'Asia/Yekaterinburg'), '25 октября 2022 в 14:30');
  assert.equal(formatMoment(null, 'Europe/Moscow'), '—');
  assert.equal(momentOf('2022-10-25T09:30:00Z'), 1666690200);
  assert.equal(momentOf(1666690200000), 1666690200);

  // A contract is marked by a ref to it or to one of its points (GET points names the contract by number).
  const marks = { contracts: new Set(['c1']), accounts: new Set(), points: new Set(['p2']) };
  const points = [{ id: 'p1', contract: '100-1' }, { id: 'p2', contract: '200-2' }, { id: 'p3', contract: null }];
  assert.equal(contractUnread(marks, { id: 'c1', number: '100-1' }, points), true);
  assert.equal(contractUnread(marks, { id: 'c2', number: '200-2' }, points), true);
  assert.equal(contractUnread(marks, { id: 'c3', number: '300-3' }, points), false);
  assert.equal(contractUnread(null, { id: 'c1', number: '100-1' }, points), false);

  // Refs lead to the pages the portal has, never nowhere.
  assert.equal(refRoute({ type: 'point', id: 'a b' }), 'points/a%20b');
  assert.equal(refRoute({ type: 'contract', id: 'c1' }), 'access');
  assert.equal(refRoute({ type: 'outage', id: 'o1' }), 'outages');
  assert.equal(refRoute({ type: 'meter', id: 'm1' }), null);
  assert.equal(refRoute({ type: 'point', id: '' }), null);
});

test('ОЭС 360: непрочитанное уведомление отмечено у договора, прочитано — отметки нет', { skip, timeout: 180000 }, async (t) => {
  const account = demoAccounts().find((a) => a.tenant === TENANT && /morozova/i.test(String(a.login)));
  assert.ok(account, 'no demo account a.morozova@… of ОЭС 360');
  await withPage(t, async (page) => {
    await login(page, account, { next: '', pageName: 'home' });

    // What the server says: her unread notifications, the one about a contract, that contract.
    const unread = await apiGet(page, TENANT, 'notifications?unread=1&limit=100');
    assert.equal(unread.status, 200, JSON.stringify(unread.body));
    const n = unread.body.unread;
    // The demo gives her two: one about her contract, one to her in general.
    assert.ok(n >= 2, `the demo consumer has not two unread notifications: ${JSON.stringify(unread.body)}`);
    const notice = unread.body.rows.find((r) => (r.refs || []).some((x) => x.type === 'contract'));
    assert.ok(notice, `no unread notification names a contract: ${JSON.stringify(unread.body.rows)}`);
    const access = await apiGet(page, TENANT, 'access');
    const contract = access.body.contracts.find((c) => notice.refs.some((x) => x.type === 'contract' && x.id === c.id));
    assert.ok(contract, 'the notice names a contract she does not see');
    const others = unread.body.rows.filter((r) => r.id !== notice.id
      && (r.refs || []).some((x) => x.type === 'contract' && x.id === contract.id));
    assert.equal(others.length, 0, 'the demo has a second unread notification about the contract');
    const points = (await apiGet(page, TENANT, 'points')).body.points;
    const ids = [notice.id, contract.id, ...points.map((p) => p.id)];

    // Home: the bell, the latest notifications with the unread one marked, the contract marked.
    await page.locator('.dashboard-card[data-card="notifications"]').waitFor();
    await expectBell(page, n);
    const item = page.locator(`.dashboard-notification[data-id="${notice.id}"]`);
    assert.equal(await item.getAttribute('data-state'), 'unread');
    assert.equal((await item.locator('.badge--unread').textContent()).trim(), 'Не прочитано');
    assert.equal((await item.locator('a').textContent()).trim(), notice.title);
    assert.match(await item.locator('time').innerText(), /^(сегодня|вчера) в \d{2}:\d{2}$|^\d{1,2} [а-я]+ (\d{4} )?в \d{2}:\d{2}$/);
    assert.ok(await page.locator('.dashboard-notification').count() <= 3, 'more than the latest three on the home page');
    const homeContract = page.locator(`.dashboard-card[data-card="access"] [data-contract="${contract.number}"]`);
    assert.equal(await homeContract.getAttribute('data-unread'), 'true');
    await assertClean(page, 'home', ids);
    await screenshot(page, step(1, 'home'));

    // The contracts: marked on the access page and as a group of the points page.
    await page.goto(portalUrl(TENANT, 'access'));
    await waitForPage(page, 'access');
    const contractItem = page.locator(`.contract-item[data-contract="${contract.number}"]`);
    await contractItem.waitFor();
    assert.equal(await contractItem.getAttribute('data-unread'), 'true');
    await contractItem.locator('.unread-mark').waitFor();
    assert.equal(await page.locator('.contract-item[data-unread="true"]').count(), 1);
    await assertClean(page, 'access', ids);
    await screenshot(page, step(2, 'access-marked'));
    await page.goto(portalUrl(TENANT, 'points'));
    await waitForPage(page, 'points');
    const group = page.locator(`.points-group[data-contract="${contract.number}"]`);
    if (await group.count()) assert.equal(await group.getAttribute('data-unread'), 'true');
    await screenshot(page, step(3, 'points-marked'));

    // The notifications page through the bell: the count in words, the notice unread; opened → read.
    await page.locator('a.notification-bell').click();
    await waitForPage(page, 'notifications');
    assert.equal((await page.locator('.notifications-summary').textContent()).trim(), unreadSentence(n));
    const row = page.locator(`li.notification-item[data-id="${notice.id}"]`);
    assert.equal(await row.getAttribute('data-state'), 'unread');
    assert.equal((await row.locator('.notification-item__category').count()), 1, 'no category named');
    await assertClean(page, 'notifications', ids);
    await screenshot(page, step(4, 'list'));
    const read = await captureApi(page, 'POST', `notifications/${notice.id}/read`, () => row.locator('.notification-item__toggle').click());
    assert.ok(read.status >= 200 && read.status < 300, `read answered ${read.status}: ${JSON.stringify(read.body)}`);
    await page.waitForFunction((id) => document.querySelector(`li.notification-item[data-id="${id}"]`).dataset.state === 'read', notice.id);
    assert.equal(await row.locator('.badge--unread').count(), 0);
    await row.locator('.notification-item__body').waitFor();
    if (notice.body) assert.ok((await row.locator('.notification-item__body').innerText()).includes(notice.body.split('\n')[0].trim()));
    // The refs by their labels, the contract's leading to the contracts.
    const link = row.locator('.notification-item__refs a').first();
    if (await link.count()) assert.ok(!/\/t\/oes360\/?$/.test(await link.getAttribute('href')), 'a ref leads to the home page');
    await expectBell(page, n - 1);
    assert.equal((await page.locator('.notifications-summary').textContent()).trim(), unreadSentence(n - 1));
    await assertClean(page, 'notifications', ids);
    await screenshot(page, step(5, 'read'));
    const after = await apiGet(page, TENANT, 'notifications?unread=1&limit=1');
    assert.equal(after.body.unread, n - 1, 'the server still counts the notice unread');

    // The marks are gone: access page, points page, home.
    await page.goto(portalUrl(TENANT, 'access'));
    await waitForPage(page, 'access');
    await contractItem.waitFor();
    assert.equal(await contractItem.getAttribute('data-unread'), null);
    assert.equal(await contractItem.locator('.unread-mark').count(), 0);
    await screenshot(page, step(6, 'access-read'));
    await page.goto(portalUrl(TENANT, 'points'));
    await waitForPage(page, 'points');
    if (await group.count()) assert.equal(await group.getAttribute('data-unread'), null);
    await page.goto(portalUrl(TENANT, ''));
    await waitForPage(page, 'home');
    await item.waitFor();
    assert.equal(await item.getAttribute('data-state'), 'read');
    assert.equal(await item.locator('.badge--unread').count(), 0);
    assert.equal(await homeContract.getAttribute('data-unread'), null);
    await expectBell(page, n - 1);
    await screenshot(page, step(7, 'home-read'));

    // «Прочитать все»: nothing unread; the unread filter says so.
    await page.goto(portalUrl(TENANT, 'notifications'));
    await waitForPage(page, 'notifications');
    assert.equal(await page.locator('li.notification-item[data-state="unread"]').count(), n - 1);
    const all = await captureApi(page, 'POST', 'notifications/read-all', () => page.locator('.notifications-read-all').click());
    assert.ok(all.status >= 200 && all.status < 300, `read-all answered ${all.status}`);
    await page.locator('.notifications-all-read').waitFor();
    await expectBell(page, 0);
    assert.equal((await page.locator('.notifications-summary').textContent()).trim(), unreadSentence(0));
    assert.ok(await page.locator('.notifications-read-all').isHidden(), '«Прочитать все» with nothing unread');
    assert.equal(await page.locator('li.notification-item[data-state="unread"]').count(), 0);
    await page.locator('.notifications-filter a', { hasText: 'Непрочитанные' }).click();
    await page.locator('.notifications-empty').waitFor();
    assert.match(await page.locator('.notifications-empty').innerText(), /^Непрочитанных уведомлений нет\./);
    await screenshot(page, step(8, 'none-unread'));

    // The profile: one block of settings; SMS offered for the confirmed phone; the digest saved and kept.
    await page.goto(portalUrl(TENANT, 'profile'));
    await waitForPage(page, 'profile');
    const block = page.locator('.profile-notifications');
    await block.waitFor();
    assert.equal(await page.locator('.notifications').count(), 1, 'two blocks of notification switches');
    assert.equal(await page.locator('.profile-details input[role="switch"]').count(), 0, 'switches left in the personal data');
    const kinds = (await apiGet(page, TENANT, 'notification-kinds')).body;
    assert.ok(await block.locator('.notifications input[role="switch"]').count() >= 1);
    for (const c of kinds.categories) assert.ok((await block.innerText()).includes(c.label), `category «${c.label}» not offered`);
    await block.locator('input[name="channels.email"]').waitFor();
    await block.locator('input[name="channels.sms"]').waitFor(); // her phone is confirmed
    const digest = block.locator('input[name="digest"]');
    const wasOn = await digest.isChecked();
    await block.locator('[data-field="digest"] label.switch').click();
    const saved = await captureApi(page, 'PUT', 'me/notification-settings', () => block.locator('.notification-settings__save').click());
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.equal(saved.request.digest, !wasOn);
    assert.equal(typeof saved.request.channels.email, 'boolean');
    await block.locator('.notification-settings-saved').waitFor();
    await assertClean(page, 'profile', ids);
    await screenshot(page, step(9, 'settings'));
    await page.reload();
    await waitForPage(page, 'profile');
    await page.locator('.profile-notifications input[name="digest"]').waitFor();
    assert.equal(await page.locator('.profile-notifications input[name="digest"]').isChecked(), !wasOn, 'the digest is not kept');
  }, { artifact: 'notifications.oes360' });
});

test('ОЭС 360: у сотрудника тоже есть колокольчик с числом непрочитанных', { skip: skip || staffSkipReason() || false, timeout: 120000 }, async (t) => {
  const admin = await createTenantAdmin(TENANT, { prefix: 'notify-admin' });
  await withPage(t, async (page) => {
    await login(page, admin, { next: 'operator', pageName: 'operator' });
    const unread = await apiGet(page, TENANT, 'notifications?unread=1&limit=1');
    assert.equal(unread.status, 200, JSON.stringify(unread.body));
    await expectBell(page, unread.body.unread);
    await page.locator('a.notification-bell').click();
    await waitForPage(page, 'notifications');
    const list = await apiGet(page, TENANT, 'notifications?limit=20');
    if (list.body.rows.length) {
      assert.equal((await page.locator('.notifications-summary').textContent()).trim(), unreadSentence(unread.body.unread));
      assert.equal(await page.locator('li.notification-item').count(), list.body.rows.length);
    } else {
      assert.match(await page.locator('.notifications-empty').innerText(), /^Уведомлений пока нет\.\n/);
      assert.ok(await page.locator('.notifications-summary').isHidden(), 'the count said beside «Уведомлений пока нет»');
    }
    // No way to settings staff do not have.
    assert.equal(await page.locator('.notifications-settings').count(), 0);
    assert.doesNotMatch(await page.locator('main').innerText(), /\bnull\b|\bundefined\b/);
    await screenshot(page, 'notifications.staff');
  }, { artifact: 'notifications.staff' });
});
