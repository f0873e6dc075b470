import { type LeanOpsConfig, schedulerTuningSchema, thresholdsSchema } from '@lean-ops/config';
import { parseOptions, TOPIC_NAME_PATTERN } from '@lean-ops/core';
import { z } from 'zod';

/**
 * Options of the scheduler, validated once at start: what the deployment provides (Redis,
 * the topics), the timer and the backlog rule, plus the tuning of the config's `scheduler`
 * section (its defaults and rules are defined there, in packages/config).
 */
export const schedulerOptionsSchema = schedulerTuningSchema
  .safeExtend({
    /** Redis for BullMQ (ElastiCache in AWS: `rediss://…`). */
    redisUrl: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
    /** Topics to run; one job scheduler each. */
    topics: z.array(z.string().regex(TOPIC_NAME_PATTERN)).min(1),
    /**
     * Timer trigger per topic; a deployment passes `thresholds.triggerIntervalSeconds`. The
     * first tick comes at start-up (a catch-up run). 0 = no timer (event and manual triggers only).
     */
    triggerIntervalSeconds: z.number().nonnegative(),
    /** `thresholds.backlogRecords`: semantic records written above which another run starts at once. */
    backlogRecords: thresholdsSchema.shape.backlogRecords,
  })
  // Every topic's run can wait in the same batch of lake jobs (see `concurrency`).
  .transform((o) => ({ ...o, concurrency: o.concurrency ?? o.topics.length }));

export type SchedulerOptionsInput = z.input<typeof schedulerOptionsSchema>;
export type SchedulerOptions = z.output<typeof schedulerOptionsSchema>;

export function parseSchedulerOptions(input: unknown): SchedulerOptions {
  return parseOptions(schedulerOptionsSchema, input, 'scheduler options');
}

/**
 * The scheduler's options of a deployment: every configured topic, the timer and backlog
 * rule of `thresholds`, the `scheduler` section, and the Redis the deployment provides.
 */
export function schedulerOptionsOf(
  config: Pick<LeanOpsConfig, 'topics' | 'thresholds' | 'scheduler'>,
  redisUrl: string,
): SchedulerOptionsInput {
  return {
    ...config.scheduler,
    redisUrl,
    topics: config.topics.map((t) => t.name),
    triggerIntervalSeconds: config.thresholds.triggerIntervalSeconds,
    backlogRecords: config.thresholds.backlogRecords,
  };
}
