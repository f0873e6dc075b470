import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { type EmbeddedSqs, SqsDataDirInUseError, startEmbeddedSqs } from '../../src/index.js';
import { drain, md5, sqsClient } from '../helpers/sqs-client.js';

const OWNER = fileURLToPath(new URL('../fixtures/sqs-owner.ts', import.meta.url));

interface OwnerInfo {
  endpoint: string;
  sensors: { url: string; dlqUrl: string };
  poison: { url: string; dlqUrl: string };
}

/** Starts the fixture process that owns the endpoint and waits for its JSON line. */
function startOwner(dataDir: string): Promise<{ child: ChildProcess; info: OwnerInfo }> {
  const child = spawn(process.execPath, ['--import', 'tsx', OWNER], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, SQS_DATA_DIR: dataDir },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const newline = out.indexOf('\n');
      if (newline >= 0) resolve({ child, info: JSON.parse(out.slice(0, newline)) as OwnerInfo });
    });
    child.once('exit', (code) => reject(new Error(`the SQS owner exited with ${code} before it served`)));
  });
}

async function sigkill(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

const body = (i: number) => `{"i":${i},"status":"überhitzt 🔥","max":"\u{10FFFF}"}`;

async function sendAll(client: SQSClient, queueUrl: string, count: number): Promise<Map<string, string>> {
  const sent = new Map<string, string>();
  for (let start = 0; start < count; start += 10) {
    const entries = Array.from({ length: Math.min(10, count - start) }, (_, k) => ({
      Id: `e${start + k}`,
      MessageBody: body(start + k),
      MessageAttributes: { seq: { DataType: 'Number', StringValue: String(start + k) } },
    }));
    const result = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    expect(result.Failed ?? []).toEqual([]);
    for (const ok of result.Successful ?? []) sent.set(ok.MessageId as string, body(Number(ok.Id?.slice(1))));
  }
  return sent;
}

async function receive(client: SQSClient, queueUrl: string, max: number) {
  const { Messages = [] } = await client.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: max }),
  );
  return Messages;
}

async function deleteAll(client: SQSClient, queueUrl: string, handles: string[]): Promise<void> {
  const result = await client.send(
    new DeleteMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: handles.map((ReceiptHandle, i) => ({ Id: String(i), ReceiptHandle })),
    }),
  );
  expect(result.Failed ?? []).toEqual([]);
}

async function depth(client: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages);
}

describe('embedded SQS keeps its queues in a data dir (real processes, SIGKILL, real @aws-sdk/client-sqs)', () => {
  const open: EmbeddedSqs[] = [];
  const clients: SQSClient[] = [];
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) await sigkill(child);
    }
    for (const client of clients.splice(0)) client.destroy();
    await Promise.all(open.splice(0).map((sqs) => sqs.close()));
  });
  const start = async (dataDir: string, extra: { compactJournalAfterBytes?: number } = {}) => {
    const sqs = await startEmbeddedSqs({ dataDir, ...extra });
    open.push(sqs);
    const client = sqsClient(sqs.endpoint);
    clients.push(client);
    return { sqs, client };
  };

  it('delivers every accepted, undeleted message after a SIGKILL, in-flight ones included; DLQ messages stay', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sqs-kill-'));
    const { child, info } = await startOwner(dataDir);
    children.push(child);
    const before = sqsClient(info.endpoint);
    clients.push(before);

    const sent = await sendAll(before, info.sensors.url, 60);
    const first = await receive(before, info.sensors.url, 10);
    await deleteAll(
      before,
      info.sensors.url,
      first.map((m) => m.ReceiptHandle as string),
    );
    const second = await receive(before, info.sensors.url, 10);
    await deleteAll(
      before,
      info.sensors.url,
      second.slice(0, 5).map((m) => m.ReceiptHandle as string),
    );
    const deleted = new Set([...first, ...second.slice(0, 5)].map((m) => m.MessageId as string));
    const inFlight = new Set(second.slice(5).map((m) => m.MessageId as string));
    expect(deleted.size).toBe(15);
    expect(inFlight.size).toBe(5);

    // maxReceiveCount 1: the second receive moves the message to poison-dlq.
    const [poisonId] = [...(await sendAll(before, info.poison.url, 1)).keys()];
    const [received] = await receive(before, info.poison.url, 1);
    await before.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: info.poison.url,
        ReceiptHandle: received?.ReceiptHandle,
        VisibilityTimeout: 0,
      }),
    );
    expect(await receive(before, info.poison.url, 1)).toEqual([]);
    expect(await depth(before, info.poison.dlqUrl)).toBe(1);

    // The data dir is locked while its owner lives.
    await expect(startEmbeddedSqs({ dataDir })).rejects.toThrow(SqsDataDirInUseError);
    await expect(startEmbeddedSqs({ dataDir })).rejects.toThrow(`in use by process ${child.pid}`);

    await sigkill(child);

    const { sqs, client } = await start(dataDir);
    const sensors = await sqs.createTopicQueue('sensors', { maxReceiveCount: 5 });
    const poison = await sqs.createTopicQueue('poison', { maxReceiveCount: 1 });

    const delivered = await drain(client, sensors.url);
    const expected = [...sent].filter(([id]) => !deleted.has(id));
    expect(delivered).toHaveLength(45);
    expect(delivered.map((m) => m.MessageId).sort()).toEqual(expected.map(([id]) => id).sort());
    for (const message of delivered) {
      expect(message.Body).toBe(sent.get(message.MessageId as string));
      expect(message.MD5OfBody).toBe(md5(message.Body as string));
      expect(message.MessageAttributes?.seq?.StringValue).toBe(String(JSON.parse(message.Body as string).i));
      const receives = inFlight.has(message.MessageId as string) ? '2' : '1';
      expect([message.MessageId, message.Attributes?.ApproximateReceiveCount]).toEqual([message.MessageId, receives]);
    }
    expect(await drain(client, poison.url)).toEqual([]);
    const dead = await drain(client, poison.dlqUrl);
    expect(dead.map((m) => [m.MessageId, m.Body])).toEqual([[poisonId, body(0)]]);
  });

  it('compacts the journal while running and at start, keeping exactly the live messages', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sqs-compact-'));
    const journal = join(dataDir, 'sqs-journal.jsonl');
    const records = () =>
      readFileSync(journal, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { t: string }).t);

    const first = await start(dataDir, { compactJournalAfterBytes: 4096 });
    const kept = await first.sqs.createTopicQueue('kept');
    const churn = await first.sqs.createTopicQueue('churn');
    const sent = await sendAll(first.client, kept.url, 50);
    // 30 rounds of send 10, receive 10, delete 10: the journal grows, the live state does not.
    for (let round = 0; round < 30; round++) {
      await sendAll(first.client, churn.url, 10);
      const messages = await receive(first.client, churn.url, 10);
      expect(messages).toHaveLength(10);
      await deleteAll(
        first.client,
        churn.url,
        messages.map((m) => m.ReceiptHandle as string),
      );
    }
    await new Promise((resolve) => setImmediate(resolve));
    // 350 sends, 30 receives and 300 deletes were journaled; compactions dropped most of them.
    expect(records().filter((t) => t === 'd').length).toBeLessThan(300);
    expect(records().filter((t) => t === 'm').length).toBeLessThan(350);
    await first.sqs.close();

    const second = await start(dataDir);
    // At start the journal is rewritten: a header, four queues (two and their DLQs), 50 messages.
    expect(records().sort()).toEqual(['h', 'q', 'q', 'q', 'q', ...Array(50).fill('m')].sort());
    const again = await second.sqs.createTopicQueue('kept');
    const delivered = await drain(second.client, again.url);
    expect(delivered.map((m) => m.MessageId).sort()).toEqual([...sent.keys()].sort());
    for (const message of delivered) expect(message.Body).toBe(sent.get(message.MessageId as string));
    expect(await drain(second.client, (await second.sqs.createTopicQueue('churn')).url)).toEqual([]);
  });

  it('keeps a purge and a deleted queue; refuses a data dir already open in this process', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sqs-purge-'));
    const first = await start(dataDir);
    await expect(startEmbeddedSqs({ dataDir })).rejects.toThrow(SqsDataDirInUseError);
    const purged = await first.sqs.createTopicQueue('purged');
    const gone = await first.sqs.createTopicQueue('gone');
    await sendAll(first.client, purged.url, 5);
    await sendAll(first.client, gone.url, 5);
    await first.client.send(new PurgeQueueCommand({ QueueUrl: purged.url }));
    await first.client.send(new DeleteQueueCommand({ QueueUrl: gone.url }));
    await first.sqs.close();

    const second = await start(dataDir);
    const { QueueUrl } = await second.client.send(new GetQueueUrlCommand({ QueueName: 'purged' }));
    expect(await depth(second.client, QueueUrl as string)).toBe(0);
    const missing = await second.client
      .send(new GetQueueUrlCommand({ QueueName: 'gone' }))
      .catch((error: unknown) => error as Error);
    expect((missing as Error).name).toBe('QueueDoesNotExist');
    expect(await depth(second.client, (await second.sqs.createTopicQueue('gone')).url)).toBe(0);
  });
});
