import { h } from '../core/ui.js';

export const title = 'Страница не найдена';

export function render(ctx) {
  return h('section', { class: 'page page--narrow' },
    h('h1', { class: 'page__title' }, 'Страница не найдена'),
    h('p', { class: 'lead' }, 'Адрес набран с ошибкой или страница была удалена.'),
    h('p', null, h('a', { class: 'btn btn--primary', href: ctx.router.href('') }, 'На главную')),
  );
}
