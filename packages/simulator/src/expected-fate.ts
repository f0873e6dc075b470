import { type DropReason, transformMessage } from '@lean-ops/core';

/** What the ingest worker will do with a message: land it in RAW, or DROP it with a reason. */
export interface ExpectedFate {
  readonly expected: 'raw' | 'drop';
  readonly reason: DropReason | null;
  /** The key RAW will carry (the body's, or derived per contract §1); null for a DROP. */
  readonly idempotencyKey: string | null;
}

export interface FateContext {
  readonly isKnownTopic: (topic: string) => boolean;
  /** The ingest sink's per-record limit. */
  readonly maxRecordBytes: number;
  /** SQS `MessageId`: it is part of the RAW record, so of its size. */
  readonly messageId: string;
  readonly publishTimeMs: number;
}

/**
 * Classifies `body` with core's `transformMessage`, the function the ingest worker runs,
 * so the simulator's expectation and the worker's decision cannot drift apart.
 */
export function expectedFate(body: string, context: FateContext): ExpectedFate {
  const result = transformMessage(
    { body, sourceMessageId: context.messageId, publishTimeMs: context.publishTimeMs },
    { isKnownTopic: context.isKnownTopic, maxRecordBytes: context.maxRecordBytes, now: () => context.publishTimeMs },
  );
  return result.ok
    ? { expected: 'raw', reason: null, idempotencyKey: result.encoded.record.idempotency_key }
    : { expected: 'drop', reason: result.reason, idempotencyKey: null };
}
