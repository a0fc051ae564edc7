// «Трансформаторы»: current and voltage transformers of the meter, by phase
// (from GET points/<id>: transformers [{kind, phase, model, serial, ratio, accuracy_class, verified_on}]).
// The tab is not shown when the meter is connected directly.

import { h } from '../../core/ui.js';
import { formatIsoDate, textOrDash } from '../../core/format.js';
import { dataTable, scrollTable } from '../../widgets/data-view.js';

const KINDS = [
  { id: 'current', title: 'Трансформаторы тока' },
  { id: 'voltage', title: 'Трансформаторы напряжения' },
];

export function renderTransformers(panel, env) {
  const list = Array.isArray(env.transformers) ? env.transformers.filter(Boolean) : [];
  const known = new Set(KINDS.map((k) => k.id));
  const groups = [...KINDS, ...[...new Set(list.map((t) => t.kind).filter((k) => !known.has(k)))].map((id) => ({ id, title: `Трансформаторы: ${id}` }))];
  const sections = groups.map((g) => {
    const rows = list.filter((t) => t.kind === g.id).sort((a, b) => String(a.phase).localeCompare(String(b.phase)));
    if (!rows.length) return null;
    const titleId = `transformers-${g.id}-title`;
    return h('section', { class: 'block', 'aria-labelledby': titleId, dataset: { kind: g.id } },
      h('h3', { class: 'block__title', id: titleId }, g.title),
      scrollTable(dataTable({
        className: 'transformers-table',
        columns: [
          { title: 'Фаза' }, { title: 'Тип и модификация' }, { title: 'Заводской номер' },
          { title: 'Коэффициент трансформации' }, { title: 'Класс точности' }, { title: 'Дата поверки' },
        ],
        rows: rows.map((t) => [
          `Фаза ${textOrDash(t.phase)}`, textOrDash(t.model), textOrDash(t.serial), textOrDash(t.ratio),
          textOrDash(t.accuracy_class), formatIsoDate(t.verified_on),
        ]),
      }), g.title));
  });
  panel.append(h('div', { class: 'result', dataset: { result: 'transformers', state: 'ready' } },
    h('p', { class: 'muted' }, 'Прибор учёта включён через измерительные трансформаторы: показания прибора умножаются на коэффициенты трансформации.'),
    sections));
}
