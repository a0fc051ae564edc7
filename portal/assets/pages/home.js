// The home page of a visitor: what the cabinet offers and the way in. A
// logged-in person gets pages/dashboard.js at this route instead (an operator
// or a tenant administrator pages/operator.js): app.js chooses.

import { h } from '../core/ui.js';
import { currentUser, displayName } from '../core/session.js';

export const title = 'Главная';

// What each module of a tenant (the ids of scripts/kabinet/tenant.lua M.MODULES) means for a consumer,
// for the modules the portal has pages for. A declared module not listed here (appeals, services, …: no
// page yet) is not promised on the home page.
const MODULES = {
  contracts: ['Договоры', 'Все договоры организации и точки учёта по каждому договору.'],
  meters: ['Приборы учёта', 'Показания, расход по периодам и характеристики приборов учёта.'],
  readings: ['Показания', 'Показания по тарифным зонам, профиль мощности, журналы событий и параметры сети.'],
  manual_readings: ['Передача показаний', 'Передавайте показания приборов учёта без визита в офис.'],
  archive: ['Архив данных', 'Выгрузка архива показаний за прошлые периоды.'],
  reports: ['Отчёты', 'Показания и потребление за выбранный период.'],
  outages: ['Отключения', 'Плановые и аварийные отключения по вашему адресу, их число и длительность; уведомления о них заранее.'],
};

export function render(ctx) {
  const t = ctx.tenant;
  const user = currentUser();
  const modules = (Array.isArray(t.modules) ? t.modules : [])
    .map((m) => (typeof m === 'string' ? m : m && m.id))
    .filter((id) => MODULES[id]);

  return h('section', { class: 'page page--home' },
    h('div', { class: 'hero' },
      h('div', { class: 'hero__text' },
        h('p', { class: 'hero__eyebrow' }, t.name || t.short_name),
        h('h1', { class: 'page__title hero__title' }, 'Личный кабинет потребителя'),
        h('p', { class: 'lead' },
          'Договоры, приборы учёта и показания — в одном месте, в любое время и без визита в офис.'),
        user
          ? h('p', { class: 'actions' },
            h('span', { class: 'hero__user' }, `Вы вошли как ${displayName(user)}.`),
            h('a', { class: 'btn btn--primary btn--lg', href: ctx.router.href('profile') }, 'Профиль'))
          : h('p', { class: 'actions' },
            h('a', { class: 'btn btn--primary btn--lg', href: ctx.router.href('login') }, 'Войти'),
            h('a', { class: 'btn btn--secondary btn--lg', href: ctx.router.href('register') }, 'Зарегистрироваться'),
          ),
      ),
    ),
    modules.length
      ? h('section', { class: 'features', 'aria-labelledby': 'features-title' },
        h('h2', { id: 'features-title', class: 'section-title' }, 'Что можно сделать в личном кабинете'),
        h('ul', { class: 'features__list' },
          modules.map((id) => h('li', { class: 'feature card', dataset: { module: id } },
            h('h3', { class: 'feature__title' }, MODULES[id][0]),
            h('p', { class: 'feature__text' }, MODULES[id][1]),
          )),
        ),
      )
      : null,
  );
}
