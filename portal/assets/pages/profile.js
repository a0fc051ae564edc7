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

import { api, getDictionary, ApiError } from '../core/api.js';
import { createForm } from '../widgets/forms.js';
import { createCodeEntry } from '../widgets/code-entry.js';
import { h, mount, notice } from '../core/ui.js';
import { setSession, currentUser, isStaff } from '../core/session.js';
import { formatPhone, formatIdentifier } from '../core/format.js';
import { totpSetupView } from '../widgets/totp-setup.js';
import { sendForm } from '../widgets/submit.js';

export const title = 'Профиль';

const FACTOR_NAMES = { sms: 'код из SMS', totp: 'код из приложения-аутентификатора' };
const ROLE_NAMES = { operator: 'Оператор', 'tenant-admin': 'Администратор организации' };

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

// ---------------------------------------------------------------------------
// A staff member's own data: read-only, with Russian labels

function showStaffDetails(host, user) {
  const fields = user.fields && typeof user.fields === 'object' ? user.fields : {};
  const rows = [
    ['ФИО', fields.full_name],
    ['Адрес электронной почты', user.email || fields.email],
    ['Роль', ROLE_NAMES[user.role]],
  ].filter(([, v]) => v);
  mount(host, h('section', { class: 'card profile-section profile-details profile-staff', 'aria-labelledby': 'profile-details-title' },
    h('h2', { class: 'section-title', id: 'profile-details-title' }, 'Сотрудник организации'),
    h('dl', { class: 'profile-facts' }, rows.map(([label, value]) => [h('dt', null, label), h('dd', null, String(value))])),
  ));
}

// ---------------------------------------------------------------------------
// Personal data and notification switches

function showDetails(ctx, host, user, definition, after) {
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

/**
 * Beside the e-mail and the phone (where the tenant confirms them): «подтверждён» or «не подтверждён».
 * `definition.confirmed` names the fields: {email?: "<field>", phone?: "<field>"}.
 */
function markConfirmations(form, user, definition, confirmPhone) {
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
function phoneChangeStep(ctx, user, onDone) {
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

/** Switches of the notifications a tenant offers ({id, label}) — or null when it offers none. */
function notificationSwitches(defs, current) {
  if (!defs.length) return null;
  const boxes = new Map();
  const element = h('fieldset', { class: 'notifications', dataset: { field: 'notifications' } },
    h('legend', { class: 'consents__legend' }, 'Уведомления'),
    defs.map((d) => {
      const id = `profile-notification-${String(d.id).replace(/[^A-Za-z0-9_-]/g, '_')}`;
      // Never set: the tenant's default (a switch is on unless the tenant says otherwise).
      const on = typeof current[d.id] === 'boolean' ? current[d.id] : d.default !== false;
      const box = h('input', { type: 'checkbox', role: 'switch', id, name: `notifications.${d.id}`, class: 'switch__input', checked: on });
      const state = h('span', { class: 'switch__state', 'aria-hidden': 'true' });
      const sync = () => { state.textContent = box.checked ? 'Да' : 'Нет'; };
      box.addEventListener('change', sync);
      sync();
      boxes.set(String(d.id), box);
      return h('div', { class: 'field field--boolean notification', dataset: { notification: d.id } },
        h('span', { class: 'field-label', id: `${id}-label` }, d.label || d.id),
        h('label', { class: 'switch', for: id },
          box,
          h('span', { class: 'switch__track', 'aria-hidden': 'true' }, h('span', { class: 'switch__thumb' })),
          state),
      );
    }),
  );
  for (const [, box] of boxes) box.setAttribute('aria-labelledby', `${box.id}-label`);
  return {
    element,
    has: (id) => boxes.has(String(id)),
    values: () => Object.fromEntries([...boxes].map(([id, box]) => [id, box.checked])),
  };
}

// ---------------------------------------------------------------------------
// Password change

function passwordSection(ctx, policy) {
  const toggle = h('button', {
    type: 'button',
    class: 'btn btn--secondary password-change__toggle',
    'aria-expanded': 'false',
    'aria-controls': 'password-change-form',
  }, 'Сменить пароль');
  const host = h('div', { id: 'password-change-form', hidden: true });
  const result = h('div', { 'aria-live': 'polite' });

  function close() {
    host.hidden = true;
    host.replaceChildren();
    toggle.hidden = false;
    toggle.setAttribute('aria-expanded', 'false');
  }

  function open() {
    result.replaceChildren();
    const form = createForm({
      fields: [
        { name: 'old', label: 'Текущий пароль', type: 'password', required: true, current: true },
        { name: 'new', label: 'Новый пароль', type: 'password', required: true, policy,
          min_length: policy && policy.min_length, max_length: policy && policy.max_length },
        { name: 'confirm', label: 'Повторите новый пароль', type: 'password_confirm', required: true, same_as: 'new' },
      ],
    }, { idPrefix: 'password-change' });
    const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
    const submit = h('button', { type: 'submit', class: 'btn btn--primary' }, 'Сохранить пароль');
    const cancel = h('button', { type: 'button', class: 'btn btn--ghost', onClick: () => { close(); toggle.focus(); } }, 'Отмена');

    async function onSubmit(e) {
      e.preventDefault();
      if (submit.disabled) return;
      status.replaceChildren();
      if (Object.keys(form.validate()).length) { form.focusFirstError(); return; }
      const v = form.values();
      await sendForm({
        button: submit,
        signal: ctx.signal,
        busyText: 'Сохранение…',
        send: async () => {
          await api.post('me/password', { old: v.old, new: v.new, confirm: v.confirm }, { signal: ctx.signal });
          close();
          mount(result, notice('success', h('strong', { class: 'password-changed', tabindex: '-1' }, 'Пароль изменён'),
            h('p', null, 'На других устройствах потребуется войти с новым паролем.')));
          result.querySelector('.password-changed').focus();
        },
        failed(err) {
          if (err instanceof ApiError && Object.keys(err.fields).length) {
            const rest = form.setErrors(err.fields, 'server');
            mount(status, notice('error', h('strong', null, err.message || 'Проверьте правильность заполнения полей'),
              Object.keys(rest).length ? h('ul', { class: 'notice__list' }, Object.values(rest).map((m) => h('li', null, String(m)))) : null));
            form.focusFirstError();
          } else if (err instanceof ApiError && err.isWrongCredentials) {
            form.setError('old', err.message || 'Неверный текущий пароль');
            form.focusFirstError();
          } else {
            mount(status, notice('error', err.message || 'Не удалось сменить пароль. Повторите попытку.'));
          }
          return true;
        },
      });
    }

    mount(host, h('form', { class: 'password-change', novalidate: true, 'aria-labelledby': 'password-title', onSubmit },
      form.element,
      status,
      h('div', { class: 'form-actions' }, submit, cancel),
    ));
    host.hidden = false;
    toggle.hidden = true;
    toggle.setAttribute('aria-expanded', 'true');
    form.field('old').control.focus();
  }

  toggle.addEventListener('click', open);

  return h('section', { class: 'card profile-section profile-password', 'aria-labelledby': 'password-title' },
    h('h2', { class: 'section-title', id: 'password-title' }, 'Пароль'),
    h('p', { class: 'muted' }, 'Для смены пароля понадобится текущий пароль. После смены на других устройствах нужно будет войти заново.'),
    result,
    toggle,
    host,
  );
}

// ---------------------------------------------------------------------------
// Second factor

function secondFactorSection(ctx) {
  const tenant = ctx.tenant;
  const offersSms = tenant.second_factor === 'sms';
  const body = h('div', { class: 'second-factor', 'aria-live': 'polite' });
  const section = h('section', { class: 'card profile-section profile-second-factor', 'aria-labelledby': 'second-factor-title' },
    h('h2', { class: 'section-title', id: 'second-factor-title' }, 'Двухфакторная аутентификация'),
    body,
  );

  function factor() {
    const u = currentUser();
    return u && u.second_factor ? u.second_factor : null;
  }

  function markFactor(method) {
    const u = currentUser();
    if (u) setSession({ user: { ...u, second_factor: method } });
  }

  function failure(err, status) {
    if (ctx.signal.aborted) return;
    mount(status, notice('error', err.message || 'Не удалось выполнить действие. Повторите попытку.'));
  }

  function showOff(message) {
    const status = h('div', { class: 'form-status' });
    const start = (method) => async (e) => {
      const button = e.currentTarget;
      status.replaceChildren();
      await sendForm({
        button,
        signal: ctx.signal,
        busyText: 'Подождите…',
        send: () => api.post('me/second-factor', { method }, { signal: ctx.signal }),
        done(answer) {
          if (method === 'totp') showTotpSetup(answer || {});
          else showSmsSetup();
        },
        failed(err) {
          if (err instanceof ApiError && err.fields && err.fields.phone) {
            mount(status, notice('error', h('strong', null, err.message || 'Не удалось отправить код'), h('p', null, String(err.fields.phone))));
          } else {
            failure(err, status);
          }
          return true;
        },
      });
    };
    mount(body,
      message || null,
      h('p', { class: 'second-factor__state' }, 'Сейчас выключена: для входа достаточно логина и пароля.'),
      h('p', { class: 'muted' }, 'Включите, чтобы при входе, кроме пароля, вводить одноразовый код. Так посторонний не войдёт в личный кабинет, даже узнав пароль.'),
      status,
      h('div', { class: 'form-actions' },
        offersSms ? h('button', { type: 'button', class: 'btn btn--primary second-factor__enable-sms', onClick: start('sms') }, 'Включить вход с кодом из SMS') : null,
        h('button', { type: 'button', class: offersSms ? 'btn btn--secondary second-factor__enable-totp' : 'btn btn--primary second-factor__enable-totp', onClick: start('totp') },
          'Включить вход с кодом из приложения'),
      ),
    );
  }

  function confirmStep(method, intro, extra) {
    const entry = createCodeEntry({
      idPrefix: `second-factor-${method}`,
      label: method === 'sms' ? 'Код из SMS' : 'Код из приложения',
      hint: method === 'sms' ? 'Шесть цифр из сообщения' : 'Шесть цифр, которые показывает приложение',
      submitText: 'Включить',
      signal: ctx.signal,
      submit: (code, options) => api.post('me/second-factor/confirm', { code }, options),
      resend: method === 'sms' ? (options) => api.post('me/second-factor', { method: 'sms' }, options) : null,
      onSuccess: (answer) => {
        markFactor(method);
        showRecoveryCodes(method, Array.isArray(answer && answer.recovery_codes) ? answer.recovery_codes : []);
      },
    });
    const cancel = h('button', { type: 'button', class: 'btn btn--ghost', onClick: () => showOff() }, 'Отмена');
    mount(body, intro, extra || null, entry.element, h('div', { class: 'form-actions' }, cancel));
    entry.focus();
  }

  function showTotpSetup(answer) {
    const [steps, block] = totpSetupView(answer);
    confirmStep('totp', steps, block);
  }

  function showSmsSetup() {
    const u = currentUser();
    const phone = u && u.phone;
    confirmStep('sms',
      h('p', null, 'Мы отправили код в SMS на номер ', phone ? h('strong', { class: 'nowrap' }, formatPhone(phone)) : 'из вашего профиля',
        '. Введите его, чтобы включить вход с кодом из SMS.'));
  }

  function showRecoveryCodes(method, codes) {
    const done = h('button', { type: 'button', class: 'btn btn--primary', onClick: () => showOn() }, 'Я сохранил коды');
    mount(body,
      notice('success', h('strong', { class: 'second-factor__enabled', tabindex: '-1' }, 'Двухфакторная аутентификация включена'),
        h('p', null, `При входе, кроме пароля, понадобится ${FACTOR_NAMES[method] || 'одноразовый код'}.`)),
      codes.length
        ? h('div', { class: 'recovery' },
          h('h3', { class: 'recovery__title' }, 'Резервные коды'),
          h('p', null, 'Каждый код можно один раз ввести вместо кода при входе — например, если телефон потерян. ',
            h('strong', null, 'Сохраните их сейчас в надёжном месте: больше они показаны не будут.')),
          h('ol', { class: 'recovery-codes' }, codes.map((c) => h('li', null, h('code', null, String(c))))))
        : null,
      h('div', { class: 'form-actions' }, done),
    );
    const title = body.querySelector('.second-factor__enabled');
    if (title) title.focus();
  }

  function showOn(message) {
    const method = factor();
    const form = createForm({
      fields: [{ name: 'password', label: 'Пароль', type: 'password', required: true, current: true,
        hint: 'Чтобы выключить двухфакторную аутентификацию, подтвердите её паролем' }],
    }, { idPrefix: 'second-factor-off' });
    const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
    const submit = h('button', { type: 'submit', class: 'btn btn--secondary' }, 'Выключить');
    async function onSubmit(e) {
      e.preventDefault();
      if (submit.disabled) return;
      status.replaceChildren();
      if (Object.keys(form.validate()).length) { form.focusFirstError(); return; }
      await sendForm({
        button: submit,
        signal: ctx.signal,
        busyText: 'Выключение…',
        send: async () => {
          await api.del('me/second-factor', { body: { password: form.values().password }, signal: ctx.signal });
          markFactor(null);
          showOff(notice('success', 'Двухфакторная аутентификация выключена.'));
        },
        failed(err) {
          if (err instanceof ApiError && err.fields && err.fields.password) {
            form.setErrors({ password: err.fields.password });
            form.focusFirstError();
          } else if (err instanceof ApiError && err.isWrongCredentials) {
            form.setError('password', err.message || 'Неверный пароль');
            form.focusFirstError();
          } else if (err instanceof ApiError && err.status === 403 && err.code !== 'csrf_failed') {
            mount(status, notice('error', err.message || 'Для вашей учётной записи двухфакторная аутентификация обязательна.'));
          } else {
            failure(err, status);
          }
          return true;
        },
      });
    }
    mount(body,
      message || null,
      h('p', { class: 'second-factor__state' }, 'Включена: при входе, кроме пароля, нужен ',
        h('strong', null, FACTOR_NAMES[method] || 'одноразовый код'), '.'),
      h('form', { class: 'second-factor-off', novalidate: true, onSubmit },
        form.element, status, h('div', { class: 'form-actions' }, submit)),
    );
  }

  if (factor()) showOn(); else showOff();
  return section;
}
