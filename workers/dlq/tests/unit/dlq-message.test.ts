import type { Message } from '@aws-sdk/client-sqs';
import { SOURCE_MESSAGE_ID_ATTRIBUTE, toReceivedMessage } from '@lean-ops/worker-ingest';
import { describe, expect, it } from 'vitest';
import { ATTEMPT_ATTRIBUTE, redriveAttributes, toDlqMessage } from '../../src/index.js';

const DLQ = 'http://sqs.local/000000000000/telemetry-dlq';

function sqsMessage(attributes: Message['MessageAttributes'] = {}): Message {
  return {
    MessageId: 'dlq-id',
    ReceiptHandle: 'rh',
    Body: '{}',
    Attributes: { SentTimestamp: '1700000000000', ApproximateReceiveCount: '4' },
    MessageAttributes: attributes,
  };
}

describe('Function: toDlqMessage', () => {
  it('a message that never was redriven: attempt 0, its own id', () => {
    expect(toDlqMessage(sqsMessage(), 'telemetry', DLQ)).toMatchObject({
      topic: 'telemetry',
      dlqMessageId: 'dlq-id',
      sourceMessageId: 'dlq-id',
      attempt: 0,
      receiveCount: 4,
      publishTimeMs: 1_700_000_000_000,
      queue: DLQ,
    });
  });

  it('a redriven one: its attempt counter and first id', () => {
    const m = toDlqMessage(
      sqsMessage({
        [ATTEMPT_ATTRIBUTE]: { DataType: 'Number', StringValue: '2' },
        [SOURCE_MESSAGE_ID_ATTRIBUTE]: { DataType: 'String', StringValue: 'first-id' },
      }),
      'telemetry',
      DLQ,
    );
    expect(m).toMatchObject({ attempt: 2, sourceMessageId: 'first-id', dlqMessageId: 'dlq-id' });
  });

  it.each(['x', '-1', '1.5', ''])('an unreadable attempt counter (%j) counts as 0', (value) => {
    const m = toDlqMessage(sqsMessage({ [ATTEMPT_ATTRIBUTE]: { DataType: 'Number', StringValue: value } }), 't', DLQ);
    expect(m.attempt).toBe(0);
  });
});

describe('Function: redriveAttributes', () => {
  it("carries the producer's attributes on, with the next attempt and the first id", () => {
    const m = toDlqMessage(
      sqsMessage({
        trace: { DataType: 'String', StringValue: 'abc', StringListValues: [] },
        blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2]) },
        [ATTEMPT_ATTRIBUTE]: { DataType: 'Number', StringValue: '1' },
      }),
      'telemetry',
      DLQ,
    );
    expect(redriveAttributes(m, 2)).toEqual({
      trace: { DataType: 'String', StringValue: 'abc' },
      blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2]) },
      [ATTEMPT_ATTRIBUTE]: { DataType: 'Number', StringValue: '2' },
      [SOURCE_MESSAGE_ID_ATTRIBUTE]: { DataType: 'String', StringValue: 'dlq-id' },
    });
  });
});

describe('Function: toReceivedMessage (ingest) honours the first id of a redriven message', () => {
  it('uses lean-ops-source-message-id when present, else the MessageId', () => {
    const redriven = sqsMessage({ [SOURCE_MESSAGE_ID_ATTRIBUTE]: { DataType: 'String', StringValue: 'first-id' } });
    expect(toReceivedMessage(redriven, 'q').sourceMessageId).toBe('first-id');
    expect(toReceivedMessage(sqsMessage(), 'q').sourceMessageId).toBe('dlq-id');
    const empty = sqsMessage({ [SOURCE_MESSAGE_ID_ATTRIBUTE]: { DataType: 'String', StringValue: '' } });
    expect(toReceivedMessage(empty, 'q').sourceMessageId).toBe('dlq-id');
  });
});
