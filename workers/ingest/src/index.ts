export {
  composeIngestService,
  type IngestAdapters,
  type IngestService,
  type IngestStatus,
} from './compose-ingest-service.js';
export { createIngestMetrics, type IngestMetrics } from './ingest-metrics.js';
export { IngestPipeline, type IngestPipelineDeps } from './ingest-pipeline.js';
export { INGEST, type RunningIngestService, startIngestService } from './ingest-service.js';
export {
  type IngestThreadData,
  type IngestThreadParts,
  type IngestThreads,
  renderMerged,
  resolveThreadCount,
  serveIngestThread,
  startIngestThreads,
  type ThreadWorker,
} from './ingest-threads.js';
export { IngestWorker, type IngestWorkerDeps } from './ingest-worker.js';
export { type IngestOptions, type IngestOptionsInput, parseIngestOptions, type QueueOptions } from './options.js';
export type { BreakerState } from './sink-breaker.js';
