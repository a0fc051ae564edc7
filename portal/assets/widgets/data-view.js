// Shared by the tabs of a metering point page.
//
// Every tab gets an `env`:
//   {ctx, id, point, meter, transformers, latest, tz, today, anchor, signal,
//    get(path, query) — GET points/<id>/<path>}
// `anchor` is the date the default periods end on: the day of the latest
// reading (or today), so a meter that stopped sending still shows its data.

import { h, spinner, notice } from '../core/ui.js';
import { DASH } from '../core/format.js';

/**
 * Loads into a result area: shows the spinner, runs fetch(), then
 * render(data) → {state: 'ready' | 'empty', nodes: [...]}. A newer call wins
 * over an older one still under way. Errors are shown with «Повторить».
 */
export function loader(env, result) {
  let seq = 0;
  return async function run(fetch, render) {
    const mine = ++seq;
    result.show('loading', spinner('Загрузка данных…'));
    let data;
    try {
      data = await fetch();
    } catch (err) {
      if (env.signal.aborted || mine !== seq) return;
      console.error(err);
      result.show('error', notice('error',
        h('strong', null, 'Не удалось загрузить данные'),
        h('p', null, err.message || 'Повторите попытку позже.'),
        h('button', { type: 'button', class: 'btn btn--secondary', onClick: () => run(fetch, render) }, 'Повторить')));
      return;
    }
    if (env.signal.aborted || mine !== seq) return;
    const out = render(data);
    result.show(out.state, ...out.nodes);
  };
}

/** «За выбранный период данных нет.» with a hint. */
export function emptyNotice(text = 'За выбранный период данных нет.', hint = 'Выберите другой период.') {
  return notice('info', h('strong', null, text), hint ? h('p', null, hint) : null);
}

/** A table in a horizontally scrolling wrapper (wide tables on phones). */
export function scrollTable(table, label) {
  return h('div', { class: 'table-scroll', role: 'region', 'aria-label': label, tabindex: '0' }, table);
}

/**
 * A data table: columns [{title, className?, numeric?}], rows of cells (a
 * string, a node, or {value, className}); rowAttrs(row, i) adds attributes
 * to a <tr>. The first cell of a row is its header.
 */
export function dataTable({ caption, columns, rows, className, rowAttrs }) {
  return h('table', { class: ['data-table', className] },
    caption ? h('caption', { class: 'data-table__caption' }, caption) : null,
    h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: [c.numeric && 'num', c.className] }, c.title)))),
    h('tbody', null, rows.map((cells, i) => h('tr', rowAttrs ? rowAttrs(cells, i) : null,
      cells.map((cell, j) => {
        const tag = j === 0 ? 'th' : 'td';
        const col = columns[j] || {};
        const attrs = { class: [col.numeric && 'num', col.className], scope: j === 0 ? 'row' : null };
        if (cell && typeof cell === 'object' && !(cell instanceof Node) && 'value' in cell) {
          return h(tag, { ...attrs, class: [col.numeric && 'num', col.className, cell.className] }, cell.value ?? DASH);
        }
        return h(tag, attrs, cell ?? DASH);
      })))),
  );
}

/**
 * Long tables show their first rows and a button for the rest.
 * Returns the node to place.
 */
export function limitedTable(make, rows, limit, label) {
  if (rows.length <= limit) return scrollTable(make(rows), label);
  const host = h('div', { class: 'limited' });
  const more = h('button', {
    type: 'button',
    class: 'btn btn--ghost limited__more',
    onClick: () => {
      host.replaceChildren(scrollTable(make(rows), label));
    },
  }, `Показать все строки (${rows.length})`);
  host.append(scrollTable(make(rows.slice(0, limit)), label), more);
  return host;
}

/** A small figure: «label: value». */
export function stat(label, value, className) {
  return h('div', { class: ['stat', className] },
    h('span', { class: 'stat__label' }, label),
    h('span', { class: 'stat__value' }, value));
}
