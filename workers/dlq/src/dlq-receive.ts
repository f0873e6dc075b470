import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { type DlqMessage, toDlqMessage } from './dlq-message.js';
import type { DlqQueue } from './dlq-options.js';

/**
 * One `ReceiveMessage` on a DLQ for the operator commands, with every attribute a redrive
 * carries on. Waits a second: a short poll may miss messages on a lightly filled queue.
 */
export async function receiveFromDlq(
  sqs: SQSClient,
  queue: DlqQueue,
  max: number,
  visibilitySeconds: number,
): Promise<DlqMessage[]> {
  const out = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queue.dlqUrl,
      MaxNumberOfMessages: Math.min(10, Math.max(1, max)),
      VisibilityTimeout: visibilitySeconds,
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
      MessageAttributeNames: ['All'],
    }),
  );
  const now = Date.now();
  return (out.Messages ?? []).map((m) => toDlqMessage(m, queue.topic, queue.dlqUrl, now));
}
