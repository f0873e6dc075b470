import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@lean-ops/config';
import { createRegistry } from '@lean-ops/metrics';
import { sqsQueues } from '@lean-ops/queue-worker';
import { silentLogger } from '@lean-ops/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { composeDlqService, type DlqService } from '../../src/index.js';
import { type DlqHarness, startDlqHarness, waitFor } from '../helpers/dlq-harness.js';

describe('Function: composeDlqService against a real SQS-protocol server (fauxqs) and a real file quarantine', () => {
  let h: DlqHarness | undefined;
  let service: DlqService | undefined;
  afterEach(async () => {
    await service?.close();
    await h?.stop();
    h = undefined;
    service = undefined;
  });

  it('status(): the message in flight and its age while the quarantine hangs, none once it is quarantined', async () => {
    const harness = await startDlqHarness();
    h = harness;
    const loaded = loadConfig({
      env: { LEAN_OPS_TOPICS: 'telemetry', LEAN_OPS_DLQ_MAX_ATTEMPTS: '2' },
      cwd: mkdtempSync(join(tmpdir(), 'dlq-compose-')),
    });
    const config = { ...loaded, dlq: { ...loaded.dlq, waitTimeSeconds: 1, shutdownBudgetMs: 5_000 } };
    // The harness's own worker never starts: this service is the one under test.
    const ports = sqsQueues(harness.sqs, { queuePrefix: '' });
    const composed = composeDlqService(
      config,
      [{ topic: 'telemetry', url: harness.queueUrl, dlqUrl: harness.dlqUrl }],
      {
        source: ports.source(silentLogger()),
        sender: ports.sender,
        quarantine: harness.quarantine,
        acknowledger: ports.acknowledger,
        registry: createRegistry({ collectDefault: false }),
        logger: silentLogger(),
      },
    );
    service = composed;
    expect(composed.options.maxAttempts).toBe(2);

    let release: () => void = () => undefined;
    harness.quarantine.hold = new Promise((resolve) => {
      release = resolve;
    });
    await harness.send(['{"topic":']);
    await harness.driveToDlq(1);
    await composed.start();
    await waitFor('1 DLQ message in flight', async () => (await composed.status()).inFlight === 1);
    expect((await composed.status()).oldestAgeSeconds.telemetry).toBeGreaterThan(0);
    expect(composed.isHealthy()).toBe(true);

    release();
    await waitFor('the message quarantined', async () => (await harness.quarantined()).length === 1);
    await waitFor('nothing in flight', async () => (await composed.status()).inFlight === 0);
    expect(await composed.status()).toEqual({ inFlight: 0, oldestAgeSeconds: { telemetry: 0 } });

    const first = composed.close();
    expect(composed.close()).toBe(first);
    expect((await first).drained).toBe(true);
    expect(composed.isHealthy()).toBe(false);
  });
});
