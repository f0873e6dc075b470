import { z } from 'zod';

const ms = z.number().int().nonnegative();

/**
 * The `ingest` section of the config file: how the ingest worker polls, buffers, flushes,
 * retries and shuts down. Defaults suit one Fargate task of 1 vCPU. The worker's own
 * options add what the deployment resolves at start (its queues).
 */
export const ingestTuningSchema = z
  .strictObject({
    /**
     * Pipelines in worker threads (`lean-ops ingest` only): each runs its own pollers,
     * clients, batcher and sink calls on its own core. 0 = one per available core.
     * @defaultValue 1
     */
    threads: z.number().int().min(0).max(64).default(1),
    /** Concurrent long-pollers per queue (a single sqs-consumer polls one batch at a time). @defaultValue 4 */
    pollersPerQueue: z.number().int().min(1).max(64).default(4),
    /** Long-poll wait. @defaultValue 20 (the SQS maximum) */
    waitTimeSeconds: z.number().int().min(0).max(20).default(20),
    /** Visibility timeout applied at receive; the heartbeat renews it. @defaultValue 60 */
    visibilityTimeoutSeconds: z.number().int().min(5).max(43_200).default(60),
    /** How often in-flight messages get their visibility renewed. @defaultValue 20000 */
    heartbeatIntervalMs: ms.default(20_000),
    /** Received but not yet acknowledged messages; pollers wait above it. @defaultValue 5000 */
    maxInFlightMessages: z.number().int().min(10).default(5_000),
    /** Bytes of RAW records buffered for the sink; pollers wait above it. @defaultValue 64 MiB */
    maxBufferedBytes: z
      .number()
      .int()
      .min(1024)
      .default(64 * 1024 * 1024),
    /** Longest a record waits for its batch to fill. @defaultValue 200 */
    lingerMs: ms.default(200),
    /** Sink calls in progress at once. @defaultValue 4 */
    maxConcurrentFlushes: z.number().int().min(1).max(64).default(4),
    /** First RETRY visibility delay; doubles with each receive. @defaultValue 2 */
    retryBaseDelaySeconds: z.number().int().min(0).default(2),
    /** Cap of the RETRY visibility delay. @defaultValue 300 */
    retryMaxDelaySeconds: z.number().int().min(0).max(43_200).default(300),
    /** Consecutive failed sink calls that open the circuit breaker. @defaultValue 5 */
    breakerThreshold: z.number().int().min(1).default(5),
    /** Time the breaker stays open before a probe. @defaultValue 5000 */
    breakerHalfOpenAfterMs: ms.default(5_000),
    /** Longest `close()` takes; must stay below the ECS stop timeout. @defaultValue 30000 */
    shutdownBudgetMs: ms.default(30_000),
    /** How often queue depths are sampled with GetQueueAttributes (0 = never). @defaultValue 15000 */
    queueStatsIntervalMs: ms.default(15_000),
  })
  .superRefine((o, ctx) => {
    if (o.heartbeatIntervalMs >= o.visibilityTimeoutSeconds * 1000) {
      ctx.addIssue({
        code: 'custom',
        path: ['heartbeatIntervalMs'],
        message: `must be less than visibilityTimeoutSeconds × 1000 (${o.visibilityTimeoutSeconds * 1000})`,
      });
    }
    if (o.retryBaseDelaySeconds > o.retryMaxDelaySeconds) {
      ctx.addIssue({
        code: 'custom',
        path: ['retryBaseDelaySeconds'],
        message: 'must not exceed retryMaxDelaySeconds',
      });
    }
  });

export type IngestTuningInput = z.input<typeof ingestTuningSchema>;
/** The `ingest` section, validated, defaults applied. */
export type IngestTuning = z.output<typeof ingestTuningSchema>;
