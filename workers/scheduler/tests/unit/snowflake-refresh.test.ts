import type { SemanticSchema } from '@lean-ops/core';
import { createRegistry } from '@lean-ops/metrics';
import { silentLogger } from '@lean-ops/testkit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { initialRunState, type RunState } from '../../src/run-state.js';
import { createSchedulerMetrics } from '../../src/scheduler-metrics.js';
import { type RefreshMarks, SnowflakeRefreshStep, schemaFingerprint } from '../../src/snowflake-refresh.js';
import { FakeSnowflakeClient, tableOf, viewOf } from '../helpers/fake-snowflake-client.js';

/** In-memory stand-in for the Redis marks (the integration tests use real Redis). */
class InMemoryMarks implements RefreshMarks {
  readonly marks = new Map<
    string,
    { applied: string | null; refreshed: string | null; schema: SemanticSchema | null }
  >();
  async read(topic: string) {
    return this.marks.get(topic) ?? { applied: null, refreshed: null, schema: null };
  }
  async setApplied(topic: string, fingerprint: string, schema: SemanticSchema) {
    this.marks.set(topic, { ...(await this.read(topic)), applied: fingerprint, schema });
  }
  async setRefreshed(topic: string, fingerprint: string) {
    this.marks.set(topic, { ...(await this.read(topic)), refreshed: fingerprint });
  }
}

const V1: SemanticSchema = {
  topic: 'sensors',
  version: 1,
  columns: [{ name: 'temp', type: 'double', required: false }],
};
const V2: SemanticSchema = {
  ...V1,
  version: 2,
  columns: [...V1.columns, { name: 'hum', type: 'double', required: false }],
};

/** The state of a run that ran the semantic job with `schema` (or, without, one that found no new data). */
function runState(schema?: SemanticSchema): RunState {
  const base = initialRunState('sensors', 'schedule', new Date(0));
  if (!schema) return { ...base, outcome: 'NoNewData' };
  return {
    ...base,
    checkpoints: { raw_snapshot: null, curated_checkpoint: null, semantic_checkpoint: null, schema },
    semantic: { records_written: 1, records_rejected: 0, undeclared_columns: [] },
    outcome: 'FullPipelineSuccess',
  };
}

function setup(timeoutMs?: number) {
  const client = new FakeSnowflakeClient();
  const registry = createRegistry({ collectDefault: false });
  const metrics = createSchedulerMetrics(registry);
  const marks = new InMemoryMarks();
  const step = new SnowflakeRefreshStep({
    refresher: client,
    tableOf,
    viewOf,
    marks,
    refreshes: metrics.snowflakeRefresh,
    logger: silentLogger(),
    ...(timeoutMs !== undefined && { timeoutMs }),
  });
  const counted = async (outcome: string) =>
    (await metrics.snowflakeRefresh.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;
  return { client, marks, step, counted };
}

describe('Function: schemaFingerprint', () => {
  it('changes with the version and with the columns, not with key order', () => {
    const reordered = { columns: V1.columns, version: 1, topic: 'sensors' } as SemanticSchema;
    expect(schemaFingerprint(V1)).toMatch(/^v1:[0-9a-f]{16}$/);
    expect(schemaFingerprint(reordered)).toBe(schemaFingerprint(V1));
    expect(schemaFingerprint(V2)).not.toBe(schemaFingerprint(V1));
    expect(schemaFingerprint({ ...V1, version: 3 })).not.toBe(schemaFingerprint(V1));
  });
});

describe('Class: SnowflakeRefreshStep (FakeSnowflakeClient — no Snowflake here)', () => {
  it('refreshes once per schema the semantic job wrote with, not after every run', async () => {
    // Prepare
    const { client, step, counted } = setup();

    // Act
    const first = await step.afterRun(runState(V1));
    const again = await step.afterRun(runState(V1));
    const idle = await step.afterRun(runState());
    const second = await step.afterRun(runState(V2));

    // Assess
    expect(first).toEqual({ outcome: 'refreshed', table: 'LEAN_OPS.SEMANTIC.SENSORS', schema_version: 1 });
    expect(again).toBeUndefined();
    expect(idle).toBeUndefined();
    expect(second).toEqual({ outcome: 'refreshed', table: 'LEAN_OPS.SEMANTIC.SENSORS', schema_version: 2 });
    expect(client.refreshed).toEqual(['LEAN_OPS.SEMANTIC.SENSORS', 'LEAN_OPS.SEMANTIC.SENSORS']);
    expect(await counted('refreshed')).toBe(2);
  });

  it('creates the Scientist View again once per schema change, after the refresh, with the added column', async () => {
    // Prepare
    const { client, step } = setup();
    const order: string[] = [];
    const refresh = client.refresh.bind(client);
    const replaceView = client.replaceView.bind(client);
    client.refresh = (table, options) => {
      order.push('refresh');
      return refresh(table, options);
    };
    client.replaceView = (statement, options) => {
      order.push('view');
      return replaceView(statement, options);
    };

    // Act
    await step.afterRun(runState(V1));
    await step.afterRun(runState(V1));
    await step.afterRun(runState());
    await step.afterRun(runState(V2));

    // Assess
    expect(order).toEqual(['refresh', 'view', 'refresh', 'view']);
    expect(client.replacedViews.map((v) => v.view)).toEqual([
      'LEAN_OPS.SEMANTIC.SENSORS_SCIENTIST_VIEW',
      'LEAN_OPS.SEMANTIC.SENSORS_SCIENTIST_VIEW',
    ]);
    const [first, second] = client.replacedViews.map((v) => v.sql);
    expect(first).toMatch(
      /^CREATE OR REPLACE VIEW LEAN_OPS\.SEMANTIC\.SENSORS_SCIENTIST_VIEW \(.*"TEMP"\) COPY GRANTS AS/,
    );
    expect(first).not.toContain('"hum"');
    expect(second).toContain('"TEMP", "HUM") COPY GRANTS AS');
    expect(second).toContain('"hum" FROM LEAN_OPS.SEMANTIC.SENSORS');
  });

  it('reports a failed view statement, keeps no mark, and runs refresh and view again after the next run', async () => {
    // Prepare
    const { client, marks, step, counted } = setup();
    client.nextReplaceView.push(new Error('Insufficient privileges to operate on view SENSORS_SCIENTIST_VIEW'));

    // Act
    const failed = await step.afterRun(runState(V2));
    const retried = await step.afterRun(runState());
    const after = await step.afterRun(runState());

    // Assess
    expect(failed).toEqual({
      outcome: 'failed',
      table: 'LEAN_OPS.SEMANTIC.SENSORS',
      schema_version: 2,
      error:
        'ScientistViewError: Scientist View LEAN_OPS.SEMANTIC.SENSORS_SCIENTIST_VIEW not created again: Error: Insufficient privileges to operate on view SENSORS_SCIENTIST_VIEW',
    });
    expect(retried).toEqual({ outcome: 'refreshed', table: 'LEAN_OPS.SEMANTIC.SENSORS', schema_version: 2 });
    expect(after).toBeUndefined();
    expect(client.refreshed).toHaveLength(2);
    expect(client.replacedViews).toHaveLength(2);
    // The retry after a run without new data renders the recorded schema, the added column included.
    expect(client.replacedViews[1]?.sql).toContain('"HUM"');
    expect(await counted('failed')).toBe(1);
    expect(await counted('refreshed')).toBe(1);
    expect((await marks.read('sensors')).refreshed).toBe(schemaFingerprint(V2));
  });

  it('does not create the view again when the table refresh failed', async () => {
    // Prepare
    const { client, step } = setup();
    client.nextRefresh.push(new Error('Iceberg table SENSORS does not exist'));

    // Act
    const result = await step.afterRun(runState(V1));

    // Assess
    expect(result?.outcome).toBe('failed');
    expect(client.replacedViews).toEqual([]);
  });

  it('does not refresh for a schema no semantic job has written with yet', async () => {
    // Prepare
    const { client, step } = setup();
    const schemaOnly: RunState = { ...runState(V1), semantic: undefined, outcome: 'NoNewCuratedData' } as RunState;

    // Act
    const result = await step.afterRun(schemaOnly);

    // Assess
    expect(result).toBeUndefined();
    expect(client.refreshed).toEqual([]);
  });

  it('reports a failure, keeps no mark, and tries again after the next run (one without new data too)', async () => {
    // Prepare
    const { client, marks, step, counted } = setup();
    client.nextRefresh.push(new Error('Insufficient privileges to operate on table SENSORS'));

    // Act
    const failed = await step.afterRun(runState(V1));
    const retried = await step.afterRun(runState());

    // Assess
    expect(failed).toEqual({
      outcome: 'failed',
      table: 'LEAN_OPS.SEMANTIC.SENSORS',
      schema_version: 1,
      error: 'Error: Insufficient privileges to operate on table SENSORS',
    });
    expect(retried?.outcome).toBe('refreshed');
    expect(client.refreshed).toHaveLength(2);
    expect(await counted('failed')).toBe(1);
    expect(await counted('refreshed')).toBe(1);
    expect((await marks.read('sensors')).refreshed).toBe(schemaFingerprint(V1));
  });

  it('reports a table name that cannot be made as a failure, without a table', async () => {
    // Prepare
    const client = new FakeSnowflakeClient();
    const metrics = createSchedulerMetrics(createRegistry({ collectDefault: false }));
    const step = new SnowflakeRefreshStep({
      refresher: client,
      tableOf: () => {
        throw new Error('the curated table of sensors is not exposed');
      },
      viewOf,
      marks: new InMemoryMarks(),
      refreshes: metrics.snowflakeRefresh,
      logger: silentLogger(),
    });

    // Act
    const result = await step.afterRun(runState(V1));

    // Assess
    expect(result).toEqual({
      outcome: 'failed',
      schema_version: 1,
      error: 'Error: the curated table of sensors is not exposed',
    });
    expect(client.refreshed).toEqual([]);
  });

  describe('with fake timers (the timeout is the subject)', () => {
    beforeEach(() => {
      vi.useFakeTimers();
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('cuts a hanging refresh at the timeout, cancels it, and reports it failed', async () => {
      // Prepare
      const { client, marks, step, counted } = setup(30_000);
      client.refreshBehaviour = 'hang';

      // Act
      const pending = step.afterRun(runState(V1));
      let settled = false;
      void pending.then(() => {
        settled = true;
      });
      await vi.advanceTimersByTimeAsync(29_999);
      const beforeTimeout = settled;
      await vi.advanceTimersByTimeAsync(1);
      const result = await pending;

      // Assess
      expect(beforeTimeout).toBe(false);
      expect(result).toEqual({
        outcome: 'failed',
        table: 'LEAN_OPS.SEMANTIC.SENSORS',
        schema_version: 1,
        error: 'RefreshTimeoutError: ALTER ICEBERG TABLE LEAN_OPS.SEMANTIC.SENSORS REFRESH timed out after 30000 ms',
      });
      expect(client.aborted).toEqual(['LEAN_OPS.SEMANTIC.SENSORS']);
      expect(await counted('failed')).toBe(1);
      expect((await marks.read('sensors')).refreshed).toBeNull();
    });

    it('gives up on a refresher that ignores the signal, at the same timeout', async () => {
      // Prepare
      const { client, step } = setup(5_000);
      client.refresh = (table: string) => {
        client.refreshed.push(table);
        return new Promise<void>(() => undefined);
      };

      // Act
      const pending = step.afterRun(runState(V1));
      await vi.advanceTimersByTimeAsync(5_000);
      const result = await pending;

      // Assess
      expect(result?.outcome).toBe('failed');
      expect(result?.error).toMatch(/timed out after 5000 ms/);
    });

    it('starts no view statement after giving up on a refresh that settles late', async () => {
      // Prepare
      const { client, step } = setup(5_000);
      let settle: () => void = () => undefined;
      client.refresh = (table: string) => {
        client.refreshed.push(table);
        return new Promise<void>((resolve) => {
          settle = resolve;
        });
      };

      // Act
      const pending = step.afterRun(runState(V1));
      await vi.advanceTimersByTimeAsync(5_000);
      const result = await pending;
      settle();
      await vi.advanceTimersByTimeAsync(0);

      // Assess
      expect(result?.outcome).toBe('failed');
      expect(client.replacedViews).toEqual([]);
    });

    it('cuts a hanging view statement at the same timeout and names it', async () => {
      // Prepare
      const { client, marks, step } = setup(30_000);
      client.nextReplaceView.push('hang');

      // Act
      const pending = step.afterRun(runState(V1));
      await vi.advanceTimersByTimeAsync(30_000);
      const result = await pending;

      // Assess
      expect(result?.error).toBe(
        'RefreshTimeoutError: CREATE OR REPLACE VIEW LEAN_OPS.SEMANTIC.SENSORS_SCIENTIST_VIEW timed out after 30000 ms',
      );
      expect(client.aborted).toEqual(['LEAN_OPS.SEMANTIC.SENSORS_SCIENTIST_VIEW']);
      expect((await marks.read('sensors')).refreshed).toBeNull();
    });
  });
});
