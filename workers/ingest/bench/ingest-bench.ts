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
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FirehoseClient, PutRecordCommand } from '@aws-sdk/client-firehose';
import { SQSClient } from '@aws-sdk/client-sqs';
import { FirehoseSink, SqsAcknowledger } from '@lean-ops/aws';
import { transformMessage } from '@lean-ops/core';
import { FileQuarantine } from '@lean-ops/local';
import { createLogger } from '@lean-ops/logger';
import { createRegistry } from '@lean-ops/metrics';
import { IngestWorker } from '../src/index.js';
import { InProcessTransport, telemetryBody } from './in-process-transport.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100_000);
const BASELINE_MESSAGES = Number(process.env.BENCH_BASELINE_MESSAGES ?? 10_000);

interface Measured {
  msgs: number;
  seconds: number;
  cpuMicros: number;
  peakRssMb: number;
}

function sdkConfig(transport: InProcessTransport) {
  return {
    region: 'us-east-1',
    endpoint: 'http://in-process.invalid',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    requestHandler: transport as never,
  };
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
    const transport = new InProcessTransport(n, telemetryBody);
    const sqs = new SQSClient(sdkConfig(transport));
    const firehose = new FirehoseClient(sdkConfig(transport));
    const silent = createLogger({ component: 'bench', level: 'warn', format: 'json' });
    const worker = new IngestWorker(
      {
        queues: [{ topic: 'telemetry', url: 'http://in-process.invalid/000000000000/telemetry' }],
        pollersPerQueue: 8,
        waitTimeSeconds: 0,
        lingerMs: 50,
        queueStatsIntervalMs: 0,
      },
      {
        sqs,
        sink: new FirehoseSink({ client: firehose, streamForTopic: (t) => `raw-${t}` }),
        quarantine: new FileQuarantine({ dir: mkdtempSync(join(tmpdir(), 'bench-q-')) }),
        acknowledger: new SqsAcknowledger({ client: sqs }),
        isKnownTopic: (t) => t === 'telemetry',
        registry: createRegistry(),
        logger: silent,
      },
    );
    const result = await measure(n, async () => {
      worker.start();
      await transport.whenDrained();
    });
    await worker.close();
    if (transport.counters.recordsPut < n)
      throw new Error(`only ${transport.counters.recordsPut} of ${n} records reached Firehose`);
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
  const quarter = runChild('worker', Math.round(MESSAGES / 4));
  process.stderr.write(
    `  worker (${quarter.msgs}) ${Math.round(rate(quarter))} msgs/s, peak RSS ${round(quarter.peakRssMb)} MB\n`,
  );
  const worker = runChild('worker', MESSAGES);
  process.stderr.write(
    `  worker (${worker.msgs}) ${Math.round(rate(worker))} msgs/s, peak RSS ${round(worker.peakRssMb)} MB\n`,
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
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}
