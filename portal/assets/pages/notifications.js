// The person's notifications (needs a session): newest first, the unread ones marked; opening one shows its text
// and what it is about (links to the point, the contracts, the archive) and marks it read; «Прочитать все»;
// «Показать ещё» pages back in time. `?unread=1` shows the unread ones only; `?open=<id>` opens that one.
//   GET  notifications?limit&before&unread → {rows: [{id, kind, category, title, body, created_at, read_at, refs}], unread}
//   POST notifications/<id>/read;  POST notifications/read-all
//   GET  notification-kinds (the categories' names)

import { h, mount, notice } from '../core/ui.js';
import { isStaff } from '../core/session.js';
import {
  listNotifications, markRead, markAllRead, notificationKinds, onUnreadChange, unreadText,
} from '../core/notifications.js';
import { notificationItem } from '../widgets/notifications.js';
import { sendForm, submitter } from '../widgets/submit.js';

export const title = 'Уведомления';

const PAGE_SIZE = 20;

/** {category id: label} of the tenant, or {} when they cannot be had (the list is shown without them). */
async function categoryLabels() {
  try {
    const kinds = await notificationKinds();
    const out = {};
    for (const c of Array.isArray(kinds && kinds.categories) ? kinds.categories : []) if (c && c.id && c.label) out[c.id] = c.label;
    return out;
  } catch {
    return {};
  }
}

/** What the next page starts before: the oldest row shown. */
function cursorOf(row) {
  return row ? row.id : null;
}

export async function render(ctx) {
  const unreadOnly = ctx.query.get('unread') === '1';
  const openId = ctx.query.get('open');
  const [first, categories] = await Promise.all([
    listNotifications({ unreadOnly, limit: PAGE_SIZE, signal: ctx.signal }),
    categoryLabels(),
  ]);

  const summary = h('p', { class: 'lead notifications-summary', 'aria-live': 'polite' });
  const status = h('div', { class: 'form-status notifications-status', 'aria-live': 'polite' });
  const readAll = h('button', { type: 'button', class: 'btn btn--secondary notifications-read-all' }, 'Прочитать все');
  const list = h('ul', { class: 'notification-list' });
  const more = h('button', { type: 'button', class: 'btn btn--ghost notifications-more' }, 'Показать ещё');
  const moreHost = h('p', { class: 'notifications-more__host' });
  const items = new Map(); // id → item
  let oldest = null;

  function showCount(n) {
    summary.textContent = `${unreadText(n ?? 0)}.`;
    // Nothing at all: the empty list says so, once.
    summary.hidden = !n && !first.rows.length && !unreadOnly;
    readAll.hidden = !n;
  }
  showCount(first.unread);
  const stop = onUnreadChange(showCount);
  ctx.signal.addEventListener('abort', stop, { once: true });

  /** Marks an opened unread notification read (the toggle is busy meanwhile). */
  function opened(row, button) {
    status.replaceChildren();
    sendForm({
      button,
      busyText: button.textContent,
      signal: ctx.signal,
      status,
      errorText: 'Не удалось отметить уведомление прочитанным. Повторите попытку.',
      send: () => markRead(row, { signal: ctx.signal }),
      done: () => { const item = items.get(String(row.id)); if (item) item.markRead(); },
    });
  }

  function append(rows) {
    for (const row of rows) {
      if (items.has(String(row.id))) continue;
      const item = notificationItem(ctx, row, { categories, onOpen: opened });
      items.set(String(row.id), item);
      list.append(item.element);
    }
    if (rows.length) oldest = rows[rows.length - 1];
    mount(moreHost, rows.length >= PAGE_SIZE ? more : null);
  }

  more.addEventListener('click', submitter({
    button: more,
    signal: ctx.signal,
    status,
    busyText: 'Загрузка…',
    errorText: 'Не удалось загрузить уведомления. Повторите попытку.',
    send: () => listNotifications({ unreadOnly, limit: PAGE_SIZE, before: cursorOf(oldest), signal: ctx.signal }),
    done: (answer) => {
      const before = list.children.length;
      append(answer.rows);
      const next = list.children[before];
      if (next) { const b = next.querySelector('.notification-item__toggle'); if (b) b.focus(); }
    },
  }));

  readAll.addEventListener('click', submitter({
    button: readAll,
    signal: ctx.signal,
    status,
    errorText: 'Не удалось отметить уведомления прочитанными. Повторите попытку.',
    send: () => markAllRead({ signal: ctx.signal }),
    done: () => {
      for (const item of items.values()) item.markRead();
      mount(status, notice('success', h('strong', { class: 'notifications-all-read' }, 'Все уведомления отмечены прочитанными.')));
    },
  }));

  const filter = h('nav', { class: 'subnav notifications-filter', 'aria-label': 'Какие уведомления показать' },
    h('ul', { class: 'subnav__list' },
      h('li', null, h('a', { class: 'subnav__link', href: ctx.router.href('notifications'), 'aria-current': unreadOnly ? null : 'page' }, 'Все')),
      h('li', null, h('a', { class: 'subnav__link', href: ctx.router.href('notifications?unread=1'), 'aria-current': unreadOnly ? 'page' : null }, 'Непрочитанные'))));

  let content;
  if (!first.rows.length) {
    content = h('div', { class: 'notifications-empty' },
      h('p', null, h('strong', null, unreadOnly ? 'Непрочитанных уведомлений нет.' : 'Уведомлений пока нет.')),
      h('p', { class: 'muted' }, unreadOnly
        ? h('a', { href: ctx.router.href('notifications') }, 'Показать все уведомления')
        : isStaff(ctx.user)
          ? 'Здесь появятся оповещения о приборах учёта: о вмешательстве в их работу и о тех, что перестали отвечать.'
          : 'Здесь появятся сообщения личного кабинета: о переданных показаниях, доступе к приборам учёта, отключениях электроэнергии.'));
  } else {
    append(first.rows);
    content = h('div', null, list, moreHost);
  }

  const page = h('section', { class: 'page page--notifications' },
    h('div', { class: 'page__head notifications-head' },
      h('h1', { class: 'page__title' }, 'Уведомления'),
      readAll),
    summary,
    filter,
    status,
    h('div', { class: 'card notifications-card' }, content),
    // Consumers choose categories and channels in the profile; staff have no such settings there.
    isStaff(ctx.user) ? null : h('p', { class: 'notifications-settings muted' },
      'Какие уведомления и как присылать (электронная почта, SMS, ежедневная сводка), выбирается в ',
      h('a', { href: ctx.router.href('profile') }, 'профиле'), '.'));

  if (openId && items.has(openId)) {
    const item = items.get(openId);
    queueMicrotask(() => item.open());
    setTimeout(() => { if (!ctx.signal.aborted && item.element.isConnected) item.focus(); }, 0); // once on screen
  }
  return page;
}
