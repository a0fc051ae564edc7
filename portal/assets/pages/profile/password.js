// The profile page: changing the password.
//   POST {api}/me/password {old, new, confirm}

import { api, ApiError } from '../../core/api.js';
import { createForm } from '../../widgets/forms.js';
import { h, mount, notice } from '../../core/ui.js';
import { sendForm } from '../../widgets/submit.js';

/** The «Пароль» section: «Сменить пароль» opens the form; `policy` is the tenant's password policy (or null). */
export function passwordSection(ctx, policy) {
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
