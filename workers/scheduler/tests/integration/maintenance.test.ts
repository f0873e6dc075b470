import { maintenanceWindowSchema } from '@lean-ops/config';
import {
  parseSemanticSchema,
  type TableHealth,
  type TableMaintenance,
  type TableMaintenanceOutcome,
  type TableMaintenanceStatus,
  type TopicCheckpoints,
} from '@lean-ops/core';
import { DuckDbTableMaintenance } from '@lean-ops/lake';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedis, MaintenanceSchedule } from '../../src/index.js';
import { gatedCuration, type LocalPipeline, localPipeline, type Servers, startServers } from '../helpers/harness.js';

const schemaOf = (topic: string) =>
  parseSemanticSchema({ topic, version: 1, columns: [{ name: 'temperature', type: 'double', required: true }] });

/** Wraps a maintenance to see each call: the checkpoints it got and `mark()` at that moment. */
function recorded<T>(inner: TableMaintenance, mark: () => T) {
  const calls: { topic: string; checkpoints: TopicCheckpoints; mark: T }[] = [];
  const maintenance: TableMaintenance = {
    health: (topic) => inner.health(topic),
    maintain: async (topic, checkpoints, options) => {
      calls.push({ topic, checkpoints, mark: mark() });
      return inner.maintain(topic, checkpoints, options);
    },
  };
  return { calls, maintenance };
}

/**
 * A stand-in maintenance (the DuckDB lake cannot be made to lose a commit to a concurrent
 * writer): its first call answers `retry_later` for curated, every later one `done`.
 */
class RetryLaterOnceMaintenance implements TableMaintenance {
  calls = 0;
  async health(): Promise<readonly TableHealth[]> {
    return [];
  }
  async maintain(topic: string): Promise<readonly TableMaintenanceOutcome[]> {
    this.calls += 1;
    const status: TableMaintenanceStatus = this.calls === 1 ? 'retry_later' : 'done';
    const after = {
      data_files: this.calls === 1 ? 9 : 1,
      small_files: 0,
      avg_file_bytes: 10,
      data_bytes: 10,
      delete_files: 0,
      snapshots: 2,
      oldest_snapshot_age_seconds: 5,
      manifests: 1,
      metadata_files: 3,
    };
    return [{ topic, layer: 'curated', table: `curated.${topic}`, status, actions: {}, before: after, after }];
  }
}

describe('table maintenance through the scheduler (real Redis, DynamoDB Local, DuckDB lake)', () => {
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

  it('a maintenance trigger maintains the topic after its data steps and records the health gauges', async () => {
    p = await localPipeline(servers);
    await p.registerSchema(schemaOf('sensors'));
    const raw = await p.land('sensors', [{ temperature: 1 }, { temperature: 2 }]);
    const { calls, maintenance } = recorded(new DuckDbTableMaintenance({ lake: p.lake }), () => null);

    // The first tick comes at start-up.
    const { scheduler, registry } = await p.startScheduler(
      { topics: ['sensors'], maintenanceIntervalSeconds: 3_600 },
      { maintenance },
    );
    const report = await p.nextReport((r) => r.maintenance !== undefined);

    expect(await scheduler.maintenanceTimers()).toEqual(['maintenance:sensors']);
    expect(report).toMatchObject({ topic: 'sensors', trigger: 'maintenance', outcome: 'FullPipelineSuccess' });
    expect(report.timings.MaintainTables).toBeGreaterThanOrEqual(0);
    expect(report.maintenance?.error).toBeUndefined();
    expect(report.maintenance?.tables.done).toBeGreaterThanOrEqual(3);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.checkpoints.curated).toEqual(raw);
    const metrics = await registry.metrics();
    expect(metrics).toMatch(/leanops_table_data_files\{[^}]*topic="sensors"[^}]*layer="curated"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/leanops_table_snapshots\{[^}]*layer="raw"[^}]*\} [1-9]/);
    expect(metrics).toMatch(
      /leanops_scheduler_table_maintenance_total\{[^}]*layer="semantic"[^}]*status="done"[^}]*\} 1/,
    );
    const health = await scheduler.history.health('sensors');
    expect(health?.tables.find((t) => t.layer === 'semantic')?.figures?.data_files).toBeGreaterThan(0);
  });

  it('never maintains while a run of the topic is active: the run that ends claims the request', async () => {
    const gate = gatedCuration({ firstOnly: true });
    p = await localPipeline(servers, { wrapJobs: gate.wrapJobs });
    await p.registerSchema(schemaOf('sensors'));
    const raw = await p.land('sensors', [{ temperature: 1 }]);
    let released = false;
    const { calls, maintenance } = recorded(new DuckDbTableMaintenance({ lake: p.lake }), () => released);
    const { scheduler } = await p.startScheduler(
      { topics: ['sensors', 'other'], maintenanceIntervalSeconds: 0 },
      { maintenance },
    );

    await scheduler.requestRun('sensors');
    await gate.entered; // the run is inside its curation job
    await scheduler.requestMaintenance('sensors');
    await scheduler.requestMaintenance('sensors');
    // The second worker slot takes a later run of another topic: anything of sensors queued
    // before it that could run beside the active run would have started by then.
    await scheduler.requestRun('other');
    expect((await p.nextReport((r) => r.topic === 'other')).outcome).toBe('NoNewData');
    expect(calls).toHaveLength(0);
    released = true;
    gate.release();

    const report = await p.nextReport((r) => r.maintenance !== undefined);
    expect(report).toMatchObject({ trigger: 'manual', outcome: 'FullPipelineSuccess' });
    expect(calls).toEqual([{ topic: 'sensors', checkpoints: expect.objectContaining({ curated: raw }), mark: true }]);
    // The run the maintenance request queued behind it finds the request claimed.
    const queued = await p.nextReport((r) => r.trigger === 'maintenance');
    expect(queued.outcome).toBe('NoNewData');
    expect(queued.maintenance).toBeUndefined();
    expect(calls).toHaveLength(1);
    expect(await scheduler.maintenanceTimers()).toEqual([]);
  });

  it('counts a retry_later outcome and maintains the table again at the next trigger', async () => {
    p = await localPipeline(servers);
    const maintenance = new RetryLaterOnceMaintenance();
    const { scheduler } = await p.startScheduler(
      { topics: ['sensors'], maintenanceIntervalSeconds: 1 },
      { maintenance },
    );

    const first = await p.nextReport((r) => r.maintenance !== undefined);
    const second = await p.nextReport((r) => r.maintenance !== undefined && r !== first);

    expect(first.maintenance?.tables).toEqual({ retry_later: 1 });
    expect(second.maintenance?.tables).toEqual({ done: 1 });
    const counted = (await scheduler.metrics.tableMaintenance.get()).values;
    const value = (status: string) => counted.find((v) => v.labels.status === status)?.value;
    expect(value('retry_later')).toBe(1);
    expect(value('done')).toBeGreaterThanOrEqual(1);
    expect((await scheduler.metrics.tableHealth.data_files.get()).values[0]).toMatchObject({
      labels: { topic: 'sensors', layer: 'curated' },
      value: 1,
    });
  });

  it('under a window, a tick asks only inside it once the interval passed, remembered in Redis across schedulers', async () => {
    const redis = createRedis(servers.redis.url);
    try {
      const prefix = `window_${process.pid}_${Date.now()}`;
      const window = maintenanceWindowSchema.parse({ pattern: '0 2 * * *', tz: 'UTC', durationSeconds: 14_400 });
      const schedule = () => new MaintenanceSchedule({ connection: redis, prefix, intervalMs: 86_400_000, window });
      const t = (iso: string) => Date.parse(iso);

      expect(schedule().tickMs).toBe(15 * 60_000);
      expect(await schedule().due('sensors', t('2026-06-10T01:45:00Z'))).toBe(false); // before the window
      expect(await schedule().due('sensors', t('2026-06-10T02:00:00.010Z'))).toBe(true);
      // Another scheduler (a restart) in the same window does not maintain again.
      expect(await schedule().due('sensors', t('2026-06-10T02:15:00Z'))).toBe(false);
      expect(await schedule().due('other', t('2026-06-10T02:15:00Z'))).toBe(true); // per topic
      expect(await schedule().due('sensors', t('2026-06-10T13:00:00Z'))).toBe(false); // interval passed, window shut
      expect(await schedule().due('sensors', t('2026-06-11T02:00:00.002Z'))).toBe(true);
      expect(await redis.get(`${prefix}:maintained-at:sensors`)).toBe(String(t('2026-06-11T02:00:00.002Z')));

      // Without a window every tick asks, every interval, and nothing is kept in Redis.
      const always = new MaintenanceSchedule({ connection: redis, prefix: `${prefix}_none`, intervalMs: 3_600_000 });
      expect(always.tickMs).toBe(3_600_000);
      expect(await always.due('sensors', t('2026-06-10T13:00:00Z'))).toBe(true);
      expect(await redis.exists(`${prefix}_none:maintained-at:sensors`)).toBe(0);
    } finally {
      redis.disconnect();
    }
  });

  it('a scheduler inside an open window maintains at its first tick', async () => {
    p = await localPipeline(servers);
    const maintenance = new RetryLaterOnceMaintenance();
    // Fires every minute for 5 minutes: always open.
    const window = { pattern: '* * * * *', tz: 'Europe/Berlin', durationSeconds: 300 };
    const { scheduler } = await p.startScheduler(
      { topics: ['sensors'], maintenanceIntervalSeconds: 3_600, maintenanceWindow: window },
      { maintenance },
    );

    const report = await p.nextReport((r) => r.maintenance !== undefined);

    expect(report.trigger).toBe('maintenance');
    expect(maintenance.calls).toBe(1);
    expect(await scheduler.maintenanceTimers()).toEqual(['maintenance:sensors']);
  });
});
