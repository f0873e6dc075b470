import { RetryableError } from '@lean-ops/core';
import { describe, expect, it } from 'vitest';
import { allIds, pipelineWithFakes, received, validBody } from '../helpers/fakes.js';

const settle = (ms = 30) => new Promise((r) => setTimeout(r, ms));

describe('Class: IngestPipeline (port fakes, no AWS)', () => {
  it('writes valid messages to the sink and deletes them only after the sink accepted them', async () => {
    // Prepare
    const { pipeline, events, sink } = pipelineWithFakes();
    const messages = [0, 1, 2].map((i) => received(validBody(i)));
    // Act
    pipeline.admit('telemetry', messages);
    await pipeline.drain();
    // Assess
    expect(sink.written.map((r) => r.record.source_message_id)).toEqual(messages.map((m) => m.sourceMessageId));
    const putAt = events.findIndex((e) => e.kind === 'put');
    const ackAt = events.findIndex((e) => e.kind === 'ack');
    expect(putAt).toBeGreaterThanOrEqual(0);
    expect(ackAt).toBeGreaterThan(putAt);
    expect(allIds(events, 'ack').sort()).toEqual(messages.map((m) => m.sourceMessageId).sort());
    expect(pipeline.inFlightCount).toBe(0);
  });

  it('routes by the topic in the message, across queues', async () => {
    const { pipeline, sink } = pipelineWithFakes();
    pipeline.admit('telemetry', [received(validBody(1, 'alerts')), received(validBody(2, 'telemetry'))]);
    await pipeline.drain();
    expect(sink.written.map((r) => r.record.topic).sort()).toEqual(['alerts', 'telemetry']);
  });

  it('quarantines DROPs with their reason, then deletes them; nothing reaches the sink', async () => {
    const { pipeline, events, quarantine, sink, registry } = pipelineWithFakes();
    const bad = [
      received('{oops'),
      received({ ...validBody(1), topic: 'nope' }),
      received({ ...validBody(2), device_id: '' }),
    ];
    pipeline.admit('telemetry', bad);
    await pipeline.drain();
    expect(quarantine.entries.map((e) => e.reason)).toEqual([
      'invalid_json',
      'unknown_topic',
      'invalid_field:device_id',
    ]);
    expect(quarantine.entries[1]).toMatchObject({
      topic: 'nope',
      body: bad[1]?.body,
      receive_count: 1,
      queue: bad[1]?.queue,
    });
    expect(sink.written).toHaveLength(0);
    expect(events.findIndex((e) => e.kind === 'ack')).toBeGreaterThan(events.findIndex((e) => e.kind === 'quarantine'));
    expect(await registry.metrics()).toMatch(
      /leanops_ingest_messages_dropped_total\{topic="telemetry",reason="invalid_field"\} 1/,
    );
  });

  it('retries DROPs whose quarantine write failed (never deletes them)', async () => {
    const { pipeline, events, quarantine } = pipelineWithFakes();
    quarantine.fail = true;
    const m = received('not json');
    pipeline.admit('telemetry', [m]);
    await pipeline.drain();
    expect(allIds(events, 'ack')).toEqual([]);
    expect(allIds(events, 'retry')).toEqual([m.sourceMessageId]);
  });

  it('on a partial sink failure deletes the accepted and retries only the failed, with backoff by receive count', async () => {
    const { pipeline, events, sink } = pipelineWithFakes({ retryBaseDelaySeconds: 2, retryMaxDelaySeconds: 300 });
    sink.behaviour = (records) =>
      records.flatMap((r, index) =>
        r.record.source_message_id === failing.sourceMessageId
          ? [{ index, code: 'ServiceUnavailableException', message: 'slow down' }]
          : [],
      );
    const ok = received(validBody(1));
    const failing = received(validBody(2), { receiveCount: 3 });
    pipeline.admit('telemetry', [ok, failing]);
    await pipeline.drain();
    expect(allIds(events, 'ack')).toEqual([ok.sourceMessageId]);
    expect(events.filter((e) => e.kind === 'retry')).toEqual([
      { kind: 'retry', ids: [failing.sourceMessageId], delay: 8 },
    ]);
  });

  it('retries the whole batch when the sink call fails', async () => {
    const { pipeline, events, sink } = pipelineWithFakes();
    sink.behaviour = () => new RetryableError('throttled');
    const messages = [received(validBody(1)), received(validBody(2))];
    pipeline.admit('telemetry', messages);
    await pipeline.drain();
    expect(allIds(events, 'ack')).toEqual([]);
    expect(allIds(events, 'retry').sort()).toEqual(messages.map((m) => m.sourceMessageId).sort());
  });

  describe('circuit breaker', () => {
    it('opens after consecutive failures, then holds records instead of burning receives, pauses polling, and recovers on a successful probe', async () => {
      // Prepare: the sink is down; every batch is one record (lingerMs 0).
      const { pipeline, events, sink, registry } = pipelineWithFakes({
        breakerThreshold: 3,
        breakerHalfOpenAfterMs: 100,
        lingerMs: 0,
        maxConcurrentFlushes: 1,
      });
      let down = true;
      sink.behaviour = () => (down ? new RetryableError('503') : []);
      // Act: 3 failures open the breaker.
      for (let i = 0; i < 3; i++) {
        pipeline.admit('telemetry', [received(validBody(i))]);
        await settle(5);
      }
      await settle();
      // Assess: open; the failures before it opened were RETRY, the one that tripped it is held.
      expect(pipeline.breaker.state).toBe('open');
      const retriedBeforeOpen = allIds(events, 'retry').length;
      expect(retriedBeforeOpen).toBe(2);
      expect(pipeline.heldCount).toBe(1);
      expect(await registry.metrics()).toMatch(/leanops_sink_breaker_state\{sink="fake"\} 2/);
      // More messages while open are held, not retried.
      pipeline.admit('telemetry', [received(validBody(10)), received(validBody(11))]);
      await settle();
      expect(allIds(events, 'retry').length).toBe(retriedBeforeOpen);
      expect(pipeline.heldCount).toBe(3);
      // Pollers wait while open.
      let polled = false;
      void pipeline.waitForCapacity().then(() => {
        polled = true;
      });
      await settle();
      expect(polled).toBe(false);
      // Probe still failing: stays open, records still held, still no extra retries.
      await settle(150);
      expect(pipeline.breaker.state).toBe('open');
      expect(allIds(events, 'retry').length).toBe(retriedBeforeOpen);
      // Sink recovers: the next probe succeeds, the breaker closes, held records are written and deleted, polling resumes.
      down = false;
      await settle(300);
      await pipeline.drain();
      expect(pipeline.breaker.state).toBe('closed');
      expect(pipeline.heldCount).toBe(0);
      expect(allIds(events, 'ack')).toHaveLength(3);
      expect(polled).toBe(true);
      expect(await registry.metrics()).toMatch(/leanops_sink_breaker_state\{sink="fake"\} 0/);
    });
  });

  it('back-pressure: pollers wait while in-flight messages are at the cap', async () => {
    const { pipeline, sink } = pipelineWithFakes({ maxInFlightMessages: 10, lingerMs: 10_000 });
    pipeline.admit(
      'telemetry',
      Array.from({ length: 10 }, (_, i) => received(validBody(i))),
    );
    let polled = false;
    void pipeline.waitForCapacity().then(() => {
      polled = true;
    });
    await settle();
    expect(polled).toBe(false);
    await pipeline.drain();
    await settle(5);
    expect(polled).toBe(true);
    expect(sink.written).toHaveLength(10);
  });

  it('heartbeat renews visibility of messages in flight long enough', async () => {
    const { pipeline, events } = pipelineWithFakes({ lingerMs: 10_000, heartbeatIntervalMs: 20 });
    const m = received(validBody(1));
    pipeline.admit('telemetry', [m]);
    await pipeline.heartbeat();
    expect(allIds(events, 'extend')).toEqual([]);
    await settle(15);
    await pipeline.heartbeat();
    expect(allIds(events, 'extend')).toEqual([m.sourceMessageId]);
    await pipeline.drain();
  });

  it('release hands unfinished messages back with visibility 0', async () => {
    const { pipeline, events } = pipelineWithFakes({ lingerMs: 10_000 });
    const m = received(validBody(1));
    pipeline.admit('telemetry', [m]);
    await pipeline.release();
    expect(events.filter((e) => e.kind === 'retry')).toEqual([{ kind: 'retry', ids: [m.sourceMessageId], delay: 0 }]);
    expect(pipeline.inFlightCount).toBe(0);
  });
});
