export type { AdapterLogger } from './adapter-logger.js';
export { isRetryableAwsError } from './aws-errors.js';
export { type ChunkLimits, chunkByLimits, chunkBySize, groupBy } from './chunk-by-limits.js';
export {
  CloudWatchBacklogPublisher,
  type CloudWatchBacklogPublisherOptions,
} from './cloudwatch-backlog-publisher.js';
export {
  CloudWatchNotifier,
  type CloudWatchNotifierOptions,
} from './cloudwatch-notifier.js';
export { DynamoCheckpointStore, type DynamoCheckpointStoreOptions } from './dynamo-checkpoint-store.js';
export { DynamoDriftLog, type DynamoDriftLogOptions } from './dynamo-drift-log.js';
export { DynamoSchemaRegistry, type DynamoSchemaRegistryOptions } from './dynamo-schema-registry.js';
export { FirehoseSink, type FirehoseSinkOptions } from './firehose-sink.js';
export { GlueIcebergSnapshots, type GlueIcebergSnapshotsOptions, glueTableName } from './glue-iceberg-snapshots.js';
export {
  GLUE_JOB_RUNNER_DEFAULTS,
  type GlueJobKind,
  GlueJobRunner,
  type GlueJobRunnerLogger,
  type GlueJobRunnerOptions,
  glueJobResultUri,
  glueRunArguments,
} from './glue-job-runner.js';
export { currentIcebergSnapshot, icebergRecordsAddedAfter } from './iceberg-metadata.js';
export { KINESIS_LIMITS, KinesisSink, type KinesisSinkOptions, MAX_PARTITION_KEY_BYTES } from './kinesis-sink.js';
export { type QueueStats, QueueStatsSampler, type QueueStatsSamplerOptions } from './queue-stats-sampler.js';
export { resolveQueueUrls } from './resolve-queue-urls.js';
export { RETRY_DEFAULTS, type RetryOptions } from './retry-options.js';
export {
  quarantineObjectKey,
  S3Quarantine,
  type S3QuarantineOptions,
  topicPartition,
  UNKNOWN_TOPIC_PARTITION,
} from './s3-quarantine.js';
export { sendCached, withCachedSend } from './send-cached.js';
export {
  clampVisibilitySeconds,
  MAX_VISIBILITY_SECONDS,
  SQS_BATCH_SIZE,
  SqsAcknowledger,
  type SqsAcknowledgerOptions,
} from './sqs-acknowledger.js';
export {
  ensureStateTables,
  type StateTable,
  type StateTableNames,
  type StateTableOptions,
} from './state-tables.js';
