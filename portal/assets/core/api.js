// JSON client of the Kabinet API.
//
// The base address comes from <meta name="kabinet-api"> that the server puts
// into index.html ("/t/<tenant>/api/v1", or "/api/v1" when the tenant is
// taken from the Host header). Every error of the server has the shape
//   {"error": CODE, "message": "<текст>", "fields": {"<поле>": "<причина>"}}
// and is turned into an ApiError carrying the same data.
//
// Writes made with the session cookie carry the header X-CSRF-Token. Its value
// comes from the answers of POST session, POST session/second-factor and
// GET me (session.js hands it over with setCsrfToken) and lives only in memory;
// after a reload GET me fetches it again. A write refused with 403
// csrf_failed fetches a fresh value once and is repeated.
//
// A 401 is handled here once for the whole portal: when a call made with a
// session is refused because the server no longer knows that session (expired,
// logged out in another tab), the handler given to setSessionEndHandler (app.js:
// session.js sessionEnded) forgets the user and sends the person to the login
// page; the call still rejects with its ApiError, after the page was left (its
// signal aborted). A 401 refusing what was typed (a wrong password or code:
// ApiError.isWrongCredentials) is the form's business. Calls for which a 401 is
// an answer (who is logged in, logging out) pass `session: false`.

const DEFAULT_TIMEOUT_MS = 30000;

export class ApiError extends Error {
  /**
   * @param {object} o
   * @param {number} o.status   HTTP status, 0 when the server was not reached
   * @param {string} o.code     the server's error code (or a client code: network_error, timeout, bad_response)
   * @param {string} o.message  a message for a person, in Russian
   * @param {object} [o.fields] field name → reason
   * @param {any}    [o.body]   the parsed response body, if any
   * @param {number|null} [o.retryAfter]  seconds to wait (HTTP 429: "retry_after" or Retry-After)
   */
  constructor({ status, code, message, fields, body, retryAfter = null }) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = fields && typeof fields === 'object' ? fields : {};
    this.body = body;
    this.retryAfter = retryAfter;
  }

  /** True when the server asks to wait before trying again (HTTP 429). */
  get isThrottled() {
    return this.status === 429;
  }

  /** True when the server rejected the submitted data (HTTP 422). */
  get isValidation() {
    return this.status === 422 || this.code === 'validation_failed';
  }

  get isNetwork() {
    return this.status === 0;
  }

  /** True for a 401 refusing the login, password or code that was typed (not a session that ended). */
  get isWrongCredentials() {
    return this.status === 401 && (CREDENTIAL_CODES.has(this.code) || Object.keys(this.fields).length > 0);
  }

  /** True for a 401 saying the session is over (expired, logged out elsewhere, never opened). */
  get isSessionEnd() {
    return this.status === 401 && !this.isWrongCredentials;
  }
}

/** Codes of a 401 that refuses what a person typed rather than their session. */
const CREDENTIAL_CODES = new Set(['invalid_credentials', 'invalid_password', 'invalid_code']);

// Called once a call made with a session is answered «session is over».
let sessionEndHandler = null;

/** Sets what a 401 that ends the session does (app.js: forget the user, go to the login page). */
export function setSessionEndHandler(fn) {
  sessionEndHandler = typeof fn === 'function' ? fn : null;
}

function metaContent(name) {
  const el = document.querySelector(`meta[name="${name}"]`);
  return el ? el.getAttribute('content') : null;
}

/** The API base path without a trailing slash, e.g. "/t/voek/api/v1". */
export function apiBase() {
  const base = metaContent('kabinet-api') || '/api/v1';
  return base.replace(/\/+$/, '');
}

/** The tenant id from <meta name="kabinet-tenant">, or null. */
export function tenantId() {
  return metaContent('kabinet-tenant');
}

/** Builds the full URL of an API path ("forms/registration") with an optional query object. */
export function apiUrl(path, query) {
  const url = new URL(`${apiBase()}/${String(path).replace(/^\/+/, '')}`, document.baseURI);
  if (query) {
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue;
      if (Array.isArray(v)) v.forEach((item) => url.searchParams.append(k, String(item)));
      else url.searchParams.set(k, String(v));
    }
  }
  return url.toString();
}

// The CSRF token of the current session (null when there is none).
let csrfToken = null;

/** Remembers the "csrf" value of the last session answer; null forgets it. */
export function setCsrfToken(token) {
  csrfToken = typeof token === 'string' && token ? token : null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Seconds to wait from a 429 answer: the body's "retry_after", else the Retry-After header. */
function retryAfterOf(data, response) {
  const fromBody = data && typeof data === 'object' ? Number(data.retry_after) : NaN;
  if (Number.isFinite(fromBody) && fromBody >= 0) return Math.ceil(fromBody);
  const header = response.headers.get('Retry-After');
  if (header && /^\d+$/.test(header.trim())) return Number(header.trim());
  if (header) {
    const at = Date.parse(header);
    if (Number.isFinite(at)) return Math.max(0, Math.ceil((at - Date.now()) / 1000));
  }
  return null;
}

function statusMessage(status) {
  if (status === 401) return 'Требуется вход в личный кабинет.';
  if (status === 403) return 'Недостаточно прав для этого действия.';
  if (status === 404) return 'Запрошенные сведения не найдены.';
  if (status === 413) return 'Слишком большой объём данных.';
  if (status === 429) return 'Слишком много запросов. Повторите попытку немного позже.';
  if (status >= 500) return 'Сервис временно недоступен. Повторите попытку позже.';
  return `Не удалось выполнить запрос (код ${status}).`;
}

function combineSignals(signals) {
  const list = signals.filter(Boolean);
  if (list.length <= 1) return list[0];
  if (typeof AbortSignal.any === 'function') return AbortSignal.any(list);
  const ctrl = new AbortController();
  for (const s of list) {
    if (s.aborted) { ctrl.abort(s.reason); break; }
    s.addEventListener('abort', () => ctrl.abort(s.reason), { once: true });
  }
  return ctrl.signal;
}

/**
 * Sends a request and returns the parsed JSON (null for an empty body).
 * Throws ApiError for an HTTP error, a network failure or a timeout; a request
 * aborted through options.signal rejects with the usual AbortError.
 *
 * @param {string} method
 * @param {string} path     relative to the API base: "tenant", "forms/registration"
 * @param {object} [options]
 * @param {any}    [options.body]     sent as JSON (FormData is sent as is, for uploads)
 * @param {object} [options.query]
 * @param {AbortSignal} [options.signal]
 * @param {object} [options.headers]
 * @param {number} [options.timeout]  milliseconds
 * @param {boolean} [options.session]  false: a 401 is an answer here, not the end of the session
 * @param {boolean} [options.binary]   true: a successful answer is returned as a Blob (a PDF), errors as usual
 */
export async function request(method, path, options = {}) {
  const { body, query, signal, headers = {}, timeout = DEFAULT_TIMEOUT_MS, csrfRetried = false, session = true, binary = false } = options;
  const init = {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json', ...headers },
  };
  const isWrite = !SAFE_METHODS.has(method);
  if (isWrite && csrfToken && !init.headers['X-CSRF-Token']) init.headers['X-CSRF-Token'] = csrfToken;
  if (body !== undefined) {
    if (typeof FormData !== 'undefined' && body instanceof FormData) {
      init.body = body;
    } else {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
  }
  const timeoutSignal = timeout > 0 && typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(timeout) : null;
  init.signal = combineSignals([signal, timeoutSignal]);

  let response;
  try {
    response = await fetch(apiUrl(path, query), init);
  } catch (err) {
    if (signal && signal.aborted) throw err;
    if (timeoutSignal && timeoutSignal.aborted) {
      throw new ApiError({ status: 0, code: 'timeout', message: 'Сервер не ответил вовремя. Повторите попытку.' });
    }
    throw new ApiError({
      status: 0,
      code: 'network_error',
      message: 'Нет связи с сервером. Проверьте подключение к интернету и повторите попытку.',
    });
  }

  if (binary && response.ok) return response.blob();
  const text = await response.text();
  let data = null;
  let parsed = true;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      parsed = false;
    }
  }

  if (!response.ok) {
    const isErrorModel = parsed && data && typeof data === 'object';
    const code = (isErrorModel && data.error) || `http_${response.status}`;
    if (response.status === 403 && code === 'csrf_failed' && isWrite && !csrfRetried) {
      // The token in memory is stale (another tab logged in again): take the current one and repeat.
      const me = await request('GET', 'me', { signal });
      setCsrfToken(me && me.csrf);
      return request(method, path, { ...options, csrfRetried: true });
    }
    const error = new ApiError({
      status: response.status,
      code,
      message: (isErrorModel && data.message) || statusMessage(response.status),
      fields: isErrorModel ? data.fields : undefined,
      body: isErrorModel ? data : text,
      retryAfter: response.status === 429 ? retryAfterOf(isErrorModel ? data : null, response) : null,
    });
    if (session && error.isSessionEnd && sessionEndHandler && !(signal && signal.aborted)) sessionEndHandler(error);
    throw error;
  }
  if (!parsed) {
    throw new ApiError({ status: response.status, code: 'bad_response', message: 'Сервер прислал ответ в неожиданном формате.', body: text });
  }
  return data;
}

export const api = {
  get: (path, options) => request('GET', path, options),
  post: (path, body, options) => request('POST', path, { ...options, body }),
  put: (path, body, options) => request('PUT', path, { ...options, body }),
  patch: (path, body, options) => request('PATCH', path, { ...options, body }),
  del: (path, options) => request('DELETE', path, options),
};

// Data that does not change while the page is open is fetched once.
const cache = new Map();

/** Returns the cached promise for key, calling load() the first time; a failed load is forgotten. */
export function cached(key, load) {
  if (!cache.has(key)) {
    const p = load();
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return cache.get(key);
}

/** GET {api}/tenant — name, branding, modules and applicant kinds of the current tenant. */
export function getTenant() {
  return cached('tenant', () => api.get('tenant'));
}

/** GET {api}/dictionaries/<name> — the items [{value, label}] of a dictionary. */
export function getDictionary(name) {
  return cached(`dictionary:${name}`, () =>
    api.get(`dictionaries/${encodeURIComponent(name)}`).then((d) => (Array.isArray(d && d.items) ? d.items : [])),
  );
}
