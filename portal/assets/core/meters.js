// What the metering pages share: names of energies, tariff zones, event
// categories; contracts and accounts as text; the tenant's modules and settings.

import { formatNumber, isNum, DASH } from './format.js';

/** Directions of energy the registers count (readings, consumption). */
export const ENERGIES = [
  { id: 'A+', label: 'Активная энергия, приём (A+)', short: 'A+', unit: 'кВт·ч' },
  { id: 'A-', label: 'Активная энергия, отдача (A−)', short: 'A−', unit: 'кВт·ч' },
  { id: 'R+', label: 'Реактивная энергия, приём (R+)', short: 'R+', unit: 'квар·ч' },
  { id: 'R-', label: 'Реактивная энергия, отдача (R−)', short: 'R−', unit: 'квар·ч' },
];

export function energyOf(id) {
  return ENERGIES.find((e) => e.id === id) || ENERGIES[0];
}

export const TARIFF_KEYS = ['t1', 't2', 't3', 't4'];

/** Names of the zones of a day by the number of zones (Т1 is the day or the peak). */
const ZONE_NAMES = {
  2: { t1: 'день', t2: 'ночь' },
  3: { t1: 'пик', t2: 'ночь', t3: 'полупик' },
};

/** «Т1», or «Т1 (день)» when the meter counts several zones. */
export function zoneLabel(key, zones) {
  const base = `Т${key.slice(1)}`;
  const name = ZONE_NAMES[zones] && ZONE_NAMES[zones][key];
  return name ? `${base} (${name})` : base;
}

/**
 * The tariff columns to show for rows: the meter's zones, and any other
 * zone that has a value (a meter reprogrammed in the period).
 */
export function zoneKeys(rows, zones) {
  const n = Number.isInteger(zones) && zones > 0 ? Math.min(zones, 4) : 0;
  const keys = TARIFF_KEYS.filter((k, i) => (n > 1 && i < n) || rows.some((r) => r && isNum(r[k])));
  // One zone: the total says it all, a lone Т1 column would repeat it.
  if (keys.length === 1 && rows.every((r) => !r || !isNum(r.total) || !isNum(r[keys[0]]) || r.total === r[keys[0]])) return [];
  return keys;
}

/** «Т1 — 5 051,398; Т2 — 2 499,567», or the total alone for a one-zone meter. */
export function readingText(latest, zones, digits = 3) {
  if (!latest) return DASH;
  const keys = zoneKeys([latest], zones).filter((k) => isNum(latest[k]));
  if (!keys.length) return isNum(latest.total) ? formatNumber(latest.total, { fixed: digits }) : DASH;
  const parts = keys.map((k) => `Т${k.slice(1)} — ${formatNumber(latest[k], { fixed: digits })}`);
  if (isNum(latest.total) && keys.length > 1) parts.push(`сумма — ${formatNumber(latest.total, { fixed: digits })}`);
  return parts.join('; ');
}

export const RESOURCES = {
  electricity: 'Электроснабжение',
  heat: 'Теплоснабжение',
  water: 'Водоснабжение',
  gas: 'Газоснабжение',
};

export const TARIFFS = {
  T1: 'Одноставочный, круглосуточный (одна зона)',
  T2: 'Двухзонный (день / ночь)',
  T3: 'Трёхзонный (пик / полупик / ночь)',
};

export const CONTRACT_KINDS = {
  supply: 'Энергоснабжение',
  sale: 'Купля-продажа электрической энергии',
  transmission: 'Оказание услуг по передаче электрической энергии',
  connection: 'Технологическое присоединение',
};

/** Event categories of meter journals (the server's codes). */
export const CATEGORIES = {
  tamper: 'Вмешательство',
  power: 'Питание',
  clock: 'Коррекция часов',
  voltage: 'Напряжение',
  config: 'Параметры и программирование',
  firmware: 'Встроенное ПО',
  communication: 'Связь',
  self_test: 'Самодиагностика',
};

export const SEVERITIES = {
  info: 'Информация',
  warning: 'Предупреждение',
  alarm: 'Авария',
};

export const SOURCES = {
  driver: 'прибор учёта',
  connector: 'поставщик',
  consumer: 'потребитель',
  operator: 'оператор',
  demo: 'демонстрационные данные',
};

export const READING_KINDS = {
  billing: 'Расчётные',
  latest: 'Текущие',
};

export function categoryLabel(id) {
  return CATEGORIES[id] || String(id || DASH);
}

export function severityLabel(id) {
  return SEVERITIES[id] || String(id || DASH);
}

/** An account or a contract of a point as text: it may come as a number or as an object. */
export function refText(v) {
  if (v === undefined || v === null || v === '') return DASH;
  if (typeof v === 'object') return String(v.title || v.number || v.id || DASH);
  return String(v);
}

/** The name of a contract in lists: its title, else «Договор № …». */
export function contractName(c) {
  const title = c && typeof c.title === 'string' ? c.title.trim() : '';
  if (title && title !== String(c.number ?? '').trim()) return title;
  return c && c.number ? `Договор № ${c.number}` : 'Договор';
}

// ---------------------------------------------------------------------------
// Modules and settings of the tenant (GET tenant → modules, settings)

/** True when the tenant has the module ("manual_readings", "archive", "reports", …). */
export function hasModule(tenant, id) {
  const list = tenant && Array.isArray(tenant.modules) ? tenant.modules : [];
  return list.some((m) => (typeof m === 'string' ? m : m && m.id) === id);
}

/**
 * The tenant's policy of manual readings (settings.manual_readings):
 * {approval: 'auto' | 'operator', window?: {from_day, to_day}, max_daily_kwh?, virtual_meters?, non_smart_only?, polled_meters?, label?}.
 * Without `approval` the server asks the operator.
 */
export function manualPolicy(tenant) {
  const s = tenant && tenant.settings && tenant.settings.manual_readings;
  const p = s && typeof s === 'object' ? { ...s } : {};
  if (p.approval !== 'auto') p.approval = 'operator';
  return p;
}

/**
 * True when readings of this meter may be submitted in the cabinet. The server says so for each point
 * (`manual_readings: {allowed, reason}`: not for meters it polls itself or smart meters whose data come by
 * themselves, unless the tenant allows it); without that answer, the tenant's policy decides.
 */
export function manualAllowed(tenant, meter, availability) {
  if (!hasModule(tenant, 'manual_readings')) return false;
  if (availability && typeof availability.allowed === 'boolean') return availability.allowed;
  if (meter && meter.polled === true && manualPolicy(tenant).polled_meters !== true) return false;
  return !(manualPolicy(tenant).non_smart_only && meter && meter.smart === true);
}

/** A meter's type as people read it: «ФОБОС 1 NB-Fi 5(80) А», «Энергомера CE308 S31…», not the model twice when the modification repeats it. */
export function modelText(meter) {
  const model = meter && meter.model ? String(meter.model).trim() : '';
  const modification = meter && meter.modification ? String(meter.modification).trim() : '';
  if (!modification) return model;
  if (!model || modification.toLowerCase().startsWith(model.toLowerCase())) return modification;
  // «Энергомера CE308» + «CE308 S31…»: the modification begins with the model's last word.
  const first = modification.split(/\s+/)[0];
  if (model.toLowerCase().endsWith(first.toLowerCase())) return `${model}${modification.slice(first.length)}`;
  return `${model} ${modification}`;
}

/** The tab's name: the tenant's own (`label`), «Ручной ввод» where an operator checks the readings, else «Передать показания». */
export function manualLabel(tenant) {
  const p = manualPolicy(tenant);
  if (typeof p.label === 'string' && p.label.trim()) return p.label.trim();
  return p.approval === 'operator' ? 'Ручной ввод' : 'Передать показания';
}

/** True when the tenant lets consumers register their own (virtual) meters for manual readings (ВГЭС). */
export function virtualMetersAllowed(tenant) {
  return hasModule(tenant, 'manual_readings') && manualPolicy(tenant).virtual_meters === true;
}

/** States of a submitted reading. */
export const MANUAL_STATES = {
  pending: 'на проверке',
  accepted: 'принято',
  rejected: 'отклонено',
};

/** Scopes of access an operator grants. */
export const GRANT_SCOPES = {
  account: 'Лицевой счёт',
  contract: 'Договор',
  point: 'Точка учёта',
};

/** How a consumer got access to something. */
export const GRANT_WAYS = {
  operator_grant: 'открыт оператором',
  account_number: 'добавлен по номеру лицевого счёта',
  ogrn_contract: 'по ОГРН и номеру договора',
  supplier_login: 'по договору с поставщиком',
  virtual: 'прибор учёта потребителя',
};
