import type { DashboardSpec } from './shared/dashboard.js';
import { BREAKER_STATES } from './shared/mappings.js';
import { processSection } from './shared/process.js';
import { metric, quantileBy, rateBy } from './shared/promql.js';

const T = { topic: true } as const;

/** The ingest worker: SQS in, sink out, drops, retries, the breaker and the queues. */
export const ingest: DashboardSpec = {
  uid: 'lean-ops-ingest',
  file: 'ingest',
  title: 'lean-ops / Ingest',
  description: 'The ingest worker: messages from SQS, records into the sink, drops, retries, breaker, queue depth.',
  sections: [
    {
      row: 'Messages',
      panels: [
        {
          kind: 'timeseries',
          title: 'Messages per second',
          description:
            'Received from SQS, acknowledged (deleted after the sink or quarantine took them) and retried, per topic.',
          unit: 'ops',
          queries: [
            { expr: rateBy('topic', 'ingest_messages_received_total', T), legend: '{{topic}} received' },
            { expr: rateBy('topic', 'ingest_messages_acknowledged_total', T), legend: '{{topic}} acknowledged' },
            { expr: rateBy('topic', 'ingest_messages_retried_total', T), legend: '{{topic}} retried' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Dropped by reason',
          description: 'Messages quarantined as DROP per second, by topic and reason code.',
          unit: 'ops',
          queries: [
            { expr: rateBy('topic, reason', 'ingest_messages_dropped_total', T), legend: '{{topic}} {{reason}}' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Delete failures',
          description:
            'Deletes that failed after the record was written: the message returns and RAW gets a duplicate.',
          unit: 'ops',
          queries: [{ expr: rateBy('topic', 'ingest_delete_failures_total', T), legend: '{{topic}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Message age at receipt',
          description: 'p50 and p95 of now − SentTimestamp when received: seconds when healthy, hours when backlogged.',
          unit: 's',
          queries: [
            { expr: quantileBy(0.5, 'topic', 'ingest_message_age_seconds', T), legend: '{{topic}} p50' },
            { expr: quantileBy(0.95, 'topic', 'ingest_message_age_seconds', T), legend: '{{topic}} p95' },
          ],
        },
      ],
    },
    {
      row: 'Sink',
      panels: [
        {
          kind: 'timeseries',
          title: 'Records written',
          description: 'RAW records the sink accepted per second, by sink and topic.',
          unit: 'ops',
          queries: [{ expr: rateBy('sink, topic', 'sink_records_written_total', T), legend: '{{sink}} {{topic}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Bytes written',
          description: 'Bytes of RAW records the sink accepted per second.',
          unit: 'Bps',
          queries: [{ expr: rateBy('sink, topic', 'sink_bytes_written_total', T), legend: '{{sink}} {{topic}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Sink call duration p95',
          description: 'p95 of one sink call, retries included, by outcome (ok, partial, error).',
          unit: 's',
          queries: [
            { expr: quantileBy(0.95, 'sink, outcome', 'sink_put_duration_seconds'), legend: '{{sink}} {{outcome}}' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Sink calls by outcome',
          description: 'Sink calls per second: ok, partial (some records rejected and retried), error.',
          unit: 'ops',
          queries: [
            { expr: rateBy('sink, outcome', 'sink_put_duration_seconds_count'), legend: '{{sink}} {{outcome}}' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Records per sink call',
          description: 'p50 and p95 of the records per sink call (the batch limit is 500).',
          unit: 'short',
          queries: [
            { expr: quantileBy(0.5, 'sink', 'sink_batch_records'), legend: '{{sink}} p50' },
            { expr: quantileBy(0.95, 'sink', 'sink_batch_records'), legend: '{{sink}} p95' },
          ],
        },
        {
          kind: 'stat',
          title: 'Breaker',
          description: 'Circuit breaker per sink, worst across ingest tasks: closed, half-open or open.',
          mappings: BREAKER_STATES,
          queries: [{ expr: `max by (sink) (${metric('sink_breaker_state')})`, legend: '{{sink}}' }],
        },
      ],
    },
    {
      row: 'Worker and queues',
      panels: [
        {
          kind: 'timeseries',
          title: 'In flight and held',
          description:
            'Messages received and not yet acknowledged, and records held while the breaker is open, per task.',
          unit: 'short',
          queries: [
            { expr: metric('ingest_in_flight_messages'), legend: '{{instance}} in flight' },
            { expr: metric('ingest_held_records'), legend: '{{instance}} held' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Buffered bytes',
          description: 'Bytes of RAW records waiting for the sink, per task.',
          unit: 'bytes',
          queries: [{ expr: metric('ingest_buffered_bytes'), legend: '{{instance}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Queue depth',
          description: 'Approximate messages per topic queue and state, from GetQueueAttributes.',
          unit: 'short',
          queries: [
            { expr: `max by (topic, state) (${metric('ingest_queue_messages', T)})`, legend: '{{topic}} {{state}}' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Long-poll duration p95',
          description: 'p95 of one ReceiveMessage long poll: short polls mean a busy queue.',
          unit: 's',
          queries: [{ expr: quantileBy(0.95, 'topic', 'ingest_poll_duration_seconds', T), legend: '{{topic}}' }],
        },
      ],
    },
    processSection('ingest'),
  ],
};
