// Registration of a consumer. The form (applicant kinds, their fields,
// consents, password policy) comes from the tenant's rules on the server:
//   GET  {api}/forms/registration
//   POST {api}/registration  {kind, fields, consents}
//     → 201 {user, confirmations, pending_token, message}; 422 / 409 with fields
// What follows depends on the tenant's confirmations:
//   "email" — a link in the mail (POST {api}/confirm/email/resend {pending_token} sends it again);
//   "phone" — a 6-digit SMS code: POST {api}/confirm/phone {pending_token, code},
//             POST {api}/confirm/phone/resend {pending_token} (429 with retry_after in the cool-down).
// The pending registration is kept in sessionStorage of this tab, so a
// reload while waiting for the SMS does not lose the code entry.

import { api, getDictionary, ApiError, tenantId } from '../core/api.js';
import { createForm } from '../widgets/forms.js';
import { createConsents } from '../widgets/consents.js';
import { createChoice } from '../widgets/choice.js';
import { createCodeEntry } from '../widgets/code-entry.js';
import { createMailResend } from '../widgets/mail-resend.js';
import { h, mount, notice } from '../core/ui.js';
import { loadSession, displayName } from '../core/session.js';
import { formatPhone } from '../core/format.js';
import { sendForm } from '../widgets/submit.js';

export const title = 'Регистрация';

/** Asks the server to check the data against the tenant's rules: 200 {ok: true} or 422 with fields. */
export function validateRegistration(payload, options) {
  return api.post('forms/registration/validate', payload, options);
}

/** Creates the account: 201 {user, confirmations, pending_token, message}. */
export function registerAccount(payload, options) {
  return api.post('registration', payload, options);
}

const STORE_KEY = () => `kabinet.registration.${tenantId() || 'default'}`;

function loadPending() {
  try {
    const raw = sessionStorage.getItem(STORE_KEY());
    const p = raw ? JSON.parse(raw) : null;
    return p && typeof p === 'object' && p.pending_token ? p : null;
  } catch {
    return null;
  }
}

function savePending(p) {
  try {
    if (p) sessionStorage.setItem(STORE_KEY(), JSON.stringify(p));
    else sessionStorage.removeItem(STORE_KEY());
  } catch {
    // Storage is off: the result stays on screen until the page is left.
  }
}

function loginLabels(kind) {
  return (kind.fields || []).filter((f) => f.login).map((f) => f.label);
}

/**
 * «Вход по: …» under each applicant kind — only where the kinds log in differently (ВОЭК: СНИЛС / ОГРНИП /
 * ОГРН); one login for all (ВГЭС: «Имя пользователя») is said once, at its field.
 */
function loginHints(kinds) {
  const distinct = new Set(kinds.map((k) => loginLabels(k).join('|')));
  return (kind) => {
    const logins = loginLabels(kind);
    return distinct.size > 1 && logins.length ? `Вход по: ${logins.join(', ')}` : null;
  };
}

function listRest(rest, labelOf) {
  const entries = Object.entries(rest || {});
  if (!entries.length) return null;
  return h('ul', { class: 'notice__list' },
    entries.map(([key, msg]) => h('li', null, labelOf(key) ? `${labelOf(key)}: ${msg}` : String(msg))));
}

export async function render(ctx) {
  const definition = await api.get('forms/registration', { signal: ctx.signal });
  const policy = definition.password_policy && typeof definition.password_policy === 'object' ? definition.password_policy : null;
  const kinds = (Array.isArray(definition.kinds) ? definition.kinds : []).map((k) => ({
    ...k,
    fields: (k.fields || []).map((f) => (f.type === 'password' && policy ? { ...f, policy } : f)),
  }));

  const heading = h('h1', { class: 'page__title', id: 'register-title', tabindex: '-1' }, 'Регистрация');
  // The tenant's own words for a registration that did not go through.
  const failedText = (definition.messages && definition.messages.registration_failed) || 'Проверьте правильность заполнения полей';
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
  const submit = h('button', { type: 'submit', class: 'btn btn--primary btn--lg' }, 'Зарегистрироваться');

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
      showStatus('error', h('strong', { class: 'registration-failed' }, failedText),
        h('p', null, 'Исправьте ошибки, указанные у полей.'));
      if (!form.focusFirstError()) consents.focusFirstError();
      return;
    }

    const payload = {
      kind: kind.id,
      fields: form.values(),
      consents: consents.element ? consents.checked() : [],
    };
    await sendForm({
      button: submit,
      signal: ctx.signal,
      busyText: 'Регистрация…',
      send: async () => {
        const answer = await registerAccount(payload, { signal: ctx.signal });
        const pending = {
          pending_token: answer && answer.pending_token,
          confirmations: Array.isArray(answer && answer.confirmations) ? answer.confirmations : [],
          state: answer && answer.user ? answer.user.state : null,
          message: (answer && answer.message) || '',
          kind: kind.id,
          email: payload.fields.email || null,
          phone: payload.fields.phone || null,
        };
        if (pending.pending_token && pending.state !== 'active') savePending(pending);
        mount(page, resultView(ctx, pending, () => { savePending(null); ctx.router.navigate('register', { replace: true }); }));
        const focusTarget = page.querySelector('.registration-result__title');
        if (focusTarget) focusTarget.focus();
      },
      failed(err) {
        if (err instanceof ApiError && Object.keys(err.fields).length) {
          form.clearErrors();
          if (consents.element) consents.clearErrors();
          let rest = form.setErrors(err.fields, 'server');
          if (consents.element) rest = consents.setErrors(rest);
          // The server words a refused registration as the tenant says (messages.registration_failed).
          showStatus('error', h('strong', { class: 'registration-failed' }, err.message || failedText), listRest(rest, labelOf),
            err.status === 409
              ? h('p', null, 'Если это ваша учётная запись, ',
                h('a', { href: ctx.router.href(`login?kind=${encodeURIComponent(kind.id)}`) }, 'войдите'), ' или ',
                h('a', { href: ctx.router.href('password/reset') }, 'восстановите пароль'), '.')
              : null);
          if (!form.focusFirstError()) consents.focusFirstError();
        } else {
          showStatus('error', h('strong', null, err.message || 'Не удалось отправить данные. Повторите попытку.'));
        }
        return true;
      },
    });
  }

  const loginHint = loginHints(kinds);
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

  const page = h('section', { class: 'page page--form page--register' });
  const waiting = loadPending();
  if (waiting) {
    mount(page, resultView(ctx, waiting, () => { savePending(null); ctx.router.navigate('register', { replace: true }); }));
    return page;
  }
  mount(page,
    heading,
    h('p', { class: 'lead' },
      `Создайте учётную запись в личном кабинете ${ctx.tenant.short_name || ctx.tenant.name}. `,
      'Поля, отмеченные звёздочкой (*), обязательны для заполнения.'),
    formEl,
  );
  return page;
}

function loginHref(ctx, p) {
  return ctx.router.href(p.kind ? `login?kind=${encodeURIComponent(p.kind)}` : 'login');
}

/**
 * What comes after a successful registration: the server's message and the
 * next step — the mail, the SMS code, or the way in.
 * @param {object} p  {pending_token, confirmations, state, message, kind, email, phone}
 * @param {() => void} restart  forgets this registration and shows the empty form
 */
function resultView(ctx, p, restart) {
  const confirmations = p.confirmations || [];
  // After a reload: what is still to confirm (known once the phone was confirmed here).
  const left = Array.isArray(p.remaining) ? p.remaining : confirmations;
  const needsEmail = confirmations.includes('email');
  const needsPhone = confirmations.includes('phone');
  const steps = [];
  const outcome = h('div', { class: 'registration-result__outcome', 'aria-live': 'polite' });
  if (needsPhone && !left.includes('phone')) {
    mount(outcome, notice('info', h('strong', null, 'Номер телефона подтверждён'),
      h('p', null, 'Осталось подтвердить адрес электронной почты: откройте письмо и перейдите по ссылке из него.')));
  }

  if (needsEmail) steps.push(emailStep(ctx, p));
  if (needsPhone && left.includes('phone')) {
    steps.push(phoneStep(ctx, p, (answer) => {
      p.state = answer && answer.state;
      p.remaining = Array.isArray(answer && answer.remaining) ? answer.remaining : [];
      if (p.state === 'active' || !p.remaining.length) {
        savePending(null);
        mount(outcome, notice('success', h('strong', null, 'Регистрация завершена'),
          h('p', null, 'Учётная запись подтверждена. Теперь вы можете войти в личный кабинет.'),
          h('p', null, h('a', { class: 'btn btn--primary', href: loginHref(ctx, p) }, 'Войти'))));
      } else {
        savePending(p);
        mount(outcome, notice('info', h('strong', null, 'Номер телефона подтверждён'),
          p.remaining.includes('email')
            ? h('p', null, 'Осталось подтвердить адрес электронной почты: откройте письмо и перейдите по ссылке из него.')
            : h('p', null, 'Осталось завершить подтверждение учётной записи.')));
      }
    }));
  }

  const nothingToConfirm = !needsEmail && !needsPhone;
  if (nothingToConfirm) {
    // No confirmations: the account is active. The server may have logged the person in already.
    loadSession({ force: true }).then((user) => {
      if (ctx.signal.aborted) return;
      mount(outcome, user
        ? notice('success', h('p', null, `Вы вошли в личный кабинет как ${displayName(user)}.`),
          h('p', null, h('a', { class: 'btn btn--primary', href: ctx.router.href('profile') }, 'Перейти в профиль')))
        : notice('info', h('p', null, 'Теперь вы можете войти в личный кабинет с указанными логином и паролем.'),
          h('p', null, h('a', { class: 'btn btn--primary', href: loginHref(ctx, p) }, 'Войти'))));
    }, () => {
      if (ctx.signal.aborted) return;
      mount(outcome, h('p', null, h('a', { class: 'btn btn--primary', href: loginHref(ctx, p) }, 'Войти')));
    });
  }

  return h('div', { class: 'registration-result' },
    h('h1', { class: 'page__title registration-result__title', tabindex: '-1' },
      nothingToConfirm ? 'Регистрация выполнена' : 'Регистрация почти завершена'),
    notice('success', p.message
      ? h('p', { class: 'registration-result__message' }, p.message)
      : h('strong', null, 'Учётная запись создана')),
    steps,
    outcome,
    h('div', { class: 'form-actions registration-result__actions' },
      nothingToConfirm ? null : h('a', { class: 'link', href: loginHref(ctx, p) }, 'Уже подтвердили? Войти'),
      h('button', { type: 'button', class: 'btn btn--ghost', onClick: restart }, 'Зарегистрировать другую учётную запись'),
    ),
  );
}

function emailStep(ctx, p) {
  const { button, status } = createMailResend(ctx, p.pending_token);
  return h('section', { class: 'card step', dataset: { step: 'email' }, 'aria-labelledby': 'step-email-title' },
    h('h2', { class: 'section-title', id: 'step-email-title' }, 'Подтвердите адрес электронной почты'),
    h('p', null, p.email
      ? ['Мы отправили письмо на адрес ', h('strong', { class: 'nowrap' }, p.email), '. Откройте его и перейдите по ссылке, чтобы активировать учётную запись.']
      : 'Мы отправили письмо на адрес, указанный при регистрации. Откройте его и перейдите по ссылке, чтобы активировать учётную запись.'),
    h('p', { class: 'muted' }, 'Письма нет несколько минут? Проверьте папку «Спам» или отправьте письмо ещё раз.'),
    h('div', { class: 'form-actions' }, button),
    status,
  );
}

function phoneStep(ctx, p, onConfirmed) {
  const body = h('div');
  const entry = createCodeEntry({
    idPrefix: 'confirm-phone',
    label: 'Код из SMS',
    hint: 'Шесть цифр; код действует 10 минут',
    submitText: 'Подтвердить номер',
    signal: ctx.signal,
    submit: (code, options) => api.post('confirm/phone', { pending_token: p.pending_token, code }, options),
    resend: (options) => api.post('confirm/phone/resend', { pending_token: p.pending_token }, options),
    onSuccess: (answer) => {
      mount(body, notice('success', h('strong', null, 'Номер телефона подтверждён')));
      onConfirmed(answer);
    },
  });
  mount(body,
    h('p', null, p.phone
      ? ['Мы отправили SMS с кодом на номер ', h('strong', { class: 'nowrap' }, formatPhone(p.phone)), '. Введите код, чтобы подтвердить номер.']
      : 'Мы отправили SMS с кодом на номер, указанный при регистрации. Введите код, чтобы подтвердить номер.'),
    entry.element);
  return h('section', { class: 'card step', dataset: { step: 'phone' }, 'aria-labelledby': 'step-phone-title' },
    h('h2', { class: 'section-title', id: 'step-phone-title' }, 'Подтвердите номер телефона'),
    body,
  );
}
