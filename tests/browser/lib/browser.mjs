// Starts the system Chromium (Debian package) through playwright-core and
// keeps a screenshot of every test, passed or failed, in $KABINET_ARTIFACTS
// (default: tests/browser/artifacts/).

import { chromium } from 'playwright-core';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export const CHROMIUM = process.env.KABINET_CHROMIUM || '/usr/bin/chromium';
export const ARTIFACTS = path.resolve(process.env.KABINET_ARTIFACTS || path.join(here, '..', 'artifacts'));
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The server under test, without a trailing slash; null when KABINET_URL is not set. */
export function baseUrl() {
  const url = process.env.KABINET_URL;
  return url ? url.replace(/\/+$/, '') : null;
}

/** A skip reason when the tests cannot run here, or null. */
export function skipReason() {
  if (!baseUrl()) return 'KABINET_URL is not set (the address of a running kabinetd, e.g. http://127.0.0.1:18080)';
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (apt-get install -y chromium)`;
  return null;
}

function fileSafe(name) {
  return String(name).replace(/[^\p{L}\p{N}._-]+/gu, '_').replace(/^_+|_+$/g, '').slice(0, 120) || 'test';
}

/**
 * Launches Chromium with a fresh profile in a temporary directory.
 * Returns {context, page, errors, close()}; errors collects uncaught page exceptions.
 */
export async function launch({ viewport = { width: 1280, height: 900 } } = {}) {
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'kabinet-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport,
      locale: 'ru-RU',
      timezoneId: 'Europe/Moscow',
    });
  } catch (err) {
    await rm(userDataDir, { recursive: true, force: true });
    throw err;
  }
  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(15000);
  const errors = [];
  const consoleLines = [];
  page.on('pageerror', (err) => errors.push(err));
  page.on('console', (msg) => consoleLines.push(`[${msg.type()}] ${msg.text()}`));
  return {
    context,
    page,
    errors,
    consoleLines,
    async close() {
      await context.close().catch(() => {});
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot as <artifacts>/<name>.png; returns the path. */
export async function screenshot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${fileSafe(name)}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Runs body(page, session) in a fresh browser and always leaves a screenshot:
 * "<artifact>.png" on success, "<artifact>.FAILED.png" (plus the page's
 * console log) on failure. Uncaught exceptions in the page fail the test.
 * options: {artifact: file name stem (default: the test's name), viewport}.
 */
export async function withPage(t, body, options = {}) {
  const { artifact, ...launchOptions } = options;
  const session = await launch(launchOptions);
  const name = fileSafe(artifact || t.name);
  let failed = true;
  try {
    await body(session.page, session);
    if (session.errors.length) {
      throw new Error(`uncaught errors in the page:\n${session.errors.map((e) => e.stack || e.message).join('\n')}`);
    }
    failed = false;
  } finally {
    try {
      const file = await screenshot(session.page, failed ? `${name}.FAILED` : name);
      t.diagnostic(`screenshot: ${file}`);
      if (failed) {
        const log = path.join(ARTIFACTS, `${name}.FAILED.console.txt`);
        await writeFile(log, `${session.consoleLines.join('\n')}\n`);
        t.diagnostic(`console log: ${log}`);
      }
    } catch (err) {
      t.diagnostic(`no screenshot: ${err.message}`);
    }
    await session.close();
  }
}
