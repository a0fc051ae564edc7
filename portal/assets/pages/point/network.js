// «Параметры сети»: instantaneous values per phase at a moment (the latest
// by default) — U, I, P, Q, S, cos φ, the frequency — with the vector
// diagram of voltages and currents and the power of each phase.
//   GET points/<id>/network[?at=<unix ts>] → {ts, frequency, phases: [{phase, voltage, current, p, q, s, pf, angle}]}
// `angle` is taken as the lag of the phase's voltage behind that of phase A,
// in degrees (A 0, B 120, C 240, as meters report the angles between phase
// voltages); the shift φ of the current comes from P and Q (or from cos φ,
// taken as lagging).

import { h, uid } from '../../core/ui.js';
import { groupedBarChart } from '../../widgets/charts.js';
import { phasorDiagram } from '../../widgets/phasor.js';
import { resultArea } from '../../widgets/filters.js';
import { formatDateTime, formatNumber, formatValue, isNum, zonedParts, zonedTs, isIsoDate } from '../../core/format.js';
import { loader, emptyNotice, dataTable, scrollTable, stat } from '../../widgets/data-view.js';

const ORDER = { A: 1, B: 2, C: 3, S: 4 };
const pad = (n) => String(n).padStart(2, '0');

/** φ in degrees: from P and Q when both are known, else from cos φ (lagging). */
export function phiOf(p) {
  if (isNum(p.p) && isNum(p.q) && (p.p !== 0 || p.q !== 0)) return (Math.atan2(p.q, p.p) * 180) / Math.PI;
  if (isNum(p.pf) && Math.abs(p.pf) <= 1) return (Math.acos(Math.abs(p.pf)) * 180) / Math.PI;
  return null;
}

function loadCharacter(p) {
  if (!isNum(p.q) || !isNum(p.p)) return '—';
  const s = isNum(p.s) && p.s > 0 ? p.s : Math.hypot(p.p, p.q);
  if (s === 0) return 'нет нагрузки';
  if (Math.abs(p.q) / s < 0.05) return 'активная';
  return p.q > 0 ? 'активно-индуктивная' : 'активно-ёмкостная';
}

function phaseName(phase) {
  return phase === 'S' ? 'Всего' : `Фаза ${phase}`;
}

export function renderNetwork(panel, env) {
  const result = resultArea('network');
  const run = loader(env, result);
  const atId = uid('network-at');
  const at = h('input', { type: 'datetime-local', id: atId, name: 'at', class: 'input filters__date', step: 60 });
  const error = h('p', { class: 'filters__error', 'aria-live': 'polite' });

  function load(ts) {
    run(() => env.get('network', { at: ts ?? undefined }), show);
  }

  const form = h('form', {
    class: 'filters',
    dataset: { filter: 'network' },
    novalidate: true,
    onSubmit: (e) => {
      e.preventDefault();
      error.textContent = '';
      const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})/.exec(at.value);
      if (!m || !isIsoDate(m[1])) {
        error.textContent = 'Укажите дату и время или нажмите «Последние данные».';
        return;
      }
      load(zonedTs(m[1], Number(m[2]), Number(m[3]), env.tz));
    },
  },
  h('div', { class: 'filters__row' },
    h('div', { class: 'filters__item' },
      h('label', { class: 'filters__label', for: atId }, 'Момент времени'),
      at),
    h('div', { class: 'filters__item filters__submit' },
      h('button', { type: 'submit', class: 'btn btn--primary filters__apply' }, 'Показать')),
    h('div', { class: 'filters__item filters__submit' },
      h('button', { type: 'button', class: 'btn btn--secondary network-latest', onClick: () => { at.value = ''; error.textContent = ''; load(null); } },
        'Последние данные'))),
  error,
  );

  function show(data) {
    const phases = (data && Array.isArray(data.phases) ? data.phases : []).filter((p) => p && p.phase)
      .map((p) => ({ ...p, phase: String(p.phase).toUpperCase() }))
      .sort((a, b) => (ORDER[a.phase] || 9) - (ORDER[b.phase] || 9));
    if (!phases.length) return { state: 'empty', nodes: [emptyNotice('Параметров сети на этот момент нет.', 'Выберите другое время или нажмите «Последние данные».')] };
    if (isNum(data.ts) && !at.value) {
      const p = zonedParts(data.ts, env.tz);
      at.value = `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
    }
    const withPhi = phases.map((p) => ({ ...p, phi: phiOf(p) }));
    const real = withPhi.filter((p) => p.phase !== 'S');
    const vectors = real.length ? real : withPhi.map((p) => ({ ...p, phase: '' }));

    const table = dataTable({
      className: 'network-table',
      caption: `Параметры сети на ${formatDateTime(data.ts, env.tz)}`,
      columns: [
        { title: 'Фаза' },
        { title: 'U, В', numeric: true },
        { title: 'I, А', numeric: true },
        { title: 'P, кВт', numeric: true },
        { title: 'Q, квар', numeric: true },
        { title: 'S, кВ·А', numeric: true },
        { title: 'cos φ', numeric: true },
        { title: 'φ, °', numeric: true },
        { title: 'f, Гц', numeric: true },
        { title: 'Характер нагрузки' },
      ],
      rows: withPhi.map((p) => [
        phaseName(p.phase),
        formatNumber(p.voltage, { fixed: 1 }),
        formatNumber(p.current, { fixed: 2 }),
        formatNumber(p.p, { fixed: 3 }),
        formatNumber(p.q, { fixed: 3 }),
        formatNumber(p.s, { fixed: 3 }),
        formatNumber(p.pf, { fixed: 2 }),
        formatNumber(p.phi, { fixed: 1 }),
        formatNumber(isNum(p.frequency) ? p.frequency : data.frequency, { fixed: 2 }),
        loadCharacter(p),
      ]),
    });

    const total = withPhi.find((p) => p.phase === 'S');
    const sum = (k) => (total && isNum(total[k]) ? total[k] : real.reduce((s, p) => s + (isNum(p[k]) ? p[k] : 0), 0));
    const powerPhases = real.length ? real : withPhi;
    const diagramLabel = `Векторная диаграмма токов и напряжений: ${vectors.map((p) => `${p.phase ? `фаза ${p.phase}` : 'сеть'} — `
      + `U ${formatNumber(p.voltage, { digits: 1 })} В, I ${formatNumber(p.current, { digits: 2 })} А, φ ${formatNumber(p.phi, { digits: 1 })}°`).join('; ')}`;

    return {
      state: 'ready',
      nodes: [
        h('p', { class: 'network-moment' }, 'Данные на ', h('strong', null, formatDateTime(data.ts, env.tz))),
        h('div', { class: 'stats' },
          stat('Частота', formatValue(data.frequency, 'Гц', { fixed: 2 })),
          stat('P, всего', formatValue(sum('p'), 'кВт', { digits: 3 })),
          stat('Q, всего', formatValue(sum('q'), 'квар', { digits: 3 })),
          stat('S, всего', formatValue(sum('s'), 'кВ·А', { digits: 3 }))),
        scrollTable(table, 'Параметры сети по фазам'),
        h('div', { class: 'network-charts' },
          h('section', { class: 'block', 'aria-labelledby': 'network-phasor-title' },
            h('h3', { class: 'block__title', id: 'network-phasor-title' }, 'Векторная диаграмма'),
            phasorDiagram({ label: diagramLabel, phases: vectors })),
          h('section', { class: 'block', 'aria-labelledby': 'network-power-title' },
            h('h3', { class: 'block__title', id: 'network-power-title' }, 'Мощность по фазам'),
            groupedBarChart({
              label: 'Активная, реактивная и полная мощность по фазам',
              unit: 'кВт, квар, кВ·А',
              digits: 3,
              categoryTitle: 'Фаза',
              categories: powerPhases.map((p) => ({ label: phaseName(p.phase || 'S'), tick: p.phase === 'S' ? 'Всего' : p.phase })),
              series: [
                { name: 'P', unit: 'кВт', values: powerPhases.map((p) => p.p) },
                { name: 'Q', unit: 'квар', values: powerPhases.map((p) => p.q) },
                { name: 'S', unit: 'кВ·А', values: powerPhases.map((p) => p.s) },
              ],
              height: 300,
            })),
        ),
      ],
    };
  }

  panel.append(form, result.element);
  load(null);
}
