import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type EmbeddedSqs, LOCAL_CREDENTIALS, readJsonlTree, startEmbeddedSqs } from '@lean-ops/local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = resolve(import.meta.dirname, '../../bin/lean-ops.js');
const execute = promisify(execFile);

describe('CLI: lean-ops dlq list | redrive | purge (real bin, embedded SQS endpoint)', () => {
  let sqs: EmbeddedSqs;
  let client: SQSClient;
  let queues: { url: string; dlqUrl: string };
  let env: NodeJS.ProcessEnv;
  let dataDir: string;

  const cli = async (args: string[]) => {
    try {
      const { stdout, stderr } = await execute(process.execPath, [BIN, 'dlq', ...args], { env });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  const depth = async (url: string) => {
    const out = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0);
  };
  const deadLetter = async (bodies: string[]) => {
    await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queues.dlqUrl,
        Entries: bodies.map((MessageBody, i) => ({ Id: String(i), MessageBody })),
      }),
    );
  };
  const valid = (key: string) =>
    JSON.stringify({
      topic: 'sensors',
      device_id: 'd1',
      event_timestamp: '2026-01-01T00:00:00Z',
      idempotency_key: key,
      payload: { t: 1 },
    });

  beforeAll(async () => {
    sqs = await startEmbeddedSqs();
    queues = await sqs.createTopicQueue('sensors');
    client = new SQSClient({ region: 'us-east-1', endpoint: sqs.endpoint, credentials: LOCAL_CREDENTIALS });
    dataDir = mkdtempSync(join(tmpdir(), 'cli-dlq-'));
    env = {
      ...process.env,
      LEAN_OPS_CONFIG: '',
      LEAN_OPS_TOPICS: 'sensors',
      LEAN_OPS_SQS_ENDPOINT: sqs.endpoint,
      LEAN_OPS_DATA_DIR: dataDir,
      LEAN_OPS_LOG_LEVEL: 'warn',
    };
  });
  afterAll(async () => {
    client?.destroy();
    await sqs?.close();
  });

  it('lists what the processor would do, redrives, and purges into quarantine', async () => {
    await deadLetter([valid('a'), valid('b'), '{not json']);

    const listed = await cli(['list', '--topic', 'sensors', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const [listing] = JSON.parse(listed.stdout);
    expect(listing.topic).toBe('sensors');
    expect(listing.messages).toHaveLength(3);
    expect(await depth(queues.dlqUrl)).toBe(3); // list released them again

    const refused = await cli(['redrive', '--topic', 'sensors']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--all or --limit/);

    const redriven = await cli(['redrive', '--topic', 'sensors', '--limit', '1', '--json']);
    expect(redriven.code, redriven.stderr).toBe(0);
    expect(JSON.parse(redriven.stdout).redriven).toBe(1);
    expect(await depth(queues.url)).toBe(1);

    const unconfirmed = await cli(['purge', '--topic', 'sensors']);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/pass --yes/);

    const purged = await cli(['purge', '--topic', 'sensors', '--yes']);
    expect(purged.code, purged.stderr).toBe(0);
    expect(purged.stdout).toMatch(/moved 2 messages .* to quarantine \(dlq:purged\)/);
    expect(await depth(queues.dlqUrl)).toBe(0);
    const kept: { reason: string }[] = [];
    for await (const entry of readJsonlTree<{ reason: string }>(join(dataDir, 'quarantine'))) kept.push(entry);
    expect(kept.map((e) => e.reason)).toEqual(['dlq:purged', 'dlq:purged']);

    const unknown = await cli(['list', '--topic', 'nosuch']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/nosuch/);
  }, 120_000);
});
