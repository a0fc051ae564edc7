// The profile page: a consumer's notification settings — which categories they are told about, by which
// channels besides the cabinet (e-mail; SMS only with a confirmed phone) and whether e-mails come as one daily
// digest. The one block of notification switches of the profile (the tenant's switches are its categories).
//   GET notification-kinds → {categories: [{id, label, default}], channels: [{id, label}], kinds}
//   GET me/notification-settings → {categories: {id: bool}, channels: {email: bool, sms: bool}, digest: bool}
//   PUT me/notification-settings (the same shape, only what is sent) → the same; 422 {fields: {"categories.<id>", "channels.sms", …}}

import { api } from '../../core/api.js';
import { h, mount, notice } from '../../core/ui.js';
import { formatPhone } from '../../core/format.js';
import { notificationKinds } from '../../core/notifications.js';
import { createForm } from '../../widgets/forms.js';
import { submitter } from '../../widgets/submit.js';

const CHANNEL_NAMES = { email: 'Электронная почта', sms: 'SMS' };

/**
 * Loads what the block needs: {kinds, settings}, or null when the server has no notification settings (the
 * profile then keeps the tenant's switches in the personal data form).
 */
export async function loadNotificationSettings(signal) {
  try {
    const [kinds, settings] = await Promise.all([
      notificationKinds(),
      api.get('me/notification-settings', { signal }),
    ]);
    if (!kinds || !Array.isArray(kinds.categories) || !settings || typeof settings !== 'object') return null;
    return { kinds, settings };
  } catch (err) {
    if (signal && signal.aborted) throw err;
    return null;
  }
}

function fieldset(className, legend, ...children) {
  return h('fieldset', { class: `notification-settings__group ${className}` },
    h('legend', { class: 'consents__legend' }, legend), ...children);
}

/** Draws the settings block into host from {kinds, settings}; `saved` says the last save succeeded. */
export function showNotificationSettings(ctx, host, user, loaded, saved = false) {
  const { kinds, settings } = loaded;
  // Categories for staff only (operators' alerts) are not a consumer's to switch.
  const categories = kinds.categories.filter((c) => c && c.id && c.staff !== true);
  const ownCategories = settings.categories && typeof settings.categories === 'object' ? settings.categories : {};
  const ownChannels = settings.channels && typeof settings.channels === 'object' ? settings.channels : {};
  const channelLabel = (id) => {
    const c = (Array.isArray(kinds.channels) ? kinds.channels : []).find((x) => x && x.id === id);
    return (c && c.label) || CHANNEL_NAMES[id];
  };
  const smsOffered = Boolean(user.phone) && user.phone_verified === true;

  const categoryForm = createForm({
    fields: categories.map((c) => ({ name: `categories.${c.id}`, label: c.label || 'Уведомления', type: 'boolean' })),
  }, {
    idPrefix: 'notification-category',
    values: Object.fromEntries(categories.map((c) => [`categories.${c.id}`,
      typeof ownCategories[c.id] === 'boolean' ? ownCategories[c.id] : c.default !== false])),
  });
  const channelFields = [{ name: 'channels.email', label: channelLabel('email'), type: 'boolean',
    hint: user.email ? `На адрес ${user.email}` : 'Адрес электронной почты указывается в личных данных' }];
  if (smsOffered) channelFields.push({ name: 'channels.sms', label: channelLabel('sms'), type: 'boolean', hint: `На номер ${formatPhone(user.phone)}` });
  const channelForm = createForm({ fields: channelFields }, {
    idPrefix: 'notification-channel',
    values: { 'channels.email': ownChannels.email === true, 'channels.sms': ownChannels.sms === true },
  });
  const digestForm = createForm({
    fields: [{ name: 'digest', label: 'Ежедневная сводка', type: 'boolean',
      hint: 'Одно письмо в день обо всех событиях вместо письма о каждом' }],
  }, { idPrefix: 'notification', values: { digest: settings.digest === true } });
  const forms = [categoryForm, channelForm, digestForm];

  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn--primary notification-settings__save' }, 'Сохранить');

  function body() {
    const c = categoryForm.values();
    const ch = channelForm.values();
    return {
      categories: Object.fromEntries(categories.map((x) => [x.id, c[`categories.${x.id}`] === true])),
      // SMS not offered (no confirmed phone): not sent, so what the server has stays as it is.
      channels: smsOffered ? { email: ch['channels.email'] === true, sms: ch['channels.sms'] === true } : { email: ch['channels.email'] === true },
      digest: digestForm.values().digest === true,
    };
  }

  const onSubmit = submitter({
    button: submit,
    signal: ctx.signal,
    status,
    busyText: 'Сохранение…',
    send: () => api.put('me/notification-settings', body(), { signal: ctx.signal }),
    done: (answer) => {
      const next = answer && typeof answer === 'object' && answer.categories ? answer : body();
      showNotificationSettings(ctx, host, user, { kinds, settings: next }, true);
    },
    failed: (err) => {
      for (const f of forms) f.clearErrors();
      let rest = err.fields || {};
      for (const f of forms) rest = f.setErrors(rest, 'server');
      const left = Object.values(rest);
      mount(status, notice('error', h('strong', null, err.message || 'Не удалось сохранить настройки уведомлений. Повторите попытку.'),
        left.length ? h('ul', { class: 'notice__list' }, left.map((m) => h('li', null, String(m)))) : null));
      for (const f of forms) if (f.focusFirstError()) break;
      return true;
    },
  });

  mount(host, h('section', { class: 'card profile-section profile-notifications', id: 'notifications', 'aria-labelledby': 'profile-notifications-title' },
    h('h2', { class: 'section-title', id: 'profile-notifications-title' }, 'Уведомления'),
    h('p', { class: 'muted' }, 'Уведомления в личном кабинете приходят всегда. Здесь выбирается, о чём сообщать и как ещё присылать уведомления.'),
    h('form', { class: 'notification-settings-form', novalidate: true, 'aria-labelledby': 'profile-notifications-title', onSubmit },
      categories.length
        ? h('fieldset', { class: 'notifications notification-settings__group', dataset: { field: 'notifications' } },
          h('legend', { class: 'consents__legend' }, 'О чём сообщать'), categoryForm.element)
        : null,
      fieldset('notification-channels', 'Как присылать, кроме личного кабинета', channelForm.element,
        smsOffered ? null : h('p', { class: 'muted notification-settings__sms' },
          user.phone
            ? 'SMS можно получать после подтверждения номера телефона в личных данных.'
            : 'Чтобы получать SMS, укажите и подтвердите номер телефона в личных данных.'),
        digestForm.element),
      status,
      h('div', { class: 'form-actions' }, submit))));

  if (saved) {
    mount(status, notice('success', h('strong', { class: 'notification-settings-saved', tabindex: '-1' }, 'Настройки уведомлений сохранены')));
    status.querySelector('.notification-settings-saved').focus();
  }
}
