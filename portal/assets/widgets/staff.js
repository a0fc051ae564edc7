// The frame of the «Оператор» section (GET me → user.role operator or tenant-admin), shared by its pages:
// the list of its pages for a tenant, the sub-navigation between them, and what is shown instead of a page to
// a person who is not staff or still lacks the second factor their role needs.

import { ApiError } from '../core/api.js';
import { h, notice } from '../core/ui.js';
import { hrefOf } from '../core/router.js';
import { isStaff } from '../core/session.js';
import { hasModule } from '../core/meters.js';
import { caseGroups } from '../core/cases.js';

/** The pages of the section for this tenant: [{path, label}]. */
export function operatorPages(tenant) {
  return [
    hasModule(tenant, 'manual_readings') ? { path: 'operator/readings', label: 'Показания на проверке' } : null,
    { path: 'operator/consumers', label: 'Потребители и доступ' },
    { path: 'operator/polling', label: 'Опрос приборов учёта' },
    { path: 'operator/connectors', label: 'Обмен данными' },
    { path: 'operator/audit', label: 'Попытки подбора номеров' },
    { path: 'operator/alerts', label: 'Оповещения' },
    { path: 'operator/broadcasts', label: 'Рассылки' },
    hasModule(tenant, 'outages') ? { path: 'operator/outages', label: 'Отключения' } : null,
    caseGroups(tenant).length ? { path: 'operator/cases', label: 'Обращения' } : null,
    caseGroups(tenant).length ? { path: 'operator/case-reports', label: 'Отчёты по обращениям' } : null,
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
