import {
  MAX_MICROS,
  normaliseEventTimestamp,
  TOPIC_NAME_PATTERN,
  transformMessage,
  validateMessage,
} from '@lean-ops/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fleetMessages, parseSimulationOptions, planRun } from '../../src/index.js';

const topicName = fc.stringMatching(TOPIC_NAME_PATTERN);
const run = fc.record({
  topics: fc.uniqueArray(topicName, { minLength: 1, maxLength: 4 }),
  devices: fc.integer({ min: 1, max: 40 }),
  seed: fc.nat({ max: 0xffff_ffff }),
  rate: fc.double({ min: 0.5, max: 5_000, noNaN: true }),
  count: fc.integer({ min: 1, max: 120 }),
  // Any start from 1970 to the year 9000, so timestamps stay in the contract's range.
  startTime: fc.integer({ min: 0, max: Number(MAX_MICROS / 1000n) - 40 * 365 * 86_400_000 }),
});

describe('clean profile (property)', () => {
  it('every generated message is valid per the contract and lands in RAW', () => {
    fc.assert(
      fc.property(run, (options) => {
        const plan = planRun(parseSimulationOptions({ ...options, profile: 'clean' }));
        if (plan.kind !== 'fleet') throw new Error('expected a fleet plan');
        const topics = new Set(options.topics);
        for (const m of fleetMessages(plan.fleet)) {
          const parsed = JSON.parse(m.body);
          const validation = validateMessage(parsed);
          expect(validation.ok).toBe(true);
          expect(parsed.topic).toBe(m.queueTopic);
          expect(parsed.device_id).toMatch(/^dev-\d{4,}$/);
          expect(parsed.event_timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(Z|[+-]\d{2}:\d{2})$/);
          const micros = normaliseEventTimestamp(parsed.event_timestamp) as bigint;
          expect(Number(micros / 1000n)).toBeLessThanOrEqual(options.startTime + (m.dueMs as number));
          for (const value of Object.values(parsed.payload)) expect(Number.isFinite(value)).toBe(true);
          const result = transformMessage(
            { body: m.body, sourceMessageId: 'id', publishTimeMs: options.startTime },
            { isKnownTopic: (t) => topics.has(t) },
          );
          expect(result.ok).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
});
