import { join } from 'node:path';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import {
  FirehoseSink,
  KinesisSink,
  QueueStatsSampler,
  resolveQueueUrls,
  S3Quarantine,
  SqsAcknowledger,
} from '@lean-ops/aws';
import type { LeanOpsConfig } from '@lean-ops/config';
import { ConfigError, onceAsync, type Quarantine, type RecordSink } from '@lean-ops/core';
import { FileQuarantine, LandingSink, LOCAL_CREDENTIALS } from '@lean-ops/local';
import type { Logger } from '@lean-ops/logger';
import {
  createBaseMetrics,
  createRegistry,
  type MetricsServer,
  type Registry,
  startMetricsServer,
} from '@lean-ops/metrics';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { resolveThreadCount, startIngestThreads } from './ingest-threads.js';
import { type CloseResult, IngestWorker } from './ingest-worker.js';
import { parseIngestOptions, type QueueOptions } from './options.js';
import type { ServiceEnvironment } from './service-environment.js';

export interface IngestService {
  /** The worker, when it runs on this thread (`ingest.threads` 1); undefined with worker threads. */
  readonly worker: IngestWorker | undefined;
  /** Pipelines running (worker threads, or 1). */
  readonly threads: number;
  readonly metrics: MetricsServer;
  /** Closes the worker (within its budget), then the metrics server; idempotent. */
  close(): Promise<CloseResult>;
}

/** Each topic's queue and DLQ: `env.queues`, else looked up by name; `ConfigError` naming any missing queue. */
export async function resolveQueues(
  sqs: SQSClient,
  config: LeanOpsConfig,
  env: ServiceEnvironment,
): Promise<QueueOptions[]> {
  if (env.queues) return env.queues;
  const names = config.topics.flatMap((t) => [`${env.queuePrefix}${t.name}`, `${env.queuePrefix}${t.name}-dlq`]);
  const urls = await resolveQueueUrls(sqs, names);
  return config.topics.map((t) => {
    const url = urls.get(`${env.queuePrefix}${t.name}`) as string;
    const dlqUrl = urls.get(`${env.queuePrefix}${t.name}-dlq`);
    return dlqUrl ? { topic: t.name, url, dlqUrl } : { topic: t.name, url };
  });
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
  if (env.sink === 'local') return new LandingSink({ dir: join(dataDir, 'landing') });
  if (env.sink === 'kinesis') {
    const client = new KinesisClient({
      region: env.region,
      requestHandler: new NodeHttpHandler(),
      ...INGEST_CLIENT_SETTINGS,
    });
    const stream = env.kinesisStream as string;
    return new KinesisSink({ client, streamForTopic: () => stream });
  }
  const client = new FirehoseClient({ region: env.region, ...INGEST_CLIENT_SETTINGS });
  return new FirehoseSink({ client, streamForTopic: (topic) => `${env.firehoseStreamPrefix}${topic}` });
}

/** S3 when a bucket is set, else `<dataDir>/quarantine`; an AWS sink without a bucket is a `ConfigError`. */
export function buildQuarantine(env: ServiceEnvironment, dataDir: string): Quarantine {
  if (env.quarantineBucket) {
    return new S3Quarantine({
      client: new S3Client({ region: env.region }),
      bucket: env.quarantineBucket,
      prefix: env.quarantinePrefix,
    });
  }
  if (env.sink !== 'local') {
    throw new ConfigError('ingest service environment', [
      'LEAN_OPS_QUARANTINE_BUCKET: required with an AWS sink (DROPs need a durable quarantine)',
    ]);
  }
  return new FileQuarantine({ dir: join(dataDir, 'quarantine') });
}

/** Where an SQS client of the deployment goes: AWS, or the emulator at `LEAN_OPS_SQS_ENDPOINT` (any credentials). */
export function sqsClientConfig(env: ServiceEnvironment): SQSClientConfig {
  return {
    region: env.region,
    ...(env.sqsEndpoint ? { endpoint: env.sqsEndpoint, credentials: LOCAL_CREDENTIALS } : {}),
  };
}

/** SQS client of the worker (see docs/ingest.md, "SDK client settings"). */
export function createIngestSqsClient(env: ServiceEnvironment): SQSClient {
  return new SQSClient({
    ...sqsClientConfig(env),
    ...sqsChecksumSettings(env.sqsEndpoint),
    ...INGEST_CLIENT_SETTINGS,
  });
}

/**
 * Settings of every SDK client on the worker's hot path: each client resolves its
 * middleware stack once per command class and reuses it (~40 % of a call's CPU). The
 * adapters send without per-call options so the cache holds (see sendCached in
 * packages/aws).
 */
export const INGEST_CLIENT_SETTINGS = { cacheMiddleware: true } as const;

/**
 * The SDK's MD5 check of received bodies (`MD5OfBody`) guards against corruption on the
 * wire. Against AWS (HTTPS) and a loopback emulator the transport already guarantees
 * integrity (TLS records are authenticated; loopback never leaves the host), so the
 * check is skipped there; a plain-HTTP endpoint on another host keeps it.
 */
export function sqsChecksumSettings(endpoint: string | undefined): { md5?: false } {
  if (endpoint === undefined) return { md5: false };
  const url = new URL(endpoint);
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  return url.protocol === 'https:' || loopback ? { md5: false } : {};
}

/** What the main thread hands every ingest thread (structured-cloneable). */
export interface IngestThreadPayload {
  readonly config: LeanOpsConfig;
  readonly env: ServiceEnvironment;
  readonly queues: readonly QueueOptions[];
}

/**
 * One ingest pipeline with its own clients: the whole worker with one thread, each
 * thread's worker otherwise. Only `sampleQueues` workers sample queue depths (one per
 * process, so the merged gauges are not counted twice).
 */
export function buildIngestWorker(
  payload: IngestThreadPayload,
  deps: { readonly registry: Registry; readonly logger: Logger; readonly sampleQueues: boolean },
): { worker: IngestWorker; dispose: () => void } {
  const { config, env, queues } = payload;
  const sqs = createIngestSqsClient(env);
  const topics = new Set(config.topics.map((t) => t.name));
  const sampler = new QueueStatsSampler({ client: sqs });
  const worker = new IngestWorker(
    { ...config.ingest, queues: [...queues] },
    {
      sqs,
      sink: buildSink(env, config.dataDir),
      quarantine: buildQuarantine(env, config.dataDir),
      acknowledger: new SqsAcknowledger({ client: sqs }),
      isKnownTopic: (topic) => topics.has(topic),
      registry: deps.registry,
      logger: deps.logger,
      ...(deps.sampleQueues
        ? { sampleQueues: async (urls) => new Map((await sampler.sample(urls)).map((s) => [s.queueUrl, s])) }
        : {}),
    },
  );
  return { worker, dispose: () => sqs.destroy() };
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
): Promise<IngestService> {
  const sqs = createIngestSqsClient(env);
  const queues = await resolveQueues(sqs, config, env);
  const options = parseIngestOptions({ ...config.ingest, queues });
  const threads = resolveThreadCount(options.threads);
  const registry = createRegistry({ defaultLabels: { service: 'ingest' } });
  createBaseMetrics(registry, 'ingest', version);
  const payload: IngestThreadPayload = { config, env, queues };

  if (threads > 1) {
    buildQuarantine(env, config.dataDir); // its ConfigError here, not in a thread
    sqs.destroy();
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
      worker: undefined,
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

  sqs.destroy();
  const { worker, dispose } = buildIngestWorker(payload, { registry, logger, sampleQueues: true });
  const metrics = await startMetricsServer({
    registry,
    port: config.metricsPort,
    readiness: { sink: () => worker.isHealthy() },
  });
  worker.start();
  logger.info({ metrics: `${metrics.url}/metrics`, sink: env.sink }, 'ingest service ready');
  return {
    worker,
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
