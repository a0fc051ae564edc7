// СИГМА's «Обмен данными» page, section «Файлы XML 80020», against a real kabinetd (tests/support/with_kabinetd.sh,
// demo data: СИГМА's points are numbered by their 15-digit measuring-point codes): a tenant administrator uploads
// two files written by the generator (tests/simulators/gen80020.py) — one whole day, one truncated — and sees
// each file's result («Принят», «Не прочитан» with the reason), the received files' list, then asks for an
// export of the period. Screenshot: energosfera-files.sigma.01-uploaded.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { skipReason, withPage, screenshot } from './lib/browser.mjs';
import { waitForPage } from './lib/portal.mjs';
import { demoSkipReason, login } from './lib/meters.mjs';
import { staffSkipReason, createTenantAdmin } from './lib/staff.mjs';

const skip = skipReason() || demoSkipReason() || staffSkipReason() || (!process.env.KABINET_SOURCE_DIR && 'KABINET_SOURCE_DIR is not set') || false;

function isoDay(daysBack) {
  const d = new Date(Date.now() - daysBack * 86400000);
  return d.toISOString().slice(0, 10);
}

test('СИГМА: оператор загружает файлы XML 80020 и видит результат каждого файла', { skip, timeout: 180000 }, async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kabinet-80020-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const day = isoDay(5);
  execFileSync('/usr/bin/python3', [path.join(process.env.KABINET_SOURCE_DIR, 'tests/simulators/gen80020.py'), '--out', dir,
    '--from', day, '--days', '2', '--codes', '910000000001401,910000000001402', '--truncate-day', isoDay(4), '--first-number', '501']);
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.xml')).sort().map((f) => path.join(dir, f));
  assert.equal(files.length, 2);

  const admin = await createTenantAdmin('sigma', { prefix: 'sigma-80020' });
  await withPage(t, async (page) => {
    await login(page, admin, { next: 'operator/connectors', pageName: 'operator-connectors' });
    await waitForPage(page, 'operator-connectors');
    const section = page.locator('section.connector-files[data-connector="energosfera"]');
    await section.waitFor();
    await section.locator('input[type="file"]').setInputFiles(files);
    await section.locator('form.connector-files__upload button[type="submit"]').click();
    const uploaded = section.locator('.connector-files__uploaded tr.connector-file');
    await uploaded.nth(1).waitFor();
    assert.equal(await uploaded.count(), 2);
    assert.equal(await uploaded.nth(0).getAttribute('data-state'), 'accepted');
    assert.match(await uploaded.nth(0).innerText(), /Принят/);
    assert.match(await uploaded.nth(0).innerText(), /записано 192/);
    assert.equal(await uploaded.nth(1).getAttribute('data-state'), 'malformed');
    assert.match(await uploaded.nth(1).innerText(), /Не прочитан/);
    assert.match(await uploaded.nth(1).innerText(), /обрезан или повреждён/);
    assert.match(await section.locator('.connector-files__uploaded').innerText(), /2 файла, принят: 1, не прочитан: 1\./);
    // the received files' list shows them too
    await section.locator('.connector-files__results tr.connector-file').nth(1).waitFor();
    const text = await section.innerText();
    assert.doesNotMatch(text, /null|undefined|NaN/);
    await screenshot(page, 'energosfera-files.sigma.01-uploaded');

    // the export of the period answers a ZIP
    const answer = await page.evaluate(async (from) => {
      const r = await fetch(`/t/sigma/api/v1/operator/connectors/energosfera/export-80020?from=${from}&to=${from}`, { credentials: 'same-origin' });
      return { code: r.status, type: r.headers.get('content-type'), size: (await r.arrayBuffer()).byteLength };
    }, day);
    assert.equal(answer.code, 200);
    assert.equal(answer.type, 'application/zip');
    assert.ok(answer.size > 100);
  }, { artifact: 'energosfera-files.sigma' });
});
