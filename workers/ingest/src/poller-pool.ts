import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { withCachedSend } from '@lean-ops/aws';
import type { ReceivedMessage } from '@lean-ops/core';
import type { Logger } from '@lean-ops/logger';
import { Consumer } from 'sqs-consumer';
import type { IngestMetrics } from './ingest-metrics.js';
import type { QueueOptions } from './options.js';

/**
 * Message attribute naming the SQS MessageId a message was first sent with. The DLQ
 * processor sets it on a redrive (the resend gets a new MessageId), so RAW rows and
 * quarantine entries keep matching what the producer sent.
 */
export const SOURCE_MESSAGE_ID_ATTRIBUTE = 'lean-ops-source-message-id';

export interface PollerPoolOptions {
  readonly sqs: SQSClient;
  readonly queues: readonly QueueOptions[];
  readonly pollersPerQueue: number;
  readonly waitTimeSeconds: number;
  readonly visibilityTimeoutSeconds: number;
  /** Awaited before every receive: back-pressure and the breaker's pause. */
  readonly waitForCapacity: () => Promise<void>;
  /** `raw` is the batch as SQS returned it, for consumers that need its message attributes. */
  readonly onBatch: (queueTopic: string, messages: readonly ReceivedMessage[], raw: readonly Message[]) => void;
  /** Message attributes to receive (SQS returns none unless asked). @defaultValue [SOURCE_MESSAGE_ID_ATTRIBUTE] */
  readonly messageAttributeNames?: readonly string[];
  readonly metrics: Pick<IngestMetrics, 'pollDuration'>;
  readonly logger: Logger;
}

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

/**
 * `pollersPerQueue` sqs-consumer instances per queue, each long-polling batches of 10.
 * One consumer polls one batch at a time, so concurrency comes from their number (as
 * Vector's `client_concurrency`). Deletion is ours: `shouldDeleteMessages` is off.
 */
export class PollerPool {
  private readonly consumers: Consumer[] = [];
  private stopping: Promise<void> | undefined;

  constructor(private readonly options: PollerPoolOptions) {
    for (const queue of options.queues) {
      for (let i = 0; i < options.pollersPerQueue; i++) this.consumers.push(this.createConsumer(queue));
    }
  }

  start(): void {
    for (const consumer of this.consumers) consumer.start();
  }

  /** Stops polling and aborts pending long polls; idempotent. */
  stop(): Promise<void> {
    this.stopping ??= Promise.all(
      this.consumers.map(
        (consumer) =>
          new Promise<void>((resolve) => {
            if (!consumer.status.isRunning) return resolve();
            consumer.once('stopped', () => resolve());
            consumer.stop({ abort: true });
          }),
      ),
    ).then(() => undefined);
    return this.stopping;
  }

  private createConsumer(queue: QueueOptions): Consumer {
    const { metrics, logger } = this.options;
    let pollStarted = 0;
    const consumer = Consumer.create({
      queueUrl: queue.url,
      // sqs-consumer passes its abort signal on every call, which would make the client
      // resolve its middleware stack again each time (see sendCached).
      sqs: withCachedSend(this.options.sqs),
      batchSize: 10,
      waitTimeSeconds: this.options.waitTimeSeconds,
      visibilityTimeout: this.options.visibilityTimeoutSeconds,
      messageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
      messageAttributeNames: [...(this.options.messageAttributeNames ?? [SOURCE_MESSAGE_ID_ATTRIBUTE])],
      shouldDeleteMessages: false,
      pollingWaitTimeMs: 0,
      preReceiveMessageCallback: async () => {
        await this.options.waitForCapacity();
        pollStarted = performance.now();
      },
      postReceiveMessageCallback: async () => {
        metrics.pollDuration.observe({ topic: queue.topic }, (performance.now() - pollStarted) / 1000);
      },
      handleMessageBatch: async (messages) => {
        const now = Date.now();
        this.options.onBatch(
          queue.topic,
          messages.map((m) => toReceivedMessage(m, queue.url, now)),
          messages,
        );
        return [];
      },
    });
    consumer.on('error', (err) => {
      // Stopping aborts the long polls in flight; sqs-consumer wraps that AbortError in an
      // SQSError whose code says so. Not a failure.
      const aborted = err.name === 'AbortError' || (err as { code?: unknown }).code === 'AbortError';
      if (this.stopping && aborted) return;
      logger.warn({ err, queue: queue.url }, 'SQS poll failed');
    });
    consumer.on('processing_error', (err) => logger.error({ err, queue: queue.url }, 'batch handling failed'));
    return consumer;
  }
}
