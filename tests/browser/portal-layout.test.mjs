// The layout of portal/assets (portal/README.md «Layout»), checked on the sources without a browser:
//   core/     infrastructure — imports only core/;
//   widgets/  pieces of screens — import core/ and widgets/;
//   pages/    one module a route (pages/<name>.js) and the parts of that page only (pages/<name>/…) — import
//             core/, widgets/ and their own page's parts, never another page;
//   app.js    the entry, the only module that names the pages.
// Every relative import must name a file that exists; no module but core/api.js reads an HTTP 401 (the API
// client ends the session once for everyone); one form-submit loop (widgets/submit.js) sets a button busy.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const assets = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../portal/assets');

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return walk(p);
    return e.name.endsWith('.js') ? [p] : [];
  });
}

const modules = walk(assets).map((file) => {
  const rel = path.relative(assets, file).split(path.sep).join('/');
  const source = fs.readFileSync(file, 'utf8');
  // Static imports and re-exports (`… from '…'`) and dynamic ones (`import('…')`), comments left out.
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const specs = [
    ...code.matchAll(/^\s*(?:import|export)\b[^;'"]*?\bfrom\s*(['"])([^'"]+)\1/gm),
    ...code.matchAll(/^\s*import\s*(['"])([^'"]+)\1/gm),
    ...code.matchAll(/\bimport\s*\(\s*(['"])([^'"]+)\1/g),
  ].map((m) => m[2]);
  const imports = specs.map((spec) => ({ spec, target: path.posix.normalize(path.posix.join(path.posix.dirname(rel), spec)) }));
  return { rel, code, imports };
});

/** 'core' | 'widgets' | 'pages' | 'app' | 'other' */
function area(rel) {
  if (rel === 'app.js') return 'app';
  const top = rel.split('/')[0];
  return ['core', 'widgets', 'pages'].includes(top) && rel.includes('/') ? top : 'other';
}

/** The page a module under pages/ belongs to: pages/point.js and pages/point/general.js → "point". */
function pageOf(rel) {
  const parts = rel.split('/');
  return parts.length === 2 ? parts[1].replace(/\.js$/, '') : parts[1];
}

const ALLOWED = { core: ['core'], widgets: ['core', 'widgets'], pages: ['core', 'widgets', 'pages'], app: ['core', 'widgets', 'pages'] };

test('the assets are split into core/, widgets/ and pages/, with only app.js at the top', () => {
  assert.ok(modules.length > 30, `modules found: ${modules.length}`);
  const misplaced = modules.filter((m) => area(m.rel) === 'other').map((m) => m.rel);
  assert.deepEqual(misplaced, []);
  for (const a of ['core', 'widgets', 'pages']) assert.ok(modules.some((m) => area(m.rel) === a), `nothing in ${a}/`);
});

test('every relative import names an existing module', () => {
  const broken = [];
  for (const m of modules) {
    for (const i of m.imports) {
      if (!i.spec.startsWith('.')) { broken.push(`${m.rel}: ${i.spec} (not relative)`); continue; }
      if (!fs.existsSync(path.join(assets, i.target))) broken.push(`${m.rel}: ${i.spec}`);
    }
  }
  assert.deepEqual(broken, []);
});

/** Names a module exports (`export function|class|const|let|var NAME`, `export { a, b as c }`). */
function exportsOf(m) {
  const names = new Set();
  for (const x of m.code.matchAll(/^\s*export\s+(?:async\s+)?(?:function\*?|class|const|let|var)\s+([A-Za-z_$][\w$]*)/gm)) names.add(x[1]);
  for (const x of m.code.matchAll(/^\s*export\s*\{([^}]*)\}/gm)) {
    for (const part of x[1].split(',')) { const n = part.trim().split(/\s+as\s+/).pop(); if (n) names.add(n); }
  }
  return names;
}

test('every imported name is exported by its module', () => {
  const byPath = new Map(modules.map((m) => [m.rel, m]));
  const missing = [];
  for (const m of modules) {
    for (const x of m.code.matchAll(/^\s*import\s*\{([^}]*)\}\s*from\s*(['"])([^'"]+)\2/gm)) {
      const target = byPath.get(path.posix.normalize(path.posix.join(path.posix.dirname(m.rel), x[3])));
      if (!target) continue; // reported by the test above
      const given = exportsOf(target);
      for (const part of x[1].split(',')) {
        const n = part.trim().split(/\s+as\s+/)[0];
        if (n && !given.has(n)) missing.push(`${m.rel}: ${n} from ${x[3]}`);
      }
    }
  }
  assert.deepEqual(missing, []);
});

test('imports run down the layers: core ← widgets ← pages ← app.js', () => {
  const upward = [];
  for (const m of modules) {
    const allowed = ALLOWED[area(m.rel)] || [];
    for (const i of m.imports) {
      if (!allowed.includes(area(i.target))) upward.push(`${m.rel} → ${i.target}`);
    }
  }
  assert.deepEqual(upward, []);
});

test('no page imports another page (only its own parts under pages/<name>/)', () => {
  const crossing = [];
  for (const m of modules.filter((x) => area(x.rel) === 'pages')) {
    for (const i of m.imports.filter((x) => area(x.target) === 'pages')) {
      const own = pageOf(i.target) === pageOf(m.rel) && i.target.split('/').length === 3;
      if (!own) crossing.push(`${m.rel} → ${i.target}`);
    }
  }
  assert.deepEqual(crossing, []);
});

test('a 401 is read by the API client only, and there is one sessionEnded', () => {
  const readers = modules.filter((m) => m.rel !== 'core/api.js' && /\b401\b/.test(m.code)).map((m) => m.rel);
  assert.deepEqual(readers, []);
  const definitions = modules.filter((m) => /function\s+sessionEnded\b|sessionEnded\s*=/.test(m.code)).map((m) => m.rel);
  assert.deepEqual(definitions, ['core/session.js']);
});

test('buttons are set busy by the form-submit helper only', () => {
  const loops = modules
    .filter((m) => !['widgets/forms.js', 'widgets/submit.js'].includes(m.rel) && /\bsetBusy\s*\(/.test(m.code))
    .map((m) => m.rel);
  assert.deepEqual(loops, []);
});
