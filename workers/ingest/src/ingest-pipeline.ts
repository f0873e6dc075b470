import {
  type DropReason,
  dropReasonKind,
  type EncodedRecord,
  formatMicros,
  type MessageAcknowledger,
  millisToMicros,
  type Quarantine,
  type QuarantineEntry,
  type ReceivedMessage,
  type RecordSink,
  transformMessage,
} from '@lean-ops/core';
import type { Logger } from '@lean-ops/logger';
import { claimedTopic, retryDelaySeconds } from '@lean-ops/queue-worker';
import type { IngestMetrics } from './ingest-metrics.js';
import type { IngestOptions } from './options.js';
import { RecordBatcher } from './record-batcher.js';
import { BREAKER_STATE_VALUE, isBrokenCircuitError, SinkBreaker } from './sink-breaker.js';

export interface IngestPipelineDeps {
  readonly sink: RecordSink;
  readonly quarantine: Quarantine;
  readonly acknowledger: MessageAcknowledger;
  /** Whether a topic is configured; others are DROP `unknown_topic`. */
  readonly isKnownTopic: (topic: string) => boolean;
  readonly metrics: IngestMetrics;
  readonly logger: Logger;
  readonly options: IngestOptions;
  /** @defaultValue Date.now */
  readonly now?: () => number;
  /** @defaultValue Math.random (jitter) */
  readonly random?: () => number;
}

/** A received message until it is acknowledged or handed back to the queue. */
interface Tracked {
  readonly message: ReceivedMessage;
  /** Topic of the queue it came from: the metric label. */
  readonly queueTopic: string;
  lastExtendedAt: number;
}

interface Pending {
  readonly encoded: EncodedRecord;
  readonly tracked: Tracked;
}

/** Thrown inside the breaker when a sink call accepted nothing: counts as a failure. */
class NothingAcceptedError extends Error {
  override name = 'NothingAcceptedError';
  constructor(readonly failed: readonly { index: number; code: string; message: string }[]) {
    super(
      `sink accepted none of ${failed.length} records (${failed[0]?.code ?? 'unknown'}: ${failed[0]?.message ?? ''})`,
    );
  }
}

/**
 * The ingest worker's message path, independent of how messages are polled:
 * transform (packages/core) → DROP to quarantine or record to the
 * batcher → sink through the circuit breaker → delete on acceptance, visibility
 * backoff on RETRY. Nothing is deleted before the sink or quarantine accepted it.
 */
export class IngestPipeline {
  readonly breaker: SinkBreaker;
  private readonly batcher: RecordBatcher<Pending>;
  private readonly inFlight = new Map<string, Tracked>();
  private readonly background = new Set<Promise<void>>();
  private held: Pending[] = [];
  private probeTimer: NodeJS.Timeout | undefined;
  private probeAllowance = 0;
  private capacityWaiters: Array<() => void> = [];
  private stopping = false;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly deps: IngestPipelineDeps) {
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    const sinkName = deps.sink.name;
    deps.metrics.breakerState.set({ sink: sinkName }, 0);
    this.breaker = new SinkBreaker({
      threshold: deps.options.breakerThreshold,
      halfOpenAfterMs: deps.options.breakerHalfOpenAfterMs,
      onStateChange: (state) => {
        deps.metrics.breakerState.set({ sink: sinkName }, BREAKER_STATE_VALUE[state]);
        deps.logger.warn({ sink: sinkName, state }, `sink circuit breaker ${state}`);
        if (state === 'closed') this.notifyCapacity();
      },
    });
    this.batcher = new RecordBatcher<Pending>({
      limits: deps.sink.limits,
      lingerMs: deps.options.lingerMs,
      maxConcurrentFlushes: deps.options.maxConcurrentFlushes,
      flush: (items) => this.flush(items),
    });
  }

  /** Messages received and not yet acknowledged or handed back. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  get heldCount(): number {
    return this.held.length;
  }

  /**
   * Takes a received batch: transforms each message, queues records for the sink and
   * quarantines DROPs. Returns at once; acknowledgement happens when the sink or the
   * quarantine has accepted, so the poller can receive its next batch meanwhile.
   */
  admit(queueTopic: string, messages: readonly ReceivedMessage[]): void {
    const now = this.now();
    const drops: Array<{ tracked: Tracked; reason: DropReason }> = [];
    const { metrics, sink } = this.deps;
    for (const message of messages) {
      const tracked: Tracked = { message, queueTopic, lastExtendedAt: now };
      this.inFlight.set(message.receiptHandle, tracked);
      metrics.received.inc({ topic: queueTopic });
      metrics.messageAge.observe({ topic: queueTopic }, Math.max(0, (now - message.publishTimeMs) / 1000));
      const result = transformMessage(message, {
        isKnownTopic: this.deps.isKnownTopic,
        maxRecordBytes: sink.limits.maxRecordBytes,
        now: this.now,
      });
      if (result.ok) this.batcher.add({ encoded: result.encoded, tracked });
      else drops.push({ tracked, reason: result.reason });
    }
    if (drops.length > 0) this.track(this.quarantineDrops(drops));
    this.updateGauges();
  }

  /** Resolves when another batch may be received: below the in-flight and buffer caps, breaker not open. */
  async waitForCapacity(): Promise<void> {
    while (!this.stopping && !this.takeCapacity()) {
      await new Promise<void>((resolve) => this.capacityWaiters.push(resolve));
    }
  }

  /** Renews the visibility of messages in flight for a while (the heartbeat). */
  async heartbeat(): Promise<void> {
    const now = this.now();
    const { heartbeatIntervalMs, visibilityTimeoutSeconds } = this.deps.options;
    const due = [...this.inFlight.values()].filter((t) => now - t.lastExtendedAt >= heartbeatIntervalMs / 2);
    if (due.length === 0) return;
    try {
      await this.deps.acknowledger.extend(
        due.map((t) => t.message),
        visibilityTimeoutSeconds,
      );
      for (const t of due) t.lastExtendedAt = now;
    } catch (err) {
      this.deps.logger.warn({ err, messages: due.length }, 'heartbeat could not extend visibility');
    }
  }

  /** Flushes everything buffered and waits for every acknowledgement. Held records stay held. */
  async drain(): Promise<void> {
    await this.batcher.flushAll();
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  /**
   * Shutdown: stop admitting capacity, and hand every unfinished message back to its
   * queue (visibility 0) so another task picks it up at once.
   */
  async release(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.probeTimer);
    this.notifyCapacity();
    const rest = [...this.inFlight.values()];
    this.inFlight.clear();
    this.held = [];
    if (rest.length === 0) return;
    try {
      await this.deps.acknowledger.retryLater(
        rest.map((t) => t.message),
        0,
      );
    } catch (err) {
      this.deps.logger.warn(
        { err, messages: rest.length },
        'could not release in-flight messages; they return after their visibility timeout',
      );
    }
    this.updateGauges();
  }

  /** Stops waking pollers; used at the start of shutdown. */
  stopAdmitting(): void {
    this.stopping = true;
    this.notifyCapacity();
  }

  private takeCapacity(): boolean {
    if (this.breaker.state !== 'closed') {
      if (this.probeAllowance > 0) {
        this.probeAllowance -= 1;
        return true;
      }
      return false;
    }
    const { maxInFlightMessages, maxBufferedBytes } = this.deps.options;
    return this.inFlight.size < maxInFlightMessages && this.batcher.bufferedBytes < maxBufferedBytes;
  }

  private notifyCapacity(): void {
    const waiters = this.capacityWaiters;
    this.capacityWaiters = [];
    for (const wake of waiters) wake();
  }

  private async flush(items: readonly Pending[]): Promise<void> {
    const { sink, metrics, logger } = this.deps;
    const started = this.now();
    let failedIndexes: ReadonlySet<number>;
    try {
      const result = await this.breaker.execute(async () => {
        const r = await sink.putBatch(items.map((i) => i.encoded));
        if (r.failed.length === items.length) throw new NothingAcceptedError(r.failed);
        return r;
      });
      failedIndexes = new Set(result.failed.map((f) => f.index));
      metrics.putDuration.observe(
        { sink: sink.name, outcome: failedIndexes.size > 0 ? 'partial' : 'ok' },
        (this.now() - started) / 1000,
      );
      if (result.failed.length > 0) {
        logger.warn(
          { sink: sink.name, failed: result.failed.length, of: items.length, first: result.failed[0] },
          'sink rejected some records; retrying them',
        );
      }
    } catch (err) {
      metrics.putDuration.observe({ sink: sink.name, outcome: 'error' }, (this.now() - started) / 1000);
      if (isBrokenCircuitError(err) || this.breaker.state === 'open') {
        // Breaker open: keep the records here (visibility renewed by the heartbeat)
        // instead of burning a receive per message, and probe later.
        this.hold(items);
        return;
      }
      logger.warn({ err, sink: sink.name, records: items.length }, 'sink call failed; messages will be retried');
      await this.retry(items.map((i) => i.tracked));
      return;
    }
    metrics.batchRecords.observe({ sink: sink.name }, items.length);
    const accepted: Tracked[] = [];
    const failed: Tracked[] = [];
    items.forEach((item, index) => {
      if (failedIndexes.has(index)) {
        failed.push(item.tracked);
        return;
      }
      accepted.push(item.tracked);
      const topic = item.encoded.record.topic;
      metrics.recordsWritten.inc({ sink: sink.name, topic });
      metrics.bytesWritten.inc({ sink: sink.name, topic }, item.encoded.bytes);
    });
    await Promise.all([this.ack(accepted), this.retry(failed)]);
  }

  private hold(items: readonly Pending[]): void {
    this.held.push(...items);
    this.updateGauges();
    if (this.probeTimer || this.stopping) return;
    this.probeTimer = setTimeout(() => {
      this.probeTimer = undefined;
      const probe = this.held;
      this.held = [];
      if (probe.length === 0) {
        // Nothing to probe with: let one poll through to fetch a probe batch.
        this.probeAllowance = 1;
        this.notifyCapacity();
      }
      for (const item of probe) this.batcher.add(item);
      this.updateGauges();
    }, this.deps.options.breakerHalfOpenAfterMs);
  }

  private async quarantineDrops(drops: ReadonlyArray<{ tracked: Tracked; reason: DropReason }>): Promise<void> {
    const at = formatMicros(millisToMicros(this.now()));
    const entries: QuarantineEntry[] = drops.map(({ tracked, reason }) => ({
      body: tracked.message.body,
      reason,
      topic: claimedTopic(tracked.message.body),
      queue: tracked.message.queue,
      receive_count: tracked.message.receiveCount,
      source_message_id: tracked.message.sourceMessageId,
      quarantined_at: at,
    }));
    try {
      await this.deps.quarantine.put(entries);
    } catch (err) {
      this.deps.logger.warn({ err, messages: drops.length }, 'quarantine write failed; messages will be retried');
      await this.retry(drops.map((d) => d.tracked));
      return;
    }
    for (const { tracked, reason } of drops) {
      this.deps.metrics.dropped.inc({ topic: tracked.queueTopic, reason: dropReasonKind(reason) });
    }
    await this.ack(drops.map((d) => d.tracked));
  }

  private async ack(tracked: readonly Tracked[]): Promise<void> {
    if (tracked.length === 0) return;
    try {
      await this.deps.acknowledger.ack(tracked.map((t) => t.message));
      for (const t of tracked) this.deps.metrics.acknowledged.inc({ topic: t.queueTopic });
    } catch (err) {
      // The record is already durable; the message comes back and RAW gets a duplicate.
      for (const t of tracked) this.deps.metrics.ackFailures.inc({ topic: t.queueTopic });
      this.deps.logger.warn(
        { err, messages: tracked.length },
        'delete failed after the sink accepted; expect duplicates',
      );
    } finally {
      this.forget(tracked);
    }
  }

  private async retry(tracked: readonly Tracked[]): Promise<void> {
    if (tracked.length === 0) return;
    const { retryBaseDelaySeconds, retryMaxDelaySeconds } = this.deps.options;
    const byDelay = new Map<number, Tracked[]>();
    for (const t of tracked) {
      const delay = retryDelaySeconds(t.message.receiveCount, retryBaseDelaySeconds, retryMaxDelaySeconds, this.random);
      const group = byDelay.get(delay);
      if (group) group.push(t);
      else byDelay.set(delay, [t]);
    }
    try {
      await Promise.all(
        [...byDelay].map(([delay, group]) =>
          this.deps.acknowledger.retryLater(
            group.map((t) => t.message),
            delay,
          ),
        ),
      );
    } catch (err) {
      this.deps.logger.warn(
        { err, messages: tracked.length },
        'could not set retry visibility; messages return after their visibility timeout',
      );
    } finally {
      for (const t of tracked) this.deps.metrics.retried.inc({ topic: t.queueTopic });
      this.forget(tracked);
    }
  }

  private forget(tracked: readonly Tracked[]): void {
    for (const t of tracked) this.inFlight.delete(t.message.receiptHandle);
    this.updateGauges();
    this.notifyCapacity();
  }

  private track(work: Promise<void>): void {
    this.background.add(work);
    void work.finally(() => this.background.delete(work));
  }

  private updateGauges(): void {
    this.deps.metrics.inFlight.set(this.inFlight.size);
    this.deps.metrics.bufferedBytes.set(this.batcher.bufferedBytes);
    this.deps.metrics.heldRecords.set(this.held.length);
  }
}
