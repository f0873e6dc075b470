import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchStopJobRunCommand,
  GetJobRunCommand,
  type GlueClient,
  type JobRun,
  StartJobRunCommand,
} from '@aws-sdk/client-glue';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  type CurationRequest,
  type CurationResult,
  JOB_BATCH_FOLDER,
  JobFailedError,
  type JobOutcome,
  type JobRunner,
  type SemanticRequest,
  type SemanticResult,
  type SnapshotRef,
} from '@lean-ops/core';
import { ExponentialBackoff, halfJitterGenerator, type IBackoff } from 'cockatiel';
import type { AdapterLogger } from './adapter-logger.js';
import { errorCode, errorMessage, isRetryableAwsError } from './aws-errors.js';
import { parseCurationOutcomes, parseSemanticOutcomes, type ResultSource } from './glue-job-result.js';
import { OptionChecks } from './option-checks.js';
import { parseS3Uri, readS3Object, type S3Location } from './s3-location.js';

/** `AdapterLogger` plus an optional `info` for progress (a pino `Logger` has both). */
export interface GlueJobRunnerLogger extends AdapterLogger {
  info?(fields: Record<string, unknown>, message: string): void;
}

export type GlueJobKind = 'curation' | 'semantic';

export interface GlueJobRunnerOptions {
  readonly glue: GlueClient;
  readonly s3: S3Client;
  /** Glue job running `jobs/glue/curation_job.py`, deployed with `--result_uri <resultsUri>/curation`. */
  readonly curationJobName: string;
  /** Glue job running `jobs/glue/semantic_job.py`, deployed with `--result_uri <resultsUri>/semantic`. */
  readonly semanticJobName: string;
  /**
   * `s3://bucket[/prefix]`; see `glueJobResultUri`. The runner writes each run's batch under
   * `<resultsUri>/<kind>/requests/` (the job reads it there) and reads the result the job wrote.
   */
  readonly resultsUri: string;
  /** First delay between GetJobRun polls, and between StartJobRun attempts. @defaultValue 5000 */
  readonly pollIntervalMs?: number;
  /** Longest delay between polls (they back off exponentially) and between start attempts. @defaultValue 60000 */
  readonly maxPollIntervalMs?: number;
  /** Longest wait for one run, from StartJobRun to its result; the run is then stopped. @defaultValue 3600000 */
  readonly timeoutMs?: number;
  /** StartJobRun retries on ConcurrentRunsExceededException, throttling, 5xx and network errors. @defaultValue 10 */
  readonly startRetries?: number;
  readonly logger?: GlueJobRunnerLogger;
}

export const GLUE_JOB_RUNNER_DEFAULTS = {
  pollIntervalMs: 5_000,
  maxPollIntervalMs: 60_000,
  timeoutMs: 3_600_000,
  startRetries: 10,
} as const;

const FAILED_STATES: ReadonlySet<string> = new Set(['FAILED', 'TIMEOUT', 'ERROR', 'STOPPED', 'EXPIRED']);

/**
 * The `--result_uri` a job of `kind` is deployed with: `<resultsUri>/<kind>`. The job writes
 * `<result_uri>/<JOB_RUN_ID>.json`, where the runner reads it.
 */
export function glueJobResultUri(resultsUri: string, kind: GlueJobKind): string {
  return `${resultsUri.replace(/\/+$/, '')}/${kind}`;
}

/** A topic's range in a batch document; `from_snapshot` is null for a first run. */
export interface GlueBatchTopic {
  readonly topic: string;
  readonly from_snapshot: string | null;
  readonly to_snapshot: string;
  readonly schema?: SemanticRequest['schema'];
}

/**
 * The batch document of one run (`--batch_uri`): every topic's range (over (from, to]) and,
 * for semantic, its schema. It travels through S3 rather than as run arguments: Glue caps a
 * run's arguments at 260 KB, which 20 topics with wide schemas can pass.
 */
export function glueBatchDocument(
  kind: GlueJobKind,
  requests: readonly (CurationRequest | SemanticRequest)[],
): { job: GlueJobKind; topics: GlueBatchTopic[] } {
  return {
    job: kind,
    topics: requests.map((r) => ({
      topic: r.topic,
      from_snapshot: r.from?.id ?? null,
      to_snapshot: r.to.id,
      ...('schema' in r && { schema: r.schema }),
    })),
  };
}

/**
 * The lake jobs on AWS Glue (`jobs/glue`). One run serves a whole batch of topics: the
 * runner writes the batch document to S3 and passes its URI as `--batch_uri`; the job
 * processes the topics one by one in one Spark session and writes one result document with
 * each topic's outcome, which the runner maps back (a topic the job failed fails alone).
 * A run is started with `StartJobRun` (retried with
 * exponential backoff and jitter while Glue answers ConcurrentRunsExceededException or a
 * transient error), polled with `GetJobRun` at growing intervals until it ends, and its result
 * read from the document the job wrote to S3 (token passing, contract §6). Every failure is a
 * `JobFailedError` naming the job and, once started, the run id; a failed run's also names its
 * state and carries Glue's `ErrorMessage`. On timeout or abort the run is stopped first
 * (`BatchStopJobRun`).
 */
export class GlueJobRunner implements JobRunner {
  private readonly glue: GlueClient;
  private readonly s3: S3Client;
  private readonly jobNames: Readonly<Record<GlueJobKind, string>>;
  private readonly results: S3Location;
  private readonly pollIntervalMs: number;
  private readonly maxPollIntervalMs: number;
  private readonly timeoutMs: number;
  private readonly startRetries: number;
  private readonly logger: GlueJobRunnerLogger | undefined;

  constructor(options: GlueJobRunnerOptions) {
    const d = GLUE_JOB_RUNNER_DEFAULTS;
    const poll = options?.pollIntervalMs ?? d.pollIntervalMs;
    const maxPoll = options?.maxPollIntervalMs ?? d.maxPollIntervalMs;
    const results = typeof options?.resultsUri === 'string' ? parseS3Uri(options.resultsUri) : null;
    new OptionChecks('GlueJobRunner options')
      .client('glue', options?.glue)
      .client('s3', options?.s3)
      .nonEmptyString('curationJobName', options?.curationJobName)
      .nonEmptyString('semanticJobName', options?.semanticJobName)
      .rule(results !== null, `resultsUri: expected s3://bucket[/prefix] (got ${JSON.stringify(options?.resultsUri)})`)
      .integer('pollIntervalMs', options?.pollIntervalMs, 1)
      .integer('maxPollIntervalMs', options?.maxPollIntervalMs, 1)
      .integer('timeoutMs', options?.timeoutMs, 1)
      .integer('startRetries', options?.startRetries, 0, 100)
      .rule(!(poll > maxPoll), `maxPollIntervalMs: must be ≥ pollIntervalMs (got ${maxPoll} < ${poll})`)
      .logger('logger', options?.logger)
      .done();
    this.glue = options.glue;
    this.s3 = options.s3;
    this.jobNames = { curation: options.curationJobName, semantic: options.semanticJobName };
    this.results = { bucket: results?.bucket ?? '', key: (results?.key ?? '').replace(/\/+$/, '') };
    this.pollIntervalMs = poll;
    this.maxPollIntervalMs = maxPoll;
    this.timeoutMs = options.timeoutMs ?? d.timeoutMs;
    this.startRetries = options.startRetries ?? d.startRetries;
    this.logger = options.logger;
  }

  async runCurations(
    requests: readonly CurationRequest[],
    signal?: AbortSignal,
  ): Promise<JobOutcome<CurationResult>[]> {
    if (requests.length === 0) return [];
    const { text, source } = await this.run('curation', requests, signal);
    return parseCurationOutcomes(text, source);
  }

  async runSemantics(
    requests: readonly SemanticRequest[],
    signal?: AbortSignal,
  ): Promise<JobOutcome<SemanticResult>[]> {
    if (requests.length === 0) return [];
    const { text, source } = await this.run('semantic', requests, signal);
    return parseSemanticOutcomes(text, source);
  }

  private async run(
    kind: GlueJobKind,
    requests: readonly (CurationRequest | SemanticRequest)[],
    signal: AbortSignal | undefined,
  ): Promise<{ text: string; source: ResultSource }> {
    const jobName = this.jobNames[kind];
    const topics = requests.map((r) => r.topic);
    const topic = topicsText(topics);
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const stop = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    const interrupted = (label: string, cause: unknown, what: string): JobFailedError =>
      new JobFailedError(
        timeout.aborted
          ? `${label}: timed out after ${this.timeoutMs} ms${what}`
          : `${label}: aborted${what}: ${errorMessage(signal?.reason)}`,
        { cause },
      );

    const startLabel = `GlueJobRunner: job ${jobName} (${topic})`;
    let runId: string;
    try {
      const batchUri = await this.putBatch(kind, requests, stop, startLabel);
      runId = await this.start(jobName, { '--batch_uri': batchUri }, stop, startLabel);
    } catch (err) {
      if (stop.aborted && !(err instanceof JobFailedError)) throw interrupted(startLabel, err, ' before a run started');
      throw err;
    }
    const label = `GlueJobRunner: job ${jobName} run ${runId} (${topic})`;
    this.logger?.info?.(
      {
        jobName,
        runId,
        topics: requests.map((r) => ({ topic: r.topic, from: refText(r.from), to: refText(r.to) })),
      },
      'Glue job run started',
    );

    let run: JobRun;
    try {
      run = await this.waitUntilEnded(jobName, runId, stop, label);
    } catch (err) {
      // The runner gives up on a run it can no longer follow: stop it, so it cannot race a retry.
      await this.stopRun(jobName, runId, label);
      if (stop.aborted) throw interrupted(label, err, '; run stopped');
      if (err instanceof JobFailedError) throw err;
      throw new JobFailedError(`${label}: GetJobRun failed: ${errorCode(err)}: ${errorMessage(err)}; run stopped`, {
        cause: err,
      });
    }
    const state = run.JobRunState ?? 'UNKNOWN';
    if (state !== 'SUCCEEDED') {
      throw new JobFailedError(`${label}: ended ${state}: ${run.ErrorMessage ?? '(Glue gave no error message)'}`);
    }

    const location = this.resultLocation(kind, runId);
    const uri = `s3://${location.bucket}/${location.key}`;
    const source: ResultSource = { label, uri, runId, topics };
    let text: string;
    try {
      text = new TextDecoder().decode(await readS3Object(this.s3, location, stop));
    } catch (err) {
      if (stop.aborted) throw interrupted(label, err, ' while reading the result');
      throw new JobFailedError(
        errorCode(err) === 'NoSuchKey'
          ? `${label}: SUCCEEDED but wrote no result document at ${uri}`
          : `${label}: reading the result document ${uri} failed: ${errorCode(err)}: ${errorMessage(err)}`,
        { cause: err },
      );
    }
    this.logger?.info?.({ jobName, runId, topics, executionTimeS: run.ExecutionTime }, 'Glue job run succeeded');
    return { text, source };
  }

  /** Writes the batch document to `<resultsUri>/<kind>/requests/<uuid>.json`; returns its URI. */
  private async putBatch(
    kind: GlueJobKind,
    requests: readonly (CurationRequest | SemanticRequest)[],
    stop: AbortSignal,
    label: string,
  ): Promise<string> {
    const location = this.requestLocation(kind, randomUUID());
    const uri = `s3://${location.bucket}/${location.key}`;
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: location.bucket,
          Key: location.key,
          Body: JSON.stringify(glueBatchDocument(kind, requests)),
          ContentType: 'application/json',
        }),
        { abortSignal: stop },
      );
    } catch (err) {
      if (stop.aborted) throw err;
      throw new JobFailedError(
        `${label}: writing the batch document ${uri} failed: ${errorCode(err)}: ${errorMessage(err)}`,
        {
          cause: err,
        },
      );
    }
    return uri;
  }

  private requestLocation(kind: GlueJobKind, id: string): S3Location {
    const prefix = this.results.key === '' ? '' : `${this.results.key}/`;
    return { bucket: this.results.bucket, key: `${prefix}${kind}/${JOB_BATCH_FOLDER}/${id}.json` };
  }

  /** `<resultsUri>/<kind>/<runId>.json`: where a job deployed as `glueJobResultUri` says writes its result. */
  private resultLocation(kind: GlueJobKind, runId: string): S3Location {
    const prefix = this.results.key === '' ? '' : `${this.results.key}/`;
    return { bucket: this.results.bucket, key: `${prefix}${kind}/${runId}.json` };
  }

  private async start(
    jobName: string,
    args: Record<string, string>,
    stop: AbortSignal,
    label: string,
  ): Promise<string> {
    const backoff = new ExponentialBackoff({ initialDelay: this.pollIntervalMs, maxDelay: this.maxPollIntervalMs });
    let delay: IBackoff<unknown> | undefined;
    for (let attempt = 1; ; attempt++) {
      stop.throwIfAborted();
      let runId: string | undefined;
      try {
        // No abort signal here: a StartJobRun cut short may still start a run whose id we
        // would never learn, and so could not stop.
        runId = (await this.glue.send(new StartJobRunCommand({ JobName: jobName, Arguments: args }))).JobRunId;
      } catch (err) {
        // Retrying after a 5xx may start a second run if the first call did reach Glue; the
        // jobs are idempotent over a snapshot range (contract §6), so that costs only time.
        const retryable = errorCode(err) === 'ConcurrentRunsExceededException' || isRetryableAwsError(err);
        if (!retryable || attempt > this.startRetries) {
          throw new JobFailedError(
            `${label}: StartJobRun failed after ${attempt} attempt(s): ${errorCode(err)}: ${errorMessage(err)}`,
            { cause: err },
          );
        }
        delay = delay === undefined ? backoff.next() : delay.next(undefined);
        this.logger?.warn(
          { jobName, attempt, delayMs: Math.round(delay.duration), code: errorCode(err), error: errorMessage(err) },
          'Glue StartJobRun failed; retrying',
        );
        await sleep(delay.duration, undefined, { signal: stop });
        continue;
      }
      if (!runId) throw new JobFailedError(`${label}: StartJobRun returned no JobRunId`);
      return runId;
    }
  }

  /** Polls until the run reaches a final state, and returns it whatever it is. */
  private async waitUntilEnded(jobName: string, runId: string, stop: AbortSignal, label: string): Promise<JobRun> {
    // Half jitter keeps the runs of many topics from polling in step.
    let delay = new ExponentialBackoff({
      initialDelay: this.pollIntervalMs,
      maxDelay: this.maxPollIntervalMs,
      generator: halfJitterGenerator,
    }).next();
    let lastState: string | undefined;
    for (;;) {
      await sleep(delay.duration, undefined, { signal: stop });
      delay = delay.next(undefined);
      let run: JobRun | undefined;
      try {
        run = (await this.glue.send(new GetJobRunCommand({ JobName: jobName, RunId: runId }), { abortSignal: stop }))
          .JobRun;
      } catch (err) {
        if (stop.aborted || !isRetryableAwsError(err)) throw err;
        this.logger?.warn(
          { jobName, runId, code: errorCode(err), error: errorMessage(err) },
          'Glue GetJobRun failed; polling on',
        );
        continue;
      }
      const state = run?.JobRunState;
      if (run === undefined || state === undefined) throw new JobFailedError(`${label}: GetJobRun returned no state`);
      if (state === 'SUCCEEDED' || FAILED_STATES.has(state)) return run;
      if (state !== lastState) this.logger?.info?.({ jobName, runId, state }, 'Glue job run in progress');
      lastState = state;
    }
  }

  /** Best effort: a run that cannot be stopped is logged, and the caller's error stands. */
  private async stopRun(jobName: string, runId: string, label: string): Promise<void> {
    try {
      const out = await this.glue.send(new BatchStopJobRunCommand({ JobName: jobName, JobRunIds: [runId] }));
      const failed = out.Errors?.[0]?.ErrorDetail;
      if (failed !== undefined) {
        this.logger?.warn(
          { jobName, runId, code: failed.ErrorCode, error: failed.ErrorMessage },
          `${label}: BatchStopJobRun did not stop the run`,
        );
      }
    } catch (err) {
      this.logger?.warn(
        { jobName, runId, code: errorCode(err), error: errorMessage(err) },
        `${label}: BatchStopJobRun failed`,
      );
    }
  }
}

function refText(snapshot: SnapshotRef | null): string | null {
  return snapshot === null ? null : `${snapshot.id}@${snapshot.sequence}`;
}

/** The topics of a batch for messages: `topic a` or `topics a, b, c`. */
function topicsText(topics: readonly string[]): string {
  return topics.length === 1 ? `topic ${topics[0]}` : `topics ${topics.join(', ')}`;
}
