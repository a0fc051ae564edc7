// The «Оператор» section of the utility's staff (role operator or
// tenant-admin; GET me → user.role): what waits for a decision and where to
// go. Its pages share the sub-navigation of operatorNav().
//   GET operator/manual-readings?state=pending → {rows: […]} (the number waiting, tenants with manual readings)

import { api, ApiError } from '../core/api.js';
import { h, notice, plural } from '../core/ui.js';
import { hrefOf } from '../core/router.js';
import { isStaff } from '../core/session.js';
import { hasModule, sessionEnded, nothing } from '../core/meters.js';

export const title = 'Оператор';

/** The pages of the section for this tenant: [{path, label}]. */
export function operatorPages(tenant) {
  return [
    hasModule(tenant, 'manual_readings') ? { path: 'operator/readings', label: 'Показания на проверке' } : null,
    { path: 'operator/consumers', label: 'Потребители и доступ' },
    { path: 'operator/polling', label: 'Опрос приборов учёта' },
    { path: 'operator/audit', label: 'Попытки подбора номеров' },
  ].filter(Boolean);
}

/** The sub-navigation between the operator's pages; current is the route on screen. */
export function operatorNav(ctx, current) {
  return h('nav', { class: 'subnav', 'aria-label': 'Раздел оператора' },
    h('ul', { class: 'subnav__list' },
      [{ path: 'operator', label: 'Обзор' }, ...operatorPages(ctx.tenant)].map((p) => h('li', null,
        h('a', { class: 'subnav__link', href: hrefOf(p.path), 'aria-current': p.path === current ? 'page' : null, dataset: { route: p.path } }, p.label)))));
}

/**
 * What the operator's pages show instead of their content: to a person who is not staff, that the section
 * is for staff; to staff who must first switch on the second factor (the tenant demands it for their
 * role: 403 second_factor_required, or user.second_factor_required), the reason and the way to the profile.
 */
export function staffOnly(heading, err = null) {
  if (err && err.code === 'second_factor_required') {
    return h('section', { class: 'page page--narrow page--operator-denied' },
      h('h1', { class: 'page__title' }, heading),
      notice('error', h('strong', { class: 'operator-second-factor' }, err.message || 'Для вашей роли нужно включить подтверждение входа в профиле.'),
        h('p', null, h('a', { class: 'btn btn--primary', href: hrefOf('profile') }, 'Включить подтверждение входа'))));
  }
  return h('section', { class: 'page page--narrow page--operator-denied' },
    h('h1', { class: 'page__title' }, heading),
    notice('error', h('strong', { class: 'operator-denied' }, 'Раздел доступен только сотрудникам сетевой организации.'),
      h('p', null, 'Войдите под учётной записью оператора или администратора.')));
}

/** The refusal to show before asking anything: staff without the second factor their role needs. */
export function staffGate(ctx, heading) {
  if (!isStaff(ctx.user)) return staffOnly(heading);
  if (ctx.user.second_factor_required === true) return staffOnly(heading, { code: 'second_factor_required', message: '' });
  return null;
}

/** A 403 of an operator's request: the person is not (or no longer) staff. */
export function isDenied(err) {
  return err instanceof ApiError && err.status === 403 && err.code !== 'csrf_failed';
}

export async function render(ctx) {
  const gate = staffGate(ctx, title);
  if (gate) return gate;
  const pages = operatorPages(ctx.tenant);
  let pending = null;
  let pendingError = null;
  if (hasModule(ctx.tenant, 'manual_readings')) {
    try {
      const answer = await api.get('operator/manual-readings', { query: { state: 'pending' }, signal: ctx.signal });
      pending = Array.isArray(answer && answer.rows) ? answer.rows.length : 0;
    } catch (err) {
      if (sessionEnded(ctx, err)) return nothing();
      if (ctx.signal.aborted) throw err;
      if (isDenied(err)) return staffOnly(title, err);
      pendingError = err;
    }
  }
  const cards = pages.map((p) => {
    let text;
    if (p.path === 'operator/readings') {
      text = pendingError
        ? `Не удалось узнать число показаний на проверке: ${pendingError.message || 'ошибка сети'}`
        : pending
          ? `${pending} ${plural(pending, ['показание ждёт', 'показания ждут', 'показаний ждут'])} решения.`
          : 'Новых показаний на проверке нет.';
    } else if (p.path === 'operator/audit') {
      text = 'Номера лицевых счетов и договоров, которые пытались подобрать: кто, когда, с какого адреса.';
    } else if (p.path === 'operator/polling') {
      text = 'Приборы учёта на автоматическом опросе: последние успешные опросы, ошибки связи и уведомления о вмешательстве.';
    } else {
      text = 'Поиск потребителей, их доступ к лицевым счетам, договорам и точкам учёта: открыть или закрыть.';
    }
    return h('li', { class: 'card operator-card', dataset: { route: p.path } },
      h('h2', { class: 'operator-card__title' }, h('a', { href: ctx.router.href(p.path) }, p.label)),
      h('p', { class: ['operator-card__text', p.path === 'operator/readings' && pending ? 'operator-card__text--attention' : null] }, text));
  });
  return h('section', { class: 'page page--operator' },
    h('h1', { class: 'page__title' }, 'Раздел оператора'),
    operatorNav(ctx, 'operator'),
    h('p', { class: 'lead' }, `${ctx.tenant.short_name || ctx.tenant.name || 'Сетевая организация'}: работа с показаниями и доступом потребителей.`),
    h('ul', { class: 'operator-cards' }, cards));
}
