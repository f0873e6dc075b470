import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The repository's root (this file is tests/snowflake/python.ts). */
export const REPO_ROOT = join(import.meta.dirname, '..', '..');
const VENV_BIN = join(REPO_ROOT, '.venv', 'bin');

/**
 * Runs a program of the repository's .venv (installed from requirements.txt by `npm run
 * provision`); a missing one is a failure that says how to install it, never a skip.
 */
export function runVenv(program: string, args: readonly string[], input?: string) {
  const path = join(VENV_BIN, program);
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: run \`npm run provision\` (it installs requirements.txt into .venv)`);
  }
  const result = spawnSync(path, args, { input, encoding: 'utf8', cwd: REPO_ROOT });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
