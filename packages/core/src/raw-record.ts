/**
 * One row of a topic's RAW table (contract §3). Timestamps are text in the canonical
 * form `YYYY-MM-DDTHH:MM:SS.ffffffZ`, which both lake engines and Firehose parse
 * without loss.
 */
export interface RawRecord {
  readonly topic: string;
  readonly idempotency_key: string;
  readonly device_id: string;
  readonly event_timestamp: string;
  /** When the message entered the queue (SQS `SentTimestamp`). */
  readonly publish_time: string;
  readonly period_reference: string;
  /** The whole original message body, byte for byte. */
  readonly json_payload: string;
  readonly ingested_at: string;
  readonly source_message_id: string;
}

/** RAW columns in table order. */
export const RAW_COLUMNS = [
  'topic',
  'idempotency_key',
  'device_id',
  'event_timestamp',
  'publish_time',
  'period_reference',
  'json_payload',
  'ingested_at',
  'source_message_id',
] as const satisfies readonly (keyof RawRecord)[];

/** A RAW record with its wire form, serialised once and sized for batching. */
export interface EncodedRecord {
  readonly record: RawRecord;
  /** JSON object text, no trailing newline. */
  readonly json: string;
  /** UTF-8 byte length of `json`. */
  readonly bytes: number;
}

export function encodeRawRecord(record: RawRecord): EncodedRecord {
  const json = JSON.stringify(record);
  return { record, json, bytes: Buffer.byteLength(json, 'utf8') };
}
