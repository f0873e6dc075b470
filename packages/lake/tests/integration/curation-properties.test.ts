import type { RawRecord, SnapshotRef } from '@lean-ops/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { event, lakeWithLanding, rawOf } from '../helpers/raw-fixtures.js';

/** Versions of a few keys: colliding timestamps and publish times on purpose. */
const versions = fc.array(
  fc.record({
    key: fc.constantFrom('k1', 'k2', 'k3'),
    minute: fc.integer({ min: 0, max: 3 }),
    publish: fc.integer({ min: 0, max: 2 }),
    id: fc.integer({ min: 0, max: 5 }),
    payload: fc.dictionary(
      fc.constantFrom('a', 'b', 'C', 'c'),
      fc.oneof(fc.integer(), fc.string({ maxLength: 3 }), fc.boolean(), fc.constant(null)),
      { maxKeys: 3 },
    ),
  }),
  { minLength: 1, maxLength: 12 },
);

const toRaw = (
  v: { key: string; minute: number; publish: number; id: number; payload: Record<string, unknown> },
  i: number,
): RawRecord =>
  rawOf(
    event(v.key, `2024-03-01T10:0${v.minute}:00Z`, v.payload),
    Date.UTC(2024, 2, 1, 12, 0, v.publish),
    `m${v.id}-${i}`,
  );

/** Splits `items` into consecutive batches at the given cut points. */
function batches<T>(items: readonly T[], cuts: readonly number[]): T[][] {
  const points = [...new Set(cuts.map((c) => c % (items.length + 1)))].sort((a, b) => a - b);
  const out: T[][] = [];
  let start = 0;
  for (const p of [...points, items.length]) {
    if (p > start) out.push(items.slice(start, p));
    start = Math.max(start, p);
  }
  return out;
}

async function curateInBatches(rows: readonly RawRecord[], cuts: readonly number[]) {
  const h = await lakeWithLanding();
  const snapshots: SnapshotRef[] = [];
  let previous: SnapshotRef | null = null;
  for (const batch of batches(rows, cuts)) {
    const snap = (await h.append(batch)) as SnapshotRef;
    await h.lake.runCuration('telemetry', previous, snap);
    snapshots.push(snap);
    previous = snap;
  }
  return { h, snapshots };
}

async function curatedTable(h: Awaited<ReturnType<typeof lakeWithLanding>>) {
  const columns = (await h.lake.payloadColumns('telemetry')).sort();
  const select = [
    'idempotency_key',
    'device_id',
    'event_timestamp',
    'publish_time',
    'period_reference',
    'source_message_id',
    ...columns,
  ]
    .map((c) => `"${c}"`)
    .join(', ');
  return { columns, rows: await h.lake.query(`SELECT ${select} FROM curated.telemetry ORDER BY idempotency_key`) };
}

describe('Properties: curation on DuckDB', () => {
  it('replaying any prefix of the input again changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(versions, fc.array(fc.nat(), { maxLength: 3 }), fc.nat(), async (vs, cuts, pick) => {
        const { h, snapshots } = await curateInBatches(vs.map(toRaw), cuts);
        try {
          const before = await curatedTable(h);
          const upTo = snapshots[pick % snapshots.length] as SnapshotRef;
          const replay = await h.lake.runCuration('telemetry', null, upTo);
          expect(replay.records_written).toBe(0);
          expect(await curatedTable(h)).toEqual(before);
        } finally {
          await h.lake.close();
        }
      }),
      { numRuns: 15 },
    );
  }, 120_000);

  it('any arrival order of the same versions ends in the same curated table', async () => {
    await fc.assert(
      fc.asyncProperty(
        versions,
        fc.array(fc.nat(), { maxLength: 3 }),
        fc.array(fc.nat(), { maxLength: 3 }),
        fc.nat(),
        async (vs, cutsA, cutsB, seed) => {
          const rows = vs.map(toRaw);
          const shuffled = [...rows].sort(
            (x, y) =>
              ((x.source_message_id.charCodeAt(1) * 31 + seed) % 7) -
                ((y.source_message_id.charCodeAt(1) * 31 + seed) % 7) ||
              (seed % 2 === 0 ? 1 : -1) * x.source_message_id.localeCompare(y.source_message_id),
          );
          const a = await curateInBatches(rows, cutsA);
          const b = await curateInBatches(shuffled, cutsB);
          try {
            expect(await curatedTable(b.h)).toEqual(await curatedTable(a.h));
          } finally {
            await a.h.lake.close();
            await b.h.lake.close();
          }
        },
      ),
      { numRuns: 15 },
    );
  }, 120_000);
});
