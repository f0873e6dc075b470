import type { SQSClient } from '@aws-sdk/client-sqs';
import type { QueueStatsSampler } from '@lean-ops/aws';
import { ConfigError, finishesWithin, type MessageAcknowledger, type Quarantine } from '@lean-ops/core';
import type { Logger } from '@lean-ops/logger';
import type { Registry } from '@lean-ops/metrics';
import { type CloseResult, PollerPool } from '@lean-ops/worker-ingest';
import { toDlqMessage } from './dlq-message.js';
import { createDlqMetrics, type DlqMetrics } from './dlq-metrics.js';
import { DlqMover } from './dlq-mover.js';
import { type DlqOptions, type DlqOptionsInput, type DlqQueue, parseDlqOptions } from './dlq-options.js';
import { DlqProcessor } from './dlq-processor.js';

export interface DlqWorkerDeps {
  readonly sqs: SQSClient;
  readonly quarantine: Quarantine;
  /** Deletes from and hands back to the DLQs. */
  readonly acknowledger: MessageAcknowledger;
  readonly isKnownTopic: (topic: string) => boolean;
  readonly registry: Registry;
  readonly logger: Logger;
  /** Samples DLQ depth for the metrics; omitted when nobody scrapes. */
  readonly sampler?: Pick<QueueStatsSampler, 'sample'>;
  /** @defaultValue Math.random (backoff jitter) */
  readonly random?: () => number;
}

/**
 * The long-running DLQ processor: one
 * long-poller per DLQ, every message classified again, redriven with backoff or
 * quarantined with its reason; shuts down within its budget.
 */
export class DlqWorker {
  readonly options: DlqOptions;
  readonly metrics: DlqMetrics;
  readonly processor: DlqProcessor;
  private readonly pollers: PollerPool;
  private readonly byTopic: ReadonlyMap<string, DlqQueue>;
  private timer: NodeJS.Timeout | undefined;
  private closing: Promise<CloseResult> | undefined;
  private started = false;

  constructor(
    options: DlqOptionsInput,
    private readonly deps: DlqWorkerDeps,
  ) {
    this.options = parseDlqOptions(options);
    this.metrics = createDlqMetrics(deps.registry);
    this.byTopic = new Map(this.options.queues.map((q) => [q.topic, q]));
    const mover = new DlqMover({
      sqs: deps.sqs,
      quarantine: deps.quarantine,
      acknowledger: deps.acknowledger,
      sourceUrlOf: (topic) => this.queue(topic).url,
    });
    this.processor = new DlqProcessor({
      mover,
      isKnownTopic: deps.isKnownTopic,
      metrics: this.metrics,
      logger: deps.logger,
      options: this.options,
      ...(deps.random ? { random: deps.random } : {}),
    });
    this.pollers = new PollerPool({
      sqs: deps.sqs,
      queues: this.options.queues.map((q) => ({ topic: q.topic, url: q.dlqUrl })),
      // DLQ traffic is rare: one poller per DLQ is plenty.
      pollersPerQueue: 1,
      waitTimeSeconds: this.options.waitTimeSeconds,
      visibilityTimeoutSeconds: this.options.visibilityTimeoutSeconds,
      // All attributes: a redrive carries the producer's on.
      messageAttributeNames: ['All'],
      waitForCapacity: () => this.processor.waitForCapacity(),
      onBatch: (topic, _received, raw) => {
        const now = Date.now();
        const dlqUrl = this.queue(topic).dlqUrl;
        this.processor.admit(raw.map((m) => toDlqMessage(m, topic, dlqUrl, now)));
      },
      metrics: this.metrics,
      logger: deps.logger,
    });
  }

  start(): void {
    if (this.started || this.closing) return;
    this.started = true;
    this.pollers.start();
    if (this.options.queueStatsIntervalMs > 0) {
      void this.sample();
      this.timer = setInterval(() => void this.sample(), this.options.queueStatsIntervalMs);
    }
    this.deps.logger.info(
      { dlqs: this.options.queues.map((q) => q.topic), maxAttempts: this.options.maxAttempts },
      'DLQ processor started',
    );
  }

  /** True until shutdown starts; for `/readyz`. */
  isHealthy(): boolean {
    return !this.closing;
  }

  /**
   * Graceful shutdown: stop receiving, finish what is in flight; anything unfinished when
   * the budget runs out goes back to its DLQ. Idempotent: every call awaits one close.
   */
  close(): Promise<CloseResult> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<CloseResult> {
    const started = Date.now();
    clearInterval(this.timer);
    this.processor.stopAdmitting();
    const inTime = await finishesWithin(
      (async () => {
        await this.pollers.stop();
        await this.processor.drain();
      })(),
      this.options.shutdownBudgetMs,
    );
    const released = await this.processor.release();
    const drained = inTime && released === 0;
    this.deps.logger.info({ drained, released, ms: Date.now() - started }, 'DLQ processor stopped');
    return { drained, released };
  }

  private queue(topic: string): DlqQueue {
    const queue = this.byTopic.get(topic);
    if (!queue) throw new ConfigError('DLQ processor queues', [`${topic}: no queue configured for this topic`]);
    return queue;
  }

  private async sample(): Promise<void> {
    this.processor.refreshGauges();
    if (!this.deps.sampler) return;
    try {
      const stats = await this.deps.sampler.sample(this.options.queues.map((q) => q.dlqUrl));
      stats.forEach((s, i) => {
        const topic = this.options.queues[i]?.topic ?? '';
        this.metrics.queueMessages.set({ topic, state: 'visible' }, s.visible);
        this.metrics.queueMessages.set({ topic, state: 'in_flight' }, s.inFlight);
        this.metrics.queueMessages.set({ topic, state: 'delayed' }, s.delayed);
      });
    } catch (err) {
      this.deps.logger.warn({ err }, 'DLQ depth sampling failed');
    }
  }
}
