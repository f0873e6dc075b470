import {
  formatZodIssues,
  JobFailedError,
  type MaintainOptions,
  TABLE_HEALTH_FIGURES,
  TABLE_LAYERS,
  type TableHealth,
  type TableHealthFigures,
  type TableMaintenance,
  type TableMaintenanceOutcome,
  type TopicCheckpoints,
} from '@lean-ops/core';
import { z } from 'zod';
import { checkGlueRunOptions, GlueJobRunClient, type GlueRunOptions } from './glue-job-run-client.js';
import { OptionChecks } from './option-checks.js';

/**
 * `resultsUri`: batches go to `<resultsUri>/maintenance/requests/`, results are read from
 * `<resultsUri>/maintenance/<runId>.json`. Defaults: `GLUE_TABLE_MAINTENANCE_DEFAULTS`.
 */
export interface GlueTableMaintenanceOptions extends GlueRunOptions {
  /** Glue job running `jobs/glue/maintenance_job.py`, deployed with `--result_uri <resultsUri>/maintenance`. */
  readonly jobName: string;
}

export const GLUE_TABLE_MAINTENANCE_DEFAULTS = {
  pollIntervalMs: 10_000,
  maxPollIntervalMs: 60_000,
  timeoutMs: 3_600_000,
  startRetries: 10,
} as const;

const count = z.number().int().nonnegative();
const figures = z.object(
  Object.fromEntries(TABLE_HEALTH_FIGURES.map((f) => [f, count])) as Record<string, typeof count>,
);
const tableEntry = z.looseObject({
  layer: z.enum(TABLE_LAYERS),
  table: z.string(),
  status: z.enum(['done', 'dry_run', 'retry_later', 'skipped', 'failed']),
  actions: z.record(z.string(), z.union([count, z.record(z.string(), z.number())])).default({}),
  health_before: figures.optional(),
  health_after: figures.optional(),
  error: z.string().optional(),
});
const resultDocument = z.looseObject({
  job_run_id: z.string(),
  topics: z.array(
    z.looseObject({
      topic: z.string(),
      ok: z.boolean(),
      tables: z.array(tableEntry).optional(),
      error: z.string().optional(),
    }),
  ),
});

/** The batch document of one maintenance run (`--batch_uri`; jobs/glue/maintenance_job.py). */
export function glueMaintenanceBatch(topic: string, checkpoints: TopicCheckpoints) {
  return {
    job: 'maintenance' as const,
    topics: [
      {
        topic,
        // The curated checkpoint holds a RAW snapshot; the semantic checkpoint a curated one.
        raw_checkpoint: checkpoints.curated?.id ?? null,
        curated_checkpoint: checkpoints.semantic?.id ?? null,
      },
    ],
  };
}

/**
 * Table maintenance on AWS: starts the Glue maintenance job (`jobs/glue/maintenance_job.py`)
 * for one topic with its checkpoints' snapshot ids, waits for it, and reads the result
 * document it wrote (as `GlueJobRunner` does for the lake jobs). `health` is a dry run of the
 * same job: it changes nothing and reports every table's figures (a Glue run: the scheduler
 * publishes the figures of each maintenance run rather than polling this).
 */
export class GlueTableMaintenance implements TableMaintenance {
  private readonly jobName: string;
  private readonly client: GlueJobRunClient;

  constructor(options: GlueTableMaintenanceOptions) {
    const checks = new OptionChecks('GlueTableMaintenance options')
      .client('glue', options?.glue)
      .client('s3', options?.s3)
      .nonEmptyString('jobName', options?.jobName);
    checkGlueRunOptions(checks, options, GLUE_TABLE_MAINTENANCE_DEFAULTS).done();
    this.jobName = options.jobName;
    this.client = new GlueJobRunClient('GlueTableMaintenance', options, GLUE_TABLE_MAINTENANCE_DEFAULTS);
  }

  async health(topic: string): Promise<TableHealth[]> {
    const outcomes = await this.maintain(topic, { curated: null, semantic: null }, { dryRun: true });
    return outcomes.map((o) => ({ topic, layer: o.layer, table: o.table, figures: o.before }));
  }

  async maintain(
    topic: string,
    checkpoints: TopicCheckpoints,
    options: MaintainOptions = {},
  ): Promise<TableMaintenanceOutcome[]> {
    const { runId, label, text } = await this.client.run({
      jobName: this.jobName,
      folder: 'maintenance',
      batch: glueMaintenanceBatch(topic, checkpoints),
      ...(options.dryRun && { args: { '--dry_run': 'true' } }),
      subject: `topic ${topic}`,
      signal: options.signal,
    });
    return parseMaintenanceResult(text, topic, runId, label);
  }
}

/** The maintenance job's result document as one outcome per table of `topic`. */
export function parseMaintenanceResult(
  text: string,
  topic: string,
  runId: string,
  label: string,
): TableMaintenanceOutcome[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new JobFailedError(`${label}: the result document is not JSON: ${(err as Error).message}`);
  }
  const parsed = resultDocument.safeParse(json);
  if (!parsed.success)
    throw new JobFailedError(`${label}: unexpected result document: ${formatZodIssues(parsed.error, json).join('; ')}`);
  if (parsed.data.job_run_id !== runId)
    throw new JobFailedError(`${label}: the result document belongs to run ${parsed.data.job_run_id}`);
  const entry = parsed.data.topics.find((t) => t.topic === topic);
  if (entry === undefined) throw new JobFailedError(`${label}: the result document has no entry for topic ${topic}`);
  if (!entry.ok || entry.tables === undefined)
    throw new JobFailedError(`${label}: maintenance of ${topic} failed: ${entry.error ?? '(no error given)'}`);
  return entry.tables.map((t) => ({
    topic,
    layer: t.layer,
    table: t.table,
    status: t.status,
    actions: t.actions,
    before: (t.health_before as TableHealthFigures | undefined) ?? null,
    after: (t.health_after as TableHealthFigures | undefined) ?? null,
    ...(t.error !== undefined && { error: t.error }),
  }));
}
