import { access, constants } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startChildServer } from '@lean-ops/local';
import { freePort } from './free-port.js';
import type { TestServer } from './test-server.js';

/** Where scripts/provision.sh installs moto (requirements.txt pins moto[server]==5.2.5). */
export const DEFAULT_MOTO_SERVER = fileURLToPath(new URL('../../../.venv/bin/moto_server', import.meta.url));

export interface StartMotoServerOptions {
  /** Path of the `moto_server` executable. @defaultValue env `LEAN_OPS_MOTO_SERVER`, else `<repo>/.venv/bin/moto_server` */
  readonly binary?: string;
  /** Longest wait for the server to answer. @defaultValue 30000 */
  readonly startTimeoutMs?: number;
}

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
  const server = await startChildServer({
    name: 'moto_server',
    command: binary,
    args: ['-H', '127.0.0.1', '-p', String(port)],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
    // moto's own management API answers once the server accepts requests.
    ready: async () => {
      const res = await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      return res.ok;
    },
    startTimeoutMs: options.startTimeoutMs,
  }).catch((err: unknown) => {
    throw new Error(`startMotoServer: ${(err as Error).message}`, { cause: err });
  });
  return { endpoint, stop: server.stop };
}
