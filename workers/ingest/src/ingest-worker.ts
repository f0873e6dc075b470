import type { MessageAcknowledger, MessageSource, Quarantine, QueueDepthSampler, RecordSink } from '@lean-ops/core';
import type { Logger } from '@lean-ops/logger';
import type { Registry } from '@lean-ops/metrics';
import { type CloseResult, queueName, WorkerLifecycle } from '@lean-ops/queue-worker';
import { createIngestMetrics, type IngestMetrics } from './ingest-metrics.js';
import { IngestPipeline } from './ingest-pipeline.js';
import { type IngestOptions, type IngestOptionsInput, parseIngestOptions } from './options.js';

export interface IngestWorkerDeps {
  /** Where the topic queues' messages come from. */
  readonly source: MessageSource;
  readonly sink: RecordSink;
  readonly quarantine: Quarantine;
  readonly acknowledger: MessageAcknowledger;
  readonly isKnownTopic: (topic: string) => boolean;
  readonly registry: Registry;
  readonly logger: Logger;
  /** Samples queue depths for the metrics; omitted locally when nobody scrapes. */
  readonly sampler?: QueueDepthSampler;
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
  private readonly lifecycle: WorkerLifecycle;

  constructor(
    options: IngestOptionsInput,
    private readonly deps: IngestWorkerDeps,
  ) {
    this.options = parseIngestOptions(options);
    this.metrics = createIngestMetrics(
      deps.registry,
      this.options.queues.map((q) => q.topic),
    );
    const pipeline = new IngestPipeline({
      sink: deps.sink,
      quarantine: deps.quarantine,
      acknowledger: deps.acknowledger,
      isKnownTopic: deps.isKnownTopic,
      metrics: this.metrics,
      logger: deps.logger,
      options: this.options,
    });
    this.pipeline = pipeline;
    const { pollDuration } = this.metrics;
    const polling = deps.source.poll({
      queues: this.options.queues,
      pollersPerQueue: this.options.pollersPerQueue,
      waitTimeSeconds: this.options.waitTimeSeconds,
      visibilityTimeoutSeconds: this.options.visibilityTimeoutSeconds,
      waitForCapacity: () => pipeline.waitForCapacity(),
      onBatch: (topic, messages) => pipeline.admit(topic, messages),
      onPollDuration: (topic, seconds) => pollDuration.observe({ topic }, seconds),
    });
    this.lifecycle = new WorkerLifecycle({
      name: 'ingest worker',
      logger: deps.logger,
      shutdownBudgetMs: this.options.shutdownBudgetMs,
      polling,
      tasks: [
        { everyMs: Math.max(1000, this.options.heartbeatIntervalMs / 2), run: () => void pipeline.heartbeat() },
        ...(deps.sampler && this.options.queueStatsIntervalMs > 0
          ? [{ everyMs: this.options.queueStatsIntervalMs, run: () => void this.sampleQueues(), atStart: true }]
          : []),
      ],
      describe: () => ({
        queues: this.options.queues.map((q) => q.topic),
        pollersPerQueue: this.options.pollersPerQueue,
        sink: deps.sink.name,
      }),
      stopAdmitting: () => pipeline.stopAdmitting(),
      drain: () => pipeline.drain(),
      release: async () => {
        const unfinished = pipeline.inFlightCount;
        await pipeline.release();
        return unfinished;
      },
    });
  }

  start(): void {
    this.lifecycle.start();
  }

  /** True while the breaker lets records through; for `/readyz`. */
  isHealthy(): boolean {
    return !this.lifecycle.isClosing && this.pipeline.breaker.state === 'closed';
  }

  /**
   * Graceful shutdown: stop receiving, flush, acknowledge; anything unfinished when the
   * budget runs out is handed back to its queue. Idempotent: every call awaits one close.
   */
  close(): Promise<CloseResult> {
    return this.lifecycle.close();
  }

  private async sampleQueues(): Promise<void> {
    const sampler = this.deps.sampler;
    if (!sampler) return;
    // The DLQs' depths are the DLQ processor's to publish (dlq_queue_messages).
    const topics = new Map(this.options.queues.map((q) => [q.url, q.topic]));
    try {
      const depths = await sampler.sample([...topics.keys()]);
      for (const depth of depths) {
        const labels = { topic: topics.get(depth.queueUrl) ?? queueName(depth.queueUrl) };
        this.metrics.queueMessages.set({ ...labels, state: 'visible' }, depth.visible);
        this.metrics.queueMessages.set({ ...labels, state: 'in_flight' }, depth.inFlight);
        this.metrics.queueMessages.set({ ...labels, state: 'delayed' }, depth.delayed);
      }
    } catch (err) {
      this.deps.logger.warn({ err }, 'queue depth sampling failed');
    }
  }
}
