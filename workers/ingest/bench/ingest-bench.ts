/**
 * `npm run bench:ingest`: the ingest worker's own throughput and cost.
 *
 * Three measurements, each in a fresh child process so their memory does not mix:
 * - worker: the real path (sqs-consumer, @aws-sdk SQS and Firehose clients, transform,
 *   batcher, FirehoseSink, SQS acknowledgement) fed by an in-process transport;
 * - ceiling: the transform alone over the same messages (parse, validate, key, serialise);
 * - baseline: the Lambda-style path: one message per handler call, one PutRecord each.
 * The worker runs twice (N/4 and N messages) to show peak RSS stays flat as N grows.
 * The last line of output is one JSON object.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { BroadcastChannel } from 'node:worker_threads';
import { FirehoseClient, PutRecordBatchCommand, PutRecordCommand } from '@aws-sdk/client-firehose';
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { FIREHOSE_LIMITS, transformMessage } from '@lean-ops/core';
import { startIngestThreads } from '../src/index.js';
import { InProcessTransport, telemetryBody } from './in-process-transport.js';
import { type BenchThreadPayload, benchClients, buildBenchWorker, sdkConfig } from './ingest-bench-wiring.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100_000);
const BASELINE_MESSAGES = Number(process.env.BENCH_BASELINE_MESSAGES ?? 10_000);
/** Pipelines in worker threads, as a task with this many vCPUs runs them (`ingest.threads`). */
const THREADS = Number(process.env.BENCH_THREADS ?? availableParallelism());

interface Measured {
  msgs: number;
  seconds: number;
  cpuMicros: number;
  peakRssMb: number;
}

function trackPeakRss(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss) / 1024 / 1024;
    },
  };
}

async function measure(msgs: number, run: () => Promise<void>): Promise<Measured> {
  const rss = trackPeakRss();
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { msgs, seconds, cpuMicros: used.user + used.system, peakRssMb: rss.stop() };
}

const modes: Record<string, (n: number) => Promise<Measured>> = {
  async worker(n) {
    const { worker, transport } = buildBenchWorker(n);
    const result = await measure(n, async () => {
      worker.start();
      await transport.whenDrained();
    });
    await worker.close();
    if (transport.counters.recordsPut < n)
      throw new Error(`only ${transport.counters.recordsPut} of ${n} records reached Firehose`);
    return result;
  },

  async threads(n) {
    // The product's worker threads (`ingest.threads`), one pipeline per core.
    const threads = THREADS;
    const channel = new BroadcastChannel(`ingest-bench-${process.pid}`);
    let drained = 0;
    let recordsPut = 0;
    const done = new Promise<void>((resolve) => {
      channel.onmessage = (event) => {
        recordsPut += (event as { data: { recordsPut: number } }).data.recordsPut;
        if (++drained === threads) resolve();
      };
    });
    const pool = await startIngestThreads<BenchThreadPayload>({
      threads,
      module: new URL('./ingest-bench-thread.ts', import.meta.url),
      payload: { messages: n, channel: `ingest-bench-${process.pid}` },
      start: false,
    });
    const result = await measure(n, async () => {
      pool.start();
      await done;
    });
    channel.close();
    await pool.close();
    if (recordsPut < n) throw new Error(`only ${recordsPut} of ${n} records reached Firehose`);
    return result;
  },

  async ceiling(n) {
    const options = { isKnownTopic: (t: string) => t === 'telemetry' };
    const bodies = Array.from({ length: Math.min(n, 10_000) }, (_, i) => telemetryBody(i));
    return measure(n, async () => {
      let bytes = 0;
      for (let i = 0; i < n; i++) {
        const result = transformMessage(
          { body: bodies[i % bodies.length] as string, sourceMessageId: `m${i}`, publishTimeMs: Date.now() },
          options,
        );
        if (!result.ok) throw new Error(result.reason);
        bytes += result.encoded.bytes;
      }
      if (bytes === 0) throw new Error('nothing encoded');
    });
  },

  async floor(n) {
    // The SDK calls the worker cannot avoid, alone: per 10 messages one ReceiveMessage (the
    // attributes the pollers ask for) and one DeleteMessageBatch, per 500 records one
    // PutRecordBatch of the encoded records; same clients and settings as the worker.
    const transport = new InProcessTransport(n, telemetryBody);
    const { sqs, firehose } = benchClients(transport);
    const queueUrl = 'https://in-process.invalid/000000000000/telemetry';
    const encoded = transformMessage(
      { body: telemetryBody(0), sourceMessageId: 'm0', publishTimeMs: Date.now() },
      { isKnownTopic: (t) => t === 'telemetry' },
    );
    if (!encoded.ok) throw new Error(encoded.reason);
    const record = { Data: Buffer.from(`${encoded.encoded.json}\n`) };
    const records = Array.from({ length: FIREHOSE_LIMITS.maxRecords }, () => record);
    const result = await measure(n, async () => {
      let pending = 0;
      for (let received = 0; received < n; ) {
        const out = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            WaitTimeSeconds: 0,
            MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
            MessageAttributeNames: ['lean-ops-source-message-id'],
          }),
        );
        const messages = out.Messages ?? [];
        received += messages.length;
        pending += messages.length;
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
          }),
        );
        if (pending >= records.length || received >= n) {
          await firehose.send(
            new PutRecordBatchCommand({ DeliveryStreamName: 'raw-telemetry', Records: records.slice(0, pending) }),
          );
          pending = 0;
        }
      }
    });
    if (transport.counters.deleted !== n) throw new Error('floor run lost messages');
    return result;
  },

  async baseline(n) {
    // One handler call per message (Lambda batch size 1), one PutRecord per record.
    const transport = new InProcessTransport(n, telemetryBody);
    const firehose = new FirehoseClient(sdkConfig(transport));
    const handler = async (event: {
      Records: Array<{ body: string; messageId: string; attributes: { SentTimestamp: string } }>;
    }) => {
      for (const r of event.Records) {
        const result = transformMessage(
          { body: r.body, sourceMessageId: r.messageId, publishTimeMs: Number(r.attributes.SentTimestamp) },
          { isKnownTopic: (t) => t === 'telemetry' },
        );
        if (!result.ok) throw new Error(result.reason);
        await firehose.send(
          new PutRecordCommand({
            DeliveryStreamName: 'raw-telemetry',
            Record: { Data: Buffer.from(`${result.encoded.json}\n`) },
          }),
        );
      }
    };
    const result = await measure(n, async () => {
      for (let i = 0; i < n; i++) {
        await handler({
          Records: [{ body: telemetryBody(i), messageId: `m${i}`, attributes: { SentTimestamp: String(Date.now()) } }],
        });
      }
    });
    if (transport.counters.putRecordCalls !== n) throw new Error('baseline lost records');
    return result;
  },
};

function runChild(mode: string, n: number): Measured {
  const out = execFileSync(process.execPath, [...process.execArgv, import.meta.filename, '--child', mode, String(n)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').pop() as string) as Measured;
}

const rate = (m: Measured) => m.msgs / m.seconds;
const round = (x: number, digits = 1) => Number(x.toFixed(digits));

if (process.argv[2] === '--child') {
  const mode = modes[process.argv[3] as string];
  if (!mode) throw new Error(`unknown mode ${process.argv[3]}`);
  const result = await mode(Number(process.argv[4]));
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
} else {
  const started = performance.now();
  process.stderr.write(`bench:ingest: ${MESSAGES} messages of ~1 KiB, 2 worker runs, ceiling, baseline…\n`);
  const ceiling = runChild('ceiling', MESSAGES);
  process.stderr.write(`  ceiling  ${Math.round(rate(ceiling))} msgs/s\n`);
  const baseline = runChild('baseline', BASELINE_MESSAGES);
  process.stderr.write(`  baseline ${Math.round(rate(baseline))} msgs/s\n`);
  const floor = runChild('floor', MESSAGES);
  process.stderr.write(`  SDK floor ${round(floor.cpuMicros / floor.msgs)} µs CPU per message\n`);
  const single = runChild('worker', Math.round(MESSAGES / 4));
  process.stderr.write(`  worker, 1 thread (${single.msgs}) ${Math.round(rate(single))} msgs/s\n`);
  const quarter = runChild('threads', Math.round(MESSAGES / 4));
  process.stderr.write(
    `  worker, ${THREADS} threads (${quarter.msgs}) ${Math.round(rate(quarter))} msgs/s, peak RSS ${round(quarter.peakRssMb)} MB\n`,
  );
  const worker = runChild('threads', MESSAGES);
  process.stderr.write(
    `  worker, ${THREADS} threads (${worker.msgs}) ${Math.round(rate(worker))} msgs/s, peak RSS ${round(worker.peakRssMb)} MB\n`,
  );
  process.stderr.write(`  total ${round((performance.now() - started) / 1000)} s\n`);
  const summary = {
    bench: 'ingest',
    msgs_per_s: Math.round(rate(worker)),
    cpu_us_per_msg: round(worker.cpuMicros / worker.msgs),
    ceiling_msgs_per_s: Math.round(rate(ceiling)),
    ratio_to_ceiling: round(rate(worker) / rate(ceiling), 3),
    baseline_msgs_per_s: Math.round(rate(baseline)),
    speedup_vs_baseline: round(rate(worker) / rate(baseline), 2),
    peak_rss_mb: round(worker.peakRssMb),
    peak_rss_mb_at_quarter: round(quarter.peakRssMb),
    messages: worker.msgs,
    threads: THREADS,
    one_thread_msgs_per_s: Math.round(rate(single)),
    one_thread_cpu_us_per_msg: round(single.cpuMicros / single.msgs),
    sdk_floor_us_per_msg: round(floor.cpuMicros / floor.msgs),
    // The most any worker on these SDK clients could reach: the unavoidable SDK calls plus
    // the transform and nothing else, on every thread at once, against the same baseline.
    speedup_bound: round((THREADS * 1e6) / (floor.cpuMicros / floor.msgs + 1e6 / rate(ceiling)) / rate(baseline), 2),
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}
