import { afterEach, describe, expect, it } from 'vitest';
import { validBody } from '../helpers/fakes.js';
import { startHarness } from '../helpers/harness.js';

type Harness = Awaited<ReturnType<typeof startHarness>>;

describe('Class: IngestWorker against a real SQS-protocol server (fauxqs) and real files', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it('message in → RAW record out → message deleted', async () => {
    h = await startHarness();
    const bodies = Array.from({ length: 60 }, (_, i) => JSON.stringify(validBody(i)));
    h.worker.start();
    await h.send(bodies);
    await h.waitFor('60 landed records', async () => (await h?.landed())?.length === 60);
    await h.waitFor('an empty queue', async () => (await h?.depth(h.queueUrl)) === 0);
    const rows = await h.landed();
    expect(new Set(rows.map((r) => r.json_payload))).toEqual(new Set(bodies));
    expect(rows.every((r) => r.topic === 'telemetry' && /^[0-9a-f]{64}$/.test(r.idempotency_key))).toBe(true);
    expect(await h.registry.metrics()).toMatch(/leanops_ingest_messages_acknowledged_total\{topic="telemetry"\} 60/);
  });

  it('poison messages → quarantine with their reason, deleted, nothing in RAW or the DLQ', async () => {
    h = await startHarness();
    h.worker.start();
    await h.send([
      '{"topic":',
      '[1,2]',
      JSON.stringify({ ...validBody(1), topic: 'orders' }),
      JSON.stringify({ ...validBody(2), payload: 'x' }),
    ]);
    await h.waitFor('4 quarantined', async () => (await h?.quarantined())?.length === 4);
    await h.waitFor('an empty queue', async () => (await h?.depth(h.queueUrl)) === 0);
    expect((await h.quarantined()).map((q) => q.reason).sort()).toEqual([
      'invalid_field:payload',
      'invalid_json',
      'not_an_object',
      'unknown_topic',
    ]);
    expect(await h.landed()).toEqual([]);
    expect(await h.depth(h.dlqUrl)).toBe(0);
  });

  it('records the sink rejected are retried alone: every message lands exactly once', async () => {
    h = await startHarness({ retryBaseDelaySeconds: 1, retryMaxDelaySeconds: 2 });
    const bodies = Array.from({ length: 30 }, (_, i) => JSON.stringify(validBody(i)));
    await h.send(bodies);
    // Reject the first attempt of every third message (by SQS message id, learned on receive).
    const original = h.sink.putBatch.bind(h.sink);
    const seen = new Set<string>();
    h.sink.putBatch = async (records) => {
      for (const [i, r] of records.entries()) {
        const id = r.record.source_message_id;
        if (!seen.has(id) && i % 3 === 0) h?.sink.rejectOnce.add(id);
        seen.add(id);
      }
      return original(records);
    };
    h.worker.start();
    await h.waitFor('30 landed', async () => (await h?.landed())?.length === 30);
    await h.waitFor('an empty queue', async () => (await h?.depth(h.queueUrl)) === 0);
    const ids = (await h.landed()).map((r) => r.source_message_id);
    expect(new Set(ids).size).toBe(30);
    expect(await h.registry.metrics()).toMatch(/leanops_ingest_messages_retried_total\{topic="telemetry"\} [1-9]/);
  });

  it('sink outage → breaker opens, polling pauses, no message reaches the DLQ; the backlog drains after recovery', async () => {
    h = await startHarness(
      {
        breakerThreshold: 2,
        breakerHalfOpenAfterMs: 300,
        retryBaseDelaySeconds: 1,
        retryMaxDelaySeconds: 1,
        visibilityTimeoutSeconds: 5,
        heartbeatIntervalMs: 1_000,
        lingerMs: 10,
      },
      { maxReceiveCount: 3, visibilityTimeout: 5 },
    );
    h.sink.down = true;
    h.worker.start();
    await h.send(Array.from({ length: 100 }, (_, i) => JSON.stringify(validBody(i))));
    await h.waitFor('the breaker to open', async () => h?.worker.pipeline.breaker.state !== 'closed');
    // Outage lasts several visibility timeouts and probe periods.
    await new Promise((r) => setTimeout(r, 8_000));
    expect(await h.depth(h.dlqUrl)).toBe(0);
    expect(await h.landed()).toEqual([]);
    expect(await h.registry.metrics()).toMatch(/leanops_sink_breaker_state\{sink="local"\} 2/);
    h.sink.down = false;
    await h.waitFor(
      '100 distinct landed',
      async () => new Set((await h?.landed())?.map((r) => r.source_message_id)).size === 100,
      30_000,
    );
    await h.waitFor('an empty queue', async () => (await h?.depth(h.queueUrl)) === 0, 30_000);
    expect(await h.depth(h.dlqUrl)).toBe(0);
    expect(h.worker.pipeline.breaker.state).toBe('closed');
  }, 90_000);

  it('samples queue and DLQ depth into metrics', async () => {
    h = await startHarness({ queueStatsIntervalMs: 200 });
    await h.send([JSON.stringify(validBody(1)), JSON.stringify(validBody(2))]);
    h.worker.start();
    await h.waitFor('depth metrics', async () =>
      /leanops_ingest_queue_messages\{topic="telemetry",state="visible"\} \d+/.test(
        (await h?.registry.metrics()) ?? '',
      ),
    );
  });

  it('close() stops receiving, flushes and acknowledges; a second call awaits the same close', async () => {
    h = await startHarness({ lingerMs: 60_000 });
    h.worker.start();
    await h.send(Array.from({ length: 5 }, (_, i) => JSON.stringify(validBody(i))));
    await h.waitFor('5 in flight', async () => h?.worker.pipeline.inFlightCount === 5);
    const first = h.worker.close();
    expect(h.worker.close()).toBe(first);
    const result = await first;
    expect(result).toEqual({ drained: true, released: 0 });
    expect((await h.landed()).length).toBe(5);
    expect(await h.depth(h.queueUrl)).toBe(0);
  });

  it('close() within its budget hands unfinished messages back at once when the sink is down', async () => {
    h = await startHarness(
      { shutdownBudgetMs: 1_000, breakerThreshold: 1, breakerHalfOpenAfterMs: 60_000 },
      { visibilityTimeout: 30 },
    );
    h.sink.down = true;
    h.worker.start();
    await h.send(Array.from({ length: 3 }, (_, i) => JSON.stringify(validBody(i))));
    await h.waitFor('records held', async () => (h?.worker.pipeline.heldCount ?? 0) > 0);
    const started = Date.now();
    const result = await h.worker.close();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(result.drained).toBe(false);
    // Released with visibility 0: visible again long before the 30 s timeout.
    await h.waitFor(
      'messages visible again',
      async () => {
        const out = await h?.depth(h.queueUrl);
        return out === 3;
      },
      5_000,
    );
  });
});
