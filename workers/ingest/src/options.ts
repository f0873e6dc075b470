import { ingestTuningSchema } from '@lean-ops/config';
import { parseOptions } from '@lean-ops/core';
import { z } from 'zod';

/** One topic queue the worker consumes. */
export const queueOptionsSchema = z.strictObject({
  /** Topic whose messages the queue carries; the metric label of its counters. */
  topic: z.string().min(1),
  /** SQS queue URL. */
  url: z.string().url(),
  /** Its dead-letter queue, sampled for depth metrics. */
  dlqUrl: z.string().url().optional(),
});

/**
 * Options of the ingest worker, validated once at construction: the queues the deployment
 * resolved, plus the tuning of the config's `ingest` section (its defaults and rules are
 * defined there, in packages/config).
 */
export const ingestOptionsSchema = ingestTuningSchema
  .safeExtend({ queues: z.array(queueOptionsSchema).min(1) })
  .superRefine((o, ctx) => {
    const urls = o.queues.map((q) => q.url);
    urls.forEach((url, i) => {
      if (urls.indexOf(url) !== i)
        ctx.addIssue({ code: 'custom', path: ['queues', i, 'url'], message: 'listed twice' });
    });
  });

export type IngestOptionsInput = z.input<typeof ingestOptionsSchema>;
export type IngestOptions = z.output<typeof ingestOptionsSchema>;
export type QueueOptions = z.output<typeof queueOptionsSchema>;

/** Validates worker options; throws `ConfigError` naming every bad option. */
export function parseIngestOptions(input: unknown): IngestOptions {
  return parseOptions(ingestOptionsSchema, input, 'ingest worker options');
}
