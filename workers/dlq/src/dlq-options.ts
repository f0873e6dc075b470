import { dlqTuningSchema } from '@lean-ops/config';
import { parseOptions } from '@lean-ops/core';
import { z } from 'zod';

export { MAX_DELAY_SECONDS } from '@lean-ops/config';

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
 * Options of the DLQ processor and the operator commands, validated once at construction:
 * the queues the deployment resolved, plus the tuning of the config's `dlq` section (its
 * defaults and rules are defined there, in packages/config).
 */
export const dlqOptionsSchema = dlqTuningSchema
  .safeExtend({ queues: z.array(dlqQueueSchema).min(1) })
  .superRefine((o, ctx) => {
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

/** Validates DLQ options; throws `ConfigError` naming every bad option. */
export function parseDlqOptions(input: unknown): DlqOptions {
  return parseOptions(dlqOptionsSchema, input, 'DLQ processor options');
}
