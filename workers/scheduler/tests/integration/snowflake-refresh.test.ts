import { parseSemanticSchema } from '@lean-ops/core';
import type { Registry } from '@lean-ops/metrics';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/index.js';
import { FakeSnowflakeClient, tableOf, viewOf } from '../helpers/fake-snowflake-client.js';
import { type LocalPipeline, localPipeline, type Servers, startServers } from '../helpers/harness.js';

const v1 = parseSemanticSchema({
  topic: 'sensors',
  version: 1,
  columns: [{ name: 'temperature', type: 'double', required: true }],
});
const v2 = parseSemanticSchema({
  topic: 'sensors',
  version: 2,
  columns: [
    { name: 'temperature', type: 'double', required: true },
    { name: 'humidity', type: 'double', required: false },
  ],
});

async function refreshCount(registry: Registry, outcome: string): Promise<number> {
  const metric = await registry.getSingleMetric('leanops_scheduler_snowflake_refresh_total')?.get();
  return metric?.values.find((v) => v.labels.topic === 'sensors' && v.labels.outcome === outcome)?.value ?? 0;
}

describe('Snowflake refresh after a schema change, through the scheduler (FakeSnowflakeClient — no Snowflake here; real Redis, DynamoDB Local, DuckDB lake)', () => {
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

  /** Lands data, asks for a run and waits for its report (reports are kept in order). */
  async function runWithData(
    scheduler: { requestRun(topic: string): Promise<unknown> },
    payloads: Record<string, unknown>[],
  ): Promise<RunReport> {
    const seen = p.reports.length;
    await p.land('sensors', payloads, (i) => `k${seen}-${i}`);
    await scheduler.requestRun('sensors');
    return p.nextReport((r) => p.reports.indexOf(r) >= seen);
  }

  it('refreshes once per schema change: two runs with one schema → one refresh, a new version → a second', async () => {
    // Prepare
    p = await localPipeline(servers);
    await p.registerSchema(v1);
    const client = new FakeSnowflakeClient();
    const { scheduler, registry } = await p.startScheduler(
      { topics: ['sensors'] },
      { snowflake: { refresher: client, tableOf, viewOf } },
    );

    // Act
    const first = await runWithData(scheduler, [{ temperature: 1 }]);
    const second = await runWithData(scheduler, [{ temperature: 2 }]);
    await p.registerSchema(v2);
    const third = await runWithData(scheduler, [{ temperature: 3, humidity: 40 }]);

    // Assess
    expect([first.outcome, second.outcome, third.outcome]).toEqual([
      'FullPipelineSuccess',
      'FullPipelineSuccess',
      'FullPipelineSuccess',
    ]);
    expect(first.snowflake_refresh).toEqual({
      outcome: 'refreshed',
      table: 'LEAN_OPS.SEMANTIC.SENSORS',
      schema_version: 1,
    });
    expect(second.snowflake_refresh).toBeUndefined();
    expect(third.snowflake_refresh).toEqual({
      outcome: 'refreshed',
      table: 'LEAN_OPS.SEMANTIC.SENSORS',
      schema_version: 2,
    });
    expect(client.refreshed).toEqual(['LEAN_OPS.SEMANTIC.SENSORS', 'LEAN_OPS.SEMANTIC.SENSORS']);
    // The Scientist View follows: created again after each refresh, the second time with humidity.
    expect(client.replacedViews.map((v) => v.view)).toEqual([
      'LEAN_OPS.SEMANTIC.SENSORS_SCIENTIST_VIEW',
      'LEAN_OPS.SEMANTIC.SENSORS_SCIENTIST_VIEW',
    ]);
    expect(client.replacedViews[0]?.sql).not.toContain('"humidity"');
    expect(client.replacedViews[1]?.sql).toContain('"TEMPERATURE", "HUMIDITY") COPY GRANTS AS');
    expect(await refreshCount(registry, 'refreshed')).toBe(2);
    // The run history (status page, `lean-ops runs`) keeps the outcome.
    const history = await scheduler.history.recent('sensors');
    expect(history.map((r) => r.snowflake_refresh?.schema_version ?? null)).toEqual([2, null, 1]);
  });

  it('a failed refresh is reported (run report, counter) and retried at the next run; the run still succeeds', async () => {
    // Prepare
    p = await localPipeline(servers);
    await p.registerSchema(v1);
    const client = new FakeSnowflakeClient();
    client.nextRefresh.push(new Error('Insufficient privileges to operate on table SENSORS'));
    const { scheduler, registry } = await p.startScheduler(
      { topics: ['sensors'] },
      { snowflake: { refresher: client, tableOf, viewOf } },
    );

    // Act
    const failed = await runWithData(scheduler, [{ temperature: 1 }]);
    const seen = p.reports.length;
    await scheduler.requestRun('sensors');
    const retried = await p.nextReport((r) => p.reports.indexOf(r) >= seen);

    // Assess
    expect(failed.outcome).toBe('FullPipelineSuccess');
    expect(failed.snowflake_refresh).toEqual({
      outcome: 'failed',
      table: 'LEAN_OPS.SEMANTIC.SENSORS',
      schema_version: 1,
      error: 'Error: Insufficient privileges to operate on table SENSORS',
    });
    expect(retried.outcome).toBe('NoNewData');
    expect(retried.snowflake_refresh?.outcome).toBe('refreshed');
    expect(client.refreshed).toHaveLength(2);
    // The retry renders the view from the schema recorded in Redis with the mark (the run itself had none).
    expect(client.replacedViews).toHaveLength(1);
    expect(client.replacedViews[0]?.sql).toContain('"TEMPERATURE") COPY GRANTS AS');
    expect(await refreshCount(registry, 'failed')).toBe(1);
    expect(await refreshCount(registry, 'refreshed')).toBe(1);
  });

  it('a hanging refresh is cut by the timeout and the run still succeeds with its checkpoints moved', async () => {
    // Prepare
    p = await localPipeline(servers);
    await p.registerSchema(v1);
    const client = new FakeSnowflakeClient();
    client.nextRefresh.push('hang');
    const { scheduler, registry } = await p.startScheduler(
      { topics: ['sensors'] },
      { snowflake: { refresher: client, tableOf, viewOf, timeoutMs: 300 } },
    );

    // Act
    const report = await runWithData(scheduler, [{ temperature: 1 }, { temperature: 2 }]);

    // Assess
    expect(report.outcome).toBe('FullPipelineSuccess');
    expect(report.semantic_records_written).toBe(2);
    expect(report.snowflake_refresh?.outcome).toBe('failed');
    expect(report.snowflake_refresh?.error).toMatch(/RefreshTimeoutError: .* timed out after 300 ms/);
    expect(client.aborted).toEqual(['LEAN_OPS.SEMANTIC.SENSORS']);
    const checkpoints = await p.checkpoints.get('sensors');
    expect(checkpoints.semantic?.sequence).toBeGreaterThan(0);
    expect(await refreshCount(registry, 'failed')).toBe(1);
  });

  it('without a Snowflake connection nothing is refreshed and no report carries a refresh', async () => {
    // Prepare
    p = await localPipeline(servers);
    await p.registerSchema(v1);
    const { scheduler, registry } = await p.startScheduler({ topics: ['sensors'] });

    // Act
    const first = await runWithData(scheduler, [{ temperature: 1 }]);
    await p.registerSchema(v2);
    const second = await runWithData(scheduler, [{ temperature: 2, humidity: 1 }]);
    await scheduler.sampleSnowflakeStatus();

    // Assess
    expect([first.outcome, second.outcome]).toEqual(['FullPipelineSuccess', 'FullPipelineSuccess']);
    expect(first.snowflake_refresh).toBeUndefined();
    expect(second.snowflake_refresh).toBeUndefined();
    expect(await refreshCount(registry, 'refreshed')).toBe(0);
    expect(await refreshCount(registry, 'failed')).toBe(0);
  });

  it('samples SYSTEM$AUTO_REFRESH_STATUS into the gauges (RUNNING → 1, STALLED → 0)', async () => {
    // Prepare
    p = await localPipeline(servers);
    const client = new FakeSnowflakeClient();
    const { scheduler, registry } = await p.startScheduler(
      { topics: ['sensors'] },
      { snowflake: { refresher: client, tableOf, viewOf } },
    );
    const gauge = async (name: string) =>
      (await registry.getSingleMetric(name)?.get())?.values.find((v) => v.labels.topic === 'sensors')?.value;
    client.status = { executionState: 'RUNNING', pendingSnapshotCount: 4 };
    await scheduler.sampleSnowflakeStatus();
    const running = await gauge('leanops_scheduler_snowflake_auto_refresh_running');
    client.status = { executionState: 'STALLED', pendingSnapshotCount: 9 };

    // Act
    await scheduler.sampleSnowflakeStatus();

    // Assess
    expect(running).toBe(1);
    expect(await gauge('leanops_scheduler_snowflake_auto_refresh_running')).toBe(0);
    expect(await gauge('leanops_scheduler_snowflake_auto_refresh_pending_snapshots')).toBe(9);
    expect(client.statusReads).toEqual(['LEAN_OPS.SEMANTIC.SENSORS', 'LEAN_OPS.SEMANTIC.SENSORS']);
  });
});
