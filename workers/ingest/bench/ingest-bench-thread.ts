/**
 * One ingest thread of `npm run bench:ingest`: the product's thread runtime
 * (`serveIngestThread`, as `lean-ops ingest` runs with `ingest.threads` > 1) with the
 * bench's wiring: SDK clients on an in-process transport holding this thread's share of
 * the messages (the threads consume one queue in production; here each has its own slice).
 */
import { BroadcastChannel } from 'node:worker_threads';
import { serveIngestThread } from '../src/index.js';
import { type BenchThreadPayload, buildBenchWorker } from './ingest-bench-wiring.js';

serveIngestThread<BenchThreadPayload>(async ({ index, threads, payload }) => {
  const share = Math.floor(payload.messages / threads) + (index < payload.messages % threads ? 1 : 0);
  const first = index * Math.ceil(payload.messages / threads);
  const { worker, registry, transport } = buildBenchWorker(share, first);
  const channel = new BroadcastChannel(payload.channel);
  void transport.whenDrained().then(() => {
    channel.postMessage({ index, recordsPut: transport.counters.recordsPut, share });
    channel.close();
  });
  return { worker, registry };
});
