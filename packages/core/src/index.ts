export { canonicalJson } from './canonical-json.js';
export { CURATED_METADATA_COLUMNS, SEMANTIC_METADATA_COLUMNS, curatedColumnName } from './column-name.js';
export {
  type DropReason,
  type DropReasonKind,
  MESSAGE_FIELDS,
  type MessageField,
  REQUIRED_FIELDS,
  dropReasonKind,
} from './drop-reason.js';
export {
  CheckpointConflictError,
  ConfigError,
  JobFailedError,
  LeanOpsError,
  PermanentError,
  RetryableError,
  SchemaError,
  isErrorNamed,
} from './errors.js';
export { type Disposition, classifyFailure } from './failure.js';
export { type IdempotencyKeyInput, deriveIdempotencyKey } from './idempotency-key.js';
export {
  type Message,
  type MessageValidation,
  PERIOD_REFERENCE_PATTERN,
  TOPIC_NAME_PATTERN,
  type ValidMessage,
  messageSchema,
  validateMessage,
} from './message.js';
export type { CheckpointName, CheckpointStore, TopicCheckpoints } from './ports/checkpoint-store.js';
export type { DriftEntry, DriftLog, DriftStatus } from './ports/drift-log.js';
export type {
  CurationRequest,
  CurationResult,
  JobRunner,
  SemanticRequest,
  SemanticResult,
} from './ports/job-runner.js';
export type { MessageAcknowledger, ReceivedMessage } from './ports/message-queue.js';
export type { Quarantine, QuarantineEntry } from './ports/quarantine.js';
export type { FailedRecord, RecordSink, SinkLimits } from './ports/record-sink.js';
export type { SchemaRegistry } from './ports/schema-registry.js';
export type { LakeSnapshots, Layer, SnapshotRef } from './ports/snapshot.js';
export { type EncodedRecord, RAW_COLUMNS, type RawRecord, encodeRawRecord } from './raw-record.js';
export {
  SEMANTIC_TYPES,
  type SemanticColumn,
  type SemanticSchema,
  type SemanticType,
  parseSemanticSchema,
  semanticColumnSchema,
  semanticSchemaSchema,
} from './semantic-schema.js';
export {
  MAX_MICROS,
  MIN_MICROS,
  formatMicros,
  millisToMicros,
  normaliseEventTimestamp,
  parseRfc3339Micros,
  periodOfMicros,
} from './timestamp.js';
export type { TopicConfig } from './topic.js';
export {
  DEFAULT_MAX_RECORD_BYTES,
  type InboundMessage,
  type TransformOptions,
  type TransformResult,
  transformMessage,
} from './transform.js';
export { formatPath, formatZodIssues } from './zod-issues.js';
