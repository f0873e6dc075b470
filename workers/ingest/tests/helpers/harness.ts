import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MessageAttributeValue, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { QueueStatsSampler, SqsAcknowledger } from '@lean-ops/aws';
import type { EncodedRecord, FailedRecord, RawRecord, RecordSink } from '@lean-ops/core';
import { RetryableError } from '@lean-ops/core';
import { FileQuarantine, LandingSink, readJsonlTree } from '@lean-ops/local';
import { createRegistry } from '@lean-ops/metrics';
import { awsClientConfig, createQueue, startSqsServer } from '@lean-ops/testkit';
import { type IngestOptionsInput, IngestWorker } from '../../src/index.js';
import { silentLogger } from './fakes.js';

/**
 * Wraps a real sink so a test can take it down or make it reject records: a fault
 * injector around the landing sink, not a mock of any AWS API.
 */
export class FaultySink implements RecordSink {
  readonly name = 'local';
  down = false;
  rejectOnce = new Set<string>();
  calls = 0;
  constructor(private readonly inner: RecordSink) {}
  get limits() {
    return this.inner.limits;
  }
  async putBatch(records: readonly EncodedRecord[]) {
    this.calls += 1;
    if (this.down) throw new RetryableError('sink outage (injected)');
    const failed: FailedRecord[] = [];
    const pass: EncodedRecord[] = [];
    records.forEach((r, index) => {
      if (this.rejectOnce.delete(r.record.source_message_id))
        failed.push({ index, code: 'ServiceUnavailableException', message: 'injected' });
      else pass.push(r);
    });
    if (pass.length > 0) await this.inner.putBatch(pass);
    return { failed };
  }
  close() {
    return this.inner.close();
  }
}

/** Polls `check` every 100 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Sends bodies to a queue in batches of 10; returns their MessageIds in order. */
export async function sendBodies(
  sqs: SQSClient,
  url: string,
  bodies: readonly string[],
  attributes?: Record<string, MessageAttributeValue>,
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < bodies.length; i += 10) {
    const chunk = bodies.slice(i, i + 10);
    const out = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: chunk.map((b, j) => ({ Id: String(j), MessageBody: b, MessageAttributes: attributes })),
      }),
    );
    if ((out.Failed ?? []).length > 0) throw new Error(`send failed: ${JSON.stringify(out.Failed)}`);
    const byId = new Map((out.Successful ?? []).map((s) => [s.Id, s.MessageId as string]));
    ids.push(...chunk.map((_, j) => byId.get(String(j)) as string));
  }
  return ids;
}

/** Every row of the JSONL files below `dir` (landing or quarantine). */
export async function readRows<T>(dir: string): Promise<T[]> {
  const rows: T[] = [];
  for await (const r of readJsonlTree<T>(dir)) rows.push(r);
  return rows;
}

export async function startHarness(
  options: Partial<IngestOptionsInput> = {},
  queue: { maxReceiveCount?: number; visibilityTimeout?: number } = {},
) {
  const server = await startSqsServer();
  const sqs = new SQSClient(awsClientConfig(server.endpoint));
  const { queueUrl, dlqUrl } = await createQueue(server.endpoint, 'telemetry', {
    dlq: { maxReceiveCount: queue.maxReceiveCount ?? 3 },
    visibilityTimeout: queue.visibilityTimeout ?? 30,
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'ingest-it-'));
  const sink = new FaultySink(new LandingSink({ dir: join(dataDir, 'landing') }));
  const registry = createRegistry({ collectDefault: false });
  const sampler = new QueueStatsSampler({ client: sqs });
  const worker = new IngestWorker(
    {
      queues: [{ topic: 'telemetry', url: queueUrl, dlqUrl }],
      pollersPerQueue: 2,
      waitTimeSeconds: 1,
      lingerMs: 20,
      shutdownBudgetMs: 5_000,
      ...options,
    },
    {
      sqs,
      sink,
      quarantine: new FileQuarantine({ dir: join(dataDir, 'quarantine') }),
      acknowledger: new SqsAcknowledger({ client: sqs }),
      isKnownTopic: (t) => t === 'telemetry',
      registry,
      logger: silentLogger(),
      sampleQueues: async (urls) => new Map((await sampler.sample(urls)).map((s) => [s.queueUrl, s])),
    },
  );

  const send = (bodies: readonly string[]) => sendBodies(sqs, queueUrl, bodies);
  const depth = async (url: string) => {
    const [stats] = await sampler.sample([url]);
    return (stats?.visible ?? 0) + (stats?.inFlight ?? 0);
  };
  const landed = () => readRows<RawRecord>(join(dataDir, 'landing'));
  const quarantined = () => readRows<{ reason: string; body: string }>(join(dataDir, 'quarantine'));
  const stop = async () => {
    await worker.close();
    sqs.destroy();
    await server.stop();
  };
  return {
    server,
    sqs,
    queueUrl,
    dlqUrl: dlqUrl as string,
    worker,
    sink,
    registry,
    send,
    depth,
    landed,
    quarantined,
    waitFor,
    stop,
  };
}
