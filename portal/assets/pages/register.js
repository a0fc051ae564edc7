// Registration of a consumer. The form (applicant kinds, their fields,
// consents) comes from the tenant's rules on the server:
//   GET  {api}/forms/registration
//   POST {api}/forms/registration/validate  {kind, fields, consents}

import { api, getDictionary, ApiError } from '../api.js';
import { createForm, createConsents, createChoice, setBusy } from '../forms.js';
import { h, mount, notice } from '../ui.js';

export const title = 'Регистрация';

/** Asks the server to check the data against the tenant's rules: 200 {ok: true} or 422 with fields. */
export function validateRegistration(payload, options) {
  return api.post('forms/registration/validate', payload, options);
}

// Creating the account itself is the next step of the server API. Until it is
// there, a successful check ends the submission with a "data is correct"
// message; when it arrives, switch REGISTRATION_AVAILABLE on and point
// registerAccount() at the endpoint.
export const REGISTRATION_AVAILABLE = false;

/** Creates the account from a payload that passed validation. */
export function registerAccount(payload, options) {
  return api.post('registration', payload, options);
}

function loginHint(kind) {
  const logins = (kind.fields || []).filter((f) => f.login).map((f) => f.label);
  return logins.length ? `Вход по: ${logins.join(', ')}` : null;
}

function listRest(rest, labelOf) {
  const entries = Object.entries(rest || {});
  if (!entries.length) return null;
  return h('ul', { class: 'notice__list' },
    entries.map(([key, msg]) => h('li', null, labelOf(key) ? `${labelOf(key)}: ${msg}` : String(msg))));
}

export async function render(ctx) {
  const definition = await api.get('forms/registration', { signal: ctx.signal });
  const kinds = Array.isArray(definition.kinds) ? definition.kinds : [];

  const heading = h('h1', { class: 'page__title', id: 'register-title', tabindex: '-1' }, 'Регистрация');
  if (!kinds.length) {
    return h('section', { class: 'page page--narrow' }, heading,
      notice('info', 'Самостоятельная регистрация в личном кабинете сейчас недоступна. Обратитесь в сетевую организацию.'));
  }

  const requested = ctx.query.get('kind');
  let kind = kinds.find((k) => k.id === requested) || kinds[0];
  const values = {};               // what the person typed, kept when the kind changes
  const checkedConsents = new Set();
  let form = null;

  const fieldsHost = h('div', { class: 'reg-form__fields' });
  const statusHost = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const consents = createConsents(definition.consents, { idPrefix: 'reg-consent', checked: checkedConsents });
  const submit = h('button', { type: 'submit', class: 'btn btn--primary btn--lg' }, 'Отправить');

  function showKind(next) {
    kind = next;
    form = createForm(kind, {
      idPrefix: 'reg',
      values,
      loadDictionary: getDictionary,
      onChange: () => { if (statusHost.firstChild && statusHost.dataset.kind === 'success') clearStatus(); },
    });
    mount(fieldsHost, form.element);
    fieldsHost.dataset.kind = kind.id;
    clearStatus();
  }

  function clearStatus() {
    statusHost.replaceChildren();
    delete statusHost.dataset.kind;
  }

  function showStatus(kindOfMessage, ...content) {
    statusHost.dataset.kind = kindOfMessage;
    mount(statusHost, notice(kindOfMessage, ...content));
  }

  const labelOf = (key) => {
    if (key === 'kind') return 'Вид заявителя';
    const f = (kind.fields || []).find((x) => x.name === key);
    return f ? f.label : null;
  };

  async function onSubmit(e) {
    e.preventDefault();
    if (submit.disabled) return;
    clearStatus();

    const clientErrors = { ...form.validate(), ...(consents.element ? consents.validate() : {}) };
    if (Object.keys(clientErrors).length) {
      showStatus('error', h('strong', null, 'Проверьте правильность заполнения полей'),
        h('p', null, 'Исправьте ошибки, указанные у полей.'));
      if (!form.focusFirstError()) consents.focusFirstError();
      return;
    }

    const payload = {
      kind: kind.id,
      fields: form.values(),
      consents: consents.element ? consents.checked() : [],
    };
    setBusy(submit, true, 'Проверка…');
    try {
      await validateRegistration(payload, { signal: ctx.signal });
      if (REGISTRATION_AVAILABLE) {
        await registerAccount(payload, { signal: ctx.signal });
      }
      form.clearErrors();
      if (consents.element) consents.clearErrors();
      showStatus('success', h('strong', null, 'Данные заполнены верно'),
        h('p', null, 'Сервер проверил введённые сведения, ошибок не найдено.'));
    } catch (err) {
      if (ctx.signal.aborted) return;
      if (err instanceof ApiError && Object.keys(err.fields).length) {
        form.clearErrors();
        if (consents.element) consents.clearErrors();
        let rest = form.setErrors(err.fields, 'server');
        if (consents.element) rest = consents.setErrors(rest);
        showStatus('error', h('strong', null, err.message || 'Проверьте правильность заполнения полей'), listRest(rest, labelOf));
        if (!form.focusFirstError()) consents.focusFirstError();
      } else {
        showStatus('error', h('strong', null, err.message || 'Не удалось отправить данные. Повторите попытку.'));
      }
    } finally {
      setBusy(submit, false);
    }
  }

  const choice = kinds.length > 1
    ? createChoice({
      legend: 'Вид заявителя',
      name: 'kind',
      idPrefix: 'reg-kind',
      options: kinds.map((k) => ({ value: k.id, label: k.label, description: loginHint(k) })),
      value: kind.id,
      onChange: (id) => {
        const next = kinds.find((k) => k.id === id);
        if (!next) return;
        ctx.router.setQuery({ kind: id });
        showKind(next);
      },
    })
    : null;

  showKind(kind);

  const formEl = h('form', {
    class: 'card reg-form',
    novalidate: true,
    'aria-labelledby': 'register-title',
    onSubmit,
  },
  choice,
  kinds.length === 1 ? h('p', { class: 'reg-form__kind' }, kind.label) : null,
  fieldsHost,
  consents.element,
  statusHost,
  h('div', { class: 'form-actions' },
    submit,
    h('a', { class: 'link', href: ctx.router.href('login') }, 'Уже зарегистрированы? Войти'),
  ),
  );

  return h('section', { class: 'page page--form' },
    heading,
    h('p', { class: 'lead' },
      `Создайте учётную запись в личном кабинете ${ctx.tenant.short_name || ctx.tenant.name}. `,
      'Поля, отмеченные звёздочкой (*), обязательны для заполнения.'),
    formEl,
  );
}
