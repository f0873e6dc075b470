import { type Counter, counter, type Gauge, gauge, type Histogram, histogram, type Registry } from '@lean-ops/metrics';
import type { RunReport } from './run-state.js';
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
  observeStep(step: StepName, ms: number): void;
  observeRun(report: RunReport): void;
}

const JOB_SECONDS = [0.05, 0.25, 1, 5, 15, 60, 300, 900, 1800, 3600];

export function createSchedulerMetrics(registry: Registry): SchedulerMetrics {
  const m = {
    runs: counter(registry, {
      name: 'scheduler_runs_total',
      help: 'Pipeline runs finished, by topic and outcome (NoNewData, CurationOnlySuccess, NoNewCuratedData, FullPipelineSuccess, Failed).',
      labelNames: ['topic', 'outcome'] as const,
    }),
    runTriggers: counter(registry, {
      name: 'scheduler_run_requests_total',
      help: 'Runs requested, by topic and trigger (schedule, raw-advanced, manual, backlog); duplicates are merged.',
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
  };
}
