import { type ChildProcess, spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from './free-port.js';
import { idempotentStop, type TestServer } from './test-server.js';

/** Where scripts/provision.sh installs moto (requirements.txt pins moto[server]==5.2.5). */
export const DEFAULT_MOTO_SERVER = fileURLToPath(new URL('../../../.venv/bin/moto_server', import.meta.url));

export interface StartMotoServerOptions {
  /** Path of the `moto_server` executable. @defaultValue env `LEAN_OPS_MOTO_SERVER`, else `<repo>/.venv/bin/moto_server` */
  readonly binary?: string;
  /** Longest wait for the server to answer. @defaultValue 30000 */
  readonly startTimeoutMs?: number;
}

const STOP_GRACE_MS = 5_000;
const OUTPUT_TAIL_CHARS = 4_000;

/**
 * Starts moto's server (AWS emulator: S3, Firehose delivering into its S3, Glue, …) as a
 * child process on a free port of 127.0.0.1 and waits until it answers HTTP. All services
 * share the one endpoint; state is in memory and lives as long as the process.
 */
export async function startMotoServer(options: StartMotoServerOptions = {}): Promise<TestServer> {
  const binary = options.binary ?? process.env.LEAN_OPS_MOTO_SERVER ?? DEFAULT_MOTO_SERVER;
  try {
    await access(binary, constants.X_OK);
  } catch (err) {
    throw new Error(
      `startMotoServer: ${binary} is missing or not executable. Install moto into .venv with ` +
        '`bash scripts/provision.sh` (pip installs moto[server]==5.2.5 from requirements.txt), ' +
        'or point LEAN_OPS_MOTO_SERVER at a moto_server executable.',
      { cause: err },
    );
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(binary, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(`exited with ${signal ?? `code ${code}`}`));
    child.once('error', (err) => resolve(`failed to start: ${err.message}`));
  });
  // Never leave a moto process behind when the test process ends without stopping it.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const stop = idempotentStop(async () => {
    process.off('exit', killOnExit);
    await terminate(child, exited);
  });
  try {
    await waitUntilAnswering(endpoint, exited, options.startTimeoutMs ?? 30_000);
  } catch (err) {
    await stop();
    throw new Error(`startMotoServer: ${(err as Error).message}\n--- moto_server output ---\n${output}`, {
      cause: err,
    });
  }
  return { endpoint, stop };
}

async function waitUntilAnswering(endpoint: string, exited: Promise<string>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitReason: string | undefined;
  void exited.then((reason) => {
    exitReason = reason;
  });
  for (;;) {
    if (exitReason !== undefined) throw new Error(`moto_server ${exitReason} before answering on ${endpoint}`);
    try {
      // moto's own management API: answers once the server accepts requests.
      const res = await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function terminate(child: ChildProcess, exited: Promise<string>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), STOP_GRACE_MS);
  });
  const first = await Promise.race([exited, grace]);
  clearTimeout(timer);
  if (first === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}
