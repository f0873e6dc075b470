export { createIngestMetrics, type IngestMetrics } from './ingest-metrics.js';
export { IngestPipeline, type IngestPipelineDeps } from './ingest-pipeline.js';
export { type IngestService, startIngestService } from './ingest-service.js';
export { type CloseResult, IngestWorker, type IngestWorkerDeps, type QueueDepth, queueName } from './ingest-worker.js';
export {
  type IngestOptions,
  type IngestOptionsInput,
  ingestOptionsSchema,
  parseIngestOptions,
  type QueueOptions,
} from './options.js';
export { PollerPool, toReceivedMessage } from './poller-pool.js';
export { retryDelaySeconds } from './retry-delay.js';
export { readServiceEnvironment, type ServiceEnvironment, serviceEnvironmentSchema } from './service-environment.js';
export { exitOnShutdownSignals } from './shutdown-signals.js';
export { BREAKER_STATE_VALUE, type BreakerState, SinkBreaker } from './sink-breaker.js';
