/** Fields of the message in the order the contract lists them; validation reports the first bad one. */
export const MESSAGE_FIELDS = [
  'topic',
  'device_id',
  'event_timestamp',
  'payload',
  'idempotency_key',
  'message_id',
  'period_reference',
] as const;
export type MessageField = (typeof MESSAGE_FIELDS)[number];

/** The required fields; a missing or JSON-null one is `missing_field:<name>`. */
export const REQUIRED_FIELDS: readonly MessageField[] = ['topic', 'device_id', 'event_timestamp', 'payload'];

/** DROP reason codes of contract §2. */
export type DropReason =
  | 'invalid_json'
  | 'not_an_object'
  | `missing_field:${MessageField}`
  | `invalid_field:${MessageField}`
  | 'unknown_topic'
  | 'too_large';

/** Reason codes without their field suffix, for low-cardinality metric labels. */
export type DropReasonKind =
  | 'invalid_json'
  | 'not_an_object'
  | 'missing_field'
  | 'invalid_field'
  | 'unknown_topic'
  | 'too_large';

export function dropReasonKind(reason: DropReason): DropReasonKind {
  const colon = reason.indexOf(':');
  return (colon === -1 ? reason : reason.slice(0, colon)) as DropReasonKind;
}
