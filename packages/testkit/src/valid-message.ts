import { type EncodedRecord, transformMessage } from '@lean-ops/core';

/**
 * Message `i` of `topic` as the ingest worker encodes it: a valid message put through the
 * contract's transform, so tests that feed the lake directly get exactly what ingest writes.
 */
export function encodedMessage(topic: string, i: number, publishTimeMs = Date.now()): EncodedRecord {
  const result = transformMessage(
    {
      body: JSON.stringify({ topic, device_id: 'dev-1', event_timestamp: 1_700_000_000_000 + i, payload: { i } }),
      sourceMessageId: `m${i}`,
      publishTimeMs,
    },
    { isKnownTopic: () => true },
  );
  if (!result.ok) throw new Error(`fixture is not a valid message: ${result.reason}`);
  return result.encoded;
}
