import { deriveIdempotencyKey, normaliseEventTimestamp } from '@lean-ops/core';
import { describe, expect, it } from 'vitest';
import { bodyClaims, expectedFate } from '../../src/index.js';

const context = {
  isKnownTopic: (t: string) => t === 'sensors',
  maxRecordBytes: 1_024_000,
  messageId: '2f1e0f9a-5d6b-4c1e-9a57-3f0c2b8d7e61',
  publishTimeMs: Date.UTC(2025, 2, 1),
};
const message = {
  topic: 'sensors',
  device_id: 'dev-0001',
  event_timestamp: '2025-03-01T13:00:00.250+01:00',
  payload: { temperature: 21.5, humidity: 40 },
};

describe('expectedFate', () => {
  it('a valid body without a key: RAW, with the key the contract derives', () => {
    const fate = expectedFate(JSON.stringify(message), context);
    const key = deriveIdempotencyKey({
      topic: 'sensors',
      deviceId: 'dev-0001',
      eventTimestampMicros: normaliseEventTimestamp(message.event_timestamp) as bigint,
      payload: message.payload,
    });
    expect(fate).toEqual({ expected: 'raw', reason: null, idempotencyKey: key });
  });

  it('a valid body with a key: RAW, with its own key', () => {
    const fate = expectedFate(JSON.stringify({ ...message, idempotency_key: 'k-1' }), context);
    expect(fate).toEqual({ expected: 'raw', reason: null, idempotencyKey: 'k-1' });
  });

  it.each([
    ['{"topic":', 'invalid_json'],
    ['[1]', 'not_an_object'],
    [JSON.stringify({ ...message, topic: 'other' }), 'unknown_topic'],
    [JSON.stringify({ ...message, device_id: null }), 'missing_field:device_id'],
    [JSON.stringify({ ...message, payload: [1] }), 'invalid_field:payload'],
  ])('%s: DROP %s, no key', (body, reason) => {
    expect(expectedFate(body, context)).toEqual({ expected: 'drop', reason, idempotencyKey: null });
  });

  it('counts the message id and the record’s metadata against the record limit', () => {
    const body = JSON.stringify(message);
    // The RAW record is the body (as a JSON string) plus metadata: the body alone fits, the record does not.
    const tight = { ...context, maxRecordBytes: body.length + 50 };
    expect(expectedFate(body, tight)).toMatchObject({ expected: 'drop', reason: 'too_large' });
  });
});

describe('bodyClaims', () => {
  it.each([
    [JSON.stringify(message), { topic: 'sensors', deviceId: 'dev-0001' }],
    ['{"topic":42,"device_id":7}', { topic: null, deviceId: null }],
    ['[{"topic":"sensors"}]', { topic: null, deviceId: null }],
    ['not json', { topic: null, deviceId: null }],
    [JSON.stringify({ topic: 'x'.repeat(257) }), { topic: null, deviceId: null }],
  ])('%s', (body, claims) => {
    expect(bodyClaims(body)).toEqual(claims);
  });
});
