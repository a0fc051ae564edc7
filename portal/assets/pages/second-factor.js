// The second factor: totpSetupView() is the set-up of an authenticator app
// (QR code, key), used by the profile page; the page itself is the second
// step of a login with a second factor:
//   POST {api}/session/second-factor {challenge, code} → {user, csrf}
//     401 invalid_code, 410 the challenge expired, 429 throttled.
// The code is an SMS code, a code of the authenticator app (TOTP) or one of
// the recovery codes. The challenge comes from the login page and is kept in
// memory only: after a reload the person logs in again.

import { api, ApiError } from '../core/api.js';
import { createForm } from '../widgets/forms.js';
import { h, mount, notice, countdown } from '../core/ui.js';
import { getPendingLogin, setPendingLogin, setSession, safeNext, withNext } from '../core/session.js';
import { sendForm, submitter } from '../widgets/submit.js';

export const title = 'Подтверждение входа';

const CODE_FIELD = {
  sms: { name: 'code', label: 'Код из SMS', type: 'code', required: true, hint: 'Шесть цифр из сообщения, отправленного на ваш номер телефона' },
  totp: { name: 'code', label: 'Код из приложения', type: 'code', required: true, hint: 'Шесть цифр из приложения-аутентификатора (Яндекс Ключ, Google Authenticator и т. п.)' },
  recovery: { name: 'code', label: 'Резервный код', type: 'text', required: true, autocomplete: 'off', hint: 'Один из резервных кодов, сохранённых при включении двухфакторной аутентификации; каждый код действует один раз' },
};

export function render(ctx) {
  const pending = getPendingLogin();
  const heading = h('h1', { class: 'page__title', id: 'second-factor-title', tabindex: '-1' }, 'Подтверждение входа');
  if (!pending || !pending.challenge) {
    return h('section', { class: 'page page--narrow page--second-factor' }, heading,
      h('div', { class: 'card' },
        notice('info', 'Время ожидания кода истекло или страница была обновлена. Войдите ещё раз.'),
        h('p', { class: 'actions' }, h('a', { class: 'btn btn--primary', href: ctx.router.href('login') }, 'Ко входу'))));
  }
  const method = pending.method === 'totp' ? 'totp' : 'sms';
  const next = safeNext(pending.next || ctx.query.get('next'));
  let mode = method;            // 'sms' | 'totp' | 'recovery'
  let form = null;
  let stopWait = null;
  let stopResend = null;

  const fieldsHost = h('div');
  const statusHost = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const lead = h('p', { class: 'lead' });
  const submit = h('button', { type: 'submit', class: 'btn btn--primary btn--lg' }, 'Войти');
  const toggle = h('button', { type: 'button', class: 'btn btn--ghost second-factor__toggle', onClick: () => showMode(mode === 'recovery' ? method : 'recovery') });
  const resend = method === 'sms'
    ? h('button', { type: 'button', class: 'btn btn--secondary second-factor__resend', onClick: onResend }, 'Отправить код повторно')
    : null;
  const resendStatus = h('p', { class: 'field-hint resend-status', 'aria-live': 'polite' });

  function showMode(m) {
    mode = m;
    form = createForm({ fields: [CODE_FIELD[m]] }, { idPrefix: 'second-factor' });
    mount(fieldsHost, form.element);
    lead.textContent = m === 'sms'
      ? 'Мы отправили код подтверждения в SMS на номер телефона из вашего профиля. Введите его, чтобы войти.'
      : m === 'totp'
        ? 'Откройте приложение-аутентификатор и введите код, который оно показывает для личного кабинета.'
        : 'Если телефон недоступен, введите один из резервных кодов.';
    toggle.textContent = m === 'recovery' ? (method === 'sms' ? 'Ввести код из SMS' : 'Ввести код из приложения') : 'Использовать резервный код';
    if (resend) resend.hidden = m === 'recovery';
    statusHost.replaceChildren();
  }

  function expired(message) {
    setPendingLogin(null);
    mount(statusHost, notice('error', h('strong', null, message || 'Время на ввод кода истекло'),
      h('p', null, 'Войдите ещё раз, чтобы получить новый код.'),
      h('p', null, h('a', { class: 'btn btn--primary', href: ctx.router.href(withNext('login', next)) }, 'Ко входу'))));
    submit.disabled = true;
    if (resend) resend.disabled = true;
  }

  function wait(seconds, button, write) {
    button.disabled = true;
    return countdown(seconds, {
      signal: ctx.signal,
      onTick: (left) => write(left),
      onDone: () => { button.disabled = false; write(null); },
    });
  }

  const onSubmit = submitter({
    button: submit,
    signal: ctx.signal,
    get form() { return form; }, // a new one for each way of confirming
    status: statusHost,
    busyText: 'Проверка…',
    send: () => api.post('session/second-factor', { challenge: pending.challenge, code: form.values().code }, { signal: ctx.signal }),
    done(answer) {
      setPendingLogin(null);
      setSession(answer);
      ctx.router.navigate(next);
    },
    failed(err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.status === 410) {
        expired(err.message);
        submit.disabled = true; // the challenge is gone
      } else if (err.isThrottled) {
        const strong = h('strong', null);
        mount(statusHost, notice('error', strong));
        if (stopWait) stopWait();
        stopWait = wait(err.retryAfter ?? 60, submit, (left) => {
          if (left === null) statusHost.replaceChildren();
          else strong.textContent = `Слишком много попыток. Повторите через ${left} с`;
        });
      } else if (err.isWrongCredentials || err.isValidation) {
        form.setError('code', (err.fields && err.fields.code) || err.message || 'Неверный код');
        form.focusFirstError();
      } else {
        mount(statusHost, notice('error', err.message || 'Не удалось проверить код.'));
      }
      return true;
    },
  });

  // A new SMS code: the login is sent again with the same credentials, which gives a new challenge.
  async function onResend() {
    if (!resend || resend.disabled || typeof pending.resend !== 'function') return;
    resendStatus.textContent = '';
    let retry = null;
    await sendForm({
      button: resend,
      signal: ctx.signal,
      busyText: 'Отправка…',
      send: async () => {
        const answer = await pending.resend({ signal: ctx.signal });
        if (answer && answer.challenge) {
          pending.challenge = answer.challenge;
          resendStatus.textContent = 'Новый код отправлен. Предыдущий код больше не действует.';
        } else if (answer && answer.user) {
          setPendingLogin(null);
          setSession(answer);
          ctx.router.navigate(next);
        }
      },
      failed(err) {
        if (err instanceof ApiError && err.isThrottled) retry = err.retryAfter ?? 60;
        else resendStatus.textContent = err.message || 'Не удалось отправить код.';
        return true;
      },
    });
    if (retry !== null) {
      if (stopResend) stopResend();
      stopResend = wait(retry, resend, (left) => {
        resendStatus.textContent = left === null ? '' : `Отправить код повторно можно через ${left} с`;
      });
    }
  }

  showMode(method);

  return h('section', { class: 'page page--narrow page--second-factor' },
    heading,
    lead,
    h('form', { class: 'card second-factor-form', novalidate: true, 'aria-labelledby': 'second-factor-title', onSubmit },
      fieldsHost,
      statusHost,
      h('div', { class: 'form-actions' }, submit, resend, toggle),
      resend ? resendStatus : null,
    ),
    h('p', { class: 'aside-link' }, h('a', { href: ctx.router.href('login') }, 'Войти под другой учётной записью')),
  );
}
