import type { BatchResultErrorEntry, SQSClient } from '@aws-sdk/client-sqs';
import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand } from '@aws-sdk/client-sqs';
import { type MessageAcknowledger, type ReceivedMessage, RetryableError } from '@lean-ops/core';
import type { RetryPolicy } from 'cockatiel';
import type { AdapterLogger } from './adapter-logger.js';
import { errorCode, errorMessage, isRetryableAwsError } from './aws-errors.js';
import { chunkBySize, groupBy } from './chunk-by-limits.js';
import { OptionChecks } from './option-checks.js';
import { type EntryFailure, retryFailedEntries } from './retry-failed-entries.js';
import { buildRetryPolicy, checkRetryOptions, type RetryOptions } from './retry-options.js';
import { sendCached } from './send-cached.js';

/** SQS batch calls take at most 10 entries. */
export const SQS_BATCH_SIZE = 10;
/** SQS visibility timeouts are 0–43200 s (12 hours). */
export const MAX_VISIBILITY_SECONDS = 43_200;

export interface SqsAcknowledgerOptions extends RetryOptions {
  /** With an explicit `endpoint` when talking to an emulator (queue URLs may name another host). */
  readonly client: SQSClient;
  /** Receives one warning per batch call that met stale receipt handles. */
  readonly logger?: AdapterLogger;
}

/** Batch-entry codes that mean "this receipt handle is no longer ours": nothing left to do. */
const STALE_HANDLE_CODES: ReadonlySet<string> = new Set([
  'ReceiptHandleIsInvalid',
  'AWS.SimpleQueueService.ReceiptHandleIsInvalid',
  'MessageNotInflight',
  'AWS.SimpleQueueService.MessageNotInflight',
]);

function isStaleHandle(entry: BatchResultErrorEntry): boolean {
  if (entry.Code !== undefined && STALE_HANDLE_CODES.has(entry.Code)) return true;
  // ChangeMessageVisibility on an expired handle: InvalidParameterValue "…receipt handle has expired".
  return entry.Code === 'InvalidParameterValue' && /receipt ?handle/i.test(entry.Message ?? '');
}

/** Clamps to SQS's 0–43200 s, rounding up (never shorter than asked). */
export function clampVisibilitySeconds(seconds: number, parameter: string): number {
  if (!Number.isFinite(seconds))
    throw new RangeError(`${parameter}: expected a finite number of seconds (got ${seconds})`);
  return Math.min(MAX_VISIBILITY_SECONDS, Math.max(0, Math.ceil(seconds)));
}

type BatchCall = (
  queue: string,
  entries: { Id: string; ReceiptHandle: string }[],
  signal: AbortSignal,
) => Promise<{ Failed?: BatchResultErrorEntry[] | undefined }>;

/**
 * Acknowledges SQS messages with batch calls (10 entries each, per queue, in parallel),
 * re-sending only the entries SQS reports as `Failed` with a server fault (cockatiel:
 * exponential backoff with jitter). Throws `RetryableError` when entries still fail, or
 * fail with a sender fault, after the retries.
 *
 * A stale receipt handle (`ReceiptHandleIsInvalid`, `MessageNotInflight`, an expired
 * handle) is logged and counted as done, never retried or thrown: the handle can never
 * become valid again, and the message it named is either gone or will be delivered again
 * with a new handle — which is safe, because RAW tolerates duplicates and curation
 * deduplicates by idempotency key.
 */
export class SqsAcknowledger implements MessageAcknowledger {
  private readonly client: SQSClient;
  private readonly logger: AdapterLogger | undefined;
  private readonly policy: RetryPolicy;

  constructor(options: SqsAcknowledgerOptions) {
    const checks = new OptionChecks('SqsAcknowledger options').client('client', options?.client);
    checkRetryOptions(checks, options ?? {})
      .logger('logger', options?.logger)
      .done();
    this.client = options.client;
    this.logger = options.logger;
    this.policy = buildRetryPolicy(options, isRetryableAwsError);
  }

  /** Deletes the messages (`DeleteMessageBatch`). */
  ack(messages: readonly ReceivedMessage[]): Promise<void> {
    return this.inBatches('DeleteMessageBatch', messages, (queue, entries, signal) =>
      sendCached(() => this.client.send(new DeleteMessageBatchCommand({ QueueUrl: queue, Entries: entries })), signal),
    );
  }

  /** Makes the messages visible again after `delaySeconds` (clamped to 0–43200). */
  retryLater(messages: readonly ReceivedMessage[], delaySeconds: number): Promise<void> {
    return this.changeVisibility(messages, clampVisibilitySeconds(delaySeconds, 'delaySeconds'));
  }

  /** Keeps in-flight messages invisible for `visibilitySeconds` from now (clamped to 0–43200). */
  extend(messages: readonly ReceivedMessage[], visibilitySeconds: number): Promise<void> {
    return this.changeVisibility(messages, clampVisibilitySeconds(visibilitySeconds, 'visibilitySeconds'));
  }

  private changeVisibility(messages: readonly ReceivedMessage[], seconds: number): Promise<void> {
    return this.inBatches('ChangeMessageVisibilityBatch', messages, (queue, entries, signal) =>
      sendCached(
        () =>
          this.client.send(
            new ChangeMessageVisibilityBatchCommand({
              QueueUrl: queue,
              Entries: entries.map((e) => ({ ...e, VisibilityTimeout: seconds })),
            }),
          ),
        signal,
      ),
    );
  }

  private async inBatches(operation: string, messages: readonly ReceivedMessage[], call: BatchCall): Promise<void> {
    const calls = [...groupBy(messages, (m) => m.queue)].flatMap(([queue, group]) =>
      chunkBySize(group, SQS_BATCH_SIZE).map((chunk) => ({ queue, chunk })),
    );
    const unretryable: EntryFailure<ReceivedMessage>[] = [];
    const outcomes = await Promise.allSettled(
      calls.map(({ queue, chunk }) =>
        retryFailedEntries(this.policy, chunk, async (pending, signal) => {
          const out = await call(
            queue,
            pending.map((m, i) => ({ Id: String(i), ReceiptHandle: m.receiptHandle })),
            signal,
          );
          const retry: EntryFailure<ReceivedMessage>[] = [];
          const stale: EntryFailure<ReceivedMessage>[] = [];
          for (const failed of out.Failed ?? []) {
            const message = pending[Number(failed.Id)];
            if (message === undefined) continue;
            const failure = { entry: message, code: failed.Code ?? 'Unknown', message: failed.Message ?? '' };
            if (isStaleHandle(failed)) stale.push(failure);
            else if (failed.SenderFault) unretryable.push(failure);
            else retry.push(failure);
          }
          if (stale.length > 0) this.warnStale(operation, queue, stale);
          return retry;
        }),
      ),
    );

    const problems: string[] = [];
    let failedCount = unretryable.length;
    let cause: unknown;
    outcomes.forEach((outcome, i) => {
      const { queue, chunk } = calls[i] as (typeof calls)[number];
      if (outcome.status === 'rejected') {
        failedCount += chunk.length;
        cause ??= outcome.reason;
        problems.push(`${queue}: ${errorCode(outcome.reason)}: ${errorMessage(outcome.reason)}`);
      } else {
        failedCount += outcome.value.length;
        for (const f of outcome.value) problems.push(`${f.entry.queue}: ${f.code}: ${f.message}`);
      }
    });
    for (const f of unretryable) problems.push(`${f.entry.queue}: ${f.code}: ${f.message}`);
    if (failedCount > 0) {
      const distinct = [...new Set(problems)];
      throw new RetryableError(
        `SqsAcknowledger: ${operation} failed for ${failedCount} of ${messages.length} messages: ${distinct.slice(0, 5).join('; ')}${distinct.length > 5 ? '; …' : ''}`,
        { cause },
      );
    }
  }

  private warnStale(operation: string, queue: string, stale: readonly EntryFailure<ReceivedMessage>[]): void {
    this.logger?.warn(
      {
        operation,
        queue,
        count: stale.length,
        codes: [...new Set(stale.map((f) => f.code))],
        source_message_ids: stale.map((f) => f.entry.sourceMessageId),
      },
      'stale SQS receipt handles: counted as done (the messages are gone or will be delivered again)',
    );
  }
}
