import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRedisServer, pingRedis, RedisServerMissingError, startRedisServer } from '../../src/index.js';

describe('redis-server for the local scheduler (real redis-server)', () => {
  it('spawns redis-server on a free port, answers PING, stops idempotently', async () => {
    const redis = await startRedisServer();
    expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(await pingRedis(redis.port)).toBe(true);
    await Promise.all([redis.stop(), redis.stop()]);
    expect(await pingRedis(redis.port)).toBe(false);
  });

  it('restarts on the same port with its data dir (append-only file)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'redis-'));
    const first = await startRedisServer({ dataDir });
    await first.stop();
    const second = await startRedisServer({ dataDir, port: first.port });
    expect(await pingRedis(second.port)).toBe(true);
    await second.stop();
  });

  it('says how to install Redis when redis-server is not on PATH', async () => {
    expect(await findRedisServer('/nonexistent:/also-not-here')).toBeNull();
    const err = await startRedisServer({ binary: '/nonexistent/redis-server' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisServerMissingError);
    expect((err as Error).message).toMatch(/apt-get install redis-server.*REDIS_URL/s);
  });
});
