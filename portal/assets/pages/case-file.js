// Filing a case of a group (ВГЭС «Обращение», «Заявка на дополнительную услугу»; ОЭС 360 «Обращения»): the kind
// chosen in a select labelled by the group's `kind_label`, the kind's form drawn with the registration's form
// widgets (values taken from the profile already filled in), a file input per document type with its limits,
// «Сохранить»; then the server's message with the registration number at once, and the way to the case.
// A kind printed from its form (ВОЭК's tech connection: `print`, or the required `signed_application`) has
// «Распечатать заявление»: the form checked like filing, its PDF downloaded; the signed scan is then uploaded as
// that required document.
//   GET case-kinds (?offer=<case id> for an offered survey, ?kind= chosen at once), POST cases (JSON, or multipart
//   with files), POST case-kinds/{kind}/print
// Markup: .page--case-file, select[name=kind] (.case-kind), form.case-form, button.case-submit, .case-print-bar with
// button.case-print-form and a.case-print-file[download], .case-result with .case-result__message and a.case-result__link.

import { api, getDictionary } from '../core/api.js';
import { h, mount, notice, uid } from '../core/ui.js';
import { caseBody, caseGroups, caseKinds, caseRoute, fileLabel, kindPrintable, listGroupOf, listLabel, listRoute, printKind } from '../core/cases.js';
import { createForm } from '../widgets/forms.js';
import { submitter } from '../widgets/submit.js';
import { combineForms, documentInputs } from '../widgets/cases.js';

export function title(ctx) {
  const g = caseGroups(ctx.tenant).find((x) => x.id === ctx.params.group);
  return g ? fileLabel(g) : 'Обращение';
}

export async function render(ctx) {
  const group = caseGroups(ctx.tenant).find((x) => x.id === ctx.params.group);
  if (!group) {
    return h('section', { class: 'page page--narrow page--case-file' },
      h('h1', { class: 'page__title' }, 'Раздел не найден'),
      notice('error', 'В личном кабинете нет такого раздела обращений.'));
  }
  const offer = ctx.query.get('offer');
  const answer = await caseKinds({ offer, signal: ctx.signal });
  const kinds = (Array.isArray(answer && answer.kinds) ? answer.kinds : []).filter((k) => k.group === group.id);
  const heading = h('h1', { class: 'page__title' }, fileLabel(group));
  const listGroup = caseGroups(ctx.tenant).find((g) => g.id === listGroupOf(ctx.tenant, group.id));
  const back = listGroup ? h('p', { class: 'page__links' }, h('a', { href: ctx.router.href(listRoute(listGroup.id)) }, listLabel(listGroup))) : null;
  if (!kinds.length) {
    return h('section', { class: 'page page--narrow page--case-file' }, heading,
      notice('info', 'Подать обращение этого вида из личного кабинета нельзя. Обратитесь в сетевую организацию.'), back);
  }

  const page = h('section', { class: 'page page--narrow page--case-file' }, heading);
  const host = h('div', { class: 'case-form__kind' });
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const button = h('button', { type: 'submit', class: 'btn btn--primary case-submit' }, 'Сохранить');
  const kindId = uid('case-kind');
  const kindError = h('p', { class: 'field-error', id: `${kindId}-error`, 'aria-live': 'polite' });
  const only = kinds.length === 1 ? kinds[0] : null;
  const select = h('select', { id: kindId, name: 'kind', class: 'input select case-kind', 'aria-describedby': `${kindId}-error`, 'aria-required': 'true', onChange: () => choose(select.value) },
    only ? null : h('option', { value: '' }, group.kind_placeholder || '— выберите —'),
    kinds.map((k) => h('option', { value: k.id }, k.label)));
  const kindField = h('div', { class: 'field', dataset: { field: 'kind' } },
    h('label', { class: 'field-label', for: kindId }, group.kind_label || 'Вид обращения', h('span', { class: 'field-required', 'aria-hidden': 'true' }, ' *')),
    select, kindError);

  let kind = null;
  let form = null;
  let docs = null;
  const kindPart = {
    validate() {
      const msg = kind ? null : `Выберите: ${(group.kind_label || 'вид обращения').toLowerCase()}`;
      kindError.textContent = msg || '';
      select.toggleAttribute('aria-invalid', Boolean(msg));
      return msg ? { kind: msg } : {};
    },
    setErrors(fields) {
      const { kind: reason, ...rest } = fields || {};
      if (reason) { kindError.textContent = String(reason); select.setAttribute('aria-invalid', 'true'); }
      return rest;
    },
    focusFirstError() { if (select.getAttribute('aria-invalid') === 'true') { select.focus(); return true; } return false; },
  };
  let combined = kindPart;

  function choose(id) {
    kind = kinds.find((k) => k.id === id) || null;
    kindError.textContent = '';
    select.removeAttribute('aria-invalid');
    status.replaceChildren();
    if (!kind) { host.replaceChildren(); form = null; docs = null; combined = kindPart; return; }
    const values = {};
    for (const f of kind.form || []) if (f.value !== undefined && f.value !== null) values[f.name] = f.value;
    form = createForm({ fields: kind.form || [] }, { idPrefix: uid('case-form'), values, loadDictionary: getDictionary });
    docs = documentInputs((kind.documents || []).filter((d) => !d.by || d.by === 'consumer'));
    combined = combineForms(kindPart, form, docs);
    mount(host, kind.about ? h('p', { class: 'muted' }, kind.about) : null, form.element, kindPrintable(kind) ? printBar() : null, docs.element);
  }
  // «Распечатать заявление»: the filled form checked (the documents not yet), its PDF saved under the kind's name.
  function printBar() {
    const printStatus = h('div', { class: 'form-status', 'aria-live': 'polite' });
    const file = h('p', { class: 'case-print-file-wrap' });
    const button = h('button', { type: 'button', class: 'btn btn--secondary case-print-form' }, 'Распечатать заявление');
    const onlyForm = combineForms(kindPart, form);
    let url = null;
    button.addEventListener('click', submitter({
      button, status: printStatus, signal: ctx.signal, form: onlyForm, busyText: 'Подготовка…',
      send: () => printKind(kind.id, form.values(), { signal: ctx.signal }),
      done(pdf) {
        if (url) URL.revokeObjectURL(url);
        url = URL.createObjectURL(pdf);
        const name = `${kind.label}.pdf`;
        const a = h('a', { class: 'case-print-file', href: url, download: name }, `Скачать «${name}»`);
        mount(file, a, ' ', h('span', { class: 'muted' }, 'Распечатайте заявление, подпишите его и приложите скан ниже.'));
        a.click();
      },
    }));
    return h('div', { class: 'case-print-bar card' },
      h('p', null, 'Заполните форму и распечатайте заявление: подписанный скан заявления прикладывается к заявке.'),
      button, printStatus, file);
  }
  // One kind, or the kind an offer names (?kind=), is chosen at once.
  const wanted = only || kinds.find((k) => k.id === ctx.query.get('kind'));
  if (wanted) { select.value = wanted.id; choose(wanted.id); }

  const onSubmit = submitter({
    button,
    status,
    signal: ctx.signal,
    busyText: 'Сохранение…',
    get form() { return combined; },
    send() {
      const plain = { kind: kind.id };
      if (offer) plain.parent = offer; // the invitation answered: the case is linked to the one that invited it
      return api.post('cases', caseBody(plain, form.values(), docs.files()), { signal: ctx.signal });
    },
    done(created) {
      const text = created.message || `Обращение зарегистрировано. Регистрационный номер ${created.number_text || created.number}.`;
      mount(page, heading,
        h('div', { class: 'case-result' },
          notice('success', h('strong', { class: 'case-result__message' }, text)),
          h('p', { class: 'page__links' },
            h('a', { class: 'btn btn--primary case-result__link', href: ctx.router.href(caseRoute(created.id)) }, 'Открыть обращение'),
            listGroup ? h('a', { class: 'btn btn--secondary', href: ctx.router.href(listRoute(listGroup.id)) }, listLabel(listGroup)) : null,
            h('a', { class: 'btn btn--ghost', href: ctx.router.href(`cases/new/${encodeURIComponent(group.id)}`) }, 'Подать ещё'))));
      page.querySelector('.case-result__message').focus?.();
    },
  });
  page.append(
    h('form', { class: 'form case-form', novalidate: true, onSubmit }, kindField, host, status,
      h('div', { class: 'form-actions' }, button,
        listGroup ? h('a', { class: 'btn btn--ghost', href: ctx.router.href(listRoute(listGroup.id)) }, 'Отмена') : null)));
  return page;
}
