// Numbers, dates and times in Russian, and dates in the tenant's time zone.
//
// The API gives moments as Unix seconds (UTC) and takes dates as
// "YYYY-MM-DD" meaning days of the tenant's time zone (GET tenant →
// timezone). Everything shown is written in that zone too, so a consumer in
// Оренбург and the one in Владимир read their meters in local time.

/** What an empty value is shown as. */
export const DASH = '—';

const numberFormats = new Map();

function numberFormat(min, max) {
  const key = `${min}:${max}`;
  if (!numberFormats.has(key)) {
    numberFormats.set(key, new Intl.NumberFormat('ru-RU', { minimumFractionDigits: min, maximumFractionDigits: max }));
  }
  return numberFormats.get(key);
}

/** True for a finite number (not null, not a string). */
export function isNum(v) {
  return typeof v === 'number' && Number.isFinite(v);
}

/**
 * A number in Russian notation: 5 051,398 (no-break space between groups,
 * comma before the fraction). digits: the most fraction digits; fixed: as
 * many always. Anything that is not a number is «—».
 */
export function formatNumber(v, { digits = null, fixed = null } = {}) {
  if (!isNum(v)) return DASH;
  const min = fixed === null ? 0 : fixed;
  const max = fixed === null ? (digits ?? 2) : Math.max(fixed, digits ?? fixed);
  return numberFormat(min, max).format(v);
}

/** A number with its unit: «5 051,398 кВт·ч»; «—» without a number. */
export function formatValue(v, unit, options) {
  if (!isNum(v)) return DASH;
  return unit ? `${formatNumber(v, options)}\u00a0${unit}` : formatNumber(v, options);
}

/** A change in per cent with its sign: «+12,5 %», «−3 %», «0 %». */
export function formatPercent(v, digits = 1) {
  if (!isNum(v)) return DASH;
  const abs = formatNumber(Math.abs(v), { digits });
  if (abs === formatNumber(0, { digits })) return `0\u00a0%`;
  return `${v > 0 ? '+' : '\u2212'}${abs}\u00a0%`;
}

/** A text value or «—» when it is empty. */
export function textOrDash(v) {
  if (v === undefined || v === null) return DASH;
  const s = String(v).trim();
  return s === '' ? DASH : s;
}

// ---------------------------------------------------------------------------
// Time zones

const dateFormats = new Map();

function partsFormat(tz) {
  const key = tz || '';
  if (!dateFormats.has(key)) {
    const options = {
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
    };
    try {
      dateFormats.set(key, new Intl.DateTimeFormat('en-GB', { ...options, timeZone: tz || undefined }));
    } catch {
      dateFormats.set(key, new Intl.DateTimeFormat('en-GB', options)); // an unknown zone: the browser's own
    }
  }
  return dateFormats.get(key);
}

/** The calendar parts of a moment (Unix seconds) in a time zone: {year, month (1-12), day, hour, minute, second, weekday (1=Mon)}. */
export function zonedParts(ts, tz) {
  const out = {};
  for (const p of partsFormat(tz).formatToParts(new Date(ts * 1000))) {
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  }
  if (out.hour === 24) out.hour = 0;
  const wd = new Date(Date.UTC(out.year, out.month - 1, out.day)).getUTCDay();
  out.weekday = wd === 0 ? 7 : wd;
  return out;
}

const pad = (n, w = 2) => String(n).padStart(w, '0');

/** "YYYY-MM-DD" of a moment in the zone. */
export function isoDateIn(ts, tz) {
  const p = zonedParts(ts, tz);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** Today's date in the zone, "YYYY-MM-DD". */
export function todayIn(tz) {
  return isoDateIn(Math.floor(Date.now() / 1000), tz);
}

/** The Unix seconds of a wall-clock time ("YYYY-MM-DD", hours, minutes) in the zone. */
export function zonedTs(isoDate, hour = 0, minute = 0, tz = null) {
  const [y, m, d] = String(isoDate).split('-').map(Number);
  const wall = Date.UTC(y, m - 1, d, hour, minute) / 1000;
  let ts = wall;
  // Two rounds settle the zone's offset, also next to a change of offset.
  for (let i = 0; i < 2; i += 1) {
    const p = zonedParts(ts, tz);
    const seen = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) / 1000;
    ts += wall - seen;
  }
  return ts;
}

/** True for a string "YYYY-MM-DD" naming a real date. */
export function isIsoDate(s) {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const [y, m, d] = s.split('-').map(Number);
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

function isoOfUtc(dt) {
  return `${pad(dt.getUTCFullYear(), 4)}-${pad(dt.getUTCMonth() + 1)}-${pad(dt.getUTCDate())}`;
}

function utcOfIso(iso) {
  const [y, m, d] = String(iso).split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}

/** A date n days later (earlier for n < 0). */
export function addDays(iso, n) {
  const dt = utcOfIso(iso);
  dt.setUTCDate(dt.getUTCDate() + n);
  return isoOfUtc(dt);
}

/** The first day of the month n months from the month of iso. */
export function monthStart(iso, n = 0) {
  const dt = utcOfIso(iso);
  return isoOfUtc(new Date(Date.UTC(dt.getUTCFullYear(), dt.getUTCMonth() + n, 1)));
}

/** The Monday of the week of iso. */
export function weekStart(iso) {
  const dt = utcOfIso(iso);
  const wd = dt.getUTCDay() === 0 ? 7 : dt.getUTCDay();
  return addDays(iso, 1 - wd);
}

/** Days from a to b ("YYYY-MM-DD"), b − a. */
export function daysBetween(a, b) {
  return Math.round((utcOfIso(b) - utcOfIso(a)) / 86400000);
}

// ---------------------------------------------------------------------------
// Dates and times as text

export const MONTHS = ['январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август', 'сентябрь', 'октябрь', 'ноябрь', 'декабрь'];
export const MONTHS_GENITIVE = ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля', 'августа', 'сентября', 'октября', 'ноября', 'декабря'];
export const MONTHS_SHORT = ['янв', 'фев', 'мар', 'апр', 'май', 'июн', 'июл', 'авг', 'сен', 'окт', 'ноя', 'дек'];

const capital = (s) => s.charAt(0).toUpperCase() + s.slice(1);

/** «01.10.2024» of a moment in the zone. */
export function formatDate(ts, tz) {
  if (!isNum(ts)) return DASH;
  const p = zonedParts(ts, tz);
  return `${pad(p.day)}.${pad(p.month)}.${p.year}`;
}

/** «01.10.2024 19:26» of a moment in the zone. */
export function formatDateTime(ts, tz) {
  if (!isNum(ts)) return DASH;
  const p = zonedParts(ts, tz);
  return `${pad(p.day)}.${pad(p.month)}.${p.year} ${pad(p.hour)}:${pad(p.minute)}`;
}

/** «19:26» of a moment in the zone. */
export function formatTime(ts, tz) {
  if (!isNum(ts)) return DASH;
  const p = zonedParts(ts, tz);
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

/** «2024-10-01» → «01.10.2024»; anything else as it is, empty as «—». */
export function formatIsoDate(iso) {
  if (typeof iso !== 'string' || iso.trim() === '') return DASH;
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso.trim());
  return m ? `${m[3]}.${m[2]}.${m[1]}` : iso.trim();
}

/** «2026-10» → «Октябрь 2026»; short: «окт 2026». Anything else as it is. */
export function formatMonth(period, { short = false } = {}) {
  const m = /^(\d{4})-(\d{2})$/.exec(String(period ?? '').trim());
  if (!m) return textOrDash(period);
  const i = Number(m[2]) - 1;
  if (i < 0 || i > 11) return String(period);
  return short ? `${MONTHS_SHORT[i]} ${m[1]}` : `${capital(MONTHS[i])} ${m[1]}`;
}

/** «1 октября 2024» of "YYYY-MM-DD". */
export function formatLongDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(iso ?? ''));
  if (!m) return textOrDash(iso);
  return `${Number(m[3])} ${MONTHS_GENITIVE[Number(m[2]) - 1]} ${m[1]}`;
}

/**
 * A moment (Unix seconds) as people read it in lists, in the zone: «сегодня в 14:05», «вчера в 09:12»,
 * «25 октября в 14:05» this year, «25 октября 2022 в 14:05» before.
 */
export function formatMoment(ts, tz) {
  if (!isNum(ts)) return DASH;
  const p = zonedParts(ts, tz);
  const day = isoDateIn(ts, tz);
  const today = todayIn(tz);
  const time = `${pad(p.hour)}:${pad(p.minute)}`;
  if (day === today) return `сегодня в ${time}`;
  if (day === addDays(today, -1)) return `вчера в ${time}`;
  const date = `${p.day} ${MONTHS_GENITIVE[p.month - 1]}`;
  return day.slice(0, 4) === today.slice(0, 4) ? `${date} в ${time}` : `${date} ${p.year} в ${time}`;
}

// ---------------------------------------------------------------------------
// Identifiers, as people write them

function digitsOf(v) {
  return String(v ?? '').replace(/\D/g, '');
}

/** СНИЛС as «118-452-306 44»; anything that is not 11 digits is returned as given. */
export function formatSnils(v) {
  const d = digitsOf(v);
  if (d.length !== 11) return textOrDash(v);
  return `${d.slice(0, 3)}-${d.slice(3, 6)}-${d.slice(6, 9)} ${d.slice(9)}`;
}

/** A Russian mobile number as «+7 (916) 123-45-67» (from +7…, 8… or 10 digits); others as given. */
export function formatPhone(v) {
  let d = digitsOf(v);
  if (d.length === 11 && (d[0] === '7' || d[0] === '8')) d = d.slice(1);
  if (d.length !== 10) return textOrDash(v);
  return `+7\u00a0(${d.slice(0, 3)})\u00a0${d.slice(3, 6)}-${d.slice(6, 8)}-${d.slice(8)}`;
}

/**
 * A login or identifier by its kind ("snils", "phone", "email", "ogrn", "ogrnip", "inn", "account", …):
 * СНИЛС and phones formatted, the rest as given; «—» when empty.
 */
export function formatIdentifier(kind, v) {
  if (kind === 'snils') return formatSnils(v);
  if (kind === 'phone') return formatPhone(v);
  return textOrDash(v);
}
