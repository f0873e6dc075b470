import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { CloudWatchNotifier, GlueIcebergSnapshots, GlueJobRunner } from '@lean-ops/aws';
import type { LeanOpsConfig } from '@lean-ops/config';
import {
  dataDirLayout,
  type JobRunner,
  type LakeSnapshots,
  type Notifier,
  onceAsync,
  type PendingRecords,
} from '@lean-ops/core';
import { DuckDbJobRunner, DuckDbLake, LandingCommitter } from '@lean-ops/lake';
import type { Logger } from '@lean-ops/logger';
import { createBaseMetrics, createRegistry, type MetricsServer, startMetricsServer } from '@lean-ops/metrics';
import { LogNotifier } from './log-notifier.js';
import { schedulerOptionsOf } from './options.js';
import { Scheduler } from './scheduler.js';
import type { SchedulerEnvironment } from './service-environment.js';
import { openStateStores } from './state-stores.js';
import { syncConfigSchemas } from './sync-schemas.js';

export interface SchedulerService {
  readonly scheduler: Scheduler;
  readonly metrics: MetricsServer;
  /** Closes the scheduler (within its budget), the engines and the metrics server; idempotent. */
  close(): Promise<{ drained: boolean }>;
}

interface Engine {
  readonly jobs: JobRunner;
  readonly snapshots: LakeSnapshots & PendingRecords;
  readonly notifier: Notifier;
  close(): Promise<void>;
}

async function openEngine(config: LeanOpsConfig, env: SchedulerEnvironment, logger: Logger): Promise<Engine> {
  if (env.runner === 'local') {
    // This process owns the lake (DuckDB has one writer), so it also plays Firehose:
    // it commits the files the ingest worker's landing sink wrote into RAW.
    const lake = await DuckDbLake.open({ path: dataDirLayout(config.dataDir).lake });
    const committer = new LandingCommitter({
      lake,
      landingDir: dataDirLayout(config.dataDir).landing,
      topics: config.topics.map((t) => t.name),
      onError: (err) => logger.error({ err }, 'committing landed files to RAW failed; retrying'),
    });
    committer.start();
    const runner = new DuckDbJobRunner(lake);
    return {
      jobs: runner,
      snapshots: runner,
      notifier: new LogNotifier(logger),
      close: async () => {
        await committer.close();
        await lake.close();
      },
    };
  }
  const glue = new GlueClient({ region: env.region });
  const s3 = new S3Client({ region: env.region });
  const cloudwatch = new CloudWatchClient({ region: env.region });
  // readSchedulerEnvironment checked that every Glue setting is present.
  const required = (value: string | undefined): string => value as string;
  return {
    jobs: new GlueJobRunner({
      glue,
      s3,
      curationJobName: required(env.glueCurationJob),
      semanticJobName: required(env.glueSemanticJob),
      resultsUri: required(env.jobResultsUri),
      logger,
    }),
    snapshots: new GlueIcebergSnapshots({
      glue,
      s3,
      databases: {
        raw: required(env.rawDatabase),
        curated: required(env.curatedDatabase),
        semantic: required(env.semanticDatabase),
      },
    }),
    notifier: new CloudWatchNotifier({ client: cloudwatch, namespace: env.cloudwatchNamespace }),
    close: async () => {
      glue.destroy();
      s3.destroy();
      cloudwatch.destroy();
    },
  };
}

/**
 * Wires the scheduler for a deployment: state in DynamoDB (or DynamoDB Local), Glue or the
 * local DuckDB runner, CloudWatch or log notifications, the config's schemas registered,
 * metrics served. Fails at start-up with a `ConfigError` naming what is wrong.
 */
export async function startSchedulerService(
  config: LeanOpsConfig,
  env: SchedulerEnvironment,
  logger: Logger,
  version: string,
): Promise<SchedulerService> {
  const state = await openStateStores(env);
  const engine = await openEngine(config, env, logger);
  try {
    await syncConfigSchemas(config.topics, state.schemas, logger);
    const registry = createRegistry({ defaultLabels: { service: 'scheduler' } });
    createBaseMetrics(registry, 'scheduler', version);
    const scheduler = await Scheduler.start(schedulerOptionsOf(config, env.redisUrl), {
      ...state,
      jobs: engine.jobs,
      snapshots: engine.snapshots,
      pending: engine.snapshots,
      notifier: engine.notifier,
      registry,
      logger,
    });
    const metrics = await startMetricsServer({ registry, port: config.metricsPort });
    logger.info({ metrics: `${metrics.url}/metrics`, runner: env.runner }, 'scheduler service ready');
    return {
      scheduler,
      metrics,
      close: onceAsync(async () => {
        metrics.markShuttingDown();
        await scheduler.close();
        await engine.close();
        state.close();
        await metrics.close();
        return { drained: true };
      }),
    };
  } catch (err) {
    await engine.close();
    state.close();
    throw err;
  }
}
