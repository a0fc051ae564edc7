// «Общая информация»: every field of the metering point and of its meter,
// «—» where the utility has nothing.

import { h, plural, notice } from '../../core/ui.js';
import { textOrDash, formatIsoDate, formatDateTime, formatValue, isNum, DASH, daysBetween, isIsoDate } from '../../core/format.js';
import { RESOURCES, TARIFFS, refText, readingText, modelText } from '../../core/meters.js';

function row(name, label, value) {
  const text = value === undefined || value === null || value === '' ? DASH : value;
  return h('div', { class: 'info-list__row', dataset: { field: name } },
    h('dt', null, label),
    h('dd', { class: text === DASH ? 'is-empty' : null }, text));
}

function withUnitIfBare(v, unit) {
  const s = textOrDash(v);
  return s !== DASH && /^[\d\s.,/*×x-]+$/.test(s) ? `${s} ${unit}` : s;
}

function years(n) {
  return isNum(n) ? `${n} ${plural(n, ['год', 'года', 'лет'])}` : DASH;
}

/** The meter's verification: due, overdue or fine. */
function verificationNotice(meter, today) {
  const next = meter && meter.next_verification_on;
  if (!isIsoDate(next)) return null;
  const left = daysBetween(today, next);
  if (left < 0) {
    return notice('error', h('strong', null, `Срок поверки прибора учёта истёк ${formatIsoDate(next)}.`),
      h('p', null, 'Показания прибора с истёкшим сроком поверки не принимаются для расчётов. Обратитесь в сетевую организацию.'));
  }
  if (left <= 90) {
    return notice('info', h('strong', null, `Срок поверки прибора учёта истекает ${formatIsoDate(next)}.`));
  }
  return null;
}

export function renderGeneral(panel, env) {
  const { point = {}, meter = {}, latest, tz } = env;
  const listed = env.listed || {};
  const model = modelText(meter);
  const phases = isNum(meter.phases) ? (meter.phases === 3 ? 'Трёхфазный' : meter.phases === 1 ? 'Однофазный' : String(meter.phases)) : DASH;
  const limit = isNum(point.power_limit_kw) ? formatValue(point.power_limit_kw, 'кВт') : textOrDash(point.power_limit);

  const pointList = h('dl', { class: 'info-list' },
    row('name', 'Название точки учёта', textOrDash(point.name)),
    row('number', 'Номер точки учёта', textOrDash(point.number)),
    row('resource', 'Тип ресурса', RESOURCES[point.resource] || textOrDash(point.resource)),
    row('address', 'Адрес', textOrDash(point.address)),
    row('installation_place', 'Место установки', textOrDash(point.installation_place)),
    row('commissioned_on', 'Дата ввода в эксплуатацию', formatIsoDate(point.commissioned_on)),
    row('tariff', 'Установленный тариф', TARIFFS[point.tariff] || textOrDash(point.tariff)),
    row('power_limit_kw', 'Значение лимита мощности', limit),
    row('account', 'Лицевой счёт', refText(point.account ?? point.account_number ?? listed.account)),
    row('contract', 'Договор', refText(point.contract ?? point.contract_number ?? listed.contract)),
    row('latest_ts', 'Дата последних показаний', latest ? formatDateTime(latest.ts, tz) : DASH),
    row('latest', 'Последние показания, кВт·ч', readingText(latest, meter.tariff_zones)),
  );

  const meterList = h('dl', { class: 'info-list' },
    row('model', 'Тип и модификация прибора учёта', model || DASH),
    row('serial', 'Заводской номер', textOrDash(meter.serial)),
    row('register_number', 'Регистрационный номер СИ', textOrDash(meter.register_number)),
    row('accuracy_class', 'Класс точности', textOrDash(meter.accuracy_class)),
    row('nominal_voltage', 'Номинальное напряжение', withUnitIfBare(meter.nominal_voltage, 'В')),
    row('current_range', 'Базовый / максимальный ток', withUnitIfBare(meter.current_range, 'А')),
    row('phases', 'Число фаз', phases),
    row('tariff_zones', 'Число тарифных зон', isNum(meter.tariff_zones) ? String(meter.tariff_zones) : DASH),
    row('smart', 'Интеллектуальный прибор учёта', meter.smart === true ? 'Да' : meter.smart === false ? 'Нет' : DASH),
    row('installed_on', 'Дата установки', formatIsoDate(meter.installed_on)),
    row('verified_on', 'Дата последней поверки', formatIsoDate(meter.verified_on)),
    row('verification_years', 'Межповерочный интервал', years(meter.verification_years)),
    row('next_verification_on', 'Дата следующей поверки', formatIsoDate(meter.next_verification_on)),
  );

  panel.append(
    h('div', { class: 'result point-general', dataset: { result: 'general', state: 'ready' } },
      verificationNotice(meter, env.today),
      meter.smart === true
        ? h('p', { class: 'muted point-general__smart' },
          'Прибор входит в интеллектуальную систему учёта: доступны профиль мощности, журнал событий и параметры сети '
          + '(минимальный набор функций по постановлению Правительства РФ от 19.06.2020 № 890).')
        : null,
      h('div', { class: 'info-grid' },
        h('section', { class: 'card info-card', 'aria-labelledby': 'general-point-title' },
          h('h2', { class: 'section-title', id: 'general-point-title' }, 'Точка учёта'),
          pointList),
        h('section', { class: 'card info-card', 'aria-labelledby': 'general-meter-title' },
          h('h2', { class: 'section-title', id: 'general-meter-title' }, 'Прибор учёта'),
          meterList),
      ),
    ),
  );
}
