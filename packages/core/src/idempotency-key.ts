import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import { formatMicros } from './timestamp.js';

/** The inputs of a derived idempotency key (contract §1). */
export interface IdempotencyKeyInput {
  readonly topic: string;
  readonly deviceId: string;
  /** Normalised `event_timestamp`, UTC microseconds. */
  readonly eventTimestampMicros: bigint;
  readonly payload: Readonly<Record<string, unknown>>;
}

/**
 * Lowercase hex SHA-256 of `topic \n device_id \n T \n C`, T the timestamp as
 * `YYYY-MM-DDTHH:MM:SS.ffffffZ`, C the payload in RFC 8785 canonical JSON. A producer
 * computing the same four values gets the same key, so redeliveries collapse.
 */
export function deriveIdempotencyKey(input: IdempotencyKeyInput): string {
  const text = `${input.topic}\n${input.deviceId}\n${formatMicros(input.eventTimestampMicros)}\n${canonicalJson(input.payload)}`;
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
