import { createServer } from 'node:net';
import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import {
  ChangeMessageVisibilityCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  awsClientConfig,
  createQueue,
  freePort,
  startKinesalite,
  startMotoServer,
  startSqsServer,
  type TestServer,
} from '../../src/index.js';

const started: TestServer[] = [];
const track = (server: TestServer): TestServer => {
  started.push(server);
  return server;
};
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

/** Whether anything accepts HTTP at `endpoint`. */
async function answers(endpoint: string): Promise<boolean> {
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

describe('Function: freePort', () => {
  it('returns a loopback port that can be listened on', async () => {
    // Act
    const port = await freePort();

    // Assess
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    await new Promise((resolve) => server.close(resolve));
    expect(port).toBeGreaterThan(0);
  });
});

describe('Function: startSqsServer (fauxqs)', () => {
  it('serves SQS on loopback, and stops idempotently', async () => {
    // Prepare
    const server = track(await startSqsServer());

    // Act
    const { queueUrl } = await createQueue(server.endpoint, 'plain');
    const first = server.stop();
    const second = server.stop();
    await first;

    // Assess
    expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(queueUrl).toMatch(/\/plain$/);
    expect(second).toBe(first);
    expect(await answers(server.endpoint)).toBe(false);
  });

  it('createQueue wires a DLQ: a message received maxReceiveCount times moves there', async () => {
    // Prepare
    const server = track(await startSqsServer());
    const { queueUrl, dlqUrl } = await createQueue(server.endpoint, 'orders', { dlq: { maxReceiveCount: 1 } });
    const client = new SQSClient(awsClientConfig(server.endpoint));
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'poison' }));
    const receive = (url: string | undefined) =>
      client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));

    // Act
    const first = await receive(queueUrl);
    await client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: first.Messages?.[0]?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    const second = await receive(queueUrl);
    const dead = await receive(dlqUrl);
    client.destroy();

    // Assess
    expect(first.Messages?.map((m) => m.Body)).toEqual(['poison']);
    expect(second.Messages ?? []).toEqual([]);
    expect(dead.Messages?.map((m) => m.Body)).toEqual(['poison']);
  });
});

describe('Function: startMotoServer', () => {
  it('starts moto_server on a free port and stops it idempotently', async () => {
    // Act
    const server = track(await startMotoServer());
    const up = await answers(server.endpoint);
    await Promise.all([server.stop(), server.stop()]);

    // Assess
    expect(up).toBe(true);
    expect(await answers(server.endpoint)).toBe(false);
  });

  it('fails loudly, saying how to install moto, when the executable is missing', async () => {
    await expect(startMotoServer({ binary: '/nonexistent/moto_server' })).rejects.toThrow(
      /\/nonexistent\/moto_server is missing.*bash scripts\/provision\.sh/,
    );
  });

  it('fails with the process output when the server exits before answering', async () => {
    await expect(startMotoServer({ binary: '/bin/false' })).rejects.toThrow(/moto_server exited with code 1/);
  });
});

describe('Function: startKinesalite', () => {
  it('serves Kinesis to an SDK v3 client with NodeHttpHandler, and stops idempotently', async () => {
    // Prepare
    const server = track(await startKinesalite());
    const client = new KinesisClient(awsClientConfig(server.endpoint));

    // Act
    const out = await client.send(new ListStreamsCommand({}));
    client.destroy();
    await Promise.all([server.stop(), server.stop()]);

    // Assess
    expect(out.StreamNames).toEqual([]);
    expect(await answers(server.endpoint)).toBe(false);
  });
});
