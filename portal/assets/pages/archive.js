// «Получить архив данных за период» (tenants with the «archive» module, ВОЭК):
// readings, power profile and event journal of all the consumer's meters for
// a period, as XLSX and CSV files. A request is built the next day; until the
// tenant's cut-off (21:00 МСК of the day of the request) its dates can be
// changed («Изменить»). The list shows every request with its state and,
// once built, the links to the files.
//   GET   archive → {requests: [{id, from, to, state: requested|running|done|failed, created_at, ready_after,
//                    changeable, changeable_until, files?: {xlsx, csv}, error?}], max_depth_years}
//   POST  archive {from, to} → 201 {…the request, message}; 422 {fields: {from | to}} (depth, future, reversed);
//         409 too_many_requests; 403 archive_unavailable
//   PATCH archive/<id> {from, to} → 200 the request; 409 archive_locked after the cut-off
//   GET   archive/<id>/file?format=xlsx|csv → the file (files.* are addresses relative to the API)
//
// Markup: form.archive-form (fields from, to; «Сформировать»), .archive-message (the server's message),
// .archive-request[data-id][data-state] with .archive-state, button.archive-change, form.archive-change-form,
// a.archive-file[data-format]; button.archive-refresh.

import { api, apiUrl, ApiError } from '../core/api.js';
import { h, mount, notice, plural, idPart } from '../core/ui.js';
import { createForm } from '../widgets/forms.js';
import { resultArea } from '../widgets/filters.js';
import {
  addDays, monthStart, todayIn, formatDate, formatDateTime, formatTime, formatIsoDate, formatLongDate, isNum,
} from '../core/format.js';
import { hasModule } from '../core/meters.js';
import { sendForm } from '../widgets/submit.js';

export const title = 'Архив данных за период';

const STATES = {
  requested: 'Запрос принят',
  running: 'Формируется',
  done: 'Готов',
  failed: 'Не удалось сформировать',
};

/** «Файлы будут готовы с 23.11.2026» (or «… 23.11.2026 после 06:00» when not at midnight). */
function readyText(ts, tz) {
  if (ts <= Date.now() / 1000) return 'Архив формируется; обновите список через несколько минут.';
  const time = formatTime(ts, tz);
  return time === '00:00' ? `Файлы будут готовы с ${formatDate(ts, tz)}` : `Файлы будут готовы ${formatDate(ts, tz)} после ${time}`;
}

function yearsText(n) {
  return `${n} ${plural(n, ['год', 'года', 'лет'])}`;
}

/** The time zone of the cut-off and its short name («МСК» for Moscow). */
function cutoffZone(tenant) {
  const a = tenant.settings && tenant.settings.archive;
  const tz = (a && a.change_timezone) || tenant.timezone || 'Europe/Moscow';
  return { tz, suffix: tz === 'Europe/Moscow' ? ' МСК' : '' };
}

/** The dates of a period: {from, to} fields with the client's checks (the server checks the depth). */
function periodFields(values, depthMin, today) {
  return [
    { name: 'from', label: 'Начало периода', type: 'date', required: true, default: values.from,
      hint: depthMin ? `Не ранее ${formatLongDate(depthMin)}` : null },
    { name: 'to', label: 'Конец периода', type: 'date', required: true, default: values.to,
      hint: `Не позже ${formatLongDate(today)}` },
  ];
}

/** Checks the order and the end of a period beside the fields; returns true when it may be sent. */
function checkPeriod(form, today) {
  const errors = form.validate();
  const { from, to } = form.values();
  if (!errors.from && !errors.to) {
    if (from > to) errors.from = 'Начало периода позже его конца';
    else if (to > today) errors.to = 'Период не может заканчиваться в будущем';
    for (const [name, message] of Object.entries(errors)) form.setError(name, message, 'client');
  }
  return !Object.keys(errors).length;
}

export async function render(ctx) {
  const tenant = ctx.tenant;
  const tz = tenant.timezone || 'Europe/Moscow';
  const today = todayIn(tz);
  const zone = cutoffZone(tenant);

  if (!hasModule(tenant, 'archive')) {
    return h('section', { class: 'page page--narrow page--archive' },
      h('h1', { class: 'page__title' }, title),
      notice('info', 'Выгрузка архива данных в личном кабинете этой сетевой организации не предусмотрена.'));
  }

  let data;
  data = await api.get('archive', { signal: ctx.signal });
  const depth = isNum(data && data.max_depth_years) ? data.max_depth_years : 3;
  const depthMin = addDays(today, -(365 * depth + Math.floor(depth / 4)));

  // -------------------------------------------------------------------------
  // A new request

  const form = createForm({
    fields: periodFields({ from: monthStart(today, -1), to: addDays(monthStart(today), -1) }, depthMin, today),
  }, { idPrefix: 'archive' });
  for (const name of ['from', 'to']) {
    form.field(name).control.min = depthMin;
    form.field(name).control.max = today;
  }
  const status = h('div', { class: 'form-status archive-status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn--primary archive-submit' }, 'Сформировать');

  async function onSubmit(e) {
    e.preventDefault();
    if (submit.disabled) return;
    status.replaceChildren();
    if (!checkPeriod(form, today)) { form.focusFirstError(); return; }
    const { from, to } = form.values();
    await sendForm({
      button: submit,
      signal: ctx.signal,
      busyText: 'Отправка запроса…',
      send: async () => {
        const answer = await api.post('archive', { from, to }, { signal: ctx.signal });
        mount(status, notice('success',
          h('strong', { class: 'archive-message', tabindex: '-1' }, (answer && answer.message) || 'Запрос принят.'),
          h('p', null, `Период: ${formatIsoDate(from)} — ${formatIsoDate(to)}. `
            + 'Когда архив будет сформирован, в списке запросов появятся ссылки для загрузки файлов.')));
        status.querySelector('.archive-message').focus();
        reload(answer && answer.id);
      },
      failed(err) {
        const rest = err instanceof ApiError ? form.setErrors(err.fields, 'server') : {};
        const other = Object.values(rest);
        if (!form.focusFirstError() || other.length) {
          mount(status, notice('error', h('strong', null, err.message || 'Не удалось отправить запрос.'),
            other.length ? h('ul', { class: 'notice__list' }, other.map((m) => h('li', null, String(m)))) : null));
        }
        return true;
      },
    });
  }

  const cutoff = (tenant.settings && tenant.settings.archive && tenant.settings.archive.change_until) || '21:00';
  const nextDay = !(tenant.settings && tenant.settings.archive && tenant.settings.archive.ready === 'immediately');
  const requestCard = h('section', { class: 'card archive-request-card', 'aria-labelledby': 'archive-form-title' },
    h('h2', { class: 'section-title', id: 'archive-form-title' }, 'Получить архив данных за период'),
    h('p', { class: 'muted' }, 'Выберите дату начала и дату окончания периода выгрузки и нажмите «Сформировать». '
      + `Максимальная глубина хранения архива данных составляет ${yearsText(depth)}.`),
    h('form', { class: 'archive-form', novalidate: true, 'aria-labelledby': 'archive-form-title', onSubmit },
      h('div', { class: 'archive-form__fields' }, form.element),
      status,
      h('div', { class: 'form-actions' }, submit)),
    nextDay
      ? h('p', { class: 'muted archive-rule' },
        `Ответ на запрос формируется на следующие сутки и размещается в виде файлов для загрузки (XLSX и CSV). `
        + `До ${cutoff}${zone.suffix} текущих суток даты запроса можно изменить.`)
      : null);

  // -------------------------------------------------------------------------
  // The requests

  const result = resultArea('archive');
  const listStatus = h('div', { class: 'form-status archive-list-status', 'aria-live': 'polite' });
  let timer = null;
  ctx.signal.addEventListener('abort', () => { if (timer) clearTimeout(timer); });

  /** Reloads the list when the next change is due: a cut-off passes, a request is due to be built. */
  function schedule(requests) {
    if (timer) clearTimeout(timer);
    timer = null;
    const now = Date.now() / 1000;
    const due = requests.flatMap((r) => [
      r.changeable && isNum(r.changeable_until) ? r.changeable_until + 1 : null,
      (r.state === 'requested' || r.state === 'running') && isNum(r.ready_after) ? Math.max(r.ready_after, now) + 20 : null,
    ]).filter((t) => t !== null && t > now && t - now < 6 * 3600);
    if (!due.length) return;
    timer = setTimeout(() => { if (!ctx.signal.aborted) reload(); }, (Math.min(...due) - now) * 1000);
  }

  async function reload(highlight = null) {
    result.show('loading', h('p', { class: 'loading', role: 'status' }, h('span', { class: 'loading__dot', 'aria-hidden': 'true' }), 'Загрузка…'));
    try {
      data = await api.get('archive', { signal: ctx.signal });
    } catch (err) {
      if (ctx.signal.aborted) return;
      result.show('error', notice('error', h('strong', null, 'Не удалось загрузить список запросов'), h('p', null, err.message || ''),
        h('button', { type: 'button', class: 'btn btn--secondary', onClick: () => reload() }, 'Повторить')));
      return;
    }
    draw(highlight);
  }

  function draw(highlight = null) {
    const requests = (data && Array.isArray(data.requests) ? data.requests : []).filter(Boolean);
    schedule(requests);
    if (!requests.length) {
      result.show('empty', notice('info', h('strong', null, 'Запросов архива пока нет.'),
        h('p', null, 'Сформируйте первый запрос: выберите период и нажмите «Сформировать».')));
      return;
    }
    result.show('ready', h('ul', { class: 'archive-list' }, requests.map((r) => requestItem(r, r.id === highlight))));
  }

  function requestItem(r, isNew) {
    const li = h('li', { class: ['archive-request', isNew && 'archive-request--new'], dataset: { id: r.id, state: r.state } });
    const head = h('div', { class: 'archive-request__head' },
      h('p', { class: 'archive-request__period' }, `Период: ${formatIsoDate(r.from)} — ${formatIsoDate(r.to)}`),
      h('span', { class: `archive-state archive-state--${r.state}` }, STATES[r.state] || r.state));
    const facts = [
      isNum(r.created_at) ? `Запрос от ${formatDateTime(r.created_at, tz)}` : null,
      (r.state === 'requested' || r.state === 'running') && isNum(r.ready_after) ? readyText(r.ready_after, tz) : null,
      r.changeable && isNum(r.changeable_until)
        ? `Даты можно изменить до ${formatTime(r.changeable_until, zone.tz)}${zone.suffix} ${formatDate(r.changeable_until, zone.tz)}`
        : null,
      r.state === 'failed' ? 'Сформируйте запрос ещё раз; если ошибка повторится, обратитесь в сетевую организацию.' : null,
    ].filter(Boolean);
    const body = h('div', { class: 'archive-request__body' },
      facts.map((f) => h('p', { class: 'archive-request__fact' }, f)));
    const actions = h('div', { class: 'archive-request__actions' });
    if (r.state === 'done' && r.files) {
      for (const format of ['xlsx', 'csv']) {
        if (!r.files[format]) continue;
        actions.append(h('a', {
          class: 'btn btn--secondary btn--small archive-file',
          href: apiUrl(r.files[format]),
          download: '',
          dataset: { format },
          'aria-label': `Скачать архив за ${formatIsoDate(r.from)} — ${formatIsoDate(r.to)} в формате ${format.toUpperCase()}`,
        }, `Скачать ${format.toUpperCase()}`));
      }
    }
    if (r.changeable) {
      const change = h('button', { type: 'button', class: 'btn btn--ghost btn--small archive-change' }, 'Изменить');
      change.addEventListener('click', () => showChange(r, li, actions));
      actions.append(change);
    }
    li.append(head, body, actions);
    return li;
  }

  function showChange(r, li, actions) {
    listStatus.replaceChildren();
    const changeForm = createForm({ fields: periodFields({ from: r.from, to: r.to }, depthMin, today) }, { idPrefix: `archive-change-${idPart(r.id)}` });
    for (const name of ['from', 'to']) {
      changeForm.field(name).control.min = depthMin;
      changeForm.field(name).control.max = today;
    }
    const save = h('button', { type: 'submit', class: 'btn btn--primary' }, 'Сохранить');
    const cancel = h('button', { type: 'button', class: 'btn btn--ghost', onClick: () => draw() }, 'Отмена');
    const formStatus = h('div', { class: 'form-status', 'aria-live': 'polite' });
    async function onChange(e) {
      e.preventDefault();
      if (save.disabled) return;
      formStatus.replaceChildren();
      if (!checkPeriod(changeForm, today)) { changeForm.focusFirstError(); return; }
      const { from, to } = changeForm.values();
      await sendForm({
        button: save,
        signal: ctx.signal,
        busyText: 'Сохранение…',
        send: async () => {
          await api.patch(`archive/${encodeURIComponent(r.id)}`, { from, to }, { signal: ctx.signal });
          mount(listStatus, notice('success', h('strong', { class: 'archive-changed' },
            `Даты запроса изменены: ${formatIsoDate(from)} — ${formatIsoDate(to)}.`)));
          reload(r.id);
        },
        failed(err) {
          if (err instanceof ApiError && err.status === 409) {
            mount(listStatus, notice('error', h('strong', { class: 'archive-locked' }, err.message || 'Запрос уже нельзя изменить.')));
            reload(r.id);
            return true;
          }
          const rest = err instanceof ApiError ? changeForm.setErrors(err.fields, 'server') : {};
          if (!changeForm.focusFirstError() || Object.keys(rest).length) {
            mount(formStatus, notice('error', h('strong', null, err.message || 'Не удалось изменить запрос.')));
          }
          return true;
        },
      });
    }
    mount(actions, h('form', { class: 'archive-change-form inline-form', novalidate: true, 'aria-label': `Изменение дат запроса от ${formatDateTime(r.created_at, tz)}`, onSubmit: onChange },
      h('div', { class: 'archive-form__fields' }, changeForm.element),
      formStatus,
      h('div', { class: 'form-actions' }, save, cancel)));
    li.classList.add('archive-request--editing');
    changeForm.field('from').control.focus();
  }

  const refresh = h('button', { type: 'button', class: 'btn btn--ghost btn--small archive-refresh', onClick: () => { listStatus.replaceChildren(); reload(); } },
    'Обновить список');

  draw();
  return h('section', { class: 'page page--archive' },
    h('h1', { class: 'page__title' }, title),
    h('p', { class: 'lead' }, 'Показания, профиль мощности и журнал событий всех ваших приборов учёта за выбранный период — '
      + 'одним файлом XLSX или CSV.'),
    requestCard,
    h('section', { class: 'block archive-requests', 'aria-labelledby': 'archive-list-title' },
      h('div', { class: 'block__head' },
        h('h2', { class: 'section-title', id: 'archive-list-title' }, 'Запросы архива'),
        refresh),
      listStatus,
      result.element));
}
