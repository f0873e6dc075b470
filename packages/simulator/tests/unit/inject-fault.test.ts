import { type DropReason, transformMessage } from '@lean-ops/core';
import { describe, expect, it } from 'vitest';
import { DeviceFleet, OVERSIZE_MARGIN_BYTES, type Reading, readingMessage } from '../../src/index.js';
import { type BodyFault, injectFault } from '../../src/inject-fault.js';
import { Prng } from '../../src/prng.js';
import { TOPICS } from '../helpers/plan.js';

const MAX_RECORD_BYTES = 8_192;
const context = { topics: new Set<string>(TOPICS), maxRecordBytes: MAX_RECORD_BYTES };
const TRIALS = 400;

/** The worker's verdict on a body: core's transform, exactly as the ingest calls it. */
function verdict(body: string): DropReason | 'raw' {
  const result = transformMessage(
    { body, sourceMessageId: '2f1e0f9a-5d6b-4c1e-9a57-3f0c2b8d7e61', publishTimeMs: Date.UTC(2025, 2, 1) },
    { isKnownTopic: (t) => context.topics.has(t), maxRecordBytes: MAX_RECORD_BYTES },
  );
  return result.ok ? 'raw' : result.reason;
}

/** Readings of a fleet, with a fault-stream PRNG, for `TRIALS` injections of `fault`. */
function injections(fault: BodyFault): Array<{ reading: Reading; body: string }> {
  const fleet = new DeviceFleet({ topics: TOPICS, devices: 7, seed: 11, startTimeMs: Date.UTC(2025, 2, 1) });
  const prng = new Prng(99);
  return Array.from({ length: TRIALS }, (_, i) => {
    const reading = fleet.next(i + 1, i * 10, i % 2 === 0);
    return { reading, body: injectFault(fault, reading, prng, context) };
  });
}

const fieldOf = (reason: string) => reason.slice(reason.indexOf(':') + 1);

describe('injected faults get the DROP reason the ingest worker assigns', () => {
  it('a clean reading is landed in RAW', () => {
    const fleet = new DeviceFleet({ topics: TOPICS, devices: 3, seed: 1, startTimeMs: Date.UTC(2025, 2, 1) });
    for (let seq = 1; seq <= 50; seq++) {
      expect(verdict(JSON.stringify(readingMessage(fleet.next(seq, seq * 10, seq > 25))))).toBe('raw');
    }
  });

  it('malformed_json → invalid_json, in every variant', () => {
    const bodies = injections('malformed_json').map((i) => i.body);
    for (const body of bodies) expect(verdict(body)).toBe('invalid_json');
    // All five corruptions occur: a cut, a trailing comma, single quotes, NaN, a member twice.
    expect(bodies.some((b) => b.endsWith(',}'))).toBe(true);
    expect(bodies.some((b) => b.startsWith("{'"))).toBe(true);
    expect(bodies.some((b) => b.includes(':NaN'))).toBe(true);
    expect(bodies.some((b) => b.startsWith('{"payload":{},'))).toBe(true);
    expect(bodies.some((b) => !b.endsWith('}'))).toBe(true);
  });

  it('not_an_object → not_an_object', () => {
    const bodies = injections('not_an_object').map((i) => i.body);
    for (const body of bodies) expect(verdict(body)).toBe('not_an_object');
    const kinds = new Set(bodies.map((b) => JSON.parse(b)).map((v) => (Array.isArray(v) ? 'array' : typeof v)));
    expect(kinds).toEqual(new Set(['array', 'string', 'object', 'number'])); // typeof null is 'object'
  });

  it('missing_field → missing_field:<f>, naming a required field that is absent or null', () => {
    const fields = new Set<string>();
    for (const { body } of injections('missing_field')) {
      const reason = verdict(body);
      expect(reason).toMatch(/^missing_field:(topic|device_id|event_timestamp|payload)$/);
      const field = fieldOf(reason);
      expect(JSON.parse(body)[field] ?? null).toBeNull();
      fields.add(field);
    }
    expect(fields.size).toBe(4);
  });

  it('wrong_type → invalid_field:<f>, naming the field whose value changed', () => {
    const fields = new Set<string>();
    for (const { reading, body } of injections('wrong_type')) {
      const reason = verdict(body);
      expect(reason).toMatch(/^invalid_field:/);
      const field = fieldOf(reason);
      expect(JSON.parse(body)[field]).not.toEqual(readingMessage(reading)[field]);
      fields.add(field);
    }
    expect([...fields].sort()).toEqual(
      ['device_id', 'event_timestamp', 'idempotency_key', 'payload', 'period_reference', 'topic'].sort(),
    );
  });

  it('oversize → too_large: over the record limit, yet within the SQS message limit', () => {
    for (const { body } of injections('oversize').slice(0, 20)) {
      expect(verdict(body)).toBe('too_large');
      expect(Buffer.byteLength(body)).toBe(MAX_RECORD_BYTES + OVERSIZE_MARGIN_BYTES);
      // Below the limit the same body is valid: only its size makes it a DROP.
      const result = transformMessage(
        { body, sourceMessageId: 'm', publishTimeMs: 0 },
        { isKnownTopic: () => true, maxRecordBytes: 4 * MAX_RECORD_BYTES },
      );
      expect(result.ok).toBe(true);
    }
  });

  it('unknown_topic → unknown_topic: a well-formed topic that is not configured', () => {
    for (const { body } of injections('unknown_topic')) {
      expect(verdict(body)).toBe('unknown_topic');
      expect(context.topics.has(JSON.parse(body).topic)).toBe(false);
    }
  });

  it.each([
    ['out_of_order', 60_000, 3_600_000],
    ['late', 86_400_000, 40 * 86_400_000],
  ] as const)('%s → RAW, its event time %d–%d ms before the reading', (fault, minBack, maxBack) => {
    for (const { reading, body } of injections(fault)) {
      expect(verdict(body)).toBe('raw');
      const back = reading.eventTimeMs - Date.parse(JSON.parse(body).event_timestamp);
      expect(back).toBeGreaterThanOrEqual(minBack);
      expect(back).toBeLessThanOrEqual(maxBack);
    }
  });
});
