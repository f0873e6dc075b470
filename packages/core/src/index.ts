export { canonicalJson } from './canonical-json.js';
export { CURATED_METADATA_COLUMNS, curatedColumnName, SEMANTIC_METADATA_COLUMNS } from './column-name.js';
export {
  DEFAULT_METRIC_NAMESPACE,
  INGEST_METRICS,
  INGEST_SERVICE,
  LAYER_DIMENSION,
  PIPELINE_METRICS,
  SERVICE_DIMENSION,
  SNOWFLAKE_METRICS,
  TABLE_HEALTH_METRICS,
  TOPIC_DIMENSION,
} from './contracts/cloudwatch-metrics.js';
export { type DataDirLayout, DEFAULT_DATA_DIR, dataDirLayout } from './contracts/data-dir.js';
export { COMMON_ENV, DLQ_ENV, QUEUE_SERVICE_ENV, SCHEDULER_ENV } from './contracts/environment.js';
export { JOB_BATCH_FOLDER } from './contracts/job-documents.js';
export {
  SNOWFLAKE_CURATED_SCHEMA_SUFFIX,
  SNOWFLAKE_SCIENTIST_VIEW_SUFFIX,
  type SnowflakeNaming,
  type SnowflakeObjectNames,
  type SnowflakeTableNames,
  snowflakeObjectNames,
  snowflakeRoleName,
  snowflakeScientistView,
  snowflakeSemanticTable,
} from './contracts/snowflake-names.js';
export {
  APP_NAME,
  type GlueJobKind,
  type LakeLayer,
  type StageNames,
  stageNames,
  WAREHOUSE_PREFIX,
} from './contracts/stage-names.js';
export {
  type FargateSize,
  type GlueExecutionClass,
  type GlueWorkerType,
  InvalidStageNameError,
  STAGE_NAME_PATTERN,
  STAGE_SIZING,
  type StageProfile,
  type StageSizing,
  stageProfile,
  stageSizing,
} from './contracts/stage-sizing.js';
export {
  type KeyAttribute,
  type KeyAttributeType,
  STATE_TABLE_KEYS,
  type StateTable,
  type StateTableKey,
  TOPIC_ATTRIBUTE,
} from './contracts/state-table-keys.js';
export {
  type DropReason,
  type DropReasonKind,
  dropReasonKind,
  MESSAGE_FIELDS,
  type MessageField,
  REQUIRED_FIELDS,
} from './drop-reason.js';
export {
  CheckpointConflictError,
  ConfigError,
  isErrorNamed,
  JobFailedError,
  LeanOpsError,
  PermanentError,
  RetryableError,
  SchemaError,
  ServiceNotRunningError,
} from './errors.js';
export { finishesWithin } from './finishes-within.js';
export { deriveIdempotencyKey, type IdempotencyKeyInput } from './idempotency-key.js';
export {
  type Message,
  type MessageValidation,
  TOPIC_NAME_PATTERN,
  type ValidMessage,
  validateMessage,
} from './message.js';
export { onceAsync } from './once.js';
export { parseOptions } from './parse-options.js';
export type { BacklogPublisher } from './ports/backlog-publisher.js';
export type { CheckpointName, CheckpointStore, TopicCheckpoints } from './ports/checkpoint-store.js';
export type { DriftEntry, DriftLog, DriftStatus } from './ports/drift-log.js';
export type {
  CurationRequest,
  CurationResult,
  JobOutcome,
  JobRunner,
  SemanticRequest,
  SemanticResult,
} from './ports/job-runner.js';
export type { MessageAcknowledger, ReceivedMessage } from './ports/message-queue.js';
export type {
  AttributedMessage,
  MessageAttribute,
  MessageSource,
  PolledQueue,
  Polling,
  PollRequest,
} from './ports/message-source.js';
export type { Notifier, PipelineNotice } from './ports/notifier.js';
export type { Quarantine, QuarantineEntry } from './ports/quarantine.js';
export type {
  MessageReader,
  MessageSender,
  OutgoingMessage,
  QueueDepth,
  QueueDepthSampler,
  ReceiveRequest,
  SendResult,
  Unsent,
} from './ports/queue-operations.js';
export { type FailedRecord, FIREHOSE_LIMITS, type RecordSink, type SinkLimits } from './ports/record-sink.js';
export type { SchemaRegistry } from './ports/schema-registry.js';
export type {
  LakeCatalog,
  LakeFigures,
  LakeSnapshots,
  Layer,
  PendingRecords,
  SnapshotRef,
  TableFigures,
} from './ports/snapshot.js';
export type {
  AutoRefreshStatus,
  RefreshOptions,
  SnowflakeRefresher,
  ViewStatement,
} from './ports/snowflake-refresher.js';
export {
  type MaintainOptions,
  TABLE_HEALTH_FIGURES,
  TABLE_LAYERS,
  type TableHealth,
  type TableHealthFigure,
  type TableHealthFigures,
  type TableLayer,
  type TableMaintenance,
  type TableMaintenanceOutcome,
  type TableMaintenanceStatus,
} from './ports/table-maintenance.js';
export {
  decodeRawRecord,
  type EncodedRecord,
  encodeRawRecord,
  RAW_COLUMNS,
  type RawColumn,
  type RawRecord,
  RawRecordError,
  type RawTimestampColumn,
  type RawTimestampMicros,
} from './raw-record.js';
export {
  parseSemanticSchema,
  SEMANTIC_TYPES,
  type SemanticColumn,
  type SemanticSchema,
  type SemanticType,
  semanticColumnSchema,
  semanticSchemaSchema,
} from './semantic-schema.js';
export type { Service } from './service.js';
export {
  formatMicros,
  MAX_MICROS,
  MIN_MICROS,
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
