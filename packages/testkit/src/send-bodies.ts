import { type MessageAttributeValue, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** Sends bodies to a queue in batches of 10; returns their MessageIds in order. */
export async function sendBodies(
  sqs: SQSClient,
  url: string,
  bodies: readonly string[],
  attributes?: Record<string, MessageAttributeValue>,
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < bodies.length; i += 10) {
    const chunk = bodies.slice(i, i + 10);
    const out = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: chunk.map((b, j) => ({ Id: String(j), MessageBody: b, MessageAttributes: attributes })),
      }),
    );
    if ((out.Failed ?? []).length > 0) throw new Error(`send failed: ${JSON.stringify(out.Failed)}`);
    const byId = new Map((out.Successful ?? []).map((s) => [s.Id, s.MessageId as string]));
    ids.push(...chunk.map((_, j) => byId.get(String(j)) as string));
  }
  return ids;
}
