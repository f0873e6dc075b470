import { type EncodedRecord, encodeRawRecord, type QuarantineEntry, type RawRecord } from '@lean-ops/core';

/** A RAW record; `i` makes the idempotency key and message id unique. */
export function rawRecord(i: number, overrides: Partial<RawRecord> = {}): RawRecord {
  const body = JSON.stringify({
    topic: overrides.topic ?? 'telemetry',
    device_id: overrides.device_id ?? `dev-${i % 7}`,
    event_timestamp: '2024-03-01T12:00:00.123456Z',
    payload: { seq: i, note: 'héllo ✓' },
  });
  return {
    topic: 'telemetry',
    idempotency_key: `key-${String(i).padStart(6, '0')}`,
    device_id: `dev-${i % 7}`,
    event_timestamp: '2024-03-01T12:00:00.123456Z',
    publish_time: '2024-03-01T12:00:05.250000Z',
    period_reference: '2024-03',
    json_payload: body,
    ingested_at: '2024-03-01T12:00:06.000000Z',
    source_message_id: `msg-${i}`,
    ...overrides,
  };
}

export function encoded(i: number, overrides: Partial<RawRecord> = {}): EncodedRecord {
  return encodeRawRecord(rawRecord(i, overrides));
}

/** `count` encoded records numbered from `from`. */
export function encodedBatch(count: number, overrides: Partial<RawRecord> = {}, from = 0): EncodedRecord[] {
  return Array.from({ length: count }, (_, k) => encoded(from + k, overrides));
}

/** An encoded record whose JSON is exactly `bytes` long (padding in `json_payload`). */
export function encodedOfSize(i: number, bytes: number, overrides: Partial<RawRecord> = {}): EncodedRecord {
  const base = encoded(i, { ...overrides, json_payload: '' });
  const padding = bytes - base.bytes;
  if (padding < 0) throw new Error(`encodedOfSize: ${bytes} bytes is smaller than an empty record (${base.bytes})`);
  const sized = encoded(i, { ...overrides, json_payload: 'x'.repeat(padding) });
  if (sized.bytes !== bytes) throw new Error(`encodedOfSize: got ${sized.bytes} bytes, wanted ${bytes}`);
  return sized;
}

export function quarantineEntry(i: number, overrides: Partial<QuarantineEntry> = {}): QuarantineEntry {
  return {
    body: `{"topic":"telemetry","broken":${i}`,
    reason: 'invalid_json',
    topic: 'telemetry',
    queue: 'https://sqs.us-east-1.amazonaws.com/123456789012/telemetry',
    receive_count: 1,
    source_message_id: `msg-${i}`,
    quarantined_at: '2024-03-01T12:00:06.000000Z',
    ...overrides,
  };
}
