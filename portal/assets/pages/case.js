// One case of the consumer (GET cases/{id}): its form's values, documents with download links, history, the
// correspondence with the utility, and the actions the consumer may take now (their inputs and confirmations);
// an offered survey («Пройти опрос»). Staff are taken on to the operator's page of the case.
// Markup: .page--case, .case-view (widgets/cases.js), .case-changed, a.case-offer.

import { api } from '../core/api.js';
import { h, mount, notice } from '../core/ui.js';
import { isStaff } from '../core/session.js';
import { caseGroups, fileRoute, listGroupOf, listLabel, listRoute, operatorCaseRoute } from '../core/cases.js';
import { caseView, changedNotice, isMissing } from '../widgets/cases.js';

export const title = (ctx) => (ctx.caseTitle || 'Обращение');

export async function render(ctx) {
  if (isStaff(ctx.user)) {
    ctx.router.navigate(operatorCaseRoute(ctx.params.id), { replace: true });
    return h('div');
  }
  let c;
  try {
    c = await api.get(`cases/${encodeURIComponent(ctx.params.id)}`, { signal: ctx.signal });
  } catch (err) {
    if (!isMissing(err)) throw err;
    return h('section', { class: 'page page--narrow page--case' },
      h('h1', { class: 'page__title' }, 'Обращение не найдено'),
      notice('error', 'Такого обращения нет среди ваших.'));
  }
  const page = h('section', { class: 'page page--case' });
  function draw(view, message) {
    const group = caseGroups(ctx.tenant).find((g) => g.id === listGroupOf(ctx.tenant, view.kind && view.kind.group));
    ctx.caseTitle = `${(view.kind && view.kind.label) || 'Обращение'} № ${view.number_text || view.number}`;
    document.title = document.title.replace(/^[^—]*—/, `${ctx.caseTitle} —`);
    const offerGroup = view.offer && caseGroups(ctx.tenant).find((g) => g.id === view.offer.group) || null;
    mount(page,
      group ? h('p', { class: 'page__back' }, h('a', { href: ctx.router.href(listRoute(group.id)) }, `← ${listLabel(group)}`)) : null,
      h('h1', { class: 'page__title' }, ctx.caseTitle),
      changedNotice(message),
      view.offer ? notice('info', h('strong', null, `Приглашаем вас: ${view.offer.label}.`), ' ',
        h('a', { class: 'case-offer', href: ctx.router.href(`${fileRoute((offerGroup && offerGroup.id) || view.offer.group || (view.kind && view.kind.group) || '')}?offer=${encodeURIComponent(view.id)}`) }, 'Перейти')) : null,
      caseView(ctx, view, { changed: draw }));
  }
  draw(c);
  return page;
}
