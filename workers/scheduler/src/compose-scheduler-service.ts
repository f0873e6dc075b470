import type { LeanOpsConfig } from '@lean-ops/config';
import { onceAsync, type Service, ServiceNotRunningError } from '@lean-ops/core';
import type { LandingStatus } from '@lean-ops/lake';
import { parseSchedulerOptions, type SchedulerOptions, schedulerOptionsOf } from './options.js';
import type { ReprocessRequest } from './reprocess-request.js';
import type { TableHealthReading } from './run-history.js';
import type { RunReport } from './run-state.js';
import { Scheduler, type SchedulerDeps } from './scheduler.js';
import { checkSnowflakeRefreshDeps } from './snowflake-refresh.js';
import { syncConfigSchemas } from './sync-schemas.js';

/** Delivery of landed files into RAW when this process plays Firehose (the local runner's landing committer). */
export interface LandingDelivery {
  /** Starts committing; `onCommitted` hears of every round that made RAW snapshots. */
  start(onCommitted?: (topics: readonly string[]) => void): void;
  status(): Promise<LandingStatus>;
  /** Stops and commits what is left; idempotent. */
  close(): Promise<void>;
}

/**
 * The ports the scheduler runs on: DynamoDB state, Glue jobs and Iceberg snapshots,
 * CloudWatch notices in AWS; DynamoDB Local, the DuckDB lake and the log on one machine.
 */
export interface SchedulerAdapters extends SchedulerDeps {
  /** Started and closed with the scheduler; its waiting files are part of the status. */
  readonly landing?: LandingDelivery;
}

/** Reports per topic in {@link SchedulerStatus.recentRuns}. */
export const STATUS_RECENT_RUNS = 5;

/** What the scheduler reports about itself. */
export interface SchedulerStatus {
  /** Runs executing now. */
  readonly activeRuns: number;
  /** Runs waiting for their turn or for a retry. */
  readonly queuedRuns: number;
  /** Per topic, the newest run reports first, at most {@link STATUS_RECENT_RUNS}. */
  readonly recentRuns: Readonly<Record<string, readonly RunReport[]>>;
  /** Landed files not yet committed into RAW; 0 without a landing committer. */
  readonly landedFiles: number;
  /** Per topic, the health of its tables after its latest maintenance; null before the first. */
  readonly tableHealth: Readonly<Record<string, TableHealthReading | null>>;
  /** Per topic, the reprocess waiting or running now (docs/reprocess.md); null when none. */
  readonly reprocesses: Readonly<Record<string, ReprocessRequest | null>>;
}

/** The scheduler of the per-topic pipeline runs. */
export interface SchedulerService extends Service<SchedulerStatus> {
  /** The validated options (the config's `scheduler` section and `thresholds`, the topics, Redis). */
  readonly options: SchedulerOptions;
  /** Polls RAW once now, outside its interval, so a run starts for data that just arrived. */
  pollRaw(): Promise<void>;
}

/**
 * Composes the scheduler from the config (topics, `thresholds`, the `scheduler` section),
 * the Redis of BullMQ and the adapters. The one composition of the scheduler: the Fargate
 * entry point and `lean-ops dev` both use it. Throws `ConfigError` naming a bad option;
 * `start()` registers the config's schemas, starts the landing committer when there is
 * one, connects to Redis and starts taking runs. `close()` closes the scheduler (within
 * its budget), then the landing committer; the other adapters stay the caller's to release.
 */
export function composeSchedulerService(
  config: Pick<LeanOpsConfig, 'topics' | 'thresholds' | 'scheduler'>,
  redisUrl: string,
  adapters: SchedulerAdapters,
): SchedulerService {
  const options = parseSchedulerOptions(schedulerOptionsOf(config, redisUrl));
  const { landing, ...deps } = adapters;
  if (deps.snowflake) checkSnowflakeRefreshDeps(deps.snowflake);
  let scheduler: Scheduler | undefined;
  let starting: Promise<void> | undefined;
  let closed = false;
  const running = (): Scheduler => {
    if (closed) throw new ServiceNotRunningError('scheduler', 'closed');
    if (!scheduler) throw new ServiceNotRunningError('scheduler', 'not started');
    return scheduler;
  };
  return {
    options,
    start() {
      if (closed) return Promise.reject(new ServiceNotRunningError('scheduler', 'closed'));
      starting ??= (async () => {
        // With the event trigger on, a commit polls RAW at once: waiting for the watcher's next
        // tick would add up to one poll interval of freshness, as the two timers happen to line up.
        landing?.start(options.rawPollSeconds > 0 ? () => void scheduler?.pollRaw() : undefined);
        await syncConfigSchemas(config.topics, deps.schemas, deps.logger);
        scheduler = await Scheduler.start(options, deps);
      })();
      return starting;
    },
    async status() {
      const s = running();
      const [runs, recent, health, reprocesses, landed] = await Promise.all([
        s.runs.counts(),
        Promise.all(options.topics.map(async (topic) => [topic, await s.history.recent(topic, STATUS_RECENT_RUNS)])),
        Promise.all(options.topics.map(async (topic) => [topic, await s.history.health(topic)])),
        Promise.all(options.topics.map(async (topic) => [topic, await s.runs.pendingReprocess(topic)])),
        landing?.status(),
      ]);
      return {
        activeRuns: runs.active,
        queuedRuns: runs.queued,
        recentRuns: Object.fromEntries(recent),
        landedFiles: landed?.waitingFiles ?? 0,
        tableHealth: Object.fromEntries(health),
        reprocesses: Object.fromEntries(reprocesses),
      };
    },
    pollRaw: () => running().pollRaw(),
    close: onceAsync(async () => {
      closed = true;
      if (!starting) return;
      await starting.catch(() => undefined);
      try {
        await scheduler?.close();
      } finally {
        await landing?.close();
      }
    }),
  };
}
