// Sign-in: the tenant's login identifier (per applicant kind) and password;
// the utility's staff log in by e-mail in every tenant («Вход для сотрудников», kind "staff").
//   POST {api}/session {login, password, remember, kind?}
//     → {user, csrf}                      logged in
//     → {second_factor, challenge}        a code is needed: login/second-factor
//     401 invalid_credentials, 429 too_many_attempts {retry_after},
//     403 not_confirmed {remaining, pending_token, code_sent, phone?, email?}: the confirmations left are
//       finished here — POST {api}/confirm/phone {pending_token, code}, POST {api}/confirm/phone/resend
//       {pending_token}, POST {api}/confirm/email/resend {pending_token} — then the login is sent again.

import { api, ApiError, tenantId } from '../core/api.js';
import { createForm } from '../widgets/forms.js';
import { createChoice } from '../widgets/choice.js';
import { h, mount, notice, countdown } from '../core/ui.js';
import { setSession, setPendingLogin, currentUser, displayName, takeFlash, safeNext, withNext } from '../core/session.js';
import { createCodeEntry } from '../widgets/code-entry.js';
import { createMailResend, resendForm } from '../widgets/mail-resend.js';
import { formatPhone } from '../core/format.js';
import { sendForm } from '../widgets/submit.js';

export const title = 'Вход';

const CONFIRMATION_NAMES = {
  email: 'адрес электронной почты (по ссылке из письма)',
  phone: 'номер телефона (кодом из SMS)',
};

/** Login field types the form knows; anything else is typed as free text. */
const LOGIN_TYPES = new Set(['text', 'email', 'phone', 'snils', 'inn', 'inn10', 'inn12', 'ogrn', 'ogrnip']);

/**
 * The applicant kinds to choose between at login: several only when their
 * login fields differ (ВОЭК: СНИЛС / ОГРНИП / ОГРН); one login field for all
 * (ВГЭС: «Имя пользователя») needs no choice.
 */
export function loginKinds(tenant) {
  const kinds = (Array.isArray(tenant.applicant_kinds) ? tenant.applicant_kinds : [])
    .filter((k) => k && k.id && k.login && k.login.name);
  const distinct = new Set(kinds.map((k) => `${k.login.name}|${k.login.type}|${k.login.label}`));
  return { kinds, choose: kinds.length > 1 && distinct.size > 1 };
}

function loginField(kind) {
  const login = (kind && kind.login) || {};
  return {
    name: 'login',
    label: login.label || 'Логин',
    type: LOGIN_TYPES.has(login.type) ? login.type : 'text',
    required: true,
    autocomplete: 'username',
    placeholder: login.type === 'email' ? 'name@example.ru' : null,
  };
}

// The applicant kind chosen at the last login in this browser (not a secret: ВОЭК asks it every time).
const KIND_KEY = () => `kabinet.loginKind.${tenantId() || 'default'}`;

function rememberedKind() {
  try { return localStorage.getItem(KIND_KEY()); } catch { return null; }
}

function rememberKind(id) {
  try { localStorage.setItem(KIND_KEY(), id); } catch { /* storage is off */ }
}

const PASSWORD_FIELD = { name: 'password', label: 'Пароль', type: 'password', required: true, current: true };

/** The login kind of the utility's staff: by e-mail, whatever the consumers' login identifiers are. */
export const STAFF_KIND = {
  id: 'staff',
  label: 'Сотрудник организации',
  login: { name: 'login', label: 'Адрес электронной почты', type: 'email' },
};

/** Sends the login; shared with the second-factor page (it asks for a new SMS code the same way). */
export function postSession(payload, options) {
  return api.post('session', payload, options);
}

export async function render(ctx) {
  const { kinds, choose } = loginKinds(ctx.tenant);
  const next = safeNext(ctx.query.get('next'));
  const flash = takeFlash();

  const heading = h('h1', { class: 'page__title', id: 'login-title', tabindex: '-1' }, 'Вход в личный кабинет');
  const user = currentUser();
  if (user) {
    return h('section', { class: 'page page--narrow page--login' }, heading,
      h('div', { class: 'card' },
        notice('info', `Вы уже вошли в личный кабинет как ${displayName(user)}.`),
        h('p', { class: 'actions' },
          h('a', { class: 'btn btn--primary', href: ctx.router.href(next) }, 'Продолжить'),
          h('a', { class: 'btn btn--ghost', href: ctx.router.href('profile') }, 'Профиль'),
        ),
      ));
  }

  const staff = ctx.query.get('kind') === STAFF_KIND.id;
  const requested = ctx.query.get('kind') || (choose ? rememberedKind() : null);
  let kind = staff ? STAFF_KIND : (kinds.find((k) => k.id === requested) || kinds[0] || null);
  const values = {};
  let form = null;
  let stopCountdown = null;

  const fieldsHost = h('div', { class: 'login-form__fields' });
  const statusHost = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const asideHost = h('div', { class: 'login-aside' });
  const remember = h('input', {
    type: 'checkbox', id: 'login-remember', name: 'remember', class: 'checkbox', 'aria-describedby': 'login-remember-hint',
  });
  const submit = h('button', { type: 'submit', class: 'btn btn--primary btn--lg' }, 'Войти');

  function showKind(next) {
    kind = next;
    if (values.login !== undefined && form && form.field('login') && next) {
      // A СНИЛС typed for one kind is no ОГРН for another: keep the password only.
      const before = form.field('login').field.type;
      if (before !== loginField(next).type) delete values.login;
    }
    form = createForm({ fields: [loginField(kind), PASSWORD_FIELD] }, { idPrefix: 'login', values });
    mount(fieldsHost, form.element);
  }

  function clearStatus() {
    if (stopCountdown) { stopCountdown(); stopCountdown = null; }
    statusHost.replaceChildren();
    asideHost.replaceChildren();
    submit.disabled = false;
  }

  function showStatus(kindOfMessage, ...content) {
    mount(statusHost, notice(kindOfMessage, ...content));
  }

  function throttled(err) {
    const seconds = err.retryAfter ?? 60;
    const strong = h('strong', null);
    showStatus('error', strong, h('p', null, 'Вход временно заблокирован после нескольких неудачных попыток.'));
    submit.disabled = true;
    stopCountdown = countdown(seconds, {
      signal: ctx.signal,
      onTick: (left) => { strong.textContent = `Слишком много попыток. Повторите через ${left} с`; },
      onDone: () => {
        stopCountdown = null;
        submit.disabled = false;
        showStatus('info', h('strong', null, 'Можно снова попробовать войти.'));
      },
    });
  }

  function notConfirmed(err, payload) {
    const body = err.body || {};
    const remaining = Array.isArray(body.remaining) ? body.remaining : [];
    const list = remaining.length
      ? h('ul', { class: 'notice__list' }, remaining.map((r) => h('li', null, CONFIRMATION_NAMES[r] || r)))
      : null;
    if (body.pending_token && remaining.length) {
      // The server's message says exactly what is left; the steps follow below the form.
      showStatus('error', h('strong', { class: 'login-not-confirmed' }, err.message || 'Учётная запись ещё не подтверждена'),
        h('p', null, remaining.includes('phone')
          ? 'Подтвердите ниже — после этого вход продолжится.'
          : 'Подтвердите ниже, затем войдите снова.'));
    } else {
      showStatus('error',
        h('strong', { class: 'login-not-confirmed' }, err.message || 'Учётная запись ещё не подтверждена'),
        h('p', null, remaining.length ? 'Чтобы войти, подтвердите:' : 'Чтобы войти, завершите подтверждение регистрации.'),
        list);
    }
    if (!body.pending_token) {
      const loginIsEmail = kind && kind.login && kind.login.type === 'email';
      mount(asideHost, h('section', { class: 'card card--aside', 'aria-labelledby': 'resend-title' },
        h('h2', { class: 'section-title', id: 'resend-title' }, 'Не пришло письмо?'),
        h('p', { class: 'muted' }, 'Ссылка для подтверждения действует ограниченное время. Укажите адрес — мы отправим новое письмо.'),
        resendForm(ctx, loginIsEmail ? form.rawValue('login') : '')));
      return;
    }
    // Finish here: the code from the SMS, a new mail link; then the same login again.
    const steps = [];
    if (remaining.includes('phone')) {
      steps.push(phoneStep(ctx, body, async (answer) => {
        const left = Array.isArray(answer && answer.remaining) ? answer.remaining : [];
        if ((answer && answer.state === 'active') || !left.length) {
          mount(statusHost, notice('success', h('strong', { class: 'login-confirmed' }, 'Номер телефона подтверждён. Выполняется вход…')));
          asideHost.replaceChildren();
          try {
            await signIn(payload);
          } catch (again) {
            if (ctx.signal.aborted) return;
            showStatus('error', h('strong', null, again.message || 'Не удалось войти. Повторите попытку.'));
          }
        } else {
          showStatus('info', h('strong', { class: 'login-confirmed' }, 'Номер телефона подтверждён'),
            h('p', null, 'Осталось подтвердить адрес электронной почты: откройте письмо и перейдите по ссылке из него, затем войдите.'));
          const phone = asideHost.querySelector('[data-step="phone"]');
          if (phone) phone.remove();
        }
      }));
    }
    if (remaining.includes('email')) steps.push(emailStep(ctx, body));
    mount(asideHost, h('div', { class: 'login-confirm' }, steps));
  }

  /** Sends the login and goes on: the second factor, or the page asked for. */
  async function signIn(payload) {
    const answer = await postSession(payload, { signal: ctx.signal });
    if (answer && answer.second_factor) {
      if (choose && kind && kind !== STAFF_KIND) rememberKind(kind.id);
      setPendingLogin({
        challenge: answer.challenge,
        method: answer.second_factor,
        next,
        resend: (options) => postSession(payload, options),
      });
      ctx.router.navigate(withNext('login/second-factor', next));
      return;
    }
    if (choose && kind && kind !== STAFF_KIND) rememberKind(kind.id);
    setSession(answer);
    ctx.router.navigate(next);
  }

  async function onSubmit(e) {
    e.preventDefault();
    if (submit.disabled) return;
    clearStatus();
    const clientErrors = form.validate();
    if (Object.keys(clientErrors).length) {
      showStatus('error', h('strong', null, 'Заполните поля для входа'));
      form.focusFirstError();
      return;
    }
    const fields = form.values();
    const payload = { login: fields.login, password: fields.password, remember: remember.checked };
    if ((choose || kind === STAFF_KIND) && kind) payload.kind = kind.id;
    await sendForm({
      button: submit,
      signal: ctx.signal,
      busyText: 'Вход…',
      send: () => signIn(payload),
      failed(err) {
        if (!(err instanceof ApiError)) throw err;
        if (err.isThrottled) {
          throttled(err);
        } else if (err.status === 403 && err.code === 'not_confirmed') {
          notConfirmed(err, payload);
        } else if (err.isWrongCredentials) {
          showStatus('error', h('strong', null, err.message || 'Неверный логин или пароль'),
            h('p', null, 'Проверьте раскладку клавиатуры и Caps Lock. Если вы не помните пароль, восстановите его.'));
          form.field('password').control.select();
          form.field('password').control.focus();
        } else if (Object.keys(err.fields).length) {
          const rest = form.setErrors(err.fields, 'server');
          const restText = Object.values(rest).map(String);
          showStatus('error', h('strong', null, err.message || 'Проверьте правильность заполнения полей'),
            restText.length ? h('ul', { class: 'notice__list' }, restText.map((t) => h('li', null, t))) : null);
          form.focusFirstError();
        } else {
          showStatus('error', h('strong', null, err.message || 'Не удалось войти. Повторите попытку.'));
        }
        return true;
      },
    });
  }

  const choice = choose && !staff
    ? createChoice({
      legend: 'Вы входите как',
      name: 'kind',
      idPrefix: 'login-kind',
      options: kinds.map((k) => ({ value: k.id, label: k.label, description: `Вход по: ${k.login.label}` })),
      value: kind.id,
      onChange: (id) => {
        const nextKind = kinds.find((k) => k.id === id);
        if (!nextKind) return;
        ctx.router.setQuery({ kind: id });
        clearStatus();
        showKind(nextKind);
      },
    })
    : null;

  showKind(kind);

  const formEl = h('form', { class: 'card login-form', novalidate: true, 'aria-labelledby': 'login-title', onSubmit },
    staff ? h('p', { class: 'login-form__staff' }, 'Вход для сотрудников организации: по адресу электронной почты, '
      + 'на который создана ваша учётная запись.') : null,
    choice,
    fieldsHost,
    h('div', { class: 'field field--checkbox', dataset: { field: 'remember' } },
      h('div', { class: 'checkbox-row' },
        remember,
        h('label', { for: 'login-remember' }, 'Запомнить меня')),
      h('p', { class: 'field-hint', id: 'login-remember-hint' }, 'Не выходить из личного кабинета после закрытия браузера. Не отмечайте на чужом компьютере.'),
    ),
    statusHost,
    h('div', { class: 'form-actions' },
      submit,
      h('a', { class: 'link', href: ctx.router.href('password/reset') }, 'Забыли пароль?'),
    ),
  );

  if (staff) heading.textContent = 'Вход для сотрудников';
  const otherWay = staff
    ? h('p', { class: 'aside-link login-switch' }, 'Вы потребитель? ',
      h('a', { href: ctx.router.href('login'), class: 'login-switch__consumer' }, 'Вход в личный кабинет потребителя'))
    : h('p', { class: 'aside-link login-switch' },
      h('a', { href: ctx.router.href(`login?kind=${STAFF_KIND.id}`), class: 'login-switch__staff' }, 'Вход для сотрудников'));

  return h('section', { class: 'page page--narrow page--login' },
    heading,
    flash ? notice(flash.kind, flash.text) : null,
    formEl,
    asideHost,
    staff ? null : h('p', { class: 'aside-link' }, 'Ещё не зарегистрированы? ',
      h('a', { href: ctx.router.href('register') }, 'Регистрация')),
    otherWay,
  );
}

/** The code from the SMS for an account still to be confirmed (login answered 403 with a pending token). */
function phoneStep(ctx, body, onConfirmed) {
  const phone = body.phone ? h('b', { class: 'nowrap' }, formatPhone(body.phone)) : 'указанный при регистрации';
  const entry = createCodeEntry({
    idPrefix: 'login-confirm-phone',
    label: 'Код из SMS',
    hint: 'Шесть цифр; код действует 10 минут',
    submitText: 'Подтвердить номер',
    signal: ctx.signal,
    submit: (code, options) => api.post('confirm/phone', { pending_token: body.pending_token, code }, options),
    resend: (options) => api.post('confirm/phone/resend', { pending_token: body.pending_token }, options),
    onSuccess: onConfirmed,
  });
  return h('section', { class: 'card step', dataset: { step: 'phone' }, 'aria-labelledby': 'login-step-phone-title' },
    h('h2', { class: 'section-title', id: 'login-step-phone-title' }, 'Подтвердите номер телефона'),
    h('p', null, body.code_sent
      ? ['Мы отправили SMS с кодом на номер ', phone, '. Введите код, чтобы подтвердить номер.']
      : ['Введите код из SMS, отправленного на номер ', phone, '. Если сообщения нет или код устарел, запросите новый код.']),
    entry.element);
}

/** A new mail link for an account whose e-mail is still to be confirmed. */
function emailStep(ctx, body) {
  const { button, status } = createMailResend(ctx, body.pending_token, { sentText: 'Письмо отправлено ещё раз. Перейдите по ссылке из него, затем войдите.', className: 'login-confirm__resend-mail' });
  return h('section', { class: 'card step', dataset: { step: 'email' }, 'aria-labelledby': 'login-step-email-title' },
    h('h2', { class: 'section-title', id: 'login-step-email-title' }, 'Подтвердите адрес электронной почты'),
    h('p', null, body.email
      ? ['Откройте письмо, отправленное на адрес ', h('b', { class: 'nowrap' }, body.email), ', и перейдите по ссылке из него. Затем войдите.']
      : 'Откройте письмо, отправленное на адрес, указанный при регистрации, и перейдите по ссылке из него. Затем войдите.'),
    h('p', { class: 'muted' }, 'Письма нет несколько минут? Проверьте папку «Спам» или отправьте письмо ещё раз.'),
    h('div', { class: 'form-actions' }, button),
    status);
}

