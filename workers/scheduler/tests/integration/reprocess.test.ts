import { randomUUID } from 'node:crypto';
import { isErrorNamed, parseSemanticSchema } from '@lean-ops/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ReprocessRequest } from '../../src/index.js';
import { gatedCuration, type LocalPipeline, localPipeline, type Servers, startServers } from '../helpers/harness.js';

const schema = (version: number, extra: readonly string[] = []) =>
  parseSemanticSchema({
    topic: 'sensors',
    version,
    columns: [
      { name: 'temperature', type: 'double', required: true },
      ...extra.map((name) => ({ name, type: 'double', required: false })),
    ],
  });

const request = (over: Partial<ReprocessRequest> = {}): ReprocessRequest => ({
  id: randomUUID(),
  topic: 'sensors',
  layer: 'curated',
  from_snapshot: null,
  dry_run: false,
  requested_at: new Date().toISOString(),
  ...over,
});

const rows = (p: LocalPipeline, sql: string) => p.lake.query<Record<string, unknown>>(sql);

describe('reprocess runs through the scheduler (real Redis, DynamoDB Local, DuckDB lake)', () => {
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

  it('rebuilds curated and then semantic from RAW, corrects a wrong row, moves each checkpoint once and then catches up', async () => {
    // Prepare: two runs' worth of data, then a row changed behind the engine's back (a bad deploy).
    p = await localPipeline(servers);
    await p.registerSchema(schema(1));
    const { scheduler, registry } = await p.startScheduler({ topics: ['sensors'] });
    await p.land('sensors', [{ temperature: 1 }, { temperature: 2 }]);
    await scheduler.requestRun('sensors');
    await p.nextReport((r) => r.outcome === 'FullPipelineSuccess');
    await p.lake.query(`UPDATE curated.sensors SET temperature = '999' WHERE idempotency_key = 'k0'`);
    await p.lake.query(`UPDATE semantic.sensors SET temperature = 999 WHERE idempotency_key = 'k0'`);
    const raw = await p.lake.currentSnapshot('sensors', 'raw');

    // Act
    const asked = request();
    await scheduler.requestReprocess(asked);
    const report = await p.nextReport((r) => r.reprocess?.request.id === asked.id);
    const catchUp = await p.nextReport((r) => r.trigger === 'backlog');

    // Assess
    expect(report).toMatchObject({ trigger: 'reprocess', outcome: 'Reprocessed', curation_records_written: 2 });
    expect(report.semantic_records_written).toBe(2);
    expect(Object.keys(report.timings)).toEqual([
      'PlanReprocess',
      'RebuildCurated',
      'UpdateCurationCheckpoint',
      'RebuildSemantic',
      'UpdateSemanticCheckpoint',
      'FinishReprocess',
    ]);
    expect(report.reprocess?.plan).toMatchObject({ from: null, to: raw, source: { layer: 'raw' } });
    expect(report.reprocess?.plan?.rebuilds.map((r) => r.layer)).toEqual(['curated', 'semantic']);
    expect(catchUp.outcome).toBe('NoNewData');
    expect(await rows(p, 'SELECT idempotency_key, temperature FROM curated.sensors ORDER BY 1')).toEqual([
      { idempotency_key: 'k0', temperature: '1' },
      { idempotency_key: 'k1', temperature: '2' },
    ]);
    expect(await rows(p, 'SELECT idempotency_key, temperature FROM semantic.sensors ORDER BY 1')).toEqual([
      { idempotency_key: 'k0', temperature: 1 },
      { idempotency_key: 'k1', temperature: 2 },
    ]);
    const cps = await p.checkpoints.get('sensors');
    expect(cps.curated).toEqual(raw);
    expect(cps.semantic).toEqual(await p.lake.currentSnapshot('sensors', 'curated'));
    expect(await scheduler.runs.pendingReprocess('sensors')).toBeNull();
    const metrics = await registry.metrics();
    expect(metrics).toMatch(/leanops_scheduler_runs_total\{topic="sensors",outcome="Reprocessed"\} 1/);
    expect(metrics).toMatch(/leanops_scheduler_reprocess_active\{topic="sensors"\} 0/);
  });

  it('holds the topic’s runs while RAW keeps growing, lets other topics flow, refuses a second reprocess, and ends caught up', async () => {
    // Prepare: the rebuild waits at a gate; everything after the first batch passes.
    const gate = gatedCuration({ firstOnly: true });
    p = await localPipeline(servers, { wrapJobs: gate.wrapJobs });
    await p.registerSchema(schema(1));
    await p.registerSchema(parseSemanticSchema({ ...schema(1), topic: 'meters' }));
    const { scheduler, registry } = await p.startScheduler({ topics: ['sensors', 'meters'] });
    await p.land('sensors', [{ temperature: 1 }, { temperature: 2 }]);

    // Act: the reprocess is the first curation batch, held at the gate.
    const asked = request();
    await scheduler.requestReprocess(asked);
    await gate.entered;
    expect(await registry.metrics()).toMatch(/leanops_scheduler_reprocess_active\{topic="sensors"\} 1/);
    const second = await scheduler.requestReprocess(request()).catch((err: unknown) => err);
    // Ingestion goes on: a newer version of k1 and a new key land while the rebuild runs.
    await p.land(
      'sensors',
      [{ temperature: 20 }, { temperature: 30 }],
      (i) => ['k1', 'k2'][i] ?? 'x',
      (i) => 10 + i,
    );
    await scheduler.requestRun('sensors');
    await p.land('meters', [{ temperature: 5 }], (i) => `m${i}`);
    await scheduler.requestRun('meters');
    const meters = await p.nextReport((r) => r.topic === 'meters');
    const sensorsBefore = p.reports.filter((r) => r.topic === 'sensors');
    gate.release();
    const report = await p.nextReport((r) => r.reprocess?.request.id === asked.id);
    const after = await p.nextReport((r) => r.topic === 'sensors' && r.outcome === 'FullPipelineSuccess');

    // Assess
    expect(isErrorNamed(second, 'ReprocessInProgressError')).toBe(true);
    expect((second as Error).message).toContain(asked.id);
    expect(meters.outcome).toBe('FullPipelineSuccess');
    expect(sensorsBefore).toEqual([]);
    expect(report.outcome).toBe('Reprocessed');
    expect(after.curation_records_written).toBe(2);
    expect(await rows(p, 'SELECT idempotency_key, temperature FROM curated.sensors ORDER BY 1')).toEqual([
      { idempotency_key: 'k0', temperature: '1' },
      { idempotency_key: 'k1', temperature: '20' },
      { idempotency_key: 'k2', temperature: '30' },
    ]);
    expect(
      await rows(p, 'SELECT count(*)::INT AS n, count(DISTINCT idempotency_key)::INT AS keys FROM semantic.sensors'),
    ).toEqual([{ n: 3, keys: 3 }]);
    const cps = await p.checkpoints.get('sensors');
    expect(cps.curated).toEqual(await p.lake.currentSnapshot('sensors', 'raw'));
  });

  it('a dry run plans with the figures and writes nothing', async () => {
    p = await localPipeline(servers);
    await p.registerSchema(schema(1));
    const { scheduler } = await p.startScheduler({ topics: ['sensors'] });
    await p.land('sensors', [{ temperature: 1 }, { temperature: 2 }, { temperature: 3 }]);
    await scheduler.requestRun('sensors');
    await p.nextReport((r) => r.outcome === 'FullPipelineSuccess');
    const curated = await p.lake.currentSnapshot('sensors', 'curated');
    const checkpoints = await p.checkpoints.get('sensors');

    const asked = request({ dry_run: true });
    await scheduler.requestReprocess(asked);
    const report = await p.nextReport((r) => r.reprocess?.request.id === asked.id);

    expect(report.outcome).toBe('ReprocessPlanned');
    expect(Object.keys(report.timings)).toEqual(['PlanReprocess']);
    expect(report.reprocess?.plan?.source).toMatchObject({ layer: 'raw', figures: { records: 3, snapshots: 1 } });
    expect(report.reprocess?.plan?.rebuilds).toEqual([
      { layer: 'curated', figures: expect.objectContaining({ records: 3 }) },
      { layer: 'semantic', figures: expect.objectContaining({ records: 3 }) },
    ]);
    expect(await p.lake.currentSnapshot('sensors', 'curated')).toEqual(curated);
    expect(await p.checkpoints.get('sensors')).toEqual(checkpoints);
    expect(p.reports.filter((r) => r.trigger === 'backlog')).toEqual([]);
  });

  it('fails a reprocess that cannot be planned at once, without retries, and frees the topic', async () => {
    p = await localPipeline(servers);
    await p.registerSchema(schema(1));
    const { scheduler } = await p.startScheduler({ topics: ['sensors'], attempts: 3 });
    await p.land('sensors', [{ temperature: 1 }]);
    await scheduler.requestRun('sensors');
    await p.nextReport((r) => r.outcome === 'FullPipelineSuccess');

    const asked = request({ from_snapshot: '424242' });
    await scheduler.requestReprocess(asked);
    const report = await p.nextReport((r) => r.reprocess?.request.id === asked.id);

    expect(report).toMatchObject({ outcome: 'Failed', failed_step: 'PlanReprocess', trigger: 'reprocess' });
    expect(report.error?.message).toContain('--from-snapshot 424242 is not a snapshot of the raw table');
    expect(p.reports.filter((r) => r.reprocess)).toHaveLength(1);
    expect(await scheduler.runs.pendingReprocess('sensors')).toBeNull();
    await p.land('sensors', [{ temperature: 2 }], (i) => `n${i}`);
    await scheduler.requestRun('sensors');
    const next = await p.nextReport(
      (r) => r.outcome === 'FullPipelineSuccess' && r.curation_records_written === 1 && r !== p.reports[0],
    );
    expect(next.trigger).toBe('manual');
  });

  it('back-fills a newly declared column: a semantic reprocess gives the rows curated before it the value', async () => {
    p = await localPipeline(servers);
    await p.registerSchema(schema(1));
    const { scheduler } = await p.startScheduler({ topics: ['sensors'] });
    await p.land('sensors', [
      { temperature: 1, humidity: 40 },
      { temperature: 2, humidity: 41 },
    ]);
    await scheduler.requestRun('sensors');
    await p.nextReport((r) => r.outcome === 'FullPipelineSuccess');
    await p.registerSchema(schema(2, ['humidity']));
    await p.land('sensors', [{ temperature: 3, humidity: 42 }], (i) => `n${i}`);
    await scheduler.requestRun('sensors');
    await p.nextReport((r) => r.outcome === 'FullPipelineSuccess' && r.curation_records_written === 1);
    expect(await rows(p, 'SELECT idempotency_key, humidity FROM semantic.sensors ORDER BY 1')).toEqual([
      { idempotency_key: 'k0', humidity: null },
      { idempotency_key: 'k1', humidity: null },
      { idempotency_key: 'n0', humidity: 42 },
    ]);

    const asked = request({ layer: 'semantic' });
    await scheduler.requestReprocess(asked);
    const report = await p.nextReport((r) => r.reprocess?.request.id === asked.id);

    expect(report.outcome).toBe('Reprocessed');
    expect(Object.keys(report.timings)).toEqual([
      'PlanReprocess',
      'RebuildSemantic',
      'UpdateSemanticCheckpoint',
      'FinishReprocess',
    ]);
    expect(await rows(p, 'SELECT idempotency_key, humidity FROM semantic.sensors ORDER BY 1')).toEqual([
      { idempotency_key: 'k0', humidity: 40 },
      { idempotency_key: 'k1', humidity: 41 },
      { idempotency_key: 'n0', humidity: 42 },
    ]);
  });
});
