import { setMaxListeners } from 'node:events';
import type { IRetryContext, RetryPolicy } from 'cockatiel';
import { errorCode, errorMessage } from './aws-errors.js';
import { untilAborted } from './until-aborted.js';

/** An entry AWS did not accept, with AWS's reason. */
export interface EntryFailure<E> {
  readonly entry: E;
  readonly code: string;
  readonly message: string;
}

/**
 * One batch call for `entries`: resolves with the entries that failed individually
 * (AWS's per-entry error codes), rejects when the whole call failed.
 */
export type BatchAttempt<E> = (entries: readonly E[], signal: AbortSignal) => Promise<readonly EntryFailure<E>[]>;

const NEVER_ABORTED = new AbortController().signal;
// Shared by every concurrent call that got no signal; the SDK adds (and later removes) one
// listener per request, which would trip Node's leak warning at 11 concurrent calls.
setMaxListeners(0, NEVER_ABORTED);

/**
 * Sends `entries` with `attempt`, then re-sends only the entries that failed, under the
 * cockatiel `policy` (backoff, attempts, which thrown errors are retryable). Resolves with
 * the entries that still failed when the policy gave up. A whole-call failure that ends
 * the retries rejects only when nothing was accepted; once some entries were accepted,
 * the rest are reported as failures carrying that error's name and message. An abort of
 * `signal` stops at once, counting like a whole-call failure.
 */
export async function retryFailedEntries<E>(
  policy: RetryPolicy,
  entries: readonly E[],
  attempt: BatchAttempt<E>,
  signal: AbortSignal = NEVER_ABORTED,
): Promise<readonly EntryFailure<E>[]> {
  if (entries.length === 0) return [];
  let pending: readonly E[] = entries;
  let failures: readonly EntryFailure<E>[] = [];
  const run = policy.execute(async ({ signal: s }: IRetryContext) => {
    s.throwIfAborted();
    failures = await attempt(pending, s);
    pending = failures.map((f) => f.entry);
    return failures;
  }, signal);
  try {
    // cockatiel's backoff delay does not watch the signal; its next call sees the abort and ends.
    await (signal === NEVER_ABORTED ? run : untilAborted(run, signal));
    return failures;
  } catch (err) {
    if (pending.length === entries.length) throw err;
    return pending.map((entry) => ({ entry, code: errorCode(err), message: errorMessage(err) }));
  }
}
