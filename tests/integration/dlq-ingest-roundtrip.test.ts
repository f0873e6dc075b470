import { join } from 'node:path';
import { SqsAcknowledger } from '@lean-ops/aws';
import { LandingSink } from '@lean-ops/local';
import { createRegistry } from '@lean-ops/metrics';
import { SqsMessageSource } from '@lean-ops/queue-worker';
import { readLanded, silentLogger } from '@lean-ops/testkit';
import { IngestWorker } from '@lean-ops/worker-ingest';
import { afterEach, describe, expect, it } from 'vitest';
import { type DlqHarness, startDlqHarness, validBody, waitFor } from '../../workers/dlq/tests/helpers/dlq-harness.js';
import { FaultySink } from '../../workers/ingest/tests/helpers/harness.js';

/** Above both services: the DLQ processor redrives what the ingest worker gave up on. */
describe('DLQ processor and ingest worker together', () => {
  let h: DlqHarness | undefined;
  let ingest: IngestWorker | undefined;
  afterEach(async () => {
    await ingest?.close();
    await h?.stop();
    h = undefined;
    ingest = undefined;
  });

  it('an outage burns the receives, the DLQ processor redrives, and RAW keeps the id the producer got', async () => {
    h = await startDlqHarness({}, { maxReceiveCount: 2 });
    const sink = new FaultySink(new LandingSink({ dir: join(h.dataDir, 'landing') }));
    sink.down = true;
    ingest = new IngestWorker(
      {
        queues: [{ topic: 'telemetry', url: h.queueUrl, dlqUrl: h.dlqUrl }],
        pollersPerQueue: 1,
        waitTimeSeconds: 1,
        lingerMs: 10,
        // Retry at once and never open the breaker: every failure burns a receive.
        retryBaseDelaySeconds: 0,
        retryMaxDelaySeconds: 0,
        breakerThreshold: 10_000,
        shutdownBudgetMs: 5_000,
      },
      {
        source: new SqsMessageSource({ client: h.sqs, logger: silentLogger() }),
        sink,
        quarantine: h.quarantine,
        acknowledger: new SqsAcknowledger({ client: h.sqs }),
        isKnownTopic: (t) => t === 'telemetry',
        registry: createRegistry({ collectDefault: false }),
        logger: silentLogger(),
      },
    );
    const ids = await h.send(Array.from({ length: 20 }, (_, i) => validBody(i)));
    ingest.start();
    await waitFor('20 messages in the DLQ', async () => (await h?.depth(h.dlqUrl)) === 20);
    sink.down = false;
    h.worker.start();
    const landed = () => readLanded(join(h?.dataDir ?? '', 'landing'));
    await waitFor('20 landed', async () => (await landed()).length === 20);
    expect((await landed()).map((r) => r.source_message_id).sort()).toEqual([...ids].sort());
    await waitFor('empty queues', async () => (await h?.depth(h.queueUrl)) === 0 && (await h?.depth(h.dlqUrl)) === 0);
    expect(await h.quarantined()).toEqual([]);
  });
});
