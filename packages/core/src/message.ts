import { z } from 'zod';
import { type DropReason, MESSAGE_FIELDS, type MessageField } from './drop-reason.js';
import { normaliseEventTimestamp } from './timestamp.js';

/** `topic` names (contract §1); also the RAW/curated/semantic table name prefix. */
export const TOPIC_NAME_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
/** `period_reference`: `YYYY-MM` with a month 01–12. */
export const PERIOD_REFERENCE_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Length in Unicode code points, the "characters" of the contract (Spark's `length`). */
const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};
const boundedString = (min: number, max: number) =>
  z.string().refine((s) => {
    // Cheap UTF-16 bounds first: code points ≤ UTF-16 units ≤ 2 × code points.
    if (s.length < min || s.length > 2 * max) return false;
    const n = codePoints(s);
    return n >= min && n <= max;
  });

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The SQS message body (contract §1). Unknown top-level fields are allowed and kept in
 * RAW. Optional fields treat JSON `null` as absent, a common producer habit.
 */
export const messageSchema = z.looseObject({
  topic: z.string().regex(TOPIC_NAME_PATTERN),
  device_id: boundedString(1, 128),
  event_timestamp: z.union([z.string(), z.number()]).refine((v) => normaliseEventTimestamp(v) !== undefined),
  payload: z.custom<Record<string, unknown>>(isPlainObject),
  idempotency_key: boundedString(1, 256).nullish(),
  message_id: z.string().nullish(),
  period_reference: z.string().regex(PERIOD_REFERENCE_PATTERN).nullish(),
});

export type Message = z.infer<typeof messageSchema>;

/** A parsed, valid message with its normalised timestamp. */
export interface ValidMessage {
  readonly message: Message;
  readonly eventTimestampMicros: bigint;
}

export type MessageValidation = { ok: true; value: ValidMessage } | { ok: false; reason: DropReason };

/**
 * Validates a parsed JSON value against the message schema. On failure the reason names
 * the first bad field in the contract's field order: `missing_field:<f>` when it is
 * absent or JSON null, `invalid_field:<f>` otherwise.
 */
export function validateMessage(value: unknown): MessageValidation {
  if (!isPlainObject(value)) return { ok: false, reason: 'not_an_object' };
  const parsed = messageSchema.safeParse(value);
  if (!parsed.success) {
    const bad = new Set(parsed.error.issues.map((issue) => issue.path[0]));
    const field: MessageField = MESSAGE_FIELDS.find((f) => bad.has(f)) ?? 'payload';
    const present = value[field] !== undefined && value[field] !== null;
    return { ok: false, reason: present ? `invalid_field:${field}` : `missing_field:${field}` };
  }
  // The value was validated above; keep the caller's object (zod returns a copy).
  const message = value as Message;
  const eventTimestampMicros = normaliseEventTimestamp(message.event_timestamp) as bigint;
  return { ok: true, value: { message, eventTimestampMicros } };
}
