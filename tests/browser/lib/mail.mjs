// Reads the mail kabinetd sent. The test wrapper runs a real SMTP server that
// stores every message as $KABINET_MAIL_DIR/<n>.eml (raw RFC 5322): subjects
// RFC 2047-encoded, bodies quoted-printable or base64, UTF-8, often
// multipart/alternative. The decoding is done here with no dependencies.

import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';

export const MAIL_DIR = process.env.KABINET_MAIL_DIR || null;

const POLL_MS = 200;

// ---------------------------------------------------------------------------
// Decoders

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));
B64_INDEX.set('-', 62); // the URL-safe alphabet, in case
B64_INDEX.set('_', 63);

/** Base64 text (line breaks and other noise ignored) → bytes. */
export function decodeBase64(text) {
  const out = [];
  let acc = 0;
  let bits = 0;
  for (const ch of String(text)) {
    if (ch === '=') break;
    const v = B64_INDEX.get(ch);
    if (v === undefined) continue;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
    acc &= 0xffff;
  }
  return Uint8Array.from(out);
}

function hexValue(c) {
  const code = c.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 70) return code - 55;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

/**
 * Quoted-printable text → bytes. The text holds one character per byte
 * ("binary" string). Soft line breaks ("=" at the end of a line) vanish;
 * header mode (RFC 2047 "Q") also turns "_" into a space.
 */
export function decodeQuotedPrintable(text, { header = false } = {}) {
  const s = String(text);
  const out = [];
  for (let i = 0; i < s.length; i += 1) {
    const c = s[i];
    if (c === '=') {
      if (s[i + 1] === '\r' && s[i + 2] === '\n') { i += 2; continue; }
      if (s[i + 1] === '\n') { i += 1; continue; }
      const hi = hexValue(s[i + 1] || '');
      const lo = hexValue(s[i + 2] || '');
      if (hi >= 0 && lo >= 0) { out.push(hi * 16 + lo); i += 2; continue; }
      out.push(61);
    } else if (header && c === '_') {
      out.push(32);
    } else {
      out.push(c.charCodeAt(0) & 0xff);
    }
  }
  // Trailing spaces before a line break are padding (RFC 2045 6.7 (3)).
  return Uint8Array.from(out);
}

function bytesOfBinary(s) {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i += 1) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** Bytes in a charset → string; unknown charsets fall back to UTF-8. */
export function decodeCharset(bytes, charset = 'utf-8') {
  let label = String(charset || 'utf-8').trim().toLowerCase();
  if (label === 'us-ascii' || label === 'ascii') label = 'utf-8';
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/** RFC 2047 encoded words in a header ("=?UTF-8?B?...?=", "=?utf-8?Q?...?=") → text. */
export function decodeEncodedWords(value) {
  const re = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;
  let out = '';
  let last = 0;
  let prevWasWord = false;
  let m;
  while ((m = re.exec(value)) !== null) {
    const between = value.slice(last, m.index);
    // Whitespace between two encoded words is not part of the text.
    if (!(prevWasWord && /^\s*$/.test(between))) out += between;
    const charset = m[1].split('*')[0];
    const bytes = m[2].toUpperCase() === 'B' ? decodeBase64(m[3]) : decodeQuotedPrintable(m[3], { header: true });
    out += decodeCharset(bytes, charset);
    last = re.lastIndex;
    prevWasWord = true;
  }
  out += value.slice(last);
  return out;
}

// ---------------------------------------------------------------------------
// Message structure

/** Splits a raw entity ("binary" string) into header lines and body. */
function splitEntity(raw) {
  const m = /\r?\n\r?\n/.exec(raw);
  if (!m) return { head: raw, body: '' };
  return { head: raw.slice(0, m.index), body: raw.slice(m.index + m[0].length) };
}

/** Header block → Map(lower-case name → [values]); folded lines are unfolded. */
function parseHeaders(head) {
  const headers = new Map();
  const lines = head.split(/\r?\n/);
  const unfolded = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && unfolded.length) unfolded[unfolded.length - 1] += line;
    else if (line !== '') unfolded.push(line);
  }
  for (const line of unfolded) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    if (!headers.has(name)) headers.set(name, []);
    headers.get(name).push(value);
  }
  return headers;
}

/** "text/plain; charset=utf-8; boundary=\"x\"" → {type: 'text/plain', params: {charset, boundary}}. */
function parseContentType(value) {
  const v = value || 'text/plain';
  const parts = [];
  let cur = '';
  let quoted = false;
  for (const ch of v) {
    if (ch === '"') quoted = !quoted;
    if (ch === ';' && !quoted) { parts.push(cur); cur = ''; } else cur += ch;
  }
  parts.push(cur);
  const type = parts.shift().trim().toLowerCase() || 'text/plain';
  const params = {};
  for (const p of parts) {
    const i = p.indexOf('=');
    if (i <= 0) continue;
    const key = p.slice(0, i).trim().toLowerCase();
    let val = p.slice(i + 1).trim();
    if (val.startsWith('"') && val.endsWith('"')) val = val.slice(1, -1).replace(/\\(.)/g, '$1');
    params[key] = val;
  }
  return { type, params };
}

function decodeBody(body, encoding) {
  const enc = String(encoding || '7bit').trim().toLowerCase();
  if (enc === 'base64') return decodeBase64(body);
  if (enc === 'quoted-printable') return decodeQuotedPrintable(body);
  return bytesOfBinary(body);
}

/** Collects the text leaves of an entity: [{type, text}]. */
function leaves(raw, out = [], depth = 0) {
  const { head, body } = splitEntity(raw);
  const headers = parseHeaders(head);
  const ct = parseContentType((headers.get('content-type') || [])[0]);
  if (ct.type.startsWith('multipart/') && ct.params.boundary && depth < 10) {
    const delimiter = `--${ct.params.boundary}`;
    const chunks = body.split(new RegExp(`(?:^|\\r?\\n)${delimiter.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    // chunks[0] is the preamble; a chunk starting with "--" is the end.
    for (const chunk of chunks.slice(1)) {
      if (chunk.startsWith('--')) break;
      leaves(chunk.replace(/^[ \t]*\r?\n/, ''), out, depth + 1);
    }
    return out;
  }
  if (ct.type === 'message/rfc822' && depth < 10) return leaves(body, out, depth + 1);
  const bytes = decodeBody(body, (headers.get('content-transfer-encoding') || [])[0]);
  if (ct.type.startsWith('text/')) out.push({ type: ct.type, text: decodeCharset(bytes, ct.params.charset) });
  return out;
}

const HTML_ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntities(s) {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : m;
    }
    return HTML_ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** Every http(s) address in the texts, in order, without repeats. */
function findLinks(parts) {
  const found = [];
  for (const p of parts) {
    if (p.type === 'text/html') {
      for (const m of p.text.matchAll(/href\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)) found.push(decodeEntities(m[1] ?? m[2]));
      for (const m of decodeEntities(p.text.replace(/<[^>]*>/g, ' ')).matchAll(/https?:\/\/[^\s<>"'«»]+/g)) found.push(m[0]);
    } else {
      for (const m of p.text.matchAll(/https?:\/\/[^\s<>"'«»]+/g)) found.push(m[0]);
    }
  }
  return [...new Set(found.map((u) => u.trim().replace(/[.,;:!?)\]]+$/, '')).filter((u) => /^https?:\/\//.test(u)))];
}

/**
 * Parses a raw message.
 * @returns {{headers: Map, subject: string, from: string, to: string[], text: string, html: string, links: string[]}}
 */
export function parseMessage(raw) {
  const binary = typeof raw === 'string' ? raw : Buffer.from(raw).toString('latin1');
  const { head } = splitEntity(binary);
  const headers = parseHeaders(head);
  const header = (name) => decodeCharset(bytesOfBinary((headers.get(name) || []).join(', ')), 'utf-8');
  const parts = leaves(binary);
  const addresses = [];
  for (const name of ['to', 'cc', 'bcc', 'delivered-to', 'x-original-to', 'envelope-to', 'x-rcpt-to']) {
    for (const v of headers.get(name) || []) {
      for (const m of v.matchAll(/[^\s<>,;"']+@[^\s<>,;"']+/g)) addresses.push(m[0].toLowerCase());
    }
  }
  return {
    headers,
    subject: decodeEncodedWords(header('subject')),
    from: decodeEncodedWords(header('from')),
    to: [...new Set(addresses)],
    text: parts.filter((p) => p.type === 'text/plain').map((p) => p.text).join('\n'),
    html: parts.filter((p) => p.type === 'text/html').map((p) => p.text).join('\n'),
    links: findLinks(parts),
  };
}

/**
 * The first link of a message whose path matches: a string is compared with
 * the end of the URL's pathname ("/confirm/email"), a RegExp is tested on the
 * whole URL.
 */
export function findLink(mail, pathOrRe) {
  for (const link of mail.links) {
    let url;
    try { url = new URL(link); } catch { continue; }
    if (pathOrRe instanceof RegExp ? pathOrRe.test(link) : url.pathname.replace(/\/+$/, '').endsWith(pathOrRe)) return link;
  }
  return null;
}

// ---------------------------------------------------------------------------
// Waiting for mail

async function listMessages(dir) {
  let names;
  try {
    names = await readdir(dir);
  } catch (err) {
    if (err.code === 'ENOENT') return [];
    throw err;
  }
  return names.filter((n) => /\.eml$/i.test(n))
    .sort((a, b) => (parseInt(a, 10) - parseInt(b, 10)) || a.localeCompare(b));
}

/**
 * The mail directory from a moment on: messages that were there when it was
 * opened (or already returned) are never returned again.
 */
export class Mailbox {
  constructor(dir = MAIL_DIR) {
    if (!dir) throw new Error('KABINET_MAIL_DIR is not set');
    this.dir = dir;
    this.seen = new Set();
    this.sizes = new Map();
  }

  /** Opens the mailbox and marks everything already delivered as seen. */
  static async open(dir = MAIL_DIR) {
    const box = new Mailbox(dir);
    for (const name of await listMessages(box.dir)) box.seen.add(name);
    return box;
  }

  /**
   * Waits for the next message for `to` (and, with linkPath, holding such a
   * link; with match, passing match(mail)). Returns the parsed message with
   * `file` and, with linkPath, `link`.
   */
  async waitFor({ to, linkPath = null, match = null, timeout = 20000 } = {}) {
    const want = to ? String(to).toLowerCase() : null;
    const deadline = Date.now() + timeout;
    let looked = [];
    for (;;) {
      looked = [];
      for (const name of await listMessages(this.dir)) {
        if (this.seen.has(name)) continue;
        const file = path.join(this.dir, name);
        // A file still being written: take it once its size holds still between two looks.
        const { size } = await stat(file);
        if (this.sizes.get(name) !== size) { this.sizes.set(name, size); continue; }
        const mail = parseMessage(await readFile(file));
        mail.file = file;
        const forUs = !want || mail.to.includes(want);
        const link = linkPath ? findLink(mail, linkPath) : null;
        if (forUs && (!linkPath || link) && (!match || match(mail))) {
          this.seen.add(name);
          if (link) mail.link = link;
          return mail;
        }
        // Someone else's message, or another letter of this person: left for a later wait.
        looked.push(`${name} to ${JSON.stringify(mail.to)}: «${mail.subject}» links ${JSON.stringify(mail.links)}`);
      }
      if (Date.now() > deadline) {
        throw new Error(`no mail for ${to || 'anyone'}${linkPath ? ` with a link to ${linkPath}` : ''} in ${this.dir} within ${timeout} ms`
          + (looked.length ? `; new messages that did not match: ${looked.slice(-10).join('; ')}` : '; no new messages'));
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}
