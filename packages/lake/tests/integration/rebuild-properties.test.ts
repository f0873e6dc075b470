import { parseSemanticSchema, type RawRecord, type SemanticSchema, type SnapshotRef } from '@lean-ops/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { committedFiles, fromScratch, layerState } from '../helpers/lake-state.js';
import { event, lakeWithLanding, rawOf } from '../helpers/raw-fixtures.js';

/** Rejects on purpose: `b` is required, `a` must be a long. */
const STRICT = parseSemanticSchema({
  topic: 'telemetry',
  version: 1,
  columns: [
    { name: 'a', type: 'long' },
    { name: 'b', type: 'string', required: true },
  ],
});
/** Every curated row passes it. */
const LENIENT = parseSemanticSchema({
  topic: 'telemetry',
  version: 1,
  columns: [
    { name: 'a', type: 'string' },
    { name: 'b', type: 'string' },
  ],
});

/** Versions of a few keys, colliding timestamps on purpose; a null payload lands as unparsable JSON. */
const versions = fc.array(
  fc.record({
    key: fc.constantFrom('k1', 'k2', 'k3', 'k4'),
    minute: fc.integer({ min: 0, max: 3 }),
    publish: fc.integer({ min: 0, max: 2 }),
    payload: fc.option(
      fc.dictionary(
        fc.constantFrom('a', 'b', 'c'),
        fc.oneof(fc.integer({ min: -5, max: 5 }), fc.string({ maxLength: 3 }), fc.boolean(), fc.constant(null)),
        { maxKeys: 3 },
      ),
      { freq: 6, nil: null },
    ),
  }),
  { minLength: 1, maxLength: 14 },
);
type Version = { key: string; minute: number; publish: number; payload: Record<string, unknown> | null };

const toRaw = (v: Version, i: number): RawRecord => {
  const record = rawOf(
    event(v.key, `2024-03-01T10:0${v.minute}:00Z`, v.payload ?? {}),
    Date.UTC(2024, 2, 1, 12, 0, v.publish),
    `m-${String(i).padStart(3, '0')}`,
  );
  return v.payload === null ? { ...record, json_payload: '{not json' } : record;
};

/** Splits `items` into consecutive non-empty batches at the given cut points. */
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

type Harness = Awaited<ReturnType<typeof lakeWithLanding>>;

/** Commits each batch as one RAW snapshot; returns the snapshots in order. */
async function commit(h: Harness, groups: readonly RawRecord[][]): Promise<SnapshotRef[]> {
  const out: SnapshotRef[] = [];
  for (const group of groups) out.push((await h.append(group)) as SnapshotRef);
  return out;
}

/** Normal incremental runs over the first `k` RAW snapshots; the curated snapshot of each run. */
async function incremental(h: Harness, raw: readonly SnapshotRef[], k: number, schema: SemanticSchema) {
  const curated: SnapshotRef[] = [];
  for (let i = 0; i < k; i++) {
    const c = await h.lake.runCuration('telemetry', raw[i - 1] ?? null, raw[i] as SnapshotRef);
    await h.lake.runSemantic('telemetry', curated[i - 1] ?? null, c.curated_snapshot, schema);
    curated.push(c.curated_snapshot);
  }
  return curated;
}

/** Full (`since` 0) or since-rebuild from the since-th snapshot, within the first `k` runs. */
function startPoint(k: number, pick: number): number {
  return k === 0 ? 0 : pick % (k + 1);
}

describe('Properties: rebuilding on DuckDB', () => {
  it('for any input and any point where it starts, a rebuild equals the from-scratch build', async () => {
    await fc.assert(
      fc.asyncProperty(
        versions,
        fc.array(fc.nat(), { maxLength: 3 }),
        fc.nat(),
        fc.nat(),
        async (vs, cuts, pickK, pickSince) => {
          const h = await lakeWithLanding();
          try {
            const raw = await commit(h, batches(vs.map(toRaw), cuts));
            const k = pickK % (raw.length + 1);
            const since = startPoint(k, pickSince);
            // A since-rebuild leaves keys outside its scope as the incremental semantic job
            // left them, which keeps a key's last valid version: only governance-passing
            // input makes that the from-scratch build.
            const schema = since === 0 ? STRICT : LENIENT;
            const curated = await incremental(h, raw, k, schema);
            const head = raw.at(-1) as SnapshotRef;

            const c = await h.lake.runCuration('telemetry', raw[since - 1] ?? null, head, { rebuild: true });
            await h.lake.runSemantic('telemetry', curated[since - 1] ?? null, c.curated_snapshot, schema, {
              rebuild: true,
            });

            expect(await layerState(h.lake)).toEqual(await fromScratch(await committedFiles(h.lake, head), schema));
          } finally {
            await h.lake.close();
          }
        },
      ),
      { numRuns: 12 },
    );
  }, 60_000);

  it('with ingestion continuing during the rebuild, the rebuild then one normal run lose and duplicate nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        versions,
        fc.array(fc.nat(), { maxLength: 4 }),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        async (vs, cuts, pickTo, pickK, pickSince, pickBefore) => {
          const h = await lakeWithLanding();
          try {
            const groups = batches(vs.map(toRaw), cuts);
            const m = 1 + (pickTo % groups.length); // `to` is the m-th RAW snapshot
            const raw = await commit(h, groups.slice(0, m));
            const to = raw.at(-1) as SnapshotRef;
            const k = pickK % (m + 1);
            const since = startPoint(k, pickSince);
            const curated = await incremental(h, raw, k, LENIENT);
            const later = groups.slice(m);
            const before = pickBefore % (later.length + 1);

            // Act: some batches land after `to` was read and before the rebuild starts, the
            // rest while it runs (queued behind it on the lake's one connection).
            await commit(h, later.slice(0, before));
            const rebuilding = h.lake.runCuration('telemetry', raw[since - 1] ?? null, to, { rebuild: true });
            const landing = commit(h, later.slice(before));
            const [c] = await Promise.all([rebuilding, landing]);
            await h.lake.runSemantic('telemetry', curated[since - 1] ?? null, c.curated_snapshot, LENIENT, {
              rebuild: true,
            });
            const head = (await h.lake.currentSnapshot('telemetry', 'raw')) as SnapshotRef;
            const next = await h.lake.runCuration('telemetry', to, head);
            await h.lake.runSemantic('telemetry', c.curated_snapshot, next.curated_snapshot, LENIENT);

            // Assess
            const state = await layerState(h.lake);
            const scratch = await fromScratch(await committedFiles(h.lake, head), LENIENT);
            expect(state.curated).toEqual(scratch.curated);
            expect(state.curatedRejects).toEqual(scratch.curatedRejects);
            const keys = (state.semantic ?? []).map((r) => r.idempotency_key);
            expect(new Set(keys).size).toBe(keys.length);
            expect(keys).toEqual(state.curated.map((r) => r.idempotency_key));
            expect(state.semantic).toEqual(scratch.semantic);
          } finally {
            await h.lake.close();
          }
        },
      ),
      { numRuns: 12 },
    );
  }, 60_000);
});
