/**
 * Names of the environment variables the services read: one definition for the stacks
 * (stacks/service-environment.ts sets them on each Fargate task) and the workers' readers.
 * Each map goes from the setting's key (as the reader's schema names it) to the variable.
 */

/** What every service reads: the config file and the process's own settings (packages/config). */
export const COMMON_ENV = {
  config: 'LEAN_OPS_CONFIG',
  metricsPort: 'LEAN_OPS_METRICS_PORT',
  logLevel: 'LEAN_OPS_LOG_LEVEL',
  dataDir: 'LEAN_OPS_DATA_DIR',
} as const;

/** The deployment wiring of the queue workers (ingest and the DLQ processor). */
export const QUEUE_SERVICE_ENV = {
  sink: 'LEAN_OPS_SINK',
  sqsEndpoint: 'LEAN_OPS_SQS_ENDPOINT',
  queues: 'LEAN_OPS_QUEUES',
  queuePrefix: 'LEAN_OPS_QUEUE_PREFIX',
  firehoseStreamPrefix: 'LEAN_OPS_FIREHOSE_STREAM_PREFIX',
  kinesisStream: 'LEAN_OPS_KINESIS_STREAM',
  quarantineBucket: 'LEAN_OPS_QUARANTINE_BUCKET',
  quarantinePrefix: 'LEAN_OPS_QUARANTINE_PREFIX',
  /** Ingest publishes its backlog (the scaling metric) here; unset: it publishes nothing. */
  cloudwatchNamespace: 'LEAN_OPS_CLOUDWATCH_NAMESPACE',
  region: 'AWS_REGION',
} as const;

/** The DLQ processor's own settings, beyond {@link QUEUE_SERVICE_ENV}. */
export const DLQ_ENV = {
  maxAttempts: 'LEAN_OPS_DLQ_MAX_ATTEMPTS',
  backoffBaseSeconds: 'LEAN_OPS_DLQ_BACKOFF_BASE_SECONDS',
  backoffMaxSeconds: 'LEAN_OPS_DLQ_BACKOFF_MAX_SECONDS',
  /** Its own port variable (default 9465), so it can run next to ingest on one machine. */
  metricsPort: 'LEAN_OPS_DLQ_METRICS_PORT',
} as const;

/** The scheduler's deployment wiring. */
export const SCHEDULER_ENV = {
  /** Reaches the Fargate task as a secret (it holds the auth token), never as a plain variable. */
  redisUrl: 'LEAN_OPS_REDIS_URL',
  runner: 'LEAN_OPS_RUNNER',
  dynamodbEndpoint: 'LEAN_OPS_DYNAMODB_ENDPOINT',
  checkpointsTable: 'LEAN_OPS_CHECKPOINTS_TABLE',
  schemasTable: 'LEAN_OPS_SCHEMAS_TABLE',
  driftTable: 'LEAN_OPS_DRIFT_TABLE',
  glueCurationJob: 'LEAN_OPS_GLUE_CURATION_JOB',
  glueSemanticJob: 'LEAN_OPS_GLUE_SEMANTIC_JOB',
  jobResultsUri: 'LEAN_OPS_JOB_RESULTS_URI',
  rawDatabase: 'LEAN_OPS_RAW_DATABASE',
  curatedDatabase: 'LEAN_OPS_CURATED_DATABASE',
  semanticDatabase: 'LEAN_OPS_SEMANTIC_DATABASE',
  cloudwatchNamespace: 'LEAN_OPS_CLOUDWATCH_NAMESPACE',
  /** The stage's least time between Glue runs of one job; wins over `scheduler.jobMinIntervalSeconds`. */
  jobMinIntervalSeconds: 'LEAN_OPS_JOB_MIN_INTERVAL_SECONDS',
  /** The Glue job of `jobs/glue/maintenance_job.py`; unset: no table maintenance in AWS. */
  glueMaintenanceJob: 'LEAN_OPS_GLUE_MAINTENANCE_JOB',
  /** The stage's table maintenance interval; wins over `scheduler.maintenanceIntervalSeconds`. */
  maintenanceIntervalSeconds: 'LEAN_OPS_MAINTENANCE_INTERVAL_SECONDS',
  /**
   * The stage's off-peak maintenance window as JSON `{"pattern","tz","durationSeconds"}`, or
   * `null` for none (any time); wins over `scheduler.maintenanceWindow`.
   */
  maintenanceWindow: 'LEAN_OPS_MAINTENANCE_WINDOW',
  region: 'AWS_REGION',
} as const;
