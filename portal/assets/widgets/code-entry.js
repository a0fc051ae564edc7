// A form for a one-time code (6 digits from an SMS or an authenticator app)
// with «Отправить код повторно». Used to confirm the phone after
// registration and to switch the SMS second factor on in the profile.
//
// Server answers it understands: 422 with fields.code (wrong code, shown
// beside the field), 410 (the code is used up: o.onExpired), 429 with
// retry_after (a countdown before the next try).

import { ApiError } from '../core/api.js';
import { createForm, setBusy } from './forms.js';
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
    ? h('button', { type: 'button', class: 'btn btn--secondary code-entry__resend', onClick: onResend }, 'Отправить код повторно')
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

  async function onSubmit(e) {
    e.preventDefault();
    if (submit.disabled) return;
    status.replaceChildren();
    if (Object.keys(form.validate()).length) { form.focusFirstError(); return; }
    setBusy(submit, true, 'Проверка…');
    let locked = false;
    try {
      const answer = await o.submit(form.values().code, { signal: o.signal });
      o.onSuccess(answer);
    } catch (err) {
      if (o.signal.aborted) return;
      if (!(err instanceof ApiError)) throw err;
      if (err.status === 410) {
        form.setError('code', err.message || 'Код больше не действует');
        mount(status, notice('error', h('strong', null, err.message || 'Код больше не действует'),
          resendButton ? h('p', null, 'Запросите новый код кнопкой «Отправить код повторно».') : null));
        if (o.onExpired) o.onExpired(err);
      } else if (err.isThrottled) {
        locked = true;
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
    } finally {
      if (!o.signal.aborted) {
        setBusy(submit, false);
        if (locked) submit.disabled = true;
      }
    }
  }

  async function onResend() {
    if (!resendButton || resendButton.disabled) return;
    resendStatus.textContent = '';
    setBusy(resendButton, true, 'Отправка…');
    let wait = null;
    try {
      await o.resend({ signal: o.signal });
      resendStatus.textContent = 'Новый код отправлен.';
      status.replaceChildren();
    } catch (err) {
      if (o.signal.aborted) return;
      if (err instanceof ApiError && err.isThrottled) wait = err.retryAfter ?? 60;
      else resendStatus.textContent = err.message || 'Не удалось отправить код.';
    } finally {
      if (!o.signal.aborted) setBusy(resendButton, false);
    }
    if (wait !== null) startCooldown(wait);
  }

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
