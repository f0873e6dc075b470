import type { TopicCheckpoints } from './checkpoint-store.js';

/** The tables of a topic, named as the `layer` label of the `leanops_table_*` gauges. */
export const TABLE_LAYERS = ['raw', 'curated', 'curated_rejects', 'semantic', 'semantic_rejects'] as const;

export type TableLayer = (typeof TABLE_LAYERS)[number];

/**
 * The health figures of one table (the names the Spark job writes, jobs/glue/lean_ops_jobs/health.py).
 * Iceberg: from the metadata tables. DuckDB: a row group stands for a data file (see
 * packages/lake/src/duckdb-maintenance.ts for what each figure means there).
 */
export const TABLE_HEALTH_FIGURES = [
  'data_files',
  'small_files',
  'avg_file_bytes',
  'data_bytes',
  'delete_files',
  'snapshots',
  'oldest_snapshot_age_seconds',
  'manifests',
  'metadata_files',
] as const;

export type TableHealthFigure = (typeof TABLE_HEALTH_FIGURES)[number];

export type TableHealthFigures = Readonly<Record<TableHealthFigure, number>>;

/** One table's health; `figures` is null while the table does not exist yet. */
export interface TableHealth {
  readonly topic: string;
  readonly layer: TableLayer;
  /** The table's name in its engine, e.g. `curated.telemetry`. */
  readonly table: string;
  readonly figures: TableHealthFigures | null;
}

/**
 * `done`: every step ran; `dry_run`: nothing was written; `retry_later`: a concurrent writer
 * won a commit (try again at the next maintenance run, not an error); `skipped`: the table
 * does not exist yet; `failed`: an error, in `error`.
 */
export type TableMaintenanceStatus = 'done' | 'dry_run' | 'retry_later' | 'skipped' | 'failed';

export interface TableMaintenanceOutcome {
  readonly topic: string;
  readonly layer: TableLayer;
  readonly table: string;
  readonly status: TableMaintenanceStatus;
  /** What each step did (counts by step and figure, as the engine reports them). */
  readonly actions: Readonly<Record<string, Readonly<Record<string, number>> | number>>;
  readonly before: TableHealthFigures | null;
  readonly after: TableHealthFigures | null;
  readonly error?: string;
}

export interface MaintainOptions {
  /** Report what would be done; change nothing. @defaultValue false */
  readonly dryRun?: boolean;
  readonly signal?: AbortSignal;
}

/**
 * Maintenance and health of a topic's tables (docs/maintenance.md): compaction, snapshot
 * expiry that never removes a snapshot a checkpoint still needs (`checkpoints.curated` on
 * RAW, `checkpoints.semantic` on curated) or anything newer, orphan removal. Glue in AWS,
 * the DuckDB lake locally. The caller must not run it on a topic while a job writes the
 * topic's tables (the scheduler serialises them).
 */
export interface TableMaintenance {
  health(topic: string): Promise<readonly TableHealth[]>;
  maintain(
    topic: string,
    checkpoints: TopicCheckpoints,
    options?: MaintainOptions,
  ): Promise<readonly TableMaintenanceOutcome[]>;
}
