import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Message, type MessageAttributeValue, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { QueueStatsSampler, SqsAcknowledger } from '@lean-ops/aws';
import { type Quarantine, type QuarantineEntry, RetryableError } from '@lean-ops/core';
import { FileQuarantine } from '@lean-ops/local';
import { createRegistry } from '@lean-ops/metrics';
import { SqsMessageSender, SqsMessageSource } from '@lean-ops/queue-worker';
import {
  awsClientConfig,
  createQueue,
  readRows,
  sendBodies,
  silentLogger,
  startSqsServer,
  waitFor,
} from '@lean-ops/testkit';
import { type DlqOptionsInput, DlqWorker } from '../../src/index.js';

/** A real file quarantine that a test can take down: a fault injector, not a mock. */
export class FaultyQuarantine implements Quarantine {
  down = false;
  /** While set, writes wait for it (a hanging S3 call). */
  hold: Promise<void> | undefined;
  constructor(private readonly inner: Quarantine) {}
  async put(entries: readonly QuarantineEntry[]): Promise<void> {
    await this.hold;
    if (this.down) throw new RetryableError('quarantine outage (injected)');
    return this.inner.put(entries);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

export { readRows, waitFor };

/** Message attribute carrying the first MessageId of a redriven message (its wire name). */
export const SOURCE_ID = 'lean-ops-source-message-id';

/** A valid message body of `topic`. */
export const validBody = (i: number, topic = 'telemetry') =>
  JSON.stringify({
    topic,
    device_id: `dev-${i % 7}`,
    event_timestamp: 1_700_000_000_000 + i,
    payload: { temperature: 20 + (i % 10), seq: i },
  });

/**
 * A real SQS-protocol server (fauxqs) with the queue `telemetry` and its DLQ (redrive
 * after `maxReceiveCount` receives), a real file quarantine, and a DLQ worker over them.
 */
export async function startDlqHarness(
  options: Partial<DlqOptionsInput> = {},
  setup: { maxReceiveCount?: number; redriveTo?: (sourceUrl: string) => string } = {},
) {
  const server = await startSqsServer();
  const sqs = new SQSClient(awsClientConfig(server.endpoint));
  const created = await createQueue(server.endpoint, 'telemetry', {
    dlq: { maxReceiveCount: setup.maxReceiveCount ?? 2 },
    visibilityTimeout: 30,
  });
  const queueUrl = created.queueUrl;
  const dlqUrl = created.dlqUrl as string;
  const dataDir = mkdtempSync(join(tmpdir(), 'dlq-it-'));
  const quarantine = new FaultyQuarantine(new FileQuarantine({ dir: join(dataDir, 'quarantine') }));
  const registry = createRegistry({ collectDefault: false });
  const sampler = new QueueStatsSampler({ client: sqs });
  const worker = new DlqWorker(
    {
      queues: [{ topic: 'telemetry', url: setup.redriveTo?.(queueUrl) ?? queueUrl, dlqUrl }],
      waitTimeSeconds: 1,
      backoffBaseSeconds: 0,
      backoffMaxSeconds: 0,
      failureRetrySeconds: 1,
      shutdownBudgetMs: 5_000,
      queueStatsIntervalMs: 200,
      ...options,
    },
    {
      source: new SqsMessageSource({ client: sqs, logger: silentLogger() }),
      sender: new SqsMessageSender(sqs),
      quarantine,
      acknowledger: new SqsAcknowledger({ client: sqs }),
      isKnownTopic: (t) => t === 'telemetry',
      registry,
      logger: silentLogger(),
      sampler,
      random: () => 0.5,
    },
  );

  /** Sends bodies to the source queue; returns their MessageIds in order. */
  const send = (bodies: readonly string[], attributes: Record<string, MessageAttributeValue> = {}) =>
    sendBodies(sqs, queueUrl, bodies, attributes);
  const stats = async (url: string) => {
    const [s] = await sampler.sample([url]);
    return { visible: s?.visible ?? 0, inFlight: s?.inFlight ?? 0, delayed: s?.delayed ?? 0 };
  };
  const depth = async (url: string) => {
    const s = await stats(url);
    return s.visible + s.inFlight + s.delayed;
  };
  /**
   * The real redrive: receives from the source queue without deleting (visibility 0, so
   * each receive counts) until `count` messages have moved to the DLQ.
   */
  const driveToDlq = async (count: number) => {
    await waitFor(`${count} messages in the DLQ`, async () => {
      await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
      return (await depth(dlqUrl)) >= count;
    });
  };
  /** Receives (and holds invisible) every message now visible in a queue, attributes included. */
  const receiveAll = async (url: string): Promise<Message[]> => {
    const all: Message[] = [];
    for (;;) {
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 60,
          WaitTimeSeconds: 1,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
      if (!out.Messages?.length) return all;
      all.push(...out.Messages);
    }
  };
  const quarantined = () => readRows<QuarantineEntry>(join(dataDir, 'quarantine'));
  const metric = async (pattern: RegExp) => pattern.test(await registry.metrics());
  const stop = async () => {
    await worker.close();
    sqs.destroy();
    await server.stop();
  };
  return {
    endpoint: server.endpoint,
    sqs,
    queueUrl,
    dlqUrl,
    dataDir,
    quarantine,
    registry,
    worker,
    send,
    stats,
    depth,
    driveToDlq,
    receiveAll,
    quarantined,
    metric,
    stop,
  };
}

export type DlqHarness = Awaited<ReturnType<typeof startDlqHarness>>;

export const attribute = (m: Message, name: string) => m.MessageAttributes?.[name]?.StringValue;
