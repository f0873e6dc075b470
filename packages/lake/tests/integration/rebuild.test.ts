import { dataDirLayout, parseSemanticSchema, type RawRecord, type SnapshotRef } from '@lean-ops/core';
import { afterEach, describe, expect, it } from 'vitest';
import { DuckDbJobRunner, DuckDbLake } from '../../src/index.js';
import { committedFiles, fromScratch, layerState } from '../helpers/lake-state.js';
import { event, lakeWithLanding, rawOf } from '../helpers/raw-fixtures.js';

const T0 = Date.UTC(2024, 2, 1, 12);
const V1 = parseSemanticSchema({
  topic: 'telemetry',
  version: 1,
  columns: [
    { name: 'temperature', type: 'double', required: true },
    { name: 'status', type: 'string' },
  ],
});
const V2 = parseSemanticSchema({ ...V1, version: 2, columns: [...V1.columns, { name: 'humidity', type: 'long' }] });

const at = (minute: number) => `2024-03-01T10:${String(minute).padStart(2, '0')}:00Z`;
const invalid = (key: string, id: string): RawRecord => ({
  ...rawOf(event(key, at(0), {}), T0),
  json_payload: '{not json',
  source_message_id: id,
});

/** Four RAW batches covering updates, late columns, curated rejects and governance failures. */
const BATCHES: (() => RawRecord[])[] = [
  () => [
    rawOf(event('a', at(1), { temperature: 20, status: 'ok' }), T0),
    rawOf(event('b', at(1), { temperature: 21 }), T0),
    rawOf(event('gov', at(1), { temperature: 5 }), T0),
    invalid('bad', 'mbad1'),
  ],
  () => [
    rawOf(event('a', at(2), { temperature: 22, humidity: 40 }), T0 + 1),
    rawOf(event('c', at(2), { temperature: 'warm' }), T0 + 1),
    invalid('a', 'mbad2'),
  ],
  () => [
    rawOf(event('gov', at(3), { status: 'lost its temperature' }), T0 + 2),
    rawOf(event('b', at(0), { temperature: 1 }), T0 + 2), // older than the stored version
    rawOf(event('d', at(3), { temperature: 30, humidity: 7 }), T0 + 2),
  ],
  () => [rawOf(event('c', at(4), { temperature: 25 }), T0 + 3), invalid('bad', 'mbad3')],
];

type Harness = Awaited<ReturnType<typeof lakeWithLanding>>;

/** Normal incremental runs (curation, then semantic with `schema`) over each batch. */
async function runBatches(h: Harness, count = BATCHES.length, schema = V1) {
  const raw: SnapshotRef[] = [];
  const curated: SnapshotRef[] = [];
  for (const batch of BATCHES.slice(0, count)) {
    const snap = (await h.append(batch())) as SnapshotRef;
    const c = await h.lake.runCuration('telemetry', raw.at(-1) ?? null, snap);
    await h.lake.runSemantic('telemetry', curated.at(-1) ?? null, c.curated_snapshot, schema);
    raw.push(snap);
    curated.push(c.curated_snapshot);
  }
  return { raw, curated };
}

async function snapshotLog(lake: DuckDbLake) {
  return lake.query<{ layer: string; operation: string; raw_seq: number; records: number }>(
    `SELECT layer, operation, raw_seq::INT AS raw_seq, records::INT AS records FROM meta.snapshots WHERE topic = 'telemetry' ORDER BY sequence`,
  );
}

describe('Class: DuckDbLake — rebuilding a layer (real DuckDB file)', () => {
  let lake: DuckDbLake | undefined;
  afterEach(async () => {
    await lake?.close();
    lake = undefined;
  });

  it('a full rebuild of curated and semantic equals a from-scratch build, and logs one rebuild snapshot each', async () => {
    // Prepare: four incremental runs; the incremental semantic job kept gov's last valid version.
    const h = await lakeWithLanding();
    lake = h.lake;
    const { raw } = await runBatches(h);
    const head = raw.at(-1) as SnapshotRef;
    expect(await lake.query(`SELECT idempotency_key FROM semantic.telemetry WHERE idempotency_key = 'gov'`)).toEqual([
      { idempotency_key: 'gov' },
    ]);
    const logBefore = await snapshotLog(lake);

    // Act
    const curation = await lake.runCuration('telemetry', null, head, { rebuild: true });
    const semantic = await lake.runSemantic('telemetry', null, curation.curated_snapshot, V1, { rebuild: true });

    // Assess: the same lake as one run over the same RAW files.
    expect(await layerState(lake)).toEqual(await fromScratch(await committedFiles(lake, head), V1));
    expect(await lake.query(`SELECT count(*)::INT AS n FROM semantic.telemetry WHERE idempotency_key = 'gov'`)).toEqual(
      [{ n: 0 }],
    );
    expect(curation.records_written).toBe(5); // a, b, c, d, gov
    expect(semantic).toEqual({ records_written: 4, records_rejected: 1, undeclared_columns: ['humidity'] });
    expect(await snapshotLog(lake)).toEqual([
      ...logBefore,
      { layer: 'curated', operation: 'rebuild', raw_seq: head.sequence, records: 5 },
      { layer: 'semantic', operation: 'rebuild', raw_seq: head.sequence, records: 4 },
    ]);
    expect(curation.curated_snapshot).toEqual(await lake.currentSnapshot('telemetry', 'curated'));
  });

  it('a since-rebuild (from a middle RAW snapshot) equals a from-scratch build and touches only the keys RAW holds after it', async () => {
    // Prepare
    const h = await lakeWithLanding();
    lake = h.lake;
    const { raw, curated } = await runBatches(h);
    const head = raw.at(-1) as SnapshotRef;

    // Act: batches 3 and 4 hold gov, b, d, c and bad.
    const curation = await lake.runCuration('telemetry', raw[1] ?? null, head, { rebuild: true });
    const semantic = await lake.runSemantic('telemetry', curated[1] ?? null, curation.curated_snapshot, V1, {
      rebuild: true,
    });

    // Assess
    expect(curation.records_written).toBe(4); // b, c, d, gov ('bad' has no valid version)
    expect(semantic.records_written + semantic.records_rejected).toBe(4);
    expect(await layerState(lake)).toEqual(await fromScratch(await committedFiles(lake, head), V1));
  });

  it('a rebuild corrects rows changed behind the engine’s back, whatever their versions', async () => {
    // Prepare: plant wrong values with versions newer than any RAW one, which no normal run replaces.
    const h = await lakeWithLanding();
    lake = h.lake;
    const { raw } = await runBatches(h);
    const head = raw.at(-1) as SnapshotRef;
    await lake.query(
      `UPDATE curated.telemetry SET temperature = '999', event_timestamp = TIMESTAMPTZ '2030-01-01 00:00:00+00' WHERE idempotency_key = 'a'`,
    );
    await lake.query(
      `UPDATE semantic.telemetry SET temperature = -1, event_timestamp = TIMESTAMPTZ '2030-01-01 00:00:00+00' WHERE idempotency_key = 'd'`,
    );
    const normal = await lake.runCuration('telemetry', head, head);
    expect(normal.records_written).toBe(0);

    // Act
    const curation = await lake.runCuration('telemetry', null, head, { rebuild: true });
    await lake.runSemantic('telemetry', null, curation.curated_snapshot, V1, { rebuild: true });

    // Assess
    expect(
      await lake.query(
        `SELECT c.temperature AS curated, s.temperature AS semantic FROM curated.telemetry c JOIN semantic.telemetry s USING (idempotency_key) WHERE idempotency_key IN ('a', 'd') ORDER BY idempotency_key`,
      ),
    ).toEqual([
      { curated: '22', semantic: 22 },
      { curated: '30', semantic: 30 },
    ]);
    expect(await layerState(lake)).toEqual(await fromScratch(await committedFiles(lake, head), V1));
  });

  it('keys whose every version is rejected leave curated, and keys curated no longer holds leave semantic', async () => {
    // Prepare: "ghost" is stored in curated and semantic, but RAW holds only an unparsable version of it.
    const h = await lakeWithLanding();
    lake = h.lake;
    const { raw, curated } = await runBatches(h, 2);
    const s3 = (await h.append([invalid('ghost', 'mghost')])) as SnapshotRef;
    await lake.runCuration('telemetry', raw[1] ?? null, s3);
    await lake.query(
      `INSERT INTO curated.telemetry BY NAME SELECT * REPLACE ('ghost' AS idempotency_key) FROM curated.telemetry WHERE idempotency_key = 'b'`,
    );
    await lake.query(
      `INSERT INTO semantic.telemetry BY NAME SELECT * REPLACE ('ghost' AS idempotency_key) FROM semantic.telemetry WHERE idempotency_key = 'b'`,
    );

    // Act: since-rebuilds from the second snapshot: ghost is in curation's scope (RAW holds it
    // after), and semantic's (no longer in curated).
    const curation = await lake.runCuration('telemetry', raw[1] ?? null, s3, { rebuild: true });
    const afterCuration = await lake.query(`SELECT idempotency_key FROM curated.telemetry ORDER BY 1`);
    await lake.runSemantic('telemetry', curated[1] ?? null, curation.curated_snapshot, V1, { rebuild: true });

    // Assess
    expect(curation.records_written).toBe(0);
    expect(afterCuration).toEqual(['a', 'b', 'c', 'gov'].map((k) => ({ idempotency_key: k })));
    expect(await lake.query(`SELECT idempotency_key FROM semantic.telemetry ORDER BY 1`)).toEqual(
      ['a', 'b', 'gov'].map((k) => ({ idempotency_key: k })),
    );
    expect(await layerState(lake)).toEqual(await fromScratch(await committedFiles(lake, s3), V1));
  });

  it('back-fill: rows curated before a column was declared get its value from a semantic rebuild with the new schema', async () => {
    // Prepare: semantic built with v1 (no humidity); v2 declares it, a normal run only fills new rows.
    const h = await lakeWithLanding();
    lake = h.lake;
    const { raw, curated } = await runBatches(h, 3);
    const s4 = (await h.append(BATCHES[3]?.() ?? [])) as SnapshotRef;
    const c4 = await lake.runCuration('telemetry', raw.at(-1) ?? null, s4);
    const normal = await lake.runSemantic('telemetry', curated.at(-1) ?? null, c4.curated_snapshot, V2);
    expect(normal.undeclared_columns).toEqual([]);
    const before = await lake.query(`SELECT idempotency_key, humidity FROM semantic.telemetry ORDER BY 1`);
    expect(before).toEqual([
      { idempotency_key: 'a', humidity: null },
      { idempotency_key: 'b', humidity: null },
      { idempotency_key: 'c', humidity: null },
      { idempotency_key: 'd', humidity: null },
      { idempotency_key: 'gov', humidity: null },
    ]);

    // Act
    await lake.runSemantic('telemetry', null, c4.curated_snapshot, V2, { rebuild: true });

    // Assess
    expect(
      await lake.query(`SELECT idempotency_key, humidity::INT AS humidity FROM semantic.telemetry ORDER BY 1`),
    ).toEqual([
      { idempotency_key: 'a', humidity: 40 },
      { idempotency_key: 'b', humidity: null },
      { idempotency_key: 'c', humidity: null },
      { idempotency_key: 'd', humidity: 7 },
    ]);
    expect(await layerState(lake)).toEqual(await fromScratch(await committedFiles(lake, s4), V2));
  });

  it.each([
    ['curation', 'the replace statement', /^-- Reprocessing, curation step 4/],
    ['curation', 'the snapshot log', /^INSERT INTO meta\.snapshots/],
    ['semantic', 'the replace statement', /^-- Reprocessing, semantic step 2/],
    ['semantic', 'the snapshot log', /^INSERT INTO meta\.snapshots/],
  ] as const)(
    'a %s rebuild failing at %s leaves the tables and the snapshot log as they were',
    async (job, _at, failOn) => {
      // Prepare: an incremental lake with a planted row a rebuild would correct; reopened with a
      // statement hook that fails the rebuild's chosen statement after it ran.
      const h = await lakeWithLanding();
      const { raw } = await runBatches(h);
      await h.lake.query(`UPDATE curated.telemetry SET temperature = '999' WHERE idempotency_key = 'a'`);
      await h.lake.close();
      let armed = true;
      lake = await DuckDbLake.open({
        path: dataDirLayout(h.dir).lake,
        onStatement: (sql) => {
          if (armed && failOn.test(sql)) throw new Error('planted failure');
        },
      });
      const head = raw.at(-1) as SnapshotRef;
      const curatedHead = (await lake.currentSnapshot('telemetry', 'curated')) as SnapshotRef;
      const state = await layerState(lake);
      const log = await snapshotLog(lake);

      // Act
      const attempt =
        job === 'curation'
          ? lake.runCuration('telemetry', null, head, { rebuild: true })
          : lake.runSemantic('telemetry', null, curatedHead, V1, { rebuild: true });

      // Assess: nothing changed; the same rebuild succeeds afterwards.
      await expect(attempt).rejects.toMatchObject({
        name: 'JobFailedError',
        message: expect.stringContaining('rebuild'),
      });
      expect(await layerState(lake)).toEqual(state);
      expect(await snapshotLog(lake)).toEqual(log);
      armed = false;
      if (job === 'curation') await lake.runCuration('telemetry', null, head, { rebuild: true });
      else await lake.runSemantic('telemetry', null, curatedHead, V1, { rebuild: true });
      expect(await snapshotLog(lake)).toHaveLength(log.length + 1);
      expect(await layerState(lake)).not.toEqual(state);
    },
  );
});

describe('Class: DuckDbJobRunner — rebuild requests and LakeFigures (real DuckDB file)', () => {
  let lake: DuckDbLake | undefined;
  afterEach(async () => {
    await lake?.close();
  });

  it('passes `rebuild` on to the lake and tells each layer’s rows and snapshots', async () => {
    // Prepare
    const h = await lakeWithLanding();
    lake = h.lake;
    const runner = new DuckDbJobRunner(lake);
    expect(await runner.figures('telemetry', 'raw')).toBeNull();
    const { raw } = await runBatches(h, 2);
    const head = raw.at(-1) as SnapshotRef;
    await lake.query(`UPDATE curated.telemetry SET temperature = '999' WHERE idempotency_key = 'a'`);

    // Act
    const [curation] = await runner.runCurations([{ topic: 'telemetry', from: null, to: head, rebuild: true }]);
    const [semantic] = await runner.runSemantics([
      {
        topic: 'telemetry',
        from: null,
        to: curation?.ok ? curation.result.curated_snapshot : head,
        schema: V1,
        rebuild: true,
      },
    ]);

    // Assess
    expect(curation).toMatchObject({ ok: true, result: { records_written: 4 } });
    expect(semantic).toMatchObject({ ok: true, result: { records_written: 3, records_rejected: 1 } });
    expect(await lake.query(`SELECT temperature FROM curated.telemetry WHERE idempotency_key = 'a'`)).toEqual([
      { temperature: '22' },
    ]);
    expect(await runner.figures('telemetry', 'raw')).toEqual({ records: 7, snapshots: 2, bytes: null });
    expect(await runner.figures('telemetry', 'curated')).toEqual({ records: 4, snapshots: 3, bytes: null });
    expect(await runner.figures('telemetry', 'semantic')).toEqual({ records: 3, snapshots: 3, bytes: null });
    expect(await runner.figures('meters', 'curated')).toBeNull();
    expect(await runner.figures('meters', 'semantic')).toBeNull();
  });

  it('finds a snapshot of a topic’s layer by id in the snapshot log, and only there', async () => {
    // Prepare
    const h = await lakeWithLanding();
    lake = h.lake;
    const runner = new DuckDbJobRunner(lake);
    const { raw, curated } = await runBatches(h, 2);

    // Act + Assess
    expect(await runner.snapshot('telemetry', 'raw', raw[0]?.id as string)).toEqual(raw[0]);
    expect(await runner.snapshot('telemetry', 'curated', curated[1]?.id as string)).toEqual(curated[1]);
    expect(await runner.snapshot('telemetry', 'curated', raw[0]?.id as string)).toBeNull();
    expect(await runner.snapshot('meters', 'raw', raw[0]?.id as string)).toBeNull();
    expect(await runner.snapshot('telemetry', 'raw', '999')).toBeNull();
    expect(await runner.snapshot('telemetry', 'raw', '1; DROP TABLE meta.snapshots')).toBeNull();
  });
});
