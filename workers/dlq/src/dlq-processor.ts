import type { Logger } from '@lean-ops/logger';
import { type DecisionOptions, decideDlqAction, reasonLabel } from './dlq-decision.js';
import type { DlqMessage } from './dlq-message.js';
import type { DlqMetrics } from './dlq-metrics.js';
import type { DlqMover, DlqOutcome } from './dlq-mover.js';
import type { DlqOptions } from './dlq-options.js';
import { OldestMessageTracker } from './oldest-message-tracker.js';

export interface DlqProcessorDeps {
  readonly mover: DlqMover;
  readonly isKnownTopic: (topic: string) => boolean;
  readonly metrics: DlqMetrics;
  readonly logger: Logger;
  readonly options: DlqOptions;
  /** @defaultValue Math.random (backoff jitter) */
  readonly random?: () => number;
}

/**
 * The DLQ processor's message path, independent of how messages are polled: decide
 * (redrive or quarantine), carry it out, and hand back to the DLQ whatever could not be
 * finished. Nothing leaves the DLQ before the source queue or the quarantine accepted it.
 */
export class DlqProcessor {
  private readonly inFlight = new Map<string, DlqMessage>();
  private readonly background = new Set<Promise<void>>();
  private readonly tracker: OldestMessageTracker;
  private readonly decision: DecisionOptions;
  private capacityWaiters: Array<() => void> = [];
  private stopping = false;

  constructor(private readonly deps: DlqProcessorDeps) {
    const { options } = deps;
    this.decision = {
      ...options,
      isKnownTopic: deps.isKnownTopic,
      ...(deps.random ? { random: deps.random } : {}),
    };
    // A message handed back returns within its retry delay plus a poll; twice that is gone.
    this.tracker = new OldestMessageTracker(
      2_000 * (options.failureRetrySeconds + options.visibilityTimeoutSeconds + options.waitTimeSeconds),
    );
    for (const q of options.queues) deps.metrics.oldestAge.set({ topic: q.topic }, 0);
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  /** Age of the oldest message of `topic`'s DLQ this processor has seen and not yet moved (0 when none). */
  oldestAgeSeconds(topic: string): number {
    return this.tracker.oldestAgeSeconds(topic, Date.now());
  }

  /** Takes a received batch and returns at once; the work continues in the background. */
  admit(messages: readonly DlqMessage[]): void {
    const now = Date.now();
    for (const message of messages) {
      this.inFlight.set(message.receiptHandle, message);
      this.tracker.saw(message.topic, message.dlqMessageId, message.publishTimeMs, now);
      this.deps.metrics.received.inc({ topic: message.topic });
    }
    this.refreshGauges();
    const work = this.process(messages);
    this.background.add(work);
    void work.finally(() => this.background.delete(work));
  }

  /** Resolves when another batch may be received. */
  async waitForCapacity(): Promise<void> {
    while (!this.stopping && this.inFlight.size >= this.deps.options.maxInFlightMessages) {
      await new Promise<void>((resolve) => this.capacityWaiters.push(resolve));
    }
  }

  /** Waits until every admitted message is finished or handed back. */
  async drain(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  /** Stops waking pollers; the start of shutdown. */
  stopAdmitting(): void {
    this.stopping = true;
    this.wakePollers();
  }

  /** Shutdown: hands every unfinished message back to its DLQ at once; returns how many. */
  async release(): Promise<number> {
    this.stopAdmitting();
    const rest = [...this.inFlight.values()];
    this.inFlight.clear();
    try {
      await this.deps.mover.release(rest, 0);
    } catch (err) {
      this.deps.logger.warn({ err, messages: rest.length }, 'could not release DLQ messages; they return later');
    }
    this.refreshGauges();
    return rest.length;
  }

  /** Updates the oldest-age and in-flight gauges (ages grow with time, so also on a timer). */
  refreshGauges(): void {
    const now = Date.now();
    for (const q of this.deps.options.queues) {
      this.deps.metrics.oldestAge.set({ topic: q.topic }, this.tracker.oldestAgeSeconds(q.topic, now));
    }
    this.deps.metrics.inFlight.set(this.inFlight.size);
  }

  private async process(messages: readonly DlqMessage[]): Promise<void> {
    const { mover, metrics, logger, options } = this.deps;
    let outcome: DlqOutcome;
    try {
      outcome = await mover.apply(
        messages.map((message) => ({ message, action: decideDlqAction(message, this.decision) })),
      );
    } catch (err) {
      outcome = { redriven: [], quarantined: [], unfinished: messages, undeleted: [], problems: [String(err)] };
    }
    const undeleted = new Set(outcome.undeleted);
    for (const m of outcome.redriven) metrics.redriven.inc({ topic: m.topic });
    for (const q of outcome.quarantined) {
      metrics.quarantined.inc({ topic: q.message.topic, reason: reasonLabel(q.reason) });
    }
    for (const m of [...outcome.redriven, ...outcome.quarantined.map((q) => q.message)]) {
      if (undeleted.has(m)) metrics.deleteFailures.inc({ topic: m.topic });
      else this.tracker.gone(m.topic, m.dlqMessageId);
    }
    if (outcome.redriven.length + outcome.quarantined.length > 0) {
      logger.info(
        {
          redriven: outcome.redriven.length,
          quarantined: outcome.quarantined.map((q) => ({ id: q.message.sourceMessageId, reason: q.reason })),
        },
        'DLQ messages moved',
      );
    }
    if (outcome.problems.length > 0) {
      logger.warn(
        { problems: [...new Set(outcome.problems)].slice(0, 5), unfinished: outcome.unfinished.length },
        'DLQ processing failed for some messages; they stay in the DLQ and are retried',
      );
    }
    if (outcome.unfinished.length > 0) {
      for (const m of outcome.unfinished) metrics.retried.inc({ topic: m.topic });
      try {
        await mover.release(outcome.unfinished, options.failureRetrySeconds);
      } catch (err) {
        logger.warn({ err }, 'could not delay the retry; the messages return after their visibility timeout');
      }
    }
    for (const m of messages) this.inFlight.delete(m.receiptHandle);
    this.refreshGauges();
    this.wakePollers();
  }

  private wakePollers(): void {
    const waiters = this.capacityWaiters;
    this.capacityWaiters = [];
    for (const wake of waiters) wake();
  }
}
