import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type ChildServerRecord,
  commandLineOf,
  isProcessAlive,
  pingRedis,
  reapChildServers,
  startRedisServer,
} from '../../src/index.js';

const LOCAL = resolve(import.meta.dirname, '../../src/index.ts');

/** Polls until `check` holds; false when it still does not after `timeoutMs`. */
async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

describe('child servers never outlive their owner (real redis-server)', () => {
  const spawned: ChildProcess[] = [];
  afterAll(() => {
    for (const p of spawned) p.kill('SIGKILL');
  });

  it('stops the server when its owner is killed with SIGKILL (the watchdog sees the pipe close)', async () => {
    // An owner process of its own, killed as a crash kills it: no exit hook runs.
    const owner = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import { startRedisServer } from ${JSON.stringify(LOCAL)};
         const r = await startRedisServer();
         process.stdout.write(JSON.stringify({ ...r.record, port: r.port }) + '\\n');
         setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    spawned.push(owner);
    const line = await new Promise<string>((done, fail) => {
      let out = '';
      owner.stdout?.on('data', (c: Buffer) => {
        out += c.toString('utf8');
        if (out.includes('\n')) done(out.split('\n')[0] as string);
      });
      owner.once('exit', (code) => fail(new Error(`owner exited with ${code} before starting redis-server`)));
    });
    const server = JSON.parse(line) as ChildServerRecord & { port: number };
    expect(server.pid).toBeGreaterThan(0);
    expect(server.pgid).not.toBe(owner.pid);
    expect(await commandLineOf(server.pid)).toContain(`127.0.0.1:${server.port}`);
    expect(await pingRedis(server.port)).toBe(true);

    owner.kill('SIGKILL');
    expect(await eventually(() => !isProcessAlive(server.pid) && !isProcessAlive(server.pgid), 15_000)).toBe(true);
    expect(await pingRedis(server.port)).toBe(false);
  });

  it('reaps a recorded server whose watchdog died, and nothing whose command line is not the recorded server', async () => {
    const redis = await startRedisServer();
    try {
      // Killing the watchdog alone leaves the server running: what a later start must reap.
      process.kill(redis.record.pgid, 'SIGKILL');
      expect(await eventually(() => !isProcessAlive(redis.record.pgid), 5_000)).toBe(true);
      expect(await pingRedis(redis.port)).toBe(true);

      const stranger = spawn('sleep', ['60'], { stdio: 'ignore' });
      spawned.push(stranger);
      const notOurs: ChildServerRecord = {
        name: 'redis-server',
        pid: stranger.pid as number,
        pgid: stranger.pid as number,
        identity: ['redis-server'],
      };
      const reaped = await reapChildServers([redis.record, notOurs], 3_000);
      expect(reaped.map((r) => r.pid)).toEqual([redis.record.pid]);
      expect(isProcessAlive(redis.record.pid)).toBe(false);
      expect(await pingRedis(redis.port)).toBe(false);
      expect(isProcessAlive(stranger.pid as number)).toBe(true);
      expect(await reapChildServers([redis.record])).toEqual([]);
    } finally {
      await redis.stop();
    }
  });

  it('stop() ends the server and its watchdog', async () => {
    const redis = await startRedisServer();
    await redis.stop();
    expect(isProcessAlive(redis.record.pid)).toBe(false);
    expect(isProcessAlive(redis.record.pgid)).toBe(false);
  });
});
