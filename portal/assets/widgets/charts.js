// Small SVG charts: bars, grouped bars, horizontal bars and lines with axes.
//
// Each function returns a <figure class="chart"> holding
//   * the SVG (role="img", aria-label) drawn for the width the figure gets
//     (redrawn when it changes, so text stays at its size on any screen);
//   * a legend when there are several series;
//   * the same numbers as a visually hidden table, for screen readers.
// Every bar and every point carries a <title> (the browser's tooltip).
// Colours come from CSS: .chart__series--N sets --series for bars, lines and
// legend swatches; a datum may add its own class (e.g. a highlighted bar).
//
//   barChart({label, unit, data: [{label, value, tooltip?, className?}]})
//   groupedBarChart({label, unit, categories: [string | {label, tick}], series: [{name, values, className?}]})
//   lineChart({label, unit, x: [number], xFormat, xTicks?, series: [{name, values, className?}]})
//   hBarChart({label, unit, data: [{label, value, className?}]})
// Common options: caption (visible title), digits (fraction digits of
// values), height, className, tableCaption.

import { h, svg } from '../core/ui.js';
import { formatNumber, isNum } from '../core/format.js';

const FONT = 12;
const CHAR_W = FONT * 0.6;
const DEFAULT_WIDTH = 720;
const MIN_WIDTH = 260;

/** Rough width of a text in the chart font (no layout needed). */
function textWidth(s) {
  return String(s).length * CHAR_W;
}

/**
 * Round ticks covering [min, max]: steps of 1, 2, 2.5 or 5 × 10ⁿ.
 * Returns {min, max, step, ticks, digits}.
 */
export function niceTicks(min, max, count = 5) {
  let lo = Math.min(min, max);
  let hi = Math.max(min, max);
  if (!isNum(lo) || !isNum(hi)) { lo = 0; hi = 1; }
  if (lo === hi) {
    if (hi === 0) hi = 1;
    else if (hi > 0) lo = 0;
    else hi = 0;
  }
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const nice = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10;
  const step = nice * mag;
  const digits = Math.max(0, Math.min(6, -Math.floor(Math.log10(step)) + (nice === 2.5 ? 1 : 0)));
  const round = (v) => Number(v.toFixed(digits));
  const first = round(Math.floor(lo / step + 1e-9) * step);
  const last = round(Math.ceil(hi / step - 1e-9) * step);
  const ticks = [];
  for (let v = first, i = 0; v <= last + step / 2 && i < 50; i += 1, v = round(first + i * step)) ticks.push(v);
  return { min: first, max: last, step, ticks, digits };
}

function seriesClass(i, extra) {
  return [`chart__series--${i % 6}`, extra].filter(Boolean).join(' ');
}

function legendOf(series) {
  if (series.length < 2) return null;
  return h('ul', { class: 'chart__legend', 'aria-hidden': 'true' },
    series.map((s, i) => h('li', { class: 'chart__legend-item' },
      h('span', { class: `chart__swatch ${seriesClass(i, s.className)}` }),
      s.name)));
}

/** The numbers of a chart as a table only screen readers get (a table ignores a 1px width: it is wrapped). */
function dataTable(caption, head, rows) {
  return h('div', { class: 'visually-hidden' }, h('table', { class: 'chart__table' },
    h('caption', null, caption),
    h('thead', null, h('tr', null, head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', null, rows.map((r) => h('tr', null,
      r.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', null, c)))))),
  ));
}

/**
 * The figure around a chart: draws for the width it gets and again when
 * that width changes.
 */
function chartFigure(o, kind, draw, table, legend = null) {
  const canvas = h('div', { class: 'chart__canvas' });
  const figure = h('figure', { class: ['chart', `chart--${kind}`, o.className], dataset: { chart: kind } },
    o.caption ? h('figcaption', { class: 'chart__caption' }, o.caption) : null,
    legend,
    canvas,
    table,
  );
  let width = 0;
  function redraw(w) {
    const next = Math.max(MIN_WIDTH, Math.floor(w));
    if (next === width) return;
    width = next;
    canvas.replaceChildren(draw(width));
  }
  redraw(o.width || DEFAULT_WIDTH);
  if (typeof ResizeObserver === 'function' && !o.width) {
    let frame = 0;
    const observer = new ResizeObserver((entries) => {
      const w = entries[0] && entries[0].contentRect.width;
      if (!w || Math.abs(w - width) < 2) return;
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => redraw(w));
    });
    observer.observe(canvas);
  }
  return figure;
}

function svgRoot(o, w, hgt) {
  return svg('svg', {
    class: 'chart__svg',
    width: w,
    height: hgt,
    viewBox: `0 0 ${w} ${hgt}`,
    role: 'img',
    'aria-label': o.label,
    focusable: 'false',
  });
}

function fmt(o, v) {
  return formatNumber(v, { digits: o.digits ?? 2 });
}

/** A value with the unit of its series (or of the chart). */
function withUnit(o, v, series = null) {
  const s = fmt(o, v);
  const unit = series && series.unit !== undefined ? series.unit : o.unit;
  return isNum(v) && unit ? `${s}\u00a0${unit}` : s;
}

/** A series' name in table headers: «P+, кВт». */
function headOf(o, s) {
  const unit = s.unit !== undefined ? s.unit : o.unit;
  return unit ? `${s.name}, ${unit}` : s.name;
}

/** Y axis: grid lines, tick labels and the unit; returns the scale. */
function yAxis(root, o, box, scale) {
  const y = (v) => box.top + box.height - ((v - scale.min) / (scale.max - scale.min)) * box.height;
  const axis = svg('g', { class: 'chart__axis chart__axis--y' });
  for (const t of scale.ticks) {
    const yy = Math.round(y(t)) + 0.5;
    axis.appendChild(svg('line', { class: t === 0 ? 'chart__zero' : 'chart__grid', x1: box.left, x2: box.left + box.width, y1: yy, y2: yy }));
    axis.appendChild(svg('text', { class: 'chart__tick', x: box.left - 6, y: yy, 'text-anchor': 'end', 'dominant-baseline': 'middle' },
      formatNumber(t, { digits: scale.digits })));
  }
  if (o.unit) {
    axis.appendChild(svg('text', { class: 'chart__unit', x: box.left - 6, y: box.top - 10, 'text-anchor': 'end' }, o.unit));
  }
  root.appendChild(axis);
  return y;
}

/** The left margin that fits the widest tick label (and the unit). */
function leftMargin(o, scale) {
  const widest = Math.max(...scale.ticks.map((t) => textWidth(formatNumber(t, { digits: scale.digits }))), o.unit ? textWidth(o.unit) : 0);
  return Math.ceil(widest) + 12;
}

/**
 * X labels under slots, thinned out so that they never overlap: evenly
 * (every n-th) when all slots have a label, else each one that fits.
 */
function xLabels(root, box, labels, slotW) {
  const g = svg('g', { class: 'chart__axis chart__axis--x' });
  const put = (l, i) => g.appendChild(svg('text', {
    class: 'chart__tick', x: (box.left + slotW * (i + 0.5)).toFixed(1), y: box.top + box.height + 16, 'text-anchor': 'middle',
  }, l));
  if (labels.every((l) => l !== '')) {
    const widest = Math.max(1, ...labels.map((l) => textWidth(l)));
    const every = Math.max(1, Math.ceil((widest + 8) / slotW));
    labels.forEach((l, i) => { if (i % every === 0) put(l, i); });
  } else {
    let lastRight = -Infinity;
    labels.forEach((l, i) => {
      if (!l) return;
      const x = box.left + slotW * (i + 0.5);
      const w = textWidth(l);
      if (x - w / 2 < lastRight + 8) return;
      lastRight = x + w / 2;
      put(l, i);
    });
  }
  root.appendChild(g);
}

function valueRange(values) {
  const nums = values.filter(isNum);
  if (!nums.length) return [0, 1];
  return [Math.min(0, ...nums), Math.max(0, ...nums)];
}

// ---------------------------------------------------------------------------
// Bars

/** A bar chart: one bar per datum. */
export function barChart(o) {
  return groupedBarChart({
    ...o,
    kindName: 'bar',
    categories: o.data.map((d) => ({ label: d.label, tick: d.tick ?? d.label, tooltip: d.tooltip, className: d.className })),
    series: [{ name: o.seriesName || o.label, values: o.data.map((d) => d.value) }],
  });
}

/** Bars side by side for each category, one per series. */
export function groupedBarChart(o) {
  const cats = o.categories.map((c) => (typeof c === 'object' && c !== null ? c : { label: String(c), tick: String(c) }));
  const series = o.series;
  const height = o.height || 280;
  const [lo, hi] = valueRange(series.flatMap((s) => s.values));
  const scale = niceTicks(lo, hi, 5);

  const draw = (w) => {
    const root = svgRoot(o, w, height);
    const left = leftMargin(o, scale);
    const box = { left, top: 24, width: w - left - 10, height: height - 24 - 30 };
    const y = yAxis(root, o, box, scale);
    const n = Math.max(1, cats.length);
    const slotW = box.width / n;
    const groupW = Math.min(slotW * (series.length > 1 ? 0.8 : 0.7), 56 * series.length);
    const barW = groupW / series.length;
    const bars = svg('g', { class: 'chart__bars' });
    const showValues = series.length === 1 && cats.length <= 16;
    cats.forEach((c, i) => {
      const x0 = box.left + slotW * i + (slotW - groupW) / 2;
      series.forEach((s, j) => {
        const v = s.values[i];
        if (!isNum(v)) return;
        const y0 = y(0);
        const y1 = y(v);
        const tip = c.tooltip && series.length === 1 ? c.tooltip : `${c.label}${series.length > 1 ? `, ${s.name}` : ''}: ${withUnit(o, v, s)}`;
        bars.appendChild(svg('rect', {
          class: `chart__bar ${seriesClass(j, s.className)}${c.className ? ` ${c.className}` : ''}`,
          x: (x0 + barW * j + (barW > 4 ? 0.5 : 0)).toFixed(1),
          y: Math.min(y0, y1).toFixed(1),
          width: Math.max(1, barW - (barW > 4 ? 1 : 0)).toFixed(1),
          height: Math.max(v === 0 ? 0 : 1, Math.abs(y0 - y1)).toFixed(1),
          rx: barW > 10 ? 2 : 0,
        }, svg('title', null, tip)));
        if (showValues && textWidth(fmt(o, v)) + 4 <= slotW) {
          bars.appendChild(svg('text', {
            class: 'chart__value', x: (x0 + barW / 2).toFixed(1), y: (v >= 0 ? y1 - 4 : y1 + 12).toFixed(1), 'text-anchor': 'middle',
          }, fmt(o, v)));
        }
      });
    });
    root.appendChild(bars);
    xLabels(root, box, cats.map((c) => c.tick ?? c.label), slotW);
    return root;
  };

  const table = dataTable(o.tableCaption || o.label,
    [o.categoryTitle || 'Период', ...series.map((s) => headOf(o, s))],
    cats.map((c, i) => [c.label, ...series.map((s) => fmt(o, s.values[i]))]));
  return chartFigure(o, o.kindName || 'grouped-bar', draw, table, legendOf(series));
}

/** Horizontal bars with their labels on the left and values at the ends (small statistics). */
export function hBarChart(o) {
  const data = o.data;
  const rowH = 28;
  const height = Math.max(1, data.length) * rowH + 8;
  const max = Math.max(0, ...data.map((d) => (isNum(d.value) ? d.value : 0))) || 1;

  const draw = (w) => {
    const root = svgRoot(o, w, height);
    const labelW = Math.min(w * 0.45, Math.max(...data.map((d) => textWidth(d.label)), 40) + 12);
    const valueW = Math.max(...data.map((d) => textWidth(withUnit(o, d.value))), 20) + 10;
    const barMax = Math.max(20, w - labelW - valueW - 4);
    data.forEach((d, i) => {
      const top = 4 + i * rowH;
      const len = isNum(d.value) ? (d.value / max) * barMax : 0;
      root.appendChild(svg('text', { class: 'chart__label', x: labelW - 10, y: top + rowH / 2, 'text-anchor': 'end', 'dominant-baseline': 'middle' }, d.label));
      root.appendChild(svg('rect', { class: 'chart__track', x: labelW, y: top + 7, width: barMax, height: rowH - 14, rx: 3 }));
      root.appendChild(svg('rect', {
        class: `chart__bar ${seriesClass(0, d.className)}`, x: labelW, y: top + 7, width: Math.max(isNum(d.value) && d.value > 0 ? 2 : 0, len).toFixed(1), height: rowH - 14, rx: 3,
      }, svg('title', null, `${d.label}: ${withUnit(o, d.value)}`)));
      root.appendChild(svg('text', { class: 'chart__value', x: labelW + len + 6, y: top + rowH / 2, 'dominant-baseline': 'middle' }, withUnit(o, d.value)));
    });
    return root;
  };

  const table = dataTable(o.tableCaption || o.label, [o.categoryTitle || 'Категория', o.valueTitle || (o.unit ? `Значение, ${o.unit}` : 'Значение')],
    data.map((d) => [d.label, fmt(o, d.value)]));
  return chartFigure(o, 'hbar', draw, table);
}

// ---------------------------------------------------------------------------
// Lines

/**
 * Lines over a numeric x (e.g. Unix seconds). A null value breaks the line.
 * xFormat(x) labels a point in tooltips and the table; xTicks: [{value,
 * label}] for the axis (default: a few evenly spread points).
 */
export function lineChart(o) {
  const xs = o.x;
  const series = o.series;
  const height = o.height || 300;
  const [lo, hi] = valueRange(series.flatMap((s) => s.values));
  const scale = niceTicks(lo, hi, 5);
  const xFormat = o.xFormat || ((v) => String(v));
  const xMin = xs.length ? Math.min(...xs) : 0;
  const xMax = xs.length ? Math.max(...xs) : 1;

  const draw = (w) => {
    const root = svgRoot(o, w, height);
    const left = leftMargin(o, scale);
    const box = { left, top: 24, width: w - left - 16, height: height - 24 - 30 };
    const y = yAxis(root, o, box, scale);
    const span = xMax - xMin || 1;
    const x = (v) => box.left + ((v - xMin) / span) * box.width;

    // X ticks: those given, thinned out to fit; else about one per 110 px.
    let ticks = o.xTicks;
    if (!ticks) {
      const count = Math.max(2, Math.min(xs.length, Math.floor(box.width / 110)));
      ticks = [];
      for (let i = 0; i < count; i += 1) {
        const idx = Math.round((i * (xs.length - 1)) / Math.max(1, count - 1));
        if (xs[idx] !== undefined) ticks.push({ value: xs[idx], label: (o.xTick || xFormat)(xs[idx]) });
      }
    }
    const widest = Math.max(1, ...ticks.map((t) => textWidth(t.label)));
    const gx = svg('g', { class: 'chart__axis chart__axis--x' });
    let lastRight = -Infinity;
    for (const t of ticks) {
      const px = x(t.value);
      if (px - widest / 2 < lastRight + 6) continue;
      lastRight = px + widest / 2;
      gx.appendChild(svg('line', { class: 'chart__grid chart__grid--x', x1: px, x2: px, y1: box.top, y2: box.top + box.height }));
      gx.appendChild(svg('text', { class: 'chart__tick', x: px, y: box.top + box.height + 16, 'text-anchor': 'middle' }, t.label));
    }
    root.appendChild(gx);

    // Hover bands with a tooltip of all series at each x.
    const bands = svg('g', { class: 'chart__bands' });
    xs.forEach((xv, i) => {
      const prev = i > 0 ? (x(xs[i - 1]) + x(xv)) / 2 : box.left;
      const next = i < xs.length - 1 ? (x(xs[i + 1]) + x(xv)) / 2 : box.left + box.width;
      const tip = [xFormat(xv), ...series.map((s) => `${s.name}: ${withUnit(o, s.values[i], s)}`)].join('\n');
      bands.appendChild(svg('rect', { class: 'chart__hover', x: prev.toFixed(1), y: box.top, width: Math.max(0.5, next - prev).toFixed(1), height: box.height },
        svg('title', null, tip)));
    });

    series.forEach((s, j) => {
      let d = '';
      let pen = false;
      s.values.forEach((v, i) => {
        if (!isNum(v)) { pen = false; return; }
        d += `${pen ? 'L' : 'M'}${x(xs[i]).toFixed(1)} ${y(v).toFixed(1)}`;
        pen = true;
      });
      const g = svg('g', { class: `chart__series ${seriesClass(j, s.className)}` });
      if (d) g.appendChild(svg('path', { class: 'chart__line', d }));
      if (xs.length <= 64) {
        s.values.forEach((v, i) => {
          if (!isNum(v)) return;
          g.appendChild(svg('circle', { class: 'chart__dot', cx: x(xs[i]).toFixed(1), cy: y(v).toFixed(1), r: 2.5 },
            svg('title', null, `${xFormat(xs[i])}, ${s.name}: ${withUnit(o, v, s)}`)));
        });
      }
      root.appendChild(g);
    });
    // The bands go on top so that their tooltips win over the lines.
    root.appendChild(bands);
    return root;
  };

  const table = dataTable(o.tableCaption || o.label,
    [o.xTitle || 'Время', ...series.map((s) => headOf(o, s))],
    xs.map((xv, i) => [xFormat(xv), ...series.map((s) => fmt(o, s.values[i]))]));
  return chartFigure(o, 'line', draw, table, legendOf(series));
}
