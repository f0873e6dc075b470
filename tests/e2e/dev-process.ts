import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { type DevRuntime, readDevRuntime } from '@lean-ops/local';

/** Helpers for e2e tests that run the real `lean-ops` bin as a user would. */
export const BIN = resolve(import.meta.dirname, '../../apps/cli/bin/lean-ops.js');
export const ENV = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', LEAN_OPS_CONFIG: '' };
const execute = promisify(execFile);

/** Free ports for every listener of `lean-ops dev`, so that tests can run side by side. */
export const FREE_PORTS = ['--status-port', '0', '--metrics-port', '0', '--sqs-port', '0'] as const;

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `lean-ops <args>` to the end. */
export async function cli(args: readonly string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await execute(process.execPath, [BIN, ...args], {
      env: ENV,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A running `lean-ops dev`, in a process group of its own as a terminal would start it. */
export class DevProcess {
  stderr = '';
  readonly exited: Promise<number | null>;

  private constructor(readonly child: ChildProcess) {
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
    });
    child.stdout?.resume();
    this.exited = new Promise((done) => child.once('exit', (code) => done(code)));
  }

  static start(args: readonly string[]): DevProcess {
    return new DevProcess(
      spawn(process.execPath, [BIN, 'dev', ...args], {
        env: ENV,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      }),
    );
  }

  get pid(): number {
    return this.child.pid as number;
  }

  /** Waits until stderr matches `pattern`; the first group of the match. */
  async waitFor(pattern: RegExp, timeoutMs = 90_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.stderr.match(pattern);
      if (found) return found[1] ?? found[0];
      if (this.child.exitCode !== null)
        throw new Error(`lean-ops dev exited (${this.child.exitCode}):\n${this.stderr}`);
      if (Date.now() > deadline)
        throw new Error(`no ${pattern} from lean-ops dev within ${timeoutMs} ms:\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Signals the whole process group, as a terminal (Ctrl-C) or a crash would. */
  signalGroup(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.pid, signal);
    } catch {
      // already gone
    }
  }
}

/** `<data-dir>/dev.json` as the running dev wrote it (read as every other reader does). */
export function readDevJson(dataDir: string): DevRuntime {
  const dev = readDevRuntime(dataDir);
  if (!dev) throw new Error(`${dataDir} has no dev.json`);
  return dev;
}

/** Polls `check` until it holds or `timeoutMs` passed; the last result. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  everyMs = 250,
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
