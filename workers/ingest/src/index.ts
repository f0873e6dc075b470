export { createIngestMetrics, type IngestMetrics } from './ingest-metrics.js';
export { claimedTopic, IngestPipeline, type IngestPipelineDeps } from './ingest-pipeline.js';
export {
  buildQuarantine,
  INGEST_CLIENT_SETTINGS,
  type IngestService,
  resolveQueues,
  sqsChecksumSettings,
  sqsClientConfig,
  startIngestService,
} from './ingest-service.js';
export {
  type IngestThreadData,
  type IngestThreadParts,
  type IngestThreads,
  renderMerged,
  resolveThreadCount,
  serveIngestThread,
  startIngestThreads,
} from './ingest-threads.js';
export { type CloseResult, IngestWorker, type IngestWorkerDeps, type QueueDepth, queueName } from './ingest-worker.js';
export {
  type IngestOptions,
  type IngestOptionsInput,
  ingestOptionsSchema,
  parseIngestOptions,
  type QueueOptions,
} from './options.js';
export { PollerPool, type PollerPoolOptions, SOURCE_MESSAGE_ID_ATTRIBUTE, toReceivedMessage } from './poller-pool.js';
export { retryDelaySeconds } from './retry-delay.js';
export { readServiceEnvironment, type ServiceEnvironment, serviceEnvironmentSchema } from './service-environment.js';
export { exitOnShutdownSignals } from './shutdown-signals.js';
export { BREAKER_STATE_VALUE, type BreakerState, SinkBreaker } from './sink-breaker.js';
