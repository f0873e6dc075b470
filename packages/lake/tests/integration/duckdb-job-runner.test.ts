import { afterEach, describe, expect, it } from 'vitest';
import { DuckDbJobRunner, type DuckDbLake } from '../../src/index.js';
import { event, lakeWithLanding, rawOf } from '../helpers/raw-fixtures.js';

const T0 = Date.UTC(2024, 2, 1, 12);

describe('Class: DuckDbJobRunner — a batch of topics (real DuckDB file)', () => {
  let lake: DuckDbLake | undefined;
  afterEach(async () => {
    await lake?.close();
  });

  it('runs the topics one after another; a failing topic fails alone and the others’ writes stand', async () => {
    // Prepare: telemetry and meters have RAW data; "Bad Topic" is no topic name, so its job fails.
    const h = await lakeWithLanding();
    lake = h.lake;
    const s1 = await h.append([
      rawOf(event('a', '2024-03-01T10:00:00Z', { v: 1 }), T0),
      rawOf(event('b', '2024-03-01T10:00:00Z', { v: 2 }), T0),
    ]);
    const m1 = await h.append([rawOf(event('c', '2024-03-01T10:00:00Z', { v: 3 }, { topic: 'meters' }), T0)], 'meters');
    const runner = new DuckDbJobRunner(lake);

    // Act
    const outcomes = await runner.runCurations([
      { topic: 'telemetry', from: null, to: s1 as never },
      { topic: 'Bad Topic', from: null, to: { id: '1', sequence: 1 } },
      { topic: 'meters', from: null, to: m1 as never },
    ]);

    // Assess
    expect(outcomes.map((o) => [o.topic, o.ok])).toEqual([
      ['telemetry', true],
      ['Bad Topic', false],
      ['meters', true],
    ]);
    expect(outcomes[1]?.ok === false && outcomes[1].error.name).toBe('ConfigError');
    expect(outcomes[0]).toMatchObject({ ok: true, result: { records_written: 2 } });
    expect(await lake.query('SELECT idempotency_key FROM curated.telemetry ORDER BY 1')).toEqual([
      { idempotency_key: 'a' },
      { idempotency_key: 'b' },
    ]);
    expect(await lake.query('SELECT idempotency_key FROM curated.meters')).toEqual([{ idempotency_key: 'c' }]);
  });

  it('starts no topic once the signal aborted: each fails with its reason', async () => {
    const h = await lakeWithLanding();
    lake = h.lake;
    const s1 = await h.append([rawOf(event('a', '2024-03-01T10:00:00Z', { v: 1 }), T0)]);
    const runner = new DuckDbJobRunner(lake);

    const outcomes = await runner.runCurations(
      [{ topic: 'telemetry', from: null, to: s1 as never }],
      AbortSignal.abort(new Error('closing')),
    );

    expect(outcomes).toMatchObject([{ topic: 'telemetry', ok: false, error: { message: 'closing' } }]);
    expect(await lake.currentSnapshot('telemetry', 'curated')).toBeNull();
  });
});
