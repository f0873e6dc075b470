import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { ChildServerRecord } from './child-server.js';
import { WATCHDOG_MARK } from './child-watchdog.js';

const run = promisify(execFile);

/** Whether a process with this pid runs: it exists and, on Linux, is not a zombie. */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it exists, but is someone else's.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (process.platform !== 'linux') return true;
  try {
    // The state follows the parenthesised name, which may itself hold spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The command line of a process, its arguments joined by spaces; undefined when it is gone. */
export async function commandLineOf(pid: number): Promise<string | undefined> {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  if (process.platform === 'linux') {
    try {
      const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8');
      return raw.replace(/\0+$/, '').replaceAll('\0', ' ') || undefined;
    } catch {
      return undefined;
    }
  }
  try {
    const { stdout } = await run('ps', ['-o', 'command=', '-p', String(pid)]);
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The processes of a record that still run and are really its server or watchdog. */
async function survivors(record: ChildServerRecord): Promise<number[]> {
  const found: number[] = [];
  const server = await commandLineOf(record.pid);
  if (server !== undefined && record.identity.length > 0 && record.identity.every((s) => server.includes(s))) {
    found.push(record.pid);
  }
  if (record.pgid !== record.pid && (await commandLineOf(record.pgid))?.includes(WATCHDOG_MARK)) {
    found.push(record.pgid);
  }
  return found;
}

/**
 * Stops the child servers a previous owner recorded that still run (its watchdog was
 * killed with it, or the machine's process table says so): only processes whose command
 * line still shows the recorded server or a watchdog are signalled, so a pid that was
 * reused by another program is left alone. SIGTERM, SIGKILL after `graceMs`. Resolves
 * with the records that had something left to stop.
 */
export async function reapChildServers(
  records: readonly ChildServerRecord[],
  graceMs = 5_000,
): Promise<ChildServerRecord[]> {
  const reaped: ChildServerRecord[] = [];
  const pids: number[] = [];
  for (const record of records) {
    const found = await survivors(record);
    if (found.length === 0) continue;
    reaped.push(record);
    pids.push(...found);
  }
  const signal = (pid: number, name: NodeJS.Signals): void => {
    try {
      process.kill(pid, name);
    } catch {
      // gone meanwhile
    }
  };
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pids.some(isProcessAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  for (const pid of pids.filter(isProcessAlive)) signal(pid, 'SIGKILL');
  const killDeadline = Date.now() + 2_000;
  while (pids.some(isProcessAlive) && Date.now() < killDeadline) await new Promise((r) => setTimeout(r, 50));
  return reaped;
}
