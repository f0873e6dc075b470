import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchStopJobRunCommand,
  GetJobRunCommand,
  type GetJobRunCommandOutput,
  type GlueClient,
  StartJobRunCommand,
} from '@aws-sdk/client-glue';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  formatZodIssues,
  JOB_BATCH_FOLDER,
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
import type { AdapterLogger } from './adapter-logger.js';
import { errorCode, errorMessage, isRetryableAwsError } from './aws-errors.js';
import { OptionChecks } from './option-checks.js';
import { parseS3Uri, readS3Object, type S3Location } from './s3-location.js';

export interface GlueTableMaintenanceOptions {
  readonly glue: GlueClient;
  readonly s3: S3Client;
  /** Glue job running `jobs/glue/maintenance_job.py`, deployed with `--result_uri <resultsUri>/maintenance`. */
  readonly jobName: string;
  /** `s3://bucket[/prefix]`: batches go to `<resultsUri>/maintenance/requests/`, results are read from `<resultsUri>/maintenance/<runId>.json`. */
  readonly resultsUri: string;
  /** First delay between GetJobRun polls and StartJobRun attempts. @defaultValue 10000 */
  readonly pollIntervalMs?: number;
  /** Longest delay between polls. @defaultValue 60000 */
  readonly maxPollIntervalMs?: number;
  /** Longest wait for one run; it is then stopped. @defaultValue 3600000 */
  readonly timeoutMs?: number;
  /** StartJobRun retries (ConcurrentRunsExceededException, throttling, 5xx). @defaultValue 10 */
  readonly startRetries?: number;
  readonly logger?: AdapterLogger;
}

export const GLUE_TABLE_MAINTENANCE_DEFAULTS = {
  pollIntervalMs: 10_000,
  maxPollIntervalMs: 60_000,
  timeoutMs: 3_600_000,
  startRetries: 10,
} as const;

const FAILED_STATES: ReadonlySet<string> = new Set(['FAILED', 'TIMEOUT', 'ERROR', 'STOPPED', 'EXPIRED']);

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
  private readonly options: GlueTableMaintenanceOptions;
  private readonly results: S3Location;
  private readonly poll: number;
  private readonly maxPoll: number;

  constructor(options: GlueTableMaintenanceOptions) {
    const d = GLUE_TABLE_MAINTENANCE_DEFAULTS;
    const results = typeof options?.resultsUri === 'string' ? parseS3Uri(options.resultsUri) : null;
    this.poll = options?.pollIntervalMs ?? d.pollIntervalMs;
    this.maxPoll = options?.maxPollIntervalMs ?? d.maxPollIntervalMs;
    new OptionChecks('GlueTableMaintenance options')
      .client('glue', options?.glue)
      .client('s3', options?.s3)
      .nonEmptyString('jobName', options?.jobName)
      .rule(results !== null, `resultsUri: expected s3://bucket[/prefix] (got ${JSON.stringify(options?.resultsUri)})`)
      .integer('pollIntervalMs', options?.pollIntervalMs, 1)
      .integer('maxPollIntervalMs', options?.maxPollIntervalMs, 1)
      .integer('timeoutMs', options?.timeoutMs, 1)
      .integer('startRetries', options?.startRetries, 0, 100)
      .rule(
        !(this.poll > this.maxPoll),
        `maxPollIntervalMs: must be ≥ pollIntervalMs (got ${this.maxPoll} < ${this.poll})`,
      )
      .logger('logger', options?.logger)
      .done();
    this.options = options;
    this.results = { bucket: results?.bucket ?? '', key: (results?.key ?? '').replace(/\/+$/, '') };
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
    const { jobName } = this.options;
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? GLUE_TABLE_MAINTENANCE_DEFAULTS.timeoutMs);
    const stop = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
    const label = `GlueTableMaintenance: job ${jobName} (topic ${topic})`;
    const request = this.location(`${JOB_BATCH_FOLDER}/${randomUUID()}.json`);
    try {
      await this.options.s3.send(
        new PutObjectCommand({
          Bucket: request.bucket,
          Key: request.key,
          Body: JSON.stringify(glueMaintenanceBatch(topic, checkpoints)),
          ContentType: 'application/json',
        }),
        { abortSignal: stop },
      );
    } catch (err) {
      throw new JobFailedError(`${label}: writing the batch document failed: ${errorCode(err)}: ${errorMessage(err)}`, {
        cause: err,
      });
    }
    const args: Record<string, string> = { '--batch_uri': `s3://${request.bucket}/${request.key}` };
    if (options.dryRun) args['--dry_run'] = 'true';
    const runId = await this.start(args, stop, label);
    const runLabel = `GlueTableMaintenance: job ${jobName} run ${runId} (topic ${topic})`;
    let state: string;
    let message: string | undefined;
    try {
      ({ state, message } = await this.waitUntilEnded(runId, stop, runLabel));
    } catch (err) {
      await this.options.glue
        .send(new BatchStopJobRunCommand({ JobName: jobName, JobRunIds: [runId] }))
        .catch(() => undefined);
      throw new JobFailedError(
        `${runLabel}: ${stop.aborted ? 'timed out or aborted' : errorMessage(err)}; run stopped`,
        {
          cause: err,
        },
      );
    }
    if (state !== 'SUCCEEDED')
      throw new JobFailedError(`${runLabel}: ended ${state}: ${message ?? '(no error message)'}`);
    const location = this.location(`${runId}.json`);
    let text: string;
    try {
      text = new TextDecoder().decode(await readS3Object(this.options.s3, location, stop));
    } catch (err) {
      throw new JobFailedError(
        `${runLabel}: reading the result s3://${location.bucket}/${location.key} failed: ${errorCode(err)}: ${errorMessage(err)}`,
        { cause: err },
      );
    }
    return parseMaintenanceResult(text, topic, runId, runLabel);
  }

  private location(name: string): S3Location {
    const prefix = this.results.key === '' ? '' : `${this.results.key}/`;
    return { bucket: this.results.bucket, key: `${prefix}maintenance/${name}` };
  }

  private async start(args: Record<string, string>, stop: AbortSignal, label: string): Promise<string> {
    const retries = this.options.startRetries ?? GLUE_TABLE_MAINTENANCE_DEFAULTS.startRetries;
    let delay = this.poll;
    for (let attempt = 1; ; attempt++) {
      stop.throwIfAborted();
      try {
        // No abort signal: a StartJobRun cut short may start a run whose id we would never learn.
        const out = await this.options.glue.send(
          new StartJobRunCommand({ JobName: this.options.jobName, Arguments: args }),
        );
        if (!out.JobRunId) throw new JobFailedError(`${label}: StartJobRun returned no JobRunId`);
        return out.JobRunId;
      } catch (err) {
        if (err instanceof JobFailedError) throw err;
        const retryable = errorCode(err) === 'ConcurrentRunsExceededException' || isRetryableAwsError(err);
        if (!retryable || attempt > retries)
          throw new JobFailedError(
            `${label}: StartJobRun failed after ${attempt} attempt(s): ${errorCode(err)}: ${errorMessage(err)}`,
            { cause: err },
          );
        this.options.logger?.warn(
          { attempt, delayMs: delay, code: errorCode(err) },
          'Glue StartJobRun failed; retrying',
        );
        await sleep(delay, undefined, { signal: stop });
        delay = Math.min(delay * 2, this.maxPoll);
      }
    }
  }

  private async waitUntilEnded(
    runId: string,
    stop: AbortSignal,
    label: string,
  ): Promise<{ state: string; message: string | undefined }> {
    let delay = this.poll;
    for (;;) {
      await sleep(delay, undefined, { signal: stop });
      delay = Math.min(delay * 2, this.maxPoll);
      let run: GetJobRunCommandOutput;
      try {
        run = await this.options.glue.send(new GetJobRunCommand({ JobName: this.options.jobName, RunId: runId }), {
          abortSignal: stop,
        });
      } catch (err) {
        if (stop.aborted || !isRetryableAwsError(err)) throw err;
        continue;
      }
      const state = run.JobRun?.JobRunState;
      if (state === undefined) throw new JobFailedError(`${label}: GetJobRun returned no state`);
      if (state === 'SUCCEEDED' || FAILED_STATES.has(state)) return { state, message: run.JobRun?.ErrorMessage };
    }
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
