import { type DropReason, transformMessage } from '@lean-ops/core';
import { retryDelaySeconds } from '@lean-ops/queue-worker';
import type { DlqMessage } from './dlq-message.js';
import type { DlqOptions } from './dlq-options.js';

/** Why a DLQ message went to quarantine. */
export type DlqQuarantineReason =
  /** Classified again as DROP: it can never succeed. */
  | `dlq:${DropReason}`
  /** Valid, but redriven `maxAttempts` times already. */
  | 'dlq:max_attempts'
  /** An operator purged the DLQ. */
  | 'dlq:purged'
  /** The source queue refused the redrive for good (SQS sender fault, e.g. too many attributes). */
  | 'dlq:redrive_rejected';

/** What to do with one DLQ message. */
export type DlqAction =
  | { readonly kind: 'redrive'; readonly attempt: number; readonly delaySeconds: number }
  | { readonly kind: 'quarantine'; readonly reason: DlqQuarantineReason };

export interface DlqPlan {
  readonly message: DlqMessage;
  readonly action: DlqAction;
}

export type DecisionOptions = Pick<
  DlqOptions,
  'maxAttempts' | 'backoffBaseSeconds' | 'backoffMaxSeconds' | 'maxRecordBytes'
> & {
  readonly isKnownTopic: (topic: string) => boolean;
  /** @defaultValue Math.random (jitter) */
  readonly random?: () => number;
};

/**
 * Classifies a DLQ message again with the ingest worker's transform. A DROP is
 * quarantined as `dlq:<reason>`; a valid message failed on RETRY (a sink outage burnt its
 * receives), so it is redriven with exponential backoff until `maxAttempts`, then
 * quarantined as `dlq:max_attempts` so a message that can never land does not cycle forever.
 */
export function decideDlqAction(message: DlqMessage, options: DecisionOptions): DlqAction {
  const result = transformMessage(message, {
    isKnownTopic: options.isKnownTopic,
    maxRecordBytes: options.maxRecordBytes,
  });
  if (!result.ok) return { kind: 'quarantine', reason: `dlq:${result.reason}` };
  if (message.attempt >= options.maxAttempts) return { kind: 'quarantine', reason: 'dlq:max_attempts' };
  const attempt = message.attempt + 1;
  return {
    kind: 'redrive',
    attempt,
    delaySeconds: retryDelaySeconds(attempt, options.backoffBaseSeconds, options.backoffMaxSeconds, options.random),
  };
}

/** The reason without `dlq:` and without a field suffix: a low-cardinality metric label. */
export function reasonLabel(reason: DlqQuarantineReason): string {
  const code = reason.slice('dlq:'.length);
  const colon = code.indexOf(':');
  return colon === -1 ? code : code.slice(0, colon);
}
