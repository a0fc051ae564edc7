// A form for a one-time code (6 digits from an SMS or an authenticator app)
// with «Отправить код повторно». Used to confirm the phone after
// registration and to switch the SMS second factor on in the profile.
//
// Server answers it understands: 422 with fields.code (wrong code, shown
// beside the field), 410 (the code is used up: o.onExpired), 429 with
// retry_after (a countdown before the next try).

import { ApiError } from '../core/api.js';
import { createForm } from './forms.js';
import { submitter } from './submit.js';
import { h, mount, notice, countdown } from '../core/ui.js';

/**
 * @param {object} o
 * @param {string} o.idPrefix
 * @param {string} [o.label]        the field's label (default «Код из SMS»)
 * @param {string} [o.hint]
 * @param {string} [o.submitText]
 * @param {(code: string, options: {signal}) => Promise<any>} o.submit   sends the code
 * @param {(answer: any) => void} o.onSuccess
 * @param {(options: {signal}) => Promise<any>} [o.resend]             asks for a new code
 * @param {(err: ApiError) => void} [o.onExpired]                      410: a new code is needed
 * @param {AbortSignal} o.signal   the page's signal
 * @returns {{element: HTMLFormElement, focus: () => void, startCooldown: (seconds: number) => void}}
 */
export function createCodeEntry(o) {
  const form = createForm({
    fields: [{
      name: 'code',
      label: o.label || 'Код из SMS',
      type: 'code',
      required: true,
      hint: o.hint || 'Шесть цифр из сообщения',
    }],
  }, { idPrefix: o.idPrefix });
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn--primary' }, o.submitText || 'Подтвердить');
  const resendButton = o.resend
    ? h('button', { type: 'button', class: 'btn btn--secondary code-entry__resend', onClick: (e) => onResend(e) }, 'Отправить код повторно')
    : null;
  const resendStatus = h('p', { class: 'field-hint resend-status', 'aria-live': 'polite' });
  let stopSubmitWait = null;
  let stopResendWait = null;

  function startCooldown(seconds) {
    if (!resendButton) return;
    if (stopResendWait) stopResendWait();
    resendButton.disabled = true;
    stopResendWait = countdown(seconds, {
      signal: o.signal,
      onTick: (left) => { resendStatus.textContent = `Отправить код повторно можно через ${left} с`; },
      onDone: () => { stopResendWait = null; resendButton.disabled = false; resendStatus.textContent = ''; },
    });
  }

  const onSubmit = submitter({
    button: submit,
    signal: o.signal,
    form,
    status,
    busyText: 'Проверка…',
    send: () => o.submit(form.values().code, { signal: o.signal }),
    done: (answer) => o.onSuccess(answer),
    failed,
  });

  function failed(err) {
    if (!(err instanceof ApiError)) return false;
    if (err.status === 410) {
      form.setError('code', err.message || 'Код больше не действует');
      mount(status, notice('error', h('strong', null, err.message || 'Код больше не действует'),
        resendButton ? h('p', null, 'Запросите новый код кнопкой «Отправить код повторно».') : null));
      if (o.onExpired) o.onExpired(err);
    } else if (err.isThrottled) {
      submit.disabled = true;
      const strong = h('strong', null);
      mount(status, notice('error', strong));
      if (stopSubmitWait) stopSubmitWait();
      stopSubmitWait = countdown(err.retryAfter ?? 60, {
        signal: o.signal,
        onTick: (left) => { strong.textContent = `Слишком много попыток. Повторите через ${left} с`; },
        onDone: () => { stopSubmitWait = null; submit.disabled = false; status.replaceChildren(); },
      });
    } else if (err.fields && err.fields.code) {
      form.setErrors({ code: err.fields.code });
      form.focusFirstError();
    } else if (err.isValidation || err.isWrongCredentials) {
      form.setError('code', err.message || 'Неверный код');
      form.focusFirstError();
    } else {
      mount(status, notice('error', err.message || 'Не удалось проверить код. Повторите попытку.'));
    }
    return true;
  }

  const onResend = submitter({
    button: resendButton,
    signal: o.signal,
    check: () => { resendStatus.textContent = ''; return true; },
    send: () => o.resend({ signal: o.signal }),
    done: () => {
      resendStatus.textContent = 'Новый код отправлен.';
      status.replaceChildren();
    },
    failed(err) {
      if (err instanceof ApiError && err.isThrottled) { startCooldown(err.retryAfter ?? 60); return true; }
      resendStatus.textContent = err.message || 'Не удалось отправить код.';
      return true;
    },
  });

  const element = h('form', { class: 'code-entry', novalidate: true, onSubmit },
    form.element,
    status,
    h('div', { class: 'form-actions' }, submit, resendButton),
    resendButton ? resendStatus : null,
  );
  return {
    element,
    focus: () => form.field('code').control.focus(),
    startCooldown,
  };
}
