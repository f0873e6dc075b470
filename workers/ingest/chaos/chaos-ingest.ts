/**
 * `npm run chaos:ingest`: kill the ingest worker with SIGKILL at random moments while
 * ≥ 20,000 messages (with duplicates and DROP cases) flow through the embedded SQS
 * endpoint, restart it each time, then check that every published message is in RAW
 * (duplicates allowed) or in quarantine with its reason. Last line: one JSON object.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { QueueStatsSampler } from '@lean-ops/aws';
import type { QuarantineEntry } from '@lean-ops/core';
import { LOCAL_CREDENTIALS, readJsonlTree, readLandedRecords, startEmbeddedSqs } from '@lean-ops/local';

const UNIQUE = Number(process.env.CHAOS_UNIQUE ?? 17_000);
const DUPLICATES = Number(process.env.CHAOS_DUPLICATES ?? 2_000);
const DROPS = Number(process.env.CHAOS_DROPS ?? 1_000);
const KILLS = Number(process.env.CHAOS_KILLS ?? 6);
const BIN = resolve(import.meta.dirname, '../../../apps/cli/bin/lean-ops.js');

const log = (line: string) => process.stderr.write(`chaos:ingest: ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const random = (lo: number, hi: number) => lo + Math.random() * (hi - lo);

type Expect = { where: 'raw' } | { where: 'quarantine'; reason: RegExp };

/** Builds the messages: each carries a marker `m-<i>` so it can be found afterwards. */
function buildMessages(): { bodies: string[]; expected: Map<string, Expect> } {
  const expected = new Map<string, Expect>();
  const bodies: string[] = [];
  const valid = (i: number) =>
    JSON.stringify({
      topic: 'telemetry',
      device_id: `dev-${i % 500}`,
      event_timestamp: 1_700_000_000_000 + i * 1000,
      message_id: `m-${i}`,
      payload: { temperature: 20 + (i % 15), seq: i },
    });
  for (let i = 0; i < UNIQUE; i++) {
    bodies.push(valid(i));
    expected.set(`m-${i}`, { where: 'raw' });
  }
  for (let d = 0; d < DUPLICATES; d++) bodies.push(valid(Math.floor(Math.random() * UNIQUE)));
  const dropKinds: Array<[(i: number) => string, RegExp]> = [
    [(i) => `{"message_id":"m-${i}", "topic": "telemetry", broken`, /^invalid_json$/],
    [
      (i) => JSON.stringify({ topic: 'orders', device_id: 'd', event_timestamp: 0, message_id: `m-${i}`, payload: {} }),
      /^unknown_topic$/,
    ],
    [
      (i) => JSON.stringify({ topic: 'telemetry', event_timestamp: 0, message_id: `m-${i}`, payload: {} }),
      /^missing_field:device_id$/,
    ],
    [
      (i) =>
        JSON.stringify({
          topic: 'telemetry',
          device_id: 'd',
          event_timestamp: 'yesterday',
          message_id: `m-${i}`,
          payload: {},
        }),
      /^invalid_field:event_timestamp$/,
    ],
  ];
  for (let k = 0; k < DROPS; k++) {
    const i = UNIQUE + k;
    const [make, reason] = dropKinds[k % dropKinds.length] as [(i: number) => string, RegExp];
    bodies.push(make(i));
    expected.set(`m-${i}`, { where: 'quarantine', reason });
  }
  // Shuffle so DROPs, duplicates and valid messages interleave.
  for (let i = bodies.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [bodies[i], bodies[j]] = [bodies[j] as string, bodies[i] as string];
  }
  return { bodies, expected };
}

async function publish(sqs: SQSClient, queueUrl: string, bodies: readonly string[]): Promise<void> {
  let next = 0;
  const sender = async () => {
    while (next < bodies.length) {
      const start = next;
      next += 10;
      const chunk = bodies.slice(start, start + 10);
      const out = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((b, j) => ({ Id: String(j), MessageBody: b })),
        }),
      );
      if ((out.Failed ?? []).length > 0) throw new Error(`publish failed: ${JSON.stringify(out.Failed)}`);
    }
  };
  await Promise.all(Array.from({ length: 4 }, sender));
}

/** Messages in a queue in any state (visible, in flight, delayed). */
async function depth(sqs: SQSClient, url: string): Promise<number> {
  const [stats] = await new QueueStatsSampler({ client: sqs }).sample([url]);
  return (stats?.visible ?? 0) + (stats?.inFlight ?? 0) + (stats?.delayed ?? 0);
}

function startWorker(endpoint: string, dataDir: string, configFile: string): ChildProcess {
  return spawn(
    process.execPath,
    [BIN, 'ingest', '--config', configFile, '--sqs-endpoint', endpoint, '--data-dir', dataDir, '--metrics-port', '0'],
    {
      env: {
        ...process.env,
        LEAN_OPS_LOG_FORMAT: 'json',
        LEAN_OPS_LOG_LEVEL: 'warn',
        LEAN_OPS_CONFIG: '',
        LEAN_OPS_TOPICS: '',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) resolveExit(child.exitCode);
    else child.once('exit', (code) => resolveExit(code));
  });

async function main(): Promise<void> {
  const started = Date.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'chaos-ingest-'));
  const configFile = join(dataDir, 'lean-ops.config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      topics: { telemetry: {} },
      ingest: {
        visibilityTimeoutSeconds: 8,
        heartbeatIntervalMs: 3_000,
        lingerMs: 50,
        pollersPerQueue: 4,
        waitTimeSeconds: 1,
        queueStatsIntervalMs: 0,
      },
    }),
  );
  const sqsServer = await startEmbeddedSqs();
  // A high maxReceiveCount: a message in flight at every kill is received again each time.
  const queue = await sqsServer.createTopicQueue('telemetry', { maxReceiveCount: 50, visibilityTimeoutSeconds: 8 });
  const sqs = new SQSClient({ region: 'us-east-1', endpoint: sqsServer.endpoint, credentials: LOCAL_CREDENTIALS });
  const { bodies, expected } = buildMessages();
  log(
    `${bodies.length} messages (${UNIQUE} unique valid, ${DUPLICATES} duplicates, ${DROPS} DROP cases), ${KILLS} SIGKILLs; data in ${dataDir}`,
  );

  let worker = startWorker(sqsServer.endpoint, dataDir, configFile);
  const publishing = publish(sqs, queue.url, bodies).then(() => log('published everything'));
  let kills = 0;
  while (kills < KILLS) {
    await sleep(random(1_500, 4_000));
    worker.kill('SIGKILL');
    await exited(worker);
    kills += 1;
    log(`kill ${kills}: SIGKILL, ${await depth(sqs, queue.url)} messages left in the queue; restarting`);
    worker = startWorker(sqsServer.endpoint, dataDir, configFile);
  }
  await publishing;
  const deadline = Date.now() + 240_000;
  let left = await depth(sqs, queue.url);
  while (left > 0 && Date.now() < deadline) {
    await sleep(1_000);
    left = await depth(sqs, queue.url);
  }
  worker.kill('SIGTERM');
  const code = await exited(worker);
  log(`queue drained (${left} left); last worker exited with ${code}`);

  const inRaw = new Set<string>();
  let rawRows = 0;
  for await (const row of readLandedRecords(join(dataDir, 'landing'))) {
    rawRows += 1;
    inRaw.add((JSON.parse(row.json_payload) as { message_id: string }).message_id);
  }
  const quarantined = new Map<string, string>();
  for await (const entry of readJsonlTree<QuarantineEntry>(join(dataDir, 'quarantine'))) {
    const marker = /"message_id":"(m-\d+)"/.exec(entry.body)?.[1];
    if (marker) quarantined.set(marker, entry.reason);
  }
  let lost = 0;
  const examples: string[] = [];
  for (const [marker, want] of expected) {
    const ok = want.where === 'raw' ? inRaw.has(marker) : want.reason.test(quarantined.get(marker) ?? '');
    if (!ok) {
      lost += 1;
      if (examples.length < 5) examples.push(`${marker} expected in ${want.where}`);
    }
  }
  const inDlq = await depth(sqs, queue.dlqUrl);
  sqs.destroy();
  await sqsServer.close();
  if (examples.length > 0) log(`missing, e.g.: ${examples.join('; ')}`);
  log(
    `RAW rows ${rawRows} (${rawRows - inRaw.size} duplicates), DLQ ${inDlq}, ${Math.round((Date.now() - started) / 1000)} s`,
  );
  const summary = {
    chaos: 'ingest',
    published: bodies.length,
    in_raw_distinct: inRaw.size,
    quarantined: quarantined.size,
    kills,
    in_dlq: inDlq,
    left_in_queue: left,
    lost,
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  process.exitCode = lost === 0 && inDlq === 0 && left === 0 ? 0 : 1;
}

await main();
