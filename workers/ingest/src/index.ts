export { createIngestMetrics, type IngestMetrics } from './ingest-metrics.js';
export { IngestPipeline, type IngestPipelineDeps } from './ingest-pipeline.js';
export { INGEST, type IngestService, startIngestService } from './ingest-service.js';
export {
  type IngestThreadData,
  type IngestThreadParts,
  type IngestThreads,
  renderMerged,
  resolveThreadCount,
  serveIngestThread,
  startIngestThreads,
} from './ingest-threads.js';
export { IngestWorker, type IngestWorkerDeps } from './ingest-worker.js';
export {
  type IngestOptions,
  type IngestOptionsInput,
  ingestOptionsSchema,
  parseIngestOptions,
  type QueueOptions,
} from './options.js';
export { BREAKER_STATE_VALUE, type BreakerState, SinkBreaker } from './sink-breaker.js';
