import { DEFAULT_DATA_DIR, semanticColumnSchema, semanticSchemaSchema, TOPIC_NAME_PATTERN } from '@lean-ops/core';
import { z } from 'zod';
import { dlqSectionSchema } from './sections/dlq.js';
import { ingestTuningSchema } from './sections/ingest.js';
import { schedulerTuningSchema } from './sections/scheduler.js';
import { snowflakeSectionSchema } from './sections/snowflake.js';

const positiveInt = z.number().int().positive();

/**
 * Alert and loop thresholds of contract §7. Every value is in base units (seconds,
 * records) and named with its unit.
 */
export const thresholdsSchema = z.strictObject({
  /** DLQ oldest message age that raises an alarm. @defaultValue 604800 (7 days) */
  dlqMaxAgeSeconds: positiveInt.default(7 * 24 * 3600),
  /** RAW records waiting for curation that raise an alarm. @defaultValue 100000 */
  curationPendingRecords: positiveInt.default(100_000),
  /** Curated-to-semantic lag that raises an alarm. @defaultValue 7200 (2 hours) */
  semanticLagSeconds: positiveInt.default(2 * 3600),
  /** Scheduled pipeline run per topic (the scheduler's timer). @defaultValue 900 (15 minutes) */
  triggerIntervalSeconds: positiveInt.default(15 * 60),
  /**
   * A run that wrote more semantic records than this loops at once: the scheduler's
   * backlog rule, set only here. @defaultValue 10000
   */
  backlogRecords: positiveInt.default(10_000),
  /**
   * Live data files under the small-file threshold in one table that raise an alarm: compaction
   * does not keep up (docs/maintenance.md). @defaultValue 1000
   */
  tableSmallFiles: positiveInt.default(1_000),
  /**
   * Merge-on-read delete files in one table that raise an alarm: compaction does not fold them
   * and every read pays for them. @defaultValue 500
   */
  tableDeleteFiles: positiveInt.default(500),
  /** Snapshots kept by one table that raise an alarm: expiry does not run. @defaultValue 5000 */
  tableSnapshots: positiveInt.default(5_000),
});

/** A topic's semantic schema in the config file: the contract's format, `topic` implied. */
const topicSchemaSchema = z.strictObject({
  topic: z.string().optional(),
  version: positiveInt.default(1),
  columns: z.array(semanticColumnSchema).min(1),
});

export const topicEntrySchema = z.strictObject({
  /** Optional semantic schema; without one the topic is curation-only. */
  schema: topicSchemaSchema.optional(),
});

export const configFileSchema = z
  .strictObject({
    /** Topics keyed by name; each needs a queue of its own. */
    topics: z.record(
      z.string().regex(TOPIC_NAME_PATTERN, 'topic names match ^[a-z][a-z0-9_]{0,62}$'),
      topicEntrySchema,
    ),
    thresholds: thresholdsSchema.default(thresholdsSchema.parse({})),
    /** pino level. @defaultValue "info" */
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** `/metrics`, `/healthz`, `/readyz` port; 0 picks a free one. @defaultValue 9464 */
    metricsPort: z.number().int().min(0).max(65_535).default(9464),
    /** Ingest worker tuning (threads, pollers, caps, linger, breaker, shutdown). */
    ingest: ingestTuningSchema.prefault({}),
    /** DLQ processor tuning (attempts, backoff, caps) and its metrics port. */
    dlq: dlqSectionSchema.prefault({}),
    /** Scheduler tuning (concurrency, attempts, RAW poll, locks, history, shutdown). */
    scheduler: schedulerTuningSchema.prefault({}),
    /** Snowflake over the semantic layer (docs/snowflake.md); absent: no Snowflake. */
    snowflake: snowflakeSectionSchema.optional(),
    /** Local lake, queues and state. @defaultValue ".lean-ops" */
    dataDir: z.string().min(1).default(DEFAULT_DATA_DIR),
  })
  .superRefine((config, ctx) => {
    for (const [name, entry] of Object.entries(config.topics)) {
      if (entry.schema === undefined) continue;
      if (entry.schema.topic !== undefined && entry.schema.topic !== name) {
        ctx.addIssue({
          code: 'custom',
          path: ['topics', name, 'schema', 'topic'],
          message: `must equal the topic key "${name}" (or be left out)`,
        });
        continue;
      }
      // Cross-column rules (duplicates) live in the core schema; report them here with the full path.
      const whole = semanticSchemaSchema.safeParse({ ...entry.schema, topic: name });
      for (const issue of whole.success ? [] : whole.error.issues) {
        ctx.addIssue({ code: 'custom', path: ['topics', name, 'schema', ...issue.path], message: issue.message });
      }
    }
    if (Object.keys(config.topics).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['topics'], message: 'at least one topic is required' });
    }
  });

export type ConfigInput = z.input<typeof configFileSchema>;
export type Thresholds = z.output<typeof thresholdsSchema>;
