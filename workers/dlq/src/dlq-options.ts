import { DEFAULT_MAX_RECORD_BYTES, parseOptions } from '@lean-ops/core';
import { z } from 'zod';

/** SQS's largest `DelaySeconds`: a redrive cannot be postponed longer than 15 minutes. */
export const MAX_DELAY_SECONDS = 900;

const ms = z.number().int().nonnegative();

/** One topic: its source queue (`url`), where redriven messages go, and its DLQ. */
export const dlqQueueSchema = z.strictObject({
  /** Topic of the queue pair; the metric label. */
  topic: z.string().min(1),
  /** Source queue URL. */
  url: z.string().url(),
  /** Dead-letter queue URL. */
  dlqUrl: z.string().url(),
});

/**
 * Options of the DLQ processor and the operator commands, validated once at construction.
 * Set them with `LEAN_OPS_DLQ_*` variables or the `lean-ops dlq` flags.
 */
export const dlqOptionsSchema = z
  .strictObject({
    queues: z.array(dlqQueueSchema).min(1),
    /** Redrives of one message before it goes to quarantine as `dlq:max_attempts`. @defaultValue 5 */
    maxAttempts: z.number().int().min(0).max(1000).default(5),
    /** Delay of the first redrive; doubles with each attempt (±20 % jitter). @defaultValue 60 */
    backoffBaseSeconds: z.number().int().min(0).max(MAX_DELAY_SECONDS).default(60),
    /** Cap of the redrive delay; SQS allows at most 900. @defaultValue 900 */
    backoffMaxSeconds: z.number().int().min(0).max(MAX_DELAY_SECONDS).default(MAX_DELAY_SECONDS),
    /** Visibility delay before a message whose redrive or quarantine write failed is tried again. @defaultValue 30 */
    failureRetrySeconds: z.number().int().min(0).max(43_200).default(30),
    /** Largest RAW record the sink takes; larger bodies are `dlq:too_large`. @defaultValue 1000 KiB (Firehose) */
    maxRecordBytes: z.number().int().min(1024).default(DEFAULT_MAX_RECORD_BYTES),
    /** Long-poll wait on each DLQ. @defaultValue 20 */
    waitTimeSeconds: z.number().int().min(0).max(20).default(20),
    /** Visibility at receive; a message takes one send or one quarantine write. @defaultValue 60 */
    visibilityTimeoutSeconds: z.number().int().min(5).max(43_200).default(60),
    /** Received and not yet finished messages; polling waits above it. @defaultValue 100 */
    maxInFlightMessages: z.number().int().min(10).default(100),
    /** Longest `close()` takes. @defaultValue 30000 */
    shutdownBudgetMs: ms.default(30_000),
    /** DLQ depth sampling and oldest-age refresh period (0 = depth never sampled). @defaultValue 15000 */
    queueStatsIntervalMs: ms.default(15_000),
  })
  .superRefine((o, ctx) => {
    if (o.backoffBaseSeconds > o.backoffMaxSeconds) {
      ctx.addIssue({ code: 'custom', path: ['backoffBaseSeconds'], message: 'must not exceed backoffMaxSeconds' });
    }
    // Redrives find the source queue by topic: one entry per topic.
    const topics = new Set<string>();
    for (const [i, q] of o.queues.entries()) {
      if (topics.has(q.topic)) ctx.addIssue({ code: 'custom', path: ['queues', i, 'topic'], message: 'listed twice' });
      topics.add(q.topic);
    }
  });

export type DlqOptionsInput = z.input<typeof dlqOptionsSchema>;
export type DlqOptions = z.output<typeof dlqOptionsSchema>;
export type DlqQueue = z.output<typeof dlqQueueSchema>;
/** Everything but the queues: what a deployment tunes. */
export type DlqTuning = Partial<Omit<DlqOptionsInput, 'queues'>>;

/** Validates DLQ options; throws `ConfigError` naming every bad option. */
export function parseDlqOptions(input: unknown): DlqOptions {
  return parseOptions(dlqOptionsSchema, input, 'DLQ processor options');
}
