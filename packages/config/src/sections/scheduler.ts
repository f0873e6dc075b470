import { z } from 'zod';

/**
 * The `scheduler` section of the config file: concurrency, retries, RAW poll, locks,
 * history, shutdown. When runs start and when they loop come from `thresholds`
 * (`triggerIntervalSeconds`, `backlogRecords`); Redis and the topics from the deployment.
 */
export const schedulerTuningSchema = z.strictObject({
  /** How often RAW snapshots are polled for the event trigger and lag metrics; 0 = off. @defaultValue 30 */
  rawPollSeconds: z.number().nonnegative().default(30),
  /** Runs of different topics in parallel (one per topic at most). @defaultValue 4 */
  concurrency: z.number().int().positive().default(4),
  /** Attempts per run; each retry resumes from the last completed step. @defaultValue 3 */
  attempts: z.number().int().positive().default(3),
  /** First retry delay, doubled per attempt. @defaultValue 10000 */
  retryBackoffMs: z.number().int().nonnegative().default(10_000),
  /** BullMQ job lock; a dead worker's run is picked up again after it lapses. @defaultValue 30000 */
  lockDurationMs: z.number().int().positive().default(30_000),
  /** How often BullMQ looks for runs of dead workers. @defaultValue 30000 */
  stalledIntervalMs: z.number().int().positive().default(30_000),
  /** Key prefix of every Redis key. @defaultValue "lean-ops" */
  prefix: z.string().min(1).default('lean-ops'),
  /** Runs kept per topic in the history. @defaultValue 50 */
  historyLength: z.number().int().positive().default(50),
  /**
   * How long `close()` waits for active runs; after it they are left to be resumed by the
   * next scheduler from their last completed step. @defaultValue 30000
   */
  shutdownBudgetMs: z.number().int().nonnegative().default(30_000),
});

export type SchedulerTuningInput = z.input<typeof schedulerTuningSchema>;
/** The `scheduler` section, validated, defaults applied. */
export type SchedulerTuning = z.output<typeof schedulerTuningSchema>;
