import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { SQSClient } from '@aws-sdk/client-sqs';
import { FirehoseSink, SqsAcknowledger } from '@lean-ops/aws';
import { FileQuarantine } from '@lean-ops/local';
import { createLogger } from '@lean-ops/logger';
import { createRegistry, type Registry } from '@lean-ops/metrics';
import { HOT_PATH_CLIENT_SETTINGS, SqsMessageSource, sqsChecksumSettings } from '@lean-ops/queue-worker';
import { IngestWorker } from '../src/index.js';
import { InProcessTransport, telemetryBody } from './in-process-transport.js';

/** The endpoint the bench stands in for: AWS over HTTPS (the transport answers in-process). */
export const BENCH_ENDPOINT = 'https://in-process.invalid';

export interface BenchThreadPayload {
  readonly messages: number;
  readonly channel: string;
}

export function sdkConfig(transport: InProcessTransport) {
  return {
    region: 'us-east-1',
    endpoint: BENCH_ENDPOINT,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    requestHandler: transport as never,
  };
}

/** The worker's SDK clients, with the settings `lean-ops ingest` gives them, on an in-process transport. */
export function benchClients(transport: InProcessTransport): { sqs: SQSClient; firehose: FirehoseClient } {
  return {
    sqs: new SQSClient({
      ...sdkConfig(transport),
      ...sqsChecksumSettings(BENCH_ENDPOINT),
      ...HOT_PATH_CLIENT_SETTINGS,
    }),
    firehose: new FirehoseClient({ ...sdkConfig(transport), ...HOT_PATH_CLIENT_SETTINGS }),
  };
}

/** The worker as `lean-ops ingest` wires it for Firehose (same client settings), on an in-process transport. */
export function buildBenchWorker(
  messages: number,
  firstIndex = 0,
): { worker: IngestWorker; registry: Registry; transport: InProcessTransport } {
  const transport = new InProcessTransport(messages, telemetryBody, firstIndex);
  const { sqs, firehose } = benchClients(transport);
  const registry = createRegistry();
  const logger = createLogger({ component: 'bench', level: 'warn', format: 'json' });
  const worker = new IngestWorker(
    {
      queues: [{ topic: 'telemetry', url: 'https://in-process.invalid/000000000000/telemetry' }],
      pollersPerQueue: 8,
      waitTimeSeconds: 0,
      lingerMs: 50,
      queueStatsIntervalMs: 0,
    },
    {
      source: new SqsMessageSource({ client: sqs, logger }),
      sink: new FirehoseSink({ client: firehose, streamForTopic: (t) => `raw-${t}` }),
      quarantine: new FileQuarantine({ dir: mkdtempSync(join(tmpdir(), 'bench-q-')) }),
      acknowledger: new SqsAcknowledger({ client: sqs }),
      isKnownTopic: (t) => t === 'telemetry',
      registry,
      logger,
    },
  );
  return { worker, registry, transport };
}
