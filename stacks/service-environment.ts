/**
 * The environment of each Fargate service: the one mapping between deployed resources and
 * the variables the workers read. The variable names come from packages/core's
 * contracts/environment.ts, which the workers' readers use too; tests/infra reads each
 * service's environment back with the worker's own reader.
 *
 * Generic in the value type so it stays free of SST globals: stacks pass Pulumi outputs,
 * tests plain strings.
 */
import { COMMON_ENV, DLQ_ENV, QUEUE_SERVICE_ENV, SCHEDULER_ENV } from '@lean-ops/core';

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
export const REDIS_URL_SECRET_ENV = SCHEDULER_ENV.redisUrl;

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
  readonly maintenanceJob: string;
  /** `s3://<artifacts bucket>/job-results`; each job writes under `<this>/<job>/`. */
  readonly jobResultsUri: V;
  readonly rawDatabase: string;
  readonly curatedDatabase: string;
  readonly semanticDatabase: string;
  readonly cloudwatchNamespace: string;
  /** The stage's least time between Glue runs of one job (`stage.glue.minRunIntervalSeconds`). */
  readonly jobMinIntervalSeconds: number;
  /** Seconds between maintenances of a topic (`stage.maintenance.intervalSeconds`). */
  readonly maintenanceIntervalSeconds: number;
  /** The off-peak window of maintenance (`stage.maintenance.window`); null = any time. */
  readonly maintenanceWindow: {
    readonly pattern: string;
    readonly tz: string;
    readonly durationSeconds: number;
  } | null;
}

/** Plain environment variables of `service` (secrets such as {@link REDIS_URL_SECRET_ENV} are not in it). */
export function serviceEnvironment<V>(service: WorkerService, w: ServiceWiring<V>): Record<string, string | V> {
  const common = {
    [COMMON_ENV.config]: CONFIG_PATH_IN_IMAGE,
    [COMMON_ENV.metricsPort]: String(w.metricsPort),
    [COMMON_ENV.logLevel]: w.logLevel,
    [QUEUE_SERVICE_ENV.region]: w.region,
  };
  switch (service) {
    case 'ingest':
      return {
        ...common,
        [QUEUE_SERVICE_ENV.sink]: 'firehose',
        [QUEUE_SERVICE_ENV.queuePrefix]: w.queuePrefix,
        [QUEUE_SERVICE_ENV.firehoseStreamPrefix]: w.firehoseStreamPrefix,
        [QUEUE_SERVICE_ENV.quarantineBucket]: w.quarantineBucket,
        [QUEUE_SERVICE_ENV.quarantinePrefix]: QUARANTINE_PREFIX,
        // Where ingest publishes IngestBacklog, the metric its scaling policy tracks.
        [QUEUE_SERVICE_ENV.cloudwatchNamespace]: w.cloudwatchNamespace,
      };
    case 'dlq':
      return {
        ...common,
        [DLQ_ENV.metricsPort]: String(w.metricsPort),
        [QUEUE_SERVICE_ENV.queuePrefix]: w.queuePrefix,
        [QUEUE_SERVICE_ENV.quarantineBucket]: w.quarantineBucket,
        [QUEUE_SERVICE_ENV.quarantinePrefix]: QUARANTINE_PREFIX,
      };
    case 'scheduler':
      return {
        ...common,
        [SCHEDULER_ENV.runner]: 'glue',
        [SCHEDULER_ENV.checkpointsTable]: w.checkpointsTable,
        [SCHEDULER_ENV.schemasTable]: w.schemasTable,
        [SCHEDULER_ENV.driftTable]: w.driftTable,
        [SCHEDULER_ENV.glueCurationJob]: w.curationJob,
        [SCHEDULER_ENV.glueSemanticJob]: w.semanticJob,
        [SCHEDULER_ENV.jobResultsUri]: w.jobResultsUri,
        [SCHEDULER_ENV.rawDatabase]: w.rawDatabase,
        [SCHEDULER_ENV.curatedDatabase]: w.curatedDatabase,
        [SCHEDULER_ENV.semanticDatabase]: w.semanticDatabase,
        [SCHEDULER_ENV.cloudwatchNamespace]: w.cloudwatchNamespace,
        [SCHEDULER_ENV.jobMinIntervalSeconds]: String(w.jobMinIntervalSeconds),
        [SCHEDULER_ENV.glueMaintenanceJob]: w.maintenanceJob,
        [SCHEDULER_ENV.maintenanceIntervalSeconds]: String(w.maintenanceIntervalSeconds),
        // Always set: a stage without a window overrides one the config file may have.
        [SCHEDULER_ENV.maintenanceWindow]: JSON.stringify(w.maintenanceWindow),
      };
  }
}
