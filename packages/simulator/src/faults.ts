/**
 * Faults a message can carry. The first nine are drawn per message at the profile's
 * rates; `schema_drift` marks otherwise clean messages that carry the key added mid-run;
 * `replay` marks bodies replayed from an input file (their faults are unknown).
 */
export const MESSAGE_FAULTS = [
  'malformed_json',
  'not_an_object',
  'missing_field',
  'wrong_type',
  'oversize',
  'unknown_topic',
  'duplicate',
  'out_of_order',
  'late',
] as const;

export type MessageFault = (typeof MESSAGE_FAULTS)[number];

/** The `fault` of a ledger line. */
export type LedgerFault = 'none' | MessageFault | 'schema_drift' | 'replay';

/** Probability of each per-message fault, 0–1; they add up to at most 1. */
export type FaultRates = Readonly<Record<MessageFault, number>>;

export const NO_FAULTS: FaultRates = Object.fromEntries(MESSAGE_FAULTS.map((f) => [f, 0])) as Record<
  MessageFault,
  number
>;

/** Bytes an `oversize` body exceeds the ingest's record limit by: clearly over, whatever the sink. */
export const OVERSIZE_MARGIN_BYTES = 1024;
