import { type Counter, counter, type Gauge, gauge, type Histogram, histogram, type Registry } from '@lean-ops/metrics';

/**
 * Every metric of the DLQ processor, defined once. Names start with `dlq_` so the
 * processor can share a registry with the ingest worker (`lean-ops dev`).
 */
export interface DlqMetrics {
  readonly received: Counter<'topic'>;
  readonly redriven: Counter<'topic'>;
  readonly quarantined: Counter<'topic' | 'reason'>;
  readonly retried: Counter<'topic'>;
  readonly deleteFailures: Counter<'topic'>;
  readonly oldestAge: Gauge<'topic'>;
  readonly queueMessages: Gauge<'topic' | 'state'>;
  readonly inFlight: Gauge;
  readonly pollDuration: Histogram<'topic'>;
}

/**
 * The DLQ metrics, each topic's counters present at 0 from the start: a counter series that
 * appears only with its first failure hides that failure from `rate()` and from the alert rules.
 */
export function createDlqMetrics(registry: Registry, topics: readonly string[] = []): DlqMetrics {
  const metrics = defineDlqMetrics(registry);
  for (const topic of topics) {
    for (const c of [metrics.received, metrics.redriven, metrics.retried, metrics.deleteFailures]) c.inc({ topic }, 0);
  }
  return metrics;
}

function defineDlqMetrics(registry: Registry): DlqMetrics {
  return {
    received: counter(registry, {
      name: 'dlq_messages_received_total',
      help: 'Messages received from a DLQ.',
      labelNames: ['topic'],
    }),
    redriven: counter(registry, {
      name: 'dlq_messages_redriven_total',
      help: 'DLQ messages sent back to their source queue.',
      labelNames: ['topic'],
    }),
    quarantined: counter(registry, {
      name: 'dlq_messages_quarantined_total',
      help: 'DLQ messages moved to quarantine, by reason (dlq:<reason> without its field).',
      labelNames: ['topic', 'reason'],
    }),
    retried: counter(registry, {
      name: 'dlq_messages_retried_total',
      help: 'DLQ messages left in the DLQ for another try after a failed redrive or quarantine write.',
      labelNames: ['topic'],
    }),
    deleteFailures: counter(registry, {
      name: 'dlq_delete_failures_total',
      help: 'DLQ deletes that failed after the redrive or quarantine write (the message may be handled twice).',
      labelNames: ['topic'],
    }),
    oldestAge: gauge(registry, {
      name: 'dlq_oldest_message_age_seconds',
      help: 'Age (now − SentTimestamp) of the oldest message seen in the DLQ and not yet moved out of it.',
      labelNames: ['topic'],
    }),
    queueMessages: gauge(registry, {
      name: 'dlq_queue_messages',
      help: 'Approximate messages per DLQ and state, from GetQueueAttributes.',
      labelNames: ['topic', 'state'],
    }),
    inFlight: gauge(registry, {
      name: 'dlq_in_flight_messages',
      help: 'DLQ messages received and not yet finished.',
    }),
    // Long polls last up to 20 s on an empty DLQ, which is the normal state.
    pollDuration: histogram(registry, {
      name: 'dlq_poll_duration_seconds',
      help: 'Duration of one ReceiveMessage long poll on a DLQ.',
      labelNames: ['topic'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 20],
    }),
  };
}
