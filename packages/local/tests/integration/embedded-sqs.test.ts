import { createServer } from 'node:net';
import {
  ChangeMessageVisibilityCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AcceptedMessageAttributes,
  type EmbeddedSqs,
  freePort,
  SqsPortInUseError,
  startEmbeddedSqs,
} from '../../src/index.js';
import { drain, sqsClient } from '../helpers/sqs-client.js';

describe('embedded SQS endpoint: fixed port, accepted messages from any client (real @aws-sdk/client-sqs)', () => {
  const open: EmbeddedSqs[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((sqs) => sqs.close()));
  });

  it('listens on the port asked for and names that port when another process holds it', async () => {
    const port = await freePort();
    const sqs = await startEmbeddedSqs({ port });
    open.push(sqs);
    expect(sqs.port).toBe(port);
    expect(sqs.endpoint).toBe(`http://127.0.0.1:${port}`);
    const error = await startEmbeddedSqs({ port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqsPortInUseError);
    expect((error as Error).name).toBe('SqsPortInUseError');
    expect((error as Error).message).toMatch(new RegExp(`^SQS endpoint port ${port} is in use: `));

    // A port held by something that is not an SQS endpoint at all.
    const holder = createServer();
    const other = await freePort();
    await new Promise<void>((resolve) => holder.listen(other, '127.0.0.1', resolve));
    try {
      await expect(startEmbeddedSqs({ port: other })).rejects.toThrow(`SQS endpoint port ${other} is in use`);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
  });

  it('refuses invalid options, naming each', async () => {
    await expect(startEmbeddedSqs({ port: 70_000 })).rejects.toThrow(/port: expected an integer 0–65535 \(got 70000\)/);
    await expect(startEmbeddedSqs({ dataDir: '' })).rejects.toThrow(/dataDir: expected a directory path/);
    await expect(startEmbeddedSqs({ compactJournalAfterBytes: 0 })).rejects.toThrow(/compactJournalAfterBytes/);
  });

  it('reports every message accepted by SendMessage and SendMessageBatch, and not moves to the DLQ', async () => {
    const seen: Array<[string, AcceptedMessageAttributes]> = [];
    const sqs = await startEmbeddedSqs({ accepted: (queue, attributes) => seen.push([queue, attributes]) });
    open.push(sqs);
    const client = sqsClient(sqs.endpoint);
    try {
      const sensors = await sqs.createTopicQueue('sensors', { maxReceiveCount: 1 });
      const gps = await sqs.createTopicQueue('gps');
      await client.send(
        new SendMessageCommand({
          QueueUrl: sensors.url,
          MessageBody: 'one 🔥',
          MessageAttributes: { source: { DataType: 'String', StringValue: 'gateway-7' } },
        }),
      );
      await client.send(
        new SendMessageBatchCommand({
          QueueUrl: gps.url,
          Entries: [
            { Id: 'a', MessageBody: 'a' },
            { Id: 'b', MessageBody: 'b' },
            { Id: 'refused', MessageBody: 'nul \u0000' },
          ],
        }),
      );
      expect(seen).toEqual([
        ['sensors', { source: { DataType: 'String', StringValue: 'gateway-7' } }],
        ['gps', {}],
        ['gps', {}],
      ]);
      expect(sqs.acceptedCounts()).toEqual(
        new Map([
          ['sensors', 1],
          ['gps', 2],
        ]),
      );

      // Receive twice with maxReceiveCount 1: the message moves to sensors-dlq, which is not an acceptance.
      const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl: sensors.url }));
      await client.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: sensors.url,
          ReceiptHandle: Messages[0]?.ReceiptHandle,
          VisibilityTimeout: 0,
        }),
      );
      expect(await drain(client, sensors.url)).toEqual([]);
      expect((await drain(client, sensors.dlqUrl)).map((m) => m.Body)).toEqual(['one 🔥']);
      expect(seen).toHaveLength(3);
      expect(sqs.acceptedCounts().get('sensors-dlq')).toBeUndefined();
    } finally {
      client.destroy();
    }
  });
});
