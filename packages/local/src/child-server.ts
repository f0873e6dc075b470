import { type ChildProcess, spawn } from 'node:child_process';
import { finishesWithin, onceAsync } from '@lean-ops/core';

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
}

export interface ChildServer {
  readonly pid: number | undefined;
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
 * Starts a server as a child process and waits until `ready()` says it answers. The
 * process is killed when this process exits, so no server outlives its owner.
 */
export async function startChildServer(options: ChildServerOptions): Promise<ChildServer> {
  // A process group of its own: Ctrl-C in a terminal signals the whole foreground group,
  // and the server must outlive its owner's graceful shutdown, which still needs it. The
  // owner stops it (`stop()`, or the exit hook below).
  const child = spawn(options.command, [...options.args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
    cwd: options.cwd,
    detached: true,
  });
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exitReason: string | undefined;
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(`exited with ${signal ?? `code ${code}`}`));
    child.once('error', (err) => resolve(`failed to start: ${err.message}`));
  }).then((reason) => {
    exitReason = reason;
    return reason;
  });
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const stop = onceAsync(async () => {
    process.off('exit', killOnExit);
    await terminate(child, exited);
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
  return { pid: child.pid, stop };
}

async function terminate(child: ChildProcess, exited: Promise<string>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if (!(await finishesWithin(exited, STOP_GRACE_MS))) {
    child.kill('SIGKILL');
    await exited;
  }
}
