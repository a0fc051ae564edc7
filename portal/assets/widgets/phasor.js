// The vector (phasor) diagram of voltages and currents, as SVG.
//
// The voltage of phase A points up; angles are lags behind it, measured
// clockwise, as meters report the angles between phase voltages (A 0°,
// B 120°, C 240° for the normal order of phases: B lower right, C lower
// left). Voltage vectors are drawn at their angles and scaled to the largest
// voltage; current vectors are scaled to the largest current and turned
// further clockwise by φ (φ > 0: the current lags, an inductive load).
// Colours follow the Russian phase marking: A yellow, B green, C red (CSS
// classes phasor--a, phasor--b, phasor--c).
//
//   phasorDiagram({label, phases: [{phase, voltage, current, angle, phi}]})
// angle: lag of the voltage behind U_A, degrees (null → the nominal 0 / 120
// / 240); phi: degrees. Returns a <figure> with the SVG (role="img") and the
// same numbers as a visually hidden table.

import { h, svg } from '../core/ui.js';
import { formatNumber, isNum } from '../core/format.js';

const NOMINAL = { A: 0, B: 120, C: 240 };
const SUB_NAMES = { A: 'A', B: 'B', C: 'C' };

function deg(v) {
  return formatNumber(v, { digits: 1 });
}

/** A point at distance r from the centre c, at a lag of lagDeg (clockwise from the top). */
function point(c, r, lagDeg) {
  const a = ((90 - lagDeg) * Math.PI) / 180;
  return [c + r * Math.cos(a), c - r * Math.sin(a)];
}

/** A line from the centre with an arrowhead; returns a <g>. */
function vector(c, r, angleDeg, cls, tip) {
  const g = svg('g', { class: cls }, svg('title', null, tip));
  if (r < 1) return g;
  const head = Math.min(11, r * 0.4);
  const [x2, y2] = point(c, r, angleDeg);
  const [xb, yb] = point(c, r - head, angleDeg);
  const a = ((90 - angleDeg) * Math.PI) / 180;
  const px = Math.sin(a) * head * 0.42;
  const py = Math.cos(a) * head * 0.42;
  g.appendChild(svg('line', { class: 'phasor__shaft', x1: c, y1: c, x2: xb.toFixed(1), y2: yb.toFixed(1) }));
  g.appendChild(svg('polygon', {
    class: 'phasor__head',
    points: `${x2.toFixed(1)},${y2.toFixed(1)} ${(xb + px).toFixed(1)},${(yb + py).toFixed(1)} ${(xb - px).toFixed(1)},${(yb - py).toFixed(1)}`,
  }));
  return g;
}

function label(c, r, angleDeg, letter, phase, cls) {
  const [x, y] = point(c, r, angleDeg);
  return svg('text', { class: `phasor__label ${cls}`, x: x.toFixed(1), y: y.toFixed(1), 'text-anchor': 'middle', 'dominant-baseline': 'middle' },
    letter, svg('tspan', { class: 'phasor__sub', dy: 4 }, SUB_NAMES[phase] || phase));
}

/** The arc of φ between the voltage and the current of one phase. */
function phiArc(c, r, from, to, cls) {
  if (!isNum(from) || !isNum(to) || Math.abs(to - from) < 3) return null;
  const [x1, y1] = point(c, r, from);
  const [x2, y2] = point(c, r, to);
  const large = Math.abs(to - from) > 180 ? 1 : 0;
  const sweep = to > from ? 1 : 0; // a growing lag turns clockwise on screen
  return svg('path', { class: `phasor__arc ${cls}`, d: `M${x1.toFixed(1)} ${y1.toFixed(1)} A${r} ${r} 0 ${large} ${sweep} ${x2.toFixed(1)} ${y2.toFixed(1)}` });
}

export function phasorDiagram(o) {
  const size = o.size || 360;
  const c = size / 2;
  const R = c - 36;
  const phases = (o.phases || []).filter((p) => p && (isNum(p.voltage) || isNum(p.current)));
  const uMax = Math.max(0, ...phases.map((p) => (isNum(p.voltage) ? p.voltage : 0)));
  const iMax = Math.max(0, ...phases.map((p) => (isNum(p.current) ? p.current : 0)));

  const root = svg('svg', {
    class: 'phasor__svg', width: size, height: size, viewBox: `0 0 ${size} ${size}`, role: 'img', 'aria-label': o.label, focusable: 'false',
  });
  const grid = svg('g', { class: 'phasor__grid' },
    svg('circle', { cx: c, cy: c, r: R }),
    svg('circle', { cx: c, cy: c, r: R / 2 }),
    svg('line', { x1: c - R - 8, y1: c, x2: c + R + 8, y2: c }),
    svg('line', { x1: c, y1: c - R - 8, x2: c, y2: c + R + 8 }),
  );
  root.appendChild(grid);
  for (const [text, a] of [['0°', 0], ['90°', 90], ['180°', 180], ['270°', 270]]) {
    const [x, y] = point(c, R + 20, a);
    root.appendChild(svg('text', { class: 'phasor__degree', x: x.toFixed(1), y: y.toFixed(1), 'text-anchor': 'middle', 'dominant-baseline': 'middle' }, text));
  }

  const rows = [];
  for (const p of phases) {
    const name = String(p.phase || '').toUpperCase();
    const cls = /^[ABC]$/.test(name) ? `phasor--${name.toLowerCase()}` : 'phasor--single';
    const uAngle = isNum(p.angle) ? ((p.angle % 360) + 360) % 360 : (NOMINAL[name] ?? 0);
    const phi = isNum(p.phi) ? p.phi : null;
    const iAngle = phi === null ? uAngle : uAngle + phi;
    const uLen = isNum(p.voltage) && uMax > 0 ? Math.max(0.25, p.voltage / uMax) * R * 0.92 : 0;
    const iLen = isNum(p.current) && iMax > 0 ? Math.max(0.12, p.current / iMax) * R * 0.6 : 0;
    const arc = phi === null ? null : phiArc(c, R * 0.2, uAngle, iAngle, cls);
    if (arc) root.appendChild(arc);
    if (uLen) {
      root.appendChild(vector(c, uLen, uAngle, `phasor__vector phasor__vector--u ${cls}`,
        `Напряжение фазы ${name}: ${formatNumber(p.voltage, { digits: 1 })} В, угол ${deg(uAngle)}°`));
      root.appendChild(label(c, uLen + 14, uAngle, 'U', name, cls));
    }
    if (iLen) {
      root.appendChild(vector(c, iLen, iAngle, `phasor__vector phasor__vector--i ${cls}`,
        `Ток фазы ${name}: ${formatNumber(p.current, { digits: 2 })} А${phi === null ? '' : `, отстаёт от напряжения на ${deg(phi)}°`}`));
      root.appendChild(label(c, iLen + 13, iAngle, 'I', name, cls));
    }
    rows.push([name, formatNumber(p.voltage, { digits: 1 }), deg(uAngle), formatNumber(p.current, { digits: 2 }), phi === null ? '—' : deg(phi)]);
  }
  root.appendChild(svg('circle', { class: 'phasor__centre', cx: c, cy: c, r: 2.5 }));

  const table = h('div', { class: 'visually-hidden' }, h('table', { class: 'chart__table' },
    h('caption', null, o.label),
    h('thead', null, h('tr', null, ['Фаза', 'Напряжение, В', 'Угол напряжения от фазы A, °', 'Ток, А', 'Отставание тока φ, °'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, rows.map((r) => h('tr', null, h('th', { scope: 'row' }, r[0]), r.slice(1).map((v) => h('td', null, v))))),
  ));

  return h('figure', { class: 'phasor', dataset: { chart: 'phasor' } },
    o.caption ? h('figcaption', { class: 'chart__caption' }, o.caption) : null,
    h('div', { class: 'phasor__canvas' }, root),
    h('ul', { class: 'phasor__legend', 'aria-hidden': 'true' },
      h('li', null, h('span', { class: 'phasor__key phasor__key--u' }), 'напряжение U'),
      h('li', null, h('span', { class: 'phasor__key phasor__key--i' }), 'ток I, отстаёт на угол φ'),
      h('li', null, 'углы отсчитываются по часовой стрелке от напряжения фазы A'),
      ...['A', 'B', 'C'].filter((n) => phases.some((p) => String(p.phase).toUpperCase() === n))
        .map((n) => h('li', null, h('span', { class: `phasor__swatch phasor--${n.toLowerCase()}` }), `фаза ${n}`)),
    ),
    table,
  );
}
