// The consumer survey at ВОЭК (seed 002, «Опрос потребителя»), against a running kabinetd with demo data and a
// tenant administrator made with the command line tool:
//   * the menu's entries as the seed names them («Обратная связь», «Опрос потребителя», then the lists «Мои
//     сообщения», «Мои ответы на опрос»);
//   * the demo consumer's «Опрос потребителя»: the survey chosen at once, a rating 1–5 per question, «Сохранить» → the
//     number at once; «Мои ответы на опрос» lists it;
//   * the administrator's «Отчёты по обращениям»: the survey's answers per question (counts, the average rating),
//     and the survey is not counted among the appeals.
// Screenshots: cases-voek.NN-<step>.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, withPage, screenshot } from './lib/browser.mjs';
import { waitForPage, captureApi, textOf, plainSpaces } from './lib/portal.mjs';
import { demoSkipReason, demoAccount, login, openFromMenu } from './lib/meters.mjs';
import { staffSkipReason, createTenantAdmin } from './lib/staff.mjs';

const skip = skipReason() || demoSkipReason() || staffSkipReason() || false;
const step = (n, name) => `cases-voek.${String(n).padStart(2, '0')}-${name}`;

test('ВОЭК: потребитель проходит опрос, сотрудник видит ответы по вопросам в отчёте', { skip, timeout: 240000 }, async (t) => {
  const consumer = demoAccount('voek');
  const admin = await createTenantAdmin('voek', { prefix: 'voek-survey' });
  let number = null;

  await withPage(t, async (page) => {
    await login(page, consumer, { next: 'notifications', pageName: 'notifications' });
    const entry = async (route) => plainSpaces(await page.locator(`.nav a[data-route="${route}"]`).innerText()).trim();
    assert.equal(await entry('cases/new/feedback'), 'Обратная связь');
    assert.equal(await entry('cases/new/survey'), 'Опрос потребителя');
    assert.equal(await entry('cases?group=feedback'), 'Мои сообщения');
    assert.equal(await entry('cases?group=survey'), 'Мои ответы на опрос');
    await openFromMenu(page, 'cases/new/survey', 'case-file');
    assert.equal(await textOf(page, 'h1'), 'Опрос потребителя');
    const form = page.locator('form.case-form');
    const ratings = form.locator('[data-field] select');
    await page.waitForFunction(() => document.querySelectorAll('form.case-form .case-form__kind [data-field] select').length >= 5);
    const n = await form.locator('.case-form__kind [data-field] select').count();
    for (let i = 0; i < n; i += 1) await form.locator('.case-form__kind [data-field] select').nth(i).selectOption('5');
    assert.ok(n >= 5 && (await ratings.count()) >= n);
    await form.locator('[data-field="comment"] textarea').fill('Всё понятно и быстро');
    const made = await captureApi(page, 'POST', 'cases', () => page.locator('button.case-submit').click());
    assert.equal(made.status, 201, JSON.stringify(made.body));
    number = String(made.body.number_text || made.body.number);
    assert.ok((await textOf(page, '.case-result__message')).includes(number));
    await screenshot(page, step(1, 'filed'));
    await openFromMenu(page, 'cases?group=survey', 'cases');
    await page.waitForFunction((id) => document.querySelector(`tr.case-row[data-id="${id}"]`), made.body.id);
    assert.doesNotMatch(plainSpaces(await page.locator('main').innerText()), /null|undefined|NaN/);
    await screenshot(page, step(2, 'list'));
  }, { artifact: 'cases-voek.consumer' });

  await withPage(t, async (page) => {
    await login(page, { ...admin, kind: 'staff' }, { next: 'operator/case-reports', pageName: 'operator-case-reports' });
    await page.waitForFunction(() => {
      const r = document.querySelector('.result[data-result="case-reports"]');
      return r && r.dataset.state === 'ready';
    });
    const survey = page.locator('.case-report-survey[data-kind="survey"]');
    await survey.waitFor();
    const text = plainSpaces(await survey.innerText());
    assert.match(text, /Опрос о качестве обслуживания при технологическом присоединении: \d+ ответ/);
    assert.match(text, /Общая оценка качества обслуживания/);
    assert.match(text, /средняя оценка \d,\d\d/);
    assert.match(text, /5 — отлично: \d+/);
    assert.doesNotMatch(plainSpaces(await page.locator('main').innerText()), /null|undefined|NaN/);
    await screenshot(page, step(3, 'report'));
  }, { artifact: 'cases-voek.operator' });
});
