// Staff accounts for the operator's pages. The demo has consumers only, so a
// test makes its own tenant administrator with the command line tool:
//   kabinet users create-admin --tenant ID --email EMAIL --full-name NAME --database URL
// (the password comes from KABINET_ADMIN_PASSWORD in the tool's environment).
//   KABINET_CLI           the `kabinet` binary (else $KABINET_BINARY_DIR/core/kabinet)
//   KABINET_DATABASE_URL  the database the server under test uses
// With KABINET_SOURCE_DIR set, the tool is pointed at its tenants and scripts.

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const CLI = process.env.KABINET_CLI
  || (process.env.KABINET_BINARY_DIR ? path.join(process.env.KABINET_BINARY_DIR, 'core', 'kabinet') : null);
export const DATABASE_URL = process.env.KABINET_DATABASE_URL || null;

/** A skip reason when no staff account can be made here, or null. */
export function staffSkipReason() {
  if (!DATABASE_URL) return 'KABINET_DATABASE_URL is not set (the database of the server under test, for `kabinet users create-admin`)';
  if (!CLI) return 'KABINET_CLI is not set (the path of the `kabinet` binary)';
  if (!existsSync(CLI)) return `${CLI} is missing`;
  return null;
}

/** A password that passes the staff rules (10+ characters) and the tenants' policies. */
function staffPassword() {
  return `Staff-${Date.now().toString(36)}-Kb9!`;
}

/**
 * Creates a tenant administrator and returns an account for login():
 * {tenant, login, password, fullName}.
 */
export async function createTenantAdmin(tenant, { prefix = 'admin', fullName = 'Оператор Проверочный' } = {}) {
  const login = `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.ru`;
  const password = staffPassword();
  const args = ['users', 'create-admin', '--tenant', tenant, '--email', login, '--full-name', fullName, '--database', DATABASE_URL];
  const source = process.env.KABINET_SOURCE_DIR;
  if (source) args.push('--tenants', path.join(source, 'tenants'), '--scripts', path.join(source, 'scripts'));
  try {
    await run(CLI, args, { env: { ...process.env, KABINET_ADMIN_PASSWORD: password }, timeout: 60000 });
  } catch (err) {
    throw new Error(`${CLI} ${args.join(' ')} failed: ${err.stderr || err.message}`);
  }
  return { tenant, login, password, fullName };
}
