// Helpers of the tech-connection browser tests (techconnect-*.test.mjs): finding the tenant's tech-connection
// kind among the kinds a person may file, filling a long form the way a person does (every required field shown,
// again after a visibility rule opened more), attaching a file to every document input, and taking a case's
// actions from its page (inputs, files, the confirmation).

import assert from 'node:assert/strict';
import { captureApi } from './portal.mjs';

/** A minimal valid PDF document. */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n'
  + 'trailer<</Root 1 0 R>>\n%%EOF\n');

/** GET case-kinds from the page (with its session): {groups, kinds}. */
export async function kindsOf(page) {
  return page.evaluate(async () => {
    const api = document.querySelector('meta[name="kabinet-api"]').content;
    const r = await fetch(`${api}/case-kinds`, { credentials: 'same-origin' });
    return r.ok ? r.json() : { groups: [], kinds: [] };
  });
}

/**
 * The tenant's tech-connection kind this person may file (its label speaks of присоединение and its form asks for
 * a power; the survey about connection does not), or null.
 */
export function techKind(kinds) {
  return (kinds.kinds || []).find((k) => /присоединени/i.test(k.label || '') && (k.form || []).some((f) => /power/.test(f.name || ''))) || null;
}

/** The form field of a kind whose name speaks of the requested power (the one the limits apply to). */
export function powerField(kind) {
  const fields = (kind.form || []).filter((f) => /power/.test(f.name || ''));
  return fields.find((f) => /request|new|max/.test(f.name)) || fields[0] || null;
}

/**
 * Fills every empty required control of a form that is shown (text, decimal, date, select, textarea), again
 * while a visibility rule keeps opening more. `values` overrides a field's value by its name.
 */
export async function fillRequired(form, values = {}) {
  for (let round = 0; round < 4; round += 1) {
    const todo = await form.evaluate((root, given) => [...root.querySelectorAll('.field[data-field]')]
      .filter((f) => f.offsetParent !== null && !f.classList.contains('case-doc'))
      .map((f) => {
        const c = f.querySelector('input:not([type=search]):not([type=file]), select, textarea');
        if (!c || c.disabled || c.readOnly) return null;
        const name = f.dataset.field;
        const required = c.getAttribute('aria-required') === 'true';
        const empty = c.type === 'checkbox' ? false : !c.value;
        if (!(name in given) && !(required && empty)) return null;
        if (name in given && String(c.value) === String(given[name])) return null;
        return { name, tag: c.tagName.toLowerCase(), type: c.type, inputmode: c.getAttribute('inputmode') || '' };
      }).filter(Boolean), values);
    if (!todo.length) return;
    for (const f of todo) {
      const control = form.locator(`.field[data-field="${f.name}"]`).locator('input:not([type=search]):not([type=file]), select, textarea').first();
      const given = values[f.name];
      if (f.tag === 'select') {
        await form.page().waitForFunction((el) => el.options.length > 1 && !el.disabled, await control.elementHandle());
        if (given !== undefined) await control.selectOption(String(given));
        else {
          const first = await control.evaluate((el) => [...el.options].find((o) => o.value)?.value);
          await control.selectOption(first);
        }
      } else if (f.type === 'checkbox') {
        if (Boolean(given) !== (await control.isChecked())) await control.click();
      } else if (f.type === 'date') {
        await control.fill(given || new Date().toISOString().slice(0, 10));
      } else if (given !== undefined) {
        await control.fill(String(given));
      } else if (f.inputmode === 'decimal' || f.inputmode === 'numeric' || /power|kw|voltage/.test(f.name)) {
        await control.fill('10');
      } else if (/email/.test(f.name) || f.type === 'email') {
        await control.fill('applicant@example.ru');
      } else if (/phone/.test(f.name) || f.type === 'tel') {
        await control.fill('+79001234567');
      } else if (/full_name/.test(f.name)) {
        await control.fill('Смирнова Елена Викторовна');
      } else if (/supplier/.test(f.name)) {
        await control.fill('ПАО «ТНС энерго Воронеж»');
      } else if (/passport/.test(f.name)) {
        await control.fill('2004 123456');
      } else if (/egr_record/.test(f.name)) {
        await control.fill('1023601234567');
      } else if (/address/.test(f.name)) {
        await control.fill('Воронеж, ул. Лизюкова, д. 12');
      } else if (/cadastr/.test(f.name)) {
        await control.fill('36:34:0000000:123');
      } else {
        await control.fill(f.tag === 'textarea' ? 'Сведения для проверки заявки' : 'Жилой дом');
      }
    }
  }
}

/** A PDF on every shown document input of a form (required or not). */
export async function attachAll(form, name = 'документ.pdf') {
  const inputs = form.locator('.case-doc input[type="file"]');
  const n = await inputs.count();
  for (let i = 0; i < n; i += 1) {
    if (!(await inputs.nth(i).isVisible())) continue;
    await inputs.nth(i).setInputFiles({ name: `${i + 1}-${name}`, mimeType: 'application/pdf', buffer: PDF });
  }
}

/** The case view of the page's session (GET cases/{id}). */
export async function caseOf(page, id) {
  return page.evaluate(async (caseId) => {
    const api = document.querySelector('meta[name="kabinet-api"]').content;
    const r = await fetch(`${api}/cases/${encodeURIComponent(caseId)}`, { credentials: 'same-origin' });
    return r.json();
  }, id);
}

/**
 * Takes an action from the case page on screen: its button, its form (required inputs filled, `values` by field
 * name, a PDF on every document input), the confirmation when one is asked. Returns {status, body, confirm}.
 */
export async function takeAction(page, caseId, action, values = {}) {
  const button = page.locator(`button.case-action[data-action="${action.id}"]`);
  await button.waitFor();
  const hasInputs = (action.fields && action.fields.length) || (action.comment && action.comment !== 'none')
    || (action.documents && action.documents.length) || (action.attach && action.attach.length);
  let confirmText = null;
  const confirmIfAsked = async () => {
    const dialog = page.locator('dialog.confirm-dialog[open]');
    await dialog.waitFor();
    confirmText = (await dialog.locator('.confirm-dialog__text').innerText()).trim();
    await dialog.locator('.confirm-dialog__confirm').click();
  };
  const answer = await captureApi(page, 'POST', `cases/${caseId}/actions/${action.id}`, async () => {
    if (!hasInputs) {
      await button.click();
      if (action.confirm) await confirmIfAsked();
      return;
    }
    await button.click();
    const form = page.locator(`form.case-action-form[data-action="${action.id}"]`);
    await form.waitFor();
    const withComment = action.comment === 'required' && !('comment' in values) ? { ...values, comment: 'Проверено' } : values;
    await fillRequired(form, withComment);
    await attachAll(form, `${action.id}.pdf`);
    await form.locator('button.case-action-form__submit').click();
    if (action.confirm) await confirmIfAsked();
  });
  assert.equal(answer.status, 200, `${action.label}: ${JSON.stringify(answer.body)}`);
  await page.locator('.case-changed').waitFor();
  return { ...answer, confirm: confirmText };
}

/** Actions that end or turn back an application, which a test going forward leaves alone. */
export const BACKWARD = /аннулир|отказ|отозв|отклон|отмен|вернуть|возврат|недостающ|запрос/i;

/**
 * Moves an application to its end from two browsers: the operator's page `o` takes the first forward action it
 * is offered (the ТУ number «1180» and today's date where asked), else the applicant's page `a` takes theirs.
 * `seen(action, taken, side)` is told of every step. Returns the final case view.
 */
export async function driveToEnd(o, a, tenant, caseId, seen = () => {}) {
  const { portalUrl, waitForPage } = await import('./portal.mjs');
  for (let i = 0; i < 20; i += 1) {
    const view = await caseOf(o, caseId);
    if (view.state && view.state.final) return view;
    const forward = view.actions.filter((x) => !BACKWARD.test(x.label));
    if (forward.length) {
      await o.goto(portalUrl(tenant, `operator/cases/${caseId}`));
      await waitForPage(o, 'operator-case');
      const act = forward[0];
      const values = {};
      for (const f of act.fields || []) {
        if (f.name === 'tu_number') values.tu_number = '1180';
        if (f.name === 'tu_date') values.tu_date = new Date().toISOString().slice(0, 10);
      }
      await seen(act, await takeAction(o, caseId, act, values), 'operator');
      continue;
    }
    const mine = (await caseOf(a, caseId)).actions.filter((x) => !/отозв|аннулир|отказ/i.test(x.label));
    assert.ok(mine.length, `nobody can move the application from «${view.state && view.state.label}»`);
    await a.goto(portalUrl(tenant, `cases/${caseId}`));
    await waitForPage(a, 'case');
    await seen(mine[0], await takeAction(a, caseId, mine[0]), 'applicant');
  }
  return caseOf(o, caseId);
}
