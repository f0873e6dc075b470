import type { TableHealthFigure } from '../ports/table-maintenance.js';

/**
 * The CloudWatch metrics the scheduler (dimension `Topic`) and the ingest service (dimension
 * `Service`) publish, and the alarms and scaling policy in stacks/ watch: one definition for
 * both sides.
 */
export const DEFAULT_METRIC_NAMESPACE = 'LeanOps';

/** The dimension every pipeline metric carries. */
export const TOPIC_DIMENSION = 'Topic';

export const PIPELINE_METRICS = {
  /** A run found no semantic schema for its topic (1 per run). */
  missingSchema: 'MissingSchema',
  /** New undeclared columns found by the semantic job (their number). */
  driftDetected: 'DriftDetected',
  /** RAW records not yet curated (gauge). */
  curationPendingRecords: 'CurationPendingRecords',
  /** Age of the newest curated data the semantic layer has not read (gauge, seconds). */
  semanticLagSeconds: 'SemanticLagSeconds',
} as const;

/**
 * The auto-refresh gauges of a topic's Snowflake semantic table (dimension `Topic`), sampled
 * by the scheduler from `SYSTEM$AUTO_REFRESH_STATUS` when a Snowflake connection is configured.
 */
export const SNOWFLAKE_METRICS = {
  /** Snapshots queued for Snowflake's auto-refresh (gauge, Count). */
  autoRefreshPendingSnapshots: 'SnowflakeAutoRefreshPendingSnapshots',
  /** 1 while the auto-refresh is RUNNING, 0 when stalled, stopped or unreadable (gauge, Count). */
  autoRefreshRunning: 'SnowflakeAutoRefreshRunning',
} as const;

/** The dimension of the ingest service's metrics; its value is {@link INGEST_SERVICE}. */
export const SERVICE_DIMENSION = 'Service';

/** The `Service` dimension value of the ingest service's metrics. */
export const INGEST_SERVICE = 'ingest';

export const INGEST_METRICS = {
  /**
   * Visible messages of every topic queue, summed (gauge, Count). Every sampling ingest task
   * publishes the same number, so its Average over a minute is the backlog; the scaling policy
   * divides it by ECS's RunningTaskCount: two metrics, whatever the number of topics.
   */
  backlog: 'IngestBacklog',
} as const;

/** The dimension that, with `Topic`, names a table in the table health metrics (a `TableLayer`). */
export const LAYER_DIMENSION = 'Layer';

/**
 * The table health metrics (gauges, dimensions `Topic` and `Layer`), one per figure of
 * `TableHealth`; the Prometheus gauges are `leanops_table_<figure>` (packages/metrics).
 */
export const TABLE_HEALTH_METRICS = {
  data_files: 'TableDataFiles',
  small_files: 'TableSmallFiles',
  avg_file_bytes: 'TableAverageFileBytes',
  data_bytes: 'TableDataBytes',
  delete_files: 'TableDeleteFiles',
  snapshots: 'TableSnapshots',
  oldest_snapshot_age_seconds: 'TableOldestSnapshotAgeSeconds',
  manifests: 'TableManifests',
  metadata_files: 'TableMetadataFiles',
} as const satisfies Record<TableHealthFigure, string>;
