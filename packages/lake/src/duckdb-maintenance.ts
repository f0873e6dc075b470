import { existsSync } from 'node:fs';
import {
  ConfigError,
  type MaintainOptions,
  TABLE_LAYERS,
  type TableHealth,
  type TableHealthFigures,
  type TableLayer,
  type TableMaintenance,
  type TableMaintenanceOutcome,
  TOPIC_NAME_PATTERN,
  type TopicCheckpoints,
} from '@lean-ops/core';
import type { DuckDbLake } from './duckdb-lake.js';
import { DUCKDB } from './sql/dialect.js';

export interface DuckDbTableMaintenanceOptions {
  readonly lake: DuckDbLake;
  /** Snapshot-log rows younger than this are kept whatever the checkpoints. @defaultValue 86400000 (1 day) */
  readonly retentionMs?: number;
  /** A row group with fewer rows counts as a small file. @defaultValue 30720 (a quarter of DuckDB's 122880) */
  readonly smallRowGroupRows?: number;
  /** A table is rewritten when its deleted, unreclaimed rows reach this share of its stored rows. @defaultValue 0.1 */
  readonly vacuumShare?: number;
  /** Whether a landed file is still on disk (its `meta.committed_files` row matters only then). @defaultValue fs.existsSync */
  readonly fileExists?: (path: string) => boolean;
  /** @defaultValue Date.now */
  readonly now?: () => number;
}

export const DUCKDB_MAINTENANCE_DEFAULTS = {
  retentionMs: 86_400_000,
  smallRowGroupRows: 30_720,
  vacuumShare: 0.1,
} as const;

/** DuckDB's rows per row group (its default `row_group_size`); rowids are positions in them. */
const ROW_GROUP_ROWS = 122_880;

const q = DUCKDB.quote;
const lit = DUCKDB.literal;

/** Where each table of a topic lives, and which snapshot-log layer commits it. */
function tableOf(
  topic: string,
  layer: TableLayer,
): { schema: string; name: string; log: 'raw' | 'curated' | 'semantic' } {
  switch (layer) {
    case 'raw':
      return { schema: 'raw', name: `${topic}_staging`, log: 'raw' };
    case 'curated':
      return { schema: 'curated', name: topic, log: 'curated' };
    case 'curated_rejects':
      return { schema: 'curated', name: `${topic}_rejects`, log: 'curated' };
    case 'semantic':
      return { schema: 'semantic', name: topic, log: 'semantic' };
    case 'semantic_rejects':
      return { schema: 'semantic', name: `${topic}_semantic_rejects`, log: 'semantic' };
  }
}

/**
 * Maintenance of the local lake (docs/maintenance.md). DuckDB has no files per commit, so
 * there is nothing to bin-pack; what grows is
 * - the snapshot log `meta.snapshots` (one row per commit) and `meta.committed_files` (one
 *   row per landed file): trimmed here, keeping every row a reader still needs, and
 * - deleted rows (curation replaces a key's row by DELETE + INSERT): reclaimed by `CHECKPOINT`,
 *   after rewriting a table whose deleted rows reach `vacuumShare` (see `vacuum`).
 *
 * Kept rows of `meta.snapshots`: those younger than `retentionMs`; the newest of each layer of
 * a topic (`currentSnapshot`) and of the lake (the next sequence number follows it); RAW rows
 * from the curated checkpoint's RAW snapshot on (`rawRecordsAfter`, the RAW trigger's backlog,
 * sums the rows after it; all of them while there is no checkpoint); curated rows from the
 * semantic checkpoint's curated snapshot on (the semantic job reads `raw_seq` of its `from`
 * and `to`). `meta.committed_files` rows are kept while their landed file exists.
 *
 * Health, per table, in DuckDB's terms: `data_files` = row groups, `small_files` = row
 * groups under `smallRowGroupRows`, `data_bytes` = storage blocks × block size (an
 * estimate), `delete_files` = row groups still holding deleted rows (until a CHECKPOINT
 * reclaims them), `snapshots` / `oldest_snapshot_age_seconds` = the table's layer in the
 * snapshot log; `manifests` and `metadata_files` are 0 (DuckDB has neither).
 *
 * Every call runs in the lake's queue (`DuckDbLake.query`), never inside a job.
 */
export class DuckDbTableMaintenance implements TableMaintenance {
  private readonly lake: DuckDbLake;
  private readonly retentionMs: number;
  private readonly smallRowGroupRows: number;
  private readonly vacuumShare: number;
  private readonly fileExists: (path: string) => boolean;
  private readonly now: () => number;

  constructor(options: DuckDbTableMaintenanceOptions) {
    const problems: string[] = [];
    if (options?.lake === undefined) problems.push('lake: required');
    const retention = options?.retentionMs ?? DUCKDB_MAINTENANCE_DEFAULTS.retentionMs;
    const small = options?.smallRowGroupRows ?? DUCKDB_MAINTENANCE_DEFAULTS.smallRowGroupRows;
    if (!Number.isInteger(retention) || retention < 0)
      problems.push(`retentionMs: expected an integer ≥ 0 (got ${retention})`);
    if (!Number.isInteger(small) || small < 1)
      problems.push(`smallRowGroupRows: expected an integer ≥ 1 (got ${small})`);
    const share = options?.vacuumShare ?? DUCKDB_MAINTENANCE_DEFAULTS.vacuumShare;
    if (typeof share !== 'number' || !(share > 0 && share <= 1))
      problems.push(`vacuumShare: expected a number in (0, 1] (got ${share})`);
    if (problems.length > 0) throw new ConfigError('DuckDbTableMaintenance options', problems);
    this.lake = options.lake;
    this.retentionMs = retention;
    this.smallRowGroupRows = small;
    this.vacuumShare = share;
    this.fileExists = options.fileExists ?? existsSync;
    this.now = options.now ?? Date.now;
  }

  async health(topic: string): Promise<TableHealth[]> {
    checkTopic(topic);
    const out: TableHealth[] = [];
    for (const layer of TABLE_LAYERS) out.push(await this.tableHealth(topic, layer));
    return out;
  }

  async maintain(
    topic: string,
    checkpoints: TopicCheckpoints,
    options: MaintainOptions = {},
  ): Promise<TableMaintenanceOutcome[]> {
    checkTopic(topic);
    const dryRun = options.dryRun ?? false;
    const before = await this.health(topic);
    options.signal?.throwIfAborted();
    const snapshots = await this.trimSnapshots(topic, checkpoints, dryRun);
    const files = await this.trimCommittedFiles(topic, dryRun);
    const vacuumed = new Set<TableLayer>();
    if (!dryRun) {
      for (const b of before) {
        if (b.figures !== null && b.figures.delete_files > 0 && (await this.vacuum(topic, b.layer)))
          vacuumed.add(b.layer);
      }
      await this.lake.query('CHECKPOINT');
    }
    const after = dryRun ? before : await this.health(topic);
    return before.map((b, i) => {
      const layer = b.layer;
      const log = tableOf(topic, layer).log;
      // The log rows belong to the layer; each is reported once, on the layer's main table.
      const actions: Record<string, number> = {};
      if (layer === log) actions[dryRun ? 'would_trim_snapshot_rows' : 'trimmed_snapshot_rows'] = snapshots[log];
      if (layer === 'raw') actions[dryRun ? 'would_trim_committed_files' : 'trimmed_committed_files'] = files;
      if (vacuumed.has(layer)) actions.vacuumed = 1;
      return {
        topic,
        layer,
        table: b.table,
        status: b.figures === null ? 'skipped' : dryRun ? 'dry_run' : 'done',
        actions,
        before: b.figures,
        after: after[i]?.figures ?? null,
      };
    });
  }

  /** Rows of `meta.snapshots` removed (or, dry, removable) per layer. */
  private async trimSnapshots(
    topic: string,
    checkpoints: TopicCheckpoints,
    dryRun: boolean,
  ): Promise<Record<'raw' | 'curated' | 'semantic', number>> {
    const cutoffMs = this.now() - this.retentionMs;
    // A layer's floor: rows at or above it stay. No checkpoint on RAW: every row stays (the
    // backlog sums them all); none on curated: only the newest matters.
    const rawFloor = checkpoints.curated === null ? 0 : checkpoints.curated.sequence;
    const curatedFloor = checkpoints.semantic === null ? Number.MAX_SAFE_INTEGER : checkpoints.semantic.sequence;
    const removable = `topic = ${lit(topic)}
      AND committed_at < to_timestamp(${cutoffMs / 1000})
      AND sequence < (SELECT max(sequence) FROM meta.snapshots)
      AND sequence < (SELECT max(s.sequence) FROM meta.snapshots s WHERE s.topic = meta.snapshots.topic AND s.layer = meta.snapshots.layer)
      AND CASE layer WHEN 'raw' THEN sequence < ${rawFloor} WHEN 'curated' THEN sequence < ${curatedFloor} ELSE true END`;
    const counts = await this.lake.query<{ layer: string; n: number }>(
      `SELECT layer, count(*)::INT AS n FROM meta.snapshots WHERE ${removable} GROUP BY layer`,
    );
    if (!dryRun && counts.length > 0) await this.lake.query(`DELETE FROM meta.snapshots WHERE ${removable}`);
    const out = { raw: 0, curated: 0, semantic: 0 };
    for (const row of counts) if (row.layer in out) out[row.layer as keyof typeof out] = Number(row.n);
    return out;
  }

  /**
   * Rewrites a table whose deleted rows reach `vacuumShare` of its stored rows: DuckDB's
   * CHECKPOINT drops fully deleted row groups and merges sparse neighbours, but a lone
   * row group keeps its deleted rows (and new rows append to it). The table is recreated
   * from its own DDL (`duckdb_tables().sql`) and refilled in one transaction; the old
   * storage goes at the following CHECKPOINT. Row ids change; nothing keeps them across
   * calls. Returns whether it rewrote.
   */
  private async vacuum(topic: string, layer: TableLayer): Promise<boolean> {
    const { schema, name } = tableOf(topic, layer);
    const qualified = `${q(schema)}.${q(name)}`;
    const [rows] = await this.lake.query<{ stored: number; live: number }>(
      `SELECT (SELECT COALESCE(sum(count), 0) FROM pragma_storage_info(${lit(`${schema}.${name}`)}) WHERE column_path = '[0]')::BIGINT AS stored,
              (SELECT count(*) FROM ${qualified})::BIGINT AS live`,
    );
    const stored = Number(rows?.stored ?? 0);
    const live = Number(rows?.live ?? 0);
    if (stored === 0 || (stored - live) / stored < this.vacuumShare) return false;
    const [ddl] = await this.lake.query<{ sql: string }>(
      `SELECT sql FROM duckdb_tables() WHERE schema_name = ${lit(schema)} AND table_name = ${lit(name)}`,
    );
    if (ddl === undefined) return false;
    const aside = `${q(schema)}.${q(`${name}__vacuum`)}`;
    try {
      await this.lake.query(
        `BEGIN TRANSACTION; ALTER TABLE ${qualified} RENAME TO ${q(`${name}__vacuum`)}; ${ddl.sql}; INSERT INTO ${qualified} SELECT * FROM ${aside}; DROP TABLE ${aside}; COMMIT`,
      );
    } catch (err) {
      await this.lake.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    return true;
  }

  /** `meta.committed_files` rows whose landed file is gone: removed (or, dry, counted). */
  private async trimCommittedFiles(topic: string, dryRun: boolean): Promise<number> {
    const rows = await this.lake.query<{ file: string }>(
      `SELECT file FROM meta.committed_files WHERE topic = ${lit(topic)}`,
    );
    const gone = rows.map((r) => r.file).filter((f) => !this.fileExists(f));
    if (!dryRun && gone.length > 0) {
      const list = `[${gone.map((f) => lit(f)).join(', ')}]`;
      await this.lake.query(
        `DELETE FROM meta.committed_files WHERE topic = ${lit(topic)} AND list_contains(${list}, file)`,
      );
    }
    return gone.length;
  }

  private async tableHealth(topic: string, layer: TableLayer): Promise<TableHealth> {
    const { schema, name, log } = tableOf(topic, layer);
    const table = `${schema}.${name}`;
    const exists = await this.lake.query<{ n: number }>(
      `SELECT count(*)::INT AS n FROM information_schema.tables WHERE table_schema = ${lit(schema)} AND table_name = ${lit(name)}`,
    );
    if (Number(exists[0]?.n ?? 0) === 0) return { topic, layer, table, figures: null };
    const qualified = `${q(schema)}.${q(name)}`;
    const [groups] = await this.lake.query<{ groups: number; small: number; blocks: number; deleted: number }>(
      `WITH stored AS (
         SELECT row_group_id, sum(count)::BIGINT AS rows
         FROM pragma_storage_info(${lit(`${schema}.${name}`)}) WHERE column_path = '[0]' GROUP BY row_group_id),
       live AS (SELECT (rowid // ${ROW_GROUP_ROWS})::BIGINT AS row_group_id, count(*)::BIGINT AS rows FROM ${qualified} GROUP BY 1)
       SELECT count(*)::INT AS groups,
              count(*) FILTER (WHERE stored.rows < ${this.smallRowGroupRows})::INT AS small,
              (SELECT count(DISTINCT block_id) FROM pragma_storage_info(${lit(`${schema}.${name}`)}) WHERE block_id >= 0)::INT AS blocks,
              count(*) FILTER (WHERE stored.rows > COALESCE(live.rows, 0))::INT AS deleted
       FROM stored LEFT JOIN live USING (row_group_id)`,
    );
    const [size] = await this.lake.query<{ block_size: number }>('SELECT block_size FROM pragma_database_size()');
    const [log_] = await this.lake.query<{ n: number; oldest_ms: number | null }>(
      `SELECT count(*)::INT AS n, epoch_ms(min(committed_at))::BIGINT AS oldest_ms FROM meta.snapshots WHERE topic = ${lit(topic)} AND layer = ${lit(log)}`,
    );
    const dataFiles = Number(groups?.groups ?? 0);
    const dataBytes = Number(groups?.blocks ?? 0) * Number(size?.block_size ?? 0);
    const oldest = log_?.oldest_ms === null || log_?.oldest_ms === undefined ? null : Number(log_.oldest_ms);
    const figures: TableHealthFigures = {
      data_files: dataFiles,
      small_files: Number(groups?.small ?? 0),
      avg_file_bytes: dataFiles === 0 ? 0 : Math.floor(dataBytes / dataFiles),
      data_bytes: dataBytes,
      delete_files: Number(groups?.deleted ?? 0),
      snapshots: Number(log_?.n ?? 0),
      oldest_snapshot_age_seconds: oldest === null ? 0 : Math.max(0, Math.floor((this.now() - oldest) / 1000)),
      manifests: 0,
      metadata_files: 0,
    };
    return { topic, layer, table, figures };
  }
}

function checkTopic(topic: string): void {
  if (typeof topic !== 'string' || !TOPIC_NAME_PATTERN.test(topic))
    throw new ConfigError('topic', [`"${topic}" is not a topic name (${TOPIC_NAME_PATTERN})`]);
}
