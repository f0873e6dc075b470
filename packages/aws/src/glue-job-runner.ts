import type {
  CurationRequest,
  CurationResult,
  JobOutcome,
  JobRunner,
  SemanticRequest,
  SemanticResult,
  SnapshotRef,
} from '@lean-ops/core';
import { parseCurationOutcomes, parseSemanticOutcomes, type ResultSource } from './glue-job-result.js';
import {
  checkGlueRunOptions,
  GlueJobRunClient,
  type GlueRunLogger,
  type GlueRunOptions,
} from './glue-job-run-client.js';
import { OptionChecks } from './option-checks.js';

/** `AdapterLogger` plus an optional `info` for progress (a pino `Logger` has both). */
export type GlueJobRunnerLogger = GlueRunLogger;

export type GlueJobKind = 'curation' | 'semantic';

/**
 * `resultsUri`: see `glueJobResultUri`. The runner writes each run's batch under
 * `<resultsUri>/<kind>/requests/` (the job reads it there) and reads the result the job wrote.
 * Defaults: `GLUE_JOB_RUNNER_DEFAULTS`.
 */
export interface GlueJobRunnerOptions extends GlueRunOptions {
  /** Glue job running `jobs/glue/curation_job.py`, deployed with `--result_uri <resultsUri>/curation`. */
  readonly curationJobName: string;
  /** Glue job running `jobs/glue/semantic_job.py`, deployed with `--result_uri <resultsUri>/semantic`. */
  readonly semanticJobName: string;
  readonly logger?: GlueJobRunnerLogger;
}

export const GLUE_JOB_RUNNER_DEFAULTS = {
  pollIntervalMs: 5_000,
  maxPollIntervalMs: 60_000,
  timeoutMs: 3_600_000,
  startRetries: 10,
} as const;

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
  /** Present (true) only for a rebuild (reprocessing): the job recomputes the range instead of applying it. */
  readonly rebuild?: true;
}

/**
 * The batch document of one run (`--batch_uri`): every topic's range (over (from, to]),
 * for semantic its schema, and `rebuild: true` for a request that rebuilds (the field is
 * left out otherwise). It travels through S3 rather than as run arguments: Glue caps a
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
      ...(r.rebuild === true && { rebuild: true as const }),
    })),
  };
}

/**
 * The lake jobs on AWS Glue (`jobs/glue`). One run serves a whole batch of topics: the
 * runner writes the batch document to S3 and passes its URI as `--batch_uri`; the job
 * processes the topics one by one in one Spark session and writes one result document with
 * each topic's outcome, which the runner maps back (a topic the job failed fails alone).
 * Starting, polling, stopping and reading the result are `GlueJobRunClient`'s: every failure
 * is a `JobFailedError` naming the job and, once started, the run id.
 */
export class GlueJobRunner implements JobRunner {
  private readonly jobNames: Readonly<Record<GlueJobKind, string>>;
  private readonly client: GlueJobRunClient;

  constructor(options: GlueJobRunnerOptions) {
    const checks = new OptionChecks('GlueJobRunner options')
      .client('glue', options?.glue)
      .client('s3', options?.s3)
      .nonEmptyString('curationJobName', options?.curationJobName)
      .nonEmptyString('semanticJobName', options?.semanticJobName);
    checkGlueRunOptions(checks, options, GLUE_JOB_RUNNER_DEFAULTS).done();
    this.jobNames = { curation: options.curationJobName, semantic: options.semanticJobName };
    this.client = new GlueJobRunClient('GlueJobRunner', options, GLUE_JOB_RUNNER_DEFAULTS);
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
    const topics = requests.map((r) => r.topic);
    const { runId, label, uri, text } = await this.client.run({
      jobName: this.jobNames[kind],
      folder: kind,
      batch: glueBatchDocument(kind, requests),
      subject: topicsText(topics),
      details: { topics: requests.map((r) => ({ topic: r.topic, from: refText(r.from), to: refText(r.to) })) },
      signal,
    });
    return { text, source: { label, uri, runId, topics } };
  }
}

function refText(snapshot: SnapshotRef | null): string | null {
  return snapshot === null ? null : `${snapshot.id}@${snapshot.sequence}`;
}

/** The topics of a batch for messages: `topic a` or `topics a, b, c`. */
function topicsText(topics: readonly string[]): string {
  return topics.length === 1 ? `topic ${topics[0]}` : `topics ${topics.join(', ')}`;
}
