import type { LeanOpsConfig } from '@lean-ops/config';
import { onceAsync } from '@lean-ops/core';
import type { Logger } from '@lean-ops/logger';
import { createBaseMetrics, createRegistry, type MetricsServer, startMetricsServer } from '@lean-ops/metrics';
import { buildQuarantine, type CloseResult, openSqsQueues, type ServiceEnvironment } from '@lean-ops/queue-worker';
import { composeDlqService, type DlqService } from './compose-dlq-service.js';
import { DLQ } from './dlq-message.js';
import { resolveDlqQueues } from './dlq-queues.js';

/** The DLQ processor as `lean-ops dlq run` runs it: the service and its metrics endpoint. */
export interface RunningDlqService {
  readonly service: DlqService;
  readonly metrics: MetricsServer;
  /** Closes the service (within its budget), the metrics server and the clients; idempotent. */
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
): Promise<RunningDlqService> {
  const quarantine = buildQuarantine(env, config.dataDir, DLQ);
  const sqs = openSqsQueues(env, { acknowledgerLogger: logger });
  let service: DlqService;
  let metrics: MetricsServer;
  try {
    const queues = await resolveDlqQueues(sqs, config);
    const registry = createRegistry({ defaultLabels: { service: 'dlq' } });
    createBaseMetrics(registry, 'dlq', version);
    service = composeDlqService(config, queues, {
      source: sqs.source(logger),
      sender: sqs.sender,
      quarantine,
      acknowledger: sqs.acknowledger,
      registry,
      logger,
      sampler: sqs.depths,
    });
    metrics = await startMetricsServer({
      registry,
      port: config.dlq.metricsPort,
      readiness: { dlq: () => service.isHealthy() },
    });
  } catch (err) {
    sqs.destroy();
    await quarantine.close();
    throw err;
  }
  await service.start();
  logger.info({ metrics: `${metrics.url}/metrics` }, 'DLQ service ready');
  return {
    service,
    metrics,
    close: onceAsync(async () => {
      metrics.markShuttingDown();
      const result = await service.close();
      await metrics.close();
      await quarantine.close();
      sqs.destroy();
      return result;
    }),
  };
}
