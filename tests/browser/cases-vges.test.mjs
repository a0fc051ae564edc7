// Appeals at ВГЭС (seed 003, pictures 10, 14, 17), against a running kabinetd with demo data:
//   * the demo consumer's menu has «Обращение», «Заявка на дополнительную услугу» and «Информация по обращениям»;
//   * «Обращение»: the theme chosen in «Тема обращения», the contacts taken from the profile; a text of 1001
//     characters is refused beside the field in Russian (nothing sent); a program renamed «.pdf» is refused by the
//     server beside the document field («Файл «скан.pdf» — программа; такие файлы не принимаются»); then a text and a real PDF → «Сохранить» → the server's
//     message with the registration number at once;
//   * «Информация по обращениям»: the table «Рег. номер», «Дата подачи», «Вид», «Содержание», «Статус»; the search
//     by that number finds the one row (theme, text, «Регистрация»); the case page shows the values, the document
//     with its download link and the history; the home page's card lists it;
//   * «Заявка на дополнительную услугу» (picture 14): street and service from the dictionaries, the next number of
//     the same register, listed with the appeals; withdrawn by the consumer (comment, confirmation) → «Отозвана».
// Screenshots: cases-vges.NN-<step>.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, withPage, screenshot } from './lib/browser.mjs';
import { waitForPage, captureApi, textOf, portalUrl, plainSpaces } from './lib/portal.mjs';
import { demoSkipReason, demoAccount, login, openFromMenu } from './lib/meters.mjs';

const skip = skipReason() || demoSkipReason() || false;
const step = (n, name) => `cases-vges.${String(n).padStart(2, '0')}-${name}`;

/** A minimal valid PDF document. */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n'
  + 'trailer<</Root 1 0 R>>\n%%EOF\n');
/** The start of a Windows program (an «.exe»). */
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(510, 0x90)]);

test('ВГЭС: потребитель подаёт обращение с файлом, сразу получает номер и находит его в «Информации по обращениям»', { skip, timeout: 240000 }, async (t) => {
  const consumer = demoAccount('vges', 'individual');
  const text = `Прошу сообщить график планового ремонта ${Date.now().toString(36)}`;

  await withPage(t, async (page) => {
    await login(page, consumer, { next: 'notifications', pageName: 'notifications' });
    // The menu of the seed (picture 10): filing pages first, then the lists (the tenant's groups in their order:
    // appeals, additional services, tech connection).
    const labels = (await page.locator('.nav a.nav__link').allTextContents()).map((s) => s.trim());
    const at = labels.indexOf('Обращение');
    assert.ok(at > 0, `no «Обращение» in the menu: ${labels.join(', ')}`);
    assert.deepEqual(labels.slice(at, at + 5), ['Обращение', 'Заявка на дополнительную услугу', 'Заявка на технологическое присоединение',
      'Информация по обращениям', 'Информация по заявкам на технологическое присоединение']);

    await openFromMenu(page, 'cases/new/appeals', 'case-file');
    assert.equal(await textOf(page, 'h1'), 'Обращение');
    assert.equal(await textOf(page, '[data-field="kind"] label'), 'Тема обращения *');
    assert.equal((await page.locator('select[name="kind"] option').first().textContent()).trim(), '-Выберите вид обращения-');
    // «Сохранить» without a theme: the reason beside the select.
    await page.locator('button.case-submit').click();
    assert.match(await textOf(page, '[data-field="kind"] .field-error'), /^Выберите: тема обращения$/);
    await page.locator('select[name="kind"]').selectOption('complaint');
    const form = page.locator('form.case-form');
    await form.locator('[data-field="text"] textarea').waitFor();
    // The contacts come from the profile.
    assert.match(await form.locator('[data-field="email"] input').inputValue(), /@/);
    // The limits of the document are shown.
    const docField = form.locator('.case-doc').first();
    assert.match(plainSpaces(await docField.locator('.field-hint').innerText()), /PDF.*до 10 МБ/);

    // 1001 characters: refused beside the field, nothing sent.
    let posted = 0;
    page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/api/v1/cases')) posted += 1; });
    await form.locator('[data-field="text"] textarea').fill('а'.repeat(1001));
    await page.locator('button.case-submit').click();
    const tooLong = await textOf(page, '[data-field="text"] .field-error');
    assert.match(tooLong, /1000/);
    assert.match(tooLong, /[А-Яа-я]/);
    assert.equal(await form.locator('[data-field="text"] textarea').getAttribute('aria-invalid'), 'true');
    assert.equal(posted, 0);
    await screenshot(page, step(1, 'too-long'));

    // A program renamed «.pdf»: the server refuses it beside the document field; nothing is stored.
    await form.locator('[data-field="text"] textarea').fill(text);
    await docField.locator('input[type="file"]').setInputFiles({ name: 'скан.pdf', mimeType: 'application/pdf', buffer: EXE });
    const refused = await captureApi(page, 'POST', 'cases', () => page.locator('button.case-submit').click());
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    const docError = await textOf(page, '.case-doc .field-error');
    assert.match(docError, /скан\.pdf/);
    assert.match(docError, /программа|не PDF/);
    assert.match(docError, /не принима|не PDF/);
    await screenshot(page, step(2, 'not-a-pdf'));

    // A real PDF: the number at once.
    await docField.locator('input[type="file"]').setInputFiles({ name: 'Акт осмотра.pdf', mimeType: 'application/pdf', buffer: PDF });
    const made = await captureApi(page, 'POST', 'cases', () => page.locator('button.case-submit').click());
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const number = String(made.body.number_text || made.body.number);
    const message = await textOf(page, '.case-result__message');
    assert.ok(message.includes(number), `the message «${message}» does not name ${number}`);
    assert.equal(message, made.body.message);
    await screenshot(page, step(3, 'filed'));

    // «Информация по обращениям»: find it by its number.
    await openFromMenu(page, 'cases?group=appeals', 'cases');
    assert.equal(await textOf(page, 'h1'), 'Информация по обращениям');
    const heads = (await page.locator('table.cases-table thead th').allTextContents()).map((s) => s.trim());
    assert.deepEqual(heads, ['Рег. номер', 'Дата подачи', 'Вид', 'Содержание', 'Статус']);
    await page.locator('form.cases-search input[name="number"]').fill(number);
    await page.locator('button.cases-search__apply').click();
    const rows = page.locator('tr.case-row');
    await page.waitForFunction(() => document.querySelectorAll('tr.case-row').length === 1);
    const row = rows.first();
    assert.equal(await row.getAttribute('data-number'), number);
    const rowText = plainSpaces(await row.innerText());
    assert.match(rowText, /Жалоба/);
    assert.ok(rowText.includes(text), rowText);
    assert.match(rowText, /Регистрация/);
    assert.match(rowText, /\d{2}\.\d{2}\.\d{4}/);
    assert.doesNotMatch(rowText, /null|undefined/);
    await screenshot(page, step(4, 'list-found'));

    // The case: values, the document with its link, the history.
    await row.locator('a.case-row__link').click();
    await waitForPage(page, 'case');
    assert.match(await textOf(page, 'h1'), new RegExp(`Жалоба № ${number}`));
    const view = page.locator('.case-view');
    assert.ok((await view.locator('.case-fields').innerText()).includes(text));
    const link = view.locator('a.case-document').first();
    assert.equal((await link.textContent()).trim(), 'Акт осмотра.pdf');
    assert.match(await link.getAttribute('href'), /\/api\/v1\/cases\/[^/]+\/documents\/[^/]+$/);
    const file = await page.evaluate(async (href) => { const r = await fetch(href); return { status: r.status, head: (await r.text()).slice(0, 5) }; }, await link.getAttribute('href'));
    assert.deepEqual(file, { status: 200, head: '%PDF-' });
    assert.ok(await view.locator('li.case-history__item').count() >= 1);
    const pageText = plainSpaces(await page.locator('main').innerText());
    assert.doesNotMatch(pageText, /null|undefined|NaN/);
    await screenshot(page, step(5, 'case'));

    // «Заявка на дополнительную услугу»: the one kind chosen at once, the streets and services from their
    // dictionaries; numbered in the same register, listed together with the appeals; the consumer withdraws it
    // (a comment may be given, the confirmation is asked first).
    await openFromMenu(page, 'cases/new/services', 'case-file');
    assert.equal(await textOf(page, 'h1'), 'Заявка на дополнительную услугу');
    const service = page.locator('form.case-form');
    await page.waitForFunction(() => document.querySelectorAll('[data-field="street"] select option').length > 2
      && document.querySelectorAll('[data-field="service_kind"] select option').length > 2);
    await service.locator('[data-field="street"] select').selectOption({ index: 1 });
    await service.locator('[data-field="house"] input').fill('12');
    await service.locator('[data-field="service_kind"] select').selectOption({ index: 1 });
    await service.locator('[data-field="text"] textarea').fill('Прошу снять показания прибора учёта');
    const applied = await captureApi(page, 'POST', 'cases', () => page.locator('button.case-submit').click());
    assert.equal(applied.status, 201, JSON.stringify(applied.body));
    assert.equal(Number(applied.body.number), Number(made.body.number) + 1);
    await page.locator('a.case-result__link').click();
    await waitForPage(page, 'case');
    await page.locator('button.case-action[data-action="withdraw"]').click();
    const withdraw = page.locator('form.case-action-form[data-action="withdraw"]');
    await withdraw.locator('[data-field="comment"] textarea').fill('Показания передам сам');
    await withdraw.locator('button.case-action-form__submit').click();
    await page.locator('dialog.confirm-dialog').waitFor();
    assert.equal(await textOf(page, 'dialog.confirm-dialog .confirm-dialog__text'), 'Отозвать заявку?');
    const withdrawn = await captureApi(page, 'POST', `cases/${applied.body.id}/actions/withdraw`,
      () => page.locator('dialog.confirm-dialog .confirm-dialog__confirm').click());
    assert.equal(withdrawn.status, 200, JSON.stringify(withdrawn.body));
    assert.equal(withdrawn.body.state.id, 'withdrawn');
    await page.locator('.case-changed').waitFor();
    assert.match(await textOf(page, '.case-summary [data-field="state"] dd'), /Отозвана/);
    assert.match(plainSpaces(await page.locator('.case-history').innerText()), /Отозвать заявку.*Показания передам сам/s);
    assert.equal(await page.locator('button.case-action').count(), 0);
    await screenshot(page, step(6, 'service-withdrawn'));
    await openFromMenu(page, 'cases?group=appeals', 'cases');
    await page.waitForFunction((ids) => ids.every((id) => document.querySelector(`tr.case-row[data-id="${id}"]`)), [made.body.id, applied.body.id]);

    // The home page's card.
    await page.goto(portalUrl('vges', ''));
    await waitForPage(page, 'home');
    const card = page.locator('.dashboard-card[data-card="cases"]');
    await card.waitFor();
    assert.ok((await card.innerText()).includes(`№ ${number}`));
    await screenshot(page, step(7, 'home'));
  }, { artifact: 'cases-vges' });
});
