// Tabs (WAI-ARIA tabs pattern): a tablist of buttons and one panel per tab.
// Arrow keys, Home and End move between tabs and open them. A panel is
// filled by the page the first time its tab opens (onSelect) and kept, so
// its filters survive switching back and forth; reset(id) has it filled
// again (new data arrived).
//
// Markup: .tabs > [role=tablist] > button[role=tab][data-tab=<id>],
// section[role=tabpanel][data-tab=<id>] (hidden unless selected).

import { h, idPart } from '../core/ui.js';

/**
 * @param {object} o
 * @param {string} o.label        the tablist's accessible name
 * @param {{id: string, label: string}[]} o.tabs
 * @param {string} [o.idPrefix]
 * @param {(id: string, panel: HTMLElement, first: boolean) => void} o.onSelect
 */
export function createTabs(o) {
  const prefix = o.idPrefix || 'tabs';
  const buttons = new Map();
  const panels = new Map();
  const opened = new Set();
  let current = null;

  const list = h('div', { class: 'tabs__list', role: 'tablist', 'aria-label': o.label });
  for (const t of o.tabs) {
    const tabId = `${prefix}-tab-${idPart(t.id)}`;
    const panelId = `${prefix}-panel-${idPart(t.id)}`;
    const button = h('button', {
      type: 'button',
      role: 'tab',
      id: tabId,
      class: 'tabs__tab',
      'aria-selected': 'false',
      'aria-controls': panelId,
      tabindex: '-1',
      dataset: { tab: t.id },
      onClick: () => select(t.id),
    }, t.label);
    const panel = h('section', {
      class: 'tabs__panel',
      role: 'tabpanel',
      id: panelId,
      'aria-labelledby': tabId,
      tabindex: '0',
      hidden: true,
      dataset: { tab: t.id },
    });
    buttons.set(t.id, button);
    panels.set(t.id, panel);
    list.appendChild(button);
  }

  list.addEventListener('keydown', (e) => {
    const ids = o.tabs.map((t) => t.id);
    const i = ids.indexOf(current);
    let next = null;
    if (e.key === 'ArrowRight') next = ids[(i + 1) % ids.length];
    else if (e.key === 'ArrowLeft') next = ids[(i - 1 + ids.length) % ids.length];
    else if (e.key === 'Home') next = ids[0];
    else if (e.key === 'End') next = ids[ids.length - 1];
    if (next === null) return;
    e.preventDefault();
    select(next, { focus: true });
  });

  function select(id, { focus = false } = {}) {
    if (!panels.has(id)) id = o.tabs[0].id;
    if (id !== current) {
      for (const [tid, b] of buttons) {
        const on = tid === id;
        b.setAttribute('aria-selected', on ? 'true' : 'false');
        b.tabIndex = on ? 0 : -1;
        panels.get(tid).hidden = !on;
      }
      current = id;
      const first = !opened.has(id);
      opened.add(id);
      o.onSelect(id, panels.get(id), first);
    }
    if (focus) buttons.get(id).focus();
  }

  /** Empties a panel so that it is filled again (at once when it is open, else when it is next opened). */
  function reset(id) {
    const panel = panels.get(id);
    if (!panel || !opened.has(id)) return;
    opened.delete(id);
    panel.replaceChildren();
    if (current === id) {
      opened.add(id);
      o.onSelect(id, panel, true);
    }
  }

  const element = h('div', { class: 'tabs' }, h('div', { class: 'tabs__bar' }, list), [...panels.values()]);
  return {
    element,
    select,
    reset,
    get current() { return current; },
    panel: (id) => panels.get(id),
  };
}
