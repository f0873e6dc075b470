import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  CloudWatchNotifier,
  GlueIcebergSnapshots,
  GlueJobRunner,
  GlueTableMaintenance,
  SecretsManagerReader,
} from '@lean-ops/aws';
import type { LeanOpsConfig } from '@lean-ops/config';
import { dataDirLayout, onceAsync, type SemanticSchema, snowflakeSemanticTable } from '@lean-ops/core';
import { DuckDbLake } from '@lean-ops/lake';
import type { Logger } from '@lean-ops/logger';
import { createBaseMetrics, createRegistry, type MetricsServer, startMetricsServer } from '@lean-ops/metrics';
import { openSnowflakeRefresher, scientistViewStatement } from '@lean-ops/snowflake';
import { composeSchedulerService, type SchedulerAdapters, type SchedulerService } from './compose-scheduler-service.js';
import { localEngine } from './local-engine.js';
import { type SchedulerEnvironment, withSchedulerEnvironment } from './service-environment.js';
import type { SnowflakeRefreshDeps } from './snowflake-refresh.js';
import { openStateStores } from './state-stores.js';

/** The scheduler as `lean-ops scheduler` runs it: the service and its metrics endpoint. */
export interface RunningSchedulerService {
  readonly service: SchedulerService;
  readonly metrics: MetricsServer;
  /** Closes the service (within its budget), the engine's clients and the metrics server; idempotent. */
  close(): Promise<{ drained: boolean }>;
}

/** The engine's adapters and what releases them once the service closed. */
interface Engine {
  readonly adapters: Pick<
    SchedulerAdapters,
    'jobs' | 'snapshots' | 'pending' | 'catalog' | 'notifier' | 'landing' | 'maintenance'
  >;
  close(): Promise<void>;
}

async function openEngine(config: LeanOpsConfig, env: SchedulerEnvironment, logger: Logger): Promise<Engine> {
  if (env.runner === 'local') {
    const lake = await DuckDbLake.open({ path: dataDirLayout(config.dataDir).lake });
    return { adapters: localEngine(lake, config, logger), close: () => lake.close() };
  }
  const glue = new GlueClient({ region: env.region });
  const s3 = new S3Client({ region: env.region });
  const cloudwatch = new CloudWatchClient({ region: env.region });
  // readSchedulerEnvironment checked that every Glue setting is present.
  const required = (value: string | undefined): string => value as string;
  const snapshots = new GlueIcebergSnapshots({
    glue,
    s3,
    databases: {
      raw: required(env.rawDatabase),
      curated: required(env.curatedDatabase),
      semantic: required(env.semanticDatabase),
    },
  });
  return {
    adapters: {
      jobs: new GlueJobRunner({
        glue,
        s3,
        curationJobName: required(env.glueCurationJob),
        semanticJobName: required(env.glueSemanticJob),
        resultsUri: required(env.jobResultsUri),
        logger,
      }),
      snapshots,
      pending: snapshots,
      catalog: snapshots,
      ...(env.glueMaintenanceJob && {
        maintenance: new GlueTableMaintenance({
          glue,
          s3,
          jobName: env.glueMaintenanceJob,
          resultsUri: required(env.jobResultsUri),
          logger,
        }),
      }),
      notifier: new CloudWatchNotifier({ client: cloudwatch, namespace: env.cloudwatchNamespace }),
    },
    close: async () => {
      glue.destroy();
      s3.destroy();
      cloudwatch.destroy();
    },
  };
}

/** The Snowflake refresh and what releases its clients; none without `snowflake.connection`. */
export interface SnowflakeWiring {
  readonly deps: SnowflakeRefreshDeps;
  close(): Promise<void>;
}

/**
 * The refresher when the config has a Snowflake connection: key-pair auth with the private
 * key read from Secrets Manager at every connect (a rotated key is picked up), connected
 * at the first statement so an unreachable Snowflake does not keep the scheduler from starting.
 */
export function openSnowflakeRefresh(
  config: Pick<LeanOpsConfig, 'snowflake'>,
  env: SchedulerEnvironment,
  logger: Logger,
): SnowflakeWiring | undefined {
  const section = config.snowflake;
  const connection = section?.connection;
  if (!section || !connection) return undefined;
  const tableOf = (topic: string) => snowflakeSemanticTable(section, topic);
  const viewOf = (topic: string, schema: SemanticSchema) => scientistViewStatement(section, topic, schema);
  const secrets = new SecretsManagerClient({ region: env.region });
  const reader = new SecretsManagerReader({ client: secrets });
  const refresher = openSnowflakeRefresher({
    connection,
    privateKey: () => reader.readString(connection.privateKeySecret),
    logger: { warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
  });
  return {
    deps: { refresher, tableOf, viewOf },
    close: async () => {
      await refresher.close();
      secrets.destroy();
    },
  };
}

/**
 * Wires the scheduler for a deployment: state in DynamoDB (or DynamoDB Local), Glue or the
 * local DuckDB runner, CloudWatch or log notifications, composed by
 * {@link composeSchedulerService}, metrics served; with `snowflake.connection`, the Snowflake
 * refresh after schema changes. Fails at start-up with a `ConfigError` naming what is wrong.
 */
export async function startSchedulerService(
  config: LeanOpsConfig,
  env: SchedulerEnvironment,
  logger: Logger,
  version: string,
): Promise<RunningSchedulerService> {
  const state = await openStateStores(env);
  const engine = await openEngine(config, env, logger);
  const snowflake = openSnowflakeRefresh(config, env, logger);
  let service: SchedulerService | undefined;
  try {
    const registry = createRegistry({ defaultLabels: { service: 'scheduler' } });
    createBaseMetrics(registry, 'scheduler', version);
    service = composeSchedulerService(withSchedulerEnvironment(config, env), env.redisUrl, {
      checkpoints: state.checkpoints,
      schemas: state.schemas,
      drift: state.drift,
      ...engine.adapters,
      ...(snowflake && { snowflake: snowflake.deps }),
      registry,
      logger,
    });
    await service.start();
    const metrics = await startMetricsServer({ registry, port: config.metricsPort });
    logger.info({ metrics: `${metrics.url}/metrics`, runner: env.runner }, 'scheduler service ready');
    const running = service;
    return {
      service: running,
      metrics,
      close: onceAsync(async () => {
        metrics.markShuttingDown();
        await running.close();
        await engine.close();
        await snowflake?.close();
        state.close();
        await metrics.close();
        return { drained: true };
      }),
    };
  } catch (err) {
    await service?.close();
    await engine.close();
    await snowflake?.close();
    state.close();
    throw err;
  }
}
