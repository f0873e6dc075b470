import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { loadConfig } from '@lean-ops/config';
import { FileQuarantine, LandingSink } from '@lean-ops/local';
import { createRegistry } from '@lean-ops/metrics';
import { sqsQueues } from '@lean-ops/queue-worker';
import {
  awsClientConfig,
  createQueue,
  readRows,
  sendBodies,
  silentLogger,
  startSqsServer,
  type TestServer,
  waitFor,
} from '@lean-ops/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { composeIngestService, type IngestService } from '../../src/index.js';
import { validBody } from '../helpers/fakes.js';
import { FaultySink } from '../helpers/harness.js';

describe('Function: composeIngestService against a real SQS-protocol server (fauxqs) and real files', () => {
  let server: TestServer | undefined;
  let client: SQSClient | undefined;
  let service: IngestService | undefined;
  afterEach(async () => {
    await service?.close();
    client?.destroy();
    await server?.stop();
    service = undefined;
    client = undefined;
    server = undefined;
  });

  it('status(): breaker open and records held while the sink is down; unknown topics quarantined as the config says', async () => {
    server = await startSqsServer();
    const sqs = new SQSClient(awsClientConfig(server.endpoint));
    client = sqs;
    const { queueUrl, dlqUrl } = await createQueue(server.endpoint, 'telemetry', { dlq: { maxReceiveCount: 3 } });
    const dataDir = mkdtempSync(join(tmpdir(), 'ingest-compose-'));
    const loaded = loadConfig({ env: { LEAN_OPS_TOPICS: 'telemetry' }, cwd: dataDir });
    const config = {
      ...loaded,
      ingest: {
        ...loaded.ingest,
        waitTimeSeconds: 1,
        lingerMs: 10,
        breakerThreshold: 1,
        breakerHalfOpenAfterMs: 60_000,
        shutdownBudgetMs: 1_000,
      },
    };
    const sink = new FaultySink(new LandingSink({ dir: join(dataDir, 'landing') }));
    const ports = sqsQueues(sqs, { queuePrefix: '' });
    const composed = composeIngestService(config, [{ topic: 'telemetry', url: queueUrl, dlqUrl }], {
      source: ports.source(silentLogger()),
      sink,
      quarantine: new FileQuarantine({ dir: join(dataDir, 'quarantine') }),
      acknowledger: ports.acknowledger,
      registry: createRegistry({ collectDefault: false }),
      logger: silentLogger(),
    });
    service = composed;
    expect(await composed.status()).toEqual({ breaker: 'closed', inFlight: 0, held: 0 });

    await composed.start();
    await sendBodies(sqs, queueUrl, [JSON.stringify({ ...validBody(1), topic: 'orders' })]);
    await waitFor('the unknown topic quarantined', async () => {
      const rows = await readRows<{ reason: string }>(join(dataDir, 'quarantine'));
      return rows.length === 1 && rows[0]?.reason === 'unknown_topic';
    });

    sink.down = true;
    await sendBodies(sqs, queueUrl, [JSON.stringify(validBody(2))]);
    await waitFor('the record held', async () => (await composed.status()).held === 1);
    expect(await composed.status()).toEqual({ breaker: 'open', inFlight: 1, held: 1 });
    expect(composed.isHealthy()).toBe(false);

    const first = composed.close();
    expect(composed.close()).toBe(first);
    expect(await first).toEqual({ drained: false, released: 1 });
  });
});
