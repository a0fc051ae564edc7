// A small router over history.pushState. Paths are relative to the document's
// <base href> ("/t/<tenant>/" or "/"): the route of "/t/voek/register" is
// "register", the home page is "". Pages are ES modules loaded on first use.
//
// A route: {path: 'meters/:id', load: () => import('../pages/meter.js')}
// A page module exports:
//   title             string, or (ctx) => string
//   render(ctx)       returns a Node (or a promise of one)
// ctx = {path, params, query, tenant, router, signal}; signal is aborted when
// the person leaves the page, so a page can stop its timers and requests.

/** The path of the base URL, always ending with "/". */
export function basePath() {
  const p = new URL('.', document.baseURI).pathname;
  return p.endsWith('/') ? p : `${p}/`;
}

/** The route path ("" for home) of an absolute pathname, or null outside the base. */
export function routeOf(pathname) {
  const base = basePath();
  if (pathname === base.slice(0, -1)) return '';
  if (!pathname.startsWith(base)) return null;
  return decodeURI(pathname.slice(base.length)).replace(/\/+$/, '');
}

/** The absolute URL of a route path ("register", "meters/5?x=1"). */
export function hrefOf(path) {
  return new URL(String(path).replace(/^\/+/, ''), new URL(basePath(), location.origin)).toString();
}

function compile(pattern) {
  const names = [];
  const source = pattern
    .split('/')
    .filter((s) => s !== '')
    .map((seg) => {
      if (seg.startsWith(':')) {
        names.push(seg.slice(1));
        return '([^/]+)';
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { re: new RegExp(`^${source}$`), names };
}

/**
 * @param {object} o
 * @param {{path: string, load: () => Promise<object>}[]} o.routes
 * @param {{path: string, load: () => Promise<object>}} o.notFound
 * @param {(route: object, ctx: object) => Promise<void>} o.show  puts a loaded page on screen
 * @param {string[]} [o.passThrough]  path prefixes the router must not take (assets, api, downloads)
 */
export function createRouter(o) {
  const compiled = o.routes.map((r) => ({ ...r, ...compile(r.path) }));
  const passThrough = o.passThrough || ['assets/', 'api/', 'files/'];
  let current = null;
  let seq = 0;

  function match(path) {
    for (const r of compiled) {
      const m = r.re.exec(path);
      if (m) {
        const params = {};
        r.names.forEach((n, i) => { params[n] = decodeURIComponent(m[i + 1]); });
        return { route: r, params };
      }
    }
    return { route: o.notFound, params: {} };
  }

  async function render() {
    const mySeq = ++seq;
    if (current) current.abort();
    const controller = new AbortController();
    current = controller;
    const path = routeOf(location.pathname) ?? '';
    const { route, params } = match(path);
    const ctx = {
      path,
      params,
      query: new URLSearchParams(location.search),
      router,
      signal: controller.signal,
    };
    await o.show(route, ctx, () => mySeq === seq);
  }

  function navigate(path, { replace = false, state = null } = {}) {
    const url = hrefOf(path);
    if (url === location.href && !replace) return render();
    if (replace) history.replaceState(state, '', url);
    else history.pushState(state, '', url);
    return render();
  }

  /** Changes the query of the current address without rendering again. */
  function setQuery(params) {
    const url = new URL(location.href);
    for (const [k, v] of Object.entries(params)) {
      if (v === undefined || v === null || v === '') url.searchParams.delete(k);
      else url.searchParams.set(k, String(v));
    }
    history.replaceState(history.state, '', url);
  }

  function onClick(e) {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = e.target.closest && e.target.closest('a[href]');
    if (!a || a.target || a.hasAttribute('download') || a.dataset.external !== undefined) return;
    const url = new URL(a.href, document.baseURI);
    if (url.origin !== location.origin) return;
    const path = routeOf(url.pathname);
    if (path === null || passThrough.some((p) => path === p.replace(/\/$/, '') || path.startsWith(p))) return;
    if (url.pathname === location.pathname && url.search === location.search && url.hash) return; // in-page anchor
    e.preventDefault();
    navigate(path + url.search);
  }

  const router = {
    start() {
      document.addEventListener('click', onClick);
      window.addEventListener('popstate', () => render());
      return render();
    },
    navigate,
    setQuery,
    href: hrefOf,
    get path() { return routeOf(location.pathname) ?? ''; },
  };
  return router;
}
