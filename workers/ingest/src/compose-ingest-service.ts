import type { LeanOpsConfig } from '@lean-ops/config';
import type {
  MessageAcknowledger,
  MessageSource,
  Quarantine,
  QueueDepthSampler,
  RecordSink,
  Service,
} from '@lean-ops/core';
import type { Logger } from '@lean-ops/logger';
import type { Registry } from '@lean-ops/metrics';
import type { CloseResult, TopicQueue } from '@lean-ops/queue-worker';
import { IngestWorker } from './ingest-worker.js';
import type { IngestOptions } from './options.js';
import type { BreakerState } from './sink-breaker.js';

/** The ports the ingest service runs on: AWS adapters in a deployment, local ones in `lean-ops dev`. */
export interface IngestAdapters {
  /** Long-polls the topic queues. */
  readonly source: MessageSource;
  /** Where RAW records go (Firehose, Kinesis, landing files). */
  readonly sink: RecordSink;
  /** Where DROPs go, with their reason. */
  readonly quarantine: Quarantine;
  /** Deletes from and hands back to the topic queues. */
  readonly acknowledger: MessageAcknowledger;
  /** Samples queue depths for the metrics; omitted where another pipeline of the process samples them. */
  readonly sampler?: QueueDepthSampler;
  readonly registry: Registry;
  readonly logger: Logger;
}

/** What the ingest service reports about itself. */
export interface IngestStatus {
  /** The sink's circuit breaker: `open` holds records back until a probe succeeds. */
  readonly breaker: BreakerState;
  /** Messages received and not yet acknowledged or handed back. */
  readonly inFlight: number;
  /** Records held back while the breaker is open. */
  readonly held: number;
}

/** The ingest service: topic queues → transform → sink, DROPs → quarantine. */
export interface IngestService extends Service<IngestStatus, CloseResult> {
  /** The validated options (the config's `ingest` section and the queues). */
  readonly options: IngestOptions;
  /** True while the breaker lets records through and shutdown has not begun; for `/readyz`. */
  isHealthy(): boolean;
}

/**
 * Composes the ingest service from the config's `ingest` section and topics, the queues
 * the deployment resolved, and the adapters. The one composition of ingest: the Fargate
 * entry point (and each of its worker threads) and `lean-ops dev` both use it. Throws
 * `ConfigError` naming a bad option. `close()` closes the worker; the adapters stay the
 * caller's to release.
 */
export function composeIngestService(
  config: Pick<LeanOpsConfig, 'topics' | 'ingest'>,
  queues: readonly TopicQueue[],
  adapters: IngestAdapters,
): IngestService {
  const topics = new Set(config.topics.map((t) => t.name));
  const worker = new IngestWorker(
    { ...config.ingest, queues: [...queues] },
    { ...adapters, isKnownTopic: (topic) => topics.has(topic) },
  );
  return {
    options: worker.options,
    start: async () => worker.start(),
    status: async () => ({
      breaker: worker.pipeline.breaker.state,
      inFlight: worker.pipeline.inFlightCount,
      held: worker.pipeline.heldCount,
    }),
    isHealthy: () => worker.isHealthy(),
    close: () => worker.close(),
  };
}
