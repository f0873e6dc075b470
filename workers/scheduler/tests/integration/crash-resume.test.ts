import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSemanticSchema } from '@lean-ops/core';
import { DuckDbLake } from '@lean-ops/lake';
import { startRedisServer } from '@lean-ops/local';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedis, RunQueue } from '../../src/index.js';
import { gatedCuration, type LocalPipeline, localPipeline, type Servers, startServers } from '../helpers/harness.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/scheduler-process.ts', import.meta.url));
const schema = parseSemanticSchema({
  topic: 'sensors',
  version: 1,
  columns: [{ name: 'temperature', type: 'double' }],
});

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('scheduler crash and Redis restart (real processes, Redis, DynamoDB Local, DuckDB)', () => {
  let servers: Servers;
  let p: LocalPipeline;
  const children: ChildProcess[] = [];

  /** A scheduler process (the fixture) on the test's lake, state tables and Redis prefix. */
  const spawnScheduler = (pipeline: LocalPipeline, ledger: string, env: Record<string, string>): ChildProcess => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        LEDGER: ledger,
        REDIS_URL: servers.redis.url,
        DYNAMO_ENDPOINT: servers.dynamo.endpoint,
        CHECKPOINTS_TABLE: pipeline.tables.checkpoints,
        SCHEMAS_TABLE: pipeline.tables.schemas,
        DRIFT_TABLE: pipeline.tables.driftLog,
        LAKE_PATH: pipeline.lakePath,
        PREFIX: pipeline.prefix,
        ...env,
      },
    });
    children.push(child);
    return child;
  };

  beforeAll(async () => {
    servers = await startServers();
  });
  afterAll(async () => {
    await servers?.stop();
  });
  afterEach(async () => {
    for (const child of children) child.kill('SIGKILL');
    await p?.close();
  });

  it('resumes a run whose worker was SIGKILLed between steps, moving no checkpoint twice', async () => {
    p = await localPipeline(servers);
    await p.registerSchema(schema);
    await p.land(
      'sensors',
      Array.from({ length: 5 }, (_, i) => ({ temperature: i })),
      (i) => `c${i}`,
    );
    await p.lake.close(); // the scheduler processes own the lake now (one writer)
    const ledger = join(p.dir, 'ledger.txt');
    writeFileSync(ledger, '');
    const lines = () => readFileSync(ledger, 'utf8').split('\n').filter(Boolean);
    const start = (pauseAfter?: string) =>
      spawnScheduler(p, ledger, { TOPICS: 'sensors', ...(pauseAfter && { PAUSE_AFTER: pauseAfter }) });
    const first = start('curated');
    await waitFor('the first scheduler', () => lines().some((l) => l.endsWith(' ready')));
    const connection = createRedis(servers.redis.url);
    const runs = new RunQueue({ connection, prefix: p.prefix, attempts: 3, retryBackoffMs: 50 });
    await runs.requestRun('sensors', 'manual');
    await waitFor('the pause after UpdateCurationCheckpoint', () => lines().some((l) => l.endsWith(' paused')));
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));

    const second = start();
    await waitFor('the resumed run to finish', () => lines().find((l) => l.includes(' report ')), 45_000);
    second.kill('SIGTERM');
    await new Promise((resolve) => second.once('exit', resolve));
    await runs.close();
    connection.disconnect();

    const events = lines().map((l) => l.slice(l.indexOf(' ') + 1));
    expect(events.filter((e) => e.startsWith('curation '))).toHaveLength(1);
    expect(events.filter((e) => e.startsWith('semantic '))).toHaveLength(1);
    expect(events.filter((e) => e.startsWith('advance curated'))).toHaveLength(1);
    expect(events.filter((e) => e.startsWith('advance semantic'))).toHaveLength(1);
    expect(events.filter((e) => e.startsWith('report '))).toEqual(['report FullPipelineSuccess sensors']);
    const secondPid = String(second.pid);
    expect(
      lines()
        .find((l) => l.includes(' semantic '))
        ?.startsWith(secondPid),
    ).toBe(true);

    const lake = await DuckDbLake.open({ path: p.lakePath });
    try {
      expect(await lake.query('SELECT count(*)::INT AS n FROM semantic.sensors')).toEqual([{ n: 5 }]);
      const cps = await p.checkpoints.get('sensors');
      expect(cps.curated).toEqual(await lake.currentSnapshot('sensors', 'raw'));
      expect(cps.semantic).toEqual(await lake.currentSnapshot('sensors', 'curated'));
    } finally {
      await lake.close();
    }
  }, 120_000);

  it('resumes a multi-topic batch after a SIGKILL: each topic’s checkpoints move exactly once', async () => {
    // Prepare: three topics with data; the first process curates them in one batch, then
    // hangs `meters` right after its curated checkpoint moved, while the others go on.
    p = await localPipeline(servers);
    const topics = ['sensors', 'meters', 'valves'];
    for (const topic of topics) {
      await p.registerSchema(parseSemanticSchema({ ...schema, topic }));
      await p.land(
        topic,
        Array.from({ length: 3 }, (_, i) => ({ temperature: i })),
        (i) => `${topic}${i}`,
      );
    }
    await p.lake.close(); // the scheduler processes own the lake now (one writer)
    const ledger = join(p.dir, 'ledger.txt');
    writeFileSync(ledger, '');
    const lines = () => readFileSync(ledger, 'utf8').split('\n').filter(Boolean);
    const events = () => lines().map((l) => l.slice(l.indexOf(' ') + 1));
    const env = { TOPICS: topics.join(','), JOB_GATHER_MS: '1000' };

    // Act
    const first = spawnScheduler(p, ledger, { ...env, PAUSE_AFTER: 'curated', PAUSE_TOPIC: 'meters' });
    await waitFor('the first scheduler', () => lines().some((l) => l.endsWith(' ready')));
    const connection = createRedis(servers.redis.url);
    const runs = new RunQueue({ connection, prefix: p.prefix, attempts: 3, retryBackoffMs: 50 });
    for (const topic of topics) await runs.requestRun(topic, 'manual');
    await waitFor(
      'meters paused and the other two finished',
      () => events().includes('paused') && events().filter((e) => e.startsWith('report ')).length === 2,
    );
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const second = spawnScheduler(p, ledger, env);
    await waitFor('the resumed run of meters', () => events().includes('report FullPipelineSuccess meters'), 45_000);
    second.kill('SIGTERM');
    await new Promise((resolve) => second.once('exit', resolve));
    await runs.close();
    connection.disconnect();

    // Assess: one curation batch of all three in the first process; every checkpoint moved once.
    const curations = events().filter((e) => e.startsWith('curation '));
    expect(curations.map((e) => e.split(' ').at(-1)).sort()).toEqual([...topics].sort());
    const firstPid = String(first.pid);
    expect(
      lines()
        .filter((l) => l.includes(' curation '))
        .every((l) => l.startsWith(firstPid)),
    ).toBe(true);
    for (const topic of topics) {
      expect(events().filter((e) => e.startsWith('advance curated') && e.endsWith(` ${topic}`))).toHaveLength(1);
      expect(events().filter((e) => e.startsWith('advance semantic') && e.endsWith(` ${topic}`))).toHaveLength(1);
      expect(events().filter((e) => e.startsWith('semantic ') && e.endsWith(` ${topic}`))).toHaveLength(1);
    }
    expect(
      events()
        .filter((e) => e.startsWith('report '))
        .sort(),
    ).toEqual(topics.map((t) => `report FullPipelineSuccess ${t}`).sort());
    const lake = await DuckDbLake.open({ path: p.lakePath });
    try {
      for (const topic of topics) {
        expect(await lake.query(`SELECT count(*)::INT AS n FROM semantic.${topic}`)).toEqual([{ n: 3 }]);
        const cps = await p.checkpoints.get(topic);
        expect(cps.curated).toEqual(await lake.currentSnapshot(topic, 'raw'));
        expect(cps.semantic).toEqual(await lake.currentSnapshot(topic, 'curated'));
      }
    } finally {
      await lake.close();
    }
  }, 120_000);

  /**
   * One topic curated and semantic by an in-process scheduler, then a curated row changed
   * behind the engine's back (what a reprocess corrects) and more RAW landed (so the
   * reprocess moves the curated checkpoint); the lake is then closed for the processes.
   */
  const preparedForReprocess = async () => {
    p = await localPipeline(servers);
    await p.registerSchema(schema);
    const { scheduler } = await p.startScheduler({ topics: ['sensors'] });
    await p.land(
      'sensors',
      Array.from({ length: 4 }, (_, i) => ({ temperature: i })),
      (i) => `c${i}`,
    );
    await scheduler.requestRun('sensors');
    await p.nextReport((r) => r.outcome === 'FullPipelineSuccess');
    await scheduler.close();
    await p.lake.query(`UPDATE curated.sensors SET temperature = '999' WHERE idempotency_key = 'c0'`);
    await p.land('sensors', [{ temperature: 7 }], (i) => `d${i}`);
    const before = {
      curated: await p.lake.currentSnapshot('sensors', 'curated'),
      checkpoints: await p.checkpoints.get('sensors'),
    };
    await p.lake.close(); // the scheduler processes own the lake now (one writer)
    const ledger = join(p.dir, 'ledger.txt');
    writeFileSync(ledger, '');
    const lines = () => readFileSync(ledger, 'utf8').split('\n').filter(Boolean);
    const events = () => lines().map((l) => l.slice(l.indexOf(' ') + 1));
    const connection = createRedis(servers.redis.url);
    const runs = new RunQueue({ connection, prefix: p.prefix, attempts: 3, retryBackoffMs: 50 });
    const close = async () => {
      await runs.close();
      connection.disconnect();
    };
    return { ledger, lines, events, runs, before, close };
  };

  const reprocessRequest = () => ({
    id: `r${Date.now()}`,
    topic: 'sensors',
    layer: 'curated' as const,
    from_snapshot: null,
    dry_run: false,
    requested_at: new Date().toISOString(),
  });

  it('a reprocess SIGKILLed inside its rebuild leaves the old layer and checkpoints; the next scheduler resumes it, moving each checkpoint once', async () => {
    const { ledger, lines, events, runs, before, close } = await preparedForReprocess();

    // Act: the rebuild hangs before it reaches the lake; the process is killed there.
    const first = spawnScheduler(p, ledger, { TOPICS: 'sensors', PAUSE_IN_REBUILD: '1' });
    await waitFor('the first scheduler', () => lines().some((l) => l.endsWith(' ready')));
    await runs.requestReprocess(reprocessRequest());
    await waitFor('the pause inside the rebuild', () => events().includes('paused'));
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const killed = await DuckDbLake.open({ path: p.lakePath });
    const untouched = {
      value: await killed.query(`SELECT temperature FROM curated.sensors WHERE idempotency_key = 'c0'`),
      curated: await killed.currentSnapshot('sensors', 'curated'),
      checkpoints: await p.checkpoints.get('sensors'),
    };
    await killed.close();
    const second = spawnScheduler(p, ledger, { TOPICS: 'sensors' });
    await waitFor('the resumed reprocess', () => events().includes('report Reprocessed sensors'), 45_000);
    await waitFor('the catch-up run', () => events().filter((e) => e.startsWith('report ')).length === 2, 45_000);
    second.kill('SIGTERM');
    await new Promise((resolve) => second.once('exit', resolve));
    await close();

    // Assess
    expect(untouched).toEqual({
      value: [{ temperature: '999' }],
      curated: before.curated,
      checkpoints: before.checkpoints,
    });
    const reprocessing = events().slice(events().findIndex((e) => e.startsWith('curation-rebuild')));
    expect(reprocessing.filter((e) => e.startsWith('curation-rebuild start'))).toHaveLength(2);
    expect(reprocessing.filter((e) => e.startsWith('advance curated'))).toHaveLength(1);
    expect(reprocessing.filter((e) => e.startsWith('semantic-rebuild'))).toHaveLength(1);
    expect(reprocessing.filter((e) => e.startsWith('advance semantic'))).toHaveLength(1);
    expect(reprocessing.filter((e) => e.startsWith('report '))).toEqual([
      'report Reprocessed sensors',
      'report NoNewData sensors',
    ]);
    const lake = await DuckDbLake.open({ path: p.lakePath });
    try {
      expect(await lake.query(`SELECT temperature FROM curated.sensors WHERE idempotency_key = 'c0'`)).toEqual([
        { temperature: '0' },
      ]);
      const cps = await p.checkpoints.get('sensors');
      expect(cps.curated).toEqual(await lake.currentSnapshot('sensors', 'raw'));
      expect(cps.semantic).toEqual(await lake.currentSnapshot('sensors', 'curated'));
    } finally {
      await lake.close();
    }
  }, 120_000);

  it('a reprocess SIGKILLed after its curated checkpoint moved resumes at the semantic rebuild: nothing rebuilt or moved twice', async () => {
    const { ledger, lines, events, runs, close } = await preparedForReprocess();

    const first = spawnScheduler(p, ledger, { TOPICS: 'sensors', PAUSE_AFTER: 'curated' });
    await waitFor('the first scheduler', () => lines().some((l) => l.endsWith(' ready')));
    await runs.requestReprocess(reprocessRequest());
    await waitFor('the pause after the curated checkpoint', () => events().includes('paused'));
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const second = spawnScheduler(p, ledger, { TOPICS: 'sensors' });
    await waitFor('the resumed reprocess', () => events().includes('report Reprocessed sensors'), 45_000);
    second.kill('SIGTERM');
    await new Promise((resolve) => second.once('exit', resolve));
    await close();

    const reprocessing = events().slice(events().findIndex((e) => e.startsWith('curation-rebuild')));
    expect(reprocessing.filter((e) => e.startsWith('curation-rebuild'))).toHaveLength(1);
    expect(reprocessing.filter((e) => e.startsWith('advance curated'))).toHaveLength(1);
    expect(reprocessing.filter((e) => e.startsWith('semantic-rebuild'))).toHaveLength(1);
    expect(reprocessing.filter((e) => e.startsWith('advance semantic'))).toHaveLength(1);
    const secondPid = String(second.pid);
    expect(
      lines()
        .find((l) => l.includes(' semantic-rebuild '))
        ?.startsWith(secondPid),
    ).toBe(true);
    const lake = await DuckDbLake.open({ path: p.lakePath });
    try {
      expect(await lake.query(`SELECT temperature FROM semantic.sensors WHERE idempotency_key = 'c0'`)).toEqual([
        { temperature: 0 },
      ]);
    } finally {
      await lake.close();
    }
  }, 120_000);

  it('completes a run cleanly when Redis restarts in the middle of it', async () => {
    const redisDir = mkdtempSync(join(tmpdir(), 'redis-aof-'));
    let redis = await startRedisServer({ dataDir: redisDir });
    const gate = gatedCuration();
    p = await localPipeline(servers, { redisUrl: redis.url, wrapJobs: gate.wrapJobs });
    await p.registerSchema(schema);
    const { scheduler } = await p.startScheduler({ topics: ['sensors'], lockDurationMs: 10_000 });
    await p.land('sensors', [{ temperature: 1 }, { temperature: 2 }]);
    await scheduler.requestRun('sensors');
    await gate.entered;

    await redis.stop();
    redis = await startRedisServer({ dataDir: redisDir, port: redis.port });
    gate.release();

    const report = await p.nextReport(() => true, 45_000);
    expect(report.outcome).toBe('FullPipelineSuccess');
    expect(report.semantic_records_written).toBe(2);
    const cps = await p.checkpoints.get('sensors');
    expect(cps.semantic).toEqual(await p.lake.currentSnapshot('sensors', 'curated'));
    expect(gate.curations).toBeLessThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(p.reports.filter((r) => r.outcome === 'FullPipelineSuccess')).toHaveLength(1);
    await p.close();
    await redis.stop();
  }, 120_000);
});
