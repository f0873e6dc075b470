import { ReceiveMessageCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { ATTEMPT_ATTRIBUTE } from '../../src/index.js';
import { attribute, type DlqHarness, SOURCE_ID, startDlqHarness, validBody, waitFor } from '../helpers/dlq-harness.js';

describe('Class: DlqWorker against a real SQS-protocol server (fauxqs) and a real file quarantine', () => {
  let h: DlqHarness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('redrives valid messages with attempt 1, their original MessageId and the backoff delay; quarantines DROPs as dlq:<reason>; loses nothing', async () => {
    h = await startDlqHarness({ backoffBaseSeconds: 3, backoffMaxSeconds: 900 });
    const valid = Array.from({ length: 12 }, (_, i) => validBody(i));
    const drops = [
      '{"topic":',
      JSON.stringify({ topic: 'telemetry', event_timestamp: 1, payload: {} }),
      validBody(99, 'orders'),
    ];
    const validIds = await h.send(valid);
    const dropIds = await h.send(drops);
    await h.driveToDlq(15);
    expect(await h.depth(h.queueUrl)).toBe(0);

    h.worker.start();
    await waitFor('3 quarantined', async () => (await h?.quarantined())?.length === 3);
    await waitFor('an empty DLQ', async () => (await h?.depth(h.dlqUrl)) === 0);
    // Backoff: attempt 1 waits backoffBaseSeconds (jitter pinned to the midpoint).
    expect((await h.stats(h.queueUrl)).delayed).toBe(12);

    const redriven = await waitForRedriven(h, 12);
    expect(redriven.map((m) => m.Body).sort()).toEqual([...valid].sort());
    expect(redriven.map((m) => attribute(m, ATTEMPT_ATTRIBUTE))).toEqual(Array(12).fill('1'));
    expect(redriven.map((m) => attribute(m, SOURCE_ID)).sort()).toEqual([...validIds].sort());

    const quarantined = await h.quarantined();
    expect(quarantined.map((q) => [q.source_message_id, q.reason]).sort()).toEqual(
      [
        [dropIds[0], 'dlq:invalid_json'],
        [dropIds[1], 'dlq:missing_field:device_id'],
        [dropIds[2], 'dlq:unknown_topic'],
      ].sort(),
    );
    expect(quarantined.every((q) => q.queue === h?.dlqUrl && q.receive_count > 2)).toBe(true);
    // Nothing lost: in = redriven + quarantined, and every id accounted for once.
    expect(redriven.length + quarantined.length).toBe(valid.length + drops.length);
    const metrics = await h.registry.metrics();
    expect(metrics).toMatch(/leanops_dlq_messages_received_total\{topic="telemetry"\} 15/);
    expect(metrics).toMatch(/leanops_dlq_messages_redriven_total\{topic="telemetry"\} 12/);
    expect(metrics).toMatch(/leanops_dlq_messages_quarantined_total\{topic="telemetry",reason="invalid_json"\} 1/);
    expect(metrics).toMatch(/leanops_dlq_messages_quarantined_total\{topic="telemetry",reason="missing_field"\} 1/);
    expect(metrics).toMatch(/leanops_dlq_messages_quarantined_total\{topic="telemetry",reason="unknown_topic"\} 1/);
  });

  it('a message that keeps failing is redriven up to maxAttempts, then quarantined as dlq:max_attempts under its first id', async () => {
    h = await startDlqHarness({ maxAttempts: 2 });
    const [firstId] = await h.send([validBody(1)]);
    h.worker.start();
    const attemptsSeen = new Set<string>();
    const idsSeen = new Set<string>();
    // Play the failing ingest worker: receive without deleting until the queue redrives it.
    await waitFor(
      'the message in quarantine',
      async () => {
        const out = await h?.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: h.queueUrl,
            MaxNumberOfMessages: 10,
            VisibilityTimeout: 0,
            MessageAttributeNames: ['All'],
          }),
        );
        for (const m of out?.Messages ?? []) {
          attemptsSeen.add(attribute(m, ATTEMPT_ATTRIBUTE) ?? 'none');
          idsSeen.add(attribute(m, SOURCE_ID) ?? (m.MessageId as string));
        }
        return (await h?.quarantined())?.length === 1;
      },
      30_000,
    );
    expect([...attemptsSeen].sort()).toEqual(['1', '2', 'none']);
    expect([...idsSeen]).toEqual([firstId]);
    const [entry] = await h.quarantined();
    expect(entry).toMatchObject({ reason: 'dlq:max_attempts', source_message_id: firstId, topic: 'telemetry' });
    await waitFor('empty queues', async () => (await h?.depth(h.queueUrl)) === 0 && (await h?.depth(h.dlqUrl)) === 0);
    expect(await h.metric(/leanops_dlq_messages_redriven_total\{topic="telemetry"\} 2/)).toBe(true);
    expect(await h.metric(/leanops_dlq_messages_quarantined_total\{topic="telemetry",reason="max_attempts"\} 1/)).toBe(
      true,
    );
  });

  it('nothing leaves the DLQ before the quarantine accepted it: an outage keeps the message there, recovery moves it', async () => {
    h = await startDlqHarness();
    await h.send(['not json']);
    await h.driveToDlq(1);
    h.quarantine.down = true;
    h.worker.start();
    await waitFor('a retry', () => h?.metric(/leanops_dlq_messages_retried_total\{topic="telemetry"\} [1-9]/) ?? false);
    expect(await h.depth(h.dlqUrl)).toBe(1);
    expect(await h.quarantined()).toEqual([]);
    h.quarantine.down = false;
    await waitFor('1 quarantined', async () => (await h?.quarantined())?.length === 1);
    await waitFor('an empty DLQ', async () => (await h?.depth(h.dlqUrl)) === 0);
    expect((await h.quarantined())[0]?.reason).toBe('dlq:invalid_json');
  });

  it('nothing leaves the DLQ before the source queue accepted the redrive: a missing source queue keeps it there', async () => {
    h = await startDlqHarness({}, { redriveTo: (url) => `${url}-gone` });
    await h.send([validBody(1)]);
    await h.driveToDlq(1);
    h.worker.start();
    await waitFor('a retry', () => h?.metric(/leanops_dlq_messages_retried_total\{topic="telemetry"\} [1-9]/) ?? false);
    expect(await h.depth(h.dlqUrl)).toBe(1);
    expect(await h.metric(/leanops_dlq_messages_redriven_total\{topic="telemetry"\} 0$/m)).toBe(true);
  });

  it('a redrive the source queue refuses for good (SQS sender fault) is quarantined as dlq:redrive_rejected', async () => {
    h = await startDlqHarness();
    const body = JSON.stringify({ ...JSON.parse(validBody(1)), note: 'x'.repeat(900) });
    const [id] = await h.send([body]);
    await h.driveToDlq(1);
    // The body (1020 bytes) fits 1 KiB; with the redrive attributes it no longer does.
    await h.sqs.send(
      new SetQueueAttributesCommand({ QueueUrl: h.queueUrl, Attributes: { MaximumMessageSize: '1024' } }),
    );
    h.worker.start();
    await waitFor('1 quarantined', async () => (await h?.quarantined())?.length === 1);
    expect(await h.quarantined()).toMatchObject([{ reason: 'dlq:redrive_rejected', source_message_id: id, body }]);
    await waitFor('an empty DLQ', async () => (await h?.depth(h.dlqUrl)) === 0);
    expect(await h.depth(h.queueUrl)).toBe(0);
  });

  it('samples DLQ depth and the oldest-message age into metrics', async () => {
    h = await startDlqHarness();
    h.quarantine.down = true;
    await h.send(['not json']);
    await h.driveToDlq(1);
    h.worker.start();
    await waitFor('depth and age', async () => {
      const text = (await h?.registry.metrics()) ?? '';
      return (
        /leanops_dlq_queue_messages\{topic="telemetry",state="(visible|in_flight)"\} 1/.test(text) &&
        /leanops_dlq_oldest_message_age_seconds\{topic="telemetry"\} (0\.[1-9]|[1-9])/.test(text)
      );
    });
    h.quarantine.down = false;
    await waitFor(
      'age back to 0',
      () => h?.metric(/leanops_dlq_oldest_message_age_seconds\{topic="telemetry"\} 0\n/) ?? false,
    );
  });

  it('close() stops receiving and is idempotent: a second call awaits the same close', async () => {
    h = await startDlqHarness();
    h.worker.start();
    const first = h.worker.close();
    const second = h.worker.close();
    expect(second).toBe(first);
    expect(await first).toEqual({ drained: true, released: 0 });
    expect(h.worker.isHealthy()).toBe(false);
    await h.send(['not json']);
    await h.driveToDlq(1);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await h.depth(h.dlqUrl)).toBe(1);
    expect(await h.quarantined()).toEqual([]);
  });

  it('close() within its budget hands unfinished messages back to the DLQ at once', async () => {
    h = await startDlqHarness({ shutdownBudgetMs: 300, maxInFlightMessages: 10 });
    h.quarantine.hold = new Promise(() => {});
    await h.send(Array.from({ length: 10 }, (_, i) => `not json ${i}`));
    await h.driveToDlq(10);
    h.worker.start();
    await waitFor('10 in flight', () => h?.worker.processor.inFlightCount === 10);
    // At the in-flight cap the poller waits for capacity: let its last long poll (1 s) end.
    await new Promise((r) => setTimeout(r, 1_200));
    expect(await h.worker.close()).toEqual({ drained: false, released: 10 });
    expect(await h.stats(h.dlqUrl)).toEqual({ visible: 10, inFlight: 0, delayed: 0 });
    expect(await h.quarantined()).toEqual([]);
  });
});

/** Waits until `count` redriven messages are visible in the source queue and receives them. */
async function waitForRedriven(h: DlqHarness, count: number) {
  const got: Awaited<ReturnType<DlqHarness['receiveAll']>> = [];
  await waitFor(`${count} redriven`, async () => {
    got.push(...(await h.receiveAll(h.queueUrl)));
    return got.length >= count;
  });
  return got;
}
