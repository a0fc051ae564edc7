// «Отключения» of the utility's staff: the outages of the last month and to come; «Новое отключение» opens
// the form — planned or emergency, the reason, start and planned end, the number of independent supply
// sources (the permitted duration: 24 h with one, 2 h with two) and the addresses: streets of the tenant's
// dictionary with houses («10-24, 35, чёт. 2-16»; empty — the whole street) or an address in words. «Изменить»
// opens it filled in; «Закрыть отключение» records the actual end; «Отменить» (until the start, after a
// confirmation) calls it off and the consumers told of it hear that it is cancelled. Consumers at the addresses are told by the
// server (emergency at once, planned ahead of time, and the end).
//   GET outages?from&to → {rows}; POST operator/outages → 201; PATCH operator/outages/<id> → 200;
//   POST operator/outages/<id>/cancel → 200 (409 once started or closed);
//   422 {fields: {kind, reason, starts_at, planned_end, actual_end, sources, addresses, addresses.N.street|houses|text}}
//
// Markup: button.outage-new, form.outage-form ([data-field] wrappers with .field-error), .outage-address-row
// (select.outage-street, input.outage-houses, input.outage-text), button.outage-save, input[name=actual_end],
// button.outage-close, .operator-status (.operator-decided), table.outage-table (button.outage-edit,
// button.outage-cancel-action; the confirmation is dialog.confirm-dialog).

import { api, getDictionary, ApiError } from '../core/api.js';
import { h, mount, notice, uid } from '../core/ui.js';
import { todayIn, addDays, formatDateTime } from '../core/format.js';
import { resultArea } from '../widgets/filters.js';
import { loader } from '../widgets/data-view.js';
import { submitter } from '../widgets/submit.js';
import { outageTable, OUTAGE_KINDS } from '../widgets/outages.js';
import { confirmDialog } from '../widgets/dialog.js';
import { operatorNav, staffOnly, staffGate, isDenied } from '../widgets/staff.js';

export const title = 'Отключения';

const OTHER = '__text__';

/** A labelled control with its error line; `name` is the field the server names. */
function field(name, label, control, hint = '') {
  const id = control.id || uid('outage');
  control.id = id;
  const error = h('p', { class: 'field-error', id: `${id}-error`, 'aria-live': 'polite' });
  control.setAttribute('aria-describedby', `${id}-error`);
  return h('div', { class: 'field', dataset: { field: name } },
    h('label', { class: 'field-label', for: id }, label),
    control,
    hint ? h('p', { class: 'field-hint' }, hint) : null,
    error);
}

/** The form of an outage; `o` is the outage being edited (null: a new one). */
function outageForm(ctx, streets, o, { onSaved, onCancel }) {
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const kind = h('select', { name: 'kind', class: 'input' },
    Object.entries(OUTAGE_KINDS).map(([value, label]) => h('option', { value, selected: (o ? o.kind : 'planned') === value ? true : null }, label)));
  const reason = h('textarea', { name: 'reason', class: 'input', rows: 2, maxlength: 1000 }, o ? o.reason : '');
  const starts = h('input', { type: 'datetime-local', name: 'starts_at', class: 'input', value: o ? o.starts_local : '' });
  const ends = h('input', { type: 'datetime-local', name: 'planned_end', class: 'input', value: o ? o.planned_end_local : '' });
  const sources = h('select', { name: 'sources', class: 'input' },
    h('option', { value: '1', selected: !o || o.sources !== 2 ? true : null }, 'Один источник — допустимо до 24 ч'),
    h('option', { value: '2', selected: o && o.sources === 2 ? true : null }, 'Два независимых источника — допустимо до 2 ч'));
  const rows = h('div', { class: 'outage-addresses' });

  function addressRow(a = { street: '', houses: '', text: '' }) {
    const n = rows.children.length;
    const isText = !a.street && a.text;
    const street = h('select', { class: 'input outage-street', 'aria-label': 'Улица' },
      h('option', { value: '' }, 'Выберите улицу'),
      streets.map((s) => h('option', { value: s.value, selected: s.value === a.street ? true : null }, s.label || s.value)),
      h('option', { value: OTHER, selected: isText ? true : null }, 'Другой адрес (описать словами)'));
    const houses = h('input', { class: 'input outage-houses', value: a.houses || '', placeholder: '10-24, 35, чёт. 2-16', 'aria-label': 'Дома' });
    const text = h('input', { class: 'input outage-text', value: a.text || '', placeholder: 'Например, СНТ «Восход», все участки', 'aria-label': 'Адрес словами', maxlength: 500 });
    const remove = h('button', { type: 'button', class: 'btn btn--secondary btn--small outage-address-remove', 'aria-label': 'Убрать адрес' }, '×');
    const err = (name) => h('p', { class: 'field-error', dataset: { for: name } });
    const row = h('div', { class: 'outage-address-row', dataset: { index: String(n) } },
      h('div', { class: 'outage-address-row__street', dataset: { field: `addresses.${n}.street` } }, street, err('street')),
      h('div', { class: 'outage-address-row__houses', dataset: { field: `addresses.${n}.houses` } }, houses, err('houses')),
      h('div', { class: 'outage-address-row__text', dataset: { field: `addresses.${n}.text` } }, text, err('text')),
      remove);
    const sync = () => {
      const other = street.value === OTHER;
      row.querySelector('.outage-address-row__houses').hidden = other;
      row.querySelector('.outage-address-row__text').hidden = !other;
    };
    street.addEventListener('change', sync);
    remove.addEventListener('click', () => {
      if (rows.children.length > 1) row.remove();
      [...rows.children].forEach((r, i) => {
        r.dataset.index = String(i);
        for (const part of ['street', 'houses', 'text']) r.querySelector(`.outage-address-row__${part}`).dataset.field = `addresses.${i}.${part}`;
      });
    });
    sync();
    rows.append(row);
  }
  (o && o.addresses.length ? o.addresses : [undefined]).forEach((a) => addressRow(a));
  const more = h('button', { type: 'button', class: 'btn btn--secondary btn--small outage-address-add' }, 'Добавить адрес');
  more.addEventListener('click', () => addressRow());

  const save = h('button', { type: 'submit', class: 'btn btn--primary outage-save' }, o ? 'Сохранить' : 'Опубликовать');
  const cancel = h('button', { type: 'button', class: 'btn btn--secondary outage-cancel' }, 'Отмена');
  cancel.addEventListener('click', onCancel);
  const actual = h('input', { type: 'datetime-local', name: 'actual_end', class: 'input' });
  const close = h('button', { type: 'button', class: 'btn btn--secondary outage-close' }, 'Закрыть отключение');

  const form = h('form', { class: 'card outage-form', novalidate: true, dataset: { outage: o ? o.id : '' } },
    h('h2', { class: 'section-title' }, o ? 'Изменить отключение' : 'Новое отключение'),
    h('div', { class: 'form-fields' },
      field('kind', 'Вид отключения', kind),
      field('reason', 'Причина', reason, 'Её увидят потребители'),
      field('starts_at', 'Начало', starts),
      field('planned_end', 'Плановое окончание', ends),
      field('sources', 'Источники питания адресов', sources),
      h('div', { class: 'field', dataset: { field: 'addresses' } },
        h('p', { class: 'field-label' }, 'Адреса'),
        h('p', { class: 'field-hint' }, 'Улица из справочника и дома: номера через запятую, диапазоны через дефис, «чёт.» и «нечёт.»; без домов — вся улица.'),
        rows, more, h('p', { class: 'field-error' }))),
    status,
    h('p', { class: 'actions' }, save, cancel),
    o ? h('div', { class: 'outage-form__close' },
      field('actual_end', 'Фактическое окончание', actual, 'Потребители, которым сообщили об отключении, узнают, что оно завершено'),
      close) : null);

  function clearErrors() {
    form.querySelectorAll('.field-error').forEach((p) => { p.textContent = ''; });
    form.querySelectorAll('[aria-invalid]').forEach((c) => c.removeAttribute('aria-invalid'));
  }
  function showErrors(err) {
    const fields = err instanceof ApiError ? err.fields || {} : {};
    let first = null;
    const rest = [];
    for (const [name, text] of Object.entries(fields)) {
      const wrap = form.querySelector(`[data-field="${name}"]`);
      const p = wrap && wrap.querySelector(':scope > .field-error');
      if (!p) { rest.push(text); continue; }
      p.textContent = text;
      const control = wrap.querySelector('input, select, textarea');
      if (control) { control.setAttribute('aria-invalid', 'true'); first = first || control; }
    }
    mount(status, notice('error', h('strong', null, err.message || 'Не удалось сохранить отключение.'),
      rest.length ? h('ul', { class: 'notice__list' }, rest.map((t) => h('li', null, t))) : null));
    if (first) first.focus();
    return true;
  }
  function body() {
    return {
      kind: kind.value,
      reason: reason.value.trim(),
      starts_at: starts.value,
      planned_end: ends.value,
      sources: Number(sources.value),
      addresses: [...rows.children].map((r) => {
        const street = r.querySelector('.outage-street').value;
        return street === OTHER
          ? { text: r.querySelector('.outage-text').value.trim() }
          : { street, houses: r.querySelector('.outage-houses').value.trim() };
      }),
    };
  }
  form.addEventListener('submit', submitter({
    button: save,
    signal: ctx.signal,
    status,
    busyText: o ? 'Сохранение…' : 'Публикация…',
    check: () => { clearErrors(); return true; },
    send: () => (o
      ? api.patch(`operator/outages/${encodeURIComponent(o.id)}`, body(), { signal: ctx.signal })
      : api.post('operator/outages', body(), { signal: ctx.signal })),
    done: (saved) => onSaved(saved, o ? 'Отключение изменено.' : 'Отключение опубликовано. Потребители по этим адресам получат уведомление.'),
    failed: showErrors,
  }));
  if (o) {
    close.addEventListener('click', submitter({
      button: close,
      signal: ctx.signal,
      status,
      busyText: 'Закрытие…',
      check: () => {
        clearErrors();
        if (actual.value) return true;
        const p = form.querySelector('[data-field="actual_end"] .field-error');
        p.textContent = 'Укажите фактическое окончание';
        actual.setAttribute('aria-invalid', 'true');
        actual.focus();
        return false;
      },
      send: () => api.patch(`operator/outages/${encodeURIComponent(o.id)}`, { actual_end: actual.value }, { signal: ctx.signal }),
      done: (saved) => onSaved(saved, 'Отключение закрыто. Потребители узнают, что электроснабжение восстановлено.'),
      failed: showErrors,
    }));
  }
  return form;
}

export async function render(ctx) {
  const gate = staffGate(ctx, title);
  if (gate) return gate;
  const tz = ctx.tenant.timezone || 'Europe/Moscow';
  const today = todayIn(tz);
  let streets = [];
  try {
    streets = await getDictionary('streets');
  } catch (err) {
    if (ctx.signal.aborted) throw err;
  }
  const page = h('section', { class: 'page page--operator-outages' });
  const status = h('div', { class: 'form-status operator-status', 'aria-live': 'polite' });
  const editor = h('div', { class: 'outage-editor' });
  const result = resultArea('operator-outages');
  const run = loader({ ctx, signal: ctx.signal }, result);
  const newButton = h('button', { type: 'button', class: 'btn btn--primary outage-new' }, 'Новое отключение');

  function open(o) {
    status.replaceChildren();
    mount(editor, outageForm(ctx, streets, o, {
      onSaved: (saved, text) => {
        editor.replaceChildren();
        mount(status, notice('success', h('strong', { class: 'operator-decided', tabindex: '-1', dataset: { outage: saved.id } }, text)));
        status.querySelector('.operator-decided').focus();
        load();
      },
      onCancel: () => editor.replaceChildren(),
    }));
    editor.querySelector('select, input, textarea').focus();
  }
  newButton.addEventListener('click', () => open(null));

  async function cancelOutage(o, button) {
    const yes = await confirmDialog({
      title: 'Отменить отключение?',
      text: `${OUTAGE_KINDS[o.kind] || 'Отключение'} отключение ${formatDateTime(o.starts_at, tz)} — ${o.address_line}. `
        + 'Потребители, которым о нём уже сообщили, получат уведомление об отмене. Вернуть отключение будет нельзя.',
      confirmLabel: 'Отменить отключение',
      cancelLabel: 'Не отменять',
    });
    if (!yes) return;
    button.disabled = true;
    status.replaceChildren();
    try {
      const saved = await api.post(`operator/outages/${encodeURIComponent(o.id)}/cancel`, {}, { signal: ctx.signal });
      editor.replaceChildren();
      mount(status, notice('success', h('strong', { class: 'operator-decided', tabindex: '-1', dataset: { outage: saved.id } },
        'Отключение отменено. Потребители, которым о нём сообщили, получат уведомление.')));
      status.querySelector('.operator-decided').focus();
      load();
    } catch (err) {
      if (ctx.signal.aborted) return;
      button.disabled = false;
      mount(status, notice('error', h('strong', { class: 'operator-refused' }, (err && err.message) || 'Не удалось отменить отключение.')));
      if (err instanceof ApiError && err.status === 409) load();
    }
  }

  function load() {
    run(async () => {
      try {
        return await api.get('outages', { query: { from: addDays(today, -30), to: addDays(today, 365) }, signal: ctx.signal });
      } catch (err) {
        if (isDenied(err)) mount(page, staffOnly(title, err));
        throw err;
      }
    }, (answer) => {
      const rows = Array.isArray(answer && answer.rows) ? answer.rows : [];
      if (!rows.length) return { state: 'empty', nodes: [notice('info', h('strong', { class: 'outages-empty' }, 'Отключений за последний месяц и впереди нет.'))] };
      return {
        state: 'ready',
        nodes: [outageTable(rows, tz, {
          caption: 'Отключения за последний месяц и предстоящие',
          actions: (o) => {
            if (o.state === 'closed') return h('span', { class: 'muted' }, 'Закрыто');
            if (o.state === 'cancelled') return h('span', { class: 'muted' }, 'Отменено');
            return h('span', { class: 'outage-actions' },
              h('button', { type: 'button', class: 'btn btn--secondary btn--small outage-edit', 'aria-label': `Изменить: ${o.address_line}`, onClick: () => open(o) }, 'Изменить'),
              o.starts_at > Date.now() / 1000
                ? h('button', { type: 'button', class: 'btn btn--danger btn--small outage-cancel-action', 'aria-label': `Отменить: ${o.address_line}`, onClick: (e) => cancelOutage(o, e.currentTarget) }, 'Отменить')
                : null);
          },
        })],
      };
    });
  }

  page.append(
    h('h1', { class: 'page__title' }, title),
    operatorNav(ctx, 'operator/outages'),
    h('p', { class: 'lead' }, 'Плановые и аварийные отключения: потребители по указанным адресам получают уведомления — '
      + 'об аварийном сразу, о плановом заранее, и ещё раз, когда отключение закрыто.'),
    h('p', { class: 'actions' }, newButton),
    status,
    editor,
    result.element);
  load();
  return page;
}
