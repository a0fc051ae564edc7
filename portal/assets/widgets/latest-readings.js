// The latest readings of a metering point, as the points list and the home page's card show them.

import { h } from '../core/ui.js';
import { formatNumber, isNum } from '../core/format.js';
import { zoneKeys, zoneLabel } from '../core/meters.js';

/** The latest readings of a point per tariff zone, as a small list. */
export function latestList(latest, zones) {
  if (!latest || !isNum(latest.ts)) return h('p', { class: 'muted point-latest point-latest--none' }, 'Показаний пока нет');
  const keys = zoneKeys([latest], zones).filter((k) => isNum(latest[k]));
  const items = keys.map((k) => [zoneLabel(k, zones), latest[k]]);
  if (isNum(latest.total) && keys.length !== 1) items.push([keys.length ? 'Сумма' : 'Показание', latest.total]);
  return h('dl', { class: 'point-latest' },
    items.map(([label, v]) => h('div', { class: 'point-latest__row' },
      h('dt', null, label),
      h('dd', null, formatNumber(v, { fixed: 3 }), h('span', { class: 'unit' }, ' кВт·ч')))));
}
