// «Потребители и доступ» (operator, tenant administrator): search the
// tenant's consumers by login or e-mail, see what each may see, open or
// close access to a personal account, a contract (by number) or a metering
// point (chosen from the tenant's points).
//   GET    operator/consumers?q= → {consumers: [{id, kind, login, login_field, email, phone, fields,
//            grants: [{scope, ref, way, number?}]}]} (login_field: which identifier the login is, e.g. snils)
//   POST   operator/grants {user_id, scope: account|contract|point, ref} → 201; 422 {fields: {user_id|scope|ref}}
//   DELETE operator/grants (same body) → 204
//   GET    points → every point of the tenant (staff): names of point grants and the choice of a point
// `ref` is the number of the account or contract, or the id of the point. A grant in the list names its
// account or contract by the stored id; it can be closed from the list when its number is known — the
// answer's `number`, or the number this page opened it with — or for a point; otherwise by typing the
// number into the form.
//
// Markup: form.consumer-search (field q), .consumer-item[data-id][data-login], .grant-item[data-scope][data-ref],
// button.grant-revoke, form.grant-form (fields scope, ref, point), button.grant-add, button.grant-remove,
// .consumers-status (.grant-done).

import { api, ApiError } from '../core/api.js';
import { h, mount, notice, plural, idPart } from '../core/ui.js';
import { createForm } from '../widgets/forms.js';
import { confirmDialog } from '../widgets/dialog.js';
import { resultArea } from '../widgets/filters.js';
import { GRANT_SCOPES, GRANT_WAYS, hasModule } from '../core/meters.js';
import { displayName } from '../core/session.js';
import { DASH, formatIdentifier, formatPhone } from '../core/format.js';
import { operatorNav, staffOnly, staffGate, isDenied } from '../widgets/staff.js';
import { sendForm } from '../widgets/submit.js';

export const title = 'Потребители и доступ';

const SCOPE_OPTIONS = Object.entries(GRANT_SCOPES).map(([value, label]) => ({ value, label }));

/** Numbers of the accounts and contracts this page opened access to, by "<scope>|<stored id>". */
const learned = new Map();

function numberOf(g) {
  return g.number || learned.get(`${g.scope}|${g.ref}`) || null;
}

/** «Лицевой счёт № 3612045», «Точка учёта 56-ТУ-000338 — Квартира». */
function grantText(g, points) {
  if (g.scope === 'point') {
    const p = points.get(String(g.ref));
    return p ? `Точка учёта ${[p.number, p.name].filter(Boolean).join(' — ')}` : `Точка учёта (код ${g.ref})`;
  }
  const label = GRANT_SCOPES[g.scope] || g.scope;
  const number = numberOf(g);
  return number ? `${label} № ${number}` : `${label} (внутренний код ${g.ref})`;
}

/** The `ref` to send to close a grant from the list, or null when its number is not known. */
function revokeRef(g) {
  if (g.scope === 'point') return String(g.ref);
  const number = numberOf(g);
  return number ? String(number) : null;
}

/** What the consumer wrote at registration that helps to find their account or contract. */
const REGISTRATION_FACTS = [
  ['organization', 'Организация'],
  ['org_short_name', 'Организация'],
  ['contract_number', 'Договор (при регистрации)'],
  ['account_number', 'Лицевой счёт (при регистрации)'],
  ['address', 'Адрес'],
];

export async function render(ctx) {
  const gate = staffGate(ctx, title);
  if (gate) return gate;
  const applicantKinds = Array.isArray(ctx.tenant.applicant_kinds) ? ctx.tenant.applicant_kinds : [];
  const kinds = new Map(applicantKinds.map((k) => [k.id, k.label]));
  const bySnils = applicantKinds.some((k) => k && k.login && k.login.type === 'snils');
  const defaultScope = hasModule(ctx.tenant, 'contracts') ? 'contract' : 'account';

  // Every point of the tenant (staff see them all): names in the grants, the choice in the form.
  let points = new Map();
  try {
    const answer = await api.get('points', { signal: ctx.signal });
    points = new Map((Array.isArray(answer && answer.points) ? answer.points : []).map((p) => [String(p.id), p]));
  } catch (err) {
    if (ctx.signal.aborted) throw err;
  }
  const pointOptions = [...points.values()].map((p) => ({
    value: String(p.id),
    label: [p.number, p.name, p.address].filter(Boolean).join(' — '),
  })).sort((a, b) => a.label.localeCompare(b.label, 'ru'));

  const page = h('section', { class: 'page page--operator-consumers' });
  const status = h('div', { class: 'form-status consumers-status', 'aria-live': 'polite' });
  const result = resultArea('consumers');
  let query = ctx.query.get('q') || '';
  let seq = 0;
  // A grant just opened by number: its stored id is learned from the next answer.
  let opening = null;

  // -------------------------------------------------------------------------
  // Search

  const search = createForm({
    fields: [{ name: 'q', label: 'Логин или адрес электронной почты', type: 'text', required: false, max_length: 100, default: query,
      hint: `Часть логина${bySnils ? ' (СНИЛС — с дефисами или без)' : ''} или e-mail; пустой запрос покажет первых 50 потребителей` }],
  }, { idPrefix: 'consumer-search' });
  const find = h('button', { type: 'submit', class: 'btn btn--primary consumer-search__submit' }, 'Найти');
  const searchForm = h('form', {
    class: 'consumer-search inline-form', role: 'search', novalidate: true, 'aria-label': 'Поиск потребителей',
    onSubmit: (e) => {
      e.preventDefault();
      if (Object.keys(search.validate()).length) { search.focusFirstError(); return; }
      query = search.values().q || '';
      status.replaceChildren();
      ctx.router.setQuery({ q: query || null });
      load();
    },
  }, search.element, h('div', { class: 'form-actions' }, find));

  async function load() {
    const mine = ++seq;
    result.show('loading', h('p', { class: 'loading', role: 'status' }, h('span', { class: 'loading__dot', 'aria-hidden': 'true' }), 'Поиск…'));
    let data;
    try {
      data = await api.get('operator/consumers', { query: { q: query }, signal: ctx.signal });
    } catch (err) {
      if (ctx.signal.aborted || mine !== seq) return;
      if (isDenied(err)) { mount(page, staffOnly(title, err)); return; }
      if (err instanceof ApiError && err.fields && err.fields.q) {
        search.setError('q', String(err.fields.q), 'server');
        result.show('error', notice('error', h('strong', null, err.message || 'Проверьте запрос.')));
        return;
      }
      result.show('error', notice('error', h('strong', null, 'Не удалось найти потребителей'), h('p', null, err.message || ''),
        h('button', { type: 'button', class: 'btn btn--secondary', onClick: () => load() }, 'Повторить')));
      return;
    }
    if (mine !== seq) return;
    const list = (data && Array.isArray(data.consumers) ? data.consumers : []).filter(Boolean);
    if (opening) {
      const c = list.find((x) => x.id === opening.userId);
      const fresh = c && Array.isArray(c.grants) ? c.grants.filter((g) => g.scope === opening.scope && !opening.before.has(String(g.ref))) : [];
      if (fresh.length === 1) learned.set(`${opening.scope}|${fresh[0].ref}`, opening.number);
      opening = null;
    }
    if (!list.length) {
      result.show('empty', notice('info', h('strong', { class: 'consumers-empty' },
        query ? `Потребители по запросу «${query}» не найдены.` : 'Зарегистрированных потребителей пока нет.')));
      return;
    }
    result.show('ready',
      h('p', { class: 'muted consumers-count' }, `${query ? 'Найдено' : 'Показано'}: ${list.length} ${plural(list.length, ['потребитель', 'потребителя', 'потребителей'])}`
        + (list.length >= 50 ? ' (первые 50; уточните запрос)' : '')),
      h('div', { class: 'consumer-list' }, list.map(consumerItem)));
  }

  function done(text) {
    mount(status, notice('success', h('strong', { class: 'grant-done', tabindex: '-1' }, text)));
    status.querySelector('.grant-done').focus();
    load();
  }

  function actionFailed(err, box) {
    if (ctx.signal.aborted) return;
    if (isDenied(err)) { mount(page, staffOnly(title, err)); return; }
    mount(box, notice('error', h('strong', null, err.message || 'Не удалось выполнить действие.')));
  }

  // -------------------------------------------------------------------------
  // A consumer and their access

  function consumerItem(c) {
    const f = c.fields && typeof c.fields === 'object' ? c.fields : {};
    const name = displayName({ fields: f, login: { value: c.login, field: c.login_field }, email: c.email });
    const cid = idPart(c.id);
    const box = h('div', { class: 'form-status grant-status', 'aria-live': 'polite' });
    const grants = Array.isArray(c.grants) ? c.grants : [];

    const grantList = grants.length
      ? h('ul', { class: 'access-list grant-list' }, grants.map((g) => {
        const ref = revokeRef(g);
        const text = grantText(g, points);
        const remove = ref
          ? h('button', { type: 'button', class: 'icon-button grant-revoke', 'aria-label': `Закрыть доступ: ${text}`, title: 'Закрыть доступ' },
            h('span', { 'aria-hidden': 'true' }, '×'))
          : null;
        if (remove) remove.addEventListener('click', () => revoke(c, name, g.scope, ref, text, remove, box));
        return h('li', { class: 'access-item grant-item', dataset: { scope: g.scope, ref: g.ref } },
          h('div', { class: 'access-item__main' },
            h('p', { class: 'access-item__title' }, text),
            g.way ? h('p', { class: 'access-item__line muted' }, GRANT_WAYS[g.way] || g.way) : null),
          remove);
      }))
      : h('p', { class: 'muted grants-empty' }, 'Доступ к приборам учёта не открыт.');

    const form = createForm({
      fields: [
        { name: 'scope', label: 'Что открыть', type: 'select', required: true, options: SCOPE_OPTIONS, default: defaultScope },
        { name: 'ref', label: 'Номер', type: 'text', required: true, max_length: 64,
          visible_if: { field: 'scope', equals: ['account', 'contract'] },
          hint: 'Номер лицевого счёта или договора, как в данных сетевой организации' },
        { name: 'point', label: 'Точка учёта', type: 'select', required: true, options: pointOptions,
          visible_if: { field: 'scope', equals: 'point' } },
      ],
    }, { idPrefix: `grant-${cid}` });
    const add = h('button', { type: 'submit', class: 'btn btn--primary btn--small grant-add' }, 'Открыть доступ');
    const removeByNumber = h('button', { type: 'button', class: 'btn btn--secondary btn--small grant-remove' }, 'Закрыть доступ');

    function body() {
      const v = form.values();
      return { user_id: c.id, scope: v.scope, ref: v.scope === 'point' ? v.point : v.ref };
    }
    function what(b) {
      return b.scope === 'point' ? grantText({ scope: 'point', ref: b.ref }, points) : `${GRANT_SCOPES[b.scope]} № ${b.ref}`;
    }
    function serverErrors(err) {
      if (!(err instanceof ApiError)) return false;
      const fields = { ...err.fields };
      if (fields.ref && form.values().scope === 'point') { fields.point = fields.ref; delete fields.ref; }
      const rest = form.setErrors(fields, 'server');
      const shown = form.focusFirstError();
      if (Object.keys(rest).length) mount(box, notice('error', h('strong', null, err.message), h('ul', { class: 'notice__list' }, Object.values(rest).map((m) => h('li', null, String(m))))));
      return shown || Object.keys(rest).length > 0;
    }

    async function onSubmit(e) {
      e.preventDefault();
      if (add.disabled) return;
      box.replaceChildren();
      status.replaceChildren();
      if (Object.keys(form.validate()).length) { form.focusFirstError(); return; }
      const b = body();
      await sendForm({
        button: add,
        signal: ctx.signal,
        busyText: 'Открытие…',
        send: async () => {
          const before = new Set(grants.filter((g) => g.scope === b.scope).map((g) => String(g.ref)));
          await api.post('operator/grants', b, { signal: ctx.signal });
          if (b.scope !== 'point') opening = { userId: c.id, scope: b.scope, number: b.ref, before };
          done(`Доступ открыт: ${name} — ${what(b)}.`);
        },
        failed(err) {
          if (!serverErrors(err)) actionFailed(err, box);
          return true;
        },
      });
    }
    removeByNumber.addEventListener('click', async () => {
      box.replaceChildren();
      status.replaceChildren();
      if (Object.keys(form.validate()).length) { form.focusFirstError(); return; }
      const b = body();
      await revoke(c, name, b.scope, b.ref, what(b), removeByNumber, box, serverErrors);
    });

    return h('article', { class: 'card consumer-item', dataset: { id: c.id, login: c.login }, 'aria-labelledby': `consumer-${cid}-title` },
      h('div', { class: 'consumer-item__head' },
        h('h2', { class: 'consumer-item__title', id: `consumer-${cid}-title` }, name),
        c.kind && kinds.has(c.kind) ? h('span', { class: 'badge' }, kinds.get(c.kind)) : null),
      h('dl', { class: 'contract-item__facts consumer-item__facts' },
        [['Логин', c.login ? formatIdentifier(c.login_field, c.login) : null], ['E-mail', c.email], ['Телефон', c.phone ? formatPhone(c.phone) : null],
          ...REGISTRATION_FACTS.filter(([key]) => typeof f[key] === 'string' && f[key].trim()).map(([key, label]) => [label, f[key]])]
          .filter(([label], i, all) => all.findIndex(([l]) => l === label) === i)
          .map(([label, v]) => h('div', null, h('dt', null, label), h('dd', null, v ? String(v) : DASH)))),
      h('h3', { class: 'consumer-item__subtitle' }, 'Доступ к приборам учёта'),
      grantList,
      h('form', { class: 'grant-form inline-form', novalidate: true, 'aria-label': `Доступ потребителя ${name}`, onSubmit },
        h('div', { class: 'grant-form__fields' }, form.element),
        h('div', { class: 'form-actions' }, add, removeByNumber)),
      box);
  }

  async function revoke(c, name, scope, ref, text, button, box, onFieldErrors = null) {
    const ok = await confirmDialog({
      title: 'Закрыть доступ?',
      text: `${name} перестанет видеть: ${text}. Открыть доступ снова можно в любое время.`,
      confirmLabel: 'Закрыть доступ',
      cancelLabel: 'Отмена',
    });
    if (!ok) return;
    button.disabled = true;
    try {
      await api.del('operator/grants', { body: { user_id: c.id, scope, ref }, signal: ctx.signal });
      done(`Доступ закрыт: ${name} — ${text}.`);
    } catch (err) {
      button.disabled = false;
      if (!(onFieldErrors && onFieldErrors(err))) actionFailed(err, box);
    }
  }

  page.append(
    h('h1', { class: 'page__title' }, title),
    operatorNav(ctx, 'operator/consumers'),
    h('p', { class: 'lead' }, 'Найдите потребителя по логину или e-mail и откройте ему доступ к лицевому счёту, договору или точке учёта.'),
    h('section', { class: 'card consumer-search-card', 'aria-label': 'Поиск' }, searchForm),
    status,
    result.element,
  );
  load();
  return page;
}
