/**
 * `npm run bench:e2e`: the full local stack (embedded SQS, ingest worker, landing commits,
 * scheduler with the DuckDB runner, DLQ processor, DynamoDB Local, Redis) fed by the
 * simulator at a sustained rate. Freshness = publish time → the moment the row is seen in
 * a committed semantic snapshot (polled every 250 ms, so it is an upper bound).
 * Last line: {"bench":"e2e","rate","published","freshness_p50_s","freshness_p99_s","unaccounted"}.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@lean-ops/logger';
import { DevStack } from '../src/index.js';

const rate = Number(process.env.BENCH_RATE ?? 1000);
const seconds = Number(process.env.BENCH_SECONDS ?? 60);
const dataDir = mkdtempSync(join(tmpdir(), 'bench-e2e-'));
const logger = createLogger({ component: 'bench', level: 'warn', format: 'json' });
const stack = await DevStack.start(
  {
    dataDir,
    rate,
    durationSeconds: seconds,
    profile: 'clean',
    devices: 200,
    untilIdle: true,
    statusPort: 0,
    metricsPort: 0,
    sqsPort: 0,
    seed: 42,
  },
  logger,
);

const samples: number[] = [];
/** Publish → the ingest worker's `ingested_at`: the queue's and ingest's share of freshness. */
const ingestSamples: number[] = [];
const lastRawSeq = new Map<string, number>();
let polling = true;
async function poll(): Promise<void> {
  while (polling) {
    const seenAt = Date.now();
    for (const topic of stack.topics) {
      const [row] = await stack.lake.query<{ raw_seq: number | null }>(
        `SELECT max(raw_seq)::BIGINT AS raw_seq FROM meta.snapshots WHERE topic = '${topic}' AND layer = 'semantic'`,
      );
      const upTo = Number(row?.raw_seq ?? 0);
      const from = lastRawSeq.get(topic) ?? 0;
      if (upTo > from) {
        const rows = await stack.lake.query<{ p: number; i: number }>(
          `SELECT epoch_ms(publish_time)::BIGINT AS p, epoch_ms(ingested_at)::BIGINT AS i FROM curated."${topic}" WHERE _raw_seq > ${from} AND _raw_seq <= ${upTo}`,
        );
        for (const r of rows) {
          samples.push((seenAt - Number(r.p)) / 1000);
          ingestSamples.push((Number(r.i) - Number(r.p)) / 1000);
        }
        lastRawSeq.set(topic, upTo);
      }
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

const started = Date.now();
const watcher = poll();
const progress = setInterval(() => {
  process.stderr.write(
    `  ${Math.round((Date.now() - started) / 1000)} s, ${samples.length} rows visible in semantic\n`,
  );
}, 10_000);
const summary = await stack.simulate();
await stack.waitUntilIdle(300_000);
polling = false;
await watcher;
clearInterval(progress);
const audit = await stack.audit();
await stack.close();
rmSync(dataDir, { recursive: true, force: true });

samples.sort((a, b) => a - b);
ingestSamples.sort((a, b) => a - b);
const pctOf = (xs: number[], p: number): number =>
  Number((xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? 0).toFixed(2));
const pct = (p: number): number => pctOf(samples, p);
process.stderr.write(
  `sent ${summary.sent} in ${(summary.duration_ms / 1000).toFixed(1)} s (${Math.round(summary.sent / (summary.duration_ms / 1000))}/s); ${samples.length} freshness samples\n`,
);
process.stdout.write(
  `${JSON.stringify({
    bench: 'e2e',
    rate,
    published: summary.sent,
    achieved_rate: Math.round(summary.sent / (summary.duration_ms / 1000)),
    freshness_p50_s: pct(0.5),
    freshness_p99_s: pct(0.99),
    ingest_p50_s: pctOf(ingestSamples, 0.5),
    ingest_p99_s: pctOf(ingestSamples, 0.99),
    unaccounted: audit.totals.unaccounted,
  })}\n`,
);
process.exit(0);
