import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';

/** Is `tz` an IANA time zone this runtime knows (what the cron parser will accept)? */
function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * When table maintenance may run: from each firing of `pattern` (a cron pattern read by
 * `cron-parser`, the parser BullMQ's own `pattern` schedulers use) in time zone `tz`, for
 * `durationSeconds`. Maintenance is due inside a window once `maintenanceIntervalSeconds`
 * has passed since the last one.
 */
export const maintenanceWindowSchema = z
  .strictObject({
    /** Cron pattern of the window's start, e.g. `0 2 * * *` (02:00 every day); 5 fields, or 6 with seconds first. */
    pattern: z.string().min(1),
    /** IANA time zone of the pattern, e.g. `Europe/Berlin`; its DST changes are the cron parser's. @defaultValue "UTC" */
    tz: z.string().min(1).default('UTC'),
    /** How long the window stays open after each firing. */
    durationSeconds: z.number().int().min(300).max(604_800),
  })
  .superRefine((window, ctx) => {
    if (!isTimeZone(window.tz)) {
      ctx.addIssue({ code: 'custom', path: ['tz'], message: `not an IANA time zone: ${JSON.stringify(window.tz)}` });
      return;
    }
    try {
      CronExpressionParser.parse(window.pattern, { tz: window.tz });
    } catch (err) {
      ctx.addIssue({
        code: 'custom',
        path: ['pattern'],
        message: `not a cron pattern: ${JSON.stringify(window.pattern)}: ${(err as Error).message}`,
      });
    }
  });

export type MaintenanceWindow = z.output<typeof maintenanceWindowSchema>;

/**
 * The `scheduler` section of the config file: concurrency, lake-job batching, retries,
 * RAW poll, locks, history, shutdown. When runs start and when they loop come from `thresholds`
 * (`triggerIntervalSeconds`, `backlogRecords`); Redis and the topics from the deployment.
 */
export const schedulerTuningSchema = z.strictObject({
  /** How often RAW snapshots are polled for the event trigger and lag metrics (locally a landing commit also polls at once); 0 = off, the commit poll too. @defaultValue 30 */
  rawPollSeconds: z.number().nonnegative().default(30),
  /**
   * Runs of different topics in parallel (one per topic at most). A run waiting for its
   * batch of lake jobs holds its slot, so fewer slots than topics leave the others out of
   * the batch (they join the next one). @defaultValue the number of topics
   */
  concurrency: z.number().int().positive().optional(),
  /**
   * Least time between the starts of two lake-job runs of one kind (curation, semantic):
   * snapshot commits, timer ticks and backlog loops in between gather into the next run,
   * one Glue run for every topic with work. 0 = a run may start as soon as the previous
   * one ended. On AWS the stage sets it (`LEAN_OPS_JOB_MIN_INTERVAL_SECONDS`). @defaultValue 0
   */
  jobMinIntervalSeconds: z.number().int().nonnegative().max(86_400).default(0),
  /**
   * How long the first job request of a batch waits for the requests of other topics
   * before the batch starts (when the minimum interval does not already hold it). @defaultValue 200
   */
  jobGatherMs: z.number().int().nonnegative().max(600_000).default(200),
  /**
   * Table maintenance per topic (compaction, checkpoint-aware snapshot expiry, orphans;
   * docs/maintenance.md) every this many seconds, as the last step of a run of the topic, so
   * it never overlaps the topic's curation or semantic job. The first comes at start-up.
   * 0 = off; no effect without a maintenance engine. @defaultValue 86400
   */
  maintenanceIntervalSeconds: z.number().int().nonnegative().max(2_592_000).default(86_400),
  /**
   * Off-peak window of table maintenance: due only inside `[a firing of pattern, + durationSeconds)`
   * once the interval has passed. On AWS the stage sets it (`LEAN_OPS_MAINTENANCE_WINDOW`).
   * @defaultValue none (any time)
   */
  maintenanceWindow: maintenanceWindowSchema.optional(),
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
