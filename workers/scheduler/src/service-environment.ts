import { type LeanOpsConfig, maintenanceWindowSchema, readEnvironment, schedulerTuningSchema } from '@lean-ops/config';
import { ConfigError, DEFAULT_METRIC_NAMESPACE, SCHEDULER_ENV } from '@lean-ops/core';
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
  /**
   * The stage's minimum interval between lake-job runs of one kind; when set it wins over
   * the config file's `scheduler.jobMinIntervalSeconds` (same rule).
   */
  jobMinIntervalSeconds: z.coerce.number().pipe(schedulerTuningSchema.shape.jobMinIntervalSeconds.unwrap()).optional(),
  /** The Glue maintenance job (`jobs/glue/maintenance_job.py`); with the Glue runner, maintenance runs when it is set. */
  glueMaintenanceJob: z.string().min(1).optional(),
  /** The stage's table maintenance interval; when set it wins over `scheduler.maintenanceIntervalSeconds` (same rule). */
  maintenanceIntervalSeconds: z.coerce
    .number()
    .pipe(schedulerTuningSchema.shape.maintenanceIntervalSeconds.unwrap())
    .optional(),
  /**
   * The stage's maintenance window (JSON), or null for none; when set it wins over
   * `scheduler.maintenanceWindow` (same rules).
   */
  maintenanceWindow: maintenanceWindowSchema.nullable().optional(),
  region: z.string().default('us-east-1'),
});

export type SchedulerEnvironment = z.output<typeof schedulerEnvironmentSchema>;

// The variable names are the contract's: a key the schema has and the contract lacks fails to compile.
const ENV: Readonly<Record<keyof SchedulerEnvironment, string>> = SCHEDULER_ENV;

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
  const parsed = readEnvironment('scheduler environment', schedulerEnvironmentSchema, ENV, env, overrides, [
    'maintenanceWindow',
  ]);
  if (parsed.runner === 'glue') {
    const missing = GLUE_REQUIRED.filter((key) => parsed[key] === undefined);
    if (missing.length > 0) {
      throw new ConfigError(
        'scheduler environment',
        missing.map((key) => `${ENV[key]}: required when ${ENV.runner}=glue`),
      );
    }
  }
  return parsed;
}

/**
 * The config with the deployment's settings that win over the file's (`jobMinIntervalSeconds`,
 * `maintenanceIntervalSeconds`, `maintenanceWindow`; a null window is none).
 */
export function withSchedulerEnvironment<C extends Pick<LeanOpsConfig, 'scheduler'>>(
  config: C,
  env: Pick<SchedulerEnvironment, 'jobMinIntervalSeconds' | 'maintenanceIntervalSeconds' | 'maintenanceWindow'>,
): C {
  const { jobMinIntervalSeconds, maintenanceIntervalSeconds, maintenanceWindow } = env;
  if (
    jobMinIntervalSeconds === undefined &&
    maintenanceIntervalSeconds === undefined &&
    maintenanceWindow === undefined
  )
    return config;
  const { maintenanceWindow: fileWindow, ...scheduler } = config.scheduler;
  const window = maintenanceWindow === undefined ? fileWindow : (maintenanceWindow ?? undefined);
  return {
    ...config,
    scheduler: {
      ...scheduler,
      ...(jobMinIntervalSeconds !== undefined && { jobMinIntervalSeconds }),
      ...(maintenanceIntervalSeconds !== undefined && { maintenanceIntervalSeconds }),
      ...(window !== undefined && { maintenanceWindow: window }),
    },
  };
}
