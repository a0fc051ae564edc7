// One case of the consumer (GET cases/{id}): its form's values, documents with download links, history, the
// correspondence with the utility, and the actions the consumer may take now (their inputs and confirmations);
// an offered survey («Пройти опрос»). Staff are taken on to the operator's page of the case.
// Markup: .page--case, .case-view (widgets/cases.js), .case-changed, a.case-offer, .case-supplier (an appeal forwarded
// to the supplier: GET cases/{id}/supplier).

import { api } from '../core/api.js';
import { h, mount, notice } from '../core/ui.js';
import { isStaff } from '../core/session.js';
import { caseGroups, caseKinds, fileRoute, listGroupOf, listLabel, listRoute, operatorCaseRoute } from '../core/cases.js';
import { caseView, changedNotice, isMissing } from '../widgets/cases.js';

export const title = (ctx) => (ctx.caseTitle || 'Обращение');

/** The supplier's side of a forwarded appeal: sent (with the supplier's number), waiting, or refused. */
function supplierNote(f) {
  if (f.state === 'forwarded') {
    return notice('info', h('span', { class: 'case-supplier', dataset: { state: f.state } },
      `Обращение передано поставщику${f.external_id ? `, номер у поставщика: ${f.external_id}` : ''}. Ответ поставщика появится здесь.`));
  }
  if (f.state === 'failed') {
    return notice('error', h('span', { class: 'case-supplier', dataset: { state: f.state } },
      `Поставщик не принял обращение${f.error ? `: ${f.error}` : '.'}`));
  }
  return notice('info', h('span', { class: 'case-supplier', dataset: { state: f.state } },
    'Обращение будет передано поставщику, как только он станет доступен.'));
}

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
  // An offered kind (a survey after an answer) is filed on its group's page: the group comes with the kinds the
  // offer opens (GET case-kinds?offer=<this case>).
  const offerGroups = new Map();
  async function learnOffer(view) {
    if (!view.offer || offerGroups.has(view.offer.kind)) return;
    try {
      const kinds = await caseKinds({ offer: view.id, signal: ctx.signal });
      const k = ((kinds && kinds.kinds) || []).find((x) => x.id === view.offer.kind);
      if (k) offerGroups.set(view.offer.kind, k.group);
    } catch (err) {
      if (ctx.signal.aborted) throw err;
    }
  }
  // A link of the list opens a section or an action at once (?section=documents|upload, ?action=<id>), once.
  let focus = ctx.query.get('section') || ctx.query.get('action') ? { section: ctx.query.get('section'), action: ctx.query.get('action') } : null;
  function draw(view, message) {
    const group = caseGroups(ctx.tenant).find((g) => g.id === listGroupOf(ctx.tenant, view.kind && view.kind.group));
    ctx.caseTitle = `${(view.kind && view.kind.label) || 'Обращение'} № ${view.number_text || view.number}`;
    document.title = document.title.replace(/^[^—]*—/, `${ctx.caseTitle} —`);
    const offerGroup = view.offer ? offerGroups.get(view.offer.kind) : null;
    mount(page,
      group ? h('p', { class: 'page__back' }, h('a', { href: ctx.router.href(listRoute(group.id)) }, `← ${listLabel(group)}`)) : null,
      h('h1', { class: 'page__title' }, ctx.caseTitle),
      changedNotice(message),
      view.offer && offerGroup ? notice('info', h('strong', null, `Приглашаем вас: ${view.offer.label}.`), ' ',
        h('a', { class: 'case-offer', href: ctx.router.href(`${fileRoute(offerGroup)}?offer=${encodeURIComponent(view.id)}&kind=${encodeURIComponent(view.offer.kind)}`) }, 'Перейти')) : null,
      caseView(ctx, view, { focus, changed: (fresh, text) => learnOffer(fresh).then(() => draw(fresh, text)) }));
    focus = null;
  }
  // An appeal forwarded to the supplier's billing (ОЭС 360): how it went there (GET cases/{id}/supplier; 404: not forwarded).
  let forwarded = null;
  try {
    forwarded = await api.get(`cases/${encodeURIComponent(ctx.params.id)}/supplier`, { signal: ctx.signal });
  } catch (err) {
    if (ctx.signal.aborted) throw err;
  }
  await learnOffer(c);
  draw(c);
  if (forwarded) page.querySelector('.page__title').after(supplierNote(forwarded));
  return page;
}
