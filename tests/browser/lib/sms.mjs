// Reads the SMS kabinetd sent through its SMS channel to the gateway
// simulator (tests/simulators/sms_gateway.py) at $KABINET_SMS_URL.
// GET ${KABINET_SMS_URL}/_messages lists every request the simulator got:
// [{n, path, query, format, fields: {to, text, ...}, outcome, ...}].

export const SMS_URL = process.env.KABINET_SMS_URL ? process.env.KABINET_SMS_URL.replace(/\/+$/, '') : null;

const POLL_MS = 200;

// Names a gateway request may give the recipient and the text.
const TO_KEYS = ['to', 'phone', 'recipient', 'number', 'msisdn', 'destination', 'dst', 'phones'];
const TEXT_KEYS = ['text', 'message', 'body', 'msg', 'content', 'sms'];

/** The digits of a phone number, the last 10 (without the country code 7 / 8). */
export function phoneKey(phone) {
  return String(phone ?? '').replace(/\D/g, '').slice(-10);
}

/** The first 6-digit number standing alone in a text, or null. */
export function codeOf(text) {
  const m = /(?<!\d)(\d{6})(?!\d)/.exec(String(text ?? ''));
  return m ? m[1] : null;
}

function pick(entry, keys) {
  for (const source of [entry.fields, entry.query]) {
    if (!source || typeof source !== 'object') continue;
    for (const k of keys) {
      const v = source[k];
      if (typeof v === 'string' || typeof v === 'number') return String(v);
      if (Array.isArray(v) && v.length) return String(v[0]);
    }
  }
  return null;
}

/** {to, text} of one simulator entry (null when it has none). */
export function messageOf(entry) {
  return { to: pick(entry, TO_KEYS), text: pick(entry, TEXT_KEYS) };
}

/** Everything the simulator received so far. */
export async function listSms(url = SMS_URL) {
  if (!url) throw new Error('KABINET_SMS_URL is not set');
  const res = await fetch(`${url}/_messages`);
  if (!res.ok) throw new Error(`GET ${url}/_messages answered ${res.status}`);
  const list = await res.json();
  return Array.isArray(list) ? list : [];
}

/**
 * The simulator from a moment on: messages received before open() (or
 * already returned) are never returned again.
 */
export class SmsInbox {
  constructor(url = SMS_URL) {
    if (!url) throw new Error('KABINET_SMS_URL is not set');
    this.url = url;
    this.seen = new Set();
  }

  static async open(url = SMS_URL) {
    const inbox = new SmsInbox(url);
    for (const entry of await listSms(inbox.url)) inbox.seen.add(entry.n);
    return inbox;
  }

  /**
   * Waits for the next message to `to` that carries a 6-digit code.
   * Returns {code, text, to, entry}.
   */
  async waitForCode({ to, timeout = 20000 } = {}) {
    const want = phoneKey(to);
    const deadline = Date.now() + timeout;
    for (;;) {
      const list = await listSms(this.url);
      for (const entry of list) {
        if (this.seen.has(entry.n)) continue;
        // A request the gateway refused (an injected failure, a bad token) never reached a phone.
        if (entry.outcome !== undefined && entry.outcome !== null && entry.outcome !== 'accepted') continue;
        const { to: recipient, text } = messageOf(entry);
        if (want && phoneKey(recipient) !== want) continue;
        const code = codeOf(text);
        if (!code) continue;
        this.seen.add(entry.n);
        return { code, text, to: recipient, entry };
      }
      if (Date.now() > deadline) {
        const recent = list.slice(-5).map((e) => JSON.stringify(messageOf(e))).join('; ');
        throw new Error(`no SMS with a code to ${to} within ${timeout} ms (last received: ${recent || 'none'})`);
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}
