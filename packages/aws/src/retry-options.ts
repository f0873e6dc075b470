import { ExponentialBackoff, handleWhen, type RetryPolicy, retry } from 'cockatiel';
import type { OptionChecks } from './option-checks.js';

/** How an adapter retries the entries (records, messages) that AWS did not accept. */
export interface RetryOptions {
  /**
   * Calls per entry, the first included; 1 disables retries. Each call is itself retried
   * by the SDK client's own retry strategy on throttling and 5xx: give the client
   * `maxAttempts: 1` to leave retrying to the adapter alone.
   * @defaultValue 4
   */
  readonly maxAttempts?: number;
  /** First backoff delay, before jitter. @defaultValue 100 */
  readonly baseDelayMs?: number;
  /** Longest backoff delay. @defaultValue 5000 */
  readonly maxDelayMs?: number;
}

export const RETRY_DEFAULTS = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 5_000 } as const;

/** Adds the checks of `RetryOptions` to a component's option checks. */
export function checkRetryOptions(checks: OptionChecks, options: RetryOptions): OptionChecks {
  const base = options.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs;
  const max = options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs;
  return checks
    .integer('maxAttempts', options.maxAttempts, 1, 100)
    .number('baseDelayMs', options.baseDelayMs, 0)
    .number('maxDelayMs', options.maxDelayMs, 0)
    .rule(!(base > max), `maxDelayMs: must be ≥ baseDelayMs (got ${max} < ${base})`);
}

/**
 * A cockatiel retry policy: exponential backoff with decorrelated jitter (cockatiel's
 * default generator), retrying thrown errors that `isRetryable` accepts and results that
 * still list failed entries (a non-empty array).
 */
export function buildRetryPolicy(options: RetryOptions, isRetryable: (err: Error) => boolean): RetryPolicy {
  return retry(
    handleWhen(isRetryable).orWhenResult((result) => Array.isArray(result) && result.length > 0),
    {
      // cockatiel counts retries, not calls.
      maxAttempts: (options.maxAttempts ?? RETRY_DEFAULTS.maxAttempts) - 1,
      backoff: new ExponentialBackoff({
        initialDelay: options.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs,
        maxDelay: options.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs,
      }),
    },
  );
}
