import type { AttributedMessage, MessageAttribute } from '@lean-ops/core';
import { SOURCE_MESSAGE_ID_ATTRIBUTE } from '@lean-ops/queue-worker';

/** Message attribute counting the redrives a message has had (absent: none yet). */
export const ATTEMPT_ATTRIBUTE = 'lean-ops-dlq-attempt';

/** The component name in the service environment's errors ("Invalid DLQ service environment"). */
export const DLQ = 'DLQ';

/** Received from a DLQ: everything needed to redrive, quarantine or delete it. */
export interface DlqMessage extends AttributedMessage {
  /** Topic of the DLQ it was found in; a redrive goes to this topic's source queue. */
  readonly topic: string;
  /** Its MessageId in the DLQ (`sourceMessageId` is the id it was first sent with). */
  readonly dlqMessageId: string;
  /** Redrives so far, from `lean-ops-dlq-attempt`. */
  readonly attempt: number;
}

/** The DLQ message as a `DlqMessage`; an unreadable attempt counter counts as 0. */
export function toDlqMessage(message: AttributedMessage, topic: string): DlqMessage {
  const attempt = Number(message.attributes[ATTEMPT_ATTRIBUTE]?.stringValue);
  return {
    ...message,
    topic,
    dlqMessageId: message.messageId,
    attempt: Number.isInteger(attempt) && attempt > 0 ? attempt : 0,
  };
}

/**
 * Attributes of a redrive: the producer's, plus the attempt number and the first MessageId
 * (the resend gets a new one).
 */
export function redriveAttributes(message: DlqMessage, attempt: number): Record<string, MessageAttribute> {
  return {
    ...message.attributes,
    [ATTEMPT_ATTRIBUTE]: { dataType: 'Number', stringValue: String(attempt) },
    [SOURCE_MESSAGE_ID_ATTRIBUTE]: { dataType: 'String', stringValue: message.sourceMessageId },
  };
}
