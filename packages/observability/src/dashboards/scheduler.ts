import type { DashboardSpec } from './shared/dashboard.js';
import { processSection } from './shared/process.js';
import { metric, quantileBy, rateBy } from './shared/promql.js';

const T = { topic: true } as const;

/** The scheduler: runs, their steps, the records the jobs wrote, drift and maintenance. */
export const scheduler: DashboardSpec = {
  uid: 'lean-ops-scheduler',
  file: 'scheduler',
  title: 'lean-ops / Scheduler runs and steps',
  description: 'Pipeline runs per topic: triggers, outcomes, durations, steps, records written, drift, maintenance.',
  sections: [
    {
      row: 'Runs',
      panels: [
        {
          kind: 'timeseries',
          title: 'Runs by outcome',
          description:
            'Runs finished per second by topic and outcome (NoNewData, CurationOnlySuccess, NoNewCuratedData, FullPipelineSuccess, Failed).',
          unit: 'ops',
          queries: [{ expr: rateBy('topic, outcome', 'scheduler_runs_total', T), legend: '{{topic}} {{outcome}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Failed runs',
          description: 'Runs that ended Failed over the rate interval, per topic.',
          unit: 'short',
          queries: [
            {
              expr: `sum by (topic) (increase(${metric('scheduler_runs_total', { topic: true, match: ['outcome="Failed"'] })}[$__rate_interval]))`,
              legend: '{{topic}}',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Run requests by trigger',
          description:
            'Runs requested per second by trigger (schedule, raw-advanced, manual, backlog, maintenance); duplicates are merged.',
          unit: 'ops',
          queries: [
            { expr: rateBy('topic, trigger', 'scheduler_run_requests_total', T), legend: '{{topic}} {{trigger}}' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Run duration',
          description: 'p50 and p95 of a finished run, start of the first attempt to the end.',
          unit: 's',
          queries: [
            { expr: quantileBy(0.5, 'topic', 'scheduler_run_duration_seconds', T), legend: '{{topic}} p50' },
            { expr: quantileBy(0.95, 'topic', 'scheduler_run_duration_seconds', T), legend: '{{topic}} p95' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Active runs',
          description: 'Runs being processed, per scheduler task.',
          unit: 'short',
          queries: [{ expr: metric('scheduler_active_runs'), legend: '{{instance}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Time since the last successful run',
          description: 'Seconds since the last run of the topic that did not fail.',
          unit: 's',
          queries: [
            {
              expr: `time() - max by (topic) (${metric('scheduler_last_success_timestamp_seconds', T)})`,
              legend: '{{topic}}',
            },
          ],
        },
      ],
    },
    {
      row: 'Steps and lake jobs',
      panels: [
        {
          kind: 'timeseries',
          title: 'Step duration p95',
          description: 'p95 of each completed run step.',
          unit: 's',
          queries: [{ expr: quantileBy(0.95, 'step', 'scheduler_step_duration_seconds'), legend: '{{step}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Steps per second',
          description: 'Completed steps per second, by step.',
          unit: 'ops',
          queries: [{ expr: rateBy('step', 'scheduler_step_duration_seconds_count'), legend: '{{step}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Lake-job runs',
          description: 'Lake-job runs per second by job (curation, semantic): one Glue job run each in AWS.',
          unit: 'ops',
          queries: [{ expr: rateBy('job', 'scheduler_job_batch_topics_count'), legend: '{{job}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Topics per lake-job run',
          description: 'Average topics batched into one lake-job run, by job.',
          unit: 'short',
          queries: [
            {
              expr: `${rateBy('job', 'scheduler_job_batch_topics_sum')} / ${rateBy('job', 'scheduler_job_batch_topics_count')}`,
              legend: '{{job}}',
            },
          ],
        },
      ],
    },
    {
      row: 'Records, backlog and drift',
      panels: [
        {
          kind: 'timeseries',
          title: 'Records written by layer',
          description: 'Records the jobs wrote per second, by topic and layer (curated, semantic).',
          unit: 'ops',
          queries: [
            { expr: rateBy('topic, layer', 'scheduler_records_written_total', T), legend: '{{topic}} {{layer}}' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Records rejected',
          description: 'Records the semantic job rejected (governance) per second.',
          unit: 'ops',
          queries: [
            { expr: rateBy('topic, layer', 'scheduler_records_rejected_total', T), legend: '{{topic}} {{layer}}' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Curation pending',
          description: 'RAW records committed after the curated checkpoint.',
          unit: 'short',
          queries: [
            { expr: `max by (topic) (${metric('scheduler_curation_pending_records', T)})`, legend: '{{topic}}' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Semantic lag',
          description: 'Seconds since the semantic layer was last caught up with curated data (0 when caught up).',
          unit: 's',
          queries: [{ expr: `max by (topic) (${metric('scheduler_semantic_lag_seconds', T)})`, legend: '{{topic}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Drift and missing schema',
          description: 'New drift log entries and runs without a semantic schema, over the rate interval.',
          unit: 'short',
          queries: [
            {
              expr: `sum by (topic) (increase(${metric('scheduler_drift_entries_total', T)}[$__rate_interval]))`,
              legend: '{{topic}} drift',
            },
            {
              expr: `sum by (topic) (increase(${metric('scheduler_missing_schema_total', T)}[$__rate_interval]))`,
              legend: '{{topic}} missing schema',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Table maintenance by status',
          description:
            'Table maintenances by topic, layer and status (done, dry_run, retry_later, skipped, failed; layer "all": the engine failed).',
          unit: 'short',
          queries: [
            {
              expr: `sum by (topic, layer, status) (increase(${metric('scheduler_table_maintenance_total', T)}[$__rate_interval]))`,
              legend: '{{topic}} {{layer}} {{status}}',
            },
          ],
        },
      ],
    },
    processSection('scheduler'),
  ],
};
