// Technological connection at ВОЭК (seed 002 «Новая заявка», «Заявки: исполняемые / выполненные»), against a
// running kabinetd with demo data:
//   * the filing page of the tech-connection kind has «Распечатать заявление»: with a required field empty nothing
//     is printed and the reason stands beside the field; filled, the PDF of the form downloads (POST
//     case-kinds/{kind}/print answers application/pdf);
//   * without the signed scan «Сохранить» is refused beside the document; with it the number comes at once;
//   * the list split: the new application is among «Исполняемые» (?open=1), not among «Выполненные» (?open=0), its
//     row with the kind's columns;
//   * an administrator moves it to completion; it is then among «Выполненные»; the applicant is invited to the
//     survey from the case page and answers it; «Отчёты по обращениям» show the survey's answers.
// Screenshots: techconnect-voek.NN-<step>.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, withPage, screenshot } from './lib/browser.mjs';
import { waitForPage, captureApi, textOf, portalUrl, plainSpaces } from './lib/portal.mjs';
import { demoSkipReason, demoAccount, login } from './lib/meters.mjs';
import { staffSkipReason, createTenantAdmin } from './lib/staff.mjs';
import { PDF, kindsOf, techKind, powerField, fillRequired, driveToEnd } from './lib/techconnect.mjs';

const skip = skipReason() || demoSkipReason() || staffSkipReason() || false;
const step = (n, name) => `techconnect-voek.${String(n).padStart(2, '0')}-${name}`;
const NO_RAW = /null|undefined|NaN|\d{4}-\d{2}-\d{2}T/;

test('ВОЭК: заявление на техприсоединение распечатывается из формы, подписанный скан прикладывается, заявка среди исполняемых, после завершения — среди выполненных, опрос в отчёте', { skip, timeout: 360000 }, async (t) => {
  const applicant = demoAccount('voek');
  await withPage(t, async (page) => {
    await login(page, applicant, { next: 'notifications', pageName: 'notifications' });
    const kind = techKind(await kindsOf(page));
    if (!kind) { t.skip('у ВОЭК нет вида заявки на технологическое присоединение'); return; }
    const signed = (kind.documents || []).find((d) => d.id === 'signed_application');
    assert.ok(signed && signed.required, 'the signed application is not a required document');

    await page.goto(portalUrl('voek', `cases/new/${kind.group}?kind=${kind.id}`));
    await waitForPage(page, 'case-file');
    const form = page.locator('form.case-form');
    const print = page.locator('button.case-print-form');
    await print.waitFor();
    assert.equal((await print.innerText()).trim(), 'Распечатать заявление');

    // Nothing filled: the reasons beside the fields, nothing sent.
    let printed = 0;
    page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/print')) printed += 1; });
    await print.click();
    await page.locator('form.case-form .field--error, form.case-form [aria-invalid="true"]').first().waitFor();
    assert.equal(printed, 0);

    // Filled: the PDF of the form.
    const power = powerField(kind);
    await fillRequired(form, power ? { [power.name]: '10' } : {});
    const [download, answer] = await Promise.all([
      page.waitForEvent('download'),
      captureApi(page, 'POST', `case-kinds/${kind.id}/print`, () => print.click()),
    ]);
    assert.equal(answer.status, 200);
    assert.ok(answer.request && answer.request.fields, 'the form was not sent to print');
    assert.match(download.suggestedFilename(), /\.pdf$/);
    const file = await download.path();
    const { readFile } = await import('node:fs/promises');
    assert.equal((await readFile(file)).subarray(0, 5).toString(), '%PDF-');
    await page.locator('a.case-print-file').waitFor();
    await screenshot(page, step(1, 'printed'));

    // Without the signed scan: refused beside its input.
    const signedInput = form.locator('.case-doc[data-type="signed_application"] input[type="file"]');
    const others = form.locator('.case-doc:not([data-type="signed_application"]) input[type="file"]');
    for (let i = 0; i < await others.count(); i += 1) {
      await others.nth(i).setInputFiles({ name: `документ-${i + 1}.pdf`, mimeType: 'application/pdf', buffer: PDF });
    }
    await page.locator('button.case-submit').click();
    assert.match(await textOf(page, '.case-doc[data-type="signed_application"] .field-error'), /[А-Яа-я]/);
    await signedInput.setInputFiles({ name: 'Заявление подписанное.pdf', mimeType: 'application/pdf', buffer: PDF });
    const made = await captureApi(page, 'POST', 'cases', () => page.locator('button.case-submit').click());
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const caseId = made.body.id;
    assert.ok((await textOf(page, '.case-result__message')).includes(String(made.body.number_text || made.body.number)));
    await screenshot(page, step(2, 'filed'));

    // «Исполняемые» holds it, «Выполненные» does not.
    await page.goto(portalUrl('voek', `cases?group=${kind.group}&open=1`));
    await waitForPage(page, 'cases');
    const row = page.locator(`tr.case-row[data-id="${caseId}"]`);
    await row.waitFor();
    assert.match(await textOf(page, 'h1'), /: исполняемые$/);
    assert.ok(await page.locator('.cases-open input[data-value="1"]').isChecked());
    assert.ok((await row.locator('.case-row__col').count()) >= 1, 'the kind\'s columns are missing');
    assert.doesNotMatch(plainSpaces(await page.locator('main').innerText()), NO_RAW);
    await screenshot(page, step(3, 'open'));
    const [closedList] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/cases?') && r.url().includes('open=0')),
      page.locator('.cases-open input[data-value="0"]').check(),
    ]);
    assert.equal(closedList.status(), 200);
    await page.waitForFunction(() => /: выполненные$/.test(document.querySelector('h1').textContent));
    assert.equal(await page.locator(`tr.case-row[data-id="${caseId}"]`).count(), 0);
    await screenshot(page, step(4, 'done'));

    // The case page: the signed scan among the documents, the print link.
    await page.goto(portalUrl('voek', `cases/${caseId}`));
    await waitForPage(page, 'case');
    assert.ok((await page.locator('.case-documents a.case-document', { hasText: 'Заявление подписанное.pdf' }).count()) === 1);
    assert.equal(await page.locator('a.case-print').count(), 1);
    assert.doesNotMatch(plainSpaces(await page.locator('main').innerText()), NO_RAW);
    await screenshot(page, step(5, 'case'));

    // Completion by an administrator; then «Выполненные», the survey offered and answered, the report.
    const admin = await createTenantAdmin('voek', { prefix: 'voek-tc', fullName: 'Соколова Ирина Андреевна' });
    await withPage(t, async (o) => {
      await login(o, { ...admin, kind: 'staff' }, { next: 'operator/cases', pageName: 'operator-cases' });
      const end = await driveToEnd(o, page, 'voek', caseId);
      assert.ok(end.state.final && end.state.tone === 'done', `not completed: ${end.state.label}`);

      await page.goto(portalUrl('voek', `cases?group=${kind.group}&open=0`));
      await waitForPage(page, 'cases');
      const doneRow = page.locator(`tr.case-row[data-id="${caseId}"]`);
      await doneRow.waitFor();
      assert.doesNotMatch(plainSpaces(await doneRow.innerText()), NO_RAW);
      await screenshot(page, step(6, 'done-list'));
      await page.goto(portalUrl('voek', `cases/${caseId}`));
      await waitForPage(page, 'case');
      assert.match(plainSpaces(await page.locator('.case-fields').innerText()), /Лицевой сч[её]т/);
      const offer = page.locator('a.case-offer');
      await offer.waitFor();
      await offer.click();
      await waitForPage(page, 'case-file');
      const survey = page.locator('form.case-form');
      await survey.locator('.case-form__kind [data-field]').first().waitFor();
      await fillRequired(survey);
      const answered = await captureApi(page, 'POST', 'cases', () => page.locator('button.case-submit').click());
      assert.equal(answered.status, 201, JSON.stringify(answered.body));
      await screenshot(page, step(7, 'survey'));

      await o.goto(portalUrl('voek', 'operator/case-reports'));
      await waitForPage(o, 'operator-case-reports');
      const report = o.locator('.case-report-survey[data-kind="survey"]');
      await report.waitFor();
      assert.match(plainSpaces(await report.innerText()), /\d+ ответ/);
      assert.doesNotMatch(plainSpaces(await o.locator('main').innerText()), /null|undefined|NaN/);
      await screenshot(o, step(8, 'report'));
    }, { artifact: 'techconnect-voek.operator' });
  }, { artifact: 'techconnect-voek.applicant' });
});
