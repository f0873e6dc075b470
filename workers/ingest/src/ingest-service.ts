import { FirehoseClient } from '@aws-sdk/client-firehose';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { FirehoseSink, KinesisSink } from '@lean-ops/aws';
import type { LeanOpsConfig } from '@lean-ops/config';
import { dataDirLayout, onceAsync, type RecordSink } from '@lean-ops/core';
import { LandingSink } from '@lean-ops/local';
import type { Logger } from '@lean-ops/logger';
import {
  createBaseMetrics,
  createRegistry,
  type MetricsServer,
  type Registry,
  startMetricsServer,
} from '@lean-ops/metrics';
import {
  buildQuarantine,
  type CloseResult,
  HOT_PATH_CLIENT_SETTINGS,
  openSqsQueues,
  type ServiceEnvironment,
  type TopicQueue,
} from '@lean-ops/queue-worker';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { withBacklogPublishing } from './backlog-publishing-sampler.js';
import { composeIngestService, type IngestService } from './compose-ingest-service.js';
import { resolveThreadCount, startIngestThreads } from './ingest-threads.js';
import { parseIngestOptions } from './options.js';

/** The component name in the service environment's errors ("Invalid ingest service environment"). */
export const INGEST = 'ingest';

/** The ingest service as `lean-ops ingest` runs it: the service (or its threads) and the metrics endpoint. */
export interface RunningIngestService {
  /** The service, when it runs on this thread (`ingest.threads` 1); undefined with worker threads. */
  readonly service: IngestService | undefined;
  /** Pipelines running (worker threads, or 1). */
  readonly threads: number;
  readonly metrics: MetricsServer;
  /** Closes the service (within its budget), then the metrics server and the clients; idempotent. */
  close(): Promise<CloseResult>;
}

/**
 * The module each ingest thread runs: the TypeScript source beside this file, or, in the
 * compiled build (`npm run build`), the thread bundle beside the CLI bundle.
 */
function threadModule(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('./ingest-thread.ts', import.meta.url)
    : new URL('./ingest-thread.mjs', import.meta.url);
}

function buildSink(env: ServiceEnvironment, dataDir: string): RecordSink {
  if (env.sink === 'local') return new LandingSink({ dir: dataDirLayout(dataDir).landing });
  if (env.sink === 'kinesis') {
    const client = new KinesisClient({
      region: env.region,
      requestHandler: new NodeHttpHandler(),
      ...HOT_PATH_CLIENT_SETTINGS,
    });
    const stream = env.kinesisStream as string;
    return new KinesisSink({ client, streamForTopic: () => stream });
  }
  const client = new FirehoseClient({ region: env.region, ...HOT_PATH_CLIENT_SETTINGS });
  return new FirehoseSink({ client, streamForTopic: (topic) => `${env.firehoseStreamPrefix}${topic}` });
}

/** What the main thread hands every ingest thread (structured-cloneable). */
export interface IngestThreadPayload {
  readonly config: LeanOpsConfig;
  readonly env: ServiceEnvironment;
  readonly queues: readonly TopicQueue[];
}

/**
 * One ingest pipeline with its own clients, composed by {@link composeIngestService} on
 * the deployment's adapters: the whole service with one thread, each thread's service
 * otherwise. Only `sampleQueues` pipelines sample queue depths (one per process, so the
 * merged gauges are not counted twice).
 */
export function buildIngestWorker(
  payload: IngestThreadPayload,
  deps: { readonly registry: Registry; readonly logger: Logger; readonly sampleQueues: boolean },
): { worker: IngestService; dispose: () => void } {
  const { config, env, queues } = payload;
  const sqs = openSqsQueues(env, { hotPath: true });
  const backlog = deps.sampleQueues ? withBacklogPublishing(sqs.depths, env, deps.logger) : undefined;
  const worker = composeIngestService(config, queues, {
    source: sqs.source(deps.logger),
    sink: buildSink(env, config.dataDir),
    quarantine: buildQuarantine(env, config.dataDir, INGEST),
    acknowledger: sqs.acknowledger,
    registry: deps.registry,
    logger: deps.logger,
    // The sampling pipeline also publishes the backlog the ingest scaling policy tracks.
    ...(backlog ? { sampler: backlog.sampler } : {}),
  });
  return {
    worker,
    dispose: () => {
      sqs.destroy();
      backlog?.dispose();
    },
  };
}

/**
 * Wires the ingest worker for a deployment: AWS clients, sink, quarantine, queue
 * lookup, metrics endpoint with readiness. Fails at start-up with a `ConfigError`
 * naming what is wrong (bad option, missing queue, missing bucket). With
 * `ingest.threads` > 1 the pipelines run in worker threads (one per core) and this
 * thread serves the merged metrics.
 */
export async function startIngestService(
  config: LeanOpsConfig,
  env: ServiceEnvironment,
  logger: Logger,
  version: string,
): Promise<RunningIngestService> {
  const sqs = openSqsQueues(env, { hotPath: true });
  const queues = await sqs.resolve(config.topics.map((t) => t.name)).finally(() => sqs.destroy());
  const options = parseIngestOptions({ ...config.ingest, queues });
  const threads = resolveThreadCount(options.threads);
  const registry = createRegistry({ defaultLabels: { service: 'ingest' } });
  createBaseMetrics(registry, 'ingest', version);
  const payload: IngestThreadPayload = { config, env, queues };

  if (threads > 1) {
    buildQuarantine(env, config.dataDir, INGEST); // its ConfigError here, not in a thread
    const pool = await startIngestThreads({ threads, module: threadModule(), payload });
    const own = registry.metrics.bind(registry);
    registry.metrics = async () => `${await own()}\n${await pool.metricsText()}`;
    const metrics = await startMetricsServer({
      registry,
      port: config.metricsPort,
      readiness: { sink: () => pool.isHealthy() },
    });
    logger.info({ metrics: `${metrics.url}/metrics`, sink: env.sink, threads }, 'ingest service ready');
    return {
      service: undefined,
      threads,
      metrics,
      close: onceAsync(async () => {
        metrics.markShuttingDown();
        const result = await pool.close();
        await metrics.close();
        return result;
      }),
    };
  }

  const { worker, dispose } = buildIngestWorker(payload, { registry, logger, sampleQueues: true });
  const metrics = await startMetricsServer({
    registry,
    port: config.metricsPort,
    readiness: { sink: () => worker.isHealthy() },
  });
  await worker.start();
  logger.info({ metrics: `${metrics.url}/metrics`, sink: env.sink }, 'ingest service ready');
  return {
    service: worker,
    threads: 1,
    metrics,
    close: onceAsync(async () => {
      metrics.markShuttingDown();
      const result = await worker.close();
      await metrics.close();
      dispose();
      return result;
    }),
  };
}
