export type { AdapterLogger } from './adapter-logger.js';
export { isRetryableAwsError } from './aws-errors.js';
export { type ChunkLimits, chunkByLimits, chunkBySize, groupBy } from './chunk-by-limits.js';
export { CloudWatchBacklogPublisher, type CloudWatchBacklogPublisherOptions } from './cloudwatch-backlog-publisher.js';
export { CloudWatchNotifier, type CloudWatchNotifierOptions } from './cloudwatch-notifier.js';
export { DynamoCheckpointStore, type DynamoCheckpointStoreOptions } from './dynamo-checkpoint-store.js';
export { DynamoDriftLog, type DynamoDriftLogOptions } from './dynamo-drift-log.js';
export { DynamoSchemaRegistry, type DynamoSchemaRegistryOptions } from './dynamo-schema-registry.js';
export { FirehoseSink, type FirehoseSinkOptions } from './firehose-sink.js';
export { GlueIcebergSnapshots, type GlueIcebergSnapshotsOptions } from './glue-iceberg-snapshots.js';
export {
  type GlueBatchTopic,
  type GlueJobKind,
  GlueJobRunner,
  type GlueJobRunnerLogger,
  type GlueJobRunnerOptions,
  glueBatchDocument,
  glueJobResultUri,
} from './glue-job-runner.js';
export {
  GLUE_TABLE_MAINTENANCE_DEFAULTS,
  GlueTableMaintenance,
  type GlueTableMaintenanceOptions,
  glueMaintenanceBatch,
} from './glue-table-maintenance.js';
export {
  currentIcebergSnapshot,
  icebergRecordsAddedAfter,
  icebergSnapshotById,
  icebergTableFigures,
} from './iceberg-metadata.js';
export { KINESIS_LIMITS, KinesisSink, type KinesisSinkOptions } from './kinesis-sink.js';
export { type QueueStats, QueueStatsSampler, type QueueStatsSamplerOptions } from './queue-stats-sampler.js';
export { resolveQueueUrls } from './resolve-queue-urls.js';
export type { RetryOptions } from './retry-options.js';
export { quarantineObjectKey, S3Quarantine, type S3QuarantineOptions } from './s3-quarantine.js';
export { SecretsManagerReader, type SecretsManagerReaderOptions } from './secrets-manager-reader.js';
export { sendCached, withCachedSend } from './send-cached.js';
export { clampVisibilitySeconds, SqsAcknowledger, type SqsAcknowledgerOptions } from './sqs-acknowledger.js';
export { ensureStateTables, type StateTable, type StateTableNames, type StateTableOptions } from './state-tables.js';
