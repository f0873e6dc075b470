import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allIds, pipelineWithFakes, received, validBody } from '../helpers/fakes.js';

/** Bodies of every shape a device, a bug or an attacker can send. */
const hostileBody = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc
    .record({
      topic: fc.constantFrom('telemetry', 'alerts', 'nope', 'Bad', ''),
      device_id: fc.anything(),
      event_timestamp: fc.oneof(fc.integer(), fc.string(), fc.double()),
      payload: fc.anything(),
    })
    .map((v) => JSON.stringify(v)),
  fc
    .integer({ min: 1, max: 5_000 })
    .map(
      (depth) =>
        `{"topic":"telemetry","device_id":"d","event_timestamp":0,"payload":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}`,
    ),
  fc
    .integer({ min: 0, max: 3 })
    .map((i) => JSON.stringify({ ...validBody(i), payload: { blob: 'x'.repeat(1_100_000) } })),
  fc.nat(1000).map((i) => JSON.stringify(validBody(i))),
);

describe('Fuzz: IngestPipeline never lets a body escape classification (port fakes)', () => {
  it('every message is either written and deleted, or quarantined with a reason and deleted', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostileBody, { minLength: 1, maxLength: 30 }), async (bodies) => {
        // Prepare
        const { pipeline, events, quarantine, sink } = pipelineWithFakes({ lingerMs: 1 });
        const messages = bodies.map((b) => received(b));
        // Act
        expect(() => pipeline.admit('telemetry', messages)).not.toThrow();
        await pipeline.drain();
        // Assess: nothing left in flight, nothing retried, everything accounted for once.
        expect(pipeline.inFlightCount).toBe(0);
        expect(allIds(events, 'retry')).toEqual([]);
        const written = sink.written.map((r) => r.record.source_message_id);
        const dropped = quarantine.entries.map((e) => e.source_message_id);
        expect([...written, ...dropped].sort()).toEqual(messages.map((m) => m.sourceMessageId).sort());
        expect(allIds(events, 'ack').sort()).toEqual(messages.map((m) => m.sourceMessageId).sort());
        for (const e of quarantine.entries)
          expect(e.reason).toMatch(
            /^(invalid_json|not_an_object|missing_field:\w+|invalid_field:\w+|unknown_topic|too_large)$/,
          );
      }),
      { numRuns: 60 },
    );
  });
});
