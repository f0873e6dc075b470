import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchStopJobRunCommand,
  GetJobRunCommand,
  type GlueClient,
  type JobRun,
  StartJobRunCommand,
} from '@aws-sdk/client-glue';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  type CurationRequest,
  type CurationResult,
  JobFailedError,
  type JobRunner,
  type SemanticRequest,
  type SemanticResult,
  type SnapshotRef,
} from '@lean-ops/core';
import { ExponentialBackoff, halfJitterGenerator, type IBackoff } from 'cockatiel';
import type { AdapterLogger } from './adapter-logger.js';
import { errorCode, errorMessage, isRetryableAwsError } from './aws-errors.js';
import { parseCurationResult, parseSemanticResult, type ResultSource } from './glue-job-result.js';
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
  /** `s3://bucket[/prefix]`; see `glueJobResultUri`. */
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

/** The Glue run arguments of a run over (from, to]; `--from_snapshot` is omitted for a first run. */
export function glueRunArguments(request: CurationRequest | SemanticRequest): Record<string, string> {
  const args: Record<string, string> = { '--topic': request.topic, '--to_snapshot': request.to.id };
  if (request.from !== null) args['--from_snapshot'] = request.from.id;
  if ('schema' in request) args['--schema_json'] = JSON.stringify(request.schema);
  return args;
}

/**
 * The lake jobs on AWS Glue (`jobs/glue`). A run is started with `StartJobRun` (retried with
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

  async runCuration(request: CurationRequest, signal?: AbortSignal): Promise<CurationResult> {
    const { text, source } = await this.run('curation', request, signal);
    return parseCurationResult(text, source);
  }

  async runSemantic(request: SemanticRequest, signal?: AbortSignal): Promise<SemanticResult> {
    const { text, source } = await this.run('semantic', request, signal);
    return parseSemanticResult(text, source);
  }

  private async run(
    kind: GlueJobKind,
    request: CurationRequest | SemanticRequest,
    signal: AbortSignal | undefined,
  ): Promise<{ text: string; source: ResultSource }> {
    const jobName = this.jobNames[kind];
    const topic = request.topic;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const stop = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    const interrupted = (label: string, cause: unknown, what: string): JobFailedError =>
      new JobFailedError(
        timeout.aborted
          ? `${label}: timed out after ${this.timeoutMs} ms${what}`
          : `${label}: aborted${what}: ${errorMessage(signal?.reason)}`,
        { cause },
      );

    const startLabel = `GlueJobRunner: job ${jobName} (topic ${topic})`;
    let runId: string;
    try {
      runId = await this.start(jobName, glueRunArguments(request), stop, startLabel);
    } catch (err) {
      if (stop.aborted && !(err instanceof JobFailedError)) throw interrupted(startLabel, err, ' before a run started');
      throw err;
    }
    const label = `GlueJobRunner: job ${jobName} run ${runId} (topic ${topic})`;
    this.logger?.info?.(
      { jobName, runId, topic, from: refText(request.from), to: refText(request.to) },
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
    const source: ResultSource = { label, uri, runId, topic };
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
    this.logger?.info?.({ jobName, runId, topic, executionTimeS: run.ExecutionTime }, 'Glue job run succeeded');
    return { text, source };
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
