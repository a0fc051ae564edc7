// Outages at ВГЭС, against a running kabinetd with demo data (KABINET_DEMO_ACCOUNTS) and a tenant administrator
// made with the command line tool (KABINET_CLI, KABINET_DATABASE_URL):
//   * the administrator opens «Оператор» → «Отключения», presses «Опубликовать» on an empty form (the server's
//     reasons beside the fields), then publishes a planned outage tomorrow 09:00–17:00 at «Кольцовская ул.»,
//     houses 31-39; it is in the list; «Изменить» widens the houses to 31-41; an emergency outage on
//     another street is closed with «Закрыть отключение» (an actual end before its start refused beside the field);
//     the administrator's «Журнал» («Решения операторов») lists the publication, the change and the closing;
//   * the demo consumer whose flat is at Кольцовская ул., д. 35 sees it on the home page (card «Отключения по
//     вашим адресам», with the point «Квартира») and on «Отключения» («Статистика отключений»): for the
//     addresses of their points, and looked up by street and house 35 for that day (count 1, 8 ч); house 50
//     finds nothing;
//   * anyone finds it on the public list without logging in;
//   * the demo's own outages: the demo consumer's home page shows the planned one at the flat, and «Отключения»
//     has numbers for the addresses of their points (this year);
//   * the administrator cancels a planned outage before its start: «Отменить» asks first (answering «Не
//     отменять» sends nothing), then POST operator/outages/<id>/cancel; the row reads «Отменено» without
//     actions; the consumer's home page shows it as cancelled.
// Screenshots: outages.NN-<step>.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, withPage, screenshot } from './lib/browser.mjs';
import { waitForPage, captureApi, textOf, portalUrl, isoDay, plainSpaces } from './lib/portal.mjs';
import { demoSkipReason, demoAccount, login, openFromMenu } from './lib/meters.mjs';
import { staffSkipReason, createTenantAdmin } from './lib/staff.mjs';

const skip = skipReason() || demoSkipReason() || staffSkipReason() || false;
const step = (n, name) => `outages.${String(n).padStart(2, '0')}-${name}`;

/** Waits until the result area has loaded; returns its state. */
async function resultState(page, name) {
  await page.waitForFunction((n) => {
    const r = document.querySelector(`.result[data-result="${n}"]`);
    return r && !['idle', 'loading'].includes(r.dataset.state);
  }, name, { timeout: 20000 });
  return page.locator(`.result[data-result="${name}"]`).getAttribute('data-state');
}

test('ВГЭС: оператор публикует плановое отключение на улице — потребитель там видит его на главной и в поиске', { skip, timeout: 300000 }, async (t) => {
  const consumer = demoAccount('vges', 'individual');
  const admin = await createTenantAdmin('vges', { prefix: 'vges-outages' });
  const day = isoDay(1);
  const reason = `Замена кабельной линии ${Date.now().toString(36)}`;
  let outageId = null;

  await withPage(t, async (page) => {
    await login(page, admin, { next: 'operator/outages', pageName: 'operator-outages' });
    await resultState(page, 'operator-outages');
    await page.locator('button.outage-new').click();
    const form = page.locator('form.outage-form');
    await form.waitFor();

    // An empty form: the server's reasons beside the fields.
    const refused = await captureApi(page, 'POST', 'operator/outages', () => form.locator('.outage-save').click());
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.equal(await textOf(page, 'form.outage-form [data-field="reason"] .field-error'), 'Укажите причину отключения');
    assert.equal(await textOf(page, 'form.outage-form [data-field="starts_at"] .field-error'), 'Укажите начало отключения');
    assert.equal(await textOf(page, 'form.outage-form [data-field="addresses.0.street"] .field-error'), 'Выберите улицу или опишите адрес текстом');
    assert.equal(await form.locator('[name="reason"]').getAttribute('aria-invalid'), 'true');
    await screenshot(page, step(1, 'operator-refused'));

    // A planned outage tomorrow 09:00–17:00 at Кольцовская ул., houses 31-39.
    await form.locator('select[name="kind"]').selectOption('planned');
    await form.locator('[name="reason"]').fill(reason);
    await form.locator('[name="starts_at"]').fill(`${day}T09:00`);
    await form.locator('[name="planned_end"]').fill(`${day}T17:00`);
    await form.locator('.outage-street').first().selectOption('Кольцовская ул.');
    await form.locator('.outage-houses').first().fill('31-39');
    const made = await captureApi(page, 'POST', 'operator/outages', () => form.locator('.outage-save').click());
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.ok(made.headers['x-csrf-token'], 'POST operator/outages went without X-CSRF-Token');
    assert.deepEqual(made.request.addresses, [{ street: 'Кольцовская ул.', houses: '31-39' }]);
    assert.equal(made.body.starts_local, `${day}T09:00`);
    assert.equal(made.body.permitted_minutes, 1440);
    outageId = made.body.id;
    assert.equal(await textOf(page, '.operator-decided'), 'Отключение опубликовано. Потребители по этим адресам получат уведомление.');
    const row = page.locator(`tr.outage-row[data-id="${outageId}"]`);
    await row.waitFor();
    const rowText = plainSpaces(await row.innerText());
    assert.match(rowText, /Кольцовская ул\., дома 31-39/);
    assert.match(rowText, /Плановое/);
    assert.match(rowText, /8 ч/);
    assert.ok(!/null|undefined|NaN/.test(rowText), rowText);
    await screenshot(page, step(2, 'operator-published'));

    // «Изменить»: the form filled in; the houses widened to 31-41.
    await row.locator('button.outage-edit').click();
    const edit = page.locator(`form.outage-form[data-outage="${outageId}"]`);
    await edit.waitFor();
    assert.equal(await edit.locator('[name="reason"]').inputValue(), reason);
    assert.equal(await edit.locator('[name="starts_at"]').inputValue(), `${day}T09:00`);
    assert.equal(await edit.locator('.outage-street').first().inputValue(), 'Кольцовская ул.');
    await edit.locator('.outage-houses').first().fill('31-41');
    const changed = await captureApi(page, 'PATCH', `operator/outages/${outageId}`, () => edit.locator('.outage-save').click());
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(await textOf(page, '.operator-decided'), 'Отключение изменено.');
    await page.locator(`tr.outage-row[data-id="${outageId}"]:has-text("дома 31-41")`).waitFor();

    // An emergency outage on another street since today's midnight, closed with the actual end now.
    const now = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Moscow', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date()).replace(' ', 'T');
    await page.locator('button.outage-new').click();
    const form2 = page.locator('form.outage-form[data-outage=""]');
    await form2.locator('select[name="kind"]').selectOption('emergency');
    await form2.locator('[name="reason"]').fill('Повреждение кабеля');
    await form2.locator('[name="starts_at"]').fill(`${isoDay(0)}T00:00`);
    await form2.locator('[name="planned_end"]').fill(`${isoDay(0)}T23:59`);
    await form2.locator('.outage-street').first().selectOption('Ворошилова ул.');
    const emergency = await captureApi(page, 'POST', 'operator/outages', () => form2.locator('.outage-save').click());
    assert.equal(emergency.status, 201, JSON.stringify(emergency.body));
    const erow = page.locator(`tr.outage-row[data-id="${emergency.body.id}"]`);
    await erow.locator('button.outage-edit').click();
    const closing = page.locator(`form.outage-form[data-outage="${emergency.body.id}"]`);
    const early = await captureApi(page, 'PATCH', `operator/outages/${emergency.body.id}`, async () => {
      await closing.locator('[name="actual_end"]').fill(`${isoDay(-1)}T12:00`);
      await closing.locator('.outage-close').click();
    });
    assert.equal(early.status, 422);
    assert.equal(await textOf(page, 'form.outage-form [data-field="actual_end"] .field-error'), 'Фактическое окончание не может быть раньше начала');
    await screenshot(page, step(3, 'operator-close-refused'));
    await closing.locator('[name="actual_end"]').fill(now);
    const closed = await captureApi(page, 'PATCH', `operator/outages/${emergency.body.id}`, () => closing.locator('.outage-close').click());
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    assert.equal(closed.body.state, 'closed');
    assert.equal(await textOf(page, '.operator-decided'), 'Отключение закрыто. Потребители узнают, что электроснабжение восстановлено.');
    await page.locator(`tr.outage-row[data-id="${emergency.body.id}"]:has-text("Завершено")`).waitFor();
    await screenshot(page, step(4, 'operator-closed'));

    // The administrator's «Журнал» has each change, with the outage's kind and street.
    await page.locator('.nav a[data-route="admin"]').click();
    await waitForPage(page, 'admin');
    await page.locator('[role=tab][data-tab="audit"]').click();
    await page.locator('.journal-kinds input[data-value="operator"]').check();
    await page.waitForFunction(() => {
      const area = document.querySelector('.result[data-result="admin-audit"]');
      return area && area.dataset.state === 'ready' && [...area.querySelectorAll('tr.journal-row')].every((r) => r.dataset.kind === 'operator');
    });
    const journal = await page.locator('table.journal-table').innerText();
    for (const text of ['Опубликовано отключение (плановое)', 'Изменено отключение (плановое)', 'Закрыто отключение (аварийное)',
      'Кольцовская ул., дома 31-41', admin.login]) {
      assert.ok(journal.includes(text), `the journal lacks «${text}»`);
    }
    assert.doesNotMatch(await page.locator('.page--admin').innerText(), /null|undefined|NaN|\[object|outage_/);
    await screenshot(page, step(4, 'operator-journal'));
  }, { artifact: 'outages.operator' });

  await withPage(t, async (page) => {
    await login(page, consumer, { next: '', pageName: 'home' });
    // The home page: the card of outages at the consumer's own addresses.
    const card = page.locator('[data-card="outages"]');
    const item = card.locator(`[data-outage="${outageId}"]`);
    await item.waitFor({ timeout: 20000 });
    const itemText = plainSpaces(await item.innerText());
    assert.match(itemText, /Плановое отключение: \d\d\.\d\d\.\d{4} 09:00 — \d\d\.\d\d\.\d{4} 17:00/);
    assert.ok(itemText.includes(reason), itemText);
    assert.ok(itemText.includes('Кольцовская ул., дома 31-41'), itemText);
    assert.match(itemText, /Точк[аи] учёта: ([^:]*, )?Квартира(?![а-яё])/u, itemText); // the demo consumer may have more points there
    await screenshot(page, step(5, 'consumer-home'));

    // «Отключения»: the addresses of the consumer's points by default.
    await openFromMenu(page, 'outages', 'outages');
    assert.equal(await page.locator('h1').innerText(), 'Статистика отключений');
    await resultState(page, 'outages');
    await page.locator('form.outage-lookup [name="from"]').fill(day);
    await page.locator('form.outage-lookup [name="to"]').fill(day);
    let list = await captureApi(page, 'GET', 'outages', () => page.locator('.outage-lookup__submit').click());
    assert.equal(list.status, 200);
    assert.ok(list.body.rows.some((r) => r.id === outageId), 'the own-points lookup misses the outage');
    await page.locator(`tr.outage-row[data-id="${outageId}"]`).waitFor();
    assert.match(plainSpaces(await page.locator(`tr.outage-row[data-id="${outageId}"]`).innerText()), /Квартира/);

    // Looked up by street and house 35 for that day: the outage, count 1, 8 ч.
    await page.locator('form.outage-lookup [name="street"]').selectOption('Кольцовская ул.');
    await page.locator('form.outage-lookup [name="house"]').fill('35');
    list = await captureApi(page, 'GET', 'outages', () => page.locator('.outage-lookup__submit').click());
    assert.ok(list.body.rows.some((r) => r.id === outageId), 'the lookup by address misses the outage');
    await page.locator(`tr.outage-row[data-id="${outageId}"]`).waitFor();
    assert.equal(await textOf(page, '.outage-stats__address'), 'Адрес: Кольцовская ул., д. 35');
    const count = Number(await textOf(page, '.outage-stats__count dd'));
    assert.ok(count >= 1, `count ${count}`);
    assert.match(plainSpaces(await textOf(page, '.outage-stats__duration dd')), /ч/);
    await screenshot(page, step(6, 'consumer-lookup'));

    // House 50 is not among 31–41.
    await page.locator('form.outage-lookup [name="house"]').fill('50');
    list = await captureApi(page, 'GET', 'outages', () => page.locator('.outage-lookup__submit').click());
    assert.ok(!list.body.rows.some((r) => r.id === outageId), 'house 50 found the outage of houses 31-41');
    await resultState(page, 'outages');
    assert.equal(await page.locator(`tr.outage-row[data-id="${outageId}"]`).count(), 0);
  }, { artifact: 'outages.consumer' });

  await withPage(t, async (page) => {
    // The public list, without a login.
    await page.goto(portalUrl('vges', 'public/outages'));
    await waitForPage(page, 'public-outages');
    assert.equal(await resultState(page, 'public-outages'), 'ready');
    const row = page.locator(`tr.outage-row[data-id="${outageId}"]`);
    await row.waitFor();
    assert.ok(plainSpaces(await row.innerText()).includes(reason));
    assert.equal(await page.locator('.user-menu__logout').count(), 0);
    await screenshot(page, step(7, 'public-list'));
  }, { artifact: 'outages.public' });
});

test('ВГЭС: демо-отключения у потребителя; оператор отменяет плановое отключение до начала, с подтверждением', { skip, timeout: 300000 }, async (t) => {
  const consumer = demoAccount('vges', 'individual');
  const admin = await createTenantAdmin('vges', { prefix: 'vges-outages-cancel' });
  const day = isoDay(3);
  const reason = `Перенос опоры ${Date.now().toString(36)}`;
  let outageId = null;

  await withPage(t, async (page) => {
    await login(page, admin, { next: 'operator/outages', pageName: 'operator-outages' });
    await resultState(page, 'operator-outages');
    await page.locator('button.outage-new').click();
    const form = page.locator('form.outage-form');
    await form.locator('select[name="kind"]').selectOption('planned');
    await form.locator('[name="reason"]').fill(reason);
    await form.locator('[name="starts_at"]').fill(`${day}T10:00`);
    await form.locator('[name="planned_end"]').fill(`${day}T12:00`);
    await form.locator('.outage-street').first().selectOption('Кольцовская ул.');
    await form.locator('.outage-houses').first().fill('35');
    const made = await captureApi(page, 'POST', 'operator/outages', () => form.locator('.outage-save').click());
    assert.equal(made.status, 201, JSON.stringify(made.body));
    outageId = made.body.id;
    const row = page.locator(`tr.outage-row[data-id="${outageId}"]`);
    await row.waitFor();

    // «Отменить» asks first; «Не отменять» leaves it as it was and sends nothing.
    let sent = 0;
    page.on('request', (r) => { if (r.url().includes(`operator/outages/${outageId}/cancel`)) sent += 1; });
    await row.locator('button.outage-cancel-action').click();
    const dialog = page.locator('dialog.confirm-dialog');
    await dialog.waitFor();
    assert.equal(await dialog.locator('.confirm-dialog__title').innerText(), 'Отменить отключение?');
    const question = plainSpaces(await dialog.locator('.confirm-dialog__text').innerText());
    assert.ok(question.includes('Кольцовская ул., д. 35') && question.includes('10:00'), question);
    await screenshot(page, step(8, 'operator-cancel-asked'));
    await dialog.locator('.confirm-dialog__cancel').click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal(sent, 0);
    assert.equal(await row.getAttribute('data-state'), 'published');

    // Confirmed: cancelled, marked in the list, no actions left.
    await row.locator('button.outage-cancel-action').click();
    const cancelled = await captureApi(page, 'POST', `operator/outages/${outageId}/cancel`, () => page.locator('dialog.confirm-dialog .confirm-dialog__confirm').click());
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.ok(cancelled.headers['x-csrf-token'], 'the cancel went without X-CSRF-Token');
    assert.equal(cancelled.body.state, 'cancelled');
    assert.equal(await textOf(page, '.operator-decided'), 'Отключение отменено. Потребители, которым о нём сообщили, получат уведомление.');
    const done = page.locator(`tr.outage-row[data-id="${outageId}"][data-state="cancelled"]`);
    await done.waitFor();
    const doneText = plainSpaces(await done.innerText());
    assert.match(doneText, /Отменено/);
    assert.match(doneText, /Не состоялось/);
    assert.ok(!/null|undefined|NaN/.test(doneText), doneText);
    assert.equal(await done.locator('button').count(), 0);
    await screenshot(page, step(9, 'operator-cancelled'));
  }, { artifact: 'outages.cancel' });

  await withPage(t, async (page) => {
    await login(page, consumer, { next: '', pageName: 'home' });
    const card = page.locator('[data-card="outages"]');
    // The cancelled one, marked; and the demo's planned outage at the flat.
    const item = card.locator(`[data-outage="${outageId}"]`);
    await item.waitFor({ timeout: 20000 });
    assert.match(plainSpaces(await item.innerText()), /^Плановое отключение отменено: \d\d\.\d\d\.\d{4} 10:00/);
    const demo = card.locator(`.dashboard-outage--planned:not(.dashboard-outage--cancelled):has-text("Замена вводного кабеля жилого дома")`);
    assert.ok(await demo.count() >= 1, 'the demo planned outage at the flat is not on the home page');
    await screenshot(page, step(10, 'consumer-home-cancelled'));

    // «Отключения»: this year's demo outages at the addresses of the consumer's points.
    await openFromMenu(page, 'outages', 'outages');
    await resultState(page, 'outages');
    const count = Number(await textOf(page, '.outage-stats__count dd'));
    assert.ok(count >= 2, `count ${count}`);
    await screenshot(page, step(11, 'consumer-stats-demo'));
  }, { artifact: 'outages.cancel-consumer' });
});
