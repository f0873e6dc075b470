import { unlinkSync } from 'node:fs';
import { parseSemanticSchema, type SnapshotRef } from '@lean-ops/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type DuckDbLake, DuckDbTableMaintenance } from '../../src/index.js';
import { event, lakeWithLanding, rawOf } from '../helpers/raw-fixtures.js';

const T0 = Date.UTC(2024, 2, 1, 12);
const schema = parseSemanticSchema({
  topic: 'telemetry',
  version: 1,
  columns: [{ name: 'v', type: 'long' }],
});
const HOUR = 3_600_000;

describe('Class: DuckDbTableMaintenance (real DuckDB file)', () => {
  let lake: DuckDbLake | undefined;
  afterEach(async () => {
    await lake?.close();
  });

  /** Five RAW commits, each curated; semantic up to the third curated snapshot. */
  async function pipeline() {
    const h = await lakeWithLanding();
    lake = h.lake;
    const raws: SnapshotRef[] = [];
    const curated: SnapshotRef[] = [];
    let from: SnapshotRef | null = null;
    for (let i = 0; i < 5; i++) {
      // Key "k" is updated by every commit: curation deletes its old row each time.
      const raw = (await h.append([
        rawOf(event('k', `2024-03-01T10:0${i}:00Z`, { v: i }), T0 + i),
        rawOf(event(`x${i}`, '2024-03-01T10:00:00Z', { v: i }), T0 + i),
      ])) as SnapshotRef;
      raws.push(raw);
      curated.push((await h.lake.runCuration('telemetry', from, raw)).curated_snapshot);
      from = raw;
    }
    await h.lake.runSemantic('telemetry', null, curated[2] as SnapshotRef, schema);
    const semantic = (await h.lake.currentSnapshot('telemetry', 'semantic')) as SnapshotRef;
    return { h, raws, curated, semantic };
  }

  async function logSequences(l: DuckDbLake, layer: string): Promise<number[]> {
    const rows = await l.query<{ sequence: number }>(
      `SELECT sequence FROM meta.snapshots WHERE topic = 'telemetry' AND layer = '${layer}' ORDER BY sequence`,
    );
    return rows.map((r) => Number(r.sequence));
  }

  it('trims the snapshot log below the checkpoints only, and the pipeline reads on', async () => {
    const { h, raws, curated } = await pipeline();
    // Checkpoints: curation consumed up to RAW #4, semantic up to curated #3.
    const checkpoints = { curated: raws[3] as SnapshotRef, semantic: curated[2] as SnapshotRef };
    const later = Date.now() + 2 * HOUR;
    const maintenance = new DuckDbTableMaintenance({ lake: h.lake, retentionMs: HOUR, now: () => later });
    const backlogBefore = await h.lake.rawRecordsAfter('telemetry', checkpoints.curated);

    const dry = await maintenance.maintain('telemetry', checkpoints, { dryRun: true });
    expect(dry.find((o) => o.layer === 'raw')?.actions).toMatchObject({ would_trim_snapshot_rows: 3 });
    expect(await logSequences(h.lake, 'raw')).toHaveLength(5); // dry: nothing removed

    const out = await maintenance.maintain('telemetry', checkpoints);
    const byLayer = Object.fromEntries(out.map((o) => [o.layer, o]));
    expect(byLayer.raw?.status).toBe('done');
    expect(byLayer.raw?.actions).toMatchObject({ trimmed_snapshot_rows: 3 });
    expect(byLayer.curated?.actions).toMatchObject({ trimmed_snapshot_rows: 2 });
    expect(await logSequences(h.lake, 'raw')).toEqual(raws.slice(3).map((r) => r.sequence));
    expect(await logSequences(h.lake, 'curated')).toEqual(curated.slice(2).map((c) => c.sequence));
    expect(await logSequences(h.lake, 'semantic')).toHaveLength(1);
    expect(byLayer.raw?.after?.snapshots).toBe(2);
    // Nothing a reader needs went: the backlog, the current snapshots, the next runs.
    expect(await h.lake.rawRecordsAfter('telemetry', checkpoints.curated)).toBe(backlogBefore);
    expect((await h.lake.currentSnapshot('telemetry', 'raw'))?.sequence).toBe(raws[4]?.sequence);
    const sem = await h.lake.runSemantic('telemetry', checkpoints.semantic, curated[4] as SnapshotRef, schema);
    expect(sem.records_written).toBeGreaterThan(0);
    const next = (await h.append([rawOf(event('y', '2024-03-01T10:00:00Z', { v: 9 }), T0 + 9)])) as SnapshotRef;
    expect(next.sequence).toBeGreaterThan(Math.max(...curated.map((c) => c.sequence)));
    expect((await h.lake.runCuration('telemetry', raws[4] as SnapshotRef, next)).records_written).toBe(1);
  });

  it('keeps every row inside the retention window and every RAW row while curation has no checkpoint', async () => {
    const { h, raws } = await pipeline();
    const maintenance = new DuckDbTableMaintenance({ lake: h.lake, retentionMs: HOUR });
    const young = await maintenance.maintain('telemetry', { curated: raws[3] as SnapshotRef, semantic: null });
    const trimmed = young.flatMap((o) => Object.entries(o.actions).filter(([k]) => k.startsWith('trimmed_')));
    expect(trimmed.length).toBeGreaterThan(0);
    expect(trimmed.every(([, n]) => n === 0)).toBe(true);

    const old = new DuckDbTableMaintenance({ lake: h.lake, retentionMs: 0, now: () => Date.now() + HOUR });
    await old.maintain('telemetry', { curated: null, semantic: null });
    expect(await logSequences(h.lake, 'raw')).toHaveLength(5);
    expect(await logSequences(h.lake, 'curated')).toHaveLength(1); // no semantic checkpoint: only the newest
  });

  it('reports health per table; CHECKPOINT reclaims deleted rows; committed-file rows go with their files', async () => {
    const { h } = await pipeline();
    const maintenance = new DuckDbTableMaintenance({ lake: h.lake });
    const health = Object.fromEntries((await maintenance.health('telemetry')).map((t) => [t.layer, t]));
    expect(Object.keys(health)).toEqual(['raw', 'curated', 'curated_rejects', 'semantic', 'semantic_rejects']);
    expect(health.raw?.table).toBe('raw.telemetry_staging');
    expect(health.raw?.figures).toMatchObject({ data_files: 1, small_files: 1, snapshots: 5, manifests: 0 });
    expect(health.curated?.figures?.delete_files).toBe(1); // key "k" was replaced four times
    expect(health.semantic?.figures?.snapshots).toBe(1);

    const files = await h.lake.query<{ file: string }>('SELECT file FROM meta.committed_files');
    expect(files).toHaveLength(5);
    for (const f of files.slice(0, 2)) unlinkSync(f.file);
    const out = await maintenance.maintain('telemetry', { curated: null, semantic: null });
    const curated = out.find((o) => o.layer === 'curated');
    expect(curated?.before?.delete_files).toBe(1);
    expect(curated?.after?.delete_files).toBe(0);
    expect(curated?.actions).toMatchObject({ vacuumed: 1 });
    expect(out.find((o) => o.layer === 'raw')?.actions).toMatchObject({ trimmed_committed_files: 2 });
    expect(await h.lake.query('SELECT file FROM meta.committed_files')).toHaveLength(3);
    const rows = await h.lake.query<{ n: number }>('SELECT count(*)::INT AS n FROM curated.telemetry');
    expect(Number(rows[0]?.n)).toBe(6);
  });

  it('reports a table that does not exist as skipped, and refuses bad options and topics', async () => {
    const h = await lakeWithLanding();
    lake = h.lake;
    await h.append([rawOf(event('a', '2024-03-01T10:00:00Z', { v: 1 }), T0)]);
    const maintenance = new DuckDbTableMaintenance({ lake: h.lake });
    const out = await maintenance.maintain('telemetry', { curated: null, semantic: null });
    expect(out.find((o) => o.layer === 'semantic')).toMatchObject({ status: 'skipped', before: null, after: null });
    await expect(maintenance.health('Bad-Topic')).rejects.toThrow(/topic name/);
    expect(() => new DuckDbTableMaintenance({ lake: h.lake, retentionMs: -1 })).toThrow(/retentionMs/);
  });
});
