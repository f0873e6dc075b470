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
import { JOB_BATCH_FOLDER, JobFailedError } from '@lean-ops/core';
import { ExponentialBackoff, halfJitterGenerator, type IBackoff } from 'cockatiel';
import type { AdapterLogger } from './adapter-logger.js';
import { errorCode, errorMessage, isRetryableAwsError } from './aws-errors.js';
import type { OptionChecks } from './option-checks.js';
import { parseS3Uri, readS3Object, type S3Location } from './s3-location.js';

/** `AdapterLogger` plus an optional `info` for progress (a pino `Logger` has both). */
export interface GlueRunLogger extends AdapterLogger {
  info?(fields: Record<string, unknown>, message: string): void;
}

/** The options every Glue job adapter takes for its runs. */
export interface GlueRunOptions {
  readonly glue: GlueClient;
  readonly s3: S3Client;
  /**
   * `s3://bucket[/prefix]`: a job deployed with `--result_uri <resultsUri>/<folder>` reads its
   * batch from `<resultsUri>/<folder>/requests/` and writes `<resultsUri>/<folder>/<runId>.json`.
   */
  readonly resultsUri: string;
  /** First delay between GetJobRun polls, and between StartJobRun attempts. */
  readonly pollIntervalMs?: number;
  /** Longest delay between polls (they back off exponentially) and between start attempts. */
  readonly maxPollIntervalMs?: number;
  /** Longest wait for one run, from writing its batch to reading its result; the run is then stopped. */
  readonly timeoutMs?: number;
  /** StartJobRun retries on ConcurrentRunsExceededException, throttling, 5xx and network errors. */
  readonly startRetries?: number;
  readonly logger?: GlueRunLogger;
}

export interface GlueRunDefaults {
  readonly pollIntervalMs: number;
  readonly maxPollIntervalMs: number;
  readonly timeoutMs: number;
  readonly startRetries: number;
}

/** One run to make: the job, its folder under `resultsUri`, the batch document and what the messages say. */
export interface GlueRunRequest {
  readonly jobName: string;
  /** The job's folder under `resultsUri` (its `--result_uri` is `<resultsUri>/<folder>`). */
  readonly folder: string;
  /** Written as JSON to `<resultsUri>/<folder>/requests/<uuid>.json`, passed as `--batch_uri`. */
  readonly batch: unknown;
  /** Run arguments besides `--batch_uri`. */
  readonly args?: Readonly<Record<string, string>>;
  /** What the run is for in messages, e.g. `topic a` or `topics a, b`. */
  readonly subject: string;
  /** Logged with the start of the run. */
  readonly details?: Readonly<Record<string, unknown>>;
  readonly signal?: AbortSignal | undefined;
}

/** A run that SUCCEEDED and the text of the result document it wrote. */
export interface GlueRunResult {
  readonly runId: string;
  /** e.g. `GlueJobRunner: job lean-ops-curation run jr_… (topics a, b)`. */
  readonly label: string;
  /** The result document's URI. */
  readonly uri: string;
  readonly text: string;
}

const FAILED_STATES: ReadonlySet<string> = new Set(['FAILED', 'TIMEOUT', 'ERROR', 'STOPPED', 'EXPIRED']);

/**
 * Adds the checks of the shared run options (after the adapter's own: clients and job names).
 * `resultsUri` must be an S3 URI, the delays and retries whole numbers in range.
 */
export function checkGlueRunOptions(
  checks: OptionChecks,
  options: GlueRunOptions,
  defaults: GlueRunDefaults,
): OptionChecks {
  const poll = options?.pollIntervalMs ?? defaults.pollIntervalMs;
  const maxPoll = options?.maxPollIntervalMs ?? defaults.maxPollIntervalMs;
  return checks
    .rule(
      typeof options?.resultsUri === 'string' && parseS3Uri(options.resultsUri) !== null,
      `resultsUri: expected s3://bucket[/prefix] (got ${JSON.stringify(options?.resultsUri)})`,
    )
    .integer('pollIntervalMs', options?.pollIntervalMs, 1)
    .integer('maxPollIntervalMs', options?.maxPollIntervalMs, 1)
    .integer('timeoutMs', options?.timeoutMs, 1)
    .integer('startRetries', options?.startRetries, 0, 100)
    .rule(!(poll > maxPoll), `maxPollIntervalMs: must be ≥ pollIntervalMs (got ${maxPoll} < ${poll})`)
    .logger('logger', options?.logger);
}

/**
 * One Glue job run with token passing through S3 (contract §6): writes the batch document,
 * starts the run with `StartJobRun` (retried with exponential backoff and jitter while Glue
 * answers ConcurrentRunsExceededException or a transient error), polls `GetJobRun` at growing
 * intervals until the run ends, and reads the result document it wrote. Every failure is a
 * `JobFailedError` naming the owner, the job and, once started, the run id; a failed run's
 * also names its state and carries Glue's `ErrorMessage`. On timeout or abort, or when the
 * run can no longer be followed, the run is stopped first (`BatchStopJobRun`). The options
 * are checked by the adapter (`checkGlueRunOptions`).
 */
export class GlueJobRunClient {
  private readonly glue: GlueClient;
  private readonly s3: S3Client;
  private readonly results: S3Location;
  private readonly pollIntervalMs: number;
  private readonly maxPollIntervalMs: number;
  private readonly timeoutMs: number;
  private readonly startRetries: number;
  private readonly logger: GlueRunLogger | undefined;

  /** `owner` starts every message (the adapter's class name). */
  constructor(
    private readonly owner: string,
    options: GlueRunOptions,
    defaults: GlueRunDefaults,
  ) {
    const results = parseS3Uri(options.resultsUri);
    this.glue = options.glue;
    this.s3 = options.s3;
    this.results = { bucket: results?.bucket ?? '', key: (results?.key ?? '').replace(/\/+$/, '') };
    this.pollIntervalMs = options.pollIntervalMs ?? defaults.pollIntervalMs;
    this.maxPollIntervalMs = options.maxPollIntervalMs ?? defaults.maxPollIntervalMs;
    this.timeoutMs = options.timeoutMs ?? defaults.timeoutMs;
    this.startRetries = options.startRetries ?? defaults.startRetries;
    this.logger = options.logger;
  }

  async run(request: GlueRunRequest): Promise<GlueRunResult> {
    const { jobName, folder, subject, signal } = request;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const stop = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    const interrupted = (label: string, cause: unknown, what: string): JobFailedError =>
      new JobFailedError(
        timeout.aborted
          ? `${label}: timed out after ${this.timeoutMs} ms${what}`
          : `${label}: aborted${what}: ${errorMessage(signal?.reason)}`,
        { cause },
      );

    const startLabel = `${this.owner}: job ${jobName} (${subject})`;
    let runId: string;
    try {
      const batchUri = await this.putBatch(folder, request.batch, stop, startLabel);
      runId = await this.start(jobName, { ...request.args, '--batch_uri': batchUri }, stop, startLabel);
    } catch (err) {
      if (stop.aborted && !(err instanceof JobFailedError)) throw interrupted(startLabel, err, ' before a run started');
      throw err;
    }
    const label = `${this.owner}: job ${jobName} run ${runId} (${subject})`;
    this.logger?.info?.({ jobName, runId, ...request.details }, 'Glue job run started');

    let run: JobRun;
    try {
      run = await this.waitUntilEnded(jobName, runId, stop, label);
    } catch (err) {
      // A run the client can no longer follow is stopped, so it cannot race a retry.
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

    const location = this.location(folder, `${runId}.json`);
    const uri = `s3://${location.bucket}/${location.key}`;
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
    this.logger?.info?.({ jobName, runId, executionTimeS: run.ExecutionTime }, 'Glue job run succeeded');
    return { runId, label, uri, text };
  }

  /** Writes the batch document to `<resultsUri>/<folder>/requests/<uuid>.json`; returns its URI. */
  private async putBatch(folder: string, batch: unknown, stop: AbortSignal, label: string): Promise<string> {
    const location = this.location(folder, `${JOB_BATCH_FOLDER}/${randomUUID()}.json`);
    const uri = `s3://${location.bucket}/${location.key}`;
    try {
      await this.s3.send(
        new PutObjectCommand({
          Bucket: location.bucket,
          Key: location.key,
          Body: JSON.stringify(batch),
          ContentType: 'application/json',
        }),
        { abortSignal: stop },
      );
    } catch (err) {
      if (stop.aborted) throw err;
      throw new JobFailedError(
        `${label}: writing the batch document ${uri} failed: ${errorCode(err)}: ${errorMessage(err)}`,
        { cause: err },
      );
    }
    return uri;
  }

  private location(folder: string, name: string): S3Location {
    const prefix = this.results.key === '' ? '' : `${this.results.key}/`;
    return { bucket: this.results.bucket, key: `${prefix}${folder}/${name}` };
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
        // jobs are idempotent over their batch (contract §6), so that costs only time.
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
