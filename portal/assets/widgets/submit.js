// The one way a form (or a button acting for one) is sent: every page and widget uses it instead of writing
// the loop again.
//
//   1. a second press while a request is under way does nothing;
//   2. the general message is emptied, the form is checked on the client (createForm's validate(), then the
//      caller's own check) and nothing is sent while a field has an error (the focus goes to the first one);
//   3. the button is busy (disabled, aria-busy, «Отправка…» or the caller's text) while the request runs;
//   4. success → done(answer); an error → the caller's failed(err) first, else the server's reasons
//      (ApiError.fields) beside the fields and its message (with the reasons no field shows) in the status;
//   5. the button is enabled again (before failed(), which may start a cool-down) — unless the page was left meanwhile (its signal aborted: the person went
//      elsewhere, or the session ended and core/api.js sent them to the login page), in which case nothing more
//      is shown.

import { ApiError } from '../core/api.js';
import { h, mount, notice } from '../core/ui.js';
import { setBusy } from './forms.js';

/**
 * Shows an error the usual way: the reasons beside the fields of form, the message and the reasons that match
 * no visible field in status. Returns true when some field got a reason.
 * @param {ApiError|Error} err
 * @param {{form?: object, status?: Element, errorText?: string, fieldsText?: string}} o
 */
export function showSubmitError(err, { form = null, status = null, errorText = 'Не удалось отправить данные. Повторите попытку.', fieldsText = 'Проверьте правильность заполнения полей' } = {}) {
  const fields = err instanceof ApiError ? err.fields : {};
  if (form && Object.keys(fields).length) {
    const rest = Object.values(form.setErrors(fields, 'server'));
    if (status) {
      mount(status, notice('error', h('strong', null, err.message || fieldsText),
        rest.length ? h('ul', { class: 'notice__list' }, rest.map((m) => h('li', null, String(m)))) : null));
    }
    form.focusFirstError();
    return true;
  }
  if (status) mount(status, notice('error', err.message || errorText));
  return false;
}

/**
 * Sends once the form is checked (steps 3–5 above): the button busy, send(), then done(answer) or the error
 * shown (failed(err) first), the button enabled again unless the page was left. For a page whose checks before
 * sending are its own; submitter() does steps 1–2 as well.
 * @param {object} o  as for submitter: button, signal, busyText, send, done, failed, form, status, errorText, fieldsText
 * @returns {Promise<boolean>} true when the request succeeded
 */
export async function sendForm(o) {
  const { button, signal = null } = o;
  const left = () => Boolean(signal && signal.aborted);
  setBusy(button, true, o.busyText);
  try {
    const answer = await o.send();
    if (left()) return false;
    await (o.done && o.done(answer));
  } catch (err) {
    if (left()) return false;
    // Enabled first, so that a cool-down the caller starts (button.disabled = true) holds.
    setBusy(button, false);
    if (!(o.failed && o.failed(err))) showSubmitError(err, o);
    return false;
  }
  if (!left()) setBusy(button, false);
  return true;
}

/**
 * Makes the handler of a form's submit event (or of a button's click): steps 1–5 above.
 * @param {object} o
 * @param {HTMLButtonElement} o.button      set busy while sending
 * @param {AbortSignal} [o.signal]          the page's signal
 * @param {object} [o.form]                 a createForm() controller: checked before, server reasons after
 * @param {Element} [o.status]              where the general message goes; emptied on each try
 * @param {string} [o.busyText]             the button's text while sending ('Отправка…')
 * @param {() => boolean} [o.check]         further checks before sending; false stops
 * @param {() => Promise<any>} o.send       the request
 * @param {(answer: any) => any} [o.done]   after success (may be async)
 * @param {(err: Error) => boolean} [o.failed]  the caller's own reading of an error, called once the button is
 *                                          enabled again (a cool-down may disable it): true when it showed it
 * @param {string} [o.errorText]            the message when the server gives none
 * @param {string} [o.fieldsText]           the message when the server names fields but says nothing else
 * @returns {(e?: Event) => Promise<void>}
 */
export function submitter(o) {
  return async function onSubmit(e) {
    if (e && typeof e.preventDefault === 'function') e.preventDefault();
    const { button, form = null, status = null } = o;
    if (button && button.disabled) return;
    if (status) status.replaceChildren();
    if (form && Object.keys(form.validate()).length) { form.focusFirstError(); return; }
    if (o.check && o.check() === false) return;
    await sendForm(o);
  };
}
