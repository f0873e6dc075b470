import type { TableHealth } from '@lean-ops/core';
import {
  type Counter,
  counter,
  createTableHealthGauges,
  type Gauge,
  gauge,
  type Histogram,
  histogram,
  type Registry,
  recordTableHealth,
  type TableHealthGauges,
} from '@lean-ops/metrics';
import type { MaintenanceResult, RunReport } from './run-state.js';
import type { StepName } from './steps.js';

/** The scheduler's Prometheus metrics (docs/scheduler.md lists them). */
export interface SchedulerMetrics {
  readonly runs: Counter<'topic' | 'outcome'>;
  readonly runTriggers: Counter<'topic' | 'trigger'>;
  readonly stepDuration: Histogram<'step'>;
  readonly runDuration: Histogram<'topic'>;
  readonly recordsWritten: Counter<'topic' | 'layer'>;
  readonly recordsRejected: Counter<'topic' | 'layer'>;
  readonly curationPending: Gauge<'topic'>;
  readonly semanticLag: Gauge<'topic'>;
  readonly lastSuccess: Gauge<'topic'>;
  readonly driftEntries: Counter<'topic'>;
  readonly missingSchema: Counter<'topic'>;
  readonly activeRuns: Gauge;
  /** 1 while a reprocess run of the topic is being processed (docs/reprocess.md). */
  readonly reprocessActive: Gauge<'topic'>;
  readonly jobBatchTopics: Histogram<'job'>;
  readonly tableMaintenance: Counter<'topic' | 'layer' | 'status'>;
  /** The `leanops_table_*` gauges, set from each maintenance's `after` figures. */
  readonly tableHealth: TableHealthGauges;
  /** Forced Snowflake refreshes after a schema change, by topic and outcome (refreshed, failed). */
  readonly snowflakeRefresh: Counter<'topic' | 'outcome'>;
  /** Snapshots queued for Snowflake's auto-refresh of the topic's semantic table (SYSTEM$AUTO_REFRESH_STATUS). */
  readonly snowflakeAutoRefreshPending: Gauge<'topic'>;
  /** 1 while the auto-refresh's executionState is RUNNING; 0 when not, or when the status could not be read. */
  readonly snowflakeAutoRefreshRunning: Gauge<'topic'>;
  observeStep(step: StepName, ms: number): void;
  observeRun(report: RunReport): void;
  /** One engine run of lake jobs (one Glue job run in AWS) started for `topics` topics. */
  observeJobBatch(job: 'curation' | 'semantic', topics: number): void;
  /** Counts each table's maintenance by status (`layer` "all" for an engine error) and sets its health gauges. */
  observeMaintenance(topic: string, result: MaintenanceResult): void;
}

const JOB_SECONDS = [0.05, 0.25, 1, 5, 15, 60, 300, 900, 1800, 3600];

export function createSchedulerMetrics(registry: Registry): SchedulerMetrics {
  const m = {
    runs: counter(registry, {
      name: 'scheduler_runs_total',
      help: 'Runs finished, by topic and outcome (NoNewData, CurationOnlySuccess, NoNewCuratedData, FullPipelineSuccess, Reprocessed, ReprocessPlanned, Failed).',
      labelNames: ['topic', 'outcome'] as const,
    }),
    runTriggers: counter(registry, {
      name: 'scheduler_run_requests_total',
      help: 'Runs requested, by topic and trigger (schedule, raw-advanced, manual, backlog, maintenance, reprocess); duplicates are merged.',
      labelNames: ['topic', 'trigger'] as const,
    }),
    stepDuration: histogram(registry, {
      name: 'scheduler_step_duration_seconds',
      help: 'Duration of each completed run step.',
      labelNames: ['step'] as const,
      buckets: JOB_SECONDS,
    }),
    runDuration: histogram(registry, {
      name: 'scheduler_run_duration_seconds',
      help: 'Duration of finished runs, start of the first attempt to the end.',
      labelNames: ['topic'] as const,
      buckets: JOB_SECONDS,
    }),
    recordsWritten: counter(registry, {
      name: 'scheduler_records_written_total',
      help: 'Records written by the jobs, by topic and layer (curated, semantic).',
      labelNames: ['topic', 'layer'] as const,
    }),
    recordsRejected: counter(registry, {
      name: 'scheduler_records_rejected_total',
      help: 'Records the semantic job rejected (governance), by topic and layer.',
      labelNames: ['topic', 'layer'] as const,
    }),
    curationPending: gauge(registry, {
      name: 'scheduler_curation_pending_records',
      help: 'RAW records committed after the curated checkpoint.',
      labelNames: ['topic'] as const,
    }),
    semanticLag: gauge(registry, {
      name: 'scheduler_semantic_lag_seconds',
      help: 'Seconds since the semantic layer was last caught up with curated data (0 when caught up).',
      labelNames: ['topic'] as const,
    }),
    lastSuccess: gauge(registry, {
      name: 'scheduler_last_success_timestamp_seconds',
      help: 'Unix time of the last run of the topic that did not fail.',
      labelNames: ['topic'] as const,
    }),
    driftEntries: counter(registry, {
      name: 'scheduler_drift_entries_total',
      help: 'New drift log entries (undeclared curated columns), by topic.',
      labelNames: ['topic'] as const,
    }),
    missingSchema: counter(registry, {
      name: 'scheduler_missing_schema_total',
      help: 'Runs that found no semantic schema for their topic (NotifyMissingSchema).',
      labelNames: ['topic'] as const,
    }),
    activeRuns: gauge(registry, { name: 'scheduler_active_runs', help: 'Runs being processed by this scheduler.' }),
    reprocessActive: gauge(registry, {
      name: 'scheduler_reprocess_active',
      help: '1 while a reprocess run of the topic is being processed (its pipeline runs wait); 0 otherwise.',
      labelNames: ['topic'] as const,
    }),
    jobBatchTopics: histogram(registry, {
      name: 'scheduler_job_batch_topics',
      help: 'Topics per lake-job run (one Glue job run each in AWS), by job (curation, semantic); the count is the number of runs.',
      labelNames: ['job'] as const,
      buckets: [1, 2, 5, 10, 20, 50, 100],
    }),
    tableMaintenance: counter(registry, {
      name: 'scheduler_table_maintenance_total',
      help: 'Table maintenances, by topic, layer and status (done, dry_run, retry_later: a concurrent writer won, retried at the next maintenance; skipped: no table yet; failed; layer "all": the engine failed).',
      labelNames: ['topic', 'layer', 'status'] as const,
    }),
    tableHealth: createTableHealthGauges(registry),
    snowflakeRefresh: counter(registry, {
      name: 'scheduler_snowflake_refresh_total',
      help: 'Forced ALTER ICEBERG TABLE … REFRESH after a semantic schema change, by topic and outcome (refreshed, failed: retried after the next run).',
      labelNames: ['topic', 'outcome'] as const,
    }),
    snowflakeAutoRefreshPending: gauge(registry, {
      name: 'scheduler_snowflake_auto_refresh_pending_snapshots',
      help: "Snapshots queued for Snowflake's auto-refresh of the topic's semantic table (SYSTEM$AUTO_REFRESH_STATUS pendingSnapshotCount).",
      labelNames: ['topic'] as const,
    }),
    snowflakeAutoRefreshRunning: gauge(registry, {
      name: 'scheduler_snowflake_auto_refresh_running',
      help: "1 while Snowflake's auto-refresh of the topic's semantic table is RUNNING; 0 when STALLED, STOPPED or the status could not be read.",
      labelNames: ['topic'] as const,
    }),
  };
  return {
    ...m,
    observeStep(step, ms) {
      m.stepDuration.observe({ step }, ms / 1000);
    },
    observeRun(report) {
      const { topic } = report;
      m.runs.inc({ topic, outcome: report.outcome });
      m.runDuration.observe({ topic }, (Date.parse(report.finished_at) - Date.parse(report.started_at)) / 1000);
      if (report.curation_records_written !== undefined)
        m.recordsWritten.inc({ topic, layer: 'curated' }, report.curation_records_written);
      if (report.semantic_records_written !== undefined)
        m.recordsWritten.inc({ topic, layer: 'semantic' }, report.semantic_records_written);
      if (report.semantic_records_rejected !== undefined)
        m.recordsRejected.inc({ topic, layer: 'semantic' }, report.semantic_records_rejected);
      if (report.new_drift?.length) m.driftEntries.inc({ topic }, report.new_drift.length);
      if (report.outcome === 'CurationOnlySuccess') m.missingSchema.inc({ topic });
      if (report.outcome !== 'Failed') m.lastSuccess.set({ topic }, Date.parse(report.finished_at) / 1000);
    },
    observeJobBatch(job, topics) {
      m.jobBatchTopics.observe({ job }, topics);
    },
    observeMaintenance(topic, result) {
      if (result.error !== undefined) m.tableMaintenance.inc({ topic, layer: 'all', status: 'failed' });
      for (const t of result.tables) m.tableMaintenance.inc({ topic, layer: t.layer, status: t.status });
      recordTableHealth(m.tableHealth, tableHealthOf(topic, result));
    },
  };
}

/**
 * The readings of a maintenance result (`after` figures), as the health gauges and notices
 * take them: a table not yet created reads null; a failed table without a reading is left out.
 */
export function tableHealthOf(topic: string, result: MaintenanceResult): TableHealth[] {
  return result.tables
    .filter((t) => t.after !== null || t.status === 'skipped')
    .map(({ layer, table, after }) => ({ topic, layer, table, figures: after }));
}
