import { createRegistry } from '@lean-ops/metrics';
import { silentLogger } from '@lean-ops/testkit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSchedulerMetrics } from '../../src/scheduler-metrics.js';
import { SnowflakeStatusSampler } from '../../src/snowflake-status-sampler.js';
import { FakeSnowflakeClient, tableOf } from '../helpers/fake-snowflake-client.js';
import { RecordingNotifier } from '../helpers/in-memory-state.js';

function setup(intervalMs = 300_000) {
  const client = new FakeSnowflakeClient();
  const metrics = createSchedulerMetrics(createRegistry({ collectDefault: false }));
  const notifier = new RecordingNotifier();
  const sampler = new SnowflakeStatusSampler({
    topics: ['sensors', 'alerts'],
    refresher: client,
    tableOf,
    intervalMs,
    timeoutMs: 10_000,
    metrics,
    notifier,
    logger: silentLogger(),
  });
  const gauge = async (name: 'snowflakeAutoRefreshPending' | 'snowflakeAutoRefreshRunning', topic: string) =>
    (await metrics[name].get()).values.find((v) => v.labels.topic === topic)?.value;
  return { client, sampler, notifier, gauge };
}

describe('Class: SnowflakeStatusSampler (FakeSnowflakeClient — no Snowflake here; fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads every topic once per interval, not before', async () => {
    // Prepare
    const { client, sampler } = setup(300_000);

    // Act
    sampler.start();
    await vi.advanceTimersByTimeAsync(299_999);
    const beforeFirst = client.statusReads.length;
    await vi.advanceTimersByTimeAsync(1);
    const afterFirst = client.statusReads.length;
    await vi.advanceTimersByTimeAsync(300_000);
    await sampler.close();
    await vi.advanceTimersByTimeAsync(600_000);

    // Assess
    expect(beforeFirst).toBe(0);
    expect(afterFirst).toBe(2);
    expect(client.statusReads).toEqual([
      'LEAN_OPS.SEMANTIC.SENSORS',
      'LEAN_OPS.SEMANTIC.ALERTS',
      'LEAN_OPS.SEMANTIC.SENSORS',
      'LEAN_OPS.SEMANTIC.ALERTS',
    ]);
  });

  it('sets pending snapshots and running 1 for RUNNING, 0 for STALLED, and notifies both', async () => {
    // Prepare
    const { client, sampler, notifier, gauge } = setup();
    client.status = { executionState: 'RUNNING', pendingSnapshotCount: 3 };
    await sampler.sampleOnce();
    const running = [
      await gauge('snowflakeAutoRefreshRunning', 'sensors'),
      await gauge('snowflakeAutoRefreshPending', 'sensors'),
    ];
    client.status = { executionState: 'STALLED', pendingSnapshotCount: 12, invalidExecutionStateReason: 'denied' };

    // Act
    await sampler.sampleOnce();

    // Assess
    expect(running).toEqual([1, 3]);
    expect(await gauge('snowflakeAutoRefreshRunning', 'sensors')).toBe(0);
    expect(await gauge('snowflakeAutoRefreshPending', 'sensors')).toBe(12);
    expect(notifier.notices.at(-2)).toEqual({
      kind: 'snowflake_auto_refresh',
      topic: 'sensors',
      pendingSnapshots: 12,
      running: false,
    });
  });

  it('an unreadable status sets running 0, drops the pending gauge and notifies pending null', async () => {
    // Prepare
    const { client, sampler, notifier, gauge } = setup();
    client.status = { executionState: 'RUNNING', pendingSnapshotCount: 2 };
    await sampler.sampleOnce();
    client.status = new Error('Object does not exist or not authorized');

    // Act
    await sampler.sampleOnce();

    // Assess
    expect(await gauge('snowflakeAutoRefreshRunning', 'alerts')).toBe(0);
    expect(await gauge('snowflakeAutoRefreshPending', 'alerts')).toBeUndefined();
    expect(notifier.notices.at(-1)).toEqual({
      kind: 'snowflake_auto_refresh',
      topic: 'alerts',
      pendingSnapshots: null,
      running: false,
    });
  });
});
