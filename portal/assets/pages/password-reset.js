// Password recovery, two pages at one address:
//   password/reset            — the e-mail: POST {api}/password/reset {email} → 202, the same
//                               answer whether or not there is such an account;
//   password/reset?token=…    — the new password, twice, with the tenant's password policy as hints:
//                               POST {api}/password/reset/confirm {token, password, confirm}
//                               → 200; 410 link_invalid (used or expired).
// A password is never mailed: the letter carries a one-time link.

import { api, ApiError } from '../core/api.js';
import { createForm } from '../widgets/forms.js';
import { submitter } from '../widgets/submit.js';
import { h, mount, notice, countdown } from '../core/ui.js';
import { clearSession, currentUser } from '../core/session.js';

export const title = (ctx) => (ctx.query.get('token') ? 'Новый пароль' : 'Восстановление пароля');

export async function render(ctx) {
  const token = (ctx.query.get('token') || '').trim();
  return token ? renderConfirm(ctx, token) : renderRequest(ctx);
}

function renderRequest(ctx) {
  const heading = h('h1', { class: 'page__title', id: 'reset-title', tabindex: '-1' }, 'Восстановление пароля');
  const form = createForm({
    fields: [{ name: 'email', label: 'Электронная почта', type: 'email', required: true, placeholder: 'name@example.ru' }],
  }, { idPrefix: 'reset' });
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn--primary btn--lg' }, 'Отправить');
  const card = h('div', { class: 'card' });

  let email = '';
  const onSubmit = submitter({
    button: submit,
    signal: ctx.signal,
    form,
    status,
    send: () => {
      ({ email } = form.values());
      return api.post('password/reset', { email }, { signal: ctx.signal });
    },
    done() {
      mount(card,
        notice('success', h('strong', { class: 'reset-sent', tabindex: '-1' }, 'Проверьте почту'),
          h('p', { class: 'reset-sent__text' }, 'Если в личном кабинете есть учётная запись с адресом ', h('b', { class: 'nowrap' }, email),
            ', на него отправлено письмо со ссылкой для смены пароля. Ссылка действует ограниченное время и только один раз.'),
          h('p', null, 'Письма нет несколько минут? Проверьте папку «Спам» и правильность адреса.')),
        h('p', { class: 'actions' },
          h('a', { class: 'btn btn--primary', href: ctx.router.href('login') }, 'Ко входу'),
          h('a', { class: 'btn btn--ghost', href: ctx.router.href('password/reset') }, 'Указать другой адрес')),
      );
      card.querySelector('.reset-sent').focus();
    },
    failed(err) {
      if (err instanceof ApiError && err.isThrottled) {
        const strong = h('strong', null);
        mount(status, notice('error', strong));
        submit.disabled = true;
        countdown(err.retryAfter ?? 60, {
          signal: ctx.signal,
          onTick: (left) => { strong.textContent = `Слишком много запросов. Повторите через ${left} с`; },
          onDone: () => { submit.disabled = false; status.replaceChildren(); },
        });
      } else if (err instanceof ApiError && Object.keys(err.fields).length) {
        const rest = form.setErrors(err.fields);
        if (Object.keys(rest).length) mount(status, notice('error', err.message));
        form.focusFirstError();
      } else {
        mount(status, notice('error', err.message || 'Не удалось отправить запрос. Повторите попытку.'));
      }
      return true;
    },
  });

  mount(card,
    h('form', { class: 'reset-form', novalidate: true, 'aria-labelledby': 'reset-title', onSubmit },
      form.element,
      status,
      h('div', { class: 'form-actions' }, submit),
    ));

  return h('section', { class: 'page page--narrow page--password-reset' },
    heading,
    h('p', { class: 'lead' }, 'Введите адрес электронной почты, указанный при регистрации. Мы отправим на него ссылку для смены пароля.'),
    card,
    h('p', { class: 'aside-link' }, 'Вспомнили пароль? ', h('a', { href: ctx.router.href('login') }, 'Войти')),
  );
}

async function renderConfirm(ctx, token) {
  const heading = h('h1', { class: 'page__title', id: 'reset-title', tabindex: '-1' }, 'Новый пароль');
  // The policy is only a hint here: the server checks the password anyway.
  let policy = null;
  try {
    const definition = await api.get('forms/registration', { signal: ctx.signal });
    if (definition && definition.password_policy && typeof definition.password_policy === 'object') policy = definition.password_policy;
  } catch (err) {
    if (ctx.signal.aborted) throw err;
  }
  const form = createForm({
    fields: [
      { name: 'password', label: 'Новый пароль', type: 'password', required: true, policy,
        min_length: policy && policy.min_length, max_length: policy && policy.max_length },
      { name: 'confirm', label: 'Повторите новый пароль', type: 'password_confirm', required: true, same_as: 'password' },
    ],
  }, { idPrefix: 'new-password' });
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn--primary btn--lg' }, 'Сохранить пароль');
  const card = h('div', { class: 'card' });

  function invalid(message) {
    mount(card,
      notice('error', h('strong', { class: 'reset-invalid', tabindex: '-1' }, 'Ссылка недействительна или устарела'),
        message && message !== 'Ссылка недействительна или устарела' ? h('p', null, message) : null,
        h('p', null, 'Ссылка для смены пароля действует ограниченное время и только один раз. Запросите новую ссылку.')),
      h('p', { class: 'actions' },
        h('a', { class: 'btn btn--primary', href: ctx.router.href('password/reset') }, 'Запросить новую ссылку'),
        h('a', { class: 'btn btn--ghost', href: ctx.router.href('login') }, 'Ко входу')),
    );
    card.querySelector('.reset-invalid').focus();
  }

  const onSubmit = submitter({
    button: submit,
    signal: ctx.signal,
    form,
    status,
    busyText: 'Сохранение…',
    send: () => {
      const v = form.values();
      return api.post('password/reset/confirm', { token, password: v.password, confirm: v.confirm }, { signal: ctx.signal });
    },
    done() {
      // Every session of the user has ended, this browser's too.
      if (currentUser()) clearSession();
      mount(card,
        notice('success', h('strong', { class: 'reset-done', tabindex: '-1' }, 'Пароль изменён'),
          h('p', null, 'Войдите в личный кабинет с новым паролем. На других устройствах вход потребуется выполнить заново.')),
        h('p', { class: 'actions' }, h('a', { class: 'btn btn--primary', href: ctx.router.href('login') }, 'Войти')),
      );
      card.querySelector('.reset-done').focus();
    },
    failed(err) {
      if (err instanceof ApiError && (err.status === 410 || err.status === 404)) {
        invalid(err.message);
        return true;
      }
      return false;
    },
    errorText: 'Не удалось сохранить пароль. Повторите попытку.',
  });

  mount(card,
    h('form', { class: 'reset-form', novalidate: true, 'aria-labelledby': 'reset-title', onSubmit },
      form.element,
      status,
      h('div', { class: 'form-actions' }, submit),
    ));

  return h('section', { class: 'page page--narrow page--password-reset' },
    heading,
    h('p', { class: 'lead' }, 'Придумайте новый пароль для входа в личный кабинет и введите его дважды.'),
    card,
  );
}
