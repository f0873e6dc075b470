import { DEFAULT_MAX_RECORD_BYTES } from '@lean-ops/core';
import { z } from 'zod';

/** SQS's largest `DelaySeconds`: a redrive cannot be postponed longer than 15 minutes. */
export const MAX_DELAY_SECONDS = 900;

const ms = z.number().int().nonnegative();

/**
 * What the DLQ processor and the operator commands take from the `dlq` section: attempts,
 * backoff, caps. Their own options add the queues resolved at start.
 */
export const dlqTuningSchema = z
  .strictObject({
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
  });

/**
 * The `dlq` section of the config file: the processor's tuning and its metrics port.
 * `LEAN_OPS_DLQ_*` variables and the `lean-ops dlq` flags set some of its keys.
 */
export const dlqSectionSchema = dlqTuningSchema.safeExtend({
  /**
   * `/metrics`, `/healthz`, `/readyz` port of `lean-ops dlq run`; the ingest worker serves
   * 9464 by default, so both run on one machine. 0 picks a free one. @defaultValue 9465
   */
  metricsPort: z.number().int().min(0).max(65_535).default(9465),
});

export type DlqTuningInput = z.input<typeof dlqTuningSchema>;
/** The processor's tuning, validated, defaults applied. */
export type DlqTuning = z.output<typeof dlqTuningSchema>;
/** The `dlq` section, validated, defaults applied. */
export type DlqSection = z.output<typeof dlqSectionSchema>;

/** What the DLQ processor and the operator commands take from a `dlq` section: all but the metrics port. */
export function dlqTuningOf(section: DlqSection): DlqTuning {
  const { metricsPort: _port, ...tuning } = section;
  return tuning;
}
