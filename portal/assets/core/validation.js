// Client-side hints for form fields. They only help a person fill the form
// before it is sent: the server checks everything again (check digits of
// СНИЛС/ИНН/ОГРН/ОГРНИП, uniqueness, password policy) and its answer wins.

import { plural } from './ui.js';

/**
 * «N символов» after «не менее», «не более», «до» (the genitive, by ui.js plural):
 * 1 символа, 3 символов, 21 символа, 64 символов — as the server's kabinet.validators.chars_genitive.
 */
export function charsGenitive(n) {
  return `${n} ${plural(n, ['символа', 'символов', 'символов'])}`;
}

/** Types whose value is a string of digits; spaces and hyphens are allowed while typing. */
export const DIGIT_TYPES = {
  snils: { lengths: [11], message: 'СНИЛС состоит из 11 цифр' },
  inn: { lengths: [10, 12], message: 'ИНН состоит из 10 цифр (организация) или 12 цифр (физическое лицо, ИП)' },
  inn10: { lengths: [10], message: 'ИНН организации состоит из 10 цифр' },
  inn12: { lengths: [12], message: 'ИНН состоит из 12 цифр' },
  ogrn: { lengths: [13], message: 'ОГРН состоит из 13 цифр' },
  ogrnip: { lengths: [15], message: 'ОГРНИП состоит из 15 цифр' },
  postcode: { lengths: [6], message: 'Почтовый индекс состоит из 6 цифр' },
  code: { lengths: [6], message: 'Код состоит из 6 цифр' },
};

const EMAIL_RE = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/** Removes the separators people type inside numbers. */
export function stripSeparators(value) {
  return String(value ?? '').replace(/[\s\-‐-―]/g, '');
}

/** True when the value counts as "not filled in". */
export function isEmpty(value) {
  if (value === undefined || value === null) return true;
  if (typeof value === 'boolean') return false;
  if (Array.isArray(value)) return value.length === 0;
  return String(value).trim() === '';
}

function checkPhone(value) {
  const raw = String(value).trim();
  if (/[^\d\s()+\-.]/.test(raw)) return 'Номер телефона может содержать только цифры, пробелы, скобки, дефисы и знак +';
  const digits = raw.replace(/\D/g, '');
  const ok = (digits.length === 10 && /^[3-9]/.test(digits)) || (digits.length === 11 && /^[78]/.test(digits));
  return ok ? null : 'Введите номер телефона полностью, например +7 900 123-45-67';
}

function checkDate(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(value));
  if (!m) return 'Введите дату в формате ДД.ММ.ГГГГ';
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  if (d.getUTCFullYear() !== +m[1] || d.getUTCMonth() !== +m[2] - 1 || d.getUTCDate() !== +m[3]) return 'Такой даты не существует';
  return null;
}

// ---------------------------------------------------------------------------
// Password policy of the tenant (forms/registration → password_policy):
// {min_length, max_length, require_letter, require_upper, require_lower,
//  require_digit, require_special, latin_only}.

const POLICY_RULES = [
  { key: 'latin_only', hint: 'только латинские буквы, цифры и специальные символы, без пробелов',
    error: 'Пароль может содержать только латинские буквы, цифры и специальные символы', test: (v) => /^[\x21-\x7e]*$/.test(v) },
  { key: 'require_letter', hint: 'хотя бы одна буква', error: 'Пароль должен содержать хотя бы одну букву', test: (v) => /\p{L}/u.test(v) },
  { key: 'require_upper', hint: 'хотя бы одна заглавная буква', error: 'Пароль должен содержать хотя бы одну заглавную букву', test: (v) => /\p{Lu}/u.test(v) },
  { key: 'require_lower', hint: 'хотя бы одна строчная буква', error: 'Пароль должен содержать хотя бы одну строчную букву', test: (v) => /\p{Ll}/u.test(v) },
  { key: 'require_digit', hint: 'хотя бы одна цифра', error: 'Пароль должен содержать хотя бы одну цифру', test: (v) => /\d/.test(v) },
  { key: 'require_special', hint: 'хотя бы один специальный символ, например ! ? # %', error: 'Пароль должен содержать хотя бы один специальный символ', test: (v) => /[^\p{L}\p{N}\s]/u.test(v) },
];

/** The policy as a short Russian sentence for a field hint, or null without rules. */
export function passwordPolicyHint(policy) {
  if (!policy || typeof policy !== 'object') return null;
  const parts = [];
  const min = Number.isFinite(policy.min_length) ? policy.min_length : null;
  const max = Number.isFinite(policy.max_length) ? policy.max_length : null;
  if (min && max) parts.push(`от ${min} до ${charsGenitive(max)}`);
  else if (min) parts.push(`не менее ${charsGenitive(min)}`);
  else if (max) parts.push(`не более ${charsGenitive(max)}`);
  for (const r of POLICY_RULES) if (policy[r.key]) parts.push(r.hint);
  if (!parts.length) return null;
  const text = `Пароль: ${parts.join('; ')}`;
  return text;
}

/** The first rule of the policy the password breaks, as a message, or null. */
export function checkPasswordPolicy(policy, value) {
  if (!policy || typeof policy !== 'object') return null;
  const str = String(value ?? '');
  const len = [...str].length;
  if (Number.isFinite(policy.min_length) && len < policy.min_length) {
    return `Пароль должен быть не короче ${charsGenitive(policy.min_length)}`;
  }
  if (Number.isFinite(policy.max_length) && len > policy.max_length) {
    return `Пароль должен быть не длиннее ${charsGenitive(policy.max_length)}`;
  }
  for (const r of POLICY_RULES) if (policy[r.key] && !r.test(str)) return r.error;
  return null;
}

/**
 * Checks one field. Returns a Russian message or null.
 * @param {object} field   the field definition from the server
 * @param {any}    value   the field's current value (already normalised)
 * @param {(name: string) => any} valueOf  reads another field's value (for same_as)
 * @param {(name: string) => object|undefined} [fieldOf]  another field's definition (for labels)
 */
export function validateField(field, value, valueOf, fieldOf) {
  const type = field.type || 'text';
  if (type === 'boolean') {
    if (field.required && field.must_be_true && value !== true) return 'Необходимо подтвердить';
    return null;
  }
  if (isEmpty(value)) {
    if (!field.required) return null;
    if (type === 'select' || type === 'street') return 'Выберите значение из списка';
    if (type === 'password_confirm') return 'Повторите пароль';
    return 'Заполните это поле';
  }
  const str = String(value);

  const digitRule = DIGIT_TYPES[type];
  if (digitRule) {
    if (!/^\d+$/.test(str)) return `${digitRule.message}: допускаются только цифры`;
    if (!digitRule.lengths.includes(str.length)) return digitRule.message;
  }
  if (type === 'email' && !EMAIL_RE.test(str)) return 'Введите адрес электронной почты, например ivanov@mail.ru';
  if (type === 'phone') {
    const msg = checkPhone(str);
    if (msg) return msg;
  }
  if (type === 'date') {
    const msg = checkDate(str);
    if (msg) return msg;
  }
  if (type === 'decimal' && !/^\d+([.,]\d+)?$/.test(str)) return 'Введите число, например 5051,398';
  if ((type === 'select' || type === 'street') && Array.isArray(field.options) && field.options.length) {
    if (!field.options.some((o) => String(o.value) === str)) return 'Выберите значение из списка';
  }

  const len = [...str].length;
  if (Number.isFinite(field.min_length) && len < field.min_length) {
    return `Не менее ${charsGenitive(field.min_length)}`;
  }
  if (Number.isFinite(field.max_length) && len > field.max_length) {
    return `Не более ${charsGenitive(field.max_length)} (сейчас ${len})`;
  }

  if (type === 'password' && field.policy) {
    const msg = checkPasswordPolicy(field.policy, str);
    if (msg) return msg;
  }

  const sameAs = field.same_as || (type === 'password_confirm' ? 'password' : null);
  if (sameAs && valueOf) {
    const other = valueOf(sameAs);
    if (other !== undefined && String(other) !== str) {
      if (type === 'password_confirm' || (fieldOf && fieldOf(sameAs)?.type === 'password')) return 'Пароли не совпадают';
      const label = fieldOf && fieldOf(sameAs)?.label;
      return label ? `Значение не совпадает с полем «${label}»` : 'Значения не совпадают';
    }
  }
  return null;
}
