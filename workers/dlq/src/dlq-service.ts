import { QueueStatsSampler, SqsAcknowledger } from '@lean-ops/aws';
import type { LeanOpsConfig } from '@lean-ops/config';
import { onceAsync } from '@lean-ops/core';
import type { Logger } from '@lean-ops/logger';
import { createBaseMetrics, createRegistry, type MetricsServer, startMetricsServer } from '@lean-ops/metrics';
import { buildQuarantine, type CloseResult, type ServiceEnvironment } from '@lean-ops/worker-ingest';
import { resolveDlqQueues, sqsClientFor } from './dlq-queues.js';
import type { DlqSettings } from './dlq-settings.js';
import { DlqWorker } from './dlq-worker.js';

export interface DlqService {
  readonly worker: DlqWorker;
  readonly metrics: MetricsServer;
  /** Closes the worker (within its budget), the metrics server and the clients; idempotent. */
  close(): Promise<CloseResult>;
}

/**
 * Wires the DLQ processor for a deployment from the same environment as the ingest
 * worker (queues, SQS endpoint, quarantine): every topic's DLQ, the metrics endpoint with
 * readiness. Fails at start-up with a `ConfigError` naming a missing queue or bad option.
 */
export async function startDlqService(
  config: LeanOpsConfig,
  env: ServiceEnvironment,
  logger: Logger,
  version: string,
  settings: DlqSettings = { tuning: {}, metricsPort: 9465 },
): Promise<DlqService> {
  const quarantine = buildQuarantine(env, config.dataDir);
  const sqs = sqsClientFor(env);
  let worker: DlqWorker;
  let metrics: MetricsServer;
  try {
    const queues = await resolveDlqQueues(sqs, config, env);
    const topics = new Set(config.topics.map((t) => t.name));
    const registry = createRegistry({ defaultLabels: { service: 'dlq' } });
    createBaseMetrics(registry, 'dlq', version);
    worker = new DlqWorker(
      { ...config.dlq, ...settings.tuning, queues },
      {
        sqs,
        quarantine,
        acknowledger: new SqsAcknowledger({ client: sqs, logger }),
        isKnownTopic: (topic) => topics.has(topic),
        registry,
        logger,
        sampler: new QueueStatsSampler({ client: sqs }),
      },
    );
    metrics = await startMetricsServer({
      registry,
      port: settings.metricsPort,
      readiness: { dlq: () => worker.isHealthy() },
    });
  } catch (err) {
    sqs.destroy();
    await quarantine.close();
    throw err;
  }
  worker.start();
  logger.info({ metrics: `${metrics.url}/metrics` }, 'DLQ service ready');
  return {
    worker,
    metrics,
    close: onceAsync(async () => {
      metrics.markShuttingDown();
      const result = await worker.close();
      await metrics.close();
      await quarantine.close();
      sqs.destroy();
      return result;
    }),
  };
}
