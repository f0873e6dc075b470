import {
  ConfigError,
  type MessageAcknowledger,
  type MessageSender,
  type MessageSource,
  type Quarantine,
  type QueueDepthSampler,
} from '@lean-ops/core';
import type { Logger } from '@lean-ops/logger';
import type { Registry } from '@lean-ops/metrics';
import { type CloseResult, WorkerLifecycle } from '@lean-ops/queue-worker';
import { toDlqMessage } from './dlq-message.js';
import { createDlqMetrics, type DlqMetrics } from './dlq-metrics.js';
import { DlqMover } from './dlq-mover.js';
import { type DlqOptions, type DlqOptionsInput, type DlqQueue, parseDlqOptions } from './dlq-options.js';
import { DlqProcessor } from './dlq-processor.js';

export interface DlqWorkerDeps {
  /** Where the DLQs' messages come from (with their attributes: a redrive carries them on). */
  readonly source: MessageSource;
  /** Sends redrives to the source queues. */
  readonly sender: MessageSender;
  readonly quarantine: Quarantine;
  /** Deletes from and hands back to the DLQs. */
  readonly acknowledger: MessageAcknowledger;
  readonly isKnownTopic: (topic: string) => boolean;
  readonly registry: Registry;
  readonly logger: Logger;
  /** Samples DLQ depth for the metrics; omitted when nobody scrapes. */
  readonly sampler?: QueueDepthSampler;
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
  private readonly byTopic: ReadonlyMap<string, DlqQueue>;
  private readonly lifecycle: WorkerLifecycle;

  constructor(
    options: DlqOptionsInput,
    private readonly deps: DlqWorkerDeps,
  ) {
    this.options = parseDlqOptions(options);
    this.metrics = createDlqMetrics(
      deps.registry,
      this.options.queues.map((q) => q.topic),
    );
    this.byTopic = new Map(this.options.queues.map((q) => [q.topic, q]));
    const mover = new DlqMover({
      sender: deps.sender,
      quarantine: deps.quarantine,
      acknowledger: deps.acknowledger,
      sourceUrlOf: (topic) => this.queue(topic).url,
    });
    const processor = new DlqProcessor({
      mover,
      isKnownTopic: deps.isKnownTopic,
      metrics: this.metrics,
      logger: deps.logger,
      options: this.options,
      ...(deps.random ? { random: deps.random } : {}),
    });
    this.processor = processor;
    const { pollDuration } = this.metrics;
    const polling = deps.source.pollWithAttributes({
      queues: this.options.queues.map((q) => ({ topic: q.topic, url: q.dlqUrl })),
      // DLQ traffic is rare: one poller per DLQ is plenty.
      pollersPerQueue: 1,
      waitTimeSeconds: this.options.waitTimeSeconds,
      visibilityTimeoutSeconds: this.options.visibilityTimeoutSeconds,
      waitForCapacity: () => processor.waitForCapacity(),
      onBatch: (topic, messages) => processor.admit(messages.map((m) => toDlqMessage(m, topic))),
      onPollDuration: (topic, seconds) => pollDuration.observe({ topic }, seconds),
    });
    this.lifecycle = new WorkerLifecycle({
      name: 'DLQ processor',
      logger: deps.logger,
      shutdownBudgetMs: this.options.shutdownBudgetMs,
      polling,
      tasks:
        this.options.queueStatsIntervalMs > 0
          ? [{ everyMs: this.options.queueStatsIntervalMs, run: () => void this.sample(), atStart: true }]
          : [],
      describe: () => ({ dlqs: this.options.queues.map((q) => q.topic), maxAttempts: this.options.maxAttempts }),
      stopAdmitting: () => processor.stopAdmitting(),
      drain: () => processor.drain(),
      release: () => processor.release(),
    });
  }

  start(): void {
    this.lifecycle.start();
  }

  /** True until shutdown starts; for `/readyz`. */
  isHealthy(): boolean {
    return !this.lifecycle.isClosing;
  }

  /**
   * Graceful shutdown: stop receiving, finish what is in flight; anything unfinished when
   * the budget runs out goes back to its DLQ. Idempotent: every call awaits one close.
   */
  close(): Promise<CloseResult> {
    return this.lifecycle.close();
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
