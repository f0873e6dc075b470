import type { ReceivedMessage } from './message-queue.js';

/** A message attribute as queues carry it (SQS: String, Number or Binary data types). */
export interface MessageAttribute {
  readonly dataType: string;
  readonly stringValue?: string;
  readonly binaryValue?: Uint8Array;
}

/** A received message with its MessageId in the queue it came from and every attribute it carries. */
export interface AttributedMessage extends ReceivedMessage {
  /** Its id in this queue (`sourceMessageId` is the id it was first sent with). */
  readonly messageId: string;
  readonly attributes: Readonly<Record<string, MessageAttribute>>;
}

/** One queue to poll, with the topic it carries (the metric label). */
export interface PolledQueue {
  readonly topic: string;
  readonly url: string;
}

/** What to poll, how, and where the batches go. */
export interface PollRequest<M extends ReceivedMessage> {
  readonly queues: readonly PolledQueue[];
  /** Concurrent long polls per queue (each receives one batch at a time). */
  readonly pollersPerQueue: number;
  readonly waitTimeSeconds: number;
  /** Visibility timeout applied at receive. */
  readonly visibilityTimeoutSeconds: number;
  /** Awaited before every receive: back-pressure and pauses. */
  waitForCapacity(): Promise<void>;
  /** Each received batch with the topic of its queue; returns at once (the work goes on in the background). */
  onBatch(queueTopic: string, messages: readonly M[]): void;
  /** How long one receive took, in seconds. */
  onPollDuration?(queueTopic: string, seconds: number): void;
}

/** Polling started by {@link MessageSource}: started once, stopped once (`stop` is idempotent). */
export interface Polling {
  start(): void;
  /** Stops receiving and abandons pending long polls. */
  stop(): Promise<void>;
}

/**
 * Where a queue worker's messages come from. Nothing is deleted by polling: the worker
 * acknowledges through its `MessageAcknowledger`.
 */
export interface MessageSource {
  /** Messages without their attributes beyond the first MessageId (the ingest hot path). */
  poll(request: PollRequest<ReceivedMessage>): Polling;
  /** Messages with every attribute and their MessageId in the queue (what a redrive carries on). */
  pollWithAttributes(request: PollRequest<AttributedMessage>): Polling;
}
