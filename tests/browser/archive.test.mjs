// «Получить архив данных за период» (АО «ВОЭК», individual from the demo
// accounts, KABINET_DEMO_ACCOUNTS): the menu leads to the archive page; a
// period starting four years back is refused beside «Начало периода» (the
// depth of three years); the previous month is requested: the server's
// message (the 21:00 rule) is shown, the request is listed as accepted with
// no files yet; while the request may still be changed («Изменить», until
// 21:00 МСК) its dates are changed, afterwards there is no «Изменить».
// The files are built the next day: the test does not wait for them.
// Screenshots: archive.voek.NN-<step>.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason, withPage, screenshot } from './lib/browser.mjs';
import { waitForPage, captureApi, textOf, control, isoDay } from './lib/portal.mjs';
import { demoSkipReason, demoAccount, login, logout, openFromMenu } from './lib/meters.mjs';

const skip = skipReason() || demoSkipReason() || false;

const step = (n, name) => `archive.voek.${String(n).padStart(2, '0')}-${name}`;

/** «2024-05-01» → «01.05.2024». */
const ru = (iso) => iso.split('-').reverse().join('.');

test('ВОЭК: архив данных за период — глубина, запрос, сообщение о 21:00, список запросов', { skip, timeout: 180000 }, async (t) => {
  const account = demoAccount('voek', 'individual');
  await withPage(t, async (page) => {
    await login(page, account);
    assert.equal(await page.locator('.nav a[data-route="archive"]').innerText(), 'Архив данных');
    await openFromMenu(page, 'archive', 'archive');
    await page.locator('form.archive-form').waitFor();
    await page.waitForFunction(() => {
      const r = document.querySelector('.result[data-result="archive"]');
      return r && !['idle', 'loading'].includes(r.dataset.state);
    });
    const before = await page.locator('.archive-request').count();
    await screenshot(page, step(1, 'page'));

    // Four years back: beyond the depth of the archive, refused beside the start date.
    const today = isoDay(0);
    await control(page, 'from', 'form.archive-form').fill(isoDay(-4 * 365 - 1));
    await control(page, 'to', 'form.archive-form').fill(isoDay(-1));
    const deep = await captureApi(page, 'POST', 'archive', () => page.locator('.archive-submit').click());
    assert.equal(deep.status, 422, `a period four years back answered ${deep.status}: ${JSON.stringify(deep.body)}`);
    assert.ok(deep.headers['x-csrf-token'], 'POST archive went without X-CSRF-Token');
    assert.ok(deep.body.fields.from, JSON.stringify(deep.body));
    const reason = await textOf(page, 'form.archive-form [data-field="from"] .field-error');
    assert.equal(reason, deep.body.fields.from);
    assert.match(reason, /3 года/);
    assert.equal(await control(page, 'from', 'form.archive-form').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('.archive-request').count(), before, 'a refused request was listed');
    await screenshot(page, step(2, 'too-deep'));

    // The previous month.
    const first = `${isoDay(0).slice(0, 8)}01`;
    const lastOfPrevious = isoDay(-Number(today.slice(8, 10)));
    const from = `${lastOfPrevious.slice(0, 8)}01`;
    assert.ok(from < first);
    await control(page, 'from', 'form.archive-form').fill(from);
    await control(page, 'to', 'form.archive-form').fill(lastOfPrevious);
    const made = await captureApi(page, 'POST', 'archive', () => page.locator('.archive-submit').click());
    assert.equal(made.status, 201, `the archive request answered ${made.status}: ${JSON.stringify(made.body)}`);
    assert.deepEqual({ from: made.request.from, to: made.request.to }, { from, to: lastOfPrevious });
    const message = await textOf(page, '.archive-message');
    assert.equal(message, made.body.message);
    assert.match(message, /21:00/);
    assert.equal(await control(page, 'from', 'form.archive-form').getAttribute('aria-invalid'), null, 'the old error stayed');

    const item = page.locator(`.archive-request[data-id="${made.body.id}"]`);
    await item.waitFor();
    assert.equal(await item.getAttribute('data-state'), 'requested');
    assert.match(await item.locator('.archive-request__period').innerText(), new RegExp(`${ru(from)}.*${ru(lastOfPrevious)}`));
    assert.equal(await item.locator('a.archive-file').count(), 0, 'files are offered before they are built');
    await screenshot(page, step(3, 'requested'));

    if (made.body.changeable) {
      // Before the cut-off the dates can still be changed.
      await item.locator('.archive-change').click();
      const changeForm = item.locator('form.archive-change-form');
      await changeForm.waitFor();
      const newFrom = `${from.slice(0, 8)}02`;
      await changeForm.locator('input[name="from"]').fill(newFrom);
      await screenshot(page, step(4, 'change'));
      const changed = await captureApi(page, 'PATCH', `archive/${made.body.id}`, () => changeForm.locator('button[type="submit"]').click());
      if (changed.status === 409) {
        // The cut-off passed in between: the page says so and offers no change any more.
        assert.equal(changed.body.error, 'archive_locked');
        assert.equal(await textOf(page, '.archive-locked'), changed.body.message);
        await page.waitForFunction((id) => {
          const el = document.querySelector(`.archive-request[data-id="${id}"]`);
          return el && !el.querySelector('.archive-change');
        }, made.body.id);
      } else {
        assert.equal(changed.status, 200, `PATCH answered ${changed.status}: ${JSON.stringify(changed.body)}`);
        assert.equal(changed.body.from, newFrom);
        await page.locator('.archive-changed').waitFor();
        await page.locator(`.archive-request[data-id="${made.body.id}"] .archive-request__period`, { hasText: ru(newFrom) }).waitFor();
      }
      await screenshot(page, step(5, 'changed'));
    } else {
      t.diagnostic('after the cut-off: the request can no longer be changed');
      assert.equal(await item.locator('.archive-change').count(), 0, '«Изменить» offered after the cut-off');
    }

    // After a reload the request is still there.
    await page.reload();
    await waitForPage(page, 'archive');
    await page.locator(`.archive-request[data-id="${made.body.id}"]`).waitFor();
    assert.equal(await page.locator(`.archive-request[data-id="${made.body.id}"] a.archive-file`).count(), 0);
    await logout(page);
  }, { artifact: 'archive.voek' });
});
