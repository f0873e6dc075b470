import type { AttributedMessage, MessageAttribute } from './message-source.js';

/** A message to send to a queue. */
export interface OutgoingMessage {
  readonly queue: string;
  readonly body: string;
  /** Seconds before it becomes visible (0: at once). */
  readonly delaySeconds: number;
  readonly attributes: Readonly<Record<string, MessageAttribute>>;
}

/** A message that was not sent, and why. */
export interface Unsent<T> {
  readonly message: T;
  readonly problem: string;
}

/** Every message given to {@link MessageSender.send} is in exactly one list. */
export interface SendResult<T> {
  readonly sent: readonly T[];
  /** Refused for good (the sender's fault): sending it again would fail the same way. */
  readonly refused: readonly Unsent<T>[];
  /** Not sent this time (server fault, network, missing queue): worth another try later. */
  readonly failed: readonly Unsent<T>[];
}

/** Sends messages to queues, in batches; never rejects: each message ends up in one list. */
export interface MessageSender {
  send<T extends OutgoingMessage>(messages: readonly T[]): Promise<SendResult<T>>;
}

/** One receive for an operator's look into a queue. */
export interface ReceiveRequest {
  readonly queue: string;
  /** At most this many (a queue returns up to 10 per call). */
  readonly max: number;
  readonly visibilitySeconds: number;
  readonly waitSeconds: number;
}

/** Receives once from a queue, attributes included (listing, redriving or purging a DLQ by hand). */
export interface MessageReader {
  receive(request: ReceiveRequest): Promise<AttributedMessage[]>;
}

/** Approximate message counts of one queue. */
export interface QueueDepth {
  readonly queueUrl: string;
  /** Waiting to be received. */
  readonly visible: number;
  /** Received, neither deleted nor timed out. */
  readonly inFlight: number;
  /** Sent with a delay not yet over. */
  readonly delayed: number;
}

/** Samples queue depths for the metrics and the operator's listing. */
export interface QueueDepthSampler {
  /** One entry per queue URL, in the order given. */
  sample(queueUrls: readonly string[], signal?: AbortSignal): Promise<readonly QueueDepth[]>;
}
