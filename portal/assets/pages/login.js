// Sign-in. The form arrives together with the server's login endpoint; until
// then the page explains where to go.

import { h } from '../ui.js';

export const title = 'Вход';

export function render(ctx) {
  const name = ctx.tenant.short_name || ctx.tenant.name;
  return h('section', { class: 'page page--narrow' },
    h('h1', { class: 'page__title' }, 'Вход в личный кабинет'),
    h('div', { class: 'card' },
      h('p', null, `Вход в личный кабинет ${name} скоро станет доступен на этой странице.`),
      h('p', { class: 'muted' }, 'Если у вас ещё нет учётной записи, зарегистрируйтесь — это займёт несколько минут.'),
      h('p', { class: 'actions' },
        h('a', { class: 'btn btn--primary', href: ctx.router.href('register') }, 'Зарегистрироваться'),
        h('a', { class: 'btn btn--ghost', href: ctx.router.href('') }, 'На главную'),
      ),
    ),
  );
}
