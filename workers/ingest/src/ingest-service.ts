import { join } from 'node:path';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
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
import { createBaseMetrics, createRegistry, type MetricsServer, startMetricsServer } from '@lean-ops/metrics';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { type CloseResult, IngestWorker } from './ingest-worker.js';
import type { QueueOptions } from './options.js';
import type { ServiceEnvironment } from './service-environment.js';

export interface IngestService {
  readonly worker: IngestWorker;
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

function buildSink(env: ServiceEnvironment, dataDir: string): RecordSink {
  if (env.sink === 'local') return new LandingSink({ dir: join(dataDir, 'landing') });
  if (env.sink === 'kinesis') {
    const client = new KinesisClient({ region: env.region, requestHandler: new NodeHttpHandler() });
    const stream = env.kinesisStream as string;
    return new KinesisSink({ client, streamForTopic: () => stream });
  }
  const client = new FirehoseClient({ region: env.region });
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

/**
 * Wires the ingest worker for a deployment: AWS clients, sink, quarantine, queue
 * lookup, metrics endpoint with readiness. Fails at start-up with a `ConfigError`
 * naming what is wrong (bad option, missing queue, missing bucket).
 */
export async function startIngestService(
  config: LeanOpsConfig,
  env: ServiceEnvironment,
  logger: Logger,
  version: string,
): Promise<IngestService> {
  const sqs = new SQSClient({
    region: env.region,
    ...(env.sqsEndpoint ? { endpoint: env.sqsEndpoint, credentials: LOCAL_CREDENTIALS } : {}),
  });
  const queues = await resolveQueues(sqs, config, env);
  const topics = new Set(config.topics.map((t) => t.name));
  const registry = createRegistry({ defaultLabels: { service: 'ingest' } });
  createBaseMetrics(registry, 'ingest', version);
  const sampler = new QueueStatsSampler({ client: sqs });
  const worker = new IngestWorker(
    { ...config.ingest, queues },
    {
      sqs,
      sink: buildSink(env, config.dataDir),
      quarantine: buildQuarantine(env, config.dataDir),
      acknowledger: new SqsAcknowledger({ client: sqs }),
      isKnownTopic: (topic) => topics.has(topic),
      registry,
      logger,
      sampleQueues: async (urls) => new Map((await sampler.sample(urls)).map((s) => [s.queueUrl, s])),
    },
  );
  const metrics = await startMetricsServer({
    registry,
    port: config.metricsPort,
    readiness: { sink: () => worker.isHealthy() },
  });
  worker.start();
  logger.info({ metrics: `${metrics.url}/metrics`, sink: env.sink }, 'ingest service ready');
  return {
    worker,
    metrics,
    close: onceAsync(async () => {
      metrics.markShuttingDown();
      const result = await worker.close();
      await metrics.close();
      sqs.destroy();
      return result;
    }),
  };
}
