import type { Notifier, SnowflakeRefresher } from '@lean-ops/core';
import type { Logger } from '@lean-ops/logger';
import type { SchedulerMetrics } from './scheduler-metrics.js';

/** How often the auto-refresh status is read: each read is a query on the configured warehouse. */
export const DEFAULT_SNOWFLAKE_STATUS_INTERVAL_MS = 300_000;

export interface SnowflakeStatusSamplerOptions {
  readonly topics: readonly string[];
  readonly refresher: SnowflakeRefresher;
  readonly tableOf: (topic: string) => string;
  /** @defaultValue {@link DEFAULT_SNOWFLAKE_STATUS_INTERVAL_MS} */
  readonly intervalMs?: number;
  /** A status read longer than this counts as unreadable. */
  readonly timeoutMs: number;
  readonly metrics: Pick<SchedulerMetrics, 'snowflakeAutoRefreshPending' | 'snowflakeAutoRefreshRunning'>;
  /** Receives the gauges (CloudWatch in AWS, for the stalled auto-refresh alarm). */
  readonly notifier: Notifier;
  readonly logger: Logger;
}

/**
 * Reads `SYSTEM$AUTO_REFRESH_STATUS` of every topic's semantic table on a timer into the
 * gauges `scheduler_snowflake_auto_refresh_pending_snapshots` and `…_running`, and the
 * notifier, so a stalled auto-refresh can alarm. An unreadable status sets running to 0
 * and drops the pending gauge (nothing is known of it); errors are logged, never thrown.
 */
export class SnowflakeStatusSampler {
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> | undefined;

  constructor(private readonly options: SnowflakeStatusSamplerOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.sampling ??= this.sampleOnce().finally(() => {
        this.sampling = undefined;
      });
    }, this.options.intervalMs ?? DEFAULT_SNOWFLAKE_STATUS_INTERVAL_MS);
    this.timer.unref();
  }

  /** One read of every topic's status. */
  async sampleOnce(): Promise<void> {
    await Promise.all(this.options.topics.map((topic) => this.sampleTopic(topic)));
  }

  private async sampleTopic(topic: string): Promise<void> {
    const { refresher, metrics, notifier, logger } = this.options;
    let pendingSnapshots: number | null = null;
    let running = false;
    try {
      const status = await refresher.autoRefreshStatus(this.options.tableOf(topic), {
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      pendingSnapshots = status.pendingSnapshotCount;
      running = status.executionState === 'RUNNING';
      if (!running)
        logger.warn(
          { topic, state: status.executionState, reason: status.invalidExecutionStateReason },
          `Snowflake auto-refresh of ${topic} is ${status.executionState}`,
        );
    } catch (err) {
      logger.warn({ topic, err: (err as Error).message }, `Snowflake auto-refresh status of ${topic} not read`);
    }
    metrics.snowflakeAutoRefreshRunning.set({ topic }, running ? 1 : 0);
    if (pendingSnapshots === null) metrics.snowflakeAutoRefreshPending.remove({ topic });
    else metrics.snowflakeAutoRefreshPending.set({ topic }, pendingSnapshots);
    await notifier
      .notify({ kind: 'snowflake_auto_refresh', topic, pendingSnapshots, running })
      .catch((err: unknown) =>
        logger.warn({ topic, err: (err as Error).message }, 'Snowflake auto-refresh notice failed'),
      );
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.sampling;
  }
}
