import { isErrorNamed } from '@lean-ops/core';
import type { Logger } from '@lean-ops/logger';
import { type Job, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { SchedulerOptions } from './options.js';
import type { PipelineDeps } from './pipeline-deps.js';
import { executeRun } from './pipeline-run.js';
import type { RunHistory } from './run-history.js';
import { RUN_QUEUE_NAME, type RunJobData, type RunQueue } from './run-queue.js';
import { failedReportOf, reportOf } from './run-report.js';
import { initialRunState, type MaintenanceResult, type RunReport, type RunState } from './run-state.js';
import { type SchedulerMetrics, tableHealthOf } from './scheduler-metrics.js';
import type { SnowflakeRefreshStep } from './snowflake-refresh.js';

export interface PipelineWorkerOptions {
  readonly connection: Redis;
  readonly settings: SchedulerOptions;
  readonly deps: PipelineDeps;
  readonly runs: RunQueue;
  readonly history: RunHistory;
  readonly metrics: SchedulerMetrics;
  readonly logger: Logger;
  /** Called with every finished run (the local dev's live view, tests). */
  readonly onReport?: (report: RunReport) => void;
  /** Refreshes the topic's Snowflake table after a run that changed its schema (a Snowflake connection is configured). */
  readonly snowflakeRefresh?: SnowflakeRefreshStep;
}

/**
 * Processes run jobs: executes (or resumes) the run's steps, saving the state in the job
 * after each one, records the outcome, and requests the next run at once when the
 * backlog threshold says so. A run whose attempts are used up is recorded as Failed. A run
 * withdrawn from its job batch by the closing scheduler goes back to the queue without
 * spending an attempt, to resume from that step.
 */
export function createPipelineWorker(options: PipelineWorkerOptions): Worker<RunJobData, RunReport> {
  const { settings, deps, runs, history, metrics, logger } = options;
  /** The health after a maintenance: gauges, the status page's reading, the notifier (CloudWatch in AWS). */
  const publishMaintenance = async (topic: string, result: MaintenanceResult, at: string): Promise<void> => {
    metrics.observeMaintenance(topic, result);
    const tables = tableHealthOf(topic, result);
    const retry = result.tables.filter((t) => t.status === 'retry_later').map((t) => t.layer);
    if (result.error !== undefined) logger.error({ topic, err: result.error }, `maintenance of ${topic} failed`);
    else if (retry.length > 0)
      logger.info({ topic, retry }, `maintenance of ${topic}: retried at the next maintenance`);
    if (tables.length === 0) return;
    await history.recordHealth(topic, tables, at);
    await deps.notifier
      .notify({ kind: 'table_health', topic, tables })
      .catch((err: unknown) => logger.warn({ topic, err: (err as Error).message }, 'table health notice failed'));
  };

  const finish = async (report: RunReport): Promise<void> => {
    metrics.observeRun(report);
    await history.record(report);
    options.onReport?.(report);
    const log = report.outcome === 'Failed' ? logger.error.bind(logger) : logger.info.bind(logger);
    log({ run: report }, `run of ${report.topic}: ${report.outcome}`);
  };

  const processor = async (job: Job<RunJobData, RunReport>, token?: string, signal?: AbortSignal) => {
    const { topic, trigger } = job.data;
    if (!settings.topics.includes(topic)) throw new UnrecoverableError(`topic ${topic} is not configured`);
    const resumed = job.data.state;
    if (resumed) logger.info({ topic, completed: resumed.completed }, `resuming run of ${topic}`);
    // A run that starts while the topic has a reprocess waiting becomes that reprocess run.
    // Its state is saved before the first step, so a failure at any point is reported as one.
    const claimed = resumed ? undefined : ((await runs.pendingReprocess(topic)) ?? undefined);
    const start = resumed ?? initialRunState(topic, trigger, new Date(), claimed);
    if (claimed) {
      await job.updateData({ ...job.data, state: start });
      logger.info({ topic, reprocess: claimed }, `reprocess of ${topic} (${claimed.layer}) started`);
    }
    const reprocessing = start.reprocess !== undefined;
    metrics.activeRuns.inc();
    if (reprocessing) metrics.reprocessActive.set({ topic }, 1);
    try {
      const end = await executeRun(deps, settings, start, {
        save: (state: RunState) => job.updateData({ ...job.data, state }),
        onStep: (step, ms) => {
          metrics.observeStep(step, ms);
          logger.debug({ topic, step, ms }, `${topic}: ${step} done`);
        },
        ...(deps.maintenance && { claimMaintenance: () => runs.claimMaintenance(topic) }),
        ...(signal && { signal }),
      });
      // Bounded by its timeout and never throws: Snowflake cannot fail or hold up the run.
      const refresh = await options.snowflakeRefresh?.afterRun(end, signal);
      const report: RunReport = { ...reportOf(end, new Date()), ...(refresh && { snowflake_refresh: refresh }) };
      if (end.maintenance) await publishMaintenance(topic, end.maintenance, report.finished_at);
      // Cleared before the report is out (whoever waits for it may ask again at once) and
      // before the catch-up run is requested, so that run is a pipeline run.
      if (end.reprocess) await runs.finishReprocess(topic, end.reprocess.request.id);
      await finish(report);
      if (end.again) await runs.requestRun(topic, 'backlog');
      return report;
    } catch (err) {
      // A reprocess that cannot be planned (no schema, unknown snapshot) fails the same on every attempt.
      if (isErrorNamed((err as Error)?.cause, 'ReprocessPlanError')) {
        const unrecoverable = new UnrecoverableError((err as Error).message);
        unrecoverable.cause = err;
        throw unrecoverable;
      }
      if (!isErrorNamed((err as Error)?.cause, 'JobWithdrawnError')) throw err;
      logger.info({ topic, err: (err as Error).message }, `run of ${topic} put back: the scheduler is closing`);
      await job.moveToWait(token);
      throw new WaitingError();
    } finally {
      metrics.activeRuns.dec();
      if (reprocessing) metrics.reprocessActive.set({ topic }, 0);
    }
  };

  const worker = new Worker<RunJobData, RunReport>(RUN_QUEUE_NAME, processor, {
    connection: options.connection,
    prefix: settings.prefix,
    concurrency: settings.concurrency,
    lockDuration: settings.lockDurationMs,
    stalledInterval: settings.stalledIntervalMs,
    maxStalledCount: 1,
    autorun: false,
  });
  worker.on('failed', (job, err) => {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || err instanceof UnrecoverableError;
    if (!final) {
      logger.warn(
        { topic: job.data.topic, attempt: job.attemptsMade, err: err.message },
        'run attempt failed; will resume',
      );
      return;
    }
    const state = job.data.state ?? initialRunState(job.data.topic, job.data.trigger, new Date(job.timestamp));
    const cause = err instanceof UnrecoverableError && err.cause instanceof Error ? err.cause : err;
    // A failed reprocess left the old layers and checkpoints: the topic's pipeline runs go on, and it can be asked again.
    const freed = state.reprocess ? runs.finishReprocess(state.topic, state.reprocess.request.id) : Promise.resolve();
    freed
      .then(() => finish(failedReportOf(state, cause, new Date())))
      .catch((e: unknown) => logger.error({ err: e }, 'recording a failed run'));
  });
  worker.on('error', (err) => logger.error({ err }, 'run worker error'));
  return worker;
}
