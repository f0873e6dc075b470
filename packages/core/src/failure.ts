import { isErrorNamed } from './errors.js';

/** What to do with a message whose processing failed (contract §2). */
export type Disposition = 'DROP' | 'RETRY';

/**
 * Classifies a processing failure. Only an explicit `PermanentError` is a DROP; every
 * other failure (throttling, 5xx, network, unknown) is RETRY, because a retried message
 * can still reach quarantine through the DLQ while a dropped one is final.
 */
export function classifyFailure(err: unknown): Disposition {
  return isErrorNamed(err, 'PermanentError') ? 'DROP' : 'RETRY';
}
