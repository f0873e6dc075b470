import type { DashboardSpec } from './shared/dashboard.js';
import { BREAKER_STATES } from './shared/mappings.js';
import { metric, rateBy } from './shared/promql.js';

const T = { topic: true } as const;

/** Per topic: the flow through the layers, freshness, backlog, DLQ and the recent run outcomes. */
export const overview: DashboardSpec = {
  uid: 'lean-ops-overview',
  file: 'overview',
  title: 'lean-ops / Overview',
  description: 'Per topic: received → RAW → curated → semantic, freshness, backlog, DLQ and run outcomes.',
  sections: [
    {
      row: 'Flow: received → RAW → curated → semantic',
      panels: [
        {
          kind: 'timeseries',
          title: 'Records per second through the layers',
          description:
            'Messages received from SQS, RAW records the sink accepted, and records the curation and semantic jobs wrote, per topic.',
          unit: 'ops',
          width: 24,
          queries: [
            { expr: rateBy('topic', 'ingest_messages_received_total', T), legend: '{{topic}} received' },
            { expr: rateBy('topic', 'sink_records_written_total', T), legend: '{{topic}} RAW' },
            {
              expr: rateBy('topic', 'scheduler_records_written_total', { topic: true, match: ['layer="curated"'] }),
              legend: '{{topic}} curated',
            },
            {
              expr: rateBy('topic', 'scheduler_records_written_total', { topic: true, match: ['layer="semantic"'] }),
              legend: '{{topic}} semantic',
            },
          ],
        },
        {
          kind: 'table',
          title: 'Totals over the time range',
          description:
            'Per topic over the dashboard range: received, RAW, curated, semantic, dropped (quarantined by ingest) and rejected (semantic governance).',
          width: 24,
          queries: [
            {
              expr: `sum by (topic) (increase(${metric('ingest_messages_received_total', T)}[$__range]))`,
              legend: 'received',
            },
            { expr: `sum by (topic) (increase(${metric('sink_records_written_total', T)}[$__range]))`, legend: 'RAW' },
            {
              expr: `sum by (topic) (increase(${metric('scheduler_records_written_total', { topic: true, match: ['layer="curated"'] })}[$__range]))`,
              legend: 'curated',
            },
            {
              expr: `sum by (topic) (increase(${metric('scheduler_records_written_total', { topic: true, match: ['layer="semantic"'] })}[$__range]))`,
              legend: 'semantic',
            },
            {
              expr: `sum by (topic) (increase(${metric('ingest_messages_dropped_total', T)}[$__range]))`,
              legend: 'dropped',
            },
            {
              expr: `sum by (topic) (increase(${metric('scheduler_records_rejected_total', T)}[$__range]))`,
              legend: 'rejected',
            },
          ],
        },
      ],
    },
    {
      row: 'Freshness and backlog',
      panels: [
        {
          kind: 'timeseries',
          title: 'Time since the last successful run',
          description: 'Seconds since the last run of the topic that did not fail (any outcome but Failed).',
          unit: 's',
          queries: [
            {
              expr: `time() - max by (topic) (${metric('scheduler_last_success_timestamp_seconds', T)})`,
              legend: '{{topic}}',
            },
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
          title: 'Curation pending',
          description: 'RAW records committed after the curated checkpoint: what the next curation will read.',
          unit: 'short',
          queries: [
            { expr: `max by (topic) (${metric('scheduler_curation_pending_records', T)})`, legend: '{{topic}}' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Queue backlog',
          description:
            'Approximate messages in each topic queue by state (visible: waiting; in_flight: being processed).',
          unit: 'short',
          queries: [
            {
              expr: `max by (topic, state) (${metric('ingest_queue_messages', T)})`,
              legend: '{{topic}} {{state}}',
            },
          ],
        },
      ],
    },
    {
      row: 'DLQ and run outcomes',
      panels: [
        {
          kind: 'timeseries',
          title: 'DLQ messages',
          description: 'Approximate messages in each topic DLQ by state.',
          unit: 'short',
          queries: [
            { expr: `max by (topic, state) (${metric('dlq_queue_messages', T)})`, legend: '{{topic}} {{state}}' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'DLQ oldest message age',
          description: 'Age of the oldest message seen in each DLQ and not yet moved out of it.',
          unit: 's',
          queries: [{ expr: `max by (topic) (${metric('dlq_oldest_message_age_seconds', T)})`, legend: '{{topic}}' }],
        },
        {
          kind: 'table',
          title: 'Run outcomes, last 15 minutes',
          description:
            'Runs finished per topic and outcome in the last 15 minutes (NoNewData, CurationOnlySuccess, NoNewCuratedData, FullPipelineSuccess, Failed): the latest outcomes, as the metrics count runs rather than keep the last one.',
          queries: [
            {
              expr: `sum by (topic, outcome) (increase(${metric('scheduler_runs_total', T)}[15m])) > 0`,
              legend: 'runs',
            },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Runs by outcome',
          description: 'Runs finished per second, per topic and outcome.',
          unit: 'ops',
          queries: [{ expr: rateBy('topic, outcome', 'scheduler_runs_total', T), legend: '{{topic}} {{outcome}}' }],
        },
      ],
    },
    {
      row: 'Services',
      panels: [
        {
          kind: 'stat',
          title: 'Scrape targets up',
          description:
            'Targets Prometheus scraped successfully, per job (lean-ops-ingest, lean-ops-dlq, lean-ops-scheduler).',
          width: 8,
          queries: [{ expr: 'sum by (job) (up{stage=~"$stage",job=~"lean-ops-.*"})', legend: '{{job}}' }],
        },
        {
          kind: 'table',
          title: 'Running builds',
          description: 'Processes per service and version (leanops_build_info).',
          width: 8,
          queries: [{ expr: `count by (service, version) (${metric('build_info')})`, legend: 'processes' }],
        },
        {
          kind: 'stat',
          title: 'Sink breaker',
          description: 'Circuit breaker per sink, worst across ingest tasks: closed, half-open or open.',
          width: 8,
          mappings: BREAKER_STATES,
          queries: [{ expr: `max by (sink) (${metric('sink_breaker_state')})`, legend: '{{sink}}' }],
        },
      ],
    },
  ],
};
