// Small DOM helpers. Everything is built with createElement/textContent:
// no HTML strings, so text from the server can never turn into markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

// Attributes that are better set as DOM properties than as attributes.
const PROPS = new Set(['value', 'checked', 'selected', 'disabled', 'hidden', 'indeterminate', 'multiple', 'readOnly', 'required']);

function applyAttrs(el, attrs, isSvg) {
  if (!attrs) return;
  for (const [key, val] of Object.entries(attrs)) {
    if (val === undefined || val === null || val === false) continue;
    if (key === 'class' || key === 'className') {
      const cls = classNames(val);
      if (cls) el.setAttribute('class', cls);
    } else if (key === 'style' && typeof val === 'object') {
      for (const [prop, v] of Object.entries(val)) {
        if (v === undefined || v === null) continue;
        if (prop.startsWith('--') || prop.includes('-')) el.style.setProperty(prop, String(v));
        else el.style[prop] = v;
      }
    } else if (key === 'dataset' && typeof val === 'object') {
      for (const [k, v] of Object.entries(val)) if (v !== undefined && v !== null) el.dataset[k] = String(v);
    } else if (key.startsWith('on') && typeof val === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), val);
    } else if (key === 'ref' && typeof val === 'function') {
      val(el);
    } else if (!isSvg && PROPS.has(key)) {
      el[key] = val;
    } else if (key === 'htmlFor' || key === 'for') {
      el.setAttribute('for', val);
    } else {
      el.setAttribute(key, val === true ? '' : String(val));
    }
  }
}

function appendChildren(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false || child === true) continue;
    if (Array.isArray(child)) appendChildren(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/**
 * Creates an element: h('button', {class: 'btn', onClick: fn}, 'Текст').
 * attrs: class (string, array or {name: bool}), style (object), dataset (object),
 * onXxx (event listeners), ref (called with the element), boolean attributes
 * (true → present, false/null/undefined → absent), anything else as an attribute.
 * children: nodes, strings, numbers, arrays of them; null/false are skipped.
 */
export function h(tag, attrs, ...children) {
  if (attrs instanceof Node || typeof attrs === 'string' || Array.isArray(attrs)) {
    children.unshift(attrs);
    attrs = null;
  }
  const el = document.createElement(tag);
  applyAttrs(el, attrs, false);
  appendChildren(el, children);
  return el;
}

/** Same as h() for SVG elements (charts, icons). */
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  applyAttrs(el, attrs, true);
  appendChildren(el, children);
  return el;
}

/** A fragment of several children. */
export function frag(...children) {
  const f = document.createDocumentFragment();
  appendChildren(f, children);
  return f;
}

/** Joins class names: classNames('a', ['b'], {c: true, d: false}) → 'a b c'. */
export function classNames(...args) {
  const out = [];
  for (const a of args) {
    if (!a) continue;
    if (typeof a === 'string') out.push(a);
    else if (Array.isArray(a)) out.push(classNames(...a));
    else if (typeof a === 'object') for (const [k, v] of Object.entries(a)) if (v) out.push(k);
  }
  return out.filter(Boolean).join(' ');
}

/** Replaces the element's children. */
export function mount(el, ...children) {
  el.replaceChildren();
  appendChildren(el, children);
  return el;
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

let uidCounter = 0;
/** A document-unique id with a readable prefix. */
export function uid(prefix = 'k') {
  uidCounter += 1;
  return `${prefix}-${uidCounter}`;
}

/** Makes a string safe to use inside an id attribute. */
export function idPart(s) {
  return String(s).replace(/[^A-Za-z0-9_-]/g, '_');
}

/**
 * Russian plural form: plural(5, ['символ', 'символа', 'символов']) → 'символов'.
 */
export function plural(n, [one, few, many]) {
  const abs = Math.abs(n) % 100;
  const last = abs % 10;
  if (abs > 10 && abs < 20) return many;
  if (last === 1) return one;
  if (last >= 2 && last <= 4) return few;
  return many;
}

/** Splits a plain text into paragraphs (blank line or line break separated). */
export function paragraphs(text) {
  return String(text ?? '')
    .split(/\n+/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => h('p', null, p));
}

/** A notice box: kind is 'info', 'success' or 'error'. */
export function notice(kind, ...children) {
  return h('div', { class: `notice notice--${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...children);
}

/** A centered "loading" indicator for pages that wait for data. */
export function spinner(text = 'Загрузка…') {
  return h('p', { class: 'loading', role: 'status' }, h('span', { class: 'loading__dot', 'aria-hidden': 'true' }), text);
}

/**
 * Counts seconds down: onTick(left) now and then every second, onDone() at
 * zero. Returns a function that stops it; an aborted signal stops it too.
 * The end is fixed in wall time, so a tab in the background stays right.
 */
export function countdown(seconds, { onTick, onDone, signal } = {}) {
  const end = Date.now() + Math.max(0, Number(seconds) || 0) * 1000;
  let timer = null;
  let stopped = false;
  function stop() {
    stopped = true;
    if (timer !== null) clearTimeout(timer);
    timer = null;
  }
  function tick() {
    if (stopped) return;
    const left = Math.max(0, Math.ceil((end - Date.now()) / 1000));
    if (left <= 0) {
      stop();
      if (onDone) onDone();
      return;
    }
    if (onTick) onTick(left);
    const wait = ((end - Date.now()) % 1000) || 1000;
    timer = setTimeout(tick, wait + 15);
  }
  if (signal) {
    if (signal.aborted) return stop;
    signal.addEventListener('abort', stop, { once: true });
  }
  tick();
  return stop;
}

/** "N секунд" with the right Russian form. */
export function secondsText(n) {
  return `${n} ${plural(n, ['секунду', 'секунды', 'секунд'])}`;
}
