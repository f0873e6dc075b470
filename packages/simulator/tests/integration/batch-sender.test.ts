import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS } from '@lean-ops/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchSender } from '../../src/batch-sender.js';
import { type LocalQueues, startLocalQueues } from '../helpers/local-queues.js';
import { receiveAll } from '../helpers/receive-all.js';

/**
 * An HTTP proxy in front of the SQS endpoint that answers the first `failures` requests
 * with a 500, as an overloaded endpoint does, and forwards the rest.
 */
async function flakyProxy(target: string, failures: number): Promise<{ endpoint: string; server: Server }> {
  let left = failures;
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    if (left > 0) {
      left--;
      req.resume();
      res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ __type: 'com.amazonaws.sqs#InternalError', message: 'try again' }));
      return;
    }
    const forward = request(
      { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `e${i}`, body: `{"n":${i}}` }));

describe('BatchSender', () => {
  let local: LocalQueues;

  beforeAll(async () => {
    local = await startLocalQueues('bs-', ['a', 'b', 'c']);
  });
  afterAll(() => local.close());

  it('reports entries SQS refuses as the sender’s fault and sends the rest', async () => {
    const sender = new BatchSender(local.client, { maxAttempts: 3, baseDelayMs: 1 });
    const outcome = await sender.send(local.urls.get('a') as string, [
      { id: 'good', body: '{"ok":true}' },
      { id: 'bad', body: 'control \u0001 character' },
    ]);
    expect([...outcome.sent.keys()]).toEqual(['good']);
    expect(outcome.failed).toEqual([expect.objectContaining({ id: 'bad', code: 'InvalidMessageContents' })]);
  });

  /** Runs `use` with a client whose first `failures` calls get a 500. */
  async function withFlakyEndpoint<T>(failures: number, use: (client: SQSClient) => Promise<T>): Promise<T> {
    const proxy = await flakyProxy(local.sqs.endpoint, failures);
    const client = new SQSClient({
      region: 'us-east-1',
      endpoint: proxy.endpoint,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
    });
    try {
      return await use(client);
    } finally {
      client.destroy();
      proxy.server.close();
    }
  }

  it('retries calls that fail with a server error until they succeed', async () => {
    const outcome = await withFlakyEndpoint(2, (client) =>
      new BatchSender(client, { maxAttempts: 3, baseDelayMs: 1 }).send(local.urls.get('b') as string, entries(10)),
    );
    expect(outcome.sent.size).toBe(10);
    expect(outcome.failed).toEqual([]);
    expect(await receiveAll(local.client, local.urls.get('b') as string, 10)).toHaveLength(10);
  });

  it('reports every entry as failed when the attempts run out', async () => {
    const outcome = await withFlakyEndpoint(5, (client) =>
      new BatchSender(client, { maxAttempts: 2, baseDelayMs: 1 }).send(local.urls.get('c') as string, entries(3)),
    );
    expect(outcome.sent.size).toBe(0);
    expect(outcome.failed.map((f) => f.id)).toEqual(['e0', 'e1', 'e2']);
    expect(outcome.failed[0]?.code).toBe('InternalError');
  });

  it('throws on an error no retry can fix, naming the queue', async () => {
    const sender = new BatchSender(local.client, { maxAttempts: 3, baseDelayMs: 1 });
    const missing = `${local.sqs.endpoint}/000000000000/no-such-queue`;
    await expect(sender.send(missing, entries(1))).rejects.toThrow(
      /SendMessageBatch to .*no-such-queue failed: .*(QueueDoesNotExist|NonExistentQueue)/,
    );
  });
});
