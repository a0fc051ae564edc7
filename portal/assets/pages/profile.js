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

//   GET notification-kinds, GET/PUT me/notification-settings (a consumer's notification settings)
// The sections live under pages/profile/: details.js (personal data, contacts.js; notifications.js: the
// tenant's switches, only where the server has no notification settings), notification-settings.js, staff.js,
// password.js, second-factor.js.

import { api } from '../core/api.js';
import { h, mount } from '../core/ui.js';
import { setSession, isStaff, onSessionChange } from '../core/session.js';
import { showDetails } from './profile/details.js';
import { showStaffDetails } from './profile/staff.js';
import { passwordSection } from './profile/password.js';
import { secondFactorSection } from './profile/second-factor.js';
import { loadNotificationSettings, showNotificationSettings } from './profile/notification-settings.js';

export const title = 'Профиль';

export async function render(ctx) {
  const [me, formDefinition, registration, notificationSettings] = await Promise.all([
    api.get('me', { signal: ctx.signal }),
    api.get('forms/profile', { signal: ctx.signal }),
    api.get('forms/registration', { signal: ctx.signal }).catch((err) => { if (ctx.signal.aborted) throw err; return null; }),
    loadNotificationSettings(ctx.signal),
  ]);
  setSession(me);
  // One block of notification switches: with the notification settings, the tenant's switches are their
  // categories, so the personal data form leaves them out.
  const definition = notificationSettings ? withoutSwitches(formDefinition) : formDefinition;
  const policy = registration && registration.password_policy && typeof registration.password_policy === 'object'
    ? registration.password_policy : null;

  const page = h('section', { class: 'page page--profile' });
  const detailsHost = h('div');
  const notificationsHost = h('div');
  const staff = isStaff(me.user);
  mount(page,
    h('h1', { class: 'page__title', id: 'profile-title', tabindex: '-1' }, 'Профиль'),
    h('p', { class: 'lead' }, staff
      ? 'Ваша учётная запись сотрудника. Имя и адрес электронной почты меняет администратор организации.'
      : 'Ваши данные в личном кабинете. Логин для входа изменить нельзя; остальные сведения можно исправить и сохранить.'),
    detailsHost,
    staff ? null : notificationsHost,
    passwordSection(ctx, policy),
    secondFactorSection(ctx),
  );
  if (staff) showStaffDetails(detailsHost, me.user);
  else showDetails(ctx, detailsHost, me.user, definition, null);
  if (!staff && notificationSettings) {
    showNotificationSettings(ctx, notificationsHost, me.user, notificationSettings);
    // A phone confirmed (or changed) in the personal data decides whether SMS is offered: drawn again then.
    let phone = `${me.user.phone}|${me.user.phone_verified}`;
    const stop = onSessionChange((u) => {
      const now = u ? `${u.phone}|${u.phone_verified}` : phone;
      if (now === phone || ctx.signal.aborted) return;
      phone = now;
      loadNotificationSettings(ctx.signal).then((loaded) => {
        if (loaded && !ctx.signal.aborted) showNotificationSettings(ctx, notificationsHost, u, loaded);
      }).catch(() => {});
    });
    ctx.signal.addEventListener('abort', stop, { once: true });
  }
  return page;
}

/** The profile form's definition without its notification switches. */
function withoutSwitches(definition) {
  if (!definition || typeof definition !== 'object') return definition;
  return {
    ...definition,
    notifications: [],
    kinds: Array.isArray(definition.kinds) ? definition.kinds.map((k) => ({ ...k, notifications: [] })) : definition.kinds,
  };
}
