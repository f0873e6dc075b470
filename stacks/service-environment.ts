/**
 * The environment of each Fargate service: the one mapping between deployed resources and
 * the variables the workers read (workers/ingest/src/service-environment.ts for ingest).
 * Keep it in step with the workers; tests/infra checks the ingest side against the worker.
 *
 * Generic in the value type so it stays free of SST globals: stacks pass Pulumi outputs,
 * tests plain strings.
 */

/** Where docker/Dockerfile bakes the deploy config into the image. */
export const CONFIG_PATH_IN_IMAGE = '/app/lean-ops.config.json';

/** A worker service; also its docker/Dockerfile target and its container's name. */
export type WorkerService = 'ingest' | 'dlq' | 'scheduler';

/** The `lean-ops` arguments each service's container runs (its Dockerfile target's CMD). */
export const WORKER_COMMANDS: Readonly<Record<WorkerService, readonly string[]>> = {
  ingest: ['ingest'],
  dlq: ['dlq', 'run'],
  scheduler: ['scheduler'],
};

/** The container health check (ECS); docker/Dockerfile's HEALTHCHECK runs the same script. */
export const HEALTH_CHECK_COMMAND: readonly string[] = ['CMD', 'node', '/app/docker/healthcheck.mjs'];

/** Object-key prefix of quarantine entries in the quarantine bucket. */
export const QUARANTINE_PREFIX = 'quarantine';

/** The scheduler's Redis URL (with its auth token) reaches the task as an ECS secret, never as plain text. */
export const REDIS_URL_SECRET_ENV = 'LEAN_OPS_REDIS_URL';

export interface ServiceWiring<V> {
  readonly region: V;
  readonly metricsPort: number;
  readonly logLevel: string;
  readonly queuePrefix: string;
  readonly firehoseStreamPrefix: string;
  readonly quarantineBucket: V;
  readonly checkpointsTable: string;
  readonly schemasTable: string;
  readonly driftTable: string;
  readonly curationJob: string;
  readonly semanticJob: string;
  /** `s3://<artifacts bucket>/job-results`; each job writes under `<this>/<job>/`. */
  readonly jobResultsUri: V;
  readonly rawDatabase: string;
  readonly curatedDatabase: string;
  readonly semanticDatabase: string;
  readonly cloudwatchNamespace: string;
}

/** Plain environment variables of `service` (secrets such as {@link REDIS_URL_SECRET_ENV} are not in it). */
export function serviceEnvironment<V>(service: WorkerService, w: ServiceWiring<V>): Record<string, string | V> {
  const common = {
    LEAN_OPS_CONFIG: CONFIG_PATH_IN_IMAGE,
    LEAN_OPS_METRICS_PORT: String(w.metricsPort),
    LEAN_OPS_LOG_LEVEL: w.logLevel,
    AWS_REGION: w.region,
  };
  switch (service) {
    case 'ingest':
      return {
        ...common,
        LEAN_OPS_SINK: 'firehose',
        LEAN_OPS_QUEUE_PREFIX: w.queuePrefix,
        LEAN_OPS_FIREHOSE_STREAM_PREFIX: w.firehoseStreamPrefix,
        LEAN_OPS_QUARANTINE_BUCKET: w.quarantineBucket,
        LEAN_OPS_QUARANTINE_PREFIX: QUARANTINE_PREFIX,
      };
    case 'dlq':
      return {
        ...common,
        // The DLQ processor's own port variable (default 9465, so it can run next to ingest locally).
        LEAN_OPS_DLQ_METRICS_PORT: String(w.metricsPort),
        LEAN_OPS_QUEUE_PREFIX: w.queuePrefix,
        LEAN_OPS_QUARANTINE_BUCKET: w.quarantineBucket,
        LEAN_OPS_QUARANTINE_PREFIX: QUARANTINE_PREFIX,
      };
    case 'scheduler':
      return {
        ...common,
        LEAN_OPS_RUNNER: 'glue',
        LEAN_OPS_CHECKPOINTS_TABLE: w.checkpointsTable,
        LEAN_OPS_SCHEMAS_TABLE: w.schemasTable,
        LEAN_OPS_DRIFT_TABLE: w.driftTable,
        LEAN_OPS_GLUE_CURATION_JOB: w.curationJob,
        LEAN_OPS_GLUE_SEMANTIC_JOB: w.semanticJob,
        LEAN_OPS_JOB_RESULTS_URI: w.jobResultsUri,
        LEAN_OPS_RAW_DATABASE: w.rawDatabase,
        LEAN_OPS_CURATED_DATABASE: w.curatedDatabase,
        LEAN_OPS_SEMANTIC_DATABASE: w.semanticDatabase,
        LEAN_OPS_CLOUDWATCH_NAMESPACE: w.cloudwatchNamespace,
      };
  }
}
