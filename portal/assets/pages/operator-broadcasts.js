// «Рассылки» (operator, tenant administrator): an operator's notice to consumers — the whole tenant, listed
// personal accounts or contracts (by their printed numbers), or the consumers at given addresses — through
// the chosen channels; the recipient count is checked before sending; the history shows what each
// broadcast reached per channel.
//   POST operator/broadcasts/preview {title, body, audience, channels} → {recipients}
//   POST operator/broadcasts (same body) → 201 {id, recipients}
//   GET operator/broadcasts → {rows: [{id, title, body, created_at, recipients, channels: {<channel>: {queued, sent, failed, not_wanted}}}]}
//
// Markup: form.broadcast-form (fields title, body, list; .broadcast-audience radios data-value=all|accounts|
// contracts|addresses; .broadcast-channels check boxes in_app (always), email, sms), button.broadcast-preview,
// .broadcast-count, button.broadcast-send, .broadcast-status (.broadcast-sent); table.broadcasts-table with
// tr.broadcast-row[data-id], td .broadcast-channel[data-channel].

import { api, ApiError } from '../core/api.js';
import { h, mount, notice, plural, uid } from '../core/ui.js';
import { formatDateTime, DASH } from '../core/format.js';
import { resultArea, segmented } from '../widgets/filters.js';
import { operatorNav, staffGate, staffOnly, isDenied } from '../widgets/staff.js';
import { loader, scrollTable, dataTable } from '../widgets/data-view.js';
import { submitter } from '../widgets/submit.js';

export const title = 'Рассылки';

const AUDIENCES = [
  { value: 'all', label: 'Всем потребителям' },
  { value: 'accounts', label: 'По лицевым счетам' },
  { value: 'contracts', label: 'По договорам' },
  { value: 'addresses', label: 'По адресам' },
];
const LIST_HINTS = {
  accounts: ['Номера лицевых счетов', 'По одному в строке или через запятую, как напечатаны в квитанции'],
  contracts: ['Номера договоров', 'По одному в строке или через запятую'],
  addresses: ['Адреса', 'По одному в строке, например «ул. Ленина, д. 10»: подойдут все точки учёта, в адресе которых есть этот текст'],
};
const CHANNELS = [
  { value: 'in_app', label: 'В личном кабинете' },
  { value: 'email', label: 'Электронная почта' },
  { value: 'sms', label: 'SMS' },
];
const TEMPLATES = [
  { label: 'Уведомление о задолженности', body: 'Уважаемый потребитель! По вашему лицевому счёту имеется задолженность за электроэнергию. Просим погасить её в ближайшее время.' },
  { label: 'Уведомление о плановых работах', body: 'Уважаемый потребитель! В связи с плановыми работами на электрических сетях возможно отключение электроэнергии. Дата и время: ' },
];

function people(n) {
  return `${n} ${plural(n, ['потребитель', 'потребителя', 'потребителей'])}`;
}

/** One channel's counts as a short line: «доставлено 3, в очереди 1, ошибок 0». */
function countsText(c) {
  if (!c) return 'не использовался';
  const parts = [`доставлено ${c.sent || 0}`];
  if (c.queued) parts.push(`в очереди ${c.queued}`);
  if (c.failed) parts.push(`${plural(c.failed, ['ошибка', 'ошибки', 'ошибок'])}: ${c.failed}`);
  if (c.not_wanted) parts.push(`отключено получателем ${c.not_wanted}`);
  return parts.join(', ');
}

function history(data, tz) {
  const rows = (data && Array.isArray(data.rows) ? data.rows : []).filter(Boolean);
  if (!rows.length) return { state: 'empty', nodes: [notice('info', h('strong', { class: 'broadcasts-empty' }, 'Рассылок ещё не было.'))] };
  const table = dataTable({
    className: 'broadcasts-table',
    caption: `Отправленные рассылки: ${rows.length}`,
    columns: [{ title: 'Отправлено' }, { title: 'Уведомление' }, { title: 'Получателей' }, ...CHANNELS.map((c) => ({ title: c.label }))],
    rowAttrs: (_, i) => ({ class: 'broadcast-row', dataset: { id: rows[i].id } }),
    rows: rows.map((r) => [
      formatDateTime(r.created_at, tz),
      h('span', null, h('strong', { class: 'broadcast-row__title' }, r.title || DASH), h('span', { class: 'cell-sub broadcast-row__body' }, r.body || '')),
      h('span', { class: 'broadcast-row__recipients' }, String(r.recipients ?? 0)),
      ...CHANNELS.map((c) => h('span', { class: 'broadcast-channel', dataset: { channel: c.value } }, countsText((r.channels || {})[c.value]))),
    ]),
  });
  return { state: 'ready', nodes: [scrollTable(table, 'Отправленные рассылки')] };
}

/** The numbers or addresses typed: one a line or separated by commas (addresses: one a line). */
function listOf(text, audience) {
  const parts = audience === 'addresses' ? text.split('\n') : text.split(/[\n,;]/);
  return parts.map((s) => s.trim()).filter(Boolean);
}

export async function render(ctx) {
  const gate = staffGate(ctx, title);
  if (gate) return gate;
  const tz = ctx.tenant.timezone || 'Europe/Moscow';
  const result = resultArea('operator-broadcasts');
  const status = h('div', { class: 'broadcast-status', 'aria-live': 'polite' });
  const count = h('p', { class: 'broadcast-count', 'aria-live': 'polite' });
  const ids = { title: uid('bc-title'), body: uid('bc-body'), list: uid('bc-list') };
  const titleInput = h('input', { id: ids.title, name: 'title', class: 'input', maxlength: '200', required: true });
  const bodyInput = h('textarea', { id: ids.body, name: 'body', class: 'input textarea', rows: '5', maxlength: '4000', required: true });
  const listInput = h('textarea', { id: ids.list, name: 'list', class: 'input textarea', rows: '3' });
  const listLabel = h('label', { class: 'field-label', for: ids.list });
  const listHint = h('span', { class: 'field-hint' });
  const listField = h('div', { class: 'field broadcast-list', hidden: true }, listLabel, listInput, listHint);
  let previewed = null; // the body the count was shown for
  const audience = segmented({
    name: 'audience', legend: 'Получатели', value: 'all', options: AUDIENCES,
    onChange: (v) => {
      listField.hidden = v === 'all';
      if (v !== 'all') { listLabel.textContent = LIST_HINTS[v][0]; listHint.textContent = LIST_HINTS[v][1]; }
      changed();
    },
  });
  audience.element.classList.add('broadcast-audience');
  const boxes = CHANNELS.map((c) => h('input', {
    type: 'checkbox', name: 'channels', value: c.value, class: 'checkbox', id: uid(`bc-${c.value}`),
    checked: c.value !== 'sms', disabled: c.value === 'in_app', onChange: () => changed(),
  }));
  const channels = h('fieldset', { class: 'field checkgroup broadcast-channels' },
    h('legend', { class: 'field-label' }, 'Каналы'),
    h('div', { class: 'checkgroup__options' }, CHANNELS.map((c, i) => h('span', { class: 'checkgroup__option' }, boxes[i], h('label', { for: boxes[i].id }, c.label)))));
  const previewButton = h('button', { type: 'button', class: 'btn btn--secondary broadcast-preview' }, 'Проверить получателей');
  const sendButton = h('button', { type: 'submit', class: 'btn btn--primary broadcast-send', disabled: true }, 'Отправить');
  const templates = h('p', { class: 'broadcast-templates' }, 'Шаблоны: ', TEMPLATES.map((t, i) => [i ? ' ' : '',
    h('button', { type: 'button', class: 'btn btn--ghost btn--small broadcast-template', onClick: () => { titleInput.value = t.label; bodyInput.value = t.body; changed(); bodyInput.focus(); } }, t.label)]));

  function requestBody() {
    const a = audience.value;
    return {
      title: titleInput.value.trim(),
      body: bodyInput.value.trim(),
      audience: a === 'all' ? { all: true } : { [a]: listOf(listInput.value, a) },
      channels: boxes.filter((b) => b.checked).map((b) => b.value),
    };
  }

  function changed() {
    previewed = null;
    sendButton.disabled = true;
    count.textContent = '';
  }

  /** The client's own checks: the reason, or null. */
  function missing(body) {
    if (!body.title) return 'Укажите заголовок.';
    if (!body.body) return 'Укажите текст уведомления.';
    if (audience.value !== 'all' && !body.audience[audience.value].length) return `${LIST_HINTS[audience.value][0]}: укажите хотя бы одно значение.`;
    return null;
  }

  function failed(err) {
    if (ctx.signal.aborted) return;
    if (isDenied(err)) { mount(form, staffOnly(title, err)); return; }
    const reasons = err instanceof ApiError ? Object.values(err.fields || {}) : [];
    mount(status, notice('error', h('strong', null, err.message || 'Не удалось выполнить действие.'),
      reasons.length ? h('ul', { class: 'notice__list' }, reasons.map((m) => h('li', null, String(m)))) : null));
  }

  /** A handler sending the form's body to `path` once the client's checks pass; done(answer, body) after. */
  function sender(button, path, busyText, done, check = () => true) {
    let body = null;
    return submitter({
      button,
      signal: ctx.signal,
      status,
      busyText,
      check: () => {
        if (!check()) return false;
        body = requestBody();
        const why = missing(body);
        if (why) { mount(status, notice('error', h('strong', null, why))); return false; }
        return true;
      },
      send: () => api.post(path, body, { signal: ctx.signal }),
      done: (answer) => done(answer || {}, body),
      failed: (err) => { failed(err); return true; },
    });
  }

  previewButton.addEventListener('click', sender(previewButton, 'operator/broadcasts/preview', 'Подсчёт…', (answer, body) => {
    const n = answer.recipients || 0;
    previewed = JSON.stringify(body);
    count.textContent = n ? `Уведомление получат ${people(n)}.` : 'Среди выбранных получателей нет ни одного потребителя.';
    sendButton.disabled = !n;
  }));

  const send = sender(sendButton, 'operator/broadcasts', 'Отправка…', (answer, body) => {
    const n = answer.recipients || 0;
    mount(status, notice('success', h('strong', { class: 'broadcast-sent', tabindex: '-1' },
      `Уведомление «${body.title}» отправлено ${n} ${plural(n, ['потребителю', 'потребителям', 'потребителям'])}.`)));
    status.querySelector('.broadcast-sent').focus();
    titleInput.value = '';
    bodyInput.value = '';
    listInput.value = '';
    changed();
    load();
  }, () => {
    if (previewed && previewed === JSON.stringify(requestBody())) return true;
    changed();
    mount(status, notice('error', h('strong', null, 'Сначала проверьте число получателей.')));
    return false;
  });

  const form = h('form', { class: 'broadcast-form card', noValidate: true, onSubmit: send },
  h('h2', null, 'Новая рассылка'),
  templates,
  h('div', { class: 'field' }, h('label', { class: 'field-label', for: ids.title }, 'Заголовок'), titleInput),
  h('div', { class: 'field' }, h('label', { class: 'field-label', for: ids.body }, 'Текст уведомления'), bodyInput),
  audience.element,
  listField,
  channels,
  h('div', { class: 'form-actions' }, previewButton, sendButton),
  count);
  for (const input of [titleInput, bodyInput, listInput]) input.addEventListener('input', changed);

  const run = loader({ ctx, signal: ctx.signal }, result);
  let denied = null;
  function load() {
    return run(async () => {
      try {
        return await api.get('operator/broadcasts', { signal: ctx.signal });
      } catch (err) {
        if (isDenied(err)) denied = err;
        throw err;
      }
    }, (data) => history(data, tz));
  }
  await load();
  if (denied) return staffOnly(title, denied);
  return h('section', { class: 'page page--operator-broadcasts' },
    h('h1', { class: 'page__title' }, title),
    operatorNav(ctx, 'operator/broadcasts'),
    h('p', { class: 'lead' }, 'Уведомления потребителям от сетевой организации: о задолженности, о плановых работах и другие. '
      + 'Перед отправкой проверьте, сколько потребителей получат уведомление.'),
    form,
    status,
    h('h2', null, 'История рассылок'),
    result.element);
}
