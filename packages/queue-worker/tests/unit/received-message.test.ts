import type { Message } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import {
  messageSize,
  SOURCE_MESSAGE_ID_ATTRIBUTE,
  toAttributedMessage,
  toReceivedMessage,
  toSqsAttributes,
} from '../../src/index.js';

function sqsMessage(attributes: Message['MessageAttributes'] = {}): Message {
  return {
    MessageId: 'queue-id',
    ReceiptHandle: 'rh',
    Body: '{}',
    Attributes: { SentTimestamp: '1700000000000', ApproximateReceiveCount: '4' },
    MessageAttributes: attributes,
  };
}

describe('Function: toReceivedMessage', () => {
  it('uses lean-ops-source-message-id when present, else the MessageId', () => {
    const redriven = sqsMessage({ [SOURCE_MESSAGE_ID_ATTRIBUTE]: { DataType: 'String', StringValue: 'first-id' } });
    expect(toReceivedMessage(redriven, 'q').sourceMessageId).toBe('first-id');
    expect(toReceivedMessage(sqsMessage(), 'q').sourceMessageId).toBe('queue-id');
    const empty = sqsMessage({ [SOURCE_MESSAGE_ID_ATTRIBUTE]: { DataType: 'String', StringValue: '' } });
    expect(toReceivedMessage(empty, 'q').sourceMessageId).toBe('queue-id');
  });

  it('reads the sent time and receive count; falls back to now and 1', () => {
    expect(toReceivedMessage(sqsMessage(), 'q', 5)).toMatchObject({
      publishTimeMs: 1_700_000_000_000,
      receiveCount: 4,
      queue: 'q',
      receiptHandle: 'rh',
    });
    expect(toReceivedMessage({ MessageId: 'x' }, 'q', 5)).toMatchObject({
      publishTimeMs: 5,
      receiveCount: 1,
      body: '',
    });
  });
});

describe('Function: toAttributedMessage', () => {
  it('keeps the MessageId and the value fields of every attribute (SQS refuses the list ones on a send)', () => {
    const m = toAttributedMessage(
      sqsMessage({
        trace: { DataType: 'String', StringValue: 'abc', StringListValues: [] },
        blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2]) },
      }),
      'dlq',
    );
    expect(m.messageId).toBe('queue-id');
    expect(m.attributes).toEqual({
      trace: { dataType: 'String', stringValue: 'abc' },
      blob: { dataType: 'Binary', binaryValue: new Uint8Array([1, 2]) },
    });
    expect(toSqsAttributes(m.attributes)).toEqual({
      trace: { DataType: 'String', StringValue: 'abc' },
      blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2]) },
    });
  });
});

describe('Function: messageSize', () => {
  it('counts the body and each attribute’s name, type and value in bytes', () => {
    expect(messageSize('é', {})).toBe(2);
    expect(
      messageSize('ab', {
        n: { dataType: 'Number', stringValue: '12' },
        b: { dataType: 'Binary', binaryValue: new Uint8Array(3) },
      }),
    ).toBe(2 + (1 + 6 + 2) + (1 + 6 + 3));
  });
});
