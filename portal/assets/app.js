// Entry point of the consumer portal: loads the tenant, applies its branding,
// builds the frame and starts the router.
//
// Adding a page: create assets/pages/<name>.js exporting `title` and
// `render(ctx)`, add a line to ROUTES below and, if it belongs in the menu,
// an entry to NAV in layout.js. A route with `auth: true` needs a session:
// a visitor is sent to "login?next=<this page>" and comes back after login.

import { getTenant, setSessionEndHandler } from './core/api.js';
import { createRouter } from './core/router.js';
import { applyBranding, renderShell } from './widgets/layout.js';
import { h, mount, notice, spinner } from './core/ui.js';
import { loadSession, currentUser, isStaff, onSessionChange, logout, setFlash, sessionEnded } from './core/session.js';

export const ROUTES = [
  // The home page is the visitor's; a logged-in consumer gets the summary cards, staff the operator's overview.
  { path: '', name: 'home', title: 'Главная', load: () => import(homePage(currentUser())) },
  { path: 'register', name: 'register', load: () => import('./pages/register.js') },
  { path: 'login', name: 'login', load: () => import('./pages/login.js') },
  { path: 'login/second-factor', name: 'second-factor', load: () => import('./pages/second-factor.js') },
  { path: 'confirm/email', name: 'confirm-email', load: () => import('./pages/confirm-email.js') },
  { path: 'password/reset', name: 'password-reset', load: () => import('./pages/password-reset.js') },
  { path: 'profile', name: 'profile', auth: true, load: () => import('./pages/profile.js') },
  { path: 'access', name: 'access', auth: true, load: () => import('./pages/access.js') },
  { path: 'points', name: 'points', auth: true, load: () => import('./pages/points.js') },
  { path: 'points/:id', name: 'point', auth: true, load: () => import('./pages/point.js') },
  { path: 'notifications', name: 'notifications', auth: true, load: () => import('./pages/notifications.js') },
  { path: 'archive', name: 'archive', auth: true, load: () => import('./pages/archive.js') },
  { path: 'outages', name: 'outages', auth: true, load: () => import('./pages/outages.js') },
  { path: 'public/outages', name: 'public-outages', load: () => import('./pages/public-outages.js') },
  // Cases (appeals, service applications, feedback, surveys): the filing page of a group, the list of a list group
  // (?group=), one case. `cases/new/…` comes before `cases/:id`.
  { path: 'cases/new/:group', name: 'case-file', auth: true, load: () => import('./pages/case-file.js') },
  { path: 'cases', name: 'cases', auth: true, load: () => import('./pages/cases.js') },
  { path: 'cases/:id', name: 'case', auth: true, load: () => import('./pages/case.js') },
  { path: 'operator', name: 'operator', auth: true, load: () => import('./pages/operator.js') },
  { path: 'operator/readings', name: 'operator-readings', auth: true, load: () => import('./pages/operator-readings.js') },
  { path: 'operator/consumers', name: 'operator-consumers', auth: true, load: () => import('./pages/operator-consumers.js') },
  { path: 'operator/polling', name: 'operator-polling', auth: true, load: () => import('./pages/operator-polling.js') },
  { path: 'operator/connectors', name: 'operator-connectors', auth: true, load: () => import('./pages/operator-connectors.js') },
  { path: 'operator/audit', name: 'operator-audit', auth: true, load: () => import('./pages/operator-audit.js') },
  { path: 'operator/alerts', name: 'operator-alerts', auth: true, load: () => import('./pages/operator-alerts.js') },
  { path: 'operator/broadcasts', name: 'operator-broadcasts', auth: true, load: () => import('./pages/operator-broadcasts.js') },
  { path: 'operator/outages', name: 'operator-outages', auth: true, load: () => import('./pages/operator-outages.js') },
  { path: 'operator/cases', name: 'operator-cases', auth: true, load: () => import('./pages/operator-cases.js') },
  { path: 'operator/cases/:id', name: 'operator-case', auth: true, load: () => import('./pages/operator-case.js') },
  { path: 'operator/case-reports', name: 'operator-case-reports', auth: true, load: () => import('./pages/operator-case-reports.js') },
  // The tenant administrator's console: staff, plugins and connectors, limits, the audit log (?tab=).
  { path: 'admin', name: 'admin', auth: true, load: () => import('./pages/admin.js') },
];

/** The module shown at the home route for this person (null: a visitor). */
function homePage(user) {
  if (user && isStaff(user)) return './pages/operator.js';
  if (user) return './pages/dashboard.js';
  return './pages/home.js';
}

const NOT_FOUND = { path: '*', name: 'not-found', load: () => import('./pages/not-found.js') };

const SPINNER_DELAY_MS = 200;

function pageTitle(route, mod, ctx) {
  const given = route.title !== undefined ? route.title : mod.title;
  const t = typeof given === 'function' ? given(ctx) : given;
  return t || '';
}

function errorView(err) {
  const message = (err && err.message) || 'Неизвестная ошибка';
  return h('section', { class: 'page page--error' },
    h('h1', { class: 'page__title', tabindex: '-1' }, 'Не удалось открыть страницу'),
    notice('error', message),
    h('p', null, h('button', { type: 'button', class: 'btn btn--secondary', onClick: () => location.reload() }, 'Обновить страницу')),
  );
}

async function boot() {
  const root = document.getElementById('app');
  let tenant = null;
  let tenantError = null;
  // Who is logged in is asked together with the tenant; a failure here only
  // means the header shows the visitor's menu until a page asks again.
  const sessionKnown = loadSession().catch(() => null);
  try {
    tenant = await getTenant();
  } catch (err) {
    tenantError = err;
  }
  await sessionKnown;
  applyBranding(tenant && tenant.branding);
  let router = null;
  const shell = renderShell(root, tenant, {
    user: currentUser(),
    async onLogout() {
      try {
        await logout();
      } catch (err) {
        console.error(err);
        shell.main.prepend(h('div', { class: 'container' },
          notice('error', `Не удалось выйти из личного кабинета: ${err.message || 'ошибка сети'} Повторите попытку.`)));
        return;
      }
      setFlash('success', 'Вы вышли из личного кабинета.');
      if (router) router.navigate('login');
    },
  });
  onSessionChange((user) => shell.setUser(user));
  const siteName = (tenant && (tenant.short_name || tenant.name)) || 'Личный кабинет';

  if (tenantError) {
    document.title = `Ошибка — ${siteName}`;
    mount(shell.main, h('div', { class: 'container' },
      h('section', { class: 'page page--error' },
        h('h1', { class: 'page__title' }, 'Личный кабинет временно недоступен'),
        notice('error', 'Не удалось загрузить сведения о сетевой организации. ', tenantError.message || ''),
        h('p', null, h('button', { type: 'button', class: 'btn btn--primary', onClick: () => location.reload() }, 'Повторить')),
      )));
    document.body.dataset.page = 'error';
    return;
  }

  let firstRender = true;
  router = createRouter({
    routes: ROUTES,
    notFound: NOT_FOUND,
    async show(route, ctx, isCurrent) {
      ctx.tenant = tenant;
      shell.setActive(ctx.path);
      const slow = setTimeout(() => {
        if (isCurrent()) mount(shell.main, h('div', { class: 'container' }, spinner()));
      }, SPINNER_DELAY_MS);
      let node;
      let title;
      try {
        if (route.auth) {
          const user = await loadSession();
          if (!isCurrent()) return;
          if (!user) {
            clearTimeout(slow);
            const back = ctx.path + location.search;
            ctx.router.navigate(`login?next=${encodeURIComponent(back)}`, { replace: true });
            return;
          }
        }
        ctx.user = currentUser();
        const mod = await route.load();
        if (!isCurrent()) return;
        node = await mod.render(ctx);
        title = pageTitle(route, mod, ctx);
      } catch (err) {
        if (ctx.signal.aborted || !isCurrent()) return;
        console.error(err);
        node = errorView(err);
        title = 'Ошибка';
      } finally {
        clearTimeout(slow);
      }
      if (!isCurrent()) return;
      mount(shell.main, h('div', { class: 'container' }, node));
      document.title = title ? `${title} — ${siteName}` : `${siteName} — личный кабинет`;
      document.body.dataset.page = route.name;
      if (!firstRender) {
        window.scrollTo(0, 0);
        const heading = shell.main.querySelector('h1');
        if (heading && !heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
        (heading || shell.main).focus({ preventScroll: true });
      }
      firstRender = false;
    },
  });
  // A call answered «session is over» (core/api.js) ends it here once: the login page, and back afterwards.
  setSessionEndHandler(() => sessionEnded(router));
  router.start();
}

boot();
