import { tmpdir } from 'node:os';
import { loadConfig, schedulerTuningSchema } from '@lean-ops/config';
import { readServiceEnvironment } from '@lean-ops/queue-worker';
import { DLQ } from '@lean-ops/worker-dlq';
import { INGEST } from '@lean-ops/worker-ingest';
import { readSchedulerEnvironment, withSchedulerEnvironment } from '@lean-ops/worker-scheduler';
import { describe, expect, it } from 'vitest';
import { stageNames } from '../../stacks/names';
import {
  CONFIG_PATH_IN_IMAGE,
  QUARANTINE_PREFIX,
  REDIS_URL_SECRET_ENV,
  type ServiceWiring,
  serviceEnvironment,
} from '../../stacks/service-environment';
import { stageConfig } from '../../stacks/stage';

const names = stageNames('prod');
const wiring: ServiceWiring<string> = {
  region: 'eu-west-1',
  metricsPort: 9464,
  logLevel: 'info',
  queuePrefix: names.queuePrefix,
  firehoseStreamPrefix: names.firehoseStreamPrefix,
  quarantineBucket: 'quarantine-bucket',
  checkpointsTable: names.tables.checkpoints,
  schemasTable: names.tables.schemas,
  driftTable: names.tables.driftLog,
  curationJob: names.glueJob('curation'),
  semanticJob: names.glueJob('semantic'),
  maintenanceJob: names.glueJob('maintenance'),
  jobResultsUri: 's3://artifacts/job-results',
  rawDatabase: names.databases.raw,
  curatedDatabase: names.databases.curated,
  semanticDatabase: names.databases.semantic,
  cloudwatchNamespace: 'LeanOps',
  jobMinIntervalSeconds: 600,
  maintenanceIntervalSeconds: 86_400,
  maintenanceWindow: stageConfig('prod').maintenance.window,
};
const COMMON = ['LEAN_OPS_CONFIG', 'LEAN_OPS_METRICS_PORT', 'LEAN_OPS_LOG_LEVEL', 'AWS_REGION'];

describe('serviceEnvironment', () => {
  it('gives the ingest worker an environment it accepts, for the Firehose sink', () => {
    const env = serviceEnvironment('ingest', wiring);

    expect(readServiceEnvironment(INGEST, env)).toEqual({
      sink: 'firehose',
      queuePrefix: 'lean-ops-prod-',
      firehoseStreamPrefix: 'lean-ops-prod-raw-',
      quarantineBucket: 'quarantine-bucket',
      quarantinePrefix: QUARANTINE_PREFIX,
      cloudwatchNamespace: 'LeanOps',
      region: 'eu-west-1',
    });
  });

  it('gives the DLQ processor its metrics port and the S3 quarantine', () => {
    const env = serviceEnvironment('dlq', { ...wiring, metricsPort: 9100 });

    // The image's config file is not here: the variables alone, with one topic.
    const config = loadConfig({ env: { ...env, LEAN_OPS_CONFIG: '', LEAN_OPS_TOPICS: 't' }, cwd: tmpdir() });
    expect(config.dlq.metricsPort).toBe(9100);
    expect(readServiceEnvironment(DLQ, env)).toMatchObject({
      queuePrefix: 'lean-ops-prod-',
      quarantineBucket: 'quarantine-bucket',
      quarantinePrefix: QUARANTINE_PREFIX,
    });
  });

  it('gives the scheduler everything its Glue runner requires (the Redis URL arrives as a secret)', () => {
    const env = { ...serviceEnvironment('scheduler', wiring), [REDIS_URL_SECRET_ENV]: 'rediss://default:t@redis:6379' };

    expect(readSchedulerEnvironment(env)).toMatchObject({
      runner: 'glue',
      redisUrl: 'rediss://default:t@redis:6379',
      checkpointsTable: 'lean-ops-prod-checkpoints',
      driftTable: 'lean-ops-prod-drift_log',
      glueCurationJob: 'lean-ops-prod-curation',
      jobResultsUri: 's3://artifacts/job-results',
      rawDatabase: 'lean_ops_prod_raw',
      cloudwatchNamespace: 'LeanOps',
      jobMinIntervalSeconds: 600,
      glueMaintenanceJob: 'lean-ops-prod-maintenance',
      maintenanceIntervalSeconds: 86_400,
      maintenanceWindow: { pattern: '0 2 * * *', tz: 'UTC', durationSeconds: 14_400 },
      region: 'eu-west-1',
    });
  });

  it('round-trips the stage’s maintenance window, and a stage without one overrides the config file’s', () => {
    const fileWindow = { pattern: '0 3 * * 6', tz: 'Europe/Berlin', durationSeconds: 3_600 };
    const config = {
      scheduler: schedulerTuningSchema.parse({ maintenanceIntervalSeconds: 3_600, maintenanceWindow: fileWindow }),
    };
    const read = (w: ServiceWiring<string>) =>
      readSchedulerEnvironment({ ...serviceEnvironment('scheduler', w), [REDIS_URL_SECRET_ENV]: 'redis://r:6379' });

    const prod = withSchedulerEnvironment(config, read(wiring)).scheduler;
    expect(prod).toMatchObject({ jobMinIntervalSeconds: 600, maintenanceIntervalSeconds: 86_400 });
    expect(prod.maintenanceWindow).toEqual(wiring.maintenanceWindow);
    const devEnv = read({ ...wiring, maintenanceWindow: stageConfig('dev').maintenance.window });
    expect(devEnv.maintenanceWindow).toBeNull();
    const dev = withSchedulerEnvironment(config, devEnv).scheduler;
    expect(dev.maintenanceIntervalSeconds).toBe(86_400);
    expect(dev).not.toHaveProperty('maintenanceWindow');
    // Without the variable the file's window stands.
    expect(
      withSchedulerEnvironment(config, { ...devEnv, maintenanceWindow: undefined }).scheduler.maintenanceWindow,
    ).toEqual(fileWindow);
    expect(() =>
      read({ ...wiring, maintenanceWindow: { pattern: '0 25 * * *', tz: 'UTC', durationSeconds: 600 } }),
    ).toThrow(/LEAN_OPS_MAINTENANCE_WINDOW \(maintenanceWindow\.pattern: not a cron pattern/);
  });

  it.each([
    [
      'ingest',
      [
        'LEAN_OPS_SINK',
        'LEAN_OPS_QUEUE_PREFIX',
        'LEAN_OPS_FIREHOSE_STREAM_PREFIX',
        'LEAN_OPS_QUARANTINE_BUCKET',
        'LEAN_OPS_QUARANTINE_PREFIX',
        'LEAN_OPS_CLOUDWATCH_NAMESPACE',
      ],
    ],
    [
      'dlq',
      [
        'LEAN_OPS_DLQ_METRICS_PORT',
        'LEAN_OPS_QUEUE_PREFIX',
        'LEAN_OPS_QUARANTINE_BUCKET',
        'LEAN_OPS_QUARANTINE_PREFIX',
      ],
    ],
    [
      'scheduler',
      [
        'LEAN_OPS_RUNNER',
        'LEAN_OPS_CHECKPOINTS_TABLE',
        'LEAN_OPS_SCHEMAS_TABLE',
        'LEAN_OPS_DRIFT_TABLE',
        'LEAN_OPS_GLUE_CURATION_JOB',
        'LEAN_OPS_GLUE_SEMANTIC_JOB',
        'LEAN_OPS_JOB_RESULTS_URI',
        'LEAN_OPS_RAW_DATABASE',
        'LEAN_OPS_CURATED_DATABASE',
        'LEAN_OPS_SEMANTIC_DATABASE',
        'LEAN_OPS_CLOUDWATCH_NAMESPACE',
        'LEAN_OPS_JOB_MIN_INTERVAL_SECONDS',
        'LEAN_OPS_GLUE_MAINTENANCE_JOB',
        'LEAN_OPS_MAINTENANCE_INTERVAL_SECONDS',
        'LEAN_OPS_MAINTENANCE_WINDOW',
      ],
    ],
  ] as const)('sets exactly the agreed variables for %s', (service, own) => {
    expect(Object.keys(serviceEnvironment(service, wiring)).sort()).toEqual([...COMMON, ...own].sort());
  });

  it('points every service at the baked-in config and keeps the Redis URL out of plain variables', () => {
    for (const service of ['ingest', 'dlq', 'scheduler'] as const) {
      const env = serviceEnvironment(service, wiring);

      expect(env.LEAN_OPS_CONFIG).toBe(CONFIG_PATH_IN_IMAGE);
      expect(env).not.toHaveProperty(REDIS_URL_SECRET_ENV);
    }
    expect(serviceEnvironment('scheduler', wiring)).toMatchObject({
      LEAN_OPS_RUNNER: 'glue',
      LEAN_OPS_JOB_RESULTS_URI: 's3://artifacts/job-results',
      LEAN_OPS_DRIFT_TABLE: 'lean-ops-prod-drift_log',
    });
  });
});
