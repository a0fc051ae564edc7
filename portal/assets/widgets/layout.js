// The frame around every page: header with the tenant's name and logo,
// navigation, the logged-in user with «Выйти», main area, footer; and the
// tenant's colours.

import { h, mount, classNames } from '../core/ui.js';
import { hrefOf, basePath } from '../core/router.js';
import { displayName, isStaff } from '../core/session.js';
import { hasModule } from '../core/meters.js';
import { caseMenu } from '../core/cases.js';
import { fetchUnreadCount, setUnreadCount, onUnreadChange } from '../core/notifications.js';
import { notificationBell } from './notifications.js';

/** How often the header asks for the unread count while the tab is visible (also on every navigation). */
const BELL_REFRESH_MS = 60000;

const HEX = /^#[0-9a-fA-F]{6}$/;
const DEFAULT_PRIMARY = '#1f5fa8';
const DEFAULT_ACCENT = '#f2a900';

function channels(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function luminance(hex) {
  const [r, g, b] = channels(hex).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Text colour readable on the given background: white or near-black. */
export function readableOn(hex) {
  const l = luminance(hex);
  const contrastWhite = 1.05 / (l + 0.05);
  const contrastDark = (l + 0.05) / 0.05;
  return contrastWhite >= Math.min(4.5, contrastDark) ? '#ffffff' : '#111827';
}

/** Mixes a colour with black (amount < 0) or white (amount > 0). */
function shade(hex, amount) {
  const target = amount < 0 ? 0 : 255;
  const a = Math.abs(amount);
  const out = channels(hex).map((c) => Math.round(c + (target - c) * a));
  return `#${out.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/** Sets --primary, --accent and derived colours from the tenant's branding. */
export function applyBranding(branding) {
  const primary = branding && HEX.test(branding.primary || '') ? branding.primary : DEFAULT_PRIMARY;
  const accent = branding && HEX.test(branding.accent || '') ? branding.accent : DEFAULT_ACCENT;
  const root = document.documentElement.style;
  root.setProperty('--primary', primary);
  root.setProperty('--primary-strong', shade(primary, -0.18));
  root.setProperty('--primary-soft', shade(primary, 0.9));
  root.setProperty('--on-primary', readableOn(primary));
  root.setProperty('--accent', accent);
  root.setProperty('--accent-soft', shade(accent, 0.85));
  root.setProperty('--on-accent', readableOn(accent));
  const theme = document.querySelector('meta[name="theme-color"]');
  if (theme) theme.setAttribute('content', primary);
}

/** The URL of the tenant's logo file; a bare file name is served from "branding/" under the base. */
export function logoUrl(logo) {
  if (!logo || typeof logo !== 'string') return null;
  if (/^(https?:)?\/\//.test(logo) || logo.startsWith('/') || logo.startsWith('data:image/')) return logo;
  return new URL(`branding/${logo.replace(/^\.?\/+/, '')}`, new URL(basePath(), location.origin)).toString();
}

/** The tenant's monogram tile (its profile's branding.monogram, made by the tenant library). */
function monogram(tenant) {
  const text = (tenant && tenant.branding && tenant.branding.monogram) || 'ЛК';
  return h('span', { class: 'brand__mark', 'aria-hidden': 'true' }, text);
}

/**
 * Navigation entries; later pages add theirs here. `when(tenant, user)` decides
 * by tenant and session (user is null for a visitor); `entries(tenant, user)` gives several at once.
 */
export const NAV = [
  { path: '', label: 'Главная' },
  { path: 'login', label: 'Вход', when: (tenant, user) => !user },
  { path: 'register', label: 'Регистрация', when: (tenant, user) => !user },
  { path: 'points', label: 'Точки учёта', when: (tenant, user) => Boolean(user) },
  { path: 'access', label: 'Счета и договоры', when: (tenant, user) => Boolean(user) && !isStaff(user) },
  { path: 'archive', label: 'Архив данных', when: (tenant, user) => Boolean(user) && !isStaff(user) && hasModule(tenant, 'archive') },
  { path: 'outages', label: 'Отключения', when: (tenant, user) => Boolean(user) && !isStaff(user) && hasModule(tenant, 'outages') },
  { path: 'public/outages', label: 'Отключения', when: (tenant, user) => !user && hasModule(tenant, 'outages') && !(tenant.settings && tenant.settings.outages && tenant.settings.outages.public === false) },
  // The consumer's cases: an entry per filing page and list page of the tenant's case groups (core/cases.js).
  { entries: (tenant, user) => (user && !isStaff(user) ? caseMenu(tenant) : []) },
  // Staff of the utility (operator, tenant administrator): the queue of readings, consumers and their access.
  { path: 'operator', label: 'Оператор', when: (tenant, user) => isStaff(user) },
  // The tenant administrator's console (pages/admin.js).
  { path: 'admin', label: 'Администрирование', when: (tenant, user) => Boolean(user) && ['tenant-admin', 'platform-admin'].includes(user.role) },
  { path: 'profile', label: 'Профиль', when: (tenant, user) => Boolean(user) },
];

/**
 * Builds the frame inside #app and returns {main, setActive(path), setUser(user)}.
 * @param {object|null} tenant  GET {api}/tenant, or null when it could not be loaded
 * @param {object} [options]
 * @param {object|null} [options.user]       the logged-in user, if known
 * @param {() => void} [options.onLogout]    called by the «Выйти» button
 */
export function renderShell(root, tenant, options = {}) {
  const logo = tenant && tenant.branding ? logoUrl(tenant.branding.logo) : null;
  let mark = monogram(tenant);
  if (logo) {
    const img = h('img', { class: 'brand__logo', src: logo, alt: '', width: 40, height: 40 });
    img.addEventListener('error', () => img.replaceWith(monogram(tenant)), { once: true });
    mark = img;
  }
  const shortName = (tenant && (tenant.short_name || tenant.name)) || 'Личный кабинет';
  const fullName = tenant && tenant.name && tenant.name !== shortName ? tenant.name : null;

  let user = options.user || null;
  let activePath = null;
  const navList = h('ul', { class: 'nav__list' });
  const nav = h('nav', { class: 'nav', 'aria-label': 'Основное меню' }, navList);
  const userBox = h('div', { class: 'user-menu' });

  // The bell: the unread count of the signed-in person, asked on navigation, every minute while the tab is
  // visible and when it becomes visible again; pages that read notifications update it at once.
  const bell = notificationBell(hrefOf('notifications'));
  onUnreadChange((n) => bell.show(n));
  let bellAsking = null;
  function refreshBell() {
    if (!user || bellAsking) return;
    // session: false — a session that ended is the page's to notice (core/api.js), never a background call's.
    const asked = user.id;
    bellAsking = fetchUnreadCount({ session: false })
      .then((n) => { if (user && user.id === asked) setUnreadCount(n); })
      .catch(() => {})
      .finally(() => { bellAsking = null; });
  }
  setInterval(() => { if (document.visibilityState === 'visible') refreshBell(); }, BELL_REFRESH_MS);
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') refreshBell(); });

  function renderNav() {
    const entries = NAV.flatMap((n) => (n.entries ? n.entries(tenant, user) : [n])).filter((n) => !n.when || n.when(tenant, user));
    mount(navList, entries.map((n) =>
      h('li', null, h('a', { href: hrefOf(n.path), class: 'nav__link', dataset: { route: n.path } }, n.label))));
    if (activePath !== null) markActive(activePath);
  }

  function renderUser() {
    userBox.hidden = !user;
    if (header) header.classList.toggle('site-header--user', Boolean(user));
    if (!user) { userBox.replaceChildren(); return; }
    const logoutButton = h('button', {
      type: 'button',
      class: 'btn btn--header user-menu__logout',
      onClick: async () => {
        if (!options.onLogout || logoutButton.disabled) return;
        logoutButton.disabled = true;
        try { await options.onLogout(); } finally { logoutButton.disabled = false; }
      },
    }, 'Выйти');
    mount(userBox,
      bell.element,
      h('a', { class: 'user-menu__name', href: hrefOf('profile'), title: 'Профиль' },
        h('span', { class: 'visually-hidden' }, 'Вы вошли как '),
        displayName(user)),
      logoutButton,
    );
  }

  function markActive(path) {
    for (const a of nav.querySelectorAll('a[data-route]')) {
      const [route, query] = a.dataset.route.split('?');
      const active = route === '' ? path === '' : query ? path === route && location.search.includes(query) : path === route || path.startsWith(`${route}/`);
      if (active) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    }
  }

  let header = null;
  renderNav();
  renderUser();

  header = h('header', { class: classNames('site-header', { 'site-header--user': Boolean(user) }) },
    h('div', { class: 'container site-header__inner' },
      h('a', { class: 'brand', href: hrefOf(''), 'aria-label': `${shortName} — личный кабинет, на главную` },
        mark,
        h('span', { class: 'brand__text' },
          h('span', { class: 'brand__short' }, shortName),
          fullName ? h('span', { class: 'brand__name' }, fullName) : null,
        ),
      ),
      h('span', { class: 'site-header__title' }, 'Личный кабинет потребителя'),
      h('div', { class: 'site-header__end' }, nav, userBox),
    ),
  );
  const main = h('main', { id: 'main', class: 'site-main', tabindex: '-1' });
  const footer = h('footer', { class: 'site-footer' },
    h('div', { class: 'container site-footer__inner' },
      h('span', null, `© ${new Date().getFullYear()} ${(tenant && tenant.name) || ''}`.trim()),
      h('span', { class: 'site-footer__muted' }, 'Личный кабинет потребителя электрической энергии'),
    ),
  );
  mount(root, header, main, footer);

  return {
    main,
    setActive(path) {
      activePath = path;
      markActive(path);
      refreshBell();
    },
    /** Shows the menu of a visitor (null) or of a logged-in user. */
    setUser(next) {
      const changed = (user && user.id) !== (next && next.id);
      user = next || null;
      if (!user || changed) setUnreadCount(null);
      renderNav();
      renderUser();
      if (changed) refreshBell();
    },
  };
}
