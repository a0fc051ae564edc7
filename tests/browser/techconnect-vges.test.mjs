// Technological connection at ВГЭС (seed 003 Рис. 12, 13.1–13.3, 16), against a running kabinetd with demo data
// and a tenant administrator made with the command line tool. The applicant and the operator work at the same
// time in two browsers:
//   * the applicant files the application: the long form (more fields opened by the answers), a requested power
//     above the limit refused beside the field in Russian, then within it, a PDF on every document → the number;
//   * the operator finds it in «Обращения» (the list's columns: object, address, power), asks for missing
//     documents (what is missing kept in the application);
//   * the applicant sees it in «Информация по заявкам» (columns of Рис. 13.1, «Направить недостающие
//     сведения/документы»), what is missing on the case page, uploads a document, presses «Завершить загрузку»;
//     an upload from a page opened before is refused with «Загрузка документов завершена…»;
//   * the operator moves the application on: the offer with the ТУ number and date and the utility's documents;
//     the applicant downloads them, sees the ТУ number and date in the list, reports readiness (the confirmation of
//     Рис. 16); the operator completes it;
//   * the stages have dates, the case shows «Лицевой счёт», and the applicant sees the new point under «Точки учёта».
// Screenshots: techconnect-vges.NN-<step>.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, withPage, screenshot } from './lib/browser.mjs';
import { waitForPage, captureApi, textOf, portalUrl, plainSpaces } from './lib/portal.mjs';
import { demoSkipReason, demoAccount, login } from './lib/meters.mjs';
import { staffSkipReason, createTenantAdmin } from './lib/staff.mjs';
import { PDF, kindsOf, techKind, powerField, fillRequired, attachAll, caseOf, takeAction, driveToEnd } from './lib/techconnect.mjs';

const skip = skipReason() || demoSkipReason() || staffSkipReason() || false;
const step = (n, name) => `techconnect-vges.${String(n).padStart(2, '0')}-${name}`;
const NO_RAW = /null|undefined|NaN|\d{4}-\d{2}-\d{2}T/;

test('ВГЭС: заявка на техприсоединение проходит весь путь — недостающие документы, «Завершить загрузку», ТУ, готовность, лицевой счёт', { skip, timeout: 420000 }, async (t) => {
  const applicant = demoAccount('vges', 'individual');
  const admin = await createTenantAdmin('vges', { prefix: 'vges-tc', fullName: 'Кузнецова Ольга Петровна' });

  await withPage(t, async (a) => {
    await login(a, applicant, { next: 'notifications', pageName: 'notifications' });
    const kind = techKind(await kindsOf(a));
    if (!kind) { t.skip('у ВГЭС нет вида «Заявка на технологическое присоединение»'); return; }
    const power = powerField(kind);
    assert.ok(power, 'the kind has no power field');

    // Filing: the long form, the power limit in place, the documents.
    await a.goto(portalUrl('vges', `cases/new/${kind.group}?kind=${kind.id}`));
    await waitForPage(a, 'case-file');
    const form = a.locator('form.case-form');
    await form.locator(`[data-field="${power.name}"]`).waitFor();
    await fillRequired(form, { [power.name]: '200' });
    await attachAll(form);
    const tooMuch = await captureApi(a, 'POST', 'cases', () => a.locator('button.case-submit').click());
    assert.equal(tooMuch.status, 422, JSON.stringify(tooMuch.body));
    const powerError = await textOf(a, `[data-field="${power.name}"] .field-error`);
    assert.match(powerError, /кВт/);
    assert.match(powerError, /^[^a-z]*$/);
    await screenshot(a, step(1, 'power-limit'));
    await fillRequired(form, { [power.name]: '10' });
    await attachAll(form);
    const made = await captureApi(a, 'POST', 'cases', () => a.locator('button.case-submit').click());
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const caseId = made.body.id;
    const number = String(made.body.number_text || made.body.number);
    assert.ok((await textOf(a, '.case-result__message')).includes(number));
    await screenshot(a, step(2, 'filed'));

    await withPage(t, async (o) => {
      // The operator's queue: the application with its columns; asking for missing documents.
      await login(o, admin, { next: 'operator/cases', pageName: 'operator-cases' });
      await o.locator('form.operator-cases-filter input[name="q"]').fill(number);
      await o.locator('button.operator-cases__apply').click();
      const row = o.locator(`tr.case-row[data-id="${caseId}"]`);
      await row.waitFor();
      const rowText = plainSpaces(await row.innerText());
      assert.match(rowText, /10/);
      assert.doesNotMatch(rowText, NO_RAW);
      await screenshot(o, step(3, 'operator-queue'));
      await row.locator('a.case-row__link').click();
      await waitForPage(o, 'operator-case');
      let view = await caseOf(o, caseId);
      const ask = view.actions.find((x) => (x.fields || []).some((f) => f.name === 'missing'));
      assert.ok(ask, `no action asking for missing documents among ${view.actions.map((x) => x.label).join(', ')}`);
      const missingText = 'Копия документа о праве собственности на участок';
      await takeAction(o, caseId, ask, { missing: missingText });
      await screenshot(o, step(4, 'operator-missing'));

      // The applicant: the list of Рис. 13.1 and the link to send what is missing.
      await a.goto(portalUrl('vges', `cases?group=${kind.group}`));
      await waitForPage(a, 'cases');
      const mine = a.locator(`tr.case-row[data-id="${caseId}"]`);
      await mine.waitFor();
      await a.locator('form.cases-search input[name="number"]').fill(number);
      await a.locator('button.cases-search__apply').click();
      assert.equal(await a.locator('tr.case-row').count(), 1);
      const headers = plainSpaces(await a.locator('table.cases-table thead').innerText());
      assert.match(headers, /Рег\. номер/);
      assert.match(headers, /Дата подачи/);
      assert.match(headers, /Действия/);
      assert.doesNotMatch(plainSpaces(await mine.innerText()), NO_RAW);
      await screenshot(a, step(5, 'list-missing'));
      await mine.locator('a.case-row__action[data-action="upload"]').click();
      await waitForPage(a, 'case');
      assert.ok((await a.locator('.case-fields').innerText()).includes(missingText), 'what is missing is not shown');
      // A second tab with the case, opened before «Завершить загрузку».
      const stale = await a.context().newPage();
      await stale.goto(portalUrl('vges', `cases/${caseId}`));
      await waitForPage(stale, 'case');
      const upload = a.locator('form.case-upload-form');
      await upload.locator('input[type="file"]').setInputFiles({ name: 'Право собственности.pdf', mimeType: 'application/pdf', buffer: PDF });
      const added = await captureApi(a, 'POST', `cases/${caseId}/documents`, () => upload.locator('button[type="submit"]').click());
      assert.equal(added.status, 201, JSON.stringify(added.body));
      await a.locator('.case-changed').waitFor();
      view = await caseOf(a, caseId);
      const finish = view.actions.find((x) => /Завершить загрузку/.test(x.label));
      assert.ok(finish, `no «Завершить загрузку» among ${view.actions.map((x) => x.label).join(', ')}`);
      await takeAction(a, caseId, finish);
      assert.equal(await a.locator('form.case-upload-form').count(), 0);
      // The upload lock: the page opened before tries once more.
      const staleForm = stale.locator('form.case-upload-form');
      await staleForm.locator('input[type="file"]').setInputFiles({ name: 'Ещё документ.pdf', mimeType: 'application/pdf', buffer: PDF });
      const refused = await captureApi(stale, 'POST', `cases/${caseId}/documents`, () => staleForm.locator('button[type="submit"]').click());
      assert.equal(refused.status, 409, JSON.stringify(refused.body));
      const lock = await textOf(stale, 'form.case-upload-form .field-error, form.case-upload-form .form-status .notice--error');
      assert.match(lock, /Загрузка документов завершена/);
      await screenshot(stale, step(6, 'upload-locked'));
      await stale.close();

      // On to completion: the operator moves it forward; the applicant acts when it is their turn.
      let readinessConfirm = null;
      let tuSeen = false;
      await driveToEnd(o, a, 'vges', caseId, async (act, taken, side) => {
        if ((act.fields || []).some((f) => f.name === 'tu_number')) {
          tuSeen = true;
          await screenshot(o, step(7, 'operator-offer'));
        }
        if (side === 'applicant' && /готовност/i.test(act.label)) {
          readinessConfirm = taken.confirm;
          await screenshot(a, step(8, 'readiness'));
        }
      });
      view = await caseOf(a, caseId);
      assert.ok(view.state.final, `not completed: ${view.state.label}`);
      assert.ok(tuSeen, 'the ТУ number was never asked for');
      assert.match(readinessConfirm || '', /готовност/, 'no readiness confirmation');
      await screenshot(o, step(9, 'operator-done'));
    }, { artifact: 'techconnect-vges.operator' });

    // The applicant: the completed application, its stages, the utility's documents, the personal account.
    await a.goto(portalUrl('vges', `cases/${caseId}`));
    await waitForPage(a, 'case');
    const account = a.locator('.case-fields .info-list__row[data-field="account_number"] dd');
    await account.waitFor();
    const accountNumber = (await account.innerText()).trim();
    assert.match(accountNumber, /\d/);
    const stages = a.locator('.case-stages li.case-stage');
    assert.ok((await stages.count()) >= 3);
    assert.equal(await a.locator('.case-stages li.case-stage[data-reached="false"]').count(), 0);
    assert.match(plainSpaces(await a.locator('.case-stages').innerText()), /\d{2}\.\d{2}\.\d{4}/);
    assert.ok((await a.locator('.case-documents__utility a.case-document').count()) >= 1);
    const doc = await a.evaluate(async (href) => { const r = await fetch(href); return { status: r.status, head: (await r.text()).slice(0, 5) }; },
      await a.locator('.case-documents__utility a.case-document').first().getAttribute('href'));
    assert.deepEqual(doc, { status: 200, head: '%PDF-' });
    const values = plainSpaces(await a.locator('.case-fields').innerText());
    assert.match(values, /1180/);
    assert.doesNotMatch(values, /\d{4}-\d{2}-\d{2}/, 'a date shown raw');
    assert.doesNotMatch(plainSpaces(await a.locator('main').innerText()), NO_RAW);
    await screenshot(a, step(10, 'completed'));

    await a.goto(portalUrl('vges', `cases?group=${kind.group}&open=0`));
    await waitForPage(a, 'cases');
    const done = a.locator(`tr.case-row[data-id="${caseId}"]`);
    await done.waitFor();
    const doneText = plainSpaces(await done.innerText());
    assert.match(doneText, /1180/);
    assert.doesNotMatch(doneText, NO_RAW);
    await screenshot(a, step(11, 'list-done'));

    await a.goto(portalUrl('vges', 'points'));
    await waitForPage(a, 'points');
    await a.waitForFunction((n) => document.querySelector('main') && document.querySelector('main').innerText.includes(n), accountNumber);
    await screenshot(a, step(12, 'points'));
  }, { artifact: 'techconnect-vges.applicant' });
});
