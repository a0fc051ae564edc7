// The profile of the logged-in person (needs a session): a consumer's fields of the tenant's form, a staff
// member's own data (ФИО, e-mail, role) read-only.
//   GET   {api}/me, GET {api}/forms/profile (fields per applicant kind, the login read-only,
//         notification switches with their defaults where the tenant has them, `confirmed`: the e-mail and
//         phone fields whose confirmation is shown)
//   PATCH {api}/me {fields, notifications} → as GET me (+ email_change_pending; user.phone_change_pending:
//         the new phone waits for the code sent to it)
//   POST  {api}/me/phone/confirm {code} → as GET me;  POST {api}/me/phone/resend → 202
//   POST  {api}/me/password {old, new, confirm}
//   POST  {api}/me/second-factor {method: "totp" | "sms"} → {secret, otpauth_uri} | a code by SMS
//   POST  {api}/me/second-factor/confirm {code} → {recovery_codes}
//   DELETE {api}/me/second-factor {password}
// Only changed fields are sent; every write carries X-CSRF-Token (api.js).

// The sections live under pages/profile/: details.js (personal data, notifications.js, contacts.js),
// staff.js, password.js, second-factor.js.

import { api } from '../core/api.js';
import { h, mount } from '../core/ui.js';
import { setSession, isStaff } from '../core/session.js';
import { showDetails } from './profile/details.js';
import { showStaffDetails } from './profile/staff.js';
import { passwordSection } from './profile/password.js';
import { secondFactorSection } from './profile/second-factor.js';

export const title = 'Профиль';

export async function render(ctx) {
  const [me, definition, registration] = await Promise.all([
    api.get('me', { signal: ctx.signal }),
    api.get('forms/profile', { signal: ctx.signal }),
    api.get('forms/registration', { signal: ctx.signal }).catch((err) => { if (ctx.signal.aborted) throw err; return null; }),
  ]);
  setSession(me);
  const policy = registration && registration.password_policy && typeof registration.password_policy === 'object'
    ? registration.password_policy : null;

  const page = h('section', { class: 'page page--profile' });
  const detailsHost = h('div');
  const staff = isStaff(me.user);
  mount(page,
    h('h1', { class: 'page__title', id: 'profile-title', tabindex: '-1' }, 'Профиль'),
    h('p', { class: 'lead' }, staff
      ? 'Ваша учётная запись сотрудника. Имя и адрес электронной почты меняет администратор организации.'
      : 'Ваши данные в личном кабинете. Логин для входа изменить нельзя; остальные сведения можно исправить и сохранить.'),
    detailsHost,
    passwordSection(ctx, policy),
    secondFactorSection(ctx),
  );
  if (staff) showStaffDetails(detailsHost, me.user);
  else showDetails(ctx, detailsHost, me.user, definition, null);
  return page;
}
