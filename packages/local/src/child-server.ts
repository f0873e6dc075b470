import { type ChildProcess, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { finishesWithin, onceAsync } from '@lean-ops/core';
import { WATCHDOG_SOURCE } from './child-watchdog.js';

export interface ChildServerOptions {
  /** Name used in errors, e.g. `redis-server`. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Resolves true once the server answers; polled every 50 ms. */
  readonly ready: () => Promise<boolean>;
  /** @defaultValue 30000 */
  readonly startTimeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /**
   * Strings the server's command line contains while it runs (what `ps` shows: some
   * servers rewrite their title), so that a later start can tell it is still this server
   * before reaping it. @defaultValue [command]
   */
  readonly identity?: readonly string[];
}

/** What a later start needs to find a server again (`lean-ops dev` keeps it in dev.json). */
export interface ChildServerRecord {
  readonly name: string;
  /** The server process. */
  readonly pid: number;
  /** Its process group: the watchdog that holds the server, and the server. */
  readonly pgid: number;
  /** Strings its command line contains (see `ChildServerOptions.identity`). */
  readonly identity: readonly string[];
}

export interface ChildServer {
  readonly pid: number | undefined;
  readonly record: ChildServerRecord;
  /** SIGTERM, then SIGKILL after a grace period; a second call awaits the first. */
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 5_000;
const OUTPUT_TAIL_CHARS = 4_000;

/** Thrown when a server process cannot start or does not become ready. */
export class ChildServerError extends Error {
  override name = 'ChildServerError';
}

/**
 * Starts a server as a child process and waits until `ready()` says it answers. No server
 * outlives its owner, however the owner ends: the server runs under a small watchdog
 * process that holds a pipe from this process and stops the server when the pipe closes,
 * which the kernel does when this process dies, even of SIGKILL.
 */
export async function startChildServer(options: ChildServerOptions): Promise<ChildServer> {
  // A process group of its own (watchdog and server): Ctrl-C in a terminal signals the
  // whole foreground group, and the server must outlive its owner's graceful shutdown,
  // which still needs it. The owner stops it (`stop()`, the exit hook, or the watchdog).
  const child = spawn(
    process.execPath,
    ['-e', WATCHDOG_SOURCE, String(STOP_GRACE_MS), options.command, ...options.args],
    {
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
      env: options.env ?? process.env,
      cwd: options.cwd,
      detached: true,
    },
  );
  const pgid = child.pid;
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // Nothing is written to the watchdog; the pipe only has to stay open while this process lives.
  const lifeline = child.stdin as Writable;
  lifeline.on('error', () => undefined);
  let exitReason: string | undefined;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(`exited with ${signal ?? `code ${code}`}`));
    child.once('error', (err) => resolve(`failed to start: ${err.message}`));
  }).then((reason) => {
    exitReason = reason;
    return reason;
  });
  const serverPid = readServerPid(child.stdio[3] as Readable);
  const killOnExit = (): void => {
    killGroup(pgid, 'SIGKILL');
  };
  process.once('exit', killOnExit);
  const stop = onceAsync(async () => {
    process.off('exit', killOnExit);
    await terminate(child, lifeline, exited);
  });
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (exitReason !== undefined) {
      await stop();
      throw new ChildServerError(`${options.name} ${exitReason} before it was ready\n--- output ---\n${tail}`);
    }
    if (await options.ready().catch(() => false)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new ChildServerError(`${options.name} was not ready within ${startTimeoutMs} ms\n${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const pid = await serverPid;
  const record: ChildServerRecord = {
    name: options.name,
    pid: pid ?? 0,
    pgid: pgid ?? 0,
    identity: options.identity ?? [options.command],
  };
  return { pid, record, stop };
}

/** The watchdog writes the server's pid as one line on its fd 3. */
function readServerPid(stream: Readable): Promise<number | undefined> {
  return new Promise((resolve) => {
    let text = '';
    const done = (): void => {
      stream.destroy();
      const pid = Number.parseInt(text, 10);
      resolve(Number.isInteger(pid) && pid > 0 ? pid : undefined);
    };
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (text.includes('\n')) done();
    });
    stream.once('end', done);
    stream.once('error', done);
  });
}

function killGroup(pgid: number | undefined, signal: NodeJS.Signals): void {
  if (pgid === undefined) return;
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/** Closing the lifeline asks the watchdog to stop its server (SIGTERM, SIGKILL after the grace). */
async function terminate(child: ChildProcess, lifeline: Writable, exited: Promise<string>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  lifeline.end();
  if (!(await finishesWithin(exited, STOP_GRACE_MS + 2_000))) {
    killGroup(child.pid, 'SIGKILL');
    await exited;
  }
}
