import { type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ReceivedMessage } from '@lean-ops/core';

/** An SQS message as the ingest worker hands it to the acknowledger. */
export function toReceived(queue: string, message: Message): ReceivedMessage {
  return {
    queue,
    receiptHandle: message.ReceiptHandle ?? '',
    receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 1),
    body: message.Body ?? '',
    sourceMessageId: message.MessageId ?? '',
    publishTimeMs: Number(message.Attributes?.SentTimestamp ?? 0),
  };
}

/** Receives until `count` messages arrived (or one receive comes back empty). */
export async function receive(client: SQSClient, queue: string, count: number): Promise<ReceivedMessage[]> {
  const received: ReceivedMessage[] = [];
  while (received.length < count) {
    const out = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queue,
        MaxNumberOfMessages: Math.min(10, count - received.length),
        MessageSystemAttributeNames: ['All'],
        WaitTimeSeconds: 0,
      }),
    );
    if (!out.Messages?.length) break;
    received.push(...out.Messages.map((m) => toReceived(queue, m)));
  }
  return received;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
