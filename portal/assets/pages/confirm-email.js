// The page a confirmation mail links to: confirm/email?token=…
//   POST {api}/confirm/email {token} → {ok, state, remaining}; 410 link_invalid
// Opening the address changes nothing by itself (a mail scanner fetching it
// runs no scripts): the page sends the token once it is shown in a browser,
// and the button «Подтвердить адрес» does the same if that did not work.

import { api, ApiError } from '../core/api.js';
import { submitter } from '../widgets/submit.js';
import { h, mount, notice } from '../core/ui.js';
import { currentUser, loadSession } from '../core/session.js';
import { resendForm } from '../widgets/mail-resend.js';

export const title = 'Подтверждение адреса электронной почты';

export function render(ctx) {
  const token = (ctx.query.get('token') || '').trim();
  const heading = h('h1', { class: 'page__title', id: 'confirm-title', tabindex: '-1' }, 'Подтверждение адреса электронной почты');
  const body = h('div', { class: 'card confirm-email', 'aria-live': 'polite' });
  const page = h('section', { class: 'page page--narrow page--confirm-email' }, heading, body);

  function invalid(message) {
    mount(body,
      notice('error', h('strong', { class: 'confirm-email__invalid' }, 'Ссылка недействительна или устарела'),
        message && message !== 'Ссылка недействительна или устарела' ? h('p', null, message) : null,
        h('p', null, 'Возможно, адрес уже подтверждён по этой ссылке или с момента отправки письма прошло слишком много времени.')),
      h('h2', { class: 'section-title' }, 'Получить новое письмо'),
      h('p', { class: 'muted' }, 'Укажите адрес электронной почты, на который регистрировали учётную запись.'),
      resendForm(ctx, ''),
      h('p', { class: 'aside-link' }, 'Адрес уже подтверждён? ', h('a', { href: ctx.router.href('login') }, 'Войти')),
    );
  }

  if (!token) {
    invalid('В ссылке нет кода подтверждения. Скопируйте ссылку из письма полностью.');
    return page;
  }

  const button = h('button', { type: 'button', class: 'btn btn--primary btn--lg confirm-email__button' }, 'Подтвердить адрес');
  const status = h('div', { class: 'form-status' });
  mount(body,
    h('p', null, 'Нажмите кнопку, чтобы подтвердить адрес электронной почты.'),
    status,
    h('div', { class: 'form-actions' }, button),
  );

  let sent = false;
  const confirm = submitter({
    button,
    signal: ctx.signal,
    status,
    busyText: 'Подтверждение…',
    check: () => !sent && (sent = true),
    send: () => api.post('confirm/email', { token }, { signal: ctx.signal }),
    done(answer) {
      const remaining = Array.isArray(answer && answer.remaining) ? answer.remaining : [];
      const user = currentUser();
      if (user) loadSession({ force: true }).catch(() => {});
      mount(body,
        notice('success', h('strong', { class: 'confirm-email__done' }, 'Адрес электронной почты подтверждён'),
          answer && answer.state === 'active' && !remaining.length
            ? h('p', null, user ? 'Адрес сохранён в профиле.' : 'Учётная запись активирована. Теперь вы можете войти в личный кабинет.')
            : null,
          remaining.includes('phone')
            ? h('p', { class: 'confirm-email__phone-left' },
              'Осталось подтвердить номер телефона: войдите — на странице входа можно ввести код из SMS или запросить новый.')
            : null),
        h('p', { class: 'actions' }, user
          ? h('a', { class: 'btn btn--primary', href: ctx.router.href('profile') }, 'Перейти в профиль')
          : h('a', { class: 'btn btn--primary', href: ctx.router.href('login') }, 'Войти')),
      );
      const done = body.querySelector('.confirm-email__done');
      if (done) { done.setAttribute('tabindex', '-1'); done.focus(); }
    },
    failed(err) {
      if (err instanceof ApiError && (err.status === 410 || err.status === 404)) {
        invalid(err.message);
        return true;
      }
      // A network failure or a server error: the button stays to try again.
      sent = false;
      return false;
    },
    errorText: 'Не удалось подтвердить адрес. Повторите попытку.',
  });

  button.addEventListener('click', confirm);
  // Sent as soon as the page is on screen.
  setTimeout(() => { if (!ctx.signal.aborted) confirm(); }, 0);
  return page;
}
