// The profile page: the state of the e-mail and the phone beside their fields («подтверждён» / «не
// подтверждён», «Подтвердить номер») and the step that confirms a new phone by the code sent to it.
//   POST {api}/me/phone/confirm {code} → as GET me;  POST {api}/me/phone/resend → 202

import { api } from '../../core/api.js';
import { h } from '../../core/ui.js';
import { formatPhone } from '../../core/format.js';
import { createCodeEntry } from '../../widgets/code-entry.js';

/**
 * Beside the e-mail and the phone (where the tenant confirms them): «подтверждён» or «не подтверждён».
 * `definition.confirmed` names the fields: {email?: "<field>", phone?: "<field>"}.
 */
export function markConfirmations(form, user, definition, confirmPhone) {
  const confirmed = definition && definition.confirmed && typeof definition.confirmed === 'object' ? definition.confirmed : {};
  const states = { email: user.email_verified === true, phone: user.phone_verified === true };
  for (const what of ['email', 'phone']) {
    const name = confirmed[what];
    const inst = name ? form.field(name) : null;
    if (!inst || !inst.wrapper) continue;
    const value = what === 'email' ? user.email : user.phone;
    if (!value) continue;
    const ok = states[what];
    const label = inst.wrapper.querySelector('.field-label');
    const mark = h('span', {
      class: `badge contact-state contact-state--${ok ? 'confirmed' : 'unconfirmed'}`,
      dataset: { confirmed: String(ok) },
    }, ok ? 'подтверждён' : 'не подтверждён');
    if (label) label.appendChild(mark);
    if (what === 'phone' && !ok && !user.phone_change_pending) {
      const button = h('button', { type: 'button', class: 'btn btn--secondary contact-state__confirm' }, 'Подтвердить номер');
      button.addEventListener('click', () => confirmPhone(button));
      inst.wrapper.appendChild(button);
    }
  }
}

/** The code sent to a new phone: until it is entered, the old phone stays. */
export function phoneChangeStep(ctx, user, onDone) {
  const entry = createCodeEntry({
    idPrefix: 'phone-change',
    label: 'Код из SMS',
    hint: 'Шесть цифр; код действует 10 минут',
    submitText: 'Подтвердить номер',
    signal: ctx.signal,
    submit: (code, options) => api.post('me/phone/confirm', { code }, options),
    resend: (options) => api.post('me/phone/resend', {}, options),
    onSuccess: onDone,
  });
  return h('section', { class: 'step profile-phone-change', dataset: { step: 'phone-change' }, 'aria-labelledby': 'phone-change-title' },
    h('h3', { class: 'section-title', id: 'phone-change-title' },
      user.phone && user.phone !== user.phone_change_pending ? 'Подтвердите новый номер телефона' : 'Подтвердите номер телефона'),
    h('p', null, 'Мы отправили SMS с кодом на номер ', h('b', { class: 'nowrap' }, formatPhone(user.phone_change_pending)), '. ',
      user.phone && user.phone !== user.phone_change_pending
        ? ['Пока код не введён, действует прежний номер ', h('b', { class: 'nowrap' }, formatPhone(user.phone)), '.']
        : 'Введите код, чтобы подтвердить номер.'),
    entry.element);
}
