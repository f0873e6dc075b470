import { LeanOpsError } from './errors.js';
import { formatMicros, MAX_MICROS, MIN_MICROS, parseRfc3339Micros } from './timestamp.js';

/**
 * One row of a topic's RAW table (contract §3). In memory, timestamps are text in the
 * canonical form `YYYY-MM-DDTHH:MM:SS.ffffffZ`; on the wire (`EncodedRecord.json`) they
 * are epoch microseconds, the form Firehose requires for Iceberg timestamp columns.
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

export type RawColumn = (typeof RAW_COLUMNS)[number];

/** The RAW columns of Iceberg type `timestamptz`: epoch microseconds on the wire. */
export const RAW_TIMESTAMP_COLUMNS = [
  'event_timestamp',
  'publish_time',
  'ingested_at',
] as const satisfies readonly RawColumn[];

export type RawTimestampColumn = (typeof RAW_TIMESTAMP_COLUMNS)[number];

/** The timestamps of a RAW record as UTC microseconds since the epoch. */
export type RawTimestampMicros = Readonly<Record<RawTimestampColumn, bigint>>;

const isTimestampColumn = (column: string): column is RawTimestampColumn =>
  (RAW_TIMESTAMP_COLUMNS as readonly string[]).includes(column);

/** A RAW record cannot be encoded, or a wire record cannot be decoded. The message names the field. */
export class RawRecordError extends LeanOpsError {
  override name = 'RawRecordError';
  constructor(message: string) {
    super('raw_record_invalid', message);
  }
}

/** A RAW record with its wire form, serialised once and sized for batching. */
export interface EncodedRecord {
  readonly record: RawRecord;
  /**
   * The wire form (Firehose, Kinesis, landing files): a JSON object of the RAW columns in
   * table order, no trailing newline, timestamps as JSON integers of epoch microseconds.
   */
  readonly json: string;
  /** UTF-8 byte length of `json`. */
  readonly bytes: number;
}

function timestampMicros(record: RawRecord, column: RawTimestampColumn): bigint {
  const text = record[column];
  const micros = typeof text === 'string' ? parseRfc3339Micros(text) : undefined;
  if (micros === undefined) {
    throw new RawRecordError(
      `RAW record ${column}: expected an RFC 3339 timestamp within 0001-9999 (got ${JSON.stringify(text)})`,
    );
  }
  return micros;
}

/**
 * The one encoder of the RAW wire form. Timestamps are written as epoch microseconds,
 * straight from the `bigint` digits (years before 1685 or after 2255 exceed
 * `Number.MAX_SAFE_INTEGER`, so they never pass through a double).
 */
export function encodeRawRecord(record: RawRecord): EncodedRecord {
  return encodeRawRecordWithMicros(record, undefined);
}

/**
 * `encodeRawRecord` for a caller that already holds the timestamps as microseconds (the
 * transform does), sparing a parse of the text; they must denote the same instants.
 */
export function encodeRawRecordWithMicros(record: RawRecord, micros: RawTimestampMicros | undefined): EncodedRecord {
  let json = '{';
  for (const column of RAW_COLUMNS) {
    if (json.length > 1) json += ',';
    json += `"${column}":`;
    if (isTimestampColumn(column)) {
      json += String(micros?.[column] ?? timestampMicros(record, column));
    } else {
      const value = record[column];
      if (typeof value !== 'string') throw new RawRecordError(`RAW record ${column}: expected a string`);
      json += JSON.stringify(value);
    }
  }
  json += '}';
  return { record, json, bytes: Buffer.byteLength(json, 'utf8') };
}

const INTEGER = /^-?(0|[1-9][0-9]*)$/;
const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/**
 * The members of a flat JSON object whose values are strings or integers, with each
 * integer kept as its source text (JSON.parse would round one beyond 2^53).
 */
function flatMembers(json: string): Map<string, string | { readonly integer: string }> {
  const members = new Map<string, string | { readonly integer: string }>();
  let i = 0;
  const skip = () => {
    while (i < json.length && isSpace(json.charCodeAt(i))) i++;
  };
  const fail = (what: string): never => {
    throw new RawRecordError(`RAW wire record: ${what} at offset ${i}`);
  };
  const string = (): string => {
    const start = i;
    i++;
    while (i < json.length && json[i] !== '"') i += json[i] === '\\' ? 2 : 1;
    if (i >= json.length) fail('unterminated string');
    i++;
    try {
      return JSON.parse(json.slice(start, i)) as string;
    } catch {
      return fail('invalid string');
    }
  };
  skip();
  if (json[i] !== '{') fail('expected a JSON object');
  i++;
  skip();
  if (json[i] === '}') i++;
  else {
    for (;;) {
      skip();
      if (json[i] !== '"') fail('expected a member name');
      const name = string();
      skip();
      if (json[i] !== ':') fail(`expected ":" after "${name}"`);
      i++;
      skip();
      let value: string | { readonly integer: string };
      if (json[i] === '"') value = string();
      else {
        const start = i;
        while (i < json.length && /[-+0-9.eE]/.test(json[i] as string)) i++;
        const text = json.slice(start, i);
        if (!INTEGER.test(text)) fail(`${name}: expected a string or an integer`);
        value = { integer: text };
      }
      if (members.has(name)) fail(`duplicate member "${name}"`);
      members.set(name, value);
      skip();
      if (json[i] === ',') {
        i++;
        continue;
      }
      if (json[i] === '}') {
        i++;
        break;
      }
      fail('expected "," or "}"');
    }
  }
  skip();
  if (i !== json.length) fail('trailing characters');
  return members;
}

/**
 * The one decoder of the RAW wire form (`encodeRawRecord`'s inverse): every RAW column
 * once and nothing else, timestamps as epoch microseconds within 0001–9999, read exactly
 * from their digits. Returns the record with canonical timestamp text.
 */
export function decodeRawRecord(json: string): RawRecord {
  const members = flatMembers(json);
  const out: Record<string, string> = {};
  for (const column of RAW_COLUMNS) {
    const value = members.get(column);
    if (value === undefined) throw new RawRecordError(`RAW wire record: ${column} is missing`);
    if (isTimestampColumn(column)) {
      if (typeof value === 'string')
        throw new RawRecordError(`RAW wire record ${column}: expected epoch microseconds (got a string)`);
      const micros = BigInt(value.integer);
      if (micros < MIN_MICROS || micros > MAX_MICROS)
        throw new RawRecordError(`RAW wire record ${column}: ${value.integer} µs is outside 0001-9999`);
      out[column] = formatMicros(micros);
    } else {
      if (typeof value !== 'string') throw new RawRecordError(`RAW wire record ${column}: expected a string`);
      out[column] = value;
    }
  }
  for (const name of members.keys())
    if (!(RAW_COLUMNS as readonly string[]).includes(name))
      throw new RawRecordError(`RAW wire record: unknown member "${name}"`);
  return out as unknown as RawRecord;
}
