import { parseSemanticSchema } from '@lean-ops/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedis, RunQueue } from '../../src/index.js';
import {
  failingTopics,
  gatedCuration,
  type LocalPipeline,
  localPipeline,
  type Servers,
  startServers,
} from '../helpers/harness.js';

const schemaOf = (topic: string, version = 1, extra: { name: string; type: 'string' | 'double' }[] = []) =>
  parseSemanticSchema({
    topic,
    version,
    columns: [{ name: 'temperature', type: 'double', required: true }, ...extra],
  });

describe('scheduler on real Redis and DynamoDB Local with the local (DuckDB) runner', () => {
  let servers: Servers;
  let p: LocalPipeline;

  beforeAll(async () => {
    servers = await startServers();
  });
  afterAll(async () => {
    await servers?.stop();
  });
  afterEach(async () => {
    await p?.close();
  });

  it('reaches every outcome of the state machine', async () => {
    p = await localPipeline(servers);
    const { scheduler } = await p.startScheduler({ topics: ['plain', 'sensors'] });

    await scheduler.requestRun('sensors');
    expect((await p.nextReport((r) => r.topic === 'sensors')).outcome).toBe('NoNewData');

    await p.land('plain', [{ temperature: 1 }, { temperature: 2 }]);
    await scheduler.requestRun('plain');
    const curationOnly = await p.nextReport((r) => r.topic === 'plain');
    expect(curationOnly.outcome).toBe('CurationOnlySuccess');
    expect(curationOnly.curation_records_written).toBe(2);
    expect((await p.drift.list('plain')).map((e) => e.column)).toEqual(['*']);

    await p.registerSchema(schemaOf('sensors'));
    const raw = await p.land('sensors', [{ temperature: 20.5 }, { temperature: 21 }, { temperature: 'hot' }]);
    await scheduler.requestRun('sensors');
    const full = await p.nextReport((r) => r.topic === 'sensors' && r.outcome !== 'NoNewData');
    expect(full).toMatchObject({
      outcome: 'FullPipelineSuccess',
      curation_records_written: 3,
      semantic_records_written: 2,
      semantic_records_rejected: 1,
      again: false,
    });
    const cps = await p.checkpoints.get('sensors');
    expect(cps.curated).toEqual(raw);
    expect(cps.semantic).toEqual(await p.lake.currentSnapshot('sensors', 'curated'));
    expect(await p.lake.query('SELECT temperature FROM semantic.sensors ORDER BY temperature')).toEqual([
      { temperature: 20.5 },
      { temperature: 21 },
    ]);

    // Only versions the curated table already has: RAW moves, curated does not.
    await p.redeliver('sensors');
    await scheduler.requestRun('sensors');
    const noCurated = await p.nextReport((r) => r.topic === 'sensors' && r.outcome === 'NoNewCuratedData');
    expect(noCurated.curation_records_written).toBe(0);

    // A job that fails on every attempt: the run fails naming its step and the error.
    await p.lake.query('DROP TABLE curated.plain');
    await p.land('plain', [{ temperature: 3 }], () => 'k9');
    await scheduler.requestRun('plain');
    const failed = await p.nextReport((r) => r.topic === 'plain' && r.outcome === 'Failed');
    expect(failed.failed_step).toBe('RunCurationJob');
    expect(failed.error?.name).toBe('JobFailedError');
    expect(failed.error?.message).toMatch(/curated\.plain|plain/);

    const history = await scheduler.history.recent('sensors');
    expect(history.map((r) => r.outcome)).toEqual(['NoNewCuratedData', 'FullPipelineSuccess', 'NoNewData']);
    const metrics = await scheduler.metrics.runs.get();
    const outcomes = new Set(metrics.values.map((v) => v.labels.outcome));
    expect(outcomes).toEqual(
      new Set(['NoNewData', 'CurationOnlySuccess', 'FullPipelineSuccess', 'NoNewCuratedData', 'Failed']),
    );
  });

  it('curates several topics in one batch; a topic whose job fails is retried alone while the others complete', async () => {
    // Prepare: three topics with data; the engine stand-in fails `meters`' first curation.
    const failing = failingTopics({ topics: ['meters'], job: 'curation' });
    p = await localPipeline(servers, { wrapJobs: failing.wrapJobs });
    const topics = ['sensors', 'meters', 'valves'];
    const raws = new Map<string, unknown>();
    for (const topic of topics) {
      await p.registerSchema(schemaOf(topic));
      raws.set(topic, await p.land(topic, [{ temperature: 1 }, { temperature: 2 }], (i) => `${topic}${i}`));
    }
    const { scheduler } = await p.startScheduler({ topics, jobGatherMs: 500 });

    // Act
    for (const topic of topics) await scheduler.requestRun(topic);
    const reports = await Promise.all(
      topics.map((topic) => p.nextReport((r) => r.topic === topic && r.outcome === 'FullPipelineSuccess')),
    );

    // Assess: one curation batch of all three; meters failed there and alone was retried.
    expect(reports.map((r) => r.semantic_records_written)).toEqual([2, 2, 2]);
    expect(failing.batches[0]).toEqual({ job: 'curation', topics: expect.arrayContaining(topics) });
    expect(failing.batches[0]?.topics).toHaveLength(3);
    const later = failing.batches.slice(1);
    expect(later.filter((b) => b.job === 'curation')).toEqual([{ job: 'curation', topics: ['meters'] }]);
    expect(
      later
        .filter((b) => b.job === 'semantic')
        .flatMap((b) => b.topics)
        .sort(),
    ).toEqual([...topics].sort());
    expect(p.reports.filter((r) => r.outcome === 'Failed')).toEqual([]);
    for (const topic of topics) {
      const cps = await p.checkpoints.get(topic);
      expect(cps.curated).toEqual(raws.get(topic));
      expect(cps.semantic).toEqual(await p.lake.currentSnapshot(topic, 'curated'));
    }
    const engineRuns = (await scheduler.metrics.jobBatchTopics.get()).values.filter(
      (v) => v.metricName?.endsWith('_count') && v.labels.job === 'curation',
    );
    expect(engineRuns.map((v) => v.value)).toEqual([2]);
  });

  it('puts a run waiting for its batch back in the queue on close (no attempt spent, not held by the interval); the next scheduler resumes it', async () => {
    // Prepare: one run done; the next one's curation waits for the ten-minute interval. Were
    // close() held by the interval or the budget, the test would time out.
    p = await localPipeline(servers);
    await p.registerSchema(schemaOf('sensors'));
    const { scheduler } = await p.startScheduler({
      topics: ['sensors'],
      jobMinIntervalSeconds: 600,
      shutdownBudgetMs: 120_000,
    });
    await p.land('sensors', [{ temperature: 1 }]);
    await scheduler.requestRun('sensors');
    const first = await p.nextReport(() => true);
    expect(first.outcome).toBe('FullPipelineSuccess');
    await p.land('sensors', [{ temperature: 2 }], (i) => `n${i}`);
    const id = await scheduler.requestRun('sensors');
    const connection = createRedis(servers.redis.url);
    const runs = new RunQueue({ connection, prefix: p.prefix, attempts: 3, retryBackoffMs: 50 });
    const job = async () => {
      const found = await runs.queue.getJob(id ?? '');
      if (!found) throw new Error(`run job ${id} not found`);
      return found;
    };
    for (let i = 0; !(await job()).data.state?.completed.includes('CheckForNewRawData'); i++) {
      if (i > 200) throw new Error('the run did not reach RunCurationJob');
      await new Promise((resolve) => setTimeout(resolve, 25));
    }

    // Act
    await scheduler.close();

    // Assess: back in the queue with its state; then resumed at RunCurationJob by the next scheduler.
    const back = await job();
    expect(await back.getState()).toBe('waiting');
    expect(back.attemptsMade).toBe(0);
    expect(back.data.state?.completed).toEqual(['GetAllCheckpoints', 'CheckForNewRawData']);
    await p.startScheduler({ topics: ['sensors'] });
    const resumed = await p.nextReport((r) => r !== first);
    expect(resumed).toMatchObject({ outcome: 'FullPipelineSuccess', curation_records_written: 1 });
    expect(p.reports.filter((r) => r.outcome === 'Failed')).toEqual([]);
    await runs.close();
    connection.disconnect();
  });

  it('logs drift once per column and passes it on in the report', async () => {
    p = await localPipeline(servers);
    const { scheduler } = await p.startScheduler({ topics: ['sensors'] });
    await p.registerSchema(schemaOf('sensors'));
    await p.land('sensors', [{ temperature: 1, humidity: 40 }]);
    await scheduler.requestRun('sensors');
    expect((await p.nextReport(() => true)).new_drift).toEqual(['humidity']);
    const entries = await p.drift.list('sensors');
    expect(entries.map((e) => [e.column, e.status])).toEqual([['humidity', 'pending']]);
    const counted = await scheduler.metrics.driftEntries.get();
    expect(counted.values[0]?.value).toBe(1);
  });

  it('keeps curation-pending records and semantic lag as gauges', async () => {
    p = await localPipeline(servers);
    const { scheduler } = await p.startScheduler({ topics: ['sensors'] });
    await p.registerSchema(schemaOf('sensors'));
    await p.land('sensors', [{ temperature: 1 }, { temperature: 2 }, { temperature: 3 }], (i) => `p${i}`);
    await scheduler.pollRaw(); // reads the checkpoint, then asks for a run (RAW advanced)
    const pending = async () => (await scheduler.metrics.curationPending.get()).values[0]?.value;
    expect(await pending()).toBe(3);
    expect((await p.nextReport(() => true)).trigger).toBe('raw-advanced');
    await scheduler.pollRaw();
    expect(await pending()).toBe(0);
    expect((await scheduler.metrics.semanticLag.get()).values[0]?.value).toBe(0);
    expect(p.reports).toHaveLength(1);
  });

  it('starts another run at once while more than the backlog threshold was written', async () => {
    p = await localPipeline(servers);
    const { scheduler } = await p.startScheduler({ topics: ['sensors'], backlogRecords: 5 });
    await p.registerSchema(schemaOf('sensors'));
    await p.land(
      'sensors',
      Array.from({ length: 20 }, (_, i) => ({ temperature: i })),
      (i) => `b${i}`,
    );
    await scheduler.requestRun('sensors');
    const first = await p.nextReport((r) => r.trigger === 'manual');
    expect(first).toMatchObject({ outcome: 'FullPipelineSuccess', semantic_records_written: 20, again: true });
    const next = await p.nextReport((r) => r.trigger === 'backlog');
    expect(next.outcome).toBe('NoNewData');
  });

  it('gives one run, plus at most one queued, for many triggers of one topic at once', async () => {
    // Hold the first run inside its curation job while the triggers arrive.
    const gate = gatedCuration({ firstOnly: true });
    p = await localPipeline(servers, { wrapJobs: gate.wrapJobs });
    const { scheduler } = await p.startScheduler({ topics: ['sensors'], concurrency: 4 });
    await p.registerSchema(schemaOf('sensors'));
    await p.land('sensors', [{ temperature: 1 }]);
    await scheduler.requestRun('sensors');
    await gate.entered;
    await Promise.all(Array.from({ length: 20 }, () => scheduler.requestRun('sensors')));
    const counts = await scheduler.runs.queue.getJobCounts('active', 'waiting', 'delayed', 'prioritized');
    gate.release();
    await p.nextReport((r) => r.outcome === 'NoNewData');
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    // One active and one waiting at the burst; exactly two runs, one after the other.
    expect(counts.active).toBe(1);
    expect((counts.waiting ?? 0) + (counts.delayed ?? 0) + (counts.prioritized ?? 0)).toBeLessThanOrEqual(1);
    expect(p.reports.map((r) => r.outcome)).toEqual(['FullPipelineSuccess', 'NoNewData']);
    const [first, second] = p.reports;
    expect(Date.parse(second?.started_at ?? '')).toBeGreaterThanOrEqual(Date.parse(first?.finished_at ?? ''));
  });

  it('runs when RAW advances (event trigger) and on the timer, with one job scheduler per topic', async () => {
    p = await localPipeline(servers);
    await p.registerSchema(schemaOf('sensors'));
    const first = await p.startScheduler({ topics: ['sensors', 'plain'], rawPollSeconds: 0.2 });
    await p.land('sensors', [{ temperature: 5 }]);
    const event = await p.nextReport((r) => r.trigger === 'raw-advanced');
    expect(event.outcome).toBe('FullPipelineSuccess');
    await first.scheduler.close();

    // A second start (a redeploy) with a short timer and one topic fewer: still one
    // scheduler per configured topic, the removed topic's timer gone.
    const second = await p.startScheduler({ topics: ['sensors'], triggerIntervalSeconds: 0.5 });
    expect(await second.scheduler.timers()).toEqual(['schedule:sensors']);
    const timed = await p.nextReport((r) => r.trigger === 'schedule');
    expect(timed.outcome).toBe('NoNewData');
  });
});
