export { composeDlqService, type DlqAdapters, type DlqService, type DlqStatus } from './compose-dlq-service.js';
export {
  type DecisionOptions,
  type DlqAction,
  type DlqPlan,
  type DlqQuarantineReason,
  decideDlqAction,
  reasonLabel,
} from './dlq-decision.js';
export { formatAction, formatAge, formatDlqListings } from './dlq-listing-format.js';
export { ATTEMPT_ATTRIBUTE, DLQ, type DlqMessage, redriveAttributes, toDlqMessage } from './dlq-message.js';
export type { DlqMetrics } from './dlq-metrics.js';
export type { DlqMoveReport } from './dlq-move-report.js';
export type { DlqMoverDeps, DlqOutcome, Quarantined } from './dlq-mover.js';
export { DlqOperationError } from './dlq-operation-error.js';
export { type DlqListedMessage, type DlqListing, DlqOperator, type DlqOperatorDeps } from './dlq-operator.js';
export {
  type DlqOptions,
  type DlqOptionsInput,
  type DlqQueue,
  MAX_DELAY_SECONDS,
  parseDlqOptions,
} from './dlq-options.js';
export { DlqProcessor, type DlqProcessorDeps } from './dlq-processor.js';
export { type RunningDlqService, startDlqService } from './dlq-service.js';
export { DlqWorker, type DlqWorkerDeps } from './dlq-worker.js';
export { OldestMessageTracker } from './oldest-message-tracker.js';
export { openDlqOperator } from './open-dlq-operator.js';
