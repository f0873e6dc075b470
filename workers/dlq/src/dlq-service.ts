import { dlqTuningOf, type LeanOpsConfig } from '@lean-ops/config';
import { onceAsync } from '@lean-ops/core';
import type { Logger } from '@lean-ops/logger';
import { createBaseMetrics, createRegistry, type MetricsServer, startMetricsServer } from '@lean-ops/metrics';
import { buildQuarantine, type CloseResult, openSqsQueues, type ServiceEnvironment } from '@lean-ops/queue-worker';
import { DLQ } from './dlq-message.js';
import { resolveDlqQueues } from './dlq-queues.js';
import { DlqWorker } from './dlq-worker.js';

export interface DlqService {
  readonly worker: DlqWorker;
  readonly metrics: MetricsServer;
  /** Closes the worker (within its budget), the metrics server and the clients; idempotent. */
  close(): Promise<CloseResult>;
}

/**
 * Wires the DLQ processor for a deployment from the same environment as the ingest
 * worker (queues, SQS endpoint, quarantine): every topic's DLQ, tuned by the config's
 * `dlq` section and served on its `metricsPort`, with readiness. Fails at start-up with a
 * `ConfigError` naming a missing queue or bad option.
 */
export async function startDlqService(
  config: LeanOpsConfig,
  env: ServiceEnvironment,
  logger: Logger,
  version: string,
): Promise<DlqService> {
  const quarantine = buildQuarantine(env, config.dataDir, DLQ);
  const sqs = openSqsQueues(env, { acknowledgerLogger: logger });
  let worker: DlqWorker;
  let metrics: MetricsServer;
  try {
    const queues = await resolveDlqQueues(sqs, config);
    const topics = new Set(config.topics.map((t) => t.name));
    const registry = createRegistry({ defaultLabels: { service: 'dlq' } });
    createBaseMetrics(registry, 'dlq', version);
    worker = new DlqWorker(
      { ...dlqTuningOf(config.dlq), queues },
      {
        source: sqs.source(logger),
        sender: sqs.sender,
        quarantine,
        acknowledger: sqs.acknowledger,
        isKnownTopic: (topic) => topics.has(topic),
        registry,
        logger,
        sampler: sqs.depths,
      },
    );
    metrics = await startMetricsServer({
      registry,
      port: config.dlq.metricsPort,
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
