import type { SQSClient } from '@aws-sdk/client-sqs';
import { finishesWithin, type MessageAcknowledger, type Quarantine, type RecordSink } from '@lean-ops/core';
import type { Logger } from '@lean-ops/logger';
import type { Registry } from '@lean-ops/metrics';
import { createIngestMetrics, type IngestMetrics } from './ingest-metrics.js';
import { IngestPipeline } from './ingest-pipeline.js';
import { type IngestOptions, type IngestOptionsInput, parseIngestOptions } from './options.js';
import { PollerPool } from './poller-pool.js';

/** Depth of one queue, as `GetQueueAttributes` reports it. */
export interface QueueDepth {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
}

export interface IngestWorkerDeps {
  readonly sqs: SQSClient;
  readonly sink: RecordSink;
  readonly quarantine: Quarantine;
  readonly acknowledger: MessageAcknowledger;
  readonly isKnownTopic: (topic: string) => boolean;
  readonly registry: Registry;
  readonly logger: Logger;
  /** Samples queue depths for the metrics; omitted locally when nobody scrapes. */
  readonly sampleQueues?: (urls: readonly string[]) => Promise<ReadonlyMap<string, QueueDepth>>;
}

export interface CloseResult {
  /** True when everything was flushed and acknowledged within the budget. */
  readonly drained: boolean;
  /** Messages handed back to their queue unfinished (they are redelivered, not lost). */
  readonly released: number;
}

/**
 * The long-running ingest worker (one Fargate service, or a part of `lean-ops dev`):
 * polls every topic queue, writes RAW records through the sink,
 * quarantines DROPs, retries the rest, and shuts down within its budget.
 */
export class IngestWorker {
  readonly options: IngestOptions;
  readonly metrics: IngestMetrics;
  readonly pipeline: IngestPipeline;
  private readonly pollers: PollerPool;
  private readonly timers: NodeJS.Timeout[] = [];
  private closing: Promise<CloseResult> | undefined;
  private started = false;

  constructor(
    options: IngestOptionsInput,
    private readonly deps: IngestWorkerDeps,
  ) {
    this.options = parseIngestOptions(options);
    this.metrics = createIngestMetrics(deps.registry);
    this.pipeline = new IngestPipeline({
      sink: deps.sink,
      quarantine: deps.quarantine,
      acknowledger: deps.acknowledger,
      isKnownTopic: deps.isKnownTopic,
      metrics: this.metrics,
      logger: deps.logger,
      options: this.options,
    });
    this.pollers = new PollerPool({
      sqs: deps.sqs,
      queues: this.options.queues,
      pollersPerQueue: this.options.pollersPerQueue,
      waitTimeSeconds: this.options.waitTimeSeconds,
      visibilityTimeoutSeconds: this.options.visibilityTimeoutSeconds,
      waitForCapacity: () => this.pipeline.waitForCapacity(),
      onBatch: (topic, messages) => this.pipeline.admit(topic, messages),
      metrics: this.metrics,
      logger: deps.logger,
    });
  }

  start(): void {
    if (this.started || this.closing) return;
    this.started = true;
    this.pollers.start();
    const heartbeat = setInterval(
      () => void this.pipeline.heartbeat(),
      Math.max(1000, this.options.heartbeatIntervalMs / 2),
    );
    this.timers.push(heartbeat);
    if (this.deps.sampleQueues && this.options.queueStatsIntervalMs > 0) {
      void this.sampleQueues();
      this.timers.push(setInterval(() => void this.sampleQueues(), this.options.queueStatsIntervalMs));
    }
    this.deps.logger.info(
      {
        queues: this.options.queues.map((q) => q.topic),
        pollersPerQueue: this.options.pollersPerQueue,
        sink: this.deps.sink.name,
      },
      'ingest worker started',
    );
  }

  /** True while the breaker lets records through; for `/readyz`. */
  isHealthy(): boolean {
    return !this.closing && this.pipeline.breaker.state === 'closed';
  }

  /**
   * Graceful shutdown: stop receiving, flush, acknowledge; anything unfinished when the
   * budget runs out is handed back to its queue. Idempotent: every call awaits one close.
   */
  close(): Promise<CloseResult> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<CloseResult> {
    const { logger } = this.deps;
    const started = Date.now();
    this.pipeline.stopAdmitting();
    for (const timer of this.timers) clearInterval(timer);
    const inTime = await finishesWithin(
      (async () => {
        await this.pollers.stop();
        await this.pipeline.drain();
      })(),
      this.options.shutdownBudgetMs,
    );
    const unfinished = this.pipeline.inFlightCount;
    await this.pipeline.release();
    const drained = inTime && unfinished === 0;
    logger.info({ drained, released: unfinished, ms: Date.now() - started }, 'ingest worker stopped');
    return { drained, released: unfinished };
  }

  private async sampleQueues(): Promise<void> {
    const sample = this.deps.sampleQueues;
    if (!sample) return;
    // The DLQs' depths are the DLQ processor's to publish (dlq_queue_messages).
    const topics = new Map(this.options.queues.map((q) => [q.url, q.topic]));
    try {
      const depths = await sample([...topics.keys()]);
      for (const [url, depth] of depths) {
        const labels = { topic: topics.get(url) ?? queueName(url) };
        this.metrics.queueMessages.set({ ...labels, state: 'visible' }, depth.visible);
        this.metrics.queueMessages.set({ ...labels, state: 'in_flight' }, depth.inFlight);
        this.metrics.queueMessages.set({ ...labels, state: 'delayed' }, depth.delayed);
      }
    } catch (err) {
      this.deps.logger.warn({ err }, 'queue depth sampling failed');
    }
  }
}

/** Last path segment of a queue URL: its name, a bounded label value. */
export function queueName(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}
