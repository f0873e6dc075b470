import type { AttributedMessage, MessageAttribute } from '@lean-ops/core';
import { SOURCE_MESSAGE_ID_ATTRIBUTE } from '@lean-ops/queue-worker';
import { describe, expect, it } from 'vitest';
import { ATTEMPT_ATTRIBUTE, redriveAttributes, toDlqMessage } from '../../src/index.js';

const DLQ_URL = 'http://sqs.local/000000000000/telemetry-dlq';

function received(attributes: Record<string, MessageAttribute> = {}, sourceMessageId = 'dlq-id'): AttributedMessage {
  return {
    body: '{}',
    sourceMessageId,
    publishTimeMs: 1_700_000_000_000,
    queue: DLQ_URL,
    receiptHandle: 'rh',
    receiveCount: 4,
    messageId: 'dlq-id',
    attributes,
  };
}

describe('Function: toDlqMessage', () => {
  it('a message that never was redriven: attempt 0, its own id', () => {
    expect(toDlqMessage(received(), 'telemetry')).toMatchObject({
      topic: 'telemetry',
      dlqMessageId: 'dlq-id',
      sourceMessageId: 'dlq-id',
      attempt: 0,
      receiveCount: 4,
      publishTimeMs: 1_700_000_000_000,
      queue: DLQ_URL,
    });
  });

  it('a redriven one: its attempt counter and first id', () => {
    const m = toDlqMessage(
      received({ [ATTEMPT_ATTRIBUTE]: { dataType: 'Number', stringValue: '2' } }, 'first-id'),
      'telemetry',
    );
    expect(m).toMatchObject({ attempt: 2, sourceMessageId: 'first-id', dlqMessageId: 'dlq-id' });
  });

  it.each(['x', '-1', '1.5', ''])('an unreadable attempt counter (%j) counts as 0', (value) => {
    const m = toDlqMessage(received({ [ATTEMPT_ATTRIBUTE]: { dataType: 'Number', stringValue: value } }), 't');
    expect(m.attempt).toBe(0);
  });
});

describe('Function: redriveAttributes', () => {
  it("carries the producer's attributes on, with the next attempt and the first id", () => {
    const m = toDlqMessage(
      received({
        trace: { dataType: 'String', stringValue: 'abc' },
        blob: { dataType: 'Binary', binaryValue: new Uint8Array([1, 2]) },
        [ATTEMPT_ATTRIBUTE]: { dataType: 'Number', stringValue: '1' },
      }),
      'telemetry',
    );
    expect(redriveAttributes(m, 2)).toEqual({
      trace: { dataType: 'String', stringValue: 'abc' },
      blob: { dataType: 'Binary', binaryValue: new Uint8Array([1, 2]) },
      [ATTEMPT_ATTRIBUTE]: { dataType: 'Number', stringValue: '2' },
      [SOURCE_MESSAGE_ID_ATTRIBUTE]: { dataType: 'String', stringValue: 'dlq-id' },
    });
  });
});
