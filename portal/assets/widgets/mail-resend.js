// «Отправить письмо повторно» for an account whose e-mail link is still to be opened: a button that asks
// for a new link (POST confirm/email/resend with the pending token) and a line that says what happened,
// counting down while the server asks to wait; or, where no token is known (the login page, an expired
// link), a small form asking for the address.

import { api, ApiError } from '../core/api.js';
import { createForm } from './forms.js';
import { submitter } from './submit.js';
import { h, mount, notice, countdown } from '../core/ui.js';

/**
 * The button and its status line. sentText: what the line says once the mail is sent; className: extra
 * classes of the button. Nothing is sent twice while a request is under way.
 */
export function createMailResend(ctx, pendingToken, { sentText = 'Письмо отправлено ещё раз.', className = '' } = {}) {
  const status = h('p', { class: 'field-hint resend-status', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: `btn btn--secondary ${className}`.trim() }, 'Отправить письмо повторно');
  button.addEventListener('click', submitter({
    button,
    signal: ctx.signal,
    busyText: 'Отправка…',
    check: () => { status.textContent = ''; return true; },
    send: () => api.post('confirm/email/resend', { pending_token: pendingToken }, { signal: ctx.signal }),
    done: () => { status.textContent = sentText; },
    failed(err) {
      if (!(err instanceof ApiError && err.isThrottled)) {
        status.textContent = err.message || 'Не удалось отправить письмо.';
        return true;
      }
      button.disabled = true;
      countdown(err.retryAfter ?? 60, {
        signal: ctx.signal,
        onTick: (left) => { status.textContent = `Отправить письмо повторно можно через ${left} с`; },
        onDone: () => { button.disabled = false; status.textContent = ''; },
      });
      return true;
    },
  }));
  return { button, status };
}

/**
 * A small form «Отправить письмо повторно» by e-mail: POST confirm/email/resend {email}.
 * The answer never says whether the address is known.
 */
export function resendForm(ctx, email = '') {
  const form = createForm({
    fields: [{ name: 'email', label: 'Адрес электронной почты, указанный при регистрации', type: 'email', required: true }],
  }, { idPrefix: 'resend', values: { email } });
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const button = h('button', { type: 'submit', class: 'btn btn--secondary' }, 'Отправить письмо повторно');
  let stop = null;
  const onSubmit = submitter({
    button,
    signal: ctx.signal,
    form,
    status,
    send: () => api.post('confirm/email/resend', { email: form.values().email }, { signal: ctx.signal }),
    done: () => mount(status, notice('success', h('strong', null, 'Письмо отправлено'),
      h('p', null, 'Если учётная запись с этим адресом ожидает подтверждения, на него придёт новое письмо со ссылкой. Проверьте и папку «Спам».'))),
    failed(err) {
      if (err instanceof ApiError && err.isThrottled) {
        const text = h('span', null);
        mount(status, notice('info', text));
        button.disabled = true;
        if (stop) stop();
        stop = countdown(err.retryAfter ?? 60, {
          signal: ctx.signal,
          onTick: (left) => { text.textContent = `Письмо уже отправлено недавно. Повторная отправка будет доступна через ${left} с.`; },
          onDone: () => { button.disabled = false; status.replaceChildren(); },
        });
        return true;
      }
      if (err instanceof ApiError && Object.keys(err.fields).length) {
        form.setErrors(err.fields);
        form.focusFirstError();
      } else {
        mount(status, notice('error', err.message || 'Не удалось отправить письмо.'));
      }
      return true;
    },
  });
  return h('form', { class: 'inline-form resend-form', novalidate: true, onSubmit },
    form.element, status, h('div', { class: 'form-actions' }, button));
}
