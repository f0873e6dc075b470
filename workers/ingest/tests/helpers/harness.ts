import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { QueueStatsSampler, SqsAcknowledger } from '@lean-ops/aws';
import type { EncodedRecord, FailedRecord, RecordSink } from '@lean-ops/core';
import { RetryableError } from '@lean-ops/core';
import { FileQuarantine, LandingSink } from '@lean-ops/local';
import { createRegistry } from '@lean-ops/metrics';
import { SqsMessageSource } from '@lean-ops/queue-worker';
import {
  awsClientConfig,
  createQueue,
  readLanded,
  readRows,
  sendBodies,
  startSqsServer,
  waitFor,
} from '@lean-ops/testkit';
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

export { readRows, sendBodies, waitFor };

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
      source: new SqsMessageSource({ client: sqs, logger: silentLogger() }),
      sink,
      quarantine: new FileQuarantine({ dir: join(dataDir, 'quarantine') }),
      acknowledger: new SqsAcknowledger({ client: sqs }),
      isKnownTopic: (t) => t === 'telemetry',
      registry,
      logger: silentLogger(),
      sampler,
    },
  );

  const send = (bodies: readonly string[]) => sendBodies(sqs, queueUrl, bodies);
  const depth = async (url: string) => {
    const [stats] = await sampler.sample([url]);
    return (stats?.visible ?? 0) + (stats?.inFlight ?? 0);
  };
  const landed = () => readLanded(join(dataDir, 'landing'));
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
