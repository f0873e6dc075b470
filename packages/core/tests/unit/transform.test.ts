import { describe, expect, it } from 'vitest';
import { type DropReason, decodeRawRecord, transformMessage } from '../../src/index.js';
import { inbound, messageObject, transformOptions } from '../helpers/message-factory.js';

const dropReason = (body: string | Record<string, unknown>, maxRecordBytes?: number): DropReason | 'accepted' => {
  const result = transformMessage(inbound(body), {
    ...transformOptions,
    ...(maxRecordBytes ? { maxRecordBytes } : {}),
  });
  return result.ok ? 'accepted' : result.reason;
};

const accept = (body: Record<string, unknown> | string) => {
  const result = transformMessage(inbound(body), transformOptions);
  if (!result.ok) throw new Error(`expected accept, got DROP ${result.reason}`);
  return result.encoded.record;
};

describe('Function: transformMessage — contract §1 fields', () => {
  it('builds the RAW record of a valid message', () => {
    // Prepare
    const body = JSON.stringify(messageObject({ message_id: 'm-42' }));
    // Act
    const record = accept(body);
    // Assess
    expect(record).toEqual({
      topic: 'telemetry',
      idempotency_key: expect.stringMatching(/^[0-9a-f]{64}$/),
      device_id: 'dev-1',
      event_timestamp: '2024-03-01T12:00:00.123456Z',
      publish_time: '2024-03-01T12:00:05.250000Z',
      period_reference: '2024-03',
      json_payload: body,
      ingested_at: '2024-03-01T12:00:06.000000Z',
      source_message_id: 'msg-0001',
    });
  });

  it('encodes the record as JSON, timestamps as epoch microseconds, and measures its UTF-8 bytes', () => {
    const result = transformMessage(inbound(messageObject({ payload: { city: 'Zürich' } })), transformOptions);
    if (!result.ok) throw new Error(result.reason);
    expect(decodeRawRecord(result.encoded.json)).toEqual(result.encoded.record);
    expect(JSON.parse(result.encoded.json)).toMatchObject({
      event_timestamp: 1_709_294_400_123_456,
      publish_time: 1_709_294_405_250_000,
      ingested_at: 1_709_294_406_000_000,
    });
    expect(result.encoded.bytes).toBe(Buffer.byteLength(result.encoded.json, 'utf8'));
    expect(result.encoded.bytes).toBeGreaterThan(result.encoded.json.length);
  });

  describe('topic', () => {
    it('is required', () => expect(dropReason(messageObject({ topic: undefined }))).toBe('missing_field:topic'));
    it('treats JSON null as missing', () =>
      expect(dropReason(messageObject({ topic: null }))).toBe('missing_field:topic'));
    it.each(['Telemetry', '1telemetry', '_t', 'tele-metry', `t${'x'.repeat(63)}`, '', 42])('rejects %j', (topic) =>
      expect(dropReason(messageObject({ topic }))).toBe('invalid_field:topic'),
    );
    it('accepts 63 characters', () =>
      expect(dropReason(messageObject({ topic: `t${'x'.repeat(62)}` }))).toBe('unknown_topic'));
    it('must be configured', () => expect(dropReason(messageObject({ topic: 'orders' }))).toBe('unknown_topic'));
  });

  describe('device_id', () => {
    it('is required', () =>
      expect(dropReason(messageObject({ device_id: undefined }))).toBe('missing_field:device_id'));
    it.each(['', 'x'.repeat(129), 7, { id: 1 }])('rejects %j', (device_id) =>
      expect(dropReason(messageObject({ device_id }))).toBe('invalid_field:device_id'),
    );
    it('counts characters as code points (128 emoji are fine)', () =>
      expect(accept(messageObject({ device_id: '🌡'.repeat(128) })).device_id).toBe('🌡'.repeat(128)));
    it('rejects 129 code points', () =>
      expect(dropReason(messageObject({ device_id: '🌡'.repeat(129) }))).toBe('invalid_field:device_id'));
  });

  describe('event_timestamp', () => {
    it('is required', () =>
      expect(dropReason(messageObject({ event_timestamp: undefined }))).toBe('missing_field:event_timestamp'));
    it.each([
      ['2024-03-01T13:30:00.5+01:30', '2024-03-01T12:00:00.500000Z'],
      ['2024-03-01T00:00:00-05:00', '2024-03-01T05:00:00.000000Z'],
      ['2024-03-01t12:00:00z', '2024-03-01T12:00:00.000000Z'],
      ['2024-03-01T12:00:00.123456789Z', '2024-03-01T12:00:00.123456Z'],
      [1709294400123, '2024-03-01T12:00:00.123000Z'],
      [0, '1970-01-01T00:00:00.000000Z'],
      [-1, '1969-12-31T23:59:59.999000Z'],
    ])('normalises %j to UTC microseconds', (event_timestamp, expected) =>
      expect(accept(messageObject({ event_timestamp })).event_timestamp).toBe(expected),
    );
    it.each([
      '2024-03-01T12:00:00', // no offset
      '2024-03-01 12:00:00Z',
      '2024-02-30T12:00:00Z',
      '2023-02-29T12:00:00Z',
      '2024-03-01T24:00:00Z',
      '2024-03-01T12:00:60Z',
      '2024-03-01T12:00:00+24:00',
      '1709294400123',
      1709294400123.5,
      1e300,
      true,
    ])('rejects %j', (event_timestamp) =>
      expect(dropReason(messageObject({ event_timestamp }))).toBe('invalid_field:event_timestamp'),
    );
    it('accepts a leap day', () =>
      expect(accept(messageObject({ event_timestamp: '2024-02-29T00:00:00Z' })).event_timestamp).toBe(
        '2024-02-29T00:00:00.000000Z',
      ));
  });

  describe('payload', () => {
    it('is required', () => expect(dropReason(messageObject({ payload: undefined }))).toBe('missing_field:payload'));
    it.each([[[1, 2]], ['text'], [3], [true]])('must be an object, not %j', (payload) =>
      expect(dropReason(messageObject({ payload }))).toBe('invalid_field:payload'),
    );
    it('may be empty', () => expect(dropReason(messageObject({ payload: {} }))).toBe('accepted'));
    it.each([
      [
        'with a derived key',
        '{"topic":"telemetry","device_id":"d","event_timestamp":0,"payload":{"a":[1,{"b":1E400}]}}',
      ],
      [
        'with its own key',
        '{"topic":"telemetry","device_id":"d","event_timestamp":0,"idempotency_key":"k","payload":{"a":-1e999}}',
      ],
    ])('a number beyond double range is invalid_field:payload (%s)', (_, body) =>
      expect(dropReason(body)).toBe('invalid_field:payload'),
    );
    it('nested too deep to canonicalise is a DROP, not a crash', () => {
      const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
      const body = `{"topic":"telemetry","device_id":"d","event_timestamp":0,"payload":{"a":${deep}}}`;
      expect(dropReason(body)).toMatch(/^(invalid_field:payload|invalid_json)$/);
    });
  });

  describe('idempotency_key', () => {
    it('is kept when given', () =>
      expect(accept(messageObject({ idempotency_key: 'k-1' })).idempotency_key).toBe('k-1'));
    it.each(['', 'k'.repeat(257), 12])('rejects %j', (idempotency_key) =>
      expect(dropReason(messageObject({ idempotency_key }))).toBe('invalid_field:idempotency_key'),
    );
    it('accepts 256 characters', () =>
      expect(dropReason(messageObject({ idempotency_key: 'k'.repeat(256) }))).toBe('accepted'));
    it('is derived when absent or null', () => {
      const absent = accept(messageObject()).idempotency_key;
      const nulled = accept(messageObject({ idempotency_key: null })).idempotency_key;
      expect(absent).toMatch(/^[0-9a-f]{64}$/);
      expect(nulled).toBe(absent);
    });
  });

  describe('message_id', () => {
    it('is optional and kept in json_payload', () => {
      const record = accept(messageObject({ message_id: 'trace-9' }));
      expect(JSON.parse(record.json_payload).message_id).toBe('trace-9');
    });
    it('must be a string', () => expect(dropReason(messageObject({ message_id: 9 }))).toBe('invalid_field:message_id'));
  });

  describe('period_reference', () => {
    it('is kept when given', () =>
      expect(accept(messageObject({ period_reference: '2023-12' })).period_reference).toBe('2023-12'));
    it.each(['2024-3', '2024-13', '2024-00', '202403', 202403])('rejects %j', (period_reference) =>
      expect(dropReason(messageObject({ period_reference }))).toBe('invalid_field:period_reference'),
    );
    it('defaults to YYYY-MM of event_timestamp in UTC, not in the offset given', () =>
      expect(accept(messageObject({ event_timestamp: '2024-01-31T23:30:00-02:00' })).period_reference).toBe('2024-02'));
  });

  it('keeps other top-level fields in json_payload byte for byte', () => {
    const body = '{"topic":"telemetry", "device_id":"d","event_timestamp":0,"payload":{},"firmware":"1.2"}';
    expect(accept(body).json_payload).toBe(body);
  });

  it('takes publish_time from the queue, not from the body', () => {
    const result = transformMessage(
      inbound(messageObject({ publish_time: 'x' }), { publishTimeMs: 0 }),
      transformOptions,
    );
    expect(result.ok && result.encoded.record.publish_time).toBe('1970-01-01T00:00:00.000000Z');
  });

  it('reports the first bad field in contract order', () =>
    expect(dropReason(messageObject({ device_id: 5, payload: [] }))).toBe('invalid_field:device_id'));
});

describe('Function: transformMessage — contract §2 DROP reasons', () => {
  it.each(['{', '', 'null,', '{"topic":"telemetry",}', '\u0000'])('invalid_json for %j', (body) =>
    expect(dropReason(body)).toBe('invalid_json'),
  );
  it.each([
    '{"topic":"telemetry","device_id":"d","event_timestamp":0,"payload":{"a":1},"payload":{"a":2}}',
    '{"topic":"telemetry","device_id":"d","event_timestamp":0,"payload":{},"p\\u0061yload":{}}',
  ])('invalid_json for a duplicate top-level member: %s', (body) => expect(dropReason(body)).toBe('invalid_json'));
  it('allows the same name at other depths and inside strings', () =>
    expect(
      dropReason(
        '{"topic":"telemetry","device_id":"d \\"payload\\":","event_timestamp":0,"payload":{"payload":{"payload":1}}}',
      ),
    ).toBe('accepted'));
  it.each(['[]', '"text"', '42', 'null', 'true'])('not_an_object for %s', (body) =>
    expect(dropReason(body)).toBe('not_an_object'),
  );
  it('too_large when the body alone exceeds the limit (checked before parsing)', () =>
    expect(dropReason(messageObject({ payload: { blob: 'x'.repeat(2_000) } }), 1_000)).toBe('too_large'));
  it('too_large when the encoded record exceeds the limit though the body does not', () => {
    const body = messageObject({ payload: { blob: 'x'.repeat(500) } });
    const bodyBytes = JSON.stringify(body).length;
    expect(dropReason(body, bodyBytes + 10)).toBe('too_large');
    expect(dropReason(body, bodyBytes + 1_000)).toBe('accepted');
  });
  it('defaults the limit to Firehose’s 1,000 KiB', () => {
    expect(dropReason(messageObject({ payload: { blob: 'x'.repeat(1_000 * 1024) } }))).toBe('too_large');
    expect(dropReason(messageObject({ payload: { blob: 'x'.repeat(900 * 1024) } }))).toBe('accepted');
  });
});
