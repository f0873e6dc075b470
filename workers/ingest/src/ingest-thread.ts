/**
 * The module every ingest worker thread runs (`ingest.threads` > 1): the same pipeline
 * as the single-threaded service, with its own clients; metrics and shutdown go through
 * the main thread.
 */
import { createLogger } from '@lean-ops/logger';
import { createRegistry } from '@lean-ops/metrics';
import { buildIngestWorker, type IngestThreadPayload } from './ingest-service.js';
import { serveIngestThread } from './ingest-threads.js';

serveIngestThread<IngestThreadPayload>(async ({ index, payload }) => {
  const logger = createLogger({ component: `ingest-thread-${index}`, level: payload.config.logLevel });
  const registry = createRegistry({ defaultLabels: { service: 'ingest' } });
  // One thread samples queue depths, so the merged gauges are not counted once per thread.
  const { worker, dispose } = buildIngestWorker(payload, { registry, logger, sampleQueues: index === 0 });
  return { worker, registry, dispose };
});
