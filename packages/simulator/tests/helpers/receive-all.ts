import { type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * Receives from `queueUrl` until `expected` messages arrived and one more long poll came
 * back empty (so extra messages would be seen too). Messages are left in flight, not deleted.
 */
export async function receiveAll(client: SQSClient, queueUrl: string, expected: number): Promise<Message[]> {
  const messages: Message[] = [];
  for (;;) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: messages.length >= expected ? 1 : 2,
        VisibilityTimeout: 300,
        MessageSystemAttributeNames: ['SentTimestamp'],
      }),
    );
    if (Messages.length === 0 && messages.length >= expected) return messages;
    if (Messages.length === 0) throw new Error(`${queueUrl}: received ${messages.length} of ${expected} messages`);
    messages.push(...Messages);
  }
}
