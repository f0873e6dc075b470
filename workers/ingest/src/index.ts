export { createIngestMetrics, type IngestMetrics } from './ingest-metrics.js';
export { IngestPipeline, type IngestPipelineDeps } from './ingest-pipeline.js';
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
export { BREAKER_STATE_VALUE, type BreakerState, SinkBreaker } from './sink-breaker.js';
