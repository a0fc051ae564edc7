// The profile page: a consumer's personal data (the fields of the tenant's profile form for their kind, the
// login read-only) and notification switches, sent with PATCH {api}/me (only what changed).

import { api, getDictionary, ApiError } from '../../core/api.js';
import { createForm } from '../../widgets/forms.js';
import { h, mount, notice } from '../../core/ui.js';
import { setSession, currentUser } from '../../core/session.js';
import { formatIdentifier } from '../../core/format.js';
import { sendForm } from '../../widgets/submit.js';
import { markConfirmations, phoneChangeStep } from './contacts.js';
import { notificationSwitches } from './notifications.js';

/** Identifiers people read formatted (СНИЛС «118-452-306 44», phone «+7 (916) 123-45-67»). */
const FORMATTED_TYPES = new Set(['snils', 'phone']);

/**
 * The values the form starts with: the profile's fields, e-mail and phone, the login. A field that cannot be
 * changed (the login) is only read, so it shows its identifier formatted; editable ones keep what was typed.
 */
function initialValues(user, fields) {
  const own = user.fields && typeof user.fields === 'object' ? user.fields : {};
  const out = {};
  for (const f of fields) {
    let v = own[f.name];
    if (v === undefined && f.name === 'email') v = user.email;
    if (v === undefined && f.name === 'phone') v = user.phone;
    if (v === undefined && user.login && user.login.field === f.name) v = user.login.value;
    if (v !== undefined && v !== null && f.editable === false && FORMATTED_TYPES.has(f.type)) v = formatIdentifier(f.type, v);
    if (v !== undefined && v !== null) out[f.name] = v;
  }
  return out;
}

function sameValue(a, b) {
  if (typeof a === 'boolean' || typeof b === 'boolean') return Boolean(a) === Boolean(b);
  return String(a ?? '') === String(b ?? '');
}

/**
 * Draws the personal data form into `host`; `after` (null on first showing) says what the last save did:
 * {emailPending, email} or {phoneChanged}. Saving and cancelling draw the form again from the server's answer.
 */
export function showDetails(ctx, host, user, definition, after) {
  const kinds = Array.isArray(definition && definition.kinds) ? definition.kinds : [];
  const kindDef = kinds.find((k) => k.id === user.kind) || (kinds.length === 1 ? kinds[0] : null);
  let fields = kindDef && Array.isArray(kindDef.fields) ? kindDef.fields : [];
  if (!fields.length) {
    // No form for this kind: show what the server keeps, the login read-only.
    fields = Object.keys(user.fields || {}).map((name) => ({ name, label: name, type: 'text', required: false,
      editable: !(user.login && user.login.field === name) }));
  }
  const notificationDefs = (kindDef && Array.isArray(kindDef.notifications) && kindDef.notifications)
    || (Array.isArray(definition && definition.notifications) ? definition.notifications : []);

  const form = createForm({ fields }, {
    idPrefix: 'profile',
    values: initialValues(user, fields),
    loadDictionary: getDictionary,
    onChange: () => { if (status.dataset.kind === 'success') clearStatus(); },
  });
  const notifications = notificationSwitches(notificationDefs, user.notifications || {});
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn--primary' }, 'Сохранить');
  const cancel = h('button', {
    type: 'button',
    class: 'btn btn--ghost',
    onClick: () => showDetails(ctx, host, currentUser() || user, definition, null),
  }, 'Отменить изменения');

  // What the server has, to send only what changed (dictionary fields get their value once loaded).
  let baseline = form.values();
  form.ready.then(() => { baseline = form.values(); });
  const baselineNotifications = notifications ? notifications.values() : {};

  function clearStatus() {
    status.replaceChildren();
    delete status.dataset.kind;
  }
  function showStatus(kind, ...content) {
    status.dataset.kind = kind;
    mount(status, notice(kind, ...content));
  }

  function changes() {
    const now = form.values();
    const base = baseline || {};
    const changed = {};
    for (const [name, value] of Object.entries(now)) {
      if (!sameValue(value, base[name])) changed[name] = value;
    }
    for (const name of Object.keys(base)) {
      const inst = form.field(name);
      if (!(name in now) && inst && inst.visible && !inst.readOnly) changed[name] = '';
    }
    const notif = {};
    if (notifications) {
      for (const [id, on] of Object.entries(notifications.values())) {
        if (on !== baselineNotifications[id]) notif[id] = on;
      }
    }
    return { fields: changed, notifications: notif };
  }

  async function onSubmit(e) {
    e.preventDefault();
    if (submit.disabled) return;
    clearStatus();
    if (Object.keys(form.validate()).length) {
      showStatus('error', h('strong', null, 'Проверьте правильность заполнения полей'), h('p', null, 'Исправьте ошибки, указанные у полей.'));
      form.focusFirstError();
      return;
    }
    const diff = changes();
    if (!Object.keys(diff.fields).length && !Object.keys(diff.notifications).length) {
      showStatus('info', 'Изменений нет: сохранять нечего.');
      return;
    }
    const body = {};
    if (Object.keys(diff.fields).length) body.fields = diff.fields;
    if (Object.keys(diff.notifications).length) body.notifications = { ...(notifications ? notifications.values() : {}) };
    await sendForm({
      button: submit,
      signal: ctx.signal,
      busyText: 'Сохранение…',
      send: async () => {
        const answer = await api.patch('me', body, { signal: ctx.signal });
        setSession(answer);
        const emailAsked = diff.fields.email;
        showDetails(ctx, host, answer.user, definition, {
          emailPending: Boolean(answer.email_change_pending),
          email: emailAsked,
        });
      },
      failed(err) {
        if (err instanceof ApiError && Object.keys(err.fields).length) {
          const rest = form.setErrors(err.fields, 'server');
          const restList = Object.entries(rest).filter(([k]) => !(notifications && notifications.has(k)));
          showStatus('error', h('strong', null, err.message || 'Проверьте правильность заполнения полей'),
            restList.length ? h('ul', { class: 'notice__list' }, restList.map(([, m]) => h('li', null, String(m)))) : null);
          form.focusFirstError();
        } else {
          showStatus('error', h('strong', null, err.message || 'Не удалось сохранить изменения. Повторите попытку.'));
        }
        return true;
      },
    });
  }

  // The login is shown read-only among the fields; when the form has no such field, above them.
  const loginInForm = user.login && fields.some((f) => f.name === user.login.field);
  const loginText = user.login && user.login.value && !loginInForm
    ? h('p', { class: 'profile-login' },
      h('span', { class: 'muted' }, 'Логин: '),
      h('strong', { class: 'profile-login__value' }, formatIdentifier(user.login.type || user.login.field, user.login.value)))
    : null;

  markConfirmations(form, user, definition, async (button) => {
    // The phone in use, not proven yet: a code to it, then the same step as for a new phone.
    await sendForm({
      button,
      signal: ctx.signal,
      busyText: 'Отправка…',
      send: async () => {
        await api.post('me/phone/resend', {}, { signal: ctx.signal });
        return api.get('me', { signal: ctx.signal });
      },
      done(answer) {
        setSession(answer);
        showDetails(ctx, host, answer.user, definition, null);
        const code = host.querySelector('.profile-phone-change input');
        if (code) code.focus();
      },
      failed(err) {
        showStatus('error', h('strong', null, err.message || 'Не удалось отправить код. Повторите попытку.'));
        return true;
      },
    });
  });
  const phoneChange = user.phone_change_pending
    ? phoneChangeStep(ctx, user, (answer) => {
      setSession(answer);
      showDetails(ctx, host, answer.user, definition, { phoneChanged: true });
    })
    : null;

  mount(host, h('section', { class: 'card profile-section profile-details', 'aria-labelledby': 'profile-details-title' },
    h('h2', { class: 'section-title', id: 'profile-details-title' }, 'Личные данные'),
    kindDef && kindDef.label ? h('p', { class: 'profile-kind' }, kindDef.label) : null,
    loginText,
    h('form', { class: 'profile-form', novalidate: true, 'aria-labelledby': 'profile-details-title', onSubmit },
      form.element,
      notifications ? notifications.element : null,
      status,
      h('div', { class: 'form-actions' }, submit, cancel),
    ),
    phoneChange,
  ));

  if (after && after.phoneChanged) {
    showStatus('success', h('strong', { class: 'profile-saved', tabindex: '-1' }, 'Номер телефона подтверждён и сохранён'));
    const saved = status.querySelector('.profile-saved');
    if (saved) saved.focus();
  } else if (after) {
    showStatus('success', h('strong', { class: 'profile-saved', tabindex: '-1' }, 'Изменения сохранены'),
      after.emailPending
        ? h('p', { class: 'profile-email-pending' }, 'На новый адрес отправлено письмо для подтверждения',
          after.email ? [' (', h('span', { class: 'nowrap' }, after.email), ')'] : null,
          '. Пока адрес не подтверждён по ссылке из письма, действует прежний.')
        : null,
      user.phone_change_pending
        ? h('p', { class: 'profile-phone-pending' }, 'На новый номер отправлен код: введите его ниже. Пока номер не подтверждён, действует прежний.')
        : null);
    const saved = status.querySelector('.profile-saved');
    if (saved) saved.focus();
  }
}
