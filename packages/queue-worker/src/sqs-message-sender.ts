import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { chunkByLimits, groupBy } from '@lean-ops/aws';
import type { MessageSender, OutgoingMessage, SendResult, Unsent } from '@lean-ops/core';
import { messageSize, toSqsAttributes } from './received-message.js';

/** SQS batch calls take at most 10 entries and 1 MiB in all; a message of 1 MiB goes alone. */
const SEND_BATCH_LIMITS = { maxRecords: 10, maxBatchBytes: 1_048_576 } as const;

/**
 * The `MessageSender` port over SQS: `SendMessageBatch` per queue, 10 entries and at most
 * 1 MiB a call, calls in parallel. An entry SQS refuses as the sender's fault is
 * `refused`; a server fault, a network error or a missing queue is `failed` (the caller
 * tries again later). Never rejects.
 */
export class SqsMessageSender implements MessageSender {
  constructor(private readonly client: SQSClient) {}

  async send<T extends OutgoingMessage>(messages: readonly T[]): Promise<SendResult<T>> {
    const sent: T[] = [];
    const refused: Unsent<T>[] = [];
    const failed: Unsent<T>[] = [];
    const outgoing = messages.map((message) => ({ message, bytes: messageSize(message.body, message.attributes) }));
    const calls = [...groupBy(outgoing, (o) => o.message.queue)].flatMap(([url, items]) =>
      chunkByLimits(items, (o) => o.bytes, SEND_BATCH_LIMITS).map((batch) => ({ url, batch })),
    );
    await Promise.all(
      calls.map(async ({ url, batch }) => {
        try {
          const out = await this.client.send(
            new SendMessageBatchCommand({
              QueueUrl: url,
              Entries: batch.map(({ message }, i) => ({
                Id: String(i),
                MessageBody: message.body,
                DelaySeconds: message.delaySeconds,
                MessageAttributes: toSqsAttributes(message.attributes),
              })),
            }),
          );
          const failedIds = new Set<string>();
          for (const f of out.Failed ?? []) {
            const item = batch[Number(f.Id)];
            if (!item) continue;
            failedIds.add(f.Id ?? '');
            const unsent = { message: item.message, problem: `${url}: ${f.Code}: ${f.Message ?? ''}` };
            (f.SenderFault ? refused : failed).push(unsent);
          }
          batch.forEach((b, i) => {
            if (!failedIds.has(String(i))) sent.push(b.message);
          });
        } catch (err) {
          const problem = `${url}: ${(err as Error).name}: ${(err as Error).message}`;
          for (const b of batch) failed.push({ message: b.message, problem });
        }
      }),
    );
    return { sent, refused, failed };
  }
}
