import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { ReceivedMessage } from '@lean-ops/core';
import { SOURCE_MESSAGE_ID_ATTRIBUTE, toReceivedMessage } from '@lean-ops/worker-ingest';

/** Message attribute counting the redrives a message has had (absent: none yet). */
export const ATTEMPT_ATTRIBUTE = 'lean-ops-dlq-attempt';

/** Received from a DLQ: everything needed to redrive, quarantine or delete it. */
export interface DlqMessage extends ReceivedMessage {
  /** Topic of the DLQ it was found in; a redrive goes to this topic's source queue. */
  readonly topic: string;
  /** Its MessageId in the DLQ (`sourceMessageId` is the id it was first sent with). */
  readonly dlqMessageId: string;
  /** Redrives so far, from `lean-ops-dlq-attempt`. */
  readonly attempt: number;
  /** Message attributes as received; a redrive carries them on. */
  readonly attributes: Readonly<Record<string, MessageAttributeValue>>;
}

/** The DLQ message as a `DlqMessage`; an unreadable attempt counter counts as 0. */
export function toDlqMessage(message: Message, topic: string, dlqUrl: string, now: number = Date.now()): DlqMessage {
  const attempt = Number(message.MessageAttributes?.[ATTEMPT_ATTRIBUTE]?.StringValue);
  return {
    ...toReceivedMessage(message, dlqUrl, now),
    topic,
    dlqMessageId: message.MessageId ?? '',
    attempt: Number.isInteger(attempt) && attempt > 0 ? attempt : 0,
    attributes: message.MessageAttributes ?? {},
  };
}

/**
 * Attributes of a redrive: the producer's, plus the attempt number and the first MessageId
 * (the resend gets a new one). Only the value fields are copied: SQS refuses the list ones.
 */
export function redriveAttributes(message: DlqMessage, attempt: number): Record<string, MessageAttributeValue> {
  const out: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(message.attributes)) {
    out[name] = {
      DataType: value.DataType,
      ...(value.StringValue !== undefined ? { StringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { BinaryValue: value.BinaryValue } : {}),
    };
  }
  out[ATTEMPT_ATTRIBUTE] = { DataType: 'Number', StringValue: String(attempt) };
  out[SOURCE_MESSAGE_ID_ATTRIBUTE] = { DataType: 'String', StringValue: message.sourceMessageId };
  return out;
}

/** Bytes SQS counts for a message: body plus each attribute's name, type and value. */
export function messageSize(body: string, attributes: Readonly<Record<string, MessageAttributeValue>>): number {
  let size = Buffer.byteLength(body, 'utf8');
  for (const [name, value] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '');
    size +=
      value.StringValue !== undefined ? Buffer.byteLength(value.StringValue) : (value.BinaryValue?.byteLength ?? 0);
  }
  return size;
}
