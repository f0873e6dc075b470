import type { DropReason } from './drop-reason.js';
import { hasDuplicateTopLevelMember } from './duplicate-members.js';
import { deriveIdempotencyKey } from './idempotency-key.js';
import { validateMessage } from './message.js';
import { FIREHOSE_LIMITS } from './ports/record-sink.js';
import { type EncodedRecord, encodeRawRecordWithMicros } from './raw-record.js';
import { formatMicros, millisToMicros, periodOfMicros } from './timestamp.js';

/** Firehose's record limit (1,000 KiB), the default cap on one encoded RAW record. */
export const DEFAULT_MAX_RECORD_BYTES = FIREHOSE_LIMITS.maxRecordBytes;

/** A message as received from a queue, before validation. */
export interface InboundMessage {
  /** The body exactly as received. */
  readonly body: string;
  /** The queue's message id (SQS `MessageId`). */
  readonly sourceMessageId: string;
  /** When the message entered the queue, epoch ms (SQS `SentTimestamp`). */
  readonly publishTimeMs: number;
}

export interface TransformOptions {
  /** Whether a topic is configured in this deployment. */
  readonly isKnownTopic: (topic: string) => boolean;
  /** Largest encoded RAW record accepted; larger ones are DROP `too_large`. */
  readonly maxRecordBytes?: number;
  /** Clock for `ingested_at`, epoch ms. */
  readonly now?: () => number;
}

export type TransformResult =
  | { readonly ok: true; readonly encoded: EncodedRecord }
  | { readonly ok: false; readonly reason: DropReason };

/**
 * One message to one RAW record, as a pure function: validate and normalise the body
 * (contract §1), derive the idempotency key, build and encode the RAW record, or name the
 * DROP reason (contract §2). Never throws for any input string.
 */
export function transformMessage(msg: InboundMessage, options: TransformOptions): TransformResult {
  const maxBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  // UTF-16 length bounds the UTF-8 size from below: reject before parsing a huge body.
  if (msg.body.length > maxBytes) return { ok: false, reason: 'too_large' };

  let parsed: unknown;
  try {
    parsed = JSON.parse(msg.body);
  } catch {
    return { ok: false, reason: 'invalid_json' };
  }
  if (hasDuplicateTopLevelMember(msg.body)) return { ok: false, reason: 'invalid_json' };
  const validation = validateMessage(parsed);
  if (!validation.ok) return validation;
  const { message, eventTimestampMicros } = validation.value;
  if (!options.isKnownTopic(message.topic)) return { ok: false, reason: 'unknown_topic' };

  let idempotencyKey = message.idempotency_key ?? undefined;
  // A number beyond double range (1E400) parses to ±Infinity: no engine can keep it as
  // "decimal text that parses to the same number" (contract §4). The derived key's
  // canonical JSON refuses it already; a producer-given key must not let it through.
  if (idempotencyKey !== undefined && hasNonFiniteNumber(message.payload)) {
    return { ok: false, reason: 'invalid_field:payload' };
  }
  if (idempotencyKey === undefined) {
    try {
      idempotencyKey = deriveIdempotencyKey({
        topic: message.topic,
        deviceId: message.device_id,
        eventTimestampMicros,
        payload: message.payload,
      });
    } catch {
      // Only a payload nested too deep for the call stack gets here.
      return { ok: false, reason: 'invalid_field:payload' };
    }
  }

  const publishTimeMicros = millisToMicros(msg.publishTimeMs);
  const ingestedAtMicros = millisToMicros((options.now ?? Date.now)());
  const encoded = encodeRawRecordWithMicros(
    {
      topic: message.topic,
      idempotency_key: idempotencyKey,
      device_id: message.device_id,
      event_timestamp: formatMicros(eventTimestampMicros),
      publish_time: formatMicros(publishTimeMicros),
      period_reference: message.period_reference ?? periodOfMicros(eventTimestampMicros),
      json_payload: msg.body,
      ingested_at: formatMicros(ingestedAtMicros),
      source_message_id: msg.sourceMessageId,
    },
    { event_timestamp: eventTimestampMicros, publish_time: publishTimeMicros, ingested_at: ingestedAtMicros },
  );
  if (encoded.bytes > maxBytes) return { ok: false, reason: 'too_large' };
  return { ok: true, encoded };
}

/** True when a parsed JSON value holds ±Infinity anywhere (a number literal out of double range). */
function hasNonFiniteNumber(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return true;
    } else if (typeof v === 'object' && v !== null) {
      for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push(child);
    }
  }
  return false;
}
