import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { PurgeQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { QueueStatsSampler, SqsAcknowledger } from '@lean-ops/aws';
import { DuckDbLake, LandingCommitter } from '@lean-ops/lake';
import { type EmbeddedSqs, FileQuarantine, LandingSink, LOCAL_CREDENTIALS, startEmbeddedSqs } from '@lean-ops/local';
import { createLogger } from '@lean-ops/logger';
import { createRegistry } from '@lean-ops/metrics';
import { SqsMessageSource } from '@lean-ops/queue-worker';
import { readLedger, runSimulation, type SimulationOptionsInput } from '@lean-ops/simulator';
import { IngestWorker } from '@lean-ops/worker-ingest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AuditReport,
  auditPassed,
  auditPipeline,
  auditProblems,
  formatAudit,
  formatAuditVerdict,
} from '../../src/audit.js';

const TOPICS = ['sensors', 'gps'];
const valid = (topic: string, device: string) =>
  JSON.stringify({ topic, device_id: device, event_timestamp: '2025-03-01T12:00:00Z', payload: { v: 1 } });

/**
 * The simulator, the embedded SQS endpoint and the real ingest path (IngestWorker →
 * landing files → DuckDB RAW, DROPs → file quarantine), then the audit over the ledger.
 */
describe('auditPipeline over real runs of the simulator and the ingest worker', () => {
  let sqs: EmbeddedSqs;
  let client: SQSClient;
  let lake: DuckDbLake;
  let committer: LandingCommitter;
  let ingest: IngestWorker;
  let dir: string;
  const urls = new Map<string, string>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'audit-it-'));
    sqs = await startEmbeddedSqs();
    client = new SQSClient({ region: 'us-east-1', endpoint: sqs.endpoint, credentials: LOCAL_CREDENTIALS });
    const queues = [];
    for (const topic of TOPICS) {
      const { url, dlqUrl } = await sqs.createTopicQueue(topic);
      urls.set(topic, url);
      queues.push({ topic, url, dlqUrl });
    }
    lake = await DuckDbLake.open({ path: join(dir, 'lake.duckdb') });
    for (const topic of TOPICS) await lake.ensureTopic(topic);
    committer = new LandingCommitter({ lake, landingDir: join(dir, 'landing'), topics: TOPICS });
    const sampler = new QueueStatsSampler({ client });
    ingest = new IngestWorker(
      { queues, pollersPerQueue: 1, waitTimeSeconds: 1, lingerMs: 20, shutdownBudgetMs: 5_000 },
      {
        source: new SqsMessageSource({ client, logger: createLogger({ component: 'test', level: 'silent' }) }),
        sink: new LandingSink({ dir: join(dir, 'landing') }),
        quarantine: new FileQuarantine({ dir: join(dir, 'quarantine') }),
        acknowledger: new SqsAcknowledger({ client }),
        isKnownTopic: (t) => TOPICS.includes(t),
        registry: createRegistry({ collectDefault: false }),
        logger: createLogger({
          component: 'test',
          format: 'json',
          level: 'silent',
          destination: new Writable({ write: (_c, _e, done) => done() }),
        }),
        sampler,
      },
    );
    ingest.start();
  });
  afterAll(async () => {
    await ingest?.close();
    await lake?.close();
    client?.destroy();
    await sqs?.close();
  });

  const simulate = (options: Partial<SimulationOptionsInput>) =>
    runSimulation({ topics: TOPICS, endpoint: sqs.endpoint, queuePrefix: '', ...options });

  const audit = (ledgerPath: string) =>
    auditPipeline({ ledgerPath, lake, quarantineDir: join(dir, 'quarantine'), topics: TOPICS });

  /** Commits landed files and audits until nothing sent is unaccounted (the ingest caught up). */
  async function auditWhenIngested(ledgerPath: string): Promise<AuditReport> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      await committer.commitOnce();
      const report = await audit(ledgerPath);
      if (report.totals.unaccounted === 0 || Date.now() > deadline) return report;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('a replay with bodies SQS refuses: they are not_sent in the ledger and the audit, which fails', async () => {
    const input = join(dir, 'refused.jsonl');
    const lines = [
      valid('sensors', 'd1'),
      valid('gps', 'd2'),
      '{"topic":"sensors", broken',
      valid('orders', 'd3'),
      JSON.stringify({ topic: 'Bad-Topic', device_id: 'd4', event_timestamp: '2025-03-01T12:00:00Z', payload: {} }),
      `{"topic":"sensors","device_id":"d5","note":"nul \u0000"}`,
      `{"topic":"gps","device_id":"d6","note":"non-character \uffff"}`,
    ];
    writeFileSync(input, `${lines.join('\n')}\n`);
    const ledgerPath = join(dir, 'refused-ledger.jsonl');
    const summary = await simulate({ input, defaultTopic: 'sensors', ledger: ledgerPath });
    expect(summary).toMatchObject({ sent: 5, failed: 2 });

    const report = await auditWhenIngested(ledgerPath);
    expect(report.runs).toEqual([summary.run_id]);
    expect(report.totals).toMatchObject({
      sent: 5,
      not_sent: 2,
      in_raw: 2,
      quarantined: 3,
      unaccounted: 0,
      misclassified: 0,
    });
    const byTopic = new Map(report.topics.map((t) => [t.topic, t]));
    expect(byTopic.get('sensors')).toMatchObject({ sent: 4, not_sent: 1, in_raw: 1, quarantined: 3 });
    expect(byTopic.get('gps')).toMatchObject({ sent: 1, not_sent: 1, in_raw: 1, quarantined: 0 });
    expect(report.examples.not_sent.map((e) => [e.seq, e.queue, e.code]).sort()).toEqual([
      [6, 'sensors', 'InvalidMessageContents'],
      [7, 'gps', 'InvalidMessageContents'],
    ]);

    expect(auditPassed(report)).toBe(false);
    expect(auditProblems(report)).toEqual([expect.stringMatching(/^2 not sent/)]);
    const table = formatAudit(report).split('\n');
    expect(table[0]).toMatch(/^topic\s+sent\s+not_sent\s+in_raw/);
    expect(table.at(-1)).toMatch(/^TOTAL\s+5\s+2\s+2\s+3\s/);
    expect(formatAuditVerdict(report)).toMatch(/^audit failed: 2 not sent/);
  });

  it('the same replay without the refused bodies passes', async () => {
    const input = join(dir, 'clean.jsonl');
    writeFileSync(input, `${valid('sensors', 'c1')}\n{"broken\n${valid('gps', 'c2')}\n`);
    const ledgerPath = join(dir, 'clean-ledger.jsonl');
    await simulate({ input, defaultTopic: 'sensors', ledger: ledgerPath });
    const report = await auditWhenIngested(ledgerPath);
    expect(report.totals).toMatchObject({ sent: 3, not_sent: 0, in_raw: 2, quarantined: 1, unaccounted: 0 });
    expect(auditPassed(report)).toBe(true);
    expect(formatAuditVerdict(report)).toMatch(/^audit passed/);
  });

  it('audits every run appended to the ledger; what a crash lost in the queues is unaccounted', async () => {
    const ledgerPath = join(dir, 'two-runs.jsonl');
    const first = await simulate({ count: 20, rate: 1_000, profile: 'clean', ledger: ledgerPath });
    const afterFirst = await auditWhenIngested(ledgerPath);
    expect(afterFirst.totals).toMatchObject({ sent: 20, in_raw: 20, unaccounted: 0 });

    // A crash: nothing consumes the queues while the second run sends, then they are lost.
    await ingest.close();
    const second = await simulate({ count: 12, rate: 1_000, profile: 'clean', ledger: ledgerPath });
    for (const url of urls.values()) await client.send(new PurgeQueueCommand({ QueueUrl: url }));

    const report = await audit(ledgerPath);
    expect(report.runs).toEqual([first.run_id, second.run_id]);
    expect(report.totals).toMatchObject({ sent: 32, in_raw: 20, not_sent: 0, unaccounted: 12 });
    const secondIds: string[] = [];
    for await (const entry of readLedger(ledgerPath)) {
      if (entry.run_id === second.run_id && entry.message_id !== null) secondIds.push(entry.message_id);
    }
    expect([...report.examples.unaccounted].sort()).toEqual(secondIds.sort());
    expect(auditProblems(report)).toEqual(['12 unaccounted']);
    expect(auditPassed(report)).toBe(false);
  });
});
