import { type Counter, counter, type Gauge, gauge, type Histogram, histogram, type Registry } from '@lean-ops/metrics';

/** Every metric of the ingest worker, defined once. */
export interface IngestMetrics {
  readonly received: Counter<'topic'>;
  readonly acknowledged: Counter<'topic'>;
  readonly dropped: Counter<'topic' | 'reason'>;
  readonly retried: Counter<'topic'>;
  readonly ackFailures: Counter<'topic'>;
  readonly recordsWritten: Counter<'sink' | 'topic'>;
  readonly bytesWritten: Counter<'sink' | 'topic'>;
  readonly batchRecords: Histogram<'sink'>;
  readonly putDuration: Histogram<'sink' | 'outcome'>;
  readonly breakerState: Gauge<'sink'>;
  readonly inFlight: Gauge;
  readonly bufferedBytes: Gauge;
  readonly heldRecords: Gauge;
  readonly pollDuration: Histogram<'topic'>;
  readonly messageAge: Histogram<'topic'>;
  readonly queueMessages: Gauge<'queue' | 'kind' | 'state'>;
}

/**
 * The ingest metrics, each topic's counters present at 0 from the start: a counter series that
 * appears only with its first failure hides that failure from `rate()` and from the alert rules.
 */
export function createIngestMetrics(registry: Registry, topics: readonly string[] = []): IngestMetrics {
  const metrics = defineIngestMetrics(registry);
  for (const topic of topics) {
    for (const c of [metrics.received, metrics.acknowledged, metrics.retried, metrics.ackFailures]) c.inc({ topic }, 0);
  }
  return metrics;
}

function defineIngestMetrics(registry: Registry): IngestMetrics {
  return {
    received: counter(registry, {
      name: 'ingest_messages_received_total',
      help: 'Messages received from SQS.',
      labelNames: ['topic'],
    }),
    acknowledged: counter(registry, {
      name: 'ingest_messages_acknowledged_total',
      help: 'Messages deleted after the sink or quarantine accepted them.',
      labelNames: ['topic'],
    }),
    dropped: counter(registry, {
      name: 'ingest_messages_dropped_total',
      help: 'Messages quarantined as DROP, by reason code (without its field).',
      labelNames: ['topic', 'reason'],
    }),
    retried: counter(registry, {
      name: 'ingest_messages_retried_total',
      help: 'Messages left in the queue for a later attempt (RETRY).',
      labelNames: ['topic'],
    }),
    ackFailures: counter(registry, {
      name: 'ingest_delete_failures_total',
      help: 'Deletes that failed after the record was written (the message returns; RAW gets a duplicate).',
      labelNames: ['topic'],
    }),
    recordsWritten: counter(registry, {
      name: 'sink_records_written_total',
      help: 'RAW records the sink accepted.',
      labelNames: ['sink', 'topic'],
    }),
    bytesWritten: counter(registry, {
      name: 'sink_bytes_written_total',
      help: 'Bytes of RAW records the sink accepted.',
      labelNames: ['sink', 'topic'],
    }),
    // Powers of two up to the 500-record Firehose/Kinesis batch limit.
    batchRecords: histogram(registry, {
      name: 'sink_batch_records',
      help: 'Records per sink call.',
      labelNames: ['sink'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 500],
    }),
    // Firehose answers in 10–100 ms; seconds mean retries or throttling.
    putDuration: histogram(registry, {
      name: 'sink_put_duration_seconds',
      help: 'Duration of one sink call, retries included.',
      labelNames: ['sink', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    }),
    breakerState: gauge(registry, {
      name: 'sink_breaker_state',
      help: 'Circuit breaker per sink: 0 closed, 1 half-open, 2 open.',
      labelNames: ['sink'],
    }),
    inFlight: gauge(registry, {
      name: 'ingest_in_flight_messages',
      help: 'Messages received and not yet acknowledged.',
    }),
    bufferedBytes: gauge(registry, {
      name: 'ingest_buffered_bytes',
      help: 'Bytes of RAW records waiting for the sink.',
    }),
    heldRecords: gauge(registry, {
      name: 'ingest_held_records',
      help: 'Records kept in the worker while the breaker is open (visibility renewed, no receive burnt).',
    }),
    // Long polls last up to 20 s; short ones mean a busy queue.
    pollDuration: histogram(registry, {
      name: 'ingest_poll_duration_seconds',
      help: 'Duration of one ReceiveMessage long poll.',
      labelNames: ['topic'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 20],
    }),
    // From SentTimestamp to receipt: seconds when healthy, hours when backlogged.
    messageAge: histogram(registry, {
      name: 'ingest_message_age_seconds',
      help: 'Age of a message when received (now − SentTimestamp).',
      labelNames: ['topic'],
      buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 21_600, 86_400],
    }),
    queueMessages: gauge(registry, {
      name: 'ingest_queue_messages',
      help: 'Approximate messages per topic queue and state, from GetQueueAttributes (DLQs: dlq_queue_messages).',
      labelNames: ['topic', 'state'],
    }),
  };
}
