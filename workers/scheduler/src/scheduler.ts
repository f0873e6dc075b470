import { finishesWithin, type JobRunner, onceAsync } from '@lean-ops/core';
import type { Logger } from '@lean-ops/logger';
import type { Registry } from '@lean-ops/metrics';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { JobBatcher } from './job-batcher.js';
import { MaintenanceSchedule } from './maintenance-window.js';
import { parseSchedulerOptions, type SchedulerOptions, type SchedulerOptionsInput } from './options.js';
import type { PipelineDeps } from './pipeline-deps.js';
import { createPipelineWorker } from './pipeline-worker.js';
import { RawWatcher } from './raw-watcher.js';
import { createRedis } from './redis-client.js';
import type { ReprocessRequest } from './reprocess-request.js';
import { RunHistory } from './run-history.js';
import { type RunJobData, RunQueue } from './run-queue.js';
import type { RunReport } from './run-state.js';
import { createSchedulerMetrics, type SchedulerMetrics } from './scheduler-metrics.js';
import {
  checkSnowflakeRefreshDeps,
  DEFAULT_SNOWFLAKE_REFRESH_TIMEOUT_MS,
  RedisRefreshMarks,
  type SnowflakeRefreshDeps,
  SnowflakeRefreshStep,
} from './snowflake-refresh.js';
import { SnowflakeStatusSampler } from './snowflake-status-sampler.js';
import type { Trigger } from './steps.js';
import { TimerTriggers } from './timer-triggers.js';

export interface SchedulerDeps extends Omit<PipelineDeps, 'jobs'> {
  /** The engine; the runs' job calls reach it in batches (`scheduler.jobGatherMs`, `jobMinIntervalSeconds`). */
  readonly jobs: JobRunner;
  readonly registry: Registry;
  readonly logger: Logger;
  readonly onReport?: (report: RunReport) => void;
  /** With a Snowflake connection: the forced refresh after a schema change and the auto-refresh gauges. */
  readonly snowflake?: SnowflakeRefreshDeps;
}

/**
 * The BullMQ scheduler of the per-topic pipeline runs: timer and RAW-advanced triggers,
 * a maintenance trigger that has a run of the topic maintain its tables after its data steps,
 * one run per topic at a time (plus one queued), runs of contract §6 resumable step by
 * step, their lake jobs batched across topics (`JobBatcher`), a run history and metrics.
 * `close()` is idempotent: it withdraws the runs waiting for a batch (they resume from
 * that step in the next scheduler) and waits for active runs up to the shutdown budget;
 * runs still active then are resumed by the next scheduler.
 */
export class Scheduler {
  readonly metrics: SchedulerMetrics;
  readonly history: RunHistory;
  readonly runs: RunQueue;
  private readonly worker: Worker<RunJobData, RunReport>;
  private readonly triggers: TimerTriggers;
  private readonly maintenanceTriggers: TimerTriggers;
  private readonly maintenanceSchedule: MaintenanceSchedule;
  private readonly watcher: RawWatcher;
  private readonly jobs: JobBatcher;
  private readonly snowflakeStatus: SnowflakeStatusSampler | undefined;

  private constructor(
    readonly options: SchedulerOptions,
    private readonly deps: SchedulerDeps,
    private readonly connections: readonly Redis[],
  ) {
    const [queueConn, workerConn, triggerConn] = connections as [Redis, Redis, Redis];
    this.metrics = createSchedulerMetrics(deps.registry);
    this.runs = new RunQueue({
      connection: queueConn,
      prefix: options.prefix,
      attempts: options.attempts,
      retryBackoffMs: options.retryBackoffMs,
      requests: this.metrics.runTriggers,
    });
    this.history = new RunHistory(queueConn, options.prefix, options.historyLength);
    this.jobs = new JobBatcher(deps.jobs, {
      gatherMs: options.jobGatherMs,
      minIntervalMs: options.jobMinIntervalSeconds * 1000,
      onBatch: (kind, topics, rebuild) => {
        this.metrics.observeJobBatch(kind, topics.length);
        deps.logger.info(
          { job: kind, topics, rebuild },
          `${kind}${rebuild ? ' rebuild' : ''} job run started for ${topics.length} topic(s)`,
        );
      },
    });
    const { snowflake } = deps;
    const snowflakeRefresh =
      snowflake &&
      new SnowflakeRefreshStep({
        ...snowflake,
        marks: new RedisRefreshMarks(queueConn, options.prefix),
        refreshes: this.metrics.snowflakeRefresh,
        logger: deps.logger,
      });
    this.snowflakeStatus =
      snowflake &&
      new SnowflakeStatusSampler({
        topics: options.topics,
        refresher: snowflake.refresher,
        tableOf: snowflake.tableOf,
        ...(snowflake.statusIntervalMs !== undefined && { intervalMs: snowflake.statusIntervalMs }),
        timeoutMs: snowflake.timeoutMs ?? DEFAULT_SNOWFLAKE_REFRESH_TIMEOUT_MS,
        metrics: this.metrics,
        notifier: deps.notifier,
        logger: deps.logger,
      });
    this.worker = createPipelineWorker({
      connection: workerConn,
      settings: options,
      deps: { ...deps, jobs: this.jobs },
      runs: this.runs,
      history: this.history,
      metrics: this.metrics,
      logger: deps.logger,
      ...(deps.onReport && { onReport: deps.onReport }),
      ...(snowflakeRefresh && { snowflakeRefresh }),
    });
    this.triggers = new TimerTriggers({
      connection: triggerConn,
      prefix: options.prefix,
      runs: this.runs,
      logger: deps.logger,
    });
    this.maintenanceSchedule = new MaintenanceSchedule({
      connection: triggerConn,
      prefix: options.prefix,
      // Without a maintenance engine no timers: the upsert removes those a previous start left.
      intervalMs: deps.maintenance ? options.maintenanceIntervalSeconds * 1000 : 0,
      window: options.maintenanceWindow,
    });
    const schedule = this.maintenanceSchedule;
    this.maintenanceTriggers = new TimerTriggers({
      kind: 'maintenance',
      connection: triggerConn,
      prefix: options.prefix,
      runs: this.runs,
      logger: deps.logger,
      due: (topic) => schedule.due(topic),
    });
    this.watcher = new RawWatcher({
      topics: options.topics,
      intervalMs: options.rawPollSeconds * 1000,
      snapshots: deps.snapshots,
      checkpoints: deps.checkpoints,
      ...(deps.pending && { pending: deps.pending }),
      notifier: deps.notifier,
      runs: this.runs,
      history: this.history,
      metrics: this.metrics,
      logger: deps.logger,
    });
  }

  /** Validates the options, connects to Redis, upserts the timers and starts processing. */
  static async start(input: SchedulerOptionsInput, deps: SchedulerDeps): Promise<Scheduler> {
    const options = parseSchedulerOptions(input);
    if (deps.snowflake) checkSnowflakeRefreshDeps(deps.snowflake);
    const connections = [createRedis(options.redisUrl), createRedis(options.redisUrl), createRedis(options.redisUrl)];
    for (const c of connections)
      c.on('error', (err) => deps.logger.warn({ err: err.message }, 'Redis connection error'));
    const scheduler = new Scheduler(options, deps, connections);
    try {
      await scheduler.triggers.upsert(options.topics, options.triggerIntervalSeconds * 1000);
      await scheduler.maintenanceTriggers.upsert(options.topics, scheduler.maintenanceSchedule.tickMs);
      void scheduler.worker.run();
      scheduler.triggers.start();
      scheduler.maintenanceTriggers.start();
      scheduler.watcher.start();
      scheduler.snowflakeStatus?.start();
    } catch (err) {
      await scheduler.close();
      throw err;
    }
    deps.logger.info({ topics: options.topics }, 'scheduler started');
    return scheduler;
  }

  /** Asks for a run now (the CLI's `lean-ops run`, tests). */
  requestRun(topic: string, trigger: Trigger = 'manual'): Promise<string | undefined> {
    return this.runs.requestRun(topic, trigger);
  }

  /** Asks for a reprocess of a topic (docs/reprocess.md); `ReprocessInProgressError` while one is waiting or running. */
  requestReprocess(request: ReprocessRequest): Promise<string | undefined> {
    return this.runs.requestReprocess(request);
  }

  /** The timer triggers in Redis (one job scheduler per topic). */
  timers(): Promise<string[]> {
    return this.triggers.list();
  }

  /** Asks for a maintenance of the topic's tables now, run after its data steps by a run of the topic. */
  requestMaintenance(topic: string): Promise<string | undefined> {
    return this.runs.requestMaintenance(topic);
  }

  /** The maintenance triggers in Redis (one job scheduler per topic; none without a maintenance engine). */
  maintenanceTimers(): Promise<string[]> {
    return this.maintenanceTriggers.list();
  }

  /** One read of the Snowflake auto-refresh status now (tests); nothing without a Snowflake connection. */
  sampleSnowflakeStatus(): Promise<void> {
    return this.snowflakeStatus?.sampleOnce() ?? Promise.resolve();
  }

  /** One RAW poll now, outside the interval (tests, `--until-idle`). */
  pollRaw(): Promise<void> {
    return this.watcher.pollOnce();
  }

  /** Idempotent: every call returns the first call's promise. */
  readonly close: () => Promise<void> = onceAsync(async () => {
    await this.watcher.close();
    await this.snowflakeStatus?.close();
    await this.triggers.close();
    await this.maintenanceTriggers.close();
    // Runs waiting for a batch leave it at once (not held by the minimum interval); runs
    // inside a started batch finish within the budget.
    const batches = this.jobs.close();
    if (!(await finishesWithin(Promise.all([this.worker.close(), batches]), this.options.shutdownBudgetMs))) {
      this.deps.logger.warn('shutdown budget spent: active runs resume from their last step in the next scheduler');
      await this.worker.close(true);
    }
    await this.runs.close();
    for (const c of this.connections) c.disconnect();
  });
}
