import { parseSemanticSchema, type SnapshotRef } from '@lean-ops/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { DuckDbLake } from '../../src/index.js';
import { event, lakeWithLanding, rawOf } from '../helpers/raw-fixtures.js';

const T0 = Date.UTC(2024, 2, 1, 12);
const schema = parseSemanticSchema({
  topic: 'telemetry',
  version: 1,
  columns: [
    { name: 'temperature', type: 'double', required: true },
    { name: 'count', type: 'long' },
    { name: 'ok', type: 'boolean' },
    { name: 'seen_at', type: 'timestamp' },
    { name: 'status', type: 'string' },
  ],
});

describe('Class: DuckDbLake — the semantic job (real DuckDB file)', () => {
  let lake: DuckDbLake | undefined;
  afterEach(async () => {
    await lake?.close();
  });

  async function curateAll(
    records: Parameters<Awaited<ReturnType<typeof lakeWithLanding>>['append']>[0],
    prev: {
      h?: Awaited<ReturnType<typeof lakeWithLanding>>;
      raw?: SnapshotRef | null;
      curated?: SnapshotRef | null;
    } = {},
  ) {
    const h = prev.h ?? (await lakeWithLanding());
    lake = h.lake;
    const raw = (await h.append(records)) as SnapshotRef;
    const { curated_snapshot } = await h.lake.runCuration('telemetry', prev.raw ?? null, raw);
    return { h, raw, curated: curated_snapshot };
  }

  it('casts declared columns, rejects governance failures with the first reason in schema order, reports drift', async () => {
    const s = await curateAll([
      rawOf(
        event('good', '2024-03-01T10:00:00Z', {
          temperature: 21.5,
          count: 3,
          ok: true,
          seen_at: '2024-03-01T10:00:00+01:00',
          status: 'fine',
          extra: 'x',
        }),
        T0,
      ),
      rawOf(event('missing', '2024-03-01T10:00:00Z', { count: 1 }), T0),
      rawOf(event('nulled', '2024-03-01T10:00:00Z', { temperature: null }), T0),
      rawOf(event('badlong', '2024-03-01T10:00:00Z', { temperature: 1, count: 1.9 }), T0),
      rawOf(event('baddouble', '2024-03-01T10:00:00Z', { temperature: 'NaN' }), T0),
      rawOf(event('badbool', '2024-03-01T10:00:00Z', { temperature: 1, ok: 'yes' }), T0),
      rawOf(event('badts', '2024-03-01T10:00:00Z', { temperature: 1, seen_at: '2024-02-30T00:00:00Z' }), T0),
      rawOf(event('two', '2024-03-01T10:00:00Z', { count: 'x' }), T0),
    ]);
    const result = await s.h.lake.runSemantic('telemetry', null, s.curated, schema);
    expect(result).toEqual({ records_written: 1, records_rejected: 7, undeclared_columns: ['extra'] });
    expect(
      await s.h.lake.query('SELECT idempotency_key, reason FROM semantic.telemetry_semantic_rejects ORDER BY 1'),
    ).toEqual([
      { idempotency_key: 'badbool', reason: 'cast_failed:ok' },
      { idempotency_key: 'baddouble', reason: 'cast_failed:temperature' },
      { idempotency_key: 'badlong', reason: 'cast_failed:count' },
      { idempotency_key: 'badts', reason: 'cast_failed:seen_at' },
      { idempotency_key: 'missing', reason: 'missing_required:temperature' },
      { idempotency_key: 'nulled', reason: 'missing_required:temperature' },
      { idempotency_key: 'two', reason: 'missing_required:temperature' },
    ]);
    const [row] = await s.h.lake.query<Record<string, unknown>>(
      `SELECT temperature, count::VARCHAR AS count, ok, strftime(seen_at, '%Y-%m-%dT%H:%M:%S') AS seen_at, status, typeof(temperature) AS t FROM semantic.telemetry`,
    );
    expect(row).toEqual({
      temperature: 21.5,
      count: '3',
      ok: true,
      seen_at: '2024-03-01T09:00:00',
      status: 'fine',
      t: 'DOUBLE',
    });
  });

  it('keeps the last valid version when a newer one fails governance; replays change nothing', async () => {
    const first = await curateAll([rawOf(event('k', '2024-03-01T10:00:00Z', { temperature: 20 }), T0)]);
    await first.h.lake.runSemantic('telemetry', null, first.curated, schema);
    const second = await curateAll([rawOf(event('k', '2024-03-01T11:00:00Z', { temperature: 'hot' }), T0 + 1)], {
      h: first.h,
      raw: first.raw,
      curated: first.curated,
    });
    const r2 = await first.h.lake.runSemantic('telemetry', first.curated, second.curated, schema);
    expect(r2).toMatchObject({ records_written: 0, records_rejected: 1 });
    expect(await first.h.lake.query('SELECT temperature FROM semantic.telemetry')).toEqual([{ temperature: 20 }]);
    const replay = await first.h.lake.runSemantic('telemetry', null, first.curated, schema);
    expect(replay.records_written).toBe(0);
  });

  it('a new schema version adds its column to the semantic table', async () => {
    const s = await curateAll([rawOf(event('k', '2024-03-01T10:00:00Z', { temperature: 20, humidity: 40 }), T0)]);
    const v1 = await s.h.lake.runSemantic('telemetry', null, s.curated, schema);
    expect(v1.undeclared_columns).toEqual(['humidity']);
    const v2 = parseSemanticSchema({
      ...schema,
      version: 2,
      columns: [...schema.columns, { name: 'humidity', type: 'long' }],
    });
    const again = await s.h.lake.runSemantic('telemetry', null, s.curated, v2);
    expect(again.undeclared_columns).toEqual([]);
    // Same event, not newer: the MERGE rule keeps the stored row; the column exists now.
    expect(await s.h.lake.query('SELECT humidity FROM semantic.telemetry')).toEqual([{ humidity: null }]);
  });
});
