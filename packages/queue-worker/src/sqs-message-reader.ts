import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { AttributedMessage, MessageReader, ReceiveRequest } from '@lean-ops/core';
import { toAttributedMessage } from './received-message.js';

/** The `MessageReader` port over SQS: one `ReceiveMessage` with every attribute. */
export class SqsMessageReader implements MessageReader {
  constructor(private readonly client: SQSClient) {}

  async receive(request: ReceiveRequest): Promise<AttributedMessage[]> {
    const out = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: request.queue,
        MaxNumberOfMessages: Math.min(10, Math.max(1, request.max)),
        VisibilityTimeout: request.visibilitySeconds,
        WaitTimeSeconds: request.waitSeconds,
        MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
        MessageAttributeNames: ['All'],
      }),
    );
    const now = Date.now();
    return (out.Messages ?? []).map((m) => toAttributedMessage(m, request.queue, now));
  }
}
