// Throughput of the embedded SQS endpoint in memory and with a data dir (journal), through
// a real @aws-sdk/client-sqs: SendMessageBatch, ReceiveMessage, DeleteMessageBatch of
// 10 messages at a time. Prints one JSON line. `npx tsx packages/local/bench/embedded-sqs-bench.ts [messages]`
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS, startEmbeddedSqs } from '../src/index.js';

const MESSAGES = Number(process.argv[2] ?? 20_000);
const CONCURRENCY = 4;
const BODY = JSON.stringify({ deviceId: 'dev-0001', status: 'überhitzt 🔥', temperature: 71.5, ts: Date.now() });

async function run(dataDir: string | undefined): Promise<number> {
  const sqs = await startEmbeddedSqs(dataDir ? { dataDir } : {});
  const client = new SQSClient({ region: 'us-east-1', endpoint: sqs.endpoint, credentials: LOCAL_CREDENTIALS });
  try {
    const { url } = await sqs.createTopicQueue('bench');
    const started = performance.now();
    let sent = 0;
    let done = 0;
    const lane = async () => {
      while (sent < MESSAGES) {
        sent += 10;
        await client.send(
          new SendMessageBatchCommand({
            QueueUrl: url,
            Entries: Array.from({ length: 10 }, (_, i) => ({ Id: String(i), MessageBody: BODY })),
          }),
        );
        const { Messages = [] } = await client.send(
          new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }),
        );
        if (Messages.length === 0) continue;
        await client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: url,
            Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
          }),
        );
        done += Messages.length;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));
    return Math.round(done / ((performance.now() - started) / 1000));
  } finally {
    client.destroy();
    await sqs.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'sqs-bench-'));
try {
  await run(undefined); // warm-up
  const inMemory = await run(undefined);
  const journaled = await run(join(dir, 'a'));
  const inMemory2 = await run(undefined);
  const journaled2 = await run(join(dir, 'b'));
  process.stdout.write(
    `${JSON.stringify({
      bench: 'embedded-sqs send+receive+delete (batches of 10)',
      messages: MESSAGES,
      inMemoryMsgPerSec: [inMemory, inMemory2],
      withDataDirMsgPerSec: [journaled, journaled2],
    })}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
