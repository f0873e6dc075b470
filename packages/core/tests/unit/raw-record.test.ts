import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeRawRecord,
  encodeRawRecord,
  formatMicros,
  MAX_MICROS,
  MIN_MICROS,
  RAW_COLUMNS,
  type RawRecord,
  RawRecordError,
} from '../../src/index.js';
import { encodeRawRecordWithMicros } from '../../src/raw-record.js';

const record = (overrides: Partial<RawRecord> = {}): RawRecord => ({
  topic: 'telemetry',
  idempotency_key: 'k-1',
  device_id: 'dev-1',
  event_timestamp: '2024-03-01T12:00:00.123456Z',
  publish_time: '2024-03-01T12:00:05.250000Z',
  period_reference: '2024-03',
  json_payload: '{"topic":"telemetry","payload":{"city":"Zürich","q":"\\"x\\""}}',
  ingested_at: '2024-03-01T12:00:06.000000Z',
  source_message_id: 'msg-1',
  ...overrides,
});

const instant = fc.bigInt({ min: MIN_MICROS, max: MAX_MICROS });

describe('Function: encodeRawRecord — the RAW wire form', () => {
  it('writes the RAW columns in table order, timestamps as JSON integers of epoch microseconds', () => {
    const { json, bytes } = encodeRawRecord(record());
    expect(json).toBe(
      '{"topic":"telemetry","idempotency_key":"k-1","device_id":"dev-1","event_timestamp":1709294400123456,' +
        '"publish_time":1709294405250000,"period_reference":"2024-03",' +
        `"json_payload":${JSON.stringify(record().json_payload)},"ingested_at":1709294406000000,"source_message_id":"msg-1"}`,
    );
    expect(Object.keys(JSON.parse(json))).toEqual([...RAW_COLUMNS]);
    expect(bytes).toBe(Buffer.byteLength(json, 'utf8'));
  });

  it('writes the digits of instants beyond 2^53 µs exactly (no double in between)', () => {
    const { json } = encodeRawRecord(
      record({ event_timestamp: '0001-01-01T00:00:00.000000Z', publish_time: '9999-12-31T23:59:59.999999Z' }),
    );
    expect(json).toContain('"event_timestamp":-62135596800000000,');
    expect(json).toContain('"publish_time":253402300799999999,');
    expect(MAX_MICROS).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
  });

  it('keeps the instant of a timestamp given with an offset', () => {
    const { json } = encodeRawRecord(record({ event_timestamp: '2024-03-01T13:00:00.123456+01:00' }));
    expect(decodeRawRecord(json).event_timestamp).toBe('2024-03-01T12:00:00.123456Z');
  });

  it('takes the microseconds the caller already holds', () => {
    const { json } = encodeRawRecordWithMicros(record(), {
      event_timestamp: 1_709_294_400_123_456n,
      publish_time: 1_709_294_405_250_000n,
      ingested_at: 1_709_294_406_000_000n,
    });
    expect(json).toBe(encodeRawRecord(record()).json);
  });

  it.each([
    ['event_timestamp', 'yesterday'],
    ['publish_time', '10000-01-01T00:00:00Z'],
    ['ingested_at', '2024-03-01 12:00:00'],
  ] as const)('refuses %s = %j, naming the field', (column, value) => {
    const act = () => encodeRawRecord(record({ [column]: value }));
    expect(act).toThrow(RawRecordError);
    expect(act).toThrow(new RegExp(`^RAW record ${column}: expected an RFC 3339 timestamp`));
  });
});

describe('Function: decodeRawRecord', () => {
  it('reads a wire record back to the record, timestamps as canonical text', () => {
    expect(decodeRawRecord(encodeRawRecord(record()).json)).toEqual(record());
  });

  it('accepts whitespace between tokens, as any JSON writer may put there', () => {
    const spaced = JSON.stringify(JSON.parse(encodeRawRecord(record()).json), null, 2);
    expect(decodeRawRecord(spaced)).toEqual(record());
  });

  it.each([
    [
      'a timestamp as text',
      encodeRawRecord(record()).json.replace('1709294400123456', '"2024-03-01T12:00:00Z"'),
      /event_timestamp: expected epoch microseconds/,
    ],
    [
      'a fractional timestamp',
      encodeRawRecord(record()).json.replace('1709294400123456', '1709294400123.5'),
      /event_timestamp: expected a string or an integer/,
    ],
    [
      'a timestamp past 9999',
      encodeRawRecord(record()).json.replace('1709294405250000', '253402300800000000'),
      /publish_time: 253402300800000000 µs is outside 0001-9999/,
    ],
    [
      'a missing column',
      encodeRawRecord(record()).json.replace(',"source_message_id":"msg-1"', ''),
      /source_message_id is missing/,
    ],
    ['an unknown member', encodeRawRecord(record()).json.replace('{', '{"extra":"x",'), /unknown member "extra"/],
    ['a duplicate member', encodeRawRecord(record()).json.replace('{', '{"topic":"t",'), /duplicate member "topic"/],
    [
      'a number where text belongs',
      encodeRawRecord(record()).json.replace('"dev-1"', '7'),
      /device_id: expected a string/,
    ],
    ['trailing text', `${encodeRawRecord(record()).json}x`, /trailing characters/],
    ['not an object', '[]', /expected a JSON object/],
  ])('refuses %s, naming what is wrong', (_, json, message) => {
    expect(() => decodeRawRecord(json)).toThrow(RawRecordError);
    expect(() => decodeRawRecord(json)).toThrow(message);
  });

  it('property: decode(encode(x)) = x across the contract timestamp range', () => {
    fc.assert(
      fc.property(
        instant,
        instant,
        instant,
        fc.string(),
        fc.string({ unit: 'grapheme' }),
        (event, publish, ingested, deviceId, payload) => {
          const x = record({
            device_id: deviceId,
            json_payload: payload,
            event_timestamp: formatMicros(event),
            publish_time: formatMicros(publish),
            ingested_at: formatMicros(ingested),
          });
          const { json } = encodeRawRecord(x);
          expect(decodeRawRecord(json)).toEqual(x);
          // The wire digits are the instant's microseconds, exactly.
          expect(json).toContain(`"event_timestamp":${event},`);
          expect(json).toContain(`"ingested_at":${ingested},`);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: the range ends and the epoch round-trip', () => {
    for (const micros of [MIN_MICROS, MIN_MICROS + 1n, -1n, 0n, 1n, MAX_MICROS - 1n, MAX_MICROS]) {
      const x = record({ event_timestamp: formatMicros(micros) });
      expect(decodeRawRecord(encodeRawRecord(x).json)).toEqual(x);
    }
  });
});
