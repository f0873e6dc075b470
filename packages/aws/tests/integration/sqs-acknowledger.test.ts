import { GetQueueAttributesCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ConfigError } from '@lean-ops/core';
import { awsClientConfig, createQueue, startSqsServer } from '@lean-ops/testkit';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { QueueStatsSampler, resolveQueueUrls, SqsAcknowledger, withCachedSend } from '../../src/index.js';
import { sharedServerClient } from '../helpers/shared-setup.js';
import { receive, sleep } from '../helpers/sqs.js';

const env = sharedServerClient(startSqsServer, (endpoint) => new SQSClient(awsClientConfig(endpoint)));
afterAll(() => env.dispose());

let queueNo = 0;
/** A fresh queue per test, so tests never see each other's messages. */
async function freshQueue(visibilityTimeout = 30): Promise<string> {
  const { server } = await env.get();
  return (await createQueue(server.endpoint, `ack-${++queueNo}-${Date.now()}`, { visibilityTimeout })).queueUrl;
}

async function send(queue: string, count: number): Promise<void> {
  const { client } = await env.get();
  for (let i = 0; i < count; i += 10) {
    const entries = Array.from({ length: Math.min(10, count - i) }, (_, k) => ({
      Id: String(k),
      MessageBody: JSON.stringify({ n: i + k }),
    }));
    await client.send(new SendMessageBatchCommand({ QueueUrl: queue, Entries: entries }));
  }
}

describe('Class: SqsAcknowledger (fauxqs)', () => {
  it('ack deletes every message: the queue is empty afterwards', async () => {
    // Prepare
    const { client } = await env.get();
    const queue = await freshQueue();
    await send(queue, 25);
    const received = await receive(client, queue, 25);

    // Act
    await new SqsAcknowledger({ client }).ack(received);

    // Assess
    expect(received).toHaveLength(25);
    const [stats] = await new QueueStatsSampler({ client }).sample([queue]);
    expect(stats).toEqual({ queueUrl: queue, visible: 0, inFlight: 0, delayed: 0 });
    expect(await receive(client, queue, 1)).toEqual([]);
  });

  it('retryLater hides a message, which comes back after the delay', async () => {
    // Prepare
    const { client } = await env.get();
    const queue = await freshQueue(30);
    await send(queue, 1);
    const received = await receive(client, queue, 1);

    // Act
    await new SqsAcknowledger({ client }).retryLater(received, 1);

    // Assess
    expect(await receive(client, queue, 1)).toEqual([]);
    await sleep(1_300);
    const again = await receive(client, queue, 1);
    expect(again.map((m) => [m.sourceMessageId, m.receiveCount])).toEqual([[received[0]?.sourceMessageId, 2]]);
  });

  it('retryLater with 0 makes a message visible at once', async () => {
    const { client } = await env.get();
    const queue = await freshQueue(30);
    await send(queue, 1);
    const received = await receive(client, queue, 1);

    await new SqsAcknowledger({ client }).retryLater(received, 0);

    expect(await receive(client, queue, 1)).toHaveLength(1);
  });

  it('extend keeps a message invisible past its visibility timeout', async () => {
    // Prepare: the queue hides a received message for 1 s only
    const { client } = await env.get();
    const queue = await freshQueue(1);
    await send(queue, 1);
    const received = await receive(client, queue, 1);

    // Act
    await new SqsAcknowledger({ client }).extend(received, 5);
    await sleep(1_500);

    // Assess
    expect(await receive(client, queue, 1)).toEqual([]);
    const [stats] = await new QueueStatsSampler({ client }).sample([queue]);
    expect(stats?.inFlight).toBe(1);
  });

  it('counts a stale receipt handle as done and logs it', async () => {
    // Prepare: the message was deleted, so its handle no longer names an in-flight message
    const { client } = await env.get();
    const queue = await freshQueue();
    await send(queue, 1);
    const received = await receive(client, queue, 1);
    const ack = new SqsAcknowledger({ client, logger: { warn: (fields) => warnings.push(fields) } });
    const warnings: Record<string, unknown>[] = [];
    await ack.ack(received);

    // Act
    await ack.ack(received);
    await ack.extend(received, 30);

    // Assess: delete of a gone message succeeds (as in AWS); the visibility change is logged
    expect(warnings).toEqual([
      expect.objectContaining({ operation: 'ChangeMessageVisibilityBatch', queue, codes: ['ReceiptHandleIsInvalid'] }),
    ]);
  });
});

describe('Class: QueueStatsSampler (fauxqs)', () => {
  it('counts visible, in-flight and delayed messages of several queues', async () => {
    // Prepare
    const { client } = await env.get();
    const [a, b] = [await freshQueue(), await freshQueue()];
    await send(a, 3);
    await client.send(new SendMessageCommand({ QueueUrl: a, MessageBody: 'later', DelaySeconds: 60 }));
    await receive(client, a, 1);
    await send(b, 2);

    // Act
    const stats = await new QueueStatsSampler({ client }).sample([a, b]);

    // Assess
    expect(stats).toEqual([
      { queueUrl: a, visible: 2, inFlight: 1, delayed: 1 },
      { queueUrl: b, visible: 2, inFlight: 0, delayed: 0 },
    ]);
  });

  it('rejects with RetryableError for a queue that does not exist', async () => {
    const { client, server } = await env.get();
    await expect(
      new QueueStatsSampler({ client }).sample([`${server.endpoint}/000000000000/nope`]),
    ).rejects.toMatchObject({ name: 'RetryableError', message: expect.stringContaining('QueueDoesNotExist') });
  });
});

describe('Function: resolveQueueUrls (fauxqs)', () => {
  it('maps queue names to URLs, and names every missing queue in one ConfigError', async () => {
    // Prepare
    const { client, server } = await env.get();
    const name = `resolve-${Date.now()}`;
    const { queueUrl } = await createQueue(server.endpoint, name);

    // Act
    const urls = await resolveQueueUrls(client, [name]);
    const missing = resolveQueueUrls(client, [name, 'missing-1', 'missing-2']);

    // Assess
    expect([...urls]).toEqual([[name, queueUrl]]);
    await expect(missing).rejects.toThrow(ConfigError);
    await expect(missing).rejects.toThrow(/missing-1: queue does not exist[\s\S]*missing-2: queue does not exist/);
  });
});

describe('Function: withCachedSend (fauxqs)', () => {
  it('keeps a cacheMiddleware client on its resolved stack although every call passes an abort signal', async () => {
    const { server } = await env.get();
    const queue = await freshQueue();
    const client = new SQSClient({ ...awsClientConfig(server.endpoint), cacheMiddleware: true });
    const resolved = vi.spyOn(GetQueueAttributesCommand.prototype, 'resolveMiddleware');
    try {
      const signal = new AbortController().signal;
      const viaProxy = withCachedSend(client);
      for (let i = 0; i < 3; i++) {
        const out = await viaProxy.send(new GetQueueAttributesCommand({ QueueUrl: queue, AttributeNames: ['All'] }), {
          abortSignal: signal,
        });
        expect(out.Attributes?.ApproximateNumberOfMessages).toBe('0');
      }
      expect(resolved).toHaveBeenCalledTimes(1);
      // The same calls straight on the client resolve the stack every time.
      for (let i = 0; i < 3; i++)
        await client.send(new GetQueueAttributesCommand({ QueueUrl: queue }), { abortSignal: signal });
      expect(resolved).toHaveBeenCalledTimes(4);
    } finally {
      resolved.mockRestore();
      client.destroy();
    }
  });
});
