import type { CheckpointStore, LakeSnapshots, Notifier, PendingRecords } from '@lean-ops/core';
import type { Logger } from '@lean-ops/logger';
import type { RunHistory } from './run-history.js';
import type { RunQueue } from './run-queue.js';
import type { SchedulerMetrics } from './scheduler-metrics.js';

export interface RawWatcherOptions {
  readonly topics: readonly string[];
  readonly intervalMs: number;
  readonly snapshots: LakeSnapshots;
  readonly checkpoints: CheckpointStore;
  readonly pending?: PendingRecords;
  /** Receives the lag gauges (CloudWatch in AWS, for the alarms). */
  readonly notifier: Notifier;
  readonly runs: RunQueue;
  readonly history: RunHistory;
  readonly metrics: SchedulerMetrics;
  readonly logger: Logger;
}

/**
 * The event trigger: polls each topic's RAW snapshot (one metadata read) and asks for a
 * run when it moved past the curated checkpoint, so freshness does not wait for the timer.
 * The same poll refreshes the lag gauges.
 */
export class RawWatcher {
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private readonly requested = new Map<string, number>();
  /** When this watcher first saw a topic's semantic layer behind, if the history has no catch-up time. */
  private readonly behindSince = new Map<string, number>();

  constructor(private readonly options: RawWatcherOptions) {}

  start(): void {
    if (this.options.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      this.polling ??= this.pollOnce().finally(() => {
        this.polling = undefined;
      });
    }, this.options.intervalMs);
    this.timer.unref();
  }

  /** One poll over every topic; errors are logged, never thrown (the next poll retries). */
  async pollOnce(): Promise<void> {
    await Promise.all(
      this.options.topics.map((topic) =>
        this.pollTopic(topic).catch((err: unknown) =>
          this.options.logger.warn({ topic, err: (err as Error).message }, 'RAW snapshot poll failed'),
        ),
      ),
    );
  }

  private async pollTopic(topic: string): Promise<void> {
    const { snapshots, checkpoints, runs, metrics } = this.options;
    const [raw, cps, curated] = await Promise.all([
      snapshots.current(topic, 'raw'),
      checkpoints.get(topic),
      snapshots.current(topic, 'curated'),
    ]);
    const consumed = Math.max(cps.curated?.sequence ?? 0, this.requested.get(topic) ?? 0);
    if (raw && raw.sequence > consumed) {
      this.requested.set(topic, raw.sequence);
      await runs.requestRun(topic, 'raw-advanced');
    }
    const pending = this.options.pending ? await this.options.pending.rawRecordsAfter(topic, cps.curated) : null;
    if (pending !== null) metrics.curationPending.set({ topic }, pending);
    const caughtUp = curated === null || (cps.semantic !== null && cps.semantic.sequence >= curated.sequence);
    if (caughtUp) this.behindSince.delete(topic);
    else if (!this.behindSince.has(topic)) this.behindSince.set(topic, Date.now());
    // The history is read only while semantic is behind: caught up, the lag is 0.
    const lag = caughtUp ? 0 : await this.secondsBehind(topic);
    metrics.semanticLag.set({ topic }, lag);
    if (pending !== null) {
      await this.options.notifier.notify({
        kind: 'lag',
        topic,
        curationPendingRecords: pending,
        semanticLagSeconds: Math.round(lag),
      });
    }
  }

  /** Since the last catch-up the history knows of, else since this watcher saw it behind. */
  private async secondsBehind(topic: string): Promise<number> {
    const { caught_up_at } = await this.options.history.summary(topic);
    const since = caught_up_at ? Date.parse(caught_up_at) : (this.behindSince.get(topic) ?? Date.now());
    return Math.max(0, (Date.now() - since) / 1000);
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.polling;
  }
}
