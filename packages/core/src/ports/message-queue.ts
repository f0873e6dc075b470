import type { InboundMessage } from '../transform.js';

/** A message received from a queue, with what is needed to acknowledge it. */
export interface ReceivedMessage extends InboundMessage {
  readonly queue: string;
  readonly receiptHandle: string;
  /** How often the queue has delivered it (SQS `ApproximateReceiveCount`). */
  readonly receiveCount: number;
}

/**
 * Acknowledgement side of a queue. `ack` deletes; `retryLater` makes messages visible
 * again after a delay; `extend` keeps in-flight messages invisible (heartbeat).
 */
export interface MessageAcknowledger {
  ack(messages: readonly ReceivedMessage[]): Promise<void>;
  retryLater(messages: readonly ReceivedMessage[], delaySeconds: number): Promise<void>;
  extend(messages: readonly ReceivedMessage[], visibilitySeconds: number): Promise<void>;
}
