import { readEnvironment } from '@lean-ops/config';
import { ConfigError, DEFAULT_METRIC_NAMESPACE } from '@lean-ops/core';
import { z } from 'zod';

/**
 * Deployment wiring of the scheduler, from environment variables (SST sets them on the
 * Fargate task) or CLI flags. Topics, thresholds and tuning come from the config file.
 */
export const schedulerEnvironmentSchema = z.strictObject({
  /** BullMQ's Redis. @defaultValue "redis://127.0.0.1:6379" */
  redisUrl: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .default('redis://127.0.0.1:6379'),
  /** Which engine runs the jobs. @defaultValue "local" */
  runner: z.enum(['glue', 'local']).default('local'),
  /** DynamoDB endpoint override (DynamoDB Local); unset in AWS. */
  dynamodbEndpoint: z.string().url().optional(),
  checkpointsTable: z.string().min(1).default('lean-ops-checkpoints'),
  schemasTable: z.string().min(1).default('lean-ops-schemas'),
  driftTable: z.string().min(1).default('lean-ops-drift-log'),
  glueCurationJob: z.string().min(1).optional(),
  glueSemanticJob: z.string().min(1).optional(),
  /** `s3://bucket/prefix`; the jobs write `<uri>/<curation|semantic>/<run id>.json`. */
  jobResultsUri: z
    .string()
    .regex(/^s3:\/\/[^/]+/, 'must be an s3:// URI')
    .optional(),
  rawDatabase: z.string().min(1).optional(),
  curatedDatabase: z.string().min(1).optional(),
  semanticDatabase: z.string().min(1).optional(),
  /** CloudWatch namespace of the drift, missing-schema and lag metrics. @defaultValue "LeanOps" */
  cloudwatchNamespace: z.string().min(1).default(DEFAULT_METRIC_NAMESPACE),
  region: z.string().default('us-east-1'),
});

export type SchedulerEnvironment = z.output<typeof schedulerEnvironmentSchema>;

export const SCHEDULER_ENV: Readonly<Record<keyof SchedulerEnvironment, string>> = {
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
  region: 'AWS_REGION',
};

const GLUE_REQUIRED = [
  'glueCurationJob',
  'glueSemanticJob',
  'jobResultsUri',
  'rawDatabase',
  'curatedDatabase',
  'semanticDatabase',
] as const;

/** Reads the scheduler's environment; flags in `overrides` win. Throws `ConfigError` naming the variable. */
export function readSchedulerEnvironment(
  env: NodeJS.ProcessEnv,
  overrides: Partial<Record<keyof SchedulerEnvironment, unknown>> = {},
): SchedulerEnvironment {
  const parsed = readEnvironment('scheduler environment', schedulerEnvironmentSchema, SCHEDULER_ENV, env, overrides);
  if (parsed.runner === 'glue') {
    const missing = GLUE_REQUIRED.filter((key) => parsed[key] === undefined);
    if (missing.length > 0) {
      throw new ConfigError(
        'scheduler environment',
        missing.map((key) => `${SCHEDULER_ENV[key]}: required when LEAN_OPS_RUNNER=glue`),
      );
    }
  }
  return parsed;
}
