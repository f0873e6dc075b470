import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { AttributedMessage, MessageAttribute, ReceivedMessage } from '@lean-ops/core';

/**
 * Message attribute naming the SQS MessageId a message was first sent with. The DLQ
 * processor sets it on a redrive (the resend gets a new MessageId), so RAW rows and
 * quarantine entries keep matching what the producer sent.
 */
export const SOURCE_MESSAGE_ID_ATTRIBUTE = 'lean-ops-source-message-id';

/** The SQS `Message` as the core's `ReceivedMessage`; a redriven message keeps its first MessageId. */
export function toReceivedMessage(message: Message, queueUrl: string, now: number = Date.now()): ReceivedMessage {
  const sent = Number(message.Attributes?.SentTimestamp);
  const receiveCount = Number(message.Attributes?.ApproximateReceiveCount);
  const firstId = message.MessageAttributes?.[SOURCE_MESSAGE_ID_ATTRIBUTE]?.StringValue;
  return {
    body: message.Body ?? '',
    sourceMessageId: firstId || (message.MessageId ?? ''),
    publishTimeMs: Number.isFinite(sent) ? sent : now,
    queue: queueUrl,
    receiptHandle: message.ReceiptHandle ?? '',
    receiveCount: Number.isFinite(receiveCount) && receiveCount > 0 ? receiveCount : 1,
  };
}

/** The SQS `Message` with its MessageId and every attribute (value fields only: SQS refuses the list ones on a send). */
export function toAttributedMessage(message: Message, queueUrl: string, now: number = Date.now()): AttributedMessage {
  const attributes: Record<string, MessageAttribute> = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    attributes[name] = {
      dataType: value.DataType ?? '',
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { binaryValue: value.BinaryValue } : {}),
    };
  }
  return { ...toReceivedMessage(message, queueUrl, now), messageId: message.MessageId ?? '', attributes };
}

/** Attributes as SQS sends them. */
export function toSqsAttributes(
  attributes: Readonly<Record<string, MessageAttribute>>,
): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(attributes)) {
    out[name] = {
      DataType: value.dataType,
      ...(value.stringValue !== undefined ? { StringValue: value.stringValue } : {}),
      ...(value.binaryValue !== undefined ? { BinaryValue: value.binaryValue } : {}),
    };
  }
  return out;
}

/** Bytes SQS counts for a message: body plus each attribute's name, type and value. */
export function messageSize(body: string, attributes: Readonly<Record<string, MessageAttribute>>): number {
  let size = Buffer.byteLength(body, 'utf8');
  for (const [name, value] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(value.dataType);
    size +=
      value.stringValue !== undefined ? Buffer.byteLength(value.stringValue) : (value.binaryValue?.byteLength ?? 0);
  }
  return size;
}
