// Metering points the consumer may see (needs a session), grouped by
// personal account or contract, each with its meter and latest readings;
// «Передать показания» on the cards where the tenant takes manual readings,
// «Получить архив данных за период» where it has the archive, and
// «Добавить прибор учёта» where consumers register their own meters (ВГЭС).
//   GET points → {points: [{id, name, number, address, account, contract,
//                 meter: {id, model, serial, smart, phases, tariff_zones}, latest: {ts, total, t1..t4} | null,
//                 manual_readings: {allowed, reason}}]}
//   GET access → only when there are no points: how to get access
//   POST meters/virtual {address, account_number, serial, model?} → 201 {point_id, meter_id};
//     422 {fields} (account_number also when the utility has no such account); 409 meter_exists {fields: {serial}};
//     429 too_many_attempts after too many account numbers not found (its message says how long to wait)
//   GET notifications?unread=1 (and GET access when unread ones name contracts): a group of a contract with
//     unread notifications about it or its points is marked, and so is such a point

import { api, ApiError } from '../core/api.js';
import { h, mount, notice, plural } from '../core/ui.js';
import { createForm } from '../widgets/forms.js';
import { formatDateTime, isNum, DASH } from '../core/format.js';
import {
  refText, hasModule, manualAllowed, manualLabel, virtualMetersAllowed,
} from '../core/meters.js';
import { setFlash } from '../core/session.js';
import { accessHint } from '../core/access-ways.js';
import { latestList } from '../widgets/latest-readings.js';
import { sendForm } from '../widgets/submit.js';
import { contractUnread, unreadRefs } from '../core/notifications.js';
import { markedName, unreadMark } from '../widgets/notifications.js';

export const title = 'Точки учёта';

function group(points) {
  const groups = new Map();
  for (const p of points) {
    const contract = p.contract ? refText(p.contract) : null;
    const account = p.account ? refText(p.account) : null;
    const key = account ? `a:${account}` : contract ? `c:${contract}` : '';
    const label = account ? `Лицевой счёт № ${account}` : contract ? `Договор № ${contract}` : 'Точки учёта';
    if (!groups.has(key)) groups.set(key, { label, contract: account ? null : p.contract || null, points: [] });
    groups.get(key).points.push(p);
  }
  return [...groups.values()];
}

export function pointCard(ctx, p, headingLevel = 'h3', unread = false) {
  const m = p.meter || {};
  const href = ctx.router.href(`points/${encodeURIComponent(p.id)}`);
  return h('article', { class: 'card point-card', dataset: { point: p.id, unread: unread ? 'true' : null } },
    h('div', { class: 'point-card__head' },
      h(headingLevel, { class: 'point-card__title' }, h('a', { href, class: 'point-card__name' }, p.name || `Точка учёта ${p.number || p.id}`),
        unread ? unreadMark(ctx, p.name || p.number) : null),
      m.smart ? h('span', { class: 'badge badge--smart' }, 'интеллектуальный') : null),
    h('dl', { class: 'point-card__facts' },
      h('div', null, h('dt', null, 'Номер'), h('dd', null, p.number || DASH)),
      h('div', null, h('dt', null, 'Адрес'), h('dd', null, p.address || DASH)),
      h('div', null, h('dt', null, 'Прибор учёта'), h('dd', null, [m.model, m.serial ? `№ ${m.serial}` : null].filter(Boolean).join(', ') || DASH)),
    ),
    h('div', { class: 'point-card__readings' },
      h('p', { class: 'point-card__label' },
        'Последние показания',
        p.latest && isNum(p.latest.ts) ? ` на ${formatDateTime(p.latest.ts, ctx.tenant.timezone)}` : ''),
      latestList(p.latest, m.tariff_zones)),
    h('p', { class: 'point-card__actions' },
      h('a', { href, class: 'btn btn--secondary point-card__link', 'aria-label': `Подробнее: ${p.name || p.number || p.id}` }, 'Подробнее'),
      manualAllowed(ctx.tenant, m, p.manual_readings)
        ? h('a', {
          href: ctx.router.href(`points/${encodeURIComponent(p.id)}?tab=manual`),
          class: 'btn btn--ghost point-card__manual',
          'aria-label': `${manualLabel(ctx.tenant)}: ${p.name || p.number || p.id}`,
        }, manualLabel(ctx.tenant))
        : null),
  );
}

/**
 * «Добавить прибор учёта»: the consumer registers a meter of their own
 * (place, personal account, serial number, model) and goes on to submit its
 * readings.
 */
function virtualMeterSection(ctx) {
  const host = h('div', { class: 'virtual-meter__body' });
  const toggle = h('button', {
    type: 'button',
    class: 'btn btn--primary virtual-meter__toggle',
    'aria-expanded': 'false',
    onClick: () => open(),
  }, '+ Добавить прибор учёта');

  function closeForm() {
    host.replaceChildren();
    toggle.hidden = false;
    toggle.setAttribute('aria-expanded', 'false');
    toggle.focus();
  }

  function open() {
    toggle.hidden = true;
    toggle.setAttribute('aria-expanded', 'true');
    const form = createForm({
      fields: [
        { name: 'address', label: 'Место установки прибора учёта', type: 'text', required: true, max_length: 300,
          hint: 'Адрес и описание места, например: ул. Ленина, д. 5, на опоре у дома' },
        { name: 'account_number', label: 'Номер лицевого счёта', type: 'text', required: true, max_length: 32,
          hint: 'Указан в квитанции на оплату электрической энергии' },
        { name: 'serial', label: 'Заводской номер прибора учёта', type: 'text', required: true, max_length: 32,
          hint: 'Номер на корпусе или на табличке прибора учёта' },
        { name: 'model', label: 'Тип (марка) прибора учёта', type: 'text', required: false, max_length: 100,
          placeholder: 'Например: Энергомера CE101' },
      ],
    }, { idPrefix: 'virtual-meter' });
    const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
    const save = h('button', { type: 'submit', class: 'btn btn--primary' }, 'Сохранить');
    const cancel = h('button', { type: 'button', class: 'btn btn--ghost', onClick: closeForm }, 'Отмена');
    async function onSubmit(e) {
      e.preventDefault();
      if (save.disabled) return;
      status.replaceChildren();
      if (Object.keys(form.validate()).length) { form.focusFirstError(); return; }
      await sendForm({
        button: save,
        signal: ctx.signal,
        busyText: 'Сохранение…',
        send: async () => {
          const answer = await api.post('meters/virtual', form.values(), { signal: ctx.signal });
          setFlash('success', 'Прибор учёта зарегистрирован. Передайте его показания.');
          ctx.router.navigate(`points/${encodeURIComponent(answer.point_id)}?tab=manual`);
        },
        failed(err) {
          const rest = err instanceof ApiError ? form.setErrors(err.fields, 'server') : {};
          const other = Object.values(rest);
          if (!form.focusFirstError() || other.length) {
            mount(status, notice('error', h('strong', null, err.message || 'Не удалось зарегистрировать прибор учёта.'),
              other.length ? h('ul', { class: 'notice__list' }, other.map((m) => h('li', null, String(m)))) : null));
          }
          return true;
        },
      });
    }
    mount(host, h('form', { class: 'virtual-meter-form', novalidate: true, 'aria-labelledby': 'virtual-meter-title', onSubmit },
      form.element,
      status,
      h('div', { class: 'form-actions' }, save, cancel)));
    form.field('address').control.focus();
  }

  return h('section', { class: 'card virtual-meter', 'aria-labelledby': 'virtual-meter-title' },
    h('h2', { class: 'section-title', id: 'virtual-meter-title' }, 'Подача информации по показаниям приборов учёта'),
    h('p', { class: 'muted' }, 'Зарегистрируйте прибор учёта, чтобы передавать его показания через личный кабинет. '
      + 'Можно добавить любое число приборов учёта.'),
    toggle,
    host);
}

/** Links to the sections of the tenant that concern all points: the archive of data. */
function pageActions(ctx) {
  if (!hasModule(ctx.tenant, 'archive')) return null;
  return h('p', { class: 'actions points-actions' },
    h('a', { class: 'btn btn--secondary points-archive', href: ctx.router.href('archive') }, 'Получить архив данных за период'));
}

/**
 * What unread notifications are about: {refs (unreadRefs), contractIds (contract number → id, from GET access
 * when a ref names a contract)}; null when that cannot be had (the page is shown without marks).
 */
async function unreadMarks(ctx, points) {
  try {
    const refs = await unreadRefs({ signal: ctx.signal });
    const contractIds = new Map();
    if (refs.contracts.size && points.some((p) => p.contract)) {
      const access = await api.get('access', { signal: ctx.signal });
      for (const c of Array.isArray(access && access.contracts) ? access.contracts : []) contractIds.set(String(c.number), c.id);
    }
    return { refs, contractIds };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return null;
  }
}

export async function render(ctx) {
  let points;
  const answer = await api.get('points', { signal: ctx.signal });
  points = Array.isArray(answer && answer.points) ? answer.points : [];
  const page = h('section', { class: 'page page--points' },
    h('h1', { class: 'page__title' }, 'Точки учёта'));
  const virtual = virtualMetersAllowed(ctx.tenant) ? virtualMeterSection(ctx) : null;

  if (!points.length) {
    let access = null;
    try {
      access = await api.get('access', { signal: ctx.signal });
    } catch (err) {
      if (ctx.signal.aborted) throw err;
    }
    page.append(
      notice('info', h('strong', { class: 'points-empty' }, 'Доступных вам точек учёта пока нет.'),
        h('p', null, accessHint(ctx.tenant, access && access.ways))),
      h('p', null, h('a', { class: 'btn btn--primary', href: ctx.router.href('access') }, 'Лицевые счета и договоры')),
    );
    if (virtual) page.append(virtual); // append() would write a null as the text «null»
    return page;
  }

  page.append(h('p', { class: 'lead' },
    `${points.length} ${plural(points.length, ['точка учёта', 'точки учёта', 'точек учёта'])}. `
    + 'Откройте точку, чтобы посмотреть показания, профиль мощности, журнал событий и историю потребления.'));
  const links = pageActions(ctx);
  if (links) page.append(links);
  const groups = group(points);
  const marks = await unreadMarks(ctx, points);
  const pointUnread = (p) => Boolean(marks && marks.refs.points.has(String(p.id)));
  page.append(h('div', { class: 'points-list' },
    groups.map((g, i) => {
      if (groups.length === 1 && g.label === 'Точки учёта') {
        return h('div', { class: 'points-grid' }, g.points.map((p) => pointCard(ctx, p, 'h2', pointUnread(p))));
      }
      const unread = Boolean(marks && g.contract !== null
        && contractUnread(marks.refs, { id: marks.contractIds.get(String(g.contract)), number: g.contract }, points));
      return h('section', { class: 'points-group', 'aria-labelledby': `points-group-${i}`, dataset: { contract: g.contract, unread: unread ? 'true' : null } },
        h('h2', { class: 'section-title', id: `points-group-${i}` }, markedName(ctx, g.label, unread)),
        h('div', { class: 'points-grid' }, g.points.map((p) => pointCard(ctx, p, 'h3', pointUnread(p)))));
    })));
  if (virtual) page.append(virtual);
  return page;
}
