// «Отправить письмо повторно» for an account whose e-mail link is still to be opened: a button that asks
// for a new link (POST confirm/email/resend with the pending token) and a line that says what happened,
// counting down while the server asks to wait.

import { api, ApiError } from '../core/api.js';
import { setBusy } from './forms.js';
import { h, countdown } from '../core/ui.js';

/**
 * The button and its status line. sentText: what the line says once the mail is sent; className: extra
 * classes of the button. Nothing is sent twice while a request is under way.
 */
export function createMailResend(ctx, pendingToken, { sentText = 'Письмо отправлено ещё раз.', className = '' } = {}) {
  const status = h('p', { class: 'field-hint resend-status', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: `btn btn--secondary ${className}`.trim() }, 'Отправить письмо повторно');
  button.addEventListener('click', async () => {
    if (button.disabled) return;
    status.textContent = '';
    setBusy(button, true, 'Отправка…');
    let wait = null;
    try {
      await api.post('confirm/email/resend', { pending_token: pendingToken }, { signal: ctx.signal });
      status.textContent = sentText;
    } catch (err) {
      if (ctx.signal.aborted) return;
      if (err instanceof ApiError && err.isThrottled) wait = err.retryAfter ?? 60;
      else status.textContent = err.message || 'Не удалось отправить письмо.';
    } finally {
      if (!ctx.signal.aborted) setBusy(button, false);
    }
    if (wait !== null) {
      button.disabled = true;
      countdown(wait, {
        signal: ctx.signal,
        onTick: (left) => { status.textContent = `Отправить письмо повторно можно через ${left} с`; },
        onDone: () => { button.disabled = false; status.textContent = ''; },
      });
    }
  });
  return { button, status };
}
