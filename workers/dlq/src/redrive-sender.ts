import { type MessageAttributeValue, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { chunkByLimits, groupBy } from '@lean-ops/aws';
import { type DlqMessage, messageSize, redriveAttributes } from './dlq-message.js';

/** SQS batch calls take at most 10 entries and 1 MiB in all; a message of 1 MiB goes alone. */
const SEND_BATCH_LIMITS = { maxRecords: 10, maxBatchBytes: 1_048_576 } as const;

export interface Redrive {
  readonly message: DlqMessage;
  readonly attempt: number;
  readonly delaySeconds: number;
}

interface Outgoing {
  readonly redrive: Redrive;
  readonly attributes: Record<string, MessageAttributeValue>;
  readonly bytes: number;
}

export interface Unsent {
  readonly message: DlqMessage;
  readonly problem: string;
}

export interface RedriveResult {
  readonly sent: readonly DlqMessage[];
  /** Refused for good (SQS sender fault): sending it again would fail the same way. */
  readonly refused: readonly Unsent[];
  /** Not sent this time (server fault, network, missing queue): worth another try later. */
  readonly failed: readonly Unsent[];
}

/**
 * Sends each message back to its topic's source queue (`SendMessageBatch`, per queue, 10
 * entries and at most 1 MiB a call, calls in parallel) with the attempt counter, the first
 * MessageId and `DelaySeconds`. Never throws: every message ends up in one of the lists.
 */
export async function sendRedrives(
  sqs: SQSClient,
  sourceUrlOf: (topic: string) => string,
  redrives: readonly Redrive[],
): Promise<RedriveResult> {
  const result = { sent: [] as DlqMessage[], refused: [] as Unsent[], failed: [] as Unsent[] };
  const outgoing = redrives.map((redrive): Outgoing & { url: string } => {
    const attributes = redriveAttributes(redrive.message, redrive.attempt);
    const bytes = messageSize(redrive.message.body, attributes);
    return { redrive, attributes, bytes, url: sourceUrlOf(redrive.message.topic) };
  });
  const calls = [...groupBy(outgoing, (o) => o.url)].flatMap(([url, items]) =>
    chunkByLimits(items, (o) => o.bytes, SEND_BATCH_LIMITS).map((batch) => ({ url, batch })),
  );
  await Promise.all(
    calls.map(async ({ url, batch }) => {
      try {
        const out = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: url,
            Entries: batch.map(({ redrive, attributes }, i) => ({
              Id: String(i),
              MessageBody: redrive.message.body,
              DelaySeconds: redrive.delaySeconds,
              MessageAttributes: attributes,
            })),
          }),
        );
        const failedIds = new Set<string>();
        for (const f of out.Failed ?? []) {
          const item = batch[Number(f.Id)];
          if (!item) continue;
          failedIds.add(f.Id ?? '');
          const unsent = { message: item.redrive.message, problem: `${url}: ${f.Code}: ${f.Message ?? ''}` };
          (f.SenderFault ? result.refused : result.failed).push(unsent);
        }
        batch.forEach((b, i) => {
          if (!failedIds.has(String(i))) result.sent.push(b.redrive.message);
        });
      } catch (err) {
        const problem = `${url}: ${(err as Error).name}: ${(err as Error).message}`;
        for (const b of batch) result.failed.push({ message: b.redrive.message, problem });
      }
    }),
  );
  return result;
}
