import type { DashboardSpec } from './shared/dashboard.js';
import { processSection } from './shared/process.js';
import { metric, quantileBy, rateBy } from './shared/promql.js';

const T = { topic: true } as const;

/** The DLQ processor: what reaches the DLQs and whether it is redriven or quarantined. */
export const dlq: DashboardSpec = {
  uid: 'lean-ops-dlq',
  file: 'dlq',
  title: 'lean-ops / DLQ processor',
  description: 'The DLQ processor: messages received from the DLQs, redriven, quarantined, retried; DLQ depth and age.',
  sections: [
    {
      row: 'Messages',
      panels: [
        {
          kind: 'timeseries',
          title: 'DLQ messages per second',
          description: 'Received from a DLQ, redriven to the source queue, quarantined, and left for another try.',
          unit: 'ops',
          queries: [
            { expr: rateBy('topic', 'dlq_messages_received_total', T), legend: '{{topic}} received' },
            { expr: rateBy('topic', 'dlq_messages_redriven_total', T), legend: '{{topic}} redriven' },
            { expr: rateBy('topic', 'dlq_messages_quarantined_total', T), legend: '{{topic}} quarantined' },
            { expr: rateBy('topic', 'dlq_messages_retried_total', T), legend: '{{topic}} retried' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Quarantined by reason',
          description: 'DLQ messages moved to quarantine per second, by reason.',
          unit: 'ops',
          queries: [
            { expr: rateBy('topic, reason', 'dlq_messages_quarantined_total', T), legend: '{{topic}} {{reason}}' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Delete failures',
          description:
            'DLQ deletes that failed after the redrive or quarantine write (the message may be handled twice).',
          unit: 'ops',
          queries: [{ expr: rateBy('topic', 'dlq_delete_failures_total', T), legend: '{{topic}}' }],
        },
        {
          kind: 'timeseries',
          title: 'In flight',
          description: 'DLQ messages received and not yet finished, per task.',
          unit: 'short',
          queries: [{ expr: metric('dlq_in_flight_messages'), legend: '{{instance}}' }],
        },
      ],
    },
    {
      row: 'DLQs',
      panels: [
        {
          kind: 'timeseries',
          title: 'DLQ depth',
          description: 'Approximate messages per DLQ and state, from GetQueueAttributes.',
          unit: 'short',
          queries: [
            { expr: `max by (topic, state) (${metric('dlq_queue_messages', T)})`, legend: '{{topic}} {{state}}' },
          ],
        },
        {
          kind: 'timeseries',
          title: 'Oldest message age',
          description: 'Age of the oldest message seen in each DLQ and not yet moved out of it.',
          unit: 's',
          queries: [{ expr: `max by (topic) (${metric('dlq_oldest_message_age_seconds', T)})`, legend: '{{topic}}' }],
        },
        {
          kind: 'timeseries',
          title: 'Long-poll duration p95',
          description: 'p95 of one ReceiveMessage long poll on a DLQ (up to 20 s on an empty DLQ, the normal state).',
          unit: 's',
          width: 24,
          queries: [{ expr: quantileBy(0.95, 'topic', 'dlq_poll_duration_seconds', T), legend: '{{topic}}' }],
        },
      ],
    },
    processSection('dlq'),
  ],
};
