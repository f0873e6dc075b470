import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { isRetryableAwsError } from '@lean-ops/aws';

/** One message of a `SendMessageBatch` call; `id` is unique within the call. */
export interface BatchEntry {
  readonly id: string;
  readonly body: string;
}

export interface SendOutcome {
  /** Entry id → SQS `MessageId`. */
  readonly sent: ReadonlyMap<string, string>;
  /** Entries SQS refused for good, or that still failed when the attempts ran out. */
  readonly failed: ReadonlyArray<{ readonly id: string; readonly code: string; readonly message: string }>;
}

export interface BatchSenderOptions {
  /** Calls per entry, the first included. */
  readonly maxAttempts: number;
  /** First backoff delay; doubles per attempt, with jitter. @defaultValue 100 */
  readonly baseDelayMs?: number;
  /** @defaultValue 5000 */
  readonly maxDelayMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends entries with `SendMessageBatch`, re-sending only the entries that failed on
 * SQS's side (`SenderFault: false`), with exponential backoff. Entries SQS refuses as
 * the sender's fault (bad characters, too long) are reported, not retried. A call that
 * fails as a whole is retried when packages/aws classifies it retryable (throttling, 5xx,
 * network), and thrown when not (wrong credentials, missing queue): every later call
 * would fail the same way. Its own loop rather than packages/aws's `retryFailedEntries`:
 * the simulator needs the MessageId of every sent entry for its ledger, and reports the
 * entries of a call that kept failing instead of throwing.
 */
export class BatchSender {
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly client: SQSClient,
    private readonly options: BatchSenderOptions,
  ) {
    this.baseDelayMs = options.baseDelayMs ?? 100;
    this.maxDelayMs = options.maxDelayMs ?? 5_000;
  }

  async send(queueUrl: string, entries: readonly BatchEntry[]): Promise<SendOutcome> {
    const sent = new Map<string, string>();
    const failed: Array<{ id: string; code: string; message: string }> = [];
    let pending = entries;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const last = attempt >= this.options.maxAttempts;
      let retry: BatchEntry[] = [];
      try {
        const result = await this.client.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: pending.map((e) => ({ Id: e.id, MessageBody: e.body })),
          }),
        );
        for (const ok of result.Successful ?? []) if (ok.Id && ok.MessageId) sent.set(ok.Id, ok.MessageId);
        const refused = new Map((result.Failed ?? []).map((bad) => [bad.Id, bad]));
        for (const entry of pending) {
          if (sent.has(entry.id)) continue;
          // An entry the response does not mention is retried like a server-side failure.
          const bad = refused.get(entry.id);
          if (bad?.SenderFault || last) {
            failed.push({ id: entry.id, code: bad?.Code ?? 'NotAcknowledged', message: bad?.Message ?? '' });
          } else retry.push(entry);
        }
      } catch (err) {
        const e = err as { readonly name?: string; readonly message?: string };
        if (!isRetryableAwsError(err)) {
          throw new Error(`SendMessageBatch to ${queueUrl} failed: ${e.name}: ${e.message}`, { cause: err });
        }
        if (last)
          for (const entry of pending) failed.push({ id: entry.id, code: e.name ?? 'Error', message: e.message ?? '' });
        else retry = [...pending];
      }
      pending = retry;
      if (pending.length > 0) await sleep(this.backoff(attempt));
    }
    return { sent, failed };
  }

  /** Exponential backoff with "equal jitter": between half and all of the capped delay. */
  private backoff(attempt: number): number {
    const capped = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    return capped / 2 + Math.random() * (capped / 2);
  }
}
