// Outages as several pages show them (the consumer's lookup, the public list, the operator's list and the
// card on the consumer's home page): the table of outages — start, planned and actual end, planned or
// emergency, the addresses, the duration and whether it went over the permitted one (2 h with two
// independent supply sources, 24 h with one) — and the texts of durations.
//   Rows are the answer of GET outages / public/outages: {id, kind, state, reason, starts_at, planned_end,
//   actual_end, sources, duration_minutes, permitted_minutes, exceeded, exceeded_minutes, addresses, address_line, points?}

import { getDictionary } from '../core/api.js';
import { h, plural } from '../core/ui.js';
import { formatDateTime, DASH } from '../core/format.js';
import { dataTable, scrollTable } from './data-view.js';

/** «Плановое» / «Аварийное». */
export const OUTAGE_KINDS = { planned: 'Плановое', emergency: 'Аварийное' };

/** «3 ч 20 мин», «45 мин», «24 ч», «3 сут 4 ч» (days from three days on). */
export function durationText(minutes) {
  const m = Math.max(0, Math.round(Number(minutes) || 0));
  const days = m >= 3 * 1440 ? Math.floor(m / 1440) : 0;
  const hours = Math.floor((m - days * 1440) / 60);
  const mins = m % 60;
  const parts = [];
  if (days) parts.push(`${days} сут`);
  if (hours) parts.push(`${hours} ч`);
  if (mins || !parts.length) parts.push(`${mins} мин`);
  return parts.join(' ');
}

/** The state of an outage in words: «Завершено», «Отменено», «Идёт сейчас», «Предстоит». */
export function stateText(o, now = Date.now() / 1000) {
  if (o.state === 'closed') return 'Завершено';
  if (o.state === 'cancelled') return 'Отменено';
  return o.starts_at <= now ? 'Идёт сейчас' : 'Предстоит';
}

/** The duration with its verdict: «5 ч — допустимо до 24 ч» or «26 ч — сверх допустимых 24 ч на 2 ч». */
export function durationCell(o) {
  if (o.state === 'cancelled') return h('span', { class: 'outage-duration outage-duration--cancelled' }, DASH, h('span', { class: 'cell-sub' }, 'Не состоялось'));
  const permitted = durationText(o.permitted_minutes);
  return h('span', { class: ['outage-duration', o.exceeded ? 'outage-duration--exceeded' : null] },
    h('span', { class: 'outage-duration__value' }, durationText(o.duration_minutes)),
    o.exceeded
      ? h('span', { class: 'cell-sub outage-exceeded' }, `Превышение допустимой длительности (${permitted}) на ${durationText(o.exceeded_minutes)}`)
      : h('span', { class: 'cell-sub' }, `Допустимо до ${permitted}`));
}

/** «05.12.2026 09:00 — 17:00 (план)» style end of an outage. */
function endCell(o, tz) {
  if (o.actual_end != null) return h('span', null, formatDateTime(o.actual_end, tz), h('span', { class: 'cell-sub' }, 'фактически'));
  return h('span', null, formatDateTime(o.planned_end, tz), h('span', { class: 'cell-sub' }, 'по плану'));
}

/**
 * The table of outages.
 * @param {object[]} rows
 * @param {string} tz              the tenant's time zone
 * @param {object} [o]
 * @param {string} [o.caption]
 * @param {boolean} [o.points]     a column with the consumer's own points each outage reaches
 * @param {(row) => Node} [o.actions]  a last column of actions (the operator's)
 * @param {string} [o.className]
 */
export function outageTable(rows, tz, { caption = '', points = false, actions = null, className = 'outage-table' } = {}) {
  const columns = [
    { title: 'Начало' },
    { title: 'Окончание' },
    { title: 'Вид отключения' },
    { title: 'Адреса' },
    ...(points ? [{ title: 'Ваши точки учёта' }] : []),
    { title: 'Длительность' },
    ...(actions ? [{ title: 'Действия' }] : []),
  ];
  const table = dataTable({
    className,
    caption: caption || `${rows.length} ${plural(rows.length, ['отключение', 'отключения', 'отключений'])}`,
    columns,
    rowAttrs: (cells, i) => ({ class: ['outage-row', rows[i].state === 'cancelled' ? 'outage-row--cancelled' : null], dataset: { id: rows[i].id, kind: rows[i].kind, state: rows[i].state } }),
    rows: rows.map((o) => [
      formatDateTime(o.starts_at, tz),
      endCell(o, tz),
      h('span', null, h('span', { class: `badge outage-kind outage-kind--${o.kind}` }, OUTAGE_KINDS[o.kind] || DASH),
        h('span', { class: ['cell-sub', 'outage-state', `outage-state--${o.state}`] }, stateText(o))),
      h('span', null, h('span', { class: 'outage-address' }, o.address_line || DASH),
        o.reason ? h('span', { class: 'cell-sub outage-reason' }, `Причина: ${o.reason}`) : null),
      ...(points ? [Array.isArray(o.points) && o.points.length
        ? h('ul', { class: 'outage-points' }, o.points.map((p) => h('li', null, p.name, h('span', { class: 'cell-sub' }, p.address))))
        : DASH] : []),
      durationCell(o),
      ...(actions ? [actions(o)] : []),
    ]),
  });
  return scrollTable(table, 'Отключения электроэнергии');
}

/**
 * The card of the consumer's home page: outages going on or to come at their own points (GET outages without an
 * address), each with its time, addresses and the points it reaches; a link to the lookup.
 * @param {object} ctx  the page's context (router, tenant, signal)
 * @param {Promise<object>} answer  GET outages
 */
export function outagesCard(ctx, answer) {
  const tz = ctx.tenant.timezone || 'Europe/Moscow';
  const body = h('div', { class: 'dashboard-outages', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Загрузка…'));
  answer.then((a) => {
    const rows = Array.isArray(a && a.rows) ? a.rows : [];
    if (!rows.length) {
      body.replaceChildren(h('p', { class: 'muted dashboard-outages__none' }, 'По адресам ваших точек учёта отключений не запланировано.'));
      return;
    }
    body.replaceChildren(h('ul', { class: 'dashboard-list dashboard-outages__list' }, rows.slice(0, 5).map((o) =>
      h('li', { class: ['dashboard-list__item', 'dashboard-outage', `dashboard-outage--${o.kind}`, o.state === 'cancelled' ? 'dashboard-outage--cancelled' : null], dataset: { outage: o.id } },
        h('span', { class: 'dashboard-list__main' },
          `${OUTAGE_KINDS[o.kind] || 'Отключение'} отключение${o.state === 'cancelled' ? ' отменено' : ''}: ${formatDateTime(o.starts_at, tz)} — ${formatDateTime(o.actual_end ?? o.planned_end, tz)}`),
        h('span', { class: 'dashboard-list__sub' }, [o.address_line, o.reason ? `причина: ${o.reason}` : null].filter(Boolean).join('; ')),
        Array.isArray(o.points) && o.points.length
          ? h('span', { class: 'dashboard-list__sub' }, `${plural(o.points.length, ['Точка', 'Точки', 'Точки'])} учёта: ${o.points.map((p) => p.name).join(', ')}`)
          : null))));
  }, (err) => {
    if (ctx.signal.aborted) return;
    body.replaceChildren(h('p', { class: 'notice notice--error' }, `Не удалось загрузить сведения об отключениях: ${(err && err.message) || 'ошибка сети'}`));
  });
  return h('section', { class: 'card dashboard-card dashboard-card--outages', dataset: { card: 'outages' }, 'aria-labelledby': 'dashboard-outages-title' },
    h('h2', { class: 'dashboard-card__title', id: 'dashboard-outages-title' }, 'Отключения по вашим адресам'),
    body,
    h('p', { class: 'dashboard-card__more' }, h('a', { href: ctx.router.href('outages') }, 'Статистика отключений')));
}

/**
 * The lookup form of outages: a street of the tenant's dictionary (or, when `own` is given, the addresses of the
 * person's own points) with a house number, and the period. onApply({address, from, to}) with address '' for the
 * own points.
 * @param {object} o
 * @param {{value: string, label?: string}[]} o.streets  the tenant's street dictionary (may be empty: then a text box)
 * @param {string} o.from
 * @param {string} o.to
 * @param {string} [o.own]       the label of the choice «the addresses of my points»; absent: an address is needed
 * @param {string} [o.street]
 * @param {string} [o.house]
 * @param {({address, street, house, from, to}) => void} o.onApply
 */
export function lookupForm(o) {
  const streetSelect = o.streets.length
    ? h('select', { name: 'street', class: 'input outage-lookup__street', id: 'outage-lookup-street' },
      o.own ? h('option', { value: '' }, o.own) : h('option', { value: '' }, 'Выберите улицу'),
      o.streets.map((s) => h('option', { value: s.value, selected: s.value === o.street ? true : null }, s.label || s.value)))
    : h('input', { name: 'street', class: 'input outage-lookup__street', id: 'outage-lookup-street', value: o.street || '',
      placeholder: 'Например, Ленина ул.' });
  const house = h('input', { name: 'house', class: 'input outage-lookup__house', id: 'outage-lookup-house', value: o.house || '',
    maxlength: 25, placeholder: '12а', autocomplete: 'off' });
  const from = h('input', { type: 'date', name: 'from', class: 'input filters__date', id: 'outage-lookup-from', value: o.from, required: true });
  const to = h('input', { type: 'date', name: 'to', class: 'input filters__date', id: 'outage-lookup-to', value: o.to, required: true });
  const error = h('p', { class: 'filters__error', 'aria-live': 'polite' });
  const field = (id, label, control) => h('div', { class: 'filters__field' }, h('label', { class: 'field-label', for: id }, label), control);
  const form = h('form', { class: 'filters outage-lookup', dataset: { filter: 'outages' }, novalidate: true },
    h('div', { class: 'filters__row' },
      field('outage-lookup-street', 'Улица', streetSelect),
      field('outage-lookup-house', 'Дом', house),
      field('outage-lookup-from', 'С', from),
      field('outage-lookup-to', 'По', to),
      h('div', { class: 'filters__field filters__field--submit' }, h('button', { type: 'submit', class: 'btn btn--primary outage-lookup__submit' }, 'Показать'))),
    error);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const street = streetSelect.value.trim();
    const h2 = house.value.trim();
    let msg = '';
    if (!from.value || !to.value) msg = 'Укажите даты начала и конца периода.';
    else if (from.value > to.value) msg = 'Дата начала периода позже даты конца.';
    else if (!street && !o.own) msg = 'Выберите улицу.';
    else if (!street && h2) msg = 'Выберите улицу дома.';
    error.textContent = msg;
    if (msg) return;
    o.onApply({ address: street ? (h2 ? `${street}, д. ${h2}` : street) : '', street, house: h2, from: from.value, to: to.value });
  });
  return form;
}

/**
 * The address lookup of a page: its choice read from the page's query (street, house, from, to; `from` and `to`
 * are the default dates), the tenant's streets (none when the dictionary cannot be read: the street is typed
 * then) and the form, whose «Показать» keeps the choice in `state` and in the address bar and calls `load`.
 * `address()` is the address asked for: «улица, д. N», the street alone, or '' for none.
 */
export async function addressLookup(ctx, { from, to, own, load }) {
  const q = ctx.query;
  const state = { street: q.get('street') || '', house: q.get('house') || '', from: q.get('from') || from, to: q.get('to') || to };
  let streets = [];
  try {
    streets = await getDictionary('streets');
  } catch (err) {
    if (ctx.signal.aborted) throw err;
  }
  const form = lookupForm({
    streets,
    ...state,
    own,
    onApply: (v) => {
      Object.assign(state, { street: v.street, house: v.house, from: v.from, to: v.to });
      ctx.router.setQuery({ street: v.street || null, house: v.house || null, from: v.from, to: v.to });
      load();
    },
  });
  const address = () => (state.street ? (state.house ? `${state.street}, д. ${state.house}` : state.street) : '');
  return { state, address, form };
}
