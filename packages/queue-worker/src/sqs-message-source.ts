import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { withCachedSend } from '@lean-ops/aws';
import type {
  AttributedMessage,
  MessageSource,
  PolledQueue,
  Polling,
  PollRequest,
  ReceivedMessage,
} from '@lean-ops/core';
import type { Logger } from '@lean-ops/logger';
import { Consumer } from 'sqs-consumer';
import { SOURCE_MESSAGE_ID_ATTRIBUTE, toAttributedMessage, toReceivedMessage } from './received-message.js';

export interface SqsMessageSourceOptions {
  readonly client: SQSClient;
  /** Receives poll failures (warnings) and batch-handling errors. */
  readonly logger: Logger;
}

/** The `MessageSource` port over SQS: long-polling sqs-consumer instances. */
export class SqsMessageSource implements MessageSource {
  constructor(private readonly options: SqsMessageSourceOptions) {}

  poll(request: PollRequest<ReceivedMessage>): Polling {
    return new PollerPool(this.options, request, [SOURCE_MESSAGE_ID_ATTRIBUTE], toReceivedMessage);
  }

  pollWithAttributes(request: PollRequest<AttributedMessage>): Polling {
    return new PollerPool(this.options, request, ['All'], toAttributedMessage);
  }
}

/**
 * `pollersPerQueue` sqs-consumer instances per queue, each long-polling batches of 10.
 * One consumer polls one batch at a time, so concurrency comes from their number (as
 * Vector's `client_concurrency`). Deletion is the worker's: `shouldDeleteMessages` is off.
 */
export class PollerPool<M extends ReceivedMessage> implements Polling {
  private readonly consumers: Consumer[] = [];
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly source: SqsMessageSourceOptions,
    private readonly request: PollRequest<M>,
    private readonly messageAttributeNames: readonly string[],
    private readonly convert: (message: Message, queueUrl: string, now: number) => M,
  ) {
    for (const queue of request.queues) {
      for (let i = 0; i < request.pollersPerQueue; i++) this.consumers.push(this.createConsumer(queue));
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

  private createConsumer(queue: PolledQueue): Consumer {
    const { request, convert } = this;
    const { logger } = this.source;
    let pollStarted = 0;
    const consumer = Consumer.create({
      queueUrl: queue.url,
      // sqs-consumer passes its abort signal on every call, which would make the client
      // resolve its middleware stack again each time (see sendCached).
      sqs: withCachedSend(this.source.client),
      batchSize: 10,
      waitTimeSeconds: request.waitTimeSeconds,
      visibilityTimeout: request.visibilityTimeoutSeconds,
      messageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
      messageAttributeNames: [...this.messageAttributeNames],
      shouldDeleteMessages: false,
      pollingWaitTimeMs: 0,
      preReceiveMessageCallback: async () => {
        await request.waitForCapacity();
        pollStarted = performance.now();
      },
      postReceiveMessageCallback: async () => {
        request.onPollDuration?.(queue.topic, (performance.now() - pollStarted) / 1000);
      },
      handleMessageBatch: async (messages) => {
        const now = Date.now();
        request.onBatch(
          queue.topic,
          messages.map((m) => convert(m, queue.url, now)),
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
