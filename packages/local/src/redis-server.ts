import { access, constants, mkdir } from 'node:fs/promises';
import { Socket } from 'node:net';
import { delimiter, join } from 'node:path';
import { ConfigError } from '@lean-ops/core';
import { type ChildServer, type ChildServerRecord, startChildServer } from './child-server.js';
import { freePort } from './free-port.js';

export interface RedisServerOptions {
  /** @defaultValue a free port on 127.0.0.1 */
  readonly port?: number;
  /**
   * Folder for an append-only file; without it Redis keeps nothing on disk (the local
   * default: the scheduler's queue is rebuilt from the lake's checkpoints).
   */
  readonly dataDir?: string;
  /** Path of `redis-server`. @defaultValue found on PATH */
  readonly binary?: string;
}

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number | undefined;
  /** Process ids and command-line identity, to find the server again after a crash. */
  readonly record: ChildServerRecord;
  stop(): Promise<void>;
}

/** `redis-server` is not installed: says how to install it or how to use another Redis. */
export class RedisServerMissingError extends ConfigError {
  override name = 'RedisServerMissingError';
  constructor(searched: string) {
    super('Redis', [
      `redis-server was not found (${searched}). Install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or point REDIS_URL at a running Redis 6.2+`,
    ]);
  }
}

/** `redis-server` on PATH, or null. */
export async function findRedisServer(pathEnv = process.env.PATH ?? ''): Promise<string | null> {
  for (const dir of pathEnv.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'redis-server');
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** Sends PING and resolves true on `+PONG`. */
export function pingRedis(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString('utf8').startsWith('+PONG')));
    socket.connect(port, host, () => socket.write('PING\r\n'));
  });
}

/**
 * Spawns `redis-server` on 127.0.0.1 (the local scheduler's BullMQ backend), with
 * `maxmemory-policy noeviction` as BullMQ requires, and waits until it answers PING.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = options.binary ?? (await findRedisServer());
  if (binary === null) throw new RedisServerMissingError('searched PATH');
  const resolvedPort = options.port ?? (await freePort());
  const args = ['--port', String(resolvedPort), '--bind', '127.0.0.1', '--maxmemory-policy', 'noeviction'];
  if (options.dataDir) {
    await mkdir(options.dataDir, { recursive: true });
    args.push('--dir', options.dataDir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '');
  } else {
    args.push('--save', '', '--appendonly', 'no');
  }
  let server: ChildServer;
  try {
    server = await startChildServer({
      name: 'redis-server',
      command: binary,
      args,
      ready: () => pingRedis(resolvedPort),
      startTimeoutMs: 15_000,
      // Redis rewrites its process title to `redis-server 127.0.0.1:<port>`.
      identity: ['redis-server', `127.0.0.1:${resolvedPort}`],
    });
  } catch (err) {
    if ((err as Error).message.includes('ENOENT')) throw new RedisServerMissingError(binary);
    throw err;
  }
  return {
    url: `redis://127.0.0.1:${resolvedPort}`,
    port: resolvedPort,
    pid: server.pid,
    record: server.record,
    stop: server.stop,
  };
}
