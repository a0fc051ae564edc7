// Appeals at ОЭС 360 (seed 004 §3.7, §3.1 item 8), against a running kabinetd with demo data and a tenant
// administrator made with the command line tool:
//   * the demo consumer's menu has one entry «Обращения»; its page has «Создать обращение»; the appeal (kind
//     «Обращение в службу поддержки», a subject and a short description) gets its number at once;
//   * the administrator finds it in «Оператор» → «Обращения» (the queue of every kind) by its number, opens it,
//     assigns it to themself, sends the document in «Переписка» (a message with a PDF) and answers it («Дать
//     ответ»: the answer text, the confirmation asked first); «Отчёты по обращениям» counts it, XLSX and CSV download;
//   * the consumer sees the notification (the bell, the notifications page with the link to the case), opens the
//     case: state «Закрыто», the answer in the history, the document in the correspondence; the home page's card
//     shows the state.
// Screenshots: cases-oes360.NN-<step>.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, withPage, screenshot } from './lib/browser.mjs';
import { waitForPage, captureApi, textOf, portalUrl, plainSpaces } from './lib/portal.mjs';
import { demoSkipReason, demoAccount, login, openFromMenu } from './lib/meters.mjs';
import { staffSkipReason, createTenantAdmin } from './lib/staff.mjs';

const skip = skipReason() || demoSkipReason() || staffSkipReason() || false;
const step = (n, name) => `cases-oes360.${String(n).padStart(2, '0')}-${name}`;

const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n'
  + 'trailer<</Root 1 0 R>>\n%%EOF\n');

async function resultState(page, name) {
  await page.waitForFunction((n) => {
    const r = document.querySelector(`.result[data-result="${n}"]`);
    return r && !['idle', 'loading'].includes(r.dataset.state);
  }, name, { timeout: 20000 });
  return page.locator(`.result[data-result="${name}"]`).getAttribute('data-state');
}

test('ОЭС 360: потребитель подаёт обращение, оператор отвечает с документом, потребитель видит уведомление, ответ и историю', { skip, timeout: 300000 }, async (t) => {
  const consumer = demoAccount('oes360');
  const admin = await createTenantAdmin('oes360', { prefix: 'oes360-cases', fullName: 'Смирнова Анна Викторовна' });
  const question = `Не приходят показания прибора учёта ${Date.now().toString(36)}`;
  const answerText = 'Прибор учёта переподключён к системе сбора данных, показания поступают.';
  let number = null;
  let caseId = null;

  await withPage(t, async (page) => {
    await login(page, consumer, { next: 'notifications', pageName: 'notifications' });
    const labels = (await page.locator('.nav a.nav__link').allTextContents()).map((s) => s.trim());
    assert.equal(labels.filter((l) => /Обращ/.test(l)).join('|'), 'Обращения');
    await openFromMenu(page, 'cases?group=appeals', 'cases');
    assert.equal(await textOf(page, 'h1'), 'Обращения');
    await page.locator('a.cases-file[data-group="appeals"]').click();
    await waitForPage(page, 'case-file');
    assert.equal(await textOf(page, 'h1'), 'Создать обращение');
    await page.locator('select[name="kind"]').selectOption('support');
    const form = page.locator('form.case-form');
    const subject = form.locator('[data-field="subject"] select');
    await subject.waitFor();
    const firstSubject = await subject.locator('option').nth(1).getAttribute('value');
    await subject.selectOption(firstSubject);
    await form.locator('[data-field="text"] textarea').fill(question);
    await screenshot(page, step(1, 'form'));
    const made = await captureApi(page, 'POST', 'cases', () => page.locator('button.case-submit').click());
    assert.equal(made.status, 201, JSON.stringify(made.body));
    number = String(made.body.number_text || made.body.number);
    caseId = made.body.id;
    assert.ok((await textOf(page, '.case-result__message')).includes(number));
    await screenshot(page, step(2, 'filed'));
  }, { artifact: 'cases-oes360.consumer-files' });

  await withPage(t, async (page) => {
    await login(page, admin, { next: 'operator/cases', pageName: 'operator-cases' });
    assert.equal(await resultState(page, 'operator-cases'), 'ready');
    await page.locator('form.operator-cases-filter input[name="q"]').fill(number);
    await page.locator('button.operator-cases__apply').click();
    await page.waitForFunction((id) => document.querySelectorAll('tr.case-row').length === 1
      && document.querySelector(`tr.case-row[data-id="${id}"]`), caseId);
    const row = page.locator(`tr.case-row[data-id="${caseId}"]`);
    const rowText = plainSpaces(await row.innerText());
    assert.match(rowText, /Обращение в службу поддержки/);
    assert.match(rowText, /Новое/);
    assert.doesNotMatch(rowText, /null|undefined/);
    await screenshot(page, step(3, 'queue'));
    await row.locator('a.case-row__link').click();
    await waitForPage(page, 'operator-case');
    assert.ok((await page.locator('.case-fields').innerText()).includes(question));

    // Assigned to the administrator themself.
    await page.locator('form.case-assign-form select[name="assignee"]').selectOption({ index: 1 });
    const assigned = await captureApi(page, 'POST', `operator/cases/${caseId}/assign`, () => page.locator('button.case-assign').click());
    assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
    await page.locator('.case-changed').waitFor();

    // The document goes to the applicant in «Переписка»: a message with the file.
    const messageForm = page.locator('form.case-message-form');
    await messageForm.locator('[data-field="text"] textarea').fill('Направляем акт проверки прибора учёта.');
    await messageForm.locator('.case-doc input[type="file"]').setInputFiles({ name: 'Ответ на обращение.pdf', mimeType: 'application/pdf', buffer: PDF });
    const sent = await captureApi(page, 'POST', `cases/${caseId}/messages`, () => messageForm.locator('button.case-message-form__send').click());
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    await page.locator('li.case-message[data-role="operator"] a.case-document').waitFor();

    // «Дать ответ»: the text; the confirmation first.
    await page.locator('button.case-action[data-action="answer"]').click();
    const answerForm = page.locator('form.case-action-form[data-action="answer"]');
    await answerForm.locator('[data-field="answer"] textarea').fill(answerText);
    await answerForm.locator('button.case-action-form__submit').click();
    const dialog = page.locator('dialog.confirm-dialog');
    await dialog.waitFor();
    assert.equal(await textOf(page, 'dialog.confirm-dialog .confirm-dialog__text'), 'Отправить ответ заявителю?');
    await screenshot(page, step(4, 'confirm'));
    const answered = await captureApi(page, 'POST', `cases/${caseId}/actions/answer`, () => dialog.locator('.confirm-dialog__confirm').click());
    assert.equal(answered.status, 200, JSON.stringify(answered.body));
    assert.equal(answered.body.state.label, 'Закрыто');
    await page.locator('.case-changed').waitFor();
    assert.equal(await page.locator('.case-view').getAttribute('data-state'), answered.body.state.id);
    await screenshot(page, step(5, 'answered'));

    // «Отчёты по обращениям»: this year's figures count the answered appeal; both files download.
    await page.locator('.subnav__link[data-route="operator/case-reports"]').click();
    await waitForPage(page, 'operator-case-reports');
    assert.equal(await resultState(page, 'case-reports'), 'ready');
    const portalRow = plainSpaces(await page.locator('table.case-report-channels tr', { hasText: 'В электронной форме через Интернет' }).innerText());
    const portalCount = /^В электронной форме через Интернет\s+(\d+)/.exec(portalRow);
    assert.ok(portalCount && Number(portalCount[1]) >= 1, portalRow);
    assert.ok(await page.locator('table.case-report-kinds tr', { hasText: 'Обращение в службу поддержки' }).count() === 1);
    for (const format of ['xlsx', 'csv']) {
      const href = await page.locator(`a.case-report-download[data-format="${format}"]`).getAttribute('href');
      const got = await page.evaluate(async (u) => { const r = await fetch(u); const b = new Uint8Array(await r.arrayBuffer()); return { status: r.status, type: r.headers.get('content-type'), head: [...b.slice(0, 3)] }; }, href);
      assert.equal(got.status, 200, `${format}: ${got.status}`);
      if (format === 'xlsx') assert.deepEqual(got.head.slice(0, 2), [0x50, 0x4b]); // a zip
      else assert.deepEqual(got.head, [0xef, 0xbb, 0xbf]); // UTF-8 with BOM
    }
    assert.doesNotMatch(plainSpaces(await page.locator('main').innerText()), /null|undefined|NaN/);
    await screenshot(page, step(6, 'reports'));

    // The queue's filters: assigned to me, not among the unassigned ones.
    await page.locator('.subnav__link[data-route="operator/cases"]').click();
    await waitForPage(page, 'operator-cases');
    await resultState(page, 'operator-cases');
    const filter = page.locator('form.operator-cases-filter');
    await filter.locator('input[name="q"]').fill(number);
    await filter.locator('select[name="assignee"]').selectOption('me');
    const mine = await captureApi(page, 'GET', 'operator/cases', () => filter.locator('button.operator-cases__apply').click());
    assert.equal(mine.status, 200);
    assert.equal(mine.body.cases.length, 1);
    await page.waitForFunction((id) => document.querySelector(`.result[data-result="operator-cases"][data-state="ready"] tr.case-row[data-id="${id}"]`), caseId);
    await filter.locator('select[name="assignee"]').selectOption('none');
    await filter.locator('button.operator-cases__apply').click();
    await page.waitForFunction(() => document.querySelector('.result[data-result="operator-cases"][data-state="empty"]'));
  }, { artifact: 'cases-oes360.operator-answers' });

  await withPage(t, async (page) => {
    await login(page, consumer, { next: 'notifications', pageName: 'notifications' });
    const item = page.locator('li.notification-item', { hasText: `№ ${number}` }).first();
    await item.waitFor();
    assert.equal(await item.getAttribute('data-state'), 'unread');
    await item.locator('button.notification-item__toggle').click();
    await screenshot(page, step(7, 'notification'));
    await item.locator('.notification-item__refs a').first().click();
    await waitForPage(page, 'case');
    const view = page.locator('.case-view');
    assert.match(await textOf(page, '.case-summary [data-field="state"] dd'), /Закрыто/);
    const history = plainSpaces(await view.locator('.case-history').innerText());
    assert.match(history, /Дать ответ/);
    assert.ok(history.includes(answerText), history);
    assert.match(history, /Смирнова Анна Викторовна|Сотрудник/);
    const thread = plainSpaces(await view.locator('.case-thread').innerText());
    assert.match(thread, /Направляем акт проверки прибора учёта\./);
    const answerDoc = view.locator('li.case-message[data-role="operator"] a.case-document', { hasText: 'Ответ на обращение.pdf' });
    assert.equal(await answerDoc.count(), 1);
    const file = await page.evaluate(async (href) => { const r = await fetch(href); return { status: r.status, head: (await r.text()).slice(0, 5) }; }, await answerDoc.getAttribute('href'));
    assert.deepEqual(file, { status: 200, head: '%PDF-' });
    assert.doesNotMatch(plainSpaces(await page.locator('main').innerText()), /null|undefined|NaN/);
    await screenshot(page, step(8, 'case-answered'));

    await page.goto(portalUrl('oes360', ''));
    await waitForPage(page, 'home');
    const card = page.locator('.dashboard-card[data-card="cases"]');
    await card.waitFor();
    const cardText = plainSpaces(await card.innerText());
    assert.ok(cardText.includes(`№ ${number}`), cardText);
    assert.match(cardText, /Закрыто/);
    await screenshot(page, step(9, 'home'));
  }, { artifact: 'cases-oes360.consumer-reads' });
});
