// Pieces of screens about notifications: one notification of a list (the notifications page, the home card),
// the mark of something with unread notifications (contracts, groups of points) and the bell of the header.

import { h, svg, paragraphs, plural } from '../core/ui.js';
import { formatMoment } from '../core/format.js';
import { momentOf, refRoute, REF_NAMES } from '../core/notifications.js';

/** The bell icon (decorative). */
export function bellIcon(className = 'bell-icon') {
  return svg('svg', { class: className, viewBox: '0 0 24 24', width: 20, height: 20, 'aria-hidden': 'true', focusable: 'false' },
    svg('path', { d: 'M12 3a6 6 0 0 0-6 6v3.6l-1.7 2.9A1 1 0 0 0 5.2 17h13.6a1 1 0 0 0 .9-1.5L18 12.6V9a6 6 0 0 0-6-6Z' }),
    svg('path', { d: 'M9.5 19a2.5 2.5 0 0 0 5 0Z' }));
}

/** «Не прочитано»: the badge of an unread notification. */
export function unreadBadge() {
  return h('span', { class: 'badge badge--unread notification-item__unread' }, 'Не прочитано');
}

/** When a notification came, as text in the tenant's zone, in a <time>. */
export function notificationTime(row, tz) {
  const ts = momentOf(row.created_at);
  return h('time', { class: 'notification-item__time', datetime: ts === null ? null : new Date(ts * 1000).toISOString() }, formatMoment(ts, tz));
}

/** The text of a ref: «Точка учёта: НСТ Автомобилист»; null when it has no label (an id is never shown). */
export function refText(ref) {
  const label = ref && typeof ref.label === 'string' ? ref.label.trim() : '';
  if (!label) return null;
  const name = REF_NAMES[ref.type];
  return name && !label.toLowerCase().startsWith(name.toLowerCase()) ? `${name}: ${label}` : label;
}

/** Links (or, where the portal has no page, names) of what a notification is about; null when there are none. */
export function refLinks(ctx, refs, onFollow) {
  const items = (Array.isArray(refs) ? refs : []).map((ref) => {
    const text = refText(ref);
    if (!text) return null;
    const route = refRoute(ref);
    return h('li', { class: 'notification-item__ref', dataset: { ref: ref.type } }, route
      ? h('a', { href: ctx.router.href(route), onClick: () => { if (onFollow) onFollow(ref); } }, text)
      : h('span', null, text));
  }).filter(Boolean);
  return items.length ? h('ul', { class: 'notification-item__refs', 'aria-label': 'К чему относится' }, items) : null;
}

/** The category's label ({id: label} of GET notification-kinds), or null. */
function categoryLabel(categories, id) {
  return categories && id && categories[id] ? categories[id] : null;
}

/**
 * One notification of the notifications page: date, category, «Не прочитано», the title as a button that opens
 * the text and what it is about. `onOpen(row, button)` is called when an unread one is opened (it marks it read).
 * Returns {element, open(), markRead(), focus()}.
 */
export function notificationItem(ctx, row, { categories = null, onOpen = null } = {}) {
  const bodyId = `notification-${String(row.id).replace(/[^A-Za-z0-9_-]/g, '_')}-body`;
  const toggle = h('button', { type: 'button', class: 'notification-item__toggle', 'aria-expanded': 'false', 'aria-controls': bodyId },
    row.title || 'Уведомление');
  const text = paragraphs(row.body);
  const links = refLinks(ctx, row.refs, null);
  const body = h('div', { class: 'notification-item__body', id: bodyId, hidden: true },
    text.length ? text : null, links);
  const badgeHost = h('span', { class: 'notification-item__state' }, row.read_at ? null : unreadBadge());
  const category = categoryLabel(categories, row.category);
  const element = h('li', { class: 'notification-item', dataset: { id: row.id, state: row.read_at ? 'read' : 'unread', category: row.category || null } },
    h('div', { class: 'notification-item__meta' },
      notificationTime(row, ctx.tenant && ctx.tenant.timezone),
      category ? h('span', { class: 'notification-item__category' }, category) : null,
      badgeHost),
    h('h3', { class: 'notification-item__title' }, toggle),
    body);

  function markRead() {
    element.dataset.state = 'read';
    badgeHost.replaceChildren();
  }
  function open() {
    toggle.setAttribute('aria-expanded', 'true');
    body.hidden = false;
    element.classList.add('notification-item--open');
    if (element.dataset.state === 'unread' && onOpen) onOpen(row, toggle);
  }
  toggle.addEventListener('click', () => {
    if (toggle.getAttribute('aria-expanded') === 'true') {
      toggle.setAttribute('aria-expanded', 'false');
      body.hidden = true;
      element.classList.remove('notification-item--open');
    } else {
      open();
    }
  });
  return { element, open, markRead, focus: () => toggle.focus() };
}

/**
 * The mark of a contract (or a group of points) with unread notifications: a link to the unread ones,
 * `label` naming what is marked for screen readers.
 */
export function unreadMark(ctx, label) {
  const text = label ? `Есть непрочитанные уведомления: ${label}` : 'Есть непрочитанные уведомления';
  return h('a', { class: 'unread-mark', href: ctx.router.href('notifications?unread=1'), title: text },
    h('span', { class: 'unread-mark__dot', 'aria-hidden': 'true' }),
    h('span', { class: 'visually-hidden' }, text));
}

/**
 * A name with the unread mark after it (when `unread`), the mark kept on the line of the name's last word.
 */
export function markedName(ctx, text, unread) {
  const name = String(text ?? '');
  if (!unread) return name;
  const cut = name.lastIndexOf(' ');
  return [cut > 0 ? name.slice(0, cut + 1) : null,
    h('span', { class: 'nowrap' }, cut > 0 ? name.slice(cut + 1) : name, unreadMark(ctx, name))];
}

/**
 * The bell of the header: a link to the notifications page with the unread count.
 * Returns {element, show(count)} (count null hides the number).
 */
export function notificationBell(href) {
  const count = h('span', { class: 'notification-bell__count', 'aria-hidden': 'true', hidden: true });
  const label = h('span', { class: 'visually-hidden' }, 'Уведомления');
  const element = h('a', { class: 'notification-bell', href, title: 'Уведомления' }, bellIcon('notification-bell__icon'), count, label);
  return {
    element,
    show(n) {
      const known = Number.isFinite(n) && n >= 0;
      count.hidden = !known || n === 0;
      count.textContent = known && n > 0 ? (n > 99 ? '99+' : String(n)) : '';
      element.dataset.unread = known ? String(n) : '';
      const words = !known ? 'Уведомления'
        : n === 0 ? 'Уведомления: непрочитанных нет'
          : `Уведомления: ${n} ${plural(n, ['непрочитанное', 'непрочитанных', 'непрочитанных'])}`;
      label.textContent = words;
      element.title = words;
    },
  };
}
