import { dlqTuningOf, type LeanOpsConfig } from '@lean-ops/config';
import type {
  MessageAcknowledger,
  MessageSender,
  MessageSource,
  Quarantine,
  QueueDepthSampler,
  Service,
} from '@lean-ops/core';
import type { Logger } from '@lean-ops/logger';
import type { Registry } from '@lean-ops/metrics';
import type { CloseResult } from '@lean-ops/queue-worker';
import type { DlqOptions, DlqQueue } from './dlq-options.js';
import { DlqWorker } from './dlq-worker.js';

/** The ports the DLQ processor runs on: AWS adapters in a deployment, local ones in `lean-ops dev`. */
export interface DlqAdapters {
  /** Long-polls the DLQs (with message attributes: a redrive carries them on). */
  readonly source: MessageSource;
  /** Sends redrives to the source queues. */
  readonly sender: MessageSender;
  /** Where DROPs and messages over the attempt cap go, with their reason. */
  readonly quarantine: Quarantine;
  /** Deletes from and hands back to the DLQs. */
  readonly acknowledger: MessageAcknowledger;
  /** Samples DLQ depths for the metrics; omitted when nobody scrapes. */
  readonly sampler?: QueueDepthSampler;
  readonly registry: Registry;
  readonly logger: Logger;
}

/** What the DLQ processor reports about itself. */
export interface DlqStatus {
  /** DLQ messages received and not yet redriven, quarantined or handed back. */
  readonly inFlight: number;
  /** Per topic: age of the oldest DLQ message seen and not yet moved (0 when none). */
  readonly oldestAgeSeconds: Readonly<Record<string, number>>;
}

/** The DLQ processor: every topic's DLQ, redriven with backoff or quarantined with its reason. */
export interface DlqService extends Service<DlqStatus, CloseResult> {
  /** The validated options (the config's `dlq` section and the queues). */
  readonly options: DlqOptions;
  /** True until shutdown begins; for `/readyz`. */
  isHealthy(): boolean;
}

/**
 * Composes the DLQ processor from the config's `dlq` section and topics, every topic's
 * source queue and DLQ, and the adapters. The one composition of the DLQ processor: the
 * Fargate entry point and `lean-ops dev` both use it. Throws `ConfigError` naming a bad
 * option. `close()` closes the worker; the adapters stay the caller's to release.
 */
export function composeDlqService(
  config: Pick<LeanOpsConfig, 'topics' | 'dlq'>,
  queues: readonly DlqQueue[],
  adapters: DlqAdapters,
): DlqService {
  const topics = new Set(config.topics.map((t) => t.name));
  const worker = new DlqWorker(
    { ...dlqTuningOf(config.dlq), queues: [...queues] },
    { ...adapters, isKnownTopic: (topic) => topics.has(topic) },
  );
  return {
    options: worker.options,
    start: async () => worker.start(),
    status: async () => ({
      inFlight: worker.processor.inFlightCount,
      oldestAgeSeconds: Object.fromEntries(
        worker.options.queues.map((q) => [q.topic, worker.processor.oldestAgeSeconds(q.topic)]),
      ),
    }),
    isHealthy: () => worker.isHealthy(),
    close: () => worker.close(),
  };
}
